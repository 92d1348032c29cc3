/**
 * The pre-tokenizer patterns of OpenAI's tiktoken encodings, as exact JavaScript regexes, plus the code point
 * classification the hand-written scanners (`scanO200k.ts`, `scanCl100k.ts`, `scanGpt2.ts`) share.
 *
 * tiktoken runs these patterns with Rust's fancy-regex. Three differences from a naive copy into V8 matter:
 *
 * 1. `\s`. In Rust (Unicode mode) `\s` is the Unicode White_Space property. JavaScript's `\s` differs in two code
 *    points: it includes U+FEFF (ZWNBSP, category Cf, not White_Space) and excludes U+0085 (NEL, which is
 *    White_Space). So every `\s`/`\S` below is written as `\p{White_Space}`/`\P{White_Space}`.
 * 2. Inline flags. V8 in Node 20 has no `(?i:…)`. The contraction group is expanded into explicit classes. Rust's
 *    case-insensitive matching uses Unicode simple case folding, under which `s` also matches U+017F LATIN SMALL
 *    LETTER LONG S (`ſ`); none of the other contraction letters (t r e v m l d) has a fold partner outside ASCII.
 *    So `'ſ` is a contraction in cl100k/o200k, but not in the case-sensitive GPT-2 pattern.
 * 3. Possessive quantifiers / `$`. Newer tiktoken releases rewrote the cl100k and GPT-2 patterns with possessive
 *    quantifiers for speed. We keep the original patterns named in the encoding definitions (the ones the tiktoken
 *    npm/WASM package ships); see the note on `CL100K_BASE_PATTERN`.
 *
 * `\p{L}`, `\p{N}`, `\p{Lu}` … are general categories in both engines, so they agree up to the Unicode version
 * (Node 20 carries a newer Unicode than most tiktoken builds; only recently assigned code points can differ).
 *
 * Lone surrogates: with the `u` flag V8 matches a lone surrogate as one code point of category Cs, which lies in
 * exactly the same classes of these patterns as U+FFFD (So): neither letter, number, mark nor white space. So the
 * regexes already split a string with lone surrogates exactly as the string with U+FFFD substituted, which is what
 * the byte-level core encodes.
 */

import type { PreTokenizer } from '../types';

/** `[^\s\p{L}\p{N}]` with Rust's meaning of `\s`. */
const NOT_WS_L_N = '[^\\p{White_Space}\\p{L}\\p{N}]';
/** tiktoken's `(?i:'s|'t|'re|'ve|'m|'ll|'d)`. Alternative order is irrelevant: no alternative is a prefix of another. */
const CONTRACTION_I = "'(?:[sS\\u017F]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

/**
 * r50k_base / p50k_base (and gpt2): `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
 * Newer tiktoken writes it `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s+(?!\S)|\s++`, which
 * matches the same pieces (possessive runs here are never given back by the original either).
 */
export const GPT2_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?" +
  NOT_WS_L_N +
  '+|\\p{White_Space}+(?!\\P{White_Space})|\\p{White_Space}+';

/**
 * cl100k_base: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
 *
 * Newer tiktoken releases use `…|\s++$|\s*[\r\n]|\s+(?!\S)|\s`. That is NOT equivalent at the end of the input:
 * for `"\n  "` the original gives `"\n"`, `"  "`, the rewrite a single `"\n  "`. We follow the original, which is
 * what the tiktoken npm package (and the encoding definition this project pins) uses.
 */
export const CL100K_BASE_PATTERN =
  CONTRACTION_I +
  '|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?' +
  NOT_WS_L_N +
  '+[\\r\\n]*|\\p{White_Space}*[\\r\\n]+|\\p{White_Space}+(?!\\P{White_Space})|\\p{White_Space}+';

const O200K_UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const O200K_LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';

/**
 * o200k_base, as in tiktoken's openai_public.py:
 * `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
 * `|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
 * `|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
 */
export const O200K_BASE_PATTERN =
  '[^\\r\\n\\p{L}\\p{N}]?' +
  O200K_UPPER +
  '*' +
  O200K_LOWER +
  '+(?:' +
  CONTRACTION_I +
  ')?|[^\\r\\n\\p{L}\\p{N}]?' +
  O200K_UPPER +
  '+' +
  O200K_LOWER +
  '*(?:' +
  CONTRACTION_I +
  ')?|\\p{N}{1,3}| ?' +
  NOT_WS_L_N +
  '+[\\r\\n/]*|\\p{White_Space}*[\\r\\n]+|\\p{White_Space}+(?!\\P{White_Space})|\\p{White_Space}+';

