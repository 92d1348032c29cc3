import { longMerge } from './longMerge';
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
  return mergeLong(table, bytes, nBytes, byteToId, syms, lens);
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

/** Long pieces: the shared linked-list merges of longMerge.ts over byte ranges. */
function mergeLong(table: BytesTable, bytes: Uint8Array, n: number, byteToId: Int32Array, syms: Int32Array, lens: Int32Array): number {
  const two = table.pairs();
  const next = longMerge(
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
