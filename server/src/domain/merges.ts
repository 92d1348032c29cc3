/**
 * Merges over sequences of token ids: the one rule that the domain trainer learns by and the domain tokenizer encodes
 * by, so that encoding the training text reproduces the trainer's segmentation exactly.
 *
 * A merge table extends a base vocabulary of `baseSize` ids: merge r (rank r) joins the adjacent pair (a, b) into the
 * new id `baseSize + r`. Applying the table to a sequence is ordinary BPE over ids: while some adjacent pair has a
 * merge, take the lowest rank among them and join its occurrences left to right, without overlap. A *segment* is the
 * unit merges never cross: the base tokens between two tokens that may not merge at all (see `DomainMergeRules`).
 */

export class MergeTable {
  private readonly ranks = new Map<number, number>();
  readonly left: Uint32Array;
  readonly right: Uint32Array;

  constructor(
    readonly baseSize: number,
    merges: ReadonlyArray<readonly [number, number]>,
  ) {
    this.left = new Uint32Array(merges.length);
    this.right = new Uint32Array(merges.length);
    merges.forEach(([a, b], r) => {
      if (a >= baseSize + r || b >= baseSize + r) throw new Error(`merge ${r} uses an id not defined before it (${a}, ${b})`);
      const key = pairKey(a, b);
      if (this.ranks.has(key)) throw new Error(`merge ${r} repeats the pair (${a}, ${b})`);
      this.ranks.set(key, r);
      this.left[r] = a;
      this.right[r] = b;
    });
  }

  get size(): number {
    return this.left.length;
  }

  /** The rank of the merge joining (a, b), or -1. */
  rank(a: number, b: number): number {
    return this.ranks.get(pairKey(a, b)) ?? -1;
  }

  /**
   * Merges `ids[from, to)` in place and returns the new length; `lengths` (same indexing, optional) receives how many
   * base tokens each output token spans, for offsets.
   */
  apply(ids: Uint32Array, from: number, to: number, spans?: Uint32Array): number {
    const n = to - from;
    if (n < 2) {
      if (spans) for (let i = from; i < to; i++) spans[i] = 1;
      return n;
    }
    // A doubly linked list over the segment and a binary heap of (rank, position) candidates, checked lazily.
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const sym = new Uint32Array(n);
    const width = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      sym[i] = ids[from + i];
      width[i] = 1;
    }
    const heap = new MinHeap();
    for (let i = 0; i + 1 < n; i++) {
      const r = this.rank(sym[i], sym[i + 1]);
      if (r >= 0) heap.push(r, i);
    }
    const alive = new Uint8Array(n).fill(1);
    while (heap.size > 0) {
      const [r, i] = heap.pop();
      const j = next[i];
      // Stale: the left symbol was absorbed, or its right neighbour changed since the candidate was pushed.
      if (!alive[i] || j < 0 || this.rank(sym[i], sym[j]) !== r) continue;
      sym[i] = this.baseSize + r;
      width[i] += width[j];
      alive[j] = 0;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      const p = prev[i];
      if (p >= 0) {
        const rp = this.rank(sym[p], sym[i]);
        if (rp >= 0) heap.push(rp, p);
      }
      if (next[i] >= 0) {
        const rn = this.rank(sym[i], sym[next[i]]);
        if (rn >= 0) heap.push(rn, i);
      }
    }
    let out = from;
    for (let i = 0; i >= 0; i = next[i]) {
      ids[out] = sym[i];
      if (spans) spans[out] = width[i];
      out++;
    }
    return out - from;
  }
}

/** Pairs as one number: ids stay below 2^26, so a * 2^26 + b is exact. */
export function pairKey(a: number, b: number): number {
  return a * 67108864 + b;
}

/** A binary min-heap of (rank, position), ordered by rank then position: leftmost occurrence of a rank first. */
class MinHeap {
  private ranks: number[] = [];
  private pos: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  push(rank: number, position: number): void {
    this.ranks.push(rank);
    this.pos.push(position);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.ranks[0], this.pos[0]];
    const lastRank = this.ranks.pop()!;
    const lastPos = this.pos.pop()!;
    if (this.ranks.length > 0) {
      this.ranks[0] = lastRank;
      this.pos[0] = lastPos;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.ranks.length && this.less(l, m)) m = l;
        if (r < this.ranks.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.ranks[a] < this.ranks[b] || (this.ranks[a] === this.ranks[b] && this.pos[a] < this.pos[b]);
  }

  private swap(a: number, b: number): void {
    [this.ranks[a], this.ranks[b]] = [this.ranks[b], this.ranks[a]];
    [this.pos[a], this.pos[b]] = [this.pos[b], this.pos[a]];
  }
}
