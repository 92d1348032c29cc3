import { BUCKET_MERGE_MIN, bucketMerge, KEY_LIMIT } from './bucketMerge';
import type { PairTable } from './pairTable';

/**
 * Byte-pair merging of one pre-token. `syms[0..n)` are the initial symbol ids and `lens[0..n)` their lengths (bytes of
 * normalised text); both are rewritten in place and the new count is returned. The adjacent pair with the lowest rank
 * merges first, the leftmost on ties — the order tiktoken, Hugging Face and SentencePiece all use.
 *
 * Short pieces use a flat scan (quadratic but tiny constants, no allocation); long ones a heap over a linked list so
 * that a pathological piece (1 MB of one letter, a base64 line) stays O(n log n).
 */
export function mergeSymbols(table: PairTable, syms: Int32Array, lens: Int32Array, n: number): number {
  if (n < 2) return n;
  if (n <= 64) return mergeSmall(table, syms, lens, n);
  if (n < BUCKET_MERGE_MIN || n >= KEY_LIMIT) return mergeLarge(table, syms, lens, n);
  return mergeHuge(table, syms, lens, n);
}

/** Very long pieces: the bucket queue of bucketMerge.ts over symbols. */
function mergeHuge(table: PairTable, syms: Int32Array, lens: Int32Array, n: number): number {
  const slots = table.slots;
  const next = bucketMerge(
    n,
    (pos, next) => {
      const mid = next[pos];
      if (mid >= n) return -1;
      const o = table.find(syms[pos], syms[mid]);
      return o < 0 ? -1 : slots[o + 2];
    },
    (pos, mid) => {
      syms[pos] = slots[table.find(syms[pos], syms[mid]) + 3];
      lens[pos] += lens[mid];
    },
  );
  let k = 0;
  for (let i = 0; i < n; i = next[i]) {
    syms[k] = syms[i];
    lens[k++] = lens[i];
  }
  return k;
}

const NONE = 0x7fffffff;
let rankBuf = new Int32Array(64);
let resBuf = new Int32Array(64);

function mergeSmall(table: PairTable, syms: Int32Array, lens: Int32Array, n: number): number {
  const slots = table.slots;
  const ranks = rankBuf;
  const results = resBuf;
  for (let i = 0; i < n - 1; i++) {
    const o = table.find(syms[i], syms[i + 1]);
    if (o < 0) ranks[i] = NONE;
    else {
      ranks[i] = slots[o + 2];
      results[i] = slots[o + 3];
    }
  }
  for (;;) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i < n - 1; i++) {
      if (ranks[i] < best) {
        best = ranks[i];
        at = i;
      }
    }
    if (at < 0) return n;
    syms[at] = results[at];
    lens[at] += lens[at + 1];
    for (let j = at + 1; j < n - 1; j++) {
      syms[j] = syms[j + 1];
      lens[j] = lens[j + 1];
      ranks[j] = ranks[j + 1];
      results[j] = results[j + 1];
    }
    n--;
    if (at < n - 1) {
      const o = table.find(syms[at], syms[at + 1]);
      if (o < 0) ranks[at] = NONE;
      else {
        ranks[at] = slots[o + 2];
        results[at] = slots[o + 3];
      }
    }
    if (at > 0) {
      const o = table.find(syms[at - 1], syms[at]);
      if (o < 0) ranks[at - 1] = NONE;
      else {
        ranks[at - 1] = slots[o + 2];
        results[at - 1] = slots[o + 3];
      }
    }
  }
}

/**
 * Heap-based merging. Each heap entry is (rank, left position); entries go stale when a neighbour changes, which is
 * detected by re-checking the pair at pop time (lazy deletion). Positions are indices of the original array; `next`
 * and `prev` link the live symbols.
 */
function mergeLarge(table: PairTable, syms: Int32Array, lens: Int32Array, n: number): number {
  const slots = table.slots;
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  // The heap holds keys rank * 2^k + position packed into float64s would lose ties; keep two parallel arrays.
  let heapRank = new Int32Array(n);
  let heapPos = new Int32Array(n);
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
    const o = table.find(syms[i], syms[i + 1]);
    if (o >= 0) push(slots[o + 2], i);
  }
  while (size > 0) {
    const rank = heapRank[0];
    const pos = heapPos[0];
    pop();
    if (!alive[pos]) continue;
    const right = next[pos];
    if (right < 0) continue;
    const o = table.find(syms[pos], syms[right]);
    if (o < 0 || slots[o + 2] !== rank) continue; // stale entry
    syms[pos] = slots[o + 3];
    lens[pos] += lens[right];
    alive[right] = 0;
    const after = next[right];
    next[pos] = after;
    if (after >= 0) prev[after] = pos;
    const before = prev[pos];
    if (before >= 0) {
      const ob = table.find(syms[before], syms[pos]);
      if (ob >= 0) push(slots[ob + 2], before);
    }
    if (after >= 0) {
      const oa = table.find(syms[pos], syms[after]);
      if (oa >= 0) push(slots[oa + 2], pos);
    }
  }
  let w = 0;
  for (let i = 0; i >= 0; i = next[i]) {
    syms[w] = syms[i];
    lens[w] = lens[i];
    w++;
  }
  return w;
}
