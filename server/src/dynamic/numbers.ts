/**
 * Long numbers that the tokenizer chunks from the left. o200k, cl100k and Llama 3 split a digit run into pieces of up
 * to three digits from its start, so in 1234567 the pieces are 123|456|7 and no piece lines up with a place value;
 * grouping from the right (1,234,567 / 1_234_567) makes the pieces the thousands groups. "Tokenization counts"
 * (research.md §5) found right-to-left grouping largely improves GPT-3.5/4 arithmetic. A run is flagged only when its
 * pieces are actually misaligned (a run of 3k digits chunked by threes is aligned already; Qwen's one-digit pieces are
 * never misaligned).
 *
 * Threshold: 5 digits. Four-digit runs are mostly years, times and codes, where separators would be wrong.
 * Skipped as not plain numbers: digits joined to letters, `_`, `$` or other digits by `.`, `-`, `/`, `:` (identifiers,
 * hex, versions, dates, times, phone numbers, ranges), a fractional part, and — in prose — numbers that name things
 * (after §, section, title, part, No., Pub. L., U.S.C., CFR, FR, docket, …). The fix: `_` separators where the
 * language's literals accept them (JS/TS, Python, Rust, Java, C#, Go, Kotlin, Swift, Ruby), `'` in C++, `,` in prose;
 * elsewhere, and inside code strings or comments, a report without an edit. Never part of a fix-all.
 */
import { type DocContext, inStringOrComment } from './context';
import type { Suggestion } from './types';

export const MIN_DIGITS = 5;

const UNDERSCORE = new Set(['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python', 'rust', 'java', 'csharp', 'go', 'kotlin', 'swift', 'ruby']);

/** The separator a language's number literals accept, ',' for prose, or undefined (report only). */
export function separatorFor(languageId: string, kind: 'code' | 'prose'): string | undefined {
  if (kind === 'prose') return ',';
  if (UNDERSCORE.has(languageId)) return '_';
  if (languageId === 'cpp') return "'";
  return undefined;
}

const NAMING = /(?:§+|\bsec(?:tions?|s?\.)|\btitles?|\bparts?|\bchapters?|\bno\.|\bnos\.|\bnumbers?|\bpub\.\s*l\.|\bp\.\s*l\.|\bu\.s\.c\.|\bc\.f\.r\.|\bcfr|\bfr|\bdocket|\bcase|\bform|\bserial|\bzip|\bid|#)\s*$/i;

/** Groups a digit string from the right: 1234567 → 1,234,567. */
export function groupRight(digits: string, sep: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}

export function numberSuggestions(ctx: DocContext): Suggestion[] {
  const { text, tok } = ctx;
  const out: Suggestion[] = [];
  const sep = separatorFor(ctx.languageId, ctx.kind);
  const re = /\d{5,}/g;
  let enc: { ids: Uint32Array; offsets: Uint32Array } | undefined;
  let lineCache = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m.index;
    const e = s + m[0].length;
    const before = text[s - 1];
    const after = text[e];
    if (isWordChar(before) || isWordChar(after) || (ctx.kind === 'code' && (before === '$' || after === '$'))) continue;
    // Joined to other digits or words by . - / : (versions, dates, decimals, ranges) or already grouped (1,23456).
    if (/[.\-/:,']/.test(before ?? '') && isWordChar(text[s - 2])) continue;
    // …except a decimal's integer part (12345.67, not 12345.67.8).
    const decimal = after === '.' && /^\.\d+(?![.\d\p{L}_])/u.test(text.slice(e, e + 40));
    if (!decimal && /[.\-/:,']/.test(after ?? '') && isWordChar(text[e + 1])) continue;
    if (/0[xXbBoO]$/.test(text.slice(Math.max(0, s - 2), s))) continue;
    // A leading zero in code is an octal or a zero-padded literal (`0_123` is a syntax error in JS/TS): left alone.
    if (ctx.kind === 'code' && text[s] === '0') continue;
    const line = ctx.lineOf(s);
    const lineStart = ctx.lineStarts[line];
    if (ctx.kind === 'prose' && NAMING.test(text.slice(Math.max(lineStart, s - 16), s))) continue;
    // The tokenizer's pieces over the run, from the encoding of its line (the line is encoded once).
    if (lineCache !== line) {
      const [ls, le] = ctx.lineRange(line);
      const en = tok.encode(text.slice(ls, le));
      enc = { ids: en.ids, offsets: en.offsets };
      lineCache = line;
    }
    const cuts: number[] = [];
    let pieces = 0;
    for (let k = 0; k < enc!.ids.length; k++) {
      const ts = enc!.offsets[2 * k] + lineStart;
      const te = enc!.offsets[2 * k + 1] + lineStart;
      if (te <= s || ts >= e) continue;
      pieces++;
      if (ts > s) cuts.push(ts - s);
    }
    const n = e - s;
    // Aligned when every cut inside the run falls on a thousands boundary counted from the right.
    // One digit a piece (Qwen) has no grouping to misalign.
    if (pieces >= n || cuts.every((c) => (n - c) % 3 === 0)) continue;
    const code = inStringOrComment(ctx.lineText(line), s - lineStart, ctx.languageId);
    const fixSep = ctx.kind === 'code' && code ? undefined : sep;
    const grouped = groupRight(m[0], fixSep ?? ',');
    const sugg: Suggestion = {
      kind: 'number',
      code: 'number.rightToLeft',
      start: s,
      end: e,
      message: `${tok.name} splits ${m[0]} from the left into ${pieces} pieces that do not line up with its digit groups; ${grouped} groups it from the right (better arithmetic: "Tokenization counts")`,
      tokensBefore: ctx.linesTokens(line, line),
      data: { digits: n, pieces },
    };
    if (fixSep) {
      const edits = [{ start: s, end: e, newText: grouped }];
      const c = ctx.cost(edits);
      sugg.tokensBefore = c.before;
      sugg.tokensAfter = c.after;
      sugg.edits = edits;
      sugg.safe = false;
      sugg.message += `: ${c.after - c.before >= 0 ? '+' : ''}${c.after - c.before} tokens on this line`;
    } else sugg.message += ctx.kind === 'code' ? ' (no fix: this language or place has no digit separator)' : '';
    out.push(sugg);
  }
  return out;
}