/** The pattern for each tiktoken encoding name. */
export const TIKTOKEN_PATTERNS: Readonly<Record<string, string>> = {
  gpt2: GPT2_PATTERN,
  r50k_base: GPT2_PATTERN,
  p50k_base: GPT2_PATTERN,
  p50k_edit: GPT2_PATTERN,
  cl100k_base: CL100K_BASE_PATTERN,
  o200k_base: O200K_BASE_PATTERN,
};

/**
 * A pre-tokenizer that emits every match of `source`, tiktoken-style: only matches become pieces (for the patterns
 * above every character is matched by some branch, so the pieces tile the input).
 *
 * The range is matched as a string of its own, not with `lastIndex` inside the whole text, because tiktoken runs
 * the regex on each segment between special tokens separately: `(?!\S)` must see the end of the range as the end
 * of the input, and a surrogate pair cut by the range is two lone surrogates there too.
 */
export function regexPreTokenizer(source: string, flags = 'gu'): PreTokenizer {
  const global = flags.includes('g') ? flags : flags + 'g';
  const re = new RegExp(source, global);
  return {
    split(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
      if (to <= from) return;
      const s = from === 0 && to === text.length ? text : text.slice(from, to);
      re.lastIndex = 0;
      for (let m = re.exec(s); m !== null; m = re.exec(s)) {
        const len = m[0].length;
        if (len === 0) {
          // Cannot happen with the tiktoken patterns; guards a custom pattern against looping forever. Step a
          // whole code point, as the `u` flag does.
          const c = s.charCodeAt(re.lastIndex);
          re.lastIndex += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
          continue;
        }
        // Keep our position across `emit`, which might itself split something with this pre-tokenizer.
        const next = re.lastIndex;
        emit(from + m.index, from + m.index + len);
        re.lastIndex = next;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Code point classes for the scanners.
//
// Every class the three patterns use is a union of these disjoint classes, so one lookup per code point answers
// all their questions:
//   \p{L}            = UPPER | LOWER | OTHER_LETTER
//   \p{N}            = NUMBER
//   \s               = NEWLINE | SPACE
//   o200k "upper"    = UPPER | OTHER_LETTER | MARK     (Lu Lt Lm Lo M)
//   o200k "lower"    = LOWER | OTHER_LETTER | MARK     (Ll Lm Lo M)
//   [^\r\n\p{L}\p{N}] = SPACE | MARK | OTHER
//   [^\s\p{L}\p{N}]   = MARK | OTHER
// ---------------------------------------------------------------------------------------------------------------

/** Lu and Lt. */
export const C_UPPER = 1;
/** Ll. */
export const C_LOWER = 2;
/** Lm and Lo: both "upper" and "lower" for o200k. */
export const C_OTHER_LETTER = 3;
/** \p{M}: not a letter, but in both of o200k's letter classes. */
export const C_MARK = 4;
/** \p{N}. */
export const C_NUMBER = 5;
/** \r and \n: the only line breaks the patterns single out (not U+2028, U+0085 …). */
export const C_NEWLINE = 6;
/** White_Space other than \r and \n. */
export const C_SPACE = 7;
/** Everything else: punctuation, symbols, controls, unassigned, lone surrogates (as U+FFFD). */
export const C_OTHER = 8;

/** Class of each ASCII code unit, the hot path. */
export const ASCII_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128).fill(C_OTHER);
  for (let c = 0x41; c <= 0x5a; c++) t[c] = C_UPPER;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = C_LOWER;
  for (let c = 0x30; c <= 0x39; c++) t[c] = C_NUMBER;
  for (let c = 0x09; c <= 0x0d; c++) t[c] = C_SPACE; // \t \n \v \f \r: all White_Space
  t[0x0a] = C_NEWLINE;
  t[0x0d] = C_NEWLINE;
  t[0x20] = C_SPACE;
  return t;
})();

const RE_UPPER = /[\p{Lu}\p{Lt}]/u;
const RE_LOWER = /\p{Ll}/u;
const RE_OTHER_LETTER = /[\p{Lm}\p{Lo}]/u;
const RE_MARK = /\p{M}/u;
const RE_NUMBER = /\p{N}/u;
const RE_SPACE = /\p{White_Space}/u;

/** Classifies one code point with the same property escapes the regexes use, so both agree by construction. */
function classifySlow(cp: number): number {
  if (cp < 128) return ASCII_CLASS[cp]!;
  if (cp >= 0xd800 && cp <= 0xdfff) return C_OTHER; // lone surrogate: behaves as U+FFFD
  const s = String.fromCodePoint(cp);
  if (RE_LOWER.test(s)) return C_LOWER;
  if (RE_OTHER_LETTER.test(s)) return C_OTHER_LETTER;
  if (RE_UPPER.test(s)) return C_UPPER;
  if (RE_MARK.test(s)) return C_MARK;
  if (RE_NUMBER.test(s)) return C_NUMBER;
  if (RE_SPACE.test(s)) return C_SPACE; // no non-ASCII White_Space is \r or \n
  return C_OTHER;
}

/**
 * Lazily filled cache for U+0000–U+2FFFF (BMP, SMP, SIP: nearly all text), 0 meaning "not looked up yet". Filled one
 * code point at a time because real text touches only a few hundred distinct non-ASCII code points, and testing all
 * 196k up front would cost tens of milliseconds at startup.
 */
const lowCache = new Uint8Array(0x30000);
/** The rare rest (CJK extension G+, tags, variation selectors supplement, private use). */
const highCache = new Map<number, number>();

/** Class of a code point (for a lone surrogate, C_OTHER). */
export function classOf(cp: number): number {
  if (cp < 0x30000) {
    const k = lowCache[cp]!;
    if (k !== 0) return k;
    const c = classifySlow(cp);
    lowCache[cp] = c;
    return c;
  }
  let c = highCache.get(cp);
  if (c === undefined) {
    c = classifySlow(cp);
    highCache.set(cp, c);
  }
  return c;
}

/**
 * Class and length of the code point at `i` (which must be `< to`), packed as `class | length << 4`. A surrogate
 * pair is only a pair when both halves lie before `to`, matching a regex run on `text.slice(from, to)`; a low
 * surrogate at `from` is likewise lone because scanners never look before `from`.
 */
export function classAt(text: string, i: number, to: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_CLASS[c]! | 16;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return classOf(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000) | 32;
  }
  return classOf(c) | 16;
}

