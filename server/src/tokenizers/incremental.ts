import type { EncodeOptions, RestartRule, Tokenizer } from './types';

/**
 * A document's token stream, kept up to date across edits without re-encoding the whole text.
 *
 * The text is cut into chunks at *restart points*: positions where every full encoding starts a token and whose
 * tokens do not depend on anything before them. Then the full encoding is exactly the concatenation of the chunks'
 * encodings, and an edit only re-encodes the chunks it touches: from the last restart point before the edit to the
 * first old restart point after it, which is where the new stream re-synchronises with the old one.
 *
 * Restart points are line starts (see `Tokenizer.restartRule`):
 * - 'line' (tiktoken cl100k/o200k, Llama 3, Qwen): a line whose indentation (spaces and tabs, possibly none) is
 *   followed by an ASCII non-space character, which must not be `/` when there is no indentation (o200k merges
 *   `;\n//` across the line break). The newline then always ends a piece (`\s*[\r\n]+` stops at it, punctuation's
 *   `[\r\n/]*` stops at the indentation or the character), and the matches from the line start on read nothing before
 *   it. Whitespace-only lines never qualify: they merge with the newlines around them.
 * - 'lineAfterText' (GPT-2 patterns, whose `\s+(?!\S)` would fold a newline into the next line's indentation): an
 *   unindented line whose first character is an ASCII non-space other than `/`, after a newline that follows a
 *   non-space character.
 * Each point has an *anchor*: the characters from the newline to the first non-space character, which must all be
 * untouched by an edit for the point to stay valid. Other tokenizers get a single chunk: always exact, not incremental.
 * The property test checks incremental == full re-encode over random edit sequences.
 */
export class IncrementalEncoding {
  /** Chunk start offsets (UTF-16), ascending; `starts[0] === 0`. */
  private starts: number[] = [];
  /** Each chunk's text. The document is not kept as one string: re-flattening a large string costs milliseconds. */
  private texts: string[] = [];
  /** For each chunk, how many characters from its start belong to its anchor (0 for the first chunk). */
  private anchors: number[] = [];
  private ids: Uint32Array[] = [];
  private total = 0;
  private length = 0;

  /**
   * `minChunk`: chunks shorter than this many UTF-16 units are joined with the next (default 2048); any subset of
   * restart points is exact, and fewer, larger chunks keep the cost per chunk (one encode call each) small on large
   * documents while an edit still re-encodes only a few kilobytes. Tests set 0 to exercise every restart point.
   */
  constructor(
    private readonly tokenizer: Tokenizer,
    text: string,
    private readonly options: EncodeOptions = {},
    private readonly minChunk = 2048,
  ) {
    this.length = text.length;
    this.rebuild(0, 0, text, 0, 0);
  }

  get count(): number {
    return this.total;
  }

  /** The current text (joined on demand). */
  get value(): string {
    return this.texts.join('');
  }

  get chunkCount(): number {
    return this.starts.length;
  }

  /** All ids, in order (concatenating the chunks). */
  allIds(): Uint32Array {
    const out = new Uint32Array(this.total);
    let at = 0;
    for (const ids of this.ids) {
      out.set(ids, at);
      at += ids.length;
    }
    return out;
  }

  /**
   * The chunk holding `offset` (the last one starting at or before it): its start, a restart point, and how many
   * tokens the chunks before it hold. Counting from `start` then gives exact token indices without re-encoding the
   * document's head.
   */
  chunkAt(offset: number): { start: number; tokensBefore: number } {
    const c = Math.max(0, upperBound(this.starts, offset) - 1);
    let before = 0;
    for (let i = 0; i < c; i++) before += this.ids[i].length;
    return { start: this.starts[c], tokensBefore: before };
  }

