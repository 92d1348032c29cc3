import { longMerge } from './longMerge';
import type { PairTable } from './pairTable';

/**
 * Byte-pair merging of one pre-token. `syms[0..n)` are the initial symbol ids and `lens[0..n)` their lengths (bytes of
 * normalised text); both are rewritten in place and the new count is returned. The adjacent pair with the lowest rank
 * merges first, the leftmost on ties — the order tiktoken, Hugging Face and SentencePiece all use.
 *
 * Short pieces use a flat scan (quadratic but tiny constants, no allocation); long ones the linked-list merges of
 * longMerge.ts, so that a pathological piece (1 MB of one letter, a base64 line) stays fast.
 */
export function mergeSymbols(table: PairTable, syms: Int32Array, lens: Int32Array, n: number): number {
  if (n < 2) return n;
  if (n <= 64) return mergeSmall(table, syms, lens, n);
  return mergeLong(table, syms, lens, n);
}

/** Long pieces: the shared linked-list merges of longMerge.ts over symbols. */
function mergeLong(table: PairTable, syms: Int32Array, lens: Int32Array, n: number): number {
  const slots = table.slots;
  const next = longMerge(
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
