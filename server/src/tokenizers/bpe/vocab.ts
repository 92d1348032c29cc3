import type { BpeSpec } from '../spec';
import { BytesTable } from './bytesTable';
import { PairTable } from './pairTable';
import { TokenStore } from './tokenStore';

/**
 * The lookup structures built from a `BpeSpec`: the pair table that drives merging, the initial-symbol tables, and the
 * whole-token table used by `ignoreMerges` (tiktoken returns a piece that is itself a token without merging).
 */
export interface Vocab {
  tokens: TokenStore;
  /** Merge table; null for tiktoken vocabularies, which merge through `wholeTokens` (see mergeBytes.ts). */
  pairs: PairTable | null;
  /** bytes mode: the id of each single byte, -1 if the vocabulary lacks it. chars mode: the byte-fallback ids. */
  byteToId: Int32Array;
  /** chars mode: the id of each single character (a string of one code point). */
  charToId: Map<string, number> | null;
  /** Pieces that are whole tokens, by their bytes (for `ignoreMerges`). */
  wholeTokens: BytesTable | null;
}

/** Tables a precompiled vocabulary file provides, so that loading does no per-token work. */
export interface Precomputed {
  pairs?: Int32Array;
  /** bytes mode: the single-byte token ids (saves a pass over the whole vocabulary at load). */
  byteToId?: Int32Array;
  wholeTokens?: Int32Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function textOf(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function buildVocab(spec: BpeSpec, pre?: Precomputed): Vocab {
  const tokens = spec.tokenBytes instanceof TokenStore ? spec.tokenBytes : TokenStore.fromArray(spec.tokenBytes);
  // Added tokens are matched before BPE runs, so BPE never needs (nor may produce) them; unreachable tokens (outside
  // the byte alphabet) and byte-fallback tokens (`<0x34>`, which shares bytes with `4`) never stand for text either.
  const excluded = new Set(spec.addedTokens.map((t) => t.id));
  for (const id of spec.unreachableIds ?? []) excluded.add(id);
  for (const id of spec.byteFallbackIds ?? []) excluded.add(id);
  const lookupable = (id: number) => !excluded.has(id);

  let byBytes: BytesTable | null = null;
  const idOfBytes = (bytes: Uint8Array): number | undefined => {
    byBytes ??= new BytesTable(tokens, lookupable);
    const id = byBytes.get(bytes, 0, bytes.length);
    return id < 0 ? undefined : id;
  };

  let pairs: PairTable | null;
  if (spec.mergeMode === 'ranks' && spec.symbols === 'bytes') pairs = null;
  else if (pre?.pairs) pairs = new PairTable(0, pre.pairs);
  else if (spec.mergeMode === 'merges') pairs = pairsFromMerges(spec, tokens, idOfBytes);
  else pairs = pairsFromRanks(spec, tokens, idOfBytes, lookupable);

  const byteToId = new Int32Array(256).fill(-1);
  let charToId: Map<string, number> | null = null;
  if (spec.symbols === 'bytes' && pre?.byteToId) byteToId.set(pre.byteToId);
  else if (spec.symbols === 'bytes') {
    for (let id = 0; id < tokens.size; id++) {
      const b = tokens.singleByte(id);
      if (b >= 0 && byteToId[b] === -1 && lookupable(id)) byteToId[b] = id;
    }
  } else {
    charToId = new Map();
    for (let id = 0; id < tokens.size; id++) {
      if (!tokens.has(id) || !lookupable(id)) continue;
      const t = textOf(tokens.bytes(id)!);
      if (t !== undefined && t.length > 0 && t.length === String.fromCodePoint(t.codePointAt(0)!).length && !charToId.has(t)) charToId.set(t, id);
    }
    for (const id of spec.byteFallbackIds ?? []) {
      const b = tokens.singleByte(id);
      if (b >= 0 && byteToId[b] === -1) byteToId[b] = id;
    }
  }

  let wholeTokens: BytesTable | null = null;
  if (spec.ignoreMerges || !pairs) wholeTokens = pre?.wholeTokens ? new BytesTable(tokens, lookupable, pre.wholeTokens) : (byBytes ?? new BytesTable(tokens, lookupable));
  return { tokens, pairs, byteToId, charToId, wholeTokens };
}

function pairsFromMerges(spec: BpeSpec, tokens: TokenStore, idOfBytes: (b: Uint8Array) => number | undefined): PairTable {
  const merges = spec.merges ?? [];
  const table = new PairTable(merges.length);
  for (let rank = 0; rank < merges.length; rank++) {
    const [l, r] = merges[rank];
    const lb = tokens.bytes(l);
    const rb = tokens.bytes(r);
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
function pairsFromRanks(spec: BpeSpec, tokens: TokenStore, idOfBytes: (b: Uint8Array) => number | undefined, lookupable: (id: number) => boolean): PairTable {
  let rankOf: (id: number) => number = (id) => id;
  if (spec.mergeMode === 'scores') {
    const scores = spec.scores;
    if (!scores) throw new Error(`${spec.name}: 'scores' merge mode needs scores`);
    // Dense rank by descending score; equal scores share a rank, so the leftmost pair wins (llama.cpp's SPM order).
    const distinct = Array.from(new Set(Array.from(scores))).sort((a, b) => b - a);
    const rankOfScore = new Map(distinct.map((s, i) => [s, i]));
    rankOf = (id) => rankOfScore.get(scores[id])!;
  }
  const table = new PairTable(tokens.size * 4);
  for (let id = 0; id < tokens.size; id++) {
    const b = tokens.bytes(id);
    if (!b || b.length < 2 || !lookupable(id)) continue;
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
