/**
 * Merging of long pieces (over 64 symbols), shared by the pair-table and the byte-table merges. Parts are identified
 * by their first symbol and linked; `rankAt(pos, next)` gives the rank of merging the part at `pos` with the one
 * after it (or -1), `onMerge(pos, mid)` is told before part `mid` joins part `pos`. Both return the `next` links:
 * the final parts are 0, next[0], next[next[0]], … up to n.
 */
export type RankAt = (pos: number, next: Int32Array) => number;
export type OnMerge = (pos: number, mid: number) => void;

/** Pieces at least this long merge through the bucket queue; shorter ones through a heap. */
const BUCKET_MERGE_MIN = 8192;
/** Packed heap keys: rank · 2^24 + position, exact in a float64 for pieces under 16 Mi symbols. */
const KEY_SHIFT = 16777216;

export function longMerge(n: number, rankAt: RankAt, onMerge: OnMerge): Int32Array {
  return n >= BUCKET_MERGE_MIN && n < KEY_SHIFT ? bucketMerge(n, rankAt, onMerge) : heapMerge(n, rankAt, onMerge);
}

/**
 * For very long pieces (a megabyte of one letter, a long base64 run): a bucket queue by rank instead of a heap.
 * Merging parts that make token T only creates pairs that make longer tokens, never T again; in a BPE vocabulary
 * those almost always rank after T. So entries go to per-rank buckets, each bucket is sorted by position once when
 * its turn comes (leftmost first), and the rare pair that ranks before the bucket in progress goes to a small heap
 * that is always served first. Same order as the heap, hence the same result; no log factor per merge.
 */
function bucketMerge(n: number, rankAt0: RankAt, onMerge: OnMerge): Int32Array {
  const { next, rankAt, merge } = linkedParts(n, rankAt0, onMerge, (rank, pos) => add(rank, pos));
  // Buckets in append order: positions arrive almost sorted (each merge adds its left neighbour and itself, at or
  // after the previous merge's), so a bucket is only sorted when it is not already.
  const buckets = new Map<number, IntList>();
  const pending: number[] = []; // ranks with a bucket, unsorted
  // The two most recently used buckets: merges inside a run alternate between a couple of ranks.
  let lastRank = -1;
  let lastBucket = new IntList();
  let otherRank = -1;
  let otherBucket = lastBucket;
  // The early heap, for ranks at or below the bucket in progress, keyed rank · 2^24 + position.
  const early = new KeyHeap();
  let current = -1;
  const add = (rank: number, pos: number) => {
    if (rank <= current) return early.push(rank * KEY_SHIFT + pos);
    if (rank !== lastRank) {
      let b: IntList | undefined;
      if (rank === otherRank) b = otherBucket;
      else {
        b = buckets.get(rank);
        if (!b) {
          buckets.set(rank, (b = new IntList()));
          pending.push(rank);
        }
      }
      otherRank = lastRank;
      otherBucket = lastBucket;
      lastRank = rank;
      lastBucket = b;
    }
    lastBucket.push(pos);
  };
  const mergeKey = (key: number) => {
    const rank = Math.floor(key / KEY_SHIFT);
    merge(rank, key - rank * KEY_SHIFT);
  };
  for (let i = 0; i + 1 < n; i++) {
    const r = rankAt(i);
    if (r >= 0) add(r, i);
  }
  while (pending.length > 0) {
    // The lowest pending rank next (pending stays small: one entry per distinct rank still waiting).
    let at = 0;
    for (let i = 1; i < pending.length; i++) if (pending[i] < pending[at]) at = i;
    const rank = pending[at];
    pending[at] = pending[pending.length - 1];
    pending.pop();
    const bucket = buckets.get(rank)!;
    buckets.delete(rank);
    if (lastRank === rank) lastRank = -1;
    if (otherRank === rank) otherRank = -1;
    current = rank;
    const order = bucket.data.subarray(0, bucket.length);
    for (let i = 1; i < order.length; i++) {
      if (order[i] < order[i - 1]) {
        order.sort();
        break;
      }
    }
    for (let k = 0; k < order.length; k++) {
      const key = rank * KEY_SHIFT + order[k];
      while (early.size > 0 && early.top() < key) mergeKey(early.pop());
      merge(rank, order[k]);
    }
    while (early.size > 0) mergeKey(early.pop());
  }
  return next;
}

