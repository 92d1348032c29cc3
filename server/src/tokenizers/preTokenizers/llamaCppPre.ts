/**
 * llama.cpp's BPE pre-tokenizers, keyed by the GGUF `tokenizer.ggml.pre` name.
 *
 * llama.cpp (`llm_tokenizer_bpe` in src/llama-vocab.cpp) gives each pre type a list of regexes; `unicode_regex_split`
 * (src/unicode.cpp) applies them in sequence, each one splitting every piece the previous one produced. Within a
 * piece, matches become pieces and so does the text between matches: nothing is ever dropped.
 *
 * The regexes below are llama.cpp's, written in its own dialect, and translated to JavaScript by `toJs` so that the
 * JavaScript engine reproduces what llama.cpp observably does rather than what the original Hugging Face regex says:
 * - llama.cpp's whitespace is Python's `\s`: ASCII `\t\n\v\f\r `, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
 *   U+2029, U+202F, U+205F, U+3000. That differs from JavaScript's `\s` (which adds U+FEFF and lacks U+0085), and
 *   every llama.cpp path (its hand-written splitters, its category-collapsed std::regex, its std::wregex) treats a
 *   non-ASCII whitespace character as nothing but whitespace: not a letter, not in any literal range. So we do what
 *   llama.cpp does: replace non-ASCII whitespace by `\v` (all are single UTF-16 units, so offsets do not move) and
 *   make `\s` the six ASCII characters.
 * - llama.cpp's std::regex cannot see Unicode categories, so it "collapses" every non-ASCII character to one byte
 *   per category. `\p{Lu}`, `\p{Ll}`, `\p{Lt}`, `\p{Lm}`, `\p{Lo}` all collapse to "letter": we translate them to
 *   `\p{L}`. Its ASCII table for `\p{S}` forgets `~`: we exclude `~` from `\p{S}`.
 * - Each regex runs on one piece at a time, so `$`, `\b` and lookaheads see the piece's end, not the text's.
 */
import type { PreTokenizer, RestartRule } from '../types';
import { AFMOE_DIGITS, NAMES, type PreType } from './llamaCppPreTypes';

const ASCII_WS = String.raw`\t\n\v\f\r `;
/** Non-ASCII characters llama.cpp counts as whitespace (its `unicode_set_whitespace`). All are BMP. */
const NON_ASCII_WS = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

export const KNOWN_LLAMA_CPP_PRE: readonly string[] = Object.freeze(Object.keys(NAMES).sort());

/** Tokenizer models whose vocabularies llama.cpp splits with these regexes. */
const BPE_MODELS = new Set(['gpt2', 'gemma4', 'hybriddna', 'whitespace']);

export interface LlamaCppPreInfo {
  /** The pre name after llama.cpp's defaults (missing → 'default', model gemma4 → 'gemma4'). */
  readonly name: string;
  /** The regexes as JavaScript sources (flags `gu`), in order. AFMoE's digit step appears as `<afmoe-digits>`. */
  readonly jsRegexes: readonly string[];
  readonly ignoreMerges: boolean;
  readonly byteEncode: boolean;
  readonly escapeWhitespaces: boolean;
  readonly restartRule: RestartRule;
}

function resolve(pre: string | undefined, model: string): { name: string; type: PreType } {
  if (!BPE_MODELS.has(model)) {
    throw new Error(`llama.cpp applies no regex pre-tokenizer to '${model}' vocabularies (only to BPE models)`);
  }
  // llama.cpp: gemma4 vocabularies always use the gemma4 pre type; a missing pre name means 'default'.
  const name = model === 'gemma4' ? 'gemma4' : pre === undefined || pre === '' ? 'default' : pre;
  const type = NAMES[name];
  if (type === undefined) {
    throw new Error(`unknown llama.cpp pre-tokenizer type '${name}'; known: ${KNOWN_LLAMA_CPP_PRE.join(', ')}`);
  }
  return { name, type };
}

export function llamaCppPreInfo(pre: string | undefined, model: string): LlamaCppPreInfo {
  const { name, type } = resolve(pre, model);
  return {
    name,
    jsRegexes: type.regexes.map((r) => (r === AFMOE_DIGITS ? r : toJs(r))),
    ignoreMerges: type.ignoreMerges ?? false,
    byteEncode: type.byteEncode ?? true,
    escapeWhitespaces: type.escapeWhitespaces ?? false,
    restartRule: type.restartRule ?? 'none',
  };
}

/**
 * Translates a llama.cpp regex to a JavaScript one (flags `gu`) that behaves as llama.cpp does on text whose
 * non-ASCII whitespace has been replaced by `\v` (see the file comment).
 */
