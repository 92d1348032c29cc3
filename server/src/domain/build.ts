/**
 * Training the `domain` tokenizer: the base vocabulary (o200k) extended with forced merges for the KL3M recipe's
 * custom tokens and then merges learned on the training split of the legal corpus. Deterministic: the same corpus
 * and options give the same file, byte for byte (`tokscope train-domain` reproduces the shipped one; a test checks).
 */
import { getTokenizer } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import { type CorpusFile, HELD_OUT_FILES, readLegalCorpus, TAIL_HELD_OUT_FILES, TAIL_SHARE, trainingText } from './corpus';
import { customTokenStrings } from './customTokens';
import { mergeable } from './domainTokenizer';
import { pairKey } from './merges';
import { type TrainChunk, trainMerges } from './train';

export const DOMAIN_FORMAT = 'tokscope-domain/1';

/** The file `train-domain` writes and the registry loads as `domain`. */
export interface DomainVocabFile {
  format: typeof DOMAIN_FORMAT;
  base: string;
  baseSize: number;
  /** How many of `merges` (the first ones) are forced by custom tokens; the rest are learned. */
  forced: number;
  merges: Array<[number, number]>;
  provenance: {
    command: string;
    corpus: Array<{ name: string; sha256: string; use: string }>;
    vocabSize: number;
    minFrequency: number;
    customTokens: number;
    rule: string;
  };
}

export interface TrainDomainOptions {
  corpusDir: string;
  /** reporters-db's JSON files, for citation pieces; default `<corpus>/reporters-db` when present. */
  reportersDir?: string;
  /** The paper's evaluation terms, which must not be custom tokens. */
  evaluationTerms: readonly string[];
  /** New entries on top of the base: forced and learned merges together. */
  vocabSize: number;
  minFrequency?: number;
  base?: string;
  command: string;
  onProgress?: (learned: number) => void;
}

export function trainDomain(options: TrainDomainOptions): DomainVocabFile {
  const base = getTokenizer(options.base ?? 'o200k_base');
  const minFrequency = options.minFrequency ?? 10;
  const files = readLegalCorpus(options.corpusDir);
  const custom = customTokenStrings(options.reportersDir, options.evaluationTerms);
  const forced = forcedMerges(base, custom, options.vocabSize);
  const boundary = boundaryTable(base);
  const chunks = chunksOf(base, boundary, trainingText(files));
  const learned = trainMerges(chunks, {
    baseSize: base.vocabSize,
    merges: options.vocabSize - forced.length,
    minFrequency,
    forced,
    allowPair: (a, b) => !(a < boundary.length && boundary[a]) && !(b < boundary.length && boundary[b]),
    onProgress: options.onProgress,
  });
  return {
    format: DOMAIN_FORMAT,
    base: base.name,
    baseSize: base.vocabSize,
    forced: forced.length,
    merges: learned.merges,
    provenance: {
      command: options.command,
      corpus: files.map((f) => ({ name: f.name, sha256: f.sha256, use: use(f) })),
      vocabSize: options.vocabSize,
      minFrequency,
      customTokens: custom.length,
      rule: 'o200k_base first; then, between tokens holding a line break, forced merges for the custom tokens and the learned merges by rank',
    },
  };
}

function use(f: CorpusFile): string {
  if (HELD_OUT_FILES.includes(f.name)) return 'held out';
  if (TAIL_HELD_OUT_FILES.includes(f.name)) return `training, except its last ${TAIL_SHARE * 100}% of lines (held out)`;
  return 'training';
}

/** Base ids that end segments (a line break in their bytes, or special). */
export function boundaryTable(base: Tokenizer): Uint8Array {
  const table = new Uint8Array(base.vocabSize);
  const specials = new Set(base.specialTokens.values());
  for (let id = 0; id < base.vocabSize; id++) {
    try {
      if (specials.has(id) || !mergeable(base.bytesOf(id))) table[id] = 1;
    } catch {
      table[id] = 1;
    }
  }
  return table;
}

/** Each custom token, with and without a leading space, as a chain of merges over its base tokens. */
function forcedMerges(base: Tokenizer, custom: string[], budget: number): Array<[number, number]> {
  const merges: Array<[number, number]> = [];
  const made = new Map<number, number>();
  for (const s of custom) {
    for (const variant of [s, ` ${s}`]) {
      const ids = base.encodeIds(variant);
      if (ids.length < 2) continue;
      let current = ids[0];
      for (let k = 1; k < ids.length; k++) {
        const key = pairKey(current, ids[k]);
        let id = made.get(key);
        if (id === undefined) {
          if (merges.length >= budget) return merges;
          id = base.vocabSize + merges.length;
          merges.push([current, ids[k]]);
          made.set(key, id);
        }
        current = id;
      }
    }
  }
  return merges;
}

/** The training text as segments of base ids between boundary tokens, identical segments counted once. */
function chunksOf(base: Tokenizer, boundary: Uint8Array, texts: string[]): TrainChunk[] {
  const counts = new Map<string, { ids: Uint32Array; count: number }>();
  for (const text of texts) {
    const ids = base.encodeIds(text);
    let start = 0;
    for (let i = 0; i <= ids.length; i++) {
      if (i < ids.length && !boundary[ids[i]]) continue;
      if (i - start >= 2) {
        const seg = ids.slice(start, i);
        const key = seg.join(',');
        const hit = counts.get(key);
        if (hit) hit.count++;
        else counts.set(key, { ids: seg, count: 1 });
      }
      start = i + 1;
    }
  }
  return [...counts.values()];
}
