import { hashBytes, type TokenStore } from './tokenStore';

/**
 * Token id by exact bytes, for the whole-piece shortcut (tiktoken and `ignore_merges` return a piece that is itself a
 * token) and for deriving merge results. Open addressing over ids; a probe hashes the piece's bytes and compares them
 * with the token's, so neither building nor looking up allocates. Precompiled vocabularies store the slots.
 */
export class BytesTable {
  readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    private readonly tokens: TokenStore,
    include: (id: number) => boolean,
    slots?: Int32Array,
  ) {
    if (slots) {
      this.slots = slots;
      this.mask = slots.length - 1;
      return;
    }
    let cap = 16;
    while (cap < tokens.size * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    const blob = tokens.blob;
    for (let id = 0; id < tokens.size; id++) {
      if (!tokens.has(id) || !include(id)) continue;
      const s = tokens.offsets[id];
      const e = tokens.offsets[id + 1];
      let i = tokens.hash(id) & this.mask;
      let dup = false;
      while (this.slots[i] >= 0) {
        if (tokens.equals(this.slots[i], blob, s, e)) {
          dup = true; // the lowest id wins, as in the reference loaders
          break;
        }
        i = (i + 1) & this.mask;
      }
      if (!dup) this.slots[i] = id;
    }
  }

  private twoBytes: Int32Array | null = null;

  /**
   * Ids of all two-byte tokens, indexed by `b0 << 8 | b1` (-1 where none): the first round of every merge looks up
   * only byte pairs, so this saves most hashing. Built on first use (65,536 lookups).
   */
  pairs(): Int32Array {
    if (this.twoBytes) return this.twoBytes;
    const t = new Int32Array(65536);
    const b = new Uint8Array(2);
    for (let i = 0; i < 65536; i++) {
      b[0] = i >> 8;
      b[1] = i & 255;
      t[i] = this.get(b, 0, 2);
    }
    return (this.twoBytes = t);
  }

  /** The id whose bytes are exactly `bytes[start, end)`, or -1. */
  get(bytes: Uint8Array, start: number, end: number): number {
    let i = hashBytes(bytes, start, end) & this.mask;
    for (;;) {
      const id = this.slots[i];
      if (id < 0) return -1;
      if (this.tokens.equals(id, bytes, start, end)) return id;
      i = (i + 1) & this.mask;
    }
  }
}
