/**
 * One document's tokens in one tokenizer: the count, kept up to date by an `IncrementalEncoding` that is built on first
 * use (in slices with yields in between, so a large document does not block the server), and exact spans for any
 * range, from encoding just that range widened to restart points.
 */
import type { TextStore } from './textStore';
import { IncrementalEncoding, restartPoints } from './tokenizers/incremental';
import type { Encoding, Tokenizer } from './tokenizers/types';

/** How much text one build step appends before yielding. */
const BUILD_SLICE = 1 << 20;

export interface RangeEncoding {
  /** Offset in the document where `encoding`'s offsets start. */
  base: number;
  encoding: Encoding;
}

export class TokenState {
  private incremental: IncrementalEncoding | undefined;
  /** How many characters at the start of the document `incremental` holds; the rest is still to be appended. */
  private built = 0;
  private building: Promise<void> | undefined;
  private disposed = false;
  /** For tokenizers without restart points: the whole document's encoding, until the next edit. */
  private fullEncoding: Encoding | undefined;
  /** Told after each build step: how many characters are counted, of how many. */
  private readonly stepListeners = new Set<(done: number, total: number) => void>();

  constructor(
    readonly tokenizer: Tokenizer,
    private readonly source: TextStore,
  ) {}

  /** The count when it is known without work. */
  get readyCount(): number | undefined {
    return this.incremental && this.built === this.source.length ? this.incremental.count : undefined;
  }

  /** How far the count of the current text has got, as a fraction (1 when it is ready). */
  get progress(): number {
    const total = this.source.length;
    return this.readyCount !== undefined || total === 0 ? 1 : this.built / total;
  }

  /** Calls `listener(done, total)` after every build step until the returned function is called. */
  onStep(listener: (done: number, total: number) => void): () => void {
    this.stepListeners.add(listener);
    return () => this.stepListeners.delete(listener);
  }

  /** The document's token count, building the incremental encoding first if need be. */
  async count(): Promise<number> {
    while (this.readyCount === undefined) {
      if (this.disposed) throw new Error('document closed');
      this.building ??= this.build().finally(() => (this.building = undefined));
      await this.building;
    }
    return this.readyCount;
  }

  /**
   * How many tokens of the full encoding lie before `offset`, which must be a restart point (or 0). Uses the
   * incremental encoding's chunks when it is built, so only the text from the chunk's start is encoded.
   */
  tokensBefore(offset: number): number {
    if (offset <= 0) return 0;
    if (this.incremental && this.built === this.source.length) {
      const chunk = this.incremental.chunkAt(offset);
      return chunk.tokensBefore + (offset > chunk.start ? this.tokenizer.count(this.source.slice(chunk.start, offset)) : 0);
    }
    return this.tokenizer.count(this.source.slice(0, offset));
  }

  /** Mirrors an edit of the document (already applied to the text). */
  edit(start: number, end: number, insert: string): void {
    this.fullEncoding = undefined;
    if (!this.incremental) return;
    try {
      if (end <= this.built) {
        this.incremental.edit(start, end, insert);
        this.built += insert.length - (end - start);
      } else if (start < this.built) {
        // The edit reaches past what is built: drop the built tail it touches, the build appends the new text later.
        this.incremental.edit(start, this.built, '');
        this.built = start;
      }
    } catch {
      // A tokenizer that cannot encode the new text (no unknown token): start over, so the next request reports it.
      this.incremental = undefined;
      this.built = 0;
    }
  }

  /** After the whole text was replaced: count again from scratch (a build in progress starts over by itself). */
  reset(): void {
    this.incremental = undefined;
    this.built = 0;
    this.fullEncoding = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.incremental = undefined;
    this.fullEncoding = undefined;
  }

  private async build(): Promise<void> {
    // Without restart points every append would re-encode everything: encode in one go instead.
    const slice = this.tokenizer.restartRule === 'none' ? Infinity : BUILD_SLICE;
    for (;;) {
      if (this.disposed) return;
      const text = this.source.toString();
      if (this.incremental && this.built >= text.length) return;
      let to = Math.min(text.length, this.built + slice);
      if (to < text.length) {
        // End the slice at a restart point, so that the next one does not re-encode this one's tail; a slice with
        // none (one huge line) runs on to the next point or the end: growing it piece by piece would be quadratic.
        to = this.tokenizer.restartRule === 'none' ? text.length : firstRestartAtOrAfter(text, to, this.tokenizer.restartRule);
      }
      if (to < text.length && isHighSurrogate(text.charCodeAt(to - 1))) to++;
      const piece = text.slice(this.built, to);
      if (!this.incremental) this.incremental = new IncrementalEncoding(this.tokenizer, piece);
      else this.incremental.edit(this.built, this.built, piece);
      this.built = to;
      for (const listener of this.stepListeners) listener(to, text.length);
      if (to >= text.length) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * The tokens covering `[from, to)` (at least the one at `from` when the range is empty), exact: encoding from a
   * restart point at or before `from` to one at or after `to` gives the tokens of the full encoding there.
   */
  encodeRange(from: number, to: number): RangeEncoding {
    const rule = this.tokenizer.restartRule;
    if (rule === 'none') {
      this.fullEncoding ??= this.tokenizer.encode(this.source.toString());
      return { base: 0, encoding: this.fullEncoding };
    }
    // Restart points are looked for in a window around the range, which doubles on the side that found none: a
    // point found inside a window is a point of the whole text (its anchor lies inside), so only a window's own edges
    // can hide one.
    const length = this.source.length;
    const end = Math.max(to, from + 1);
    let back = 4096;
    let ahead = 4096;
    for (;;) {
      const a = Math.max(0, from - back);
      const b = Math.min(length, end + ahead);
      const window = this.source.slice(a, b);
      const base = lastRestartAtOrBefore(window, from - a, rule);
      if (base === 0 && a > 0) {
        back *= 2;
        continue;
      }
      const stop = firstRestartAtOrAfter(window, end - a, rule);
      if (stop === window.length && b < length) {
        ahead *= 2;
        continue;
      }
      return { base: a + base, encoding: this.tokenizer.encode(window.slice(base, stop)) };
    }
  }
}

/**
 * The last restart point at or before `pos`, or 0. Each line is checked on its own (its anchor never leaves it), so a
 * long run of lines that are not restart points costs linear time, not quadratic as `lastRestartPoint` on a prefix.
 */
function lastRestartAtOrBefore(text: string, pos: number, rule: 'line' | 'lineAfterText'): number {
  let lineEnd = text.indexOf('\n', pos);
  if (lineEnd < 0) lineEnd = text.length;
  for (let i = text.lastIndexOf('\n', pos - 1); i >= 0; i = i > 0 ? text.lastIndexOf('\n', i - 1) : -1) {
    const points = restartPoints(text, i, Math.min(text.length, lineEnd + 1), rule);
    if (points.length && points[0] === i + 1) return i + 1;
    lineEnd = i;
  }
  return 0;
}

/** The first restart point at or after `pos`, or the text's end; searches a window that doubles. */
function firstRestartAtOrAfter(text: string, pos: number, rule: 'line' | 'lineAfterText'): number {
  if (pos >= text.length) return text.length;
  for (let window = 4096; ; window *= 2) {
    const to = Math.min(text.length, pos + window);
    const points = restartPoints(text, pos - 1, to, rule);
    if (points.length) return points[0];
    if (to === text.length) return text.length;
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