/**
 * End of a case-insensitive contraction (`'s 't 're 've 'm 'll 'd`, `s` also matching `ſ`) starting at `i`, or `i`
 * when there is none.
 */
export function contractionEnd(text: string, i: number, to: number): number {
  if (i + 1 >= to || text.charCodeAt(i) !== 0x27) return i;
  const a = text.charCodeAt(i + 1) | 0x20; // lower-cases exactly the ASCII letters compared below
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return i + 2; // s t m d
  if (text.charCodeAt(i + 1) === 0x17f) return i + 2; // ſ folds to s
  if (i + 2 >= to) return i;
  const b = text.charCodeAt(i + 2) | 0x20;
  if ((a === 0x72 || a === 0x76) && b === 0x65) return i + 3; // re ve
  if (a === 0x6c && b === 0x6c) return i + 3; // ll
  return i;
}

/** Case-sensitive contraction end for the GPT-2 pattern (`'s|'t|'re|'ve|'m|'ll|'d`), or `i` when there is none. */
export function contractionEndExact(text: string, i: number, to: number): number {
  if (i + 1 >= to || text.charCodeAt(i) !== 0x27) return i;
  const a = text.charCodeAt(i + 1);
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return i + 2;
  if (i + 2 >= to) return i;
  const b = text.charCodeAt(i + 2);
  if ((a === 0x72 || a === 0x76) && b === 0x65) return i + 3;
  if (a === 0x6c && b === 0x6c) return i + 3;
  return i;
}

/**
 * End of the whitespace piece starting at `p` (a White_Space character the earlier alternatives did not take) for
 * the tail `\s*[\r\n]+|\s+(?!\S)|\s+` shared by cl100k and o200k:
 * - the run contains \r or \n: `\s*[\r\n]+` backtracks to the LAST line break of the run and ends after it; the
 *   white space after it starts the next piece;
 * - otherwise, if the run reaches the end of the input, all of it (`(?!\S)` holds at the end);
 * - otherwise `\s+(?!\S)` gives back the run's last character, which then leads the next piece (e.g. `" word"`),
 *   unless the run is one character long: then `\s+` matches it alone.
 * All White_Space code points are in the BMP, so "one character" is one code unit.
 */
export function wsRunEnd(text: string, p: number, to: number): number {
  let i = p;
  let afterLastBreak = -1;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) i++;
    else if (c === 0x0a || c === 0x0d) afterLastBreak = ++i;
    else if (c < 128 ? c === 0x0b || c === 0x0c : classOf(c) === C_SPACE) i++;
    else break;
  }
  if (afterLastBreak >= 0) return afterLastBreak;
  if (i >= to || i - p === 1) return i;
  return i - 1;
}

/** 1 for ASCII code units in `[^\r\n\p{L}\p{N}]`, the optional leading character of a word (o200k, cl100k). */
export const ASCII_WORD_LEAD: Uint8Array = asciiTable((cls) => cls === C_SPACE || cls === C_OTHER);

/** 1 for ASCII code units in `[^\s\p{L}\p{N}]` (punctuation runs). */
export const ASCII_PUNCT: Uint8Array = asciiTable((cls) => cls === C_OTHER);

function asciiTable(test: (cls: number) => boolean): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = test(classAt(String.fromCharCode(c), 0, 1) & 15) ? 1 : 0;
  return t;
}
