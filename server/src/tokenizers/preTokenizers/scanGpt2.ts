/**
 * A hand-written scanner equivalent to the GPT-2 regex used by r50k_base and p50k_base (`GPT2_PATTERN`):
 *
 *   G1  's|'t|'re|'ve|'m|'ll|'d           — case-sensitive: `"'S"` is punctuation + letter
 *   G2  ' '?\p{L}+    G3  ' '?\p{N}+       — digit runs are unbounded here
 *   G4  ' '?[^\s\p{L}\p{N}]+               — marks are not letters, so they fall here
 *   G5  \s+(?!\S)     G6  \s+              — no special case for line breaks
 *
 * The only optional prefix is U+0020 itself; a tab or U+00A0 before a word stays in the whitespace piece.
 */

import type { PreTokenizer } from '../types';
import {
  C_LOWER,
  C_MARK,
  C_NEWLINE,
  C_NUMBER,
  C_OTHER,
  C_OTHER_LETTER,
  C_SPACE,
  C_UPPER,
  classAt,
  contractionEndExact,
} from './tiktokenPatterns';

/** End of the run, from `i`, of code points in `group` (letters, numbers, `[^\s\p{L}\p{N}]` or white space). */
function runEnd(text: string, i: number, to: number, group: number): number {
  while (i < to) {
    const c = text.charCodeAt(i);
    let g: number;
    let len = 1;
    if (c < 128) g = ASCII_GROUP[c]!;
    else {
      const k = classAt(text, i, to);
      g = GROUP[k & 15]!;
      len = k >> 4;
    }
    if (g !== group) break;
    i += len;
  }
  return i;
}

const G_LETTER = 1;
const G_NUMBER = 2;
const G_PUNCT = 3;
const G_SPACE = 4;

/** Pattern-level group of each class: \p{L}, \p{N}, [^\s\p{L}\p{N}], \s. */
const GROUP: Uint8Array = (() => {
  const t = new Uint8Array(16);
  t[C_UPPER] = t[C_LOWER] = t[C_OTHER_LETTER] = G_LETTER;
  t[C_MARK] = G_PUNCT;
  t[C_OTHER] = G_PUNCT;
  t[C_NUMBER] = G_NUMBER;
  t[C_NEWLINE] = t[C_SPACE] = G_SPACE;
  return t;
})();

const ASCII_GROUP: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = GROUP[classAt(String.fromCharCode(c), 0, 1) & 15]!;
  return t;
})();

/** G5/G6: the run, minus its last character when a non-space follows and the run is longer than one. */
function wsEnd(text: string, p: number, to: number): number {
  const e = runEnd(text, p, to, G_SPACE);
  if (e >= to || e - p === 1) return e;
  return e - 1; // White_Space is all BMP: one code unit
}

/** Splits `text[from, to)` exactly as `GPT2_PATTERN` does. */
export function splitGpt2(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
  let p = from;
  while (p < to) {
    const c = text.charCodeAt(p);
    let e: number;
    if (c === 0x27 && (e = contractionEndExact(text, p, to)) !== p) {
      // G1
    } else {
      const k = classAt(text, p, to);
      const g = GROUP[k & 15]!;
      if (g !== G_SPACE) e = runEnd(text, p + (k >> 4), to, g);
      else if (c === 0x20 && p + 1 < to) {
        const k2 = classAt(text, p + 1, to);
        const g2 = GROUP[k2 & 15]!;
        e = g2 !== G_SPACE ? runEnd(text, p + 1 + (k2 >> 4), to, g2) : wsEnd(text, p, to);
      } else e = wsEnd(text, p, to);
    }
    emit(p, e);
    p = e;
  }
}

/** The r50k_base / p50k_base pre-tokenizer, scanner edition. */
export const gpt2Scanner: PreTokenizer = { split: splitGpt2 };
