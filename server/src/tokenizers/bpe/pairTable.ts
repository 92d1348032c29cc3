/**
 * An open-addressing hash table from a pair of symbol ids (left, right) to the merge's priority and result id.
 * Interleaved in one Int32Array so a probe touches one cache line: [left, right, rank, result] per slot.
 * Lower rank = merged first. Built once per vocabulary (or loaded from a precompiled table).
 */
export class PairTable {
  readonly slots: Int32Array;
  private readonly mask: number;
  size = 0;

  constructor(capacityHint: number, slots?: Int32Array) {
    if (slots) {
      this.slots = slots;
      this.mask = slots.length / 4 - 1;
      this.size = -1; // unknown for a loaded table; only the builders need it
      return;
    }
    let cap = 16;
    while (cap < capacityHint * 1.5) cap *= 2;
    this.slots = new Int32Array(cap * 4).fill(-1);
    this.mask = cap - 1;
  }

  /** Inserts a pair; an existing pair keeps the better (lower) rank. */
  set(left: number, right: number, rank: number, result: number): void {
    const s = this.slots;
    let i = hash(left, right) & this.mask;
    for (;;) {
      const o = i * 4;
      if (s[o] === -1) {
        s[o] = left;
        s[o + 1] = right;
        s[o + 2] = rank;
        s[o + 3] = result;
        this.size++;
        return;
      }
      if (s[o] === left && s[o + 1] === right) {
        if (rank < s[o + 2]) {
          s[o + 2] = rank;
          s[o + 3] = result;
        }
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** A copy sized for its contents (load factor under one half), for writing to disk. */
  compacted(): PairTable {
    const t = new PairTable(this.size);
    const s = this.slots;
    for (let o = 0; o < s.length; o += 4) if (s[o] !== -1) t.set(s[o], s[o + 1], s[o + 2], s[o + 3]);
    return t;
  }

  /** The slot offset of the pair, or -1. Read `slots[o + 2]` (rank) and `slots[o + 3]` (result). */
  find(left: number, right: number): number {
    const s = this.slots;
    let i = hash(left, right) & this.mask;
    for (;;) {
      const o = i * 4;
      const l = s[o];
      if (l === left && s[o + 1] === right) return o;
      if (l === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }
}

function hash(left: number, right: number): number {
  const h = Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}
