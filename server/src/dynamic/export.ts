/**
 * Exports of learned merges: a `tokscope-dynamic/1` file (loadDynamicTokenizer reads it back: the exact merges and
 * boundary rule) and Hugging Face `added_tokens` entries. The latter are an approximation for other tools: Hugging
 * Face matches added tokens in the raw text before the model runs (longest first, anywhere), not as merges inside a
 * segment, so counts with them can differ from ours; entries whose bytes end inside a UTF-8 character cannot be
 * written as text and are left out.
 */
import type { Tokenizer } from '../tokenizers/types';
import { pieceBytes } from './batch';
import { DYNAMIC_FORMAT, type DynamicMergesFile } from './dynamicTokenizer';
import type { BoundaryMode } from './segments';

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder();

export function addedTokens(tok: Tokenizer, merges: ReadonlyArray<readonly [number, number]>): DynamicMergesFile['added_tokens'] {
  const out: DynamicMergesFile['added_tokens'] = [];
  pieceBytes(tok, merges).forEach((bytes, r) => {
    let content: string;
    try {
      content = strict.decode(bytes);
    } catch {
      return;
    }
    out.push({ id: tok.vocabSize + r, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
  });
  return out;
}

export function mergesFile(tok: Tokenizer, boundary: BoundaryMode, merges: ReadonlyArray<readonly [number, number]>, provenance: DynamicMergesFile['provenance']): DynamicMergesFile {
  return {
    format: DYNAMIC_FORMAT,
    base: tok.name,
    baseSize: tok.vocabSize,
    boundary,
    merges: merges.map(([a, b]) => [a, b]),
    pieces: pieceBytes(tok, merges).map((b) => lenient.decode(b)),
    added_tokens: addedTokens(tok, merges),
    provenance,
  };
}
