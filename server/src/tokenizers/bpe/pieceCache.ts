/**
 * A cache of encoded pieces keyed by their UTF-16 text, with no string allocation on lookup: keys live in a
 * Uint16Array pool, results (ids then byte lengths) in an Int32Array pool, slots in an open-addressing table.
 * When the pools fill up the whole cache is dropped in O(1) by bumping a generation counter.
 */
export class PieceCache {
  private readonly mask: number;
  private readonly gen: Uint32Array;
  private readonly hashes: Int32Array;
  private readonly keyAt: Int32Array;
  private readonly keyLen: Int32Array;
  private readonly valAt: Int32Array;
  private readonly valLen: Int32Array;
  private keys: Uint16Array;
  private vals: Int32Array;
  private keyTop = 0;
  private valTop = 0;
  private size = 0;
  private generation = 1;
  /** Where the last hit's result lies in `values`: ids at [at, at + n), lengths at [at + n, at + 2n). */
  at = 0;

  constructor(private readonly capacity = 1 << 16) {
    const slots = capacity * 2;
    this.mask = slots - 1;
    this.gen = new Uint32Array(slots);
    this.hashes = new Int32Array(slots);
    this.keyAt = new Int32Array(slots);
    this.keyLen = new Int32Array(slots);
    this.valAt = new Int32Array(slots);
    this.valLen = new Int32Array(slots);
    this.keys = new Uint16Array(capacity * 8);
    this.vals = new Int32Array(capacity * 8);
  }

  get values(): Int32Array {
    return this.vals;
  }

  static hash(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h ^ (h >>> 13);
  }

  /** The number of tokens cached for `text[start, end)` (result at `this.at` in `values`), or -1. */
  get(text: string, start: number, end: number, h: number): number {
    const len = end - start;
    const keys = this.keys;
    let i = h & this.mask;
    while (this.gen[i] === this.generation) {
      if (this.hashes[i] === h && this.keyLen[i] === len) {
        const k = this.keyAt[i];
        let j = 0;
        while (j < len && keys[k + j] === text.charCodeAt(start + j)) j++;
        if (j === len) {
          this.at = this.valAt[i];
          return this.valLen[i];
        }
      }
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  set(text: string, start: number, end: number, h: number, ids: Int32Array, lens: Int32Array, n: number): void {
    const len = end - start;
    // Pools grow (to 4× their first size) before anything is dropped: long identifiers fill the key pool before the
    // table is full, and dropping a working set that would have fitted makes every pass over a file miss again.
    if (this.keyTop + len > this.keys.length && this.keys.length < this.capacity * 32) this.keys = grown(this.keys, this.keys.length * 2);
    if (this.valTop + 2 * n > this.vals.length && this.vals.length < this.capacity * 32) this.vals = grown(this.vals, this.vals.length * 2);
    if (this.size >= this.capacity || this.keyTop + len > this.keys.length || this.valTop + 2 * n > this.vals.length) this.clear();
    if (len > this.keys.length || 2 * n > this.vals.length) return;
    let i = h & this.mask;
    while (this.gen[i] === this.generation) i = (i + 1) & this.mask;
    this.gen[i] = this.generation;
    this.hashes[i] = h;
    this.keyAt[i] = this.keyTop;
    this.keyLen[i] = len;
    for (let j = 0; j < len; j++) this.keys[this.keyTop + j] = text.charCodeAt(start + j);
    this.keyTop += len;
    this.valAt[i] = this.valTop;
    this.valLen[i] = n;
    for (let j = 0; j < n; j++) {
      this.vals[this.valTop + j] = ids[j];
      this.vals[this.valTop + n + j] = lens[j];
    }
    this.valTop += 2 * n;
    this.size++;
  }

  clear(): void {
    this.generation++;
    this.size = 0;
    this.keyTop = 0;
    this.valTop = 0;
  }
}

function grown<T extends Uint16Array | Int32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
