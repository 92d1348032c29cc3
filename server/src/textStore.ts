/**
 * A document's text as a list of blocks, so that a keystroke costs a few kilobytes of copying instead of the whole
 * document: on these machines flattening a 400 kB string after `a.slice() + x + b.slice()` takes about 2 ms, which is
 * more than the whole budget of a keystroke. Whole-document work (counting, comparing) asks for `toString()`, which
 * joins the blocks once per version.
 */

/** What window-sized readers need; a plain string has all of it too. */
export interface TextSource {
  readonly length: number;
  charCodeAt(index: number): number;
  slice(start: number, end: number): string;
}

/** Blocks are split above this size and joined with a neighbour below a quarter of it. */
const BLOCK = 16 * 1024;

export class TextStore implements TextSource {
  private blocks: string[] = [];
  /** Offset of each block's first character. */
  private starts: number[] = [];
  private total = 0;
  private flat: string | undefined;

  constructor(text: string) {
    this.reset(text);
  }

  get length(): number {
    return this.total;
  }

  reset(text: string): void {
    this.blocks = [];
    this.starts = [];
    this.total = text.length;
    this.flat = text;
    for (const block of split(text)) this.push(block);
    if (this.blocks.length === 0) this.push('');
  }

  toString(): string {
    this.flat ??= this.blocks.join('');
    return this.flat;
  }

  charCodeAt(index: number): number {
    if (this.flat !== undefined) return this.flat.charCodeAt(index);
    if (index < 0 || index >= this.total) return NaN;
    const b = this.blockAt(index);
    return this.blocks[b].charCodeAt(index - this.starts[b]);
  }

  slice(start: number, end: number): string {
    start = Math.max(0, Math.min(start, this.total));
    end = Math.max(start, Math.min(end, this.total));
    if (this.flat !== undefined) return this.flat.slice(start, end);
    const a = this.blockAt(start);
    const b = this.blockAt(Math.max(start, end - 1));
    if (a === b) return this.blocks[a].slice(start - this.starts[a], end - this.starts[a]);
    const parts = [this.blocks[a].slice(start - this.starts[a])];
    for (let i = a + 1; i < b; i++) parts.push(this.blocks[i]);
    parts.push(this.blocks[b].slice(0, end - this.starts[b]));
    return parts.join('');
  }

  /** Replaces `[start, end)` (already validated by the caller) with `insert`. */
  edit(start: number, end: number, insert: string): void {
    this.flat = undefined;
    let a = this.blockAt(start);
    const b = end > start ? this.blockAt(end - 1) : a;
    // An edit at the very start of a block that has a small predecessor goes with it, so tiny blocks do not pile up.
    let head = this.blocks[a].slice(0, start - this.starts[a]);
    const tail = this.blocks[b].slice(end - this.starts[b]);
    let merged = head + insert + tail;
    if (a > 0 && merged.length < BLOCK / 4) {
      a--;
      head = this.blocks[a];
      merged = head + merged;
    }
    const replacement = merged.length > BLOCK ? split(merged) : [merged];
    const from = this.starts[a];
    this.blocks.splice(a, b - a + 1, ...replacement);
    this.total += insert.length - (end - start);
    this.starts.length = a;
    let at = from;
    for (let i = a; i < this.blocks.length; i++) {
      this.starts.push(at);
      at += this.blocks[i].length;
    }
  }

  private push(block: string): void {
    this.starts.push(this.blocks.length ? this.starts[this.starts.length - 1] + this.blocks[this.blocks.length - 1].length : 0);
    this.blocks.push(block);
  }

  /** The block holding `index` (the last one for the end of the text). */
  private blockAt(index: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= index) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }
}

/** Cuts text into blocks of about BLOCK units, never between the two halves of a surrogate pair. */
function split(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    let j = Math.min(text.length, i + BLOCK);
    const c = text.charCodeAt(j - 1);
    if (j < text.length && c >= 0xd800 && c <= 0xdbff) j++;
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}
