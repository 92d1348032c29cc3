import { BUCKET_MERGE_MIN, bucketMerge, KEY_LIMIT } from './bucketMerge';
import type { BytesTable } from './bytesTable';

/**
 * tiktoken's merge, on the piece's bytes: two adjacent parts merge if their concatenated bytes are a token, the
 * lowest id (= rank) first, leftmost on ties. Equivalent to a pair table whose result is the concatenation, but it
 * needs only the bytes→id table, so a tiktoken vocabulary loads without a 16 MB pair table.
 *
 * `bytes[0..nBytes)` is the piece; on return `syms[0..k)` are the ids and `lens[0..k)` their byte lengths.
 */
export function mergeBytes(table: BytesTable, bytes: Uint8Array, nBytes: number, byteToId: Int32Array, syms: Int32Array, lens: Int32Array): number {
  if (nBytes <= 64) return mergeSmall(table, bytes, nBytes, byteToId, syms, lens);
  if (nBytes < BUCKET_MERGE_MIN || nBytes >= KEY_LIMIT) return mergeLarge(table, bytes, nBytes, byteToId, syms, lens);
  return mergeHuge(table, bytes, nBytes, byteToId, syms, lens);
}

const NONE = 0x7fffffff;
const starts = new Int32Array(66);
const ranks = new Int32Array(66);

function mergeSmall(table: BytesTable, bytes: Uint8Array, n: number, byteToId: Int32Array, syms: Int32Array, lens: Int32Array): number {
  // Part i covers bytes [starts[i], starts[i + 1]) and is token syms[i]; ranks[i] is the rank (= id) of the token
  // that merging parts i and i + 1 would make.
  let parts = n;
  const two = table.pairs();
  for (let i = 0; i < n; i++) {
    starts[i] = i;
    syms[i] = byteToId[bytes[i]];
  }
  starts[n] = n;
  for (let i = 0; i + 1 < n; i++) {
    const r = two[(bytes[i] << 8) | bytes[i + 1]];
    ranks[i] = r < 0 ? NONE : r;
  }
  for (;;) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i + 1 < parts; i++) {
      if (ranks[i] < best) {
        best = ranks[i];
        at = i;
      }
    }
    if (at < 0) break;
    syms[at] = best;
    for (let j = at + 1; j < parts; j++) {
      starts[j] = starts[j + 1];
      ranks[j] = ranks[j + 1];
      syms[j] = syms[j + 1];
    }
    parts--;
    if (at + 1 < parts) {
      const r = table.get(bytes, starts[at], starts[at + 2]);
      ranks[at] = r < 0 ? NONE : r;
    }
    if (at > 0) {
      const r = table.get(bytes, starts[at - 1], starts[at + 1]);
      ranks[at - 1] = r < 0 ? NONE : r;
    }
  }
  for (let i = 0; i < parts; i++) lens[i] = starts[i + 1] - starts[i];
  return parts;
}

/** Heap over a linked list of parts, with lazy deletion of stale entries: O(n log n) for any piece. */
function mergeLarge(table: BytesTable, bytes: Uint8Array, n: number, byteToId: Int32Array, syms: Int32Array, lens: Int32Array): number {
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  // Parts are identified by their start byte; a part ends where the next live part starts (n at the end).
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
  const two = table.pairs();
  const rankAt = (pos: number): number => {
    const mid = next[pos];
    if (mid >= n) return -1;
    const end = next[mid];
    return end - pos === 2 ? two[(bytes[pos] << 8) | bytes[pos + 1]] : table.get(bytes, pos, end);
  };
  for (let i = 0; i + 1 < n; i++) {
    const r = two[(bytes[i] << 8) | bytes[i + 1]];
    if (r >= 0) push(r, i);
  }
  while (size > 0) {
    const rank = heapRank[0];
    const pos = heapPos[0];
    pop();
    if (!alive[pos] || rankAt(pos) !== rank) continue; // stale
    const mid = next[pos];
    alive[mid] = 0;
    next[pos] = next[mid];
    prev[next[mid]] = pos;
    const before = prev[pos];
    if (before >= 0) {
      const r = rankAt(before);
      if (r >= 0) push(r, before);
    }
    const r = rankAt(pos);
    if (r >= 0) push(r, pos);
  }
  let k = 0;
  for (let s = 0; s < n; s = next[s]) {
    const e = next[s];
    syms[k] = e - s === 1 ? byteToId[bytes[s]] : table.get(bytes, s, e);
    lens[k++] = e - s;
  }
  return k;
}

/** Very long pieces: the bucket queue of bucketMerge.ts over byte ranges. */
function mergeHuge(table: BytesTable, bytes: Uint8Array, n: number, byteToId: Int32Array, syms: Int32Array, lens: Int32Array): number {
  const two = table.pairs();
  const next = bucketMerge(
    n,
    (pos, next) => {
      const mid = next[pos];
      if (mid >= n) return -1;
      const end = next[mid];
      return end - pos === 2 ? two[(bytes[pos] << 8) | bytes[pos + 1]] : table.get(bytes, pos, end);
    },
    () => {},
  );
  let k = 0;
  for (let s = 0; s < n; s = next[s]) {
    const e = next[s];
    syms[k] = e - s === 1 ? byteToId[bytes[s]] : table.get(bytes, s, e);
    lens[k++] = e - s;
  }
  return k;
}
