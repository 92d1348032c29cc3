/**
 * A hand-written scanner equivalent to the cl100k_base regex (`CL100K_BASE_PATTERN`). Alternatives, tried in order
 * (the regex is leftmost-first, so the first alternative that matches wins even when a later one would be longer):
 *
 *   C1  (?i:'s|'t|'re|'ve|'m|'ll|'d)        — first, so `"'sup"` → `"'s"`, `"up"`
 *   C2  [^\r\n\p{L}\p{N}]? \p{L}+           — any one non-letter, non-digit, non-line-break (space, tab, quote,
 *                                              combining mark, …) can lead a word
 *   C3  \p{N}{1,3}
 *   C4  ' '? [^\s\p{L}\p{N}]+ [\r\n]*
 *   C5  \s*[\r\n]+      C6  \s+(?!\S)      C7  \s+
 *
 * Unlike o200k, marks are not part of words here (`\p{L}` excludes \p{M}), so a decomposed `"e\u0301"` is two pieces.
 */

import type { PreTokenizer } from '../types';
import { ASCII_PUNCT, ASCII_WORD_LEAD, C_MARK, C_NEWLINE, C_NUMBER, C_OTHER, C_OTHER_LETTER, C_SPACE, classAt, contractionEnd, wsRunEnd } from './tiktokenPatterns';

/** End of the `\p{L}+` run from `i`; ASCII letters are tested without a class lookup. */
function letterRunEnd(text: string, i: number, to: number): number {
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) {
        i++;
        continue;
      }
      break;
    }
    const k = classAt(text, i, to);
    if ((k & 15) <= C_OTHER_LETTER) i += k >> 4;
    else break;
  }
  return i;
}

/** C4 after its optional space: `[^\s\p{L}\p{N}]+[\r\n]*`, the first character (known to qualify) at `i`. */
function punctEnd(text: string, i: number, to: number): number {
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (ASCII_PUNCT[c] === 0) break;
      i++;
      continue;
    }
    const k = classAt(text, i, to);
    const cls = k & 15;
    if (cls === C_OTHER || cls === C_MARK) i += k >> 4;
    else break;
  }
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) i++;
    else break;
  }
  return i;
}

/** Splits `text[from, to)` exactly as `CL100K_BASE_PATTERN` does. */
export function splitCl100k(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
  splitCl100kStyle(text, from, to, emit, 3);
}

/**
 * The cl100k pattern with digit runs of at most `maxDigits` (3 for cl100k and Llama 3, 1 for Qwen's `\p{N}`); the
 * rest of those patterns is identical.
 */
export function splitCl100kStyle(text: string, from: number, to: number, emit: (start: number, end: number) => void, maxDigits: number): void {
  let p = from;
  while (p < to) {
    // Fast path for the commonest piece, C2 in ASCII: an optional leading character other than a quote (which may
    // start C1 instead) and a run of ASCII letters that ends before an ASCII character (a non-ASCII one could be a
    // letter continuing the run). Anything else takes the general path below, which alone decides correctness.
    let i = p;
    let c = text.charCodeAt(i);
    if (c < 128 && c !== 0x27 && ASCII_WORD_LEAD[c] === 1) c = ++i < to ? text.charCodeAt(i) : 0;
    if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) {
      do c = ++i < to ? text.charCodeAt(i) : 0;
      while ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
      if (c < 128) {
        emit(p, i);
        p = i;
        continue;
      }
    }
    const k = classAt(text, p, to);
    const cls = k & 15;
    const len = k >> 4;
    let e: number;
    if (cls <= C_OTHER_LETTER) {
      e = letterRunEnd(text, p + len, to);
    } else if (cls === C_NUMBER) {
      e = p + len;
      for (let n = 1; n < maxDigits && e < to; n++) {
        const k2 = classAt(text, e, to);
        if ((k2 & 15) !== C_NUMBER) break;
        e += k2 >> 4;
      }
    } else if (cls === C_NEWLINE) {
      e = wsRunEnd(text, p, to);
    } else {
      // C_MARK, C_SPACE or C_OTHER.
      const q = p + len;
      e = text.charCodeAt(p) === 0x27 ? contractionEnd(text, p, to) : p; // C1
      if (e === p) {
        const k2 = q < to ? classAt(text, q, to) : 0;
        const next = k2 & 15;
        if (next !== 0 && next <= C_OTHER_LETTER) e = letterRunEnd(text, q + (k2 >> 4), to); // C2 with its prefix
        else if (cls !== C_SPACE) e = punctEnd(text, q, to); // C4
        else if (text.charCodeAt(p) === 0x20 && (next === C_OTHER || next === C_MARK)) e = punctEnd(text, q, to); // C4 with its space
        else e = wsRunEnd(text, p, to);
      }
    }
    emit(p, e);
    p = e;
  }
}

/** The cl100k_base pre-tokenizer, scanner edition. */
export const cl100kScanner: PreTokenizer = { split: splitCl100k };

/** Qwen 2/2.5/3's pre-tokenizer: cl100k's pattern with single digits. */
export const qwenScanner: PreTokenizer = { split: (text, from, to, emit) => splitCl100kStyle(text, from, to, emit, 1) };
