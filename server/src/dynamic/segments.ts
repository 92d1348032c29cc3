/**
 * Boundary modes: where dynamic merges may join tokens. Every mode is a *segmentation* of the base token sequence —
 * merges never cross a segment edge — computed the same way when merges are learned and when a text is encoded with
 * them (see `DynamicTokenizer`), so that encoding the batch reproduces the learner's count exactly.
 *
 * - `pretoken`: one segment per pre-token of the base tokenizer (its own split pattern; merges stay where the base BPE
 *   could have merged). Needs a pre-tokenizer we know: o200k, cl100k/Llama 3, Qwen, GPT-2 patterns, or any loaded
 *   byte-level tokenizer without a normaliser.
 * - `word`: one segment per word, a word being optional leading spaces/tabs and then bytes without white space. A token
 *   whose bytes start with white space starts a word; a token without white space continues the current one; any token
 *   with a line break, with white space after other bytes (o200k's `".\n"`, `" \t "` …) or special stands alone. So a
 *   word may cross the base's punctuation and letter/digit pre-token splits (`U.S.C.`, `§101`, `foo.bar(`), never white
 *   space. White space means ASCII space, tab, vertical tab, form feed, CR, LF (bytes ≥ 0x80 count as word bytes).
 * - `superword`: one segment per run of tokens without a line break (SuperBPE-like: across spaces, never across
 *   lines). This is exactly the `domain` tokenizer's rule (domainTokenizer.ts), so such merges also load as
 *   `tokscope-domain/1`.
 */
import { splitCl100k, qwenScanner } from '../tokenizers/preTokenizers/scanCl100k';
import { splitGpt2 } from '../tokenizers/preTokenizers/scanGpt2';
import { splitO200k } from '../tokenizers/preTokenizers/scanO200k';
import type { BpeSpec } from '../tokenizers/spec';
import type { PreTokenizer, Tokenizer } from '../tokenizers/types';

export type BoundaryMode = 'pretoken' | 'word' | 'superword';
export const BOUNDARY_MODES: readonly BoundaryMode[] = ['pretoken', 'word', 'superword'];

/** A base encoding cut into segments: segment k is `ids[cuts[k], cuts[k + 1])`. */
export interface Segmented {
  ids: Uint32Array;
  cuts: Uint32Array;
}

/** Per base id: 0 continues a segment, 1 starts one, 2 stands alone (a segment of its own). */
const CONTINUE = 0;
const START = 1;
const ALONE = 2;

const classCache = new WeakMap<Tokenizer, Map<BoundaryMode, Uint8Array>>();

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0b || b === 0x0c;
}

/** The per-id class table of a token-level mode (word, superword). */
export function classTable(tok: Tokenizer, mode: 'word' | 'superword'): Uint8Array {
  let byMode = classCache.get(tok);
  if (!byMode) classCache.set(tok, (byMode = new Map()));
  const hit = byMode.get(mode);
  if (hit) return hit;
  const table = new Uint8Array(tok.vocabSize);
  const specials = new Set(tok.specialTokens.values());
  for (let id = 0; id < tok.vocabSize; id++) {
    let bytes: Uint8Array;
    try {
      bytes = tok.bytesOf(id);
    } catch {
      table[id] = ALONE;
      continue;
    }
    if (specials.has(id) || bytes.includes(10) || bytes.includes(13)) table[id] = ALONE;
    else if (mode === 'superword') table[id] = CONTINUE;
    else {
      let i = 0;
      while (i < bytes.length && isSpace(bytes[i])) i++;
      let inner = false;
      for (let k = i; k < bytes.length; k++) if (isSpace(bytes[k])) inner = true;
      table[id] = inner ? ALONE : i > 0 ? START : CONTINUE;
    }
  }
  byMode.set(mode, table);
  return table;
}

/** Cuts for a token-level mode, from the ids alone (ids at or above the table, e.g. merged ids, continue). */
export function cutsByClass(ids: ArrayLike<number>, table: Uint8Array): Uint32Array {
  const cuts: number[] = [0];
  for (let i = 0; i < ids.length; i++) {
    const c = ids[i] < table.length ? table[ids[i]] : CONTINUE;
    if (c === CONTINUE) continue;
    if (i > cuts[cuts.length - 1]) cuts.push(i);
    if (c === ALONE && i + 1 < ids.length) cuts.push(i + 1);
  }
  if (ids.length > cuts[cuts.length - 1]) cuts.push(ids.length);
  return Uint32Array.from(cuts);
}

const KNOWN_PRE: Record<string, PreTokenizer> = {
  o200k_base: { split: splitO200k },
  cl100k_base: { split: splitCl100k },
  llama3: { split: splitCl100k },
  qwen3: qwenScanner,
  r50k_base: { split: splitGpt2 },
  p50k_base: { split: splitGpt2 },
  p50k_edit: { split: splitGpt2 },
};

/** The base tokenizer's pre-tokenizer over the raw text, or undefined when the text is normalised first. */
export function preTokenizerOf(tok: Tokenizer): PreTokenizer | undefined {
  const known = KNOWN_PRE[tok.name];
  if (known) return known;
  // Loaded BpeTokenizers keep their spec; only a spec that splits the raw text itself gives offsets we can use.
  const spec = (tok as unknown as { spec?: BpeSpec }).spec;
  if (spec && spec.preTokenizer && !spec.normalizer && !spec.prefix && !spec.spaceReplacement) return spec.preTokenizer;
  return undefined;
}

export class BoundaryUnsupportedError extends Error {}

/** Base-encodes `text` and cuts it by `mode`. */
export function segmentText(tok: Tokenizer, mode: BoundaryMode, text: string): Segmented {
  if (mode !== 'pretoken') {
    const ids = tok.encodeIds(text);
    return { ids, cuts: cutsByClass(ids, classTable(tok, mode)) };
  }
  const pre = preTokenizerOf(tok);
  if (!pre) throw new BoundaryUnsupportedError(`${tok.name}: boundary "pretoken" needs a pre-tokenizer over the raw text; use word or superword`);
  const enc = tok.encode(text);
  return { ids: enc.ids, cuts: cutsByPreTokens(text, enc.byteOffsets, pre) };
}

/** Cuts where a token starts a pre-token, compared in UTF-8 bytes (a character split over tokens cannot fool it). */
export function cutsByPreTokens(text: string, byteOffsets: Uint32Array, pre: PreTokenizer): Uint32Array {
  const starts: number[] = [];
  let u = 0;
  let byte = 0;
  pre.split(text, 0, text.length, (s) => {
    byte += utf8Length(text, u, s);
    u = s;
    starts.push(byte);
  });
  const n = byteOffsets.length >> 1;
  const cuts: number[] = [0];
  let k = 0;
  for (let i = 1; i < n; i++) {
    const b = byteOffsets[2 * i];
    while (k < starts.length && starts[k] < b) k++;
    if (k < starts.length && starts[k] === b) cuts.push(i);
  }
  if (n > 0) cuts.push(n);
  return Uint32Array.from(cuts);
}

/** UTF-8 bytes of `text[from, to)` (lone surrogates count 3, as U+FFFD). */
export function utf8Length(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
