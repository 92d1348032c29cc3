/**
 * Compiles regular expressions that come from user files (`tokenizer.json` Replace normalisers, Split
 * pre-tokenizers). They are written for Oniguruma, so they are translated (see `regexOnig.ts`), and they run on the
 * editor's text in a backtracking engine, so they are screened first.
 *
 * What bounds a user pattern's running time:
 *  - The source is at most 1,000 characters (MAX_PATTERN_LENGTH), and intervals at most {100000}.
 *  - Exponential backtracking needs a repeated sub-pattern that can match the same text in more than one way. We
 *    reject its two structural forms: a quantifier that can vary (`*`, `+`, `?`, `{n,m}`) nested inside a group
 *    repeated more than once (`(a+)+`, `(a*)*`, `(a?b)+`, `(a+){9}`); and, inside such a group, an alternation whose
 *    branches do not all start with distinct literal characters (`(a|a)*`, `(a|ab)+`, `(\s|x)+`; `(?:'s|'t)+` passes). Exact counts
 *    (`(ab{2})+`) and optional groups (`(?:'s|'t)?`) are fine. This is deliberately conservative: a few harmless
 *    patterns are refused, and no pattern in the common tokenizer files is.
 *  - What remains is polynomial: k adjacent overlapping quantifiers (`\s*\s*x`) can cost O(n^k) on one failing
 *    search over n characters. Callers run patterns over bounded pieces of text, which keeps this in check.
 */
import { emitJs, OnigSyntaxError, parseOnig, caseVariants, type Alt, type Item } from './regexOnig';

export const MAX_PATTERN_LENGTH = 1000;

/**
 * Prefixed to every compiled pattern. V8 (Node 20) can report a `u`-mode match in the middle of a surrogate pair
 * when the attempt at the pair's start failed: /(?<!\p{L})(?!\p{L})/gu finds index 1 in "𐀀". At such a position
 * its look-arounds can read nothing in either direction, whereas at every real position of a non-empty text one of
 * them reads a character; so requiring that rules the phantom positions out (Rust strings have none).
 */
export const NOT_MID_PAIR = '(?:(?=[^])|(?<=[^]))';

/**
 * Translates an Oniguruma pattern to JavaScript, checks it for catastrophic backtracking and compiles it. `flags`
 * are JavaScript flags (e.g. 'gu'); 'u' is always added, the translation needs it. Throws an Error naming the
 * pattern if it is too long, uses syntax that cannot be carried over, or could backtrack exponentially.
 */
export function compileUserRegex(source: string, flags: string): RegExp {
  const name = JSON.stringify(source.length > 80 ? source.slice(0, 80) + '…' : source);
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new Error(`regex ${name} is ${source.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`);
  }
  let tree: Alt;
  try {
    tree = parseOnig(source);
  } catch (e) {
    if (e instanceof OnigSyntaxError) throw new Error(`unsupported regex ${name}: ${e.message}`);
    throw e;
  }
  const danger = findBacktrackingHazard(tree, false);
  if (danger !== null) throw new Error(`regex ${name} is refused: ${danger} could backtrack exponentially`);
  const jsFlags = flags.includes('u') ? flags : flags + 'u';
  try {
    return new RegExp(`${NOT_MID_PAIR}(?:${emitJs(tree)})`, jsFlags);
  } catch (e) {
    throw new Error(`unsupported regex ${name}: ${(e as Error).message}`);
  }
}

/** Returns a description of the first hazard found, or null. `repeated`: we are inside a group repeated > once. */
function findBacktrackingHazard(alt: Alt, repeated: boolean): string | null {
  if (repeated && alt.options.length > 1 && !distinctFirstChars(alt)) {
    return 'an alternation without distinct first characters inside a repeated group';
  }
  for (const seq of alt.options) {
    for (const item of seq) {
      const q = item.quant;
      if (repeated && q !== null && q.min !== q.max) return 'a quantifier nested inside a repeated group';
      if (item.atom.kind === 'group') {
        const found = findBacktrackingHazard(item.atom.body, repeated || (q !== null && q.max > 1));
        if (found !== null) return found;
      }
    }
  }
  return null;
}

/**
 * True when the alternatives are told apart by their leading literal characters: each starts with at least one
 * mandatory literal, and any two differ (no shared case variant) at some position both of them spell out. `'s|'t` is
 * fine; `a|ab` and `a|a` are not.
 */
function distinctFirstChars(alt: Alt): boolean {
  const prefixes = alt.options.map(literalPrefix);
  if (prefixes.some((p) => p.length === 0)) return false;
  for (let a = 0; a < prefixes.length; a++) {
    for (let b = a + 1; b < prefixes.length; b++) {
      const pa = prefixes[a];
      const pb = prefixes[b];
      let differ = false;
      for (let k = 0; k < Math.min(pa.length, pb.length) && !differ; k++) differ = !pa[k].some((cp) => pb[k].includes(cp));
      if (!differ) return false;
    }
  }
  return true;
}

/** The case variants of each mandatory single literal character an alternative starts with. */
function literalPrefix(seq: Item[]): number[][] {
  const out: number[][] = [];
  for (const item of seq) {
    const q = item.quant;
    if (item.atom.kind !== 'char' || (q !== null && !(q.min === 1 && q.max === 1))) break;
    out.push(item.atom.ci ? caseVariants(item.atom.cp) : [item.atom.cp]);
  }
  return out;
}
