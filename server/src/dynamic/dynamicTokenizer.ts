/**
 * A tokenizer extended with dynamic merges: the base encodes, the text is cut into segments by the boundary mode
 * (segments.ts), and inside each segment the merges join tokens by rank (`MergeTable.apply`). Merge r creates id
 * `base.vocabSize + r`. With the superword mode this is the `domain` tokenizer's rule.
 *
 * Files: `tokscope-dynamic/1` (what `tokscope suggest --export` writes; `loadDynamicTokenizer` reads it back).
 */
import { readFileSync } from 'node:fs';
import { MergeExtendedTokenizer } from '../domain/mergeExtended';
import { MergeTable } from '../domain/merges';
import { getTokenizer, type RegistryOptions } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import { type BoundaryMode, BOUNDARY_MODES, BoundaryUnsupportedError, classTable, cutsByClass, cutsByPreTokens, preTokenizerOf } from './segments';

export class DynamicTokenizer extends MergeExtendedTokenizer {
  constructor(name: string, base: Tokenizer, table: MergeTable, readonly mode: BoundaryMode) {
    super(name, base, table);
    if (mode === 'pretoken' && !preTokenizerOf(base)) throw new BoundaryUnsupportedError(`${base.name}: no pre-tokenizer for boundary "pretoken"`);
  }

  protected override get cutsNeedOffsets(): boolean {
    return this.mode === 'pretoken';
  }

  /** Segment cuts of a base encoding (ids, and byte offsets for the pretoken mode). */
  protected cuts(text: string, ids: Uint32Array, byteOffsets?: Uint32Array): Uint32Array {
    if (this.mode !== 'pretoken') return cutsByClass(ids, classTable(this.base, this.mode));
    const offs = byteOffsets ?? this.base.encode(text).byteOffsets;
    return cutsByPreTokens(text, offs, preTokenizerOf(this.base)!);
  }
}

export const DYNAMIC_FORMAT = 'tokscope-dynamic/1';

/** The merges file `tokscope suggest --export` writes. `pieces` is for people; loading uses `merges` only. */
export interface DynamicMergesFile {
  format: typeof DYNAMIC_FORMAT;
  base: string;
  baseSize: number;
  boundary: BoundaryMode;
  /** Merge r joins (left, right) into id baseSize + r. */
  merges: Array<[number, number]>;
  /** The text of each new token (U+FFFD where it ends inside a character). */
  pieces: string[];
  /** The same merges as Hugging Face `added_tokens` entries (see export.ts for how they differ from merges). */
  added_tokens: Array<{ id: number; content: string; single_word: boolean; lstrip: boolean; rstrip: boolean; normalized: boolean; special: boolean }>;
  provenance: { command: string; inputs: number; tokensBefore: number; tokensAfter: number };
}

/** Loads a `tokscope-dynamic/1` file as a tokenizer over its base (looked up by name in the registry). */
export function loadDynamicTokenizer(path: string, options: RegistryOptions = {}, name = `dynamic:${path}`): DynamicTokenizer {
  const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<DynamicMergesFile>;
  if (file.format !== DYNAMIC_FORMAT || typeof file.base !== 'string' || !Array.isArray(file.merges) || !BOUNDARY_MODES.includes(file.boundary as BoundaryMode)) {
    throw new Error(`${path}: not a tokscope merges file (format ${DYNAMIC_FORMAT})`);
  }
  const base = getTokenizer(file.base, options);
  if (file.baseSize !== base.vocabSize) throw new Error(`${path}: made for a ${file.base} of ${String(file.baseSize)} ids, this one has ${base.vocabSize}`);
  return new DynamicTokenizer(name, base, new MergeTable(base.vocabSize, file.merges), file.boundary as BoundaryMode);
}
