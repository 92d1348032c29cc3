import type { BpeSpec } from '../spec';
import { PairTable } from './pairTable';

/**
 * The lookup structures built from a `BpeSpec`: the pair table that drives merging, the initial-symbol tables, and the
 * whole-token map used by `ignoreMerges` (tiktoken returns a piece that is itself a token without merging).
 */
export interface Vocab {
  tokenBytes: (Uint8Array | undefined)[];
  pairs: PairTable;
  /** bytes mode: the id of each single byte, -1 if the vocabulary lacks it. */
  byteToId: Int32Array;
  /** chars mode: the id of each single character (a string of one code point). */
  charToId: Map<string, number> | null;
  /** Pieces that are whole tokens, by their text (only tokens whose bytes are valid UTF-8). */
  wholeTokens: Map<string, number> | null;
}

export function binaryKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function textOf(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function buildVocab(spec: BpeSpec, precomputedPairs?: Int32Array): Vocab {
  const tokenBytes = spec.tokenBytes;
  // Added tokens are matched before BPE runs, so BPE never needs (nor may produce) them.
  const specialIds = new Set(spec.addedTokens.map((t) => t.id));
  for (const id of spec.unreachableIds ?? []) specialIds.add(id);

  let byBytes: Map<string, number> | null = null;
  const idOfBytes = (bytes: Uint8Array): number | undefined => {
    if (!byBytes) {
      byBytes = new Map();
      for (let id = 0; id < tokenBytes.length; id++) {
        const b = tokenBytes[id];
        // Byte-fallback tokens (`<0x34>`) share bytes with real tokens (`4`); they must never stand for them.
        if (b && !specialIds.has(id) && !spec.byteFallbackIds?.has(id)) {
          const k = binaryKey(b);
          if (!byBytes.has(k)) byBytes.set(k, id);
        }
      }
    }
    return byBytes.get(binaryKey(bytes));
  };

  let pairs: PairTable;
  if (precomputedPairs) pairs = new PairTable(0, precomputedPairs);
  else if (spec.mergeMode === 'merges') pairs = pairsFromMerges(spec, idOfBytes);
  else pairs = pairsFromRanks(spec, idOfBytes, specialIds);

  const byteToId = new Int32Array(256).fill(-1);
  let charToId: Map<string, number> | null = null;
  if (spec.symbols === 'bytes') {
    for (let id = 0; id < tokenBytes.length; id++) {
      const b = tokenBytes[id];
      if (b && b.length === 1 && byteToId[b[0]] === -1 && !specialIds.has(id)) byteToId[b[0]] = id;
    }
  } else {
    charToId = new Map();
    for (let id = 0; id < tokenBytes.length; id++) {
      const b = tokenBytes[id];
      if (!b || specialIds.has(id) || spec.byteFallbackIds?.has(id)) continue;
      const t = textOf(b);
      if (t !== undefined && t.length > 0 && t.length === String.fromCodePoint(t.codePointAt(0)!).length && !charToId.has(t)) charToId.set(t, id);
    }
    if (spec.byteFallback) {
      // Byte-fallback tokens are `<0xAB>`; the format loaders already store them as the single byte.
      for (let id = 0; id < tokenBytes.length; id++) {
        const b = tokenBytes[id];
        if (b && b.length === 1 && byteToId[b[0]] === -1 && isByteFallbackPiece(spec, id)) byteToId[b[0]] = id;
      }
    }
  }

  let wholeTokens: Map<string, number> | null = null;
  if (spec.ignoreMerges) {
    wholeTokens = new Map();
    for (let id = 0; id < tokenBytes.length; id++) {
      const b = tokenBytes[id];
      if (!b || specialIds.has(id)) continue;
      const t = textOf(b);
      if (t !== undefined && !wholeTokens.has(t)) wholeTokens.set(t, id);
    }
  }
  return { tokenBytes, pairs, byteToId, charToId, wholeTokens };
}

function isByteFallbackPiece(spec: BpeSpec, id: number): boolean {
  return spec.byteFallbackIds ? spec.byteFallbackIds.has(id) : false;
}

function pairsFromMerges(spec: BpeSpec, idOfBytes: (b: Uint8Array) => number | undefined): PairTable {
  const merges = spec.merges ?? [];
  const table = new PairTable(merges.length);
  const tb = spec.tokenBytes;
  for (let rank = 0; rank < merges.length; rank++) {
    const [l, r] = merges[rank];
    const lb = tb[l];
    const rb = tb[r];
    if (!lb || !rb) continue;
    const joined = new Uint8Array(lb.length + rb.length);
    joined.set(lb);
    joined.set(rb, lb.length);
    const result = idOfBytes(joined);
    if (result === undefined) continue; // HF skips merges whose result is not in the vocabulary
    table.set(l, r, rank, result);
  }
  return table;
}

/** tiktoken ('ranks': priority = id) and SentencePiece ('scores': priority = score order) vocabularies. */
function pairsFromRanks(spec: BpeSpec, idOfBytes: (b: Uint8Array) => number | undefined, specialIds: Set<number>): PairTable {
  const tb = spec.tokenBytes;
  let rankOf: (id: number) => number = (id) => id;
  if (spec.mergeMode === 'scores') {
    const scores = spec.scores;
    if (!scores) throw new Error(`${spec.name}: 'scores' merge mode needs scores`);
    // Dense rank by descending score; equal scores share a rank, so the leftmost pair wins (llama.cpp's SPM order).
    const distinct = Array.from(new Set(Array.from(scores))).sort((a, b) => b - a);
    const rankOfScore = new Map(distinct.map((s, i) => [s, i]));
    rankOf = (id) => rankOfScore.get(scores[id])!;
  }
  const table = new PairTable(tb.length * 4);
  for (let id = 0; id < tb.length; id++) {
    const b = tb[id];
    if (!b || b.length < 2 || specialIds.has(id)) continue;
    if (spec.mergeable && !spec.mergeable(id)) continue;
    const rank = rankOf(id);
    for (let k = 1; k < b.length; k++) {
      const l = idOfBytes(b.subarray(0, k));
      if (l === undefined) continue;
      const r = idOfBytes(b.subarray(k));
      if (r === undefined) continue;
      table.set(l, r, rank, id);
    }
  }
  return table;
}