export function toJs(src: string): string {
  const usesCategories = /\\p\{/.test(src);
  let out = '';
  let classStart = -1; // index in `out` of the '[' of the class we are in, or -1
  let classHasSymbol = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1];
      if (next === 's') {
        out += classStart >= 0 ? ASCII_WS : `[${ASCII_WS}]`;
        i++;
      } else if (next === 'S') {
        if (classStart >= 0) throw new Error(`\\S inside a character class is not supported: ${src}`);
        out += `[^${ASCII_WS}]`;
        i++;
      } else if (next === 'p' && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        let cat = src.slice(i + 3, close);
        // llama.cpp collapses every letter subcategory to "letter".
        if (usesCategories && /^L[ultmo]$/.test(cat)) cat = 'L';
        if (cat === 'S') {
          if (classStart >= 0) classHasSymbol = true;
          else {
            out += '(?:(?!~)\\p{S})';
            i = close;
            continue;
          }
        }
        out += `\\p{${cat}}`;
        i = close;
      } else {
        out += c + next;
        i++;
      }
    } else if (c === '[' && classStart < 0) {
      classStart = out.length;
      classHasSymbol = false;
      out += c;
    } else if (c === ']' && classStart >= 0) {
      out += c;
      if (classHasSymbol) {
        // llama.cpp's ASCII table for \p{S} lacks '~': take '~' out of a positive class, put it into a negated one.
        const cls = out.slice(classStart);
        if (cls.includes('~')) throw new Error(`\\p{S} next to '~' in one class is not supported: ${src}`);
        out = out.slice(0, classStart) + (cls.startsWith('[^') ? `(?:~|${cls})` : `(?:(?!~)${cls})`);
      }
      classStart = -1;
    } else {
      out += c;
    }
  }
  return out;
}

type Step = RegExp | 'afmoeDigits';

function compile(type: PreType): Step[] {
  return type.regexes.map((r) => (r === AFMOE_DIGITS ? 'afmoeDigits' : new RegExp(toJs(r), 'gu')));
}

/** Splits `[start, end)` of `text` by `re`: matches and the gaps between them all become pieces. */
function splitByRegex(re: RegExp, text: string, start: number, end: number, out: number[]): void {
  const piece = start === 0 && end === text.length ? text : text.slice(start, end);
  re.lastIndex = 0;
  let prev = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(piece)) !== null) {
    const at = m.index;
    const len = m[0].length;
    if (at > prev) out.push(start + prev, start + at);
    if (len > 0) out.push(start + at, start + at + len);
    prev = at + len;
    // An empty match still splits (llama.cpp emits it as an empty piece); step past it by one code point.
    if (len === 0) re.lastIndex = at + (piece.codePointAt(at)! > 0xffff ? 2 : 1);
  }
  if (prev < piece.length) out.push(start + prev, end);
}

/**
 * AFMoE's digit step, as llama.cpp's `unicode_regex_split_custom_afmoe` does it: a run of digits (`\p{N}`) is cut
 * into a leading group of (length mod 3) digits and then groups of three; the text before a run stays glued to the
 * run's first group, and what follows the last run is one piece.
 */
const IS_NUMBER = /\p{N}/u;
function splitAfmoeDigits(text: string, start: number, end: number, out: number[]): void {
  let prevEnd = start;
  const add = (to: number): void => {
    if (to > prevEnd) out.push(prevEnd, to);
    prevEnd = to;
  };
  let pos = start;
  while (pos < end) {
    const cp = text.codePointAt(pos)!;
    const w = cp > 0xffff ? 2 : 1;
    if (!IS_NUMBER.test(String.fromCodePoint(cp))) {
      pos += w;
      continue;
    }
    const digits: number[] = []; // UTF-16 offset after each digit
    while (pos < end) {
      const d = text.codePointAt(pos)!;
      if (!IS_NUMBER.test(String.fromCodePoint(d))) break;
      pos += d > 0xffff ? 2 : 1;
      digits.push(pos);
    }
    let k = digits.length % 3;
    if (k > 0) add(digits[k - 1]);
    for (k += 3; k <= digits.length; k += 3) add(digits[k - 1]);
  }
  if (prevEnd < end) add(end);
}

class LlamaCppPreTokenizer implements PreTokenizer {
  constructor(private readonly steps: readonly Step[]) {}

  split(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
    if (from >= to) return;
    let fragment = text.slice(from, to);
    // See the file comment: llama.cpp's non-ASCII whitespace is whitespace and nothing else.
    NON_ASCII_WS.lastIndex = 0;
    if (NON_ASCII_WS.test(fragment)) fragment = fragment.replace(NON_ASCII_WS, '\v');
    let pieces = [0, fragment.length];
    for (const step of this.steps) {
      const next: number[] = [];
      for (let i = 0; i < pieces.length; i += 2) {
        if (step === 'afmoeDigits') splitAfmoeDigits(fragment, pieces[i], pieces[i + 1], next);
        else splitByRegex(step, fragment, pieces[i], pieces[i + 1], next);
      }
      pieces = next;
    }
    for (let i = 0; i < pieces.length; i += 2) emit(from + pieces[i], from + pieces[i + 1]);
  }
}

const cache = new Map<PreType, LlamaCppPreTokenizer>();

/**
 * The pre-tokenizer llama.cpp uses for a BPE vocabulary with this `tokenizer.ggml.pre` (undefined or '' means
 * llama.cpp's 'default'). Throws for an unknown name, listing the known ones, and for non-BPE models.
 */
export function llamaCppPreTokenizer(pre: string | undefined, model: string): PreTokenizer {
  const { type } = resolve(pre, model);
  let p = cache.get(type);
  if (p === undefined) {
    p = new LlamaCppPreTokenizer(compile(type));
    cache.set(type, p);
  }
  return p;
}
