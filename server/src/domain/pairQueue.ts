/**
 * The trainer's two indexes, on typed arrays so that a million-token corpus allocates no object per pair or
 * occurrence: `PairTable` interns adjacent pairs (a, b) as dense indices and keeps, per pair, its weighted count and
 * the positions where it occurs; `PairQueue` is a max-heap of pair indices by (count desc, a asc, b asc).
 */

const EMPTY = -1;

/**
 * Open addressing (linear probing) from (a, b) to a dense pair index, with each pair's weighted count and the
 * positions where it occurs. Pairs are never removed (a merged pair keeps count 0).
 */
export class PairTable {
  size = 0;
  left = new Uint32Array(1024);
  right = new Uint32Array(1024);
  /** Sum over chunks of occurrences × chunk count: integers below 2^53, exact in a double. */
  count = new Float64Array(1024);
  /** 1 when the trainer may learn the pair (allowPair said yes), 0 otherwise. */
  allowed = new Uint8Array(1024);
  /** Head of the pair's occurrence list in `nodePos`/`nodeNext`, or -1. */
  head = new Int32Array(1024).fill(EMPTY);

  // Occurrences: one singly linked list per pair in shared arrays, holding the position of the pair's left symbol.
  // A position stays listed after a neighbouring merge takes the occurrence away: the trainer checks each one when
  // it merges the pair, which is cheaper than unlinking. Lists are built newest first.
  private nodePos = new Int32Array(4096);
  private nodeNext = new Int32Array(4096);
  private nodes = 0;

  private slots = new Int32Array(2048).fill(EMPTY);
  private mask = 2047;

  /** The pair's index, or -1. */
  find(a: number, b: number): number {
    for (let h = hash(a, b) & this.mask; ; h = (h + 1) & this.mask) {
      const p = this.slots[h];
      if (p === EMPTY || (this.left[p] === a && this.right[p] === b)) return p;
    }
  }

  /** The pair's index, creating it (count 0, no chunks) if new; `isNew` tells which. */
  intern(a: number, b: number): number {
    let h = hash(a, b) & this.mask;
    for (; ; h = (h + 1) & this.mask) {
      const p = this.slots[h];
      if (p === EMPTY) break;
      if (this.left[p] === a && this.right[p] === b) {
        this.isNew = false;
        return p;
      }
    }
    const p = this.size++;
    if (p === this.left.length) this.growPairs();
    this.left[p] = a;
    this.right[p] = b;
    this.slots[h] = p;
    this.isNew = true;
    // Keep the load at most 1/2 so that probes stay short.
    if (this.size * 2 > this.slots.length) this.rehash();
    return p;
  }
  isNew = false;

  /** Lists an occurrence of pair `p` whose left symbol is at `position`. */
  addOccurrence(p: number, position: number): void {
    if (this.nodes === this.nodePos.length) {
      this.nodePos = grow(this.nodePos, this.nodes * 2);
      this.nodeNext = grow(this.nodeNext, this.nodes * 2);
    }
    this.nodePos[this.nodes] = position;
    this.nodeNext[this.nodes] = this.head[p];
    this.head[p] = this.nodes++;
  }

  /**
   * The positions listed under `p`, oldest first (copied, since merging lists new pairs meanwhile), and forgets them:
   * the pair is being merged away. Oldest first is ascending order: a pair's occurrences are all listed in one pass
   * (the initial count, or the merge that created its newer id), and each pass runs left to right.
   */
  takeOccurrences(p: number): Int32Array {
    let n = 0;
    for (let node = this.head[p]; node !== EMPTY; node = this.nodeNext[node]) n++;
    const out = new Int32Array(n);
    for (let node = this.head[p]; node !== EMPTY; node = this.nodeNext[node]) out[--n] = this.nodePos[node];
    this.head[p] = EMPTY;
    return out;
  }

  private growPairs(): void {
    const n = this.left.length * 2;
    this.left = grow(this.left, n);
    this.right = grow(this.right, n);
    this.count = grow(this.count, n);
    this.allowed = grow(this.allowed, n);
    this.head = grow(this.head, n, EMPTY);
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    this.mask = this.slots.length - 1;
    for (let p = 0; p < this.size; p++) {
      let h = hash(this.left[p], this.right[p]) & this.mask;
      while (this.slots[h] !== EMPTY) h = (h + 1) & this.mask;
      this.slots[h] = p;
    }
  }
}

function hash(a: number, b: number): number {
  // Multiplicative mixing of both halves; ids are dense small integers, so identity hashing would cluster.
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

/** A copy of `a` lengthened to n, the new entries set to `fill`. */
function grow<T extends Uint32Array | Int32Array | Float64Array | Uint8Array>(a: T, n: number, fill = 0): T {
  const out = new (a.constructor as new (length: number) => T)(n);
  out.set(a as ArrayLike<number>);
  if (fill !== 0) out.fill(fill, a.length);
  return out;
}

/**
 * Max-heap of (count, pair) ordered by count, then the smaller left id, then the smaller right id: the trainer's
 * choice, ties included, so that training is reproducible. Entries go stale lazily (the trainer re-checks the count
 * on pop); the heap holds at most one entry per pair.
 */
export class PairQueue {
  private counts = new Float64Array(1024);
  private pairs = new Int32Array(1024);
  size = 0;
  /** Pushes and pops so far, for the work counters. */
  operations = 0;

  constructor(private readonly table: PairTable) {}

  push(pair: number, count: number): void {
    this.operations++;
    if (this.size === this.pairs.length) {
      this.counts = grow(this.counts, this.size * 2);
      this.pairs = grow(this.pairs, this.size * 2);
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(count, pair, this.counts[parent], this.pairs[parent])) break;
      this.counts[i] = this.counts[parent];
      this.pairs[i] = this.pairs[parent];
      i = parent;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
  }

  /** The top entry's pair; its recorded count is `topCount`. */
  get topPair(): number {
    return this.pairs[0];
  }

  get topCount(): number {
    return this.counts[0];
  }

  pop(): void {
    this.operations++;
    const n = --this.size;
    if (n === 0) return;
    const count = this.counts[n];
    const pair = this.pairs[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.before(this.counts[r], this.pairs[r], this.counts[l], this.pairs[l]) ? r : l;
      if (!this.before(this.counts[m], this.pairs[m], count, pair)) break;
      this.counts[i] = this.counts[m];
      this.pairs[i] = this.pairs[m];
      i = m;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
  }

  /** Whether (count1, p1) comes out before (count2, p2). */
  private before(count1: number, p1: number, count2: number, p2: number): boolean {
    if (count1 !== count2) return count1 > count2;
    const t = this.table;
    const a1 = t.left[p1];
    const a2 = t.left[p2];
    return a1 !== a2 ? a1 < a2 : t.right[p1] < t.right[p2];
  }
}
