/**
 * Every token's bytes in one blob with an offset table — what a precompiled vocabulary file holds, so loading it
 * creates no per-token objects (200k small arrays would cost more than the rest of a cold start).
 */
export class TokenStore {
  constructor(
    readonly blob: Uint8Array,
    /** `offsets[id]..offsets[id + 1]`; an empty range is a hole (no such id). */
    readonly offsets: Uint32Array,
  ) {}

  static fromArray(tokens: ArrayLike<Uint8Array | undefined>): TokenStore {
    let total = 0;
    for (let i = 0; i < tokens.length; i++) total += tokens[i]?.length ?? 0;
    const blob = new Uint8Array(total);
    const offsets = new Uint32Array(tokens.length + 1);
    let at = 0;
    for (let i = 0; i < tokens.length; i++) {
      offsets[i] = at;
      const b = tokens[i];
      if (b) {
        blob.set(b, at);
        at += b.length;
      }
    }
    offsets[tokens.length] = at;
    return new TokenStore(blob, offsets);
  }

  /** Number of ids (holes included). */
  get size(): number {
    return this.offsets.length - 1;
  }

  length(id: number): number {
    return this.offsets[id + 1] - this.offsets[id];
  }

  has(id: number): boolean {
    return id >= 0 && id < this.size && this.offsets[id + 1] > this.offsets[id];
  }

  /** A view of the token's bytes, or undefined for a hole. */
  bytes(id: number): Uint8Array | undefined {
    if (!this.has(id)) return undefined;
    return this.blob.subarray(this.offsets[id], this.offsets[id + 1]);
  }

  /** First byte of a one-byte token, or -1. */
  singleByte(id: number): number {
    return this.length(id) === 1 ? this.blob[this.offsets[id]] : -1;
  }

  equals(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    const s = this.offsets[id];
    const n = this.offsets[id + 1] - s;
    if (n !== end - start) return false;
    const blob = this.blob;
    for (let i = 0; i < n; i++) if (blob[s + i] !== bytes[start + i]) return false;
    return true;
  }

  hash(id: number): number {
    const s = this.offsets[id];
    return hashBytes(this.blob, s, this.offsets[id + 1]);
  }
}

/** FNV-1a variant over bytes, shared by the byte tables. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}
