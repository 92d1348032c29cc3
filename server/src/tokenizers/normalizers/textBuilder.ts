/**
 * Builds a long string from many small pieces. V8's `join` and `split` cost about as much per piece as a short
 * string allocation, which dominates a Replace of `' '` → `'▁'` over megabytes of text (hundreds of thousands of
 * pieces); writing UTF-16 units into one buffer and decoding it once is several times faster. Lone surrogates survive
 * (Node's 'utf16le' decoding keeps them), and the result is exactly the units written.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class TextBuilder {
  private units: Uint16Array;
  private length = 0;
  private readonly parts: string[] | null;

  constructor(capacity: number) {
    // Node decodes 'utf16le' only; on a big-endian host fall back to collecting the pieces.
    this.units = new Uint16Array(LITTLE_ENDIAN ? Math.max(16, capacity) : 0);
    this.parts = LITTLE_ENDIAN ? null : [];
  }

  /** Appends `text[from, to)`. */
  copy(text: string, from: number, to: number): void {
    if (this.parts !== null) {
      this.parts.push(text.slice(from, to));
      return;
    }
    this.reserve(to - from);
    const units = this.units;
    let o = this.length;
    for (let k = from; k < to; k++) units[o++] = text.charCodeAt(k);
    this.length = o;
  }

  append(text: string): void {
    this.copy(text, 0, text.length);
  }

  toString(): string {
    if (this.parts !== null) return this.parts.join('');
    return Buffer.from(this.units.buffer, this.units.byteOffset, this.length * 2).toString('utf16le');
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.units.length) return;
    const grown = new Uint16Array(Math.max(this.units.length * 2, this.length + extra));
    grown.set(this.units.subarray(0, this.length));
    this.units = grown;
  }
}