  /**
   * Replaces `text[start, end)` with `insert` and updates the stream. Returns how many chunks were re-encoded
   * (what the work cost), for tests and statistics.
   */
  edit(start: number, end: number, insert: string): number {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > this.length) {
      throw new RangeError(`bad edit range [${start}, ${end})`);
    }
    const delta = insert.length - (end - start);
    // First chunk to redo: the last whose anchor lies wholly before the edit (the newline before it and everything up
    // to its first non-space character are untouched, so it is still a restart point).
    let a = upperBound(this.starts, start) - 1;
    while (a > 0 && this.starts[a] + this.anchors[a] > start) a--;
    if (a < 0) a = 0;
    // First chunk to keep: the first whose anchor, including the newline (and for GPT-2 patterns the character before
    // it), lies wholly after the edit.
    const lookbehind = this.tokenizer.restartRule === 'lineAfterText' ? 2 : 1;
    const b = upperBound(this.starts, end + lookbehind - 1);
    const from = this.starts[a];
    const old = this.texts.slice(a, b).join('');
    const region = old.slice(0, start - from) + insert + old.slice(end - from);
    for (let i = b; i < this.starts.length; i++) this.starts[i] += delta;
    this.length += delta;
    return this.rebuild(a, from, region, a === 0 ? 0 : this.anchors[a], b);
  }

  /** Re-chunks and re-encodes `region` (the text from offset `from` up to chunk b), replacing chunks [a, b). */
  private rebuild(a: number, from: number, region: string, firstAnchor: number, b: number): number {
    const newStarts: number[] = [from];
    const newAnchors: number[] = [firstAnchor];
    const points = restartPoints(region, 0, region.length, this.tokenizer.restartRule);
    // Any subset of restart points is exact (see `minChunk`).
    let last = 0;
    for (let i = 0; i < points.length; i += 2) {
      if (points[i] - last < this.minChunk) continue;
      newStarts.push(from + points[i]);
      newAnchors.push(points[i + 1]);
      last = points[i];
    }
    const newIds: Uint32Array[] = [];
    const newTexts: string[] = [];
    for (let i = 0; i < newStarts.length; i++) {
      const s = newStarts[i] - from;
      const e = i + 1 < newStarts.length ? newStarts[i + 1] - from : region.length;
      const text = region.slice(s, e);
      newTexts.push(text);
      newIds.push(text.length ? this.tokenizer.encodeIds(text, this.options) : new Uint32Array(0));
    }
    for (let i = a; i < b; i++) this.total -= this.ids[i].length;
    for (const ids of newIds) this.total += ids.length;
    this.starts.splice(a, b - a, ...newStarts);
    this.anchors.splice(a, b - a, ...newAnchors);
    this.texts.splice(a, b - a, ...newTexts);
    this.ids.splice(a, b - a, ...newIds);
    return newIds.length;
  }
}

/**
 * Restart points strictly inside (from, to) under `rule`, as pairs [position, anchor length]. The anchor runs from
 * the point to just past the line's first non-space character, which must lie before `to` as well.
 */
export function restartPoints(text: string, from: number, to: number, rule: RestartRule): number[] {
  const out: number[] = [];
  if (rule === 'none') return out;
  to = Math.min(to, text.length);
  for (let i = text.indexOf('\n', from); i >= 0 && i + 1 < to; i = text.indexOf('\n', i + 1)) {
    const p = i + 1;
    if (p <= from) continue;
    let q = p;
    if (rule === 'line') while (q < to && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
    if (q >= to) continue;
    const c = text.charCodeAt(q);
    if (c <= 32 || c >= 127 || (c === 47 && q === p)) continue;
    if (rule === 'lineAfterText' && (i === 0 || isSpaceUnit(text.charCodeAt(i - 1)))) continue;
    out.push(p, q + 1 - p);
  }
  return out;
}

/** The last restart point of `text` under `rule` (its anchor wholly inside `text`), or -1. */
export function lastRestartPoint(text: string, rule: RestartRule): number {
  if (rule === 'none') return -1;
  for (let i = text.lastIndexOf('\n'); i >= 0; i = i > 0 ? text.lastIndexOf('\n', i - 1) : -1) {
    const pts = restartPoints(text, i, text.length, rule);
    if (pts.length && pts[0] === i + 1) return i + 1;
  }
  return -1;
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
