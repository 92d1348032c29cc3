/**
 * Token-sized windows of the text around the cursor. The prefix is cut from its start and the suffix from its end, at
 * line boundaries where one fits: a line start is where tokenizers restart (see `Tokenizer.restartRule`), so the kept
 * text encodes as it does inside the file, and the model sees whole lines. Only when not even one line fits is a line
 * cut at a token boundary.
 *
 * Counting is exact in the model's tokens: `countUntil` on the candidate text, so a budget is never exceeded.
 */
import type { Tokenizer } from '../tokenizers/types';

/** Characters of one line looked at for a mid-line cut: plenty for `budget` tokens, bounded for minified files. */
const charsFor = (budget: number): number => budget * 16 + 64;

function fits(tok: Tokenizer, text: string, budget: number): boolean {
  return tok.countUntil(text, budget) <= budget;
}

/**
 * The start of the longest tail of `text` that encodes in at most `budget` tokens: a line start when a non-empty one
 * fits, else a token boundary inside the last line. Returns `text.length` (keep nothing) for a zero budget.
 */
export function keepEnd(tok: Tokenizer, text: string, budget: number): number {
  if (budget <= 0 || text.length === 0) return text.length;
  if (fits(tok, text, budget)) return 0;
  // Line starts after the first, ascending; the tail's count shrinks as the start moves right.
  const starts: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  let lo = 0;
  let hi = starts.length; // answer index in [lo, hi]; hi means "no non-empty line start fits"
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fits(tok, text.slice(starts[mid]), budget)) hi = mid;
    else lo = mid + 1;
  }
  if (lo < starts.length) return starts[lo];
  // Not even the last line fits: cut it at a token boundary, looking only at its end.
  const from = Math.max(starts.length ? starts[starts.length - 1] : 0, text.length - charsFor(budget));
  const enc = tok.encode(text.slice(from));
  const n = enc.ids.length;
  for (let k = Math.max(0, n - budget); k < n; k++) {
    const start = from + enc.offsets[2 * k];
    if (fits(tok, text.slice(start), budget)) return start;
  }
  return text.length;
}

/**
 * The end of the longest head of `text` that encodes in at most `budget` tokens: just after a line break when a
 * non-empty head fits, else a token boundary inside the first line. Returns 0 (keep nothing) for a zero budget.
 */
export function keepStart(tok: Tokenizer, text: string, budget: number): number {
  if (budget <= 0 || text.length === 0) return 0;
  if (fits(tok, text, budget)) return text.length;
  // Line ends (just after each "\n"), ascending; the head's count grows with the end.
  const ends: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) ends.push(i + 1);
  let lo = -1; // the last index known to fit (-1: none)
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(tok, text.slice(0, ends[mid]), budget)) lo = mid;
    else hi = mid - 1;
  }
  if (lo >= 0) return ends[lo];
  // Not even the first line fits: cut it at a token boundary.
  const to = Math.min(ends.length ? ends[0] : text.length, charsFor(budget));
  const enc = tok.encode(text.slice(0, to));
  for (let k = Math.min(budget, enc.ids.length) - 1; k >= 0; k--) {
    const end = enc.offsets[2 * k + 1];
    if (end > 0 && fits(tok, text.slice(0, end), budget)) return end;
  }
  return 0;
}
