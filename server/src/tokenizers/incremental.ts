import type { EncodeOptions, Tokenizer } from './types';

/**
 * A document's token stream, kept up to date across edits without re-encoding the whole text.
 *
 * The text is cut into chunks at *restart points*: positions where every full encoding starts a token and whose
 * tokens do not depend on anything before them. Then the full encoding is exactly the concatenation of the chunks'
 * encodings, and an edit only re-encodes the chunks it touches: from the last restart point before the edit to the
 * first old restart point after it, which is where the new stream re-synchronises with the old one.
 *
 * A restart point is a line start whose first character is ASCII, not white space and not `/`, for tokenizers whose
 * pre-tokenizer is known to break there (see `Tokenizer.restartRule`): no pattern of the tiktoken/Llama 3/GPT-2
 * families lets a piece cross "\n" followed by such a character (o200k merges `;\n//` across lines, hence the `/`
 * rule; whitespace-only lines merge with newlines, hence non-white-space). Every match before the point stops on
 * reading that character, so edits after it cannot change them. Other tokenizers get a single chunk: always exact,
 * just not incremental. The property test checks incremental == full re-encode over random edit sequences.
 */
export class IncrementalEncoding {
  private text: string;
  /** Chunk start offsets (UTF-16), ascending; `starts[0] === 0`. */
  private starts: number[] = [];
  private ids: number[][] = [];
  private total = 0;

  constructor(
    private readonly tokenizer: Tokenizer,
    text: string,
    private readonly options: EncodeOptions = {},
  ) {
    this.text = text;
    this.rebuild(0, 0, text.length);
  }

  get count(): number {
    return this.total;
  }

  get value(): string {
    return this.text;
  }

  get chunkCount(): number {
    return this.starts.length;
  }

  /** All ids, in order (concatenating the chunks). */
  allIds(): number[] {
    return this.ids.flat();
  }

  /**
   * Replaces `text[start, end)` with `insert` and updates the stream. Returns how many chunks were re-encoded
   * (what the work cost), for tests and statistics.
   */
  edit(start: number, end: number, insert: string): number {
    if (start < 0 || end < start || end > this.text.length) throw new RangeError(`bad edit range [${start}, ${end})`);
    const old = this.text;
    this.text = old.slice(0, start) + insert + old.slice(end);
    const delta = insert.length - (end - start);
    // First chunk to redo: the last whose start lies strictly before the edit (its line start and first character
    // are untouched, so it is still a restart point).
    let a = upperBound(this.starts, start - 1) - 1;
    if (a < 0) a = 0;
    // First chunk to keep: the first whose restart conditions (the characters from `lookbehind` before its start up
    // to its first character) lie entirely after the edit, so they still hold.
    const lookbehind = this.tokenizer.restartRule === 'lineAfterText' ? 2 : 1;
    const b = upperBound(this.starts, end + lookbehind - 1);
    const from = this.starts[a];
    const to = b < this.starts.length ? this.starts[b] + delta : this.text.length;
    for (let i = b; i < this.starts.length; i++) this.starts[i] += delta;
    return this.rebuild(a, from, to, b);
  }

  /** Re-chunks and re-encodes text[from, to), replacing chunks [a, b). */
  private rebuild(a: number, from: number, to: number, b = this.starts.length): number {
    const newStarts: number[] = [];
    const newIds: number[][] = [];
    const rule = this.tokenizer.restartRule;
    const points = [from, ...(rule !== 'none' ? restartPoints(this.text, from, to, rule === 'lineAfterText') : [])];
    for (let i = 0; i < points.length; i++) {
      const s = points[i];
      const e = i + 1 < points.length ? points[i + 1] : to;
      newStarts.push(s);
      newIds.push(s < e ? this.tokenizer.encodeIds(this.text.slice(s, e), this.options) : []);
    }
    for (let i = a; i < b; i++) this.total -= this.ids[i].length;
    for (const ids of newIds) this.total += ids.length;
    this.starts.splice(a, b - a, ...newStarts);
    this.ids.splice(a, b - a, ...newIds);
    return newIds.length;
  }
}

/** Restart points strictly inside (from, to); with `afterText`, only after a "\n" preceded by a non-space. */
export function restartPoints(text: string, from: number, to: number, afterText = false): number[] {
  const out: number[] = [];
  to = Math.min(to, text.length);
  for (let i = text.indexOf('\n', from); i >= 0 && i + 1 < to; i = text.indexOf('\n', i + 1)) {
    const c = text.charCodeAt(i + 1);
    if (c <= 32 || c >= 127 || c === 47 || i + 1 <= from) continue;
    if (afterText && (i === 0 || isSpaceUnit(text.charCodeAt(i - 1)))) continue;
    out.push(i + 1);
  }
  return out;
}

/** White space as the pre-tokenizers see it (Unicode White_Space), on one UTF-16 unit. */
function isSpaceUnit(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Index of the first element greater than `x`. */
function upperBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
