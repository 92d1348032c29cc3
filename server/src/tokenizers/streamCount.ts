import { lastRestartPoint } from './incremental';
import type { EncodeOptions, Tokenizer } from './types';

/**
 * Counts the tokens of a text that arrives in pieces, holding about a megabyte at a time: whatever precedes the last
 * restart point received so far (see `IncrementalEncoding`) is counted and dropped, which is exact because the
 * encoding from a restart point on does not depend on the text before it. Tokenizers without restart points (and
 * text with no line breaks) simply accumulate until `finish`.
 */
export class StreamCounter {
  private pending = '';
  private total = 0;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly options: EncodeOptions = {},
    private readonly flushAt = 1 << 20,
  ) {}

  push(chunk: string): void {
    this.pending = this.pending ? this.pending + chunk : chunk;
    if (this.pending.length < this.flushAt || this.tokenizer.restartRule === 'none') return;
    const cut = lastRestartPoint(this.pending, this.tokenizer.restartRule);
    if (cut <= 0) return;
    this.total += this.tokenizer.count(this.pending.slice(0, cut), this.options);
    this.pending = this.pending.slice(cut);
  }

  finish(): number {
    this.total += this.tokenizer.count(this.pending, this.options);
    this.pending = '';
    return this.total;
  }
}