/**
 * Heap over a linked list of parts, with lazy deletion of stale entries: O(n log n) for any piece. Ties go to the
 * leftmost pair (the heap orders by rank, then position).
 */
function heapMerge(n: number, rankAt0: RankAt, onMerge: OnMerge): Int32Array {
  const { next, rankAt, merge } = linkedParts(n, rankAt0, onMerge, (rank, pos) => push(rank, pos));
  let heapRank = new Int32Array(Math.max(16, n));
  let heapPos = new Int32Array(Math.max(16, n));
  let size = 0;
  const push = (rank: number, pos: number) => {
    if (size === heapRank.length) {
      const r = new Int32Array(size * 2);
      r.set(heapRank);
      heapRank = r;
      const p = new Int32Array(size * 2);
      p.set(heapPos);
      heapPos = p;
    }
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pr = heapRank[parent];
      if (pr < rank || (pr === rank && heapPos[parent] < pos)) break;
      heapRank[i] = pr;
      heapPos[i] = heapPos[parent];
      i = parent;
    }
    heapRank[i] = rank;
    heapPos[i] = pos;
  };
  const pop = () => {
    const last = --size;
    const rank = heapRank[last];
    const pos = heapPos[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && (heapRank[c + 1] < heapRank[c] || (heapRank[c + 1] === heapRank[c] && heapPos[c + 1] < heapPos[c]))) c++;
      if (heapRank[c] > rank || (heapRank[c] === rank && heapPos[c] > pos)) break;
      heapRank[i] = heapRank[c];
      heapPos[i] = heapPos[c];
      i = c;
    }
    heapRank[i] = rank;
    heapPos[i] = pos;
  };
  for (let i = 0; i + 1 < n; i++) {
    const r = rankAt(i);
    if (r >= 0) push(r, i);
  }
  while (size > 0) {
    const rank = heapRank[0];
    const pos = heapPos[0];
    pop();
    merge(rank, pos);
  }
  return next;
}

/**
 * The linked parts of a piece, shared by both queues: `merge(rank, pos)` joins part `pos` with the next one if that
 * pair still has `rank` (queue entries go stale as neighbours merge), then hands the two changed pairs to `enqueue`.
 */
function linkedParts(n: number, rankAt0: RankAt, onMerge: OnMerge, enqueue: (rank: number, pos: number) => void) {
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const rankAt = (pos: number) => rankAt0(pos, next);
  const merge = (rank: number, pos: number) => {
    if (!alive[pos] || rankAt(pos) !== rank) return; // stale
    const mid = next[pos];
    onMerge(pos, mid);
    alive[mid] = 0;
    next[pos] = next[mid];
    prev[next[mid]] = pos;
    const before = prev[pos];
    if (before >= 0) {
      const r = rankAt(before);
      if (r >= 0) enqueue(r, before);
    }
    const r = rankAt(pos);
    if (r >= 0) enqueue(r, pos);
  };
  return { next, rankAt, merge };
}

/** A growable list of int32. */
class IntList {
  data = new Int32Array(16);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = x;
  }
}

/** A binary min-heap of float64 keys. */
class KeyHeap {
  private keys = new Float64Array(1024);
  size = 0;

  top(): number {
    return this.keys[0];
  }

  push(key: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      this.keys = k;
    }
    const h = this.keys;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= key) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = key;
  }

  pop(): number {
    const h = this.keys;
    const top = h[0];
    const key = h[--this.size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && h[c + 1] < h[c]) c++;
      if (h[c] >= key) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = key;
    return top;
  }
}
