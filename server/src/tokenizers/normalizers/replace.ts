/**
 * HF `Replace`: every match of `pattern` (a literal `{String}` or an Oniguruma `{Regex}`) in the text becomes
 * `content`. Matches are found left to right without overlap; an empty match right where the previous match ended is
 * skipped, as Rust's `find_iter` does. `content` is literal: the released `tokenizers` versions do not expand `$1`
 * (a newer one does for Regex patterns; files relying on that are rare).
 *
 * Alignment, as HF's `NormalizedString::replace` does it: text between matches maps unit to unit; the units of a
 * replacement are insertions after the match is removed, so they all take the range of the match's last character
 * (of the character before an empty match; zero-width at the very start); a match replaced by nothing leaves a gap.
 */
import type { Normalized, Normalizer } from '../types';
import { compileUserRegex, NOT_MID_PAIR } from '../regexGuard';
import { allocAlign, fillIdentity, fillSpan } from './align';
import { TextBuilder } from './textBuilder';

function isPair(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  return c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000;
}

/** Match ranges `[s0, e0, s1, e1, …]` in a growable typed array: far cheaper than a JS array of a million numbers. */
class Ranges {
  data = new Int32Array(64);
  length = 0;

  push(s: number, e: number): void {
    if (this.length + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = s;
    this.data[this.length++] = e;
  }
}

export type ReplacePattern = { String: string } | { Regex: string };

function escapeLiteral(s: string): string {
  // Only the syntax characters: `u` mode rejects identity escapes of anything else.
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export class ReplaceNormalizer implements Normalizer {
  private readonly regex: RegExp;

  constructor(
    readonly pattern: ReplacePattern,
    readonly content: string,
  ) {
    this.regex =
      'String' in pattern ? new RegExp(`${NOT_MID_PAIR}(?:${escapeLiteral(pattern.String)})`, 'gu') : compileUserRegex(pattern.Regex, 'gu');
  }

  normalize(text: string): Normalized {
    // HF finds no match at all in an empty string, not even an empty one.
    if (text.length === 0) return { text, align: null };
    const literal = 'String' in this.pattern ? this.pattern.String : '';
    const found = literal !== '' ? this.findLiteral(text, literal) : this.findMatches(text);
    if (found.length === 0) return { text, align: null };
    const matches = found.data;
    const n = text.length;
    const content = this.content;
    let outLength = n;
    for (let k = 0; k < found.length; k += 2) outLength += content.length - (matches[k + 1] - matches[k]);
    const align = allocAlign(outLength, n);
    const out = new TextBuilder(outLength);
    let i = 0;
    let o = 0;
    for (let k = 0; k < found.length; k += 2) {
      const s = matches[k];
      const e = matches[k + 1];
      out.copy(text, i, s);
      out.append(content);
      fillIdentity(align, o, i, s - i);
      o += s - i;
      // The range of the character before position e (the match's last one, or the one before an empty match).
      const before = e === 0 ? 0 : e - (e >= 2 && isPair(text, e - 2) ? 2 : 1);
      fillSpan(align, o, content.length, before, e);
      o += content.length;
      i = e;
    }
    out.copy(text, i, n);
    fillIdentity(align, o, i, n - i);
    const result = out.toString();
    return result === text ? { text, align: null } : { text: result, align };
  }

  /** A non-empty literal: `indexOf` finds the matches (leftmost, non-overlapping, as Rust does) without a regex. */
  private findLiteral(text: string, literal: string): Ranges {
    const out = new Ranges();
    let at = text.indexOf(literal);
    while (at >= 0) {
      out.push(at, at + literal.length);
      at = text.indexOf(literal, at + literal.length);
    }
    return out;
  }

  /** Match ranges as `[s0, e0, s1, e1, …]`. */
  private findMatches(text: string): Ranges {
    const re = this.regex;
    const n = text.length;
    const out = new Ranges();
    let prevEnd = -1;
    re.lastIndex = 0;
    while (re.lastIndex <= n) {
      const m = re.exec(text);
      if (m === null) break;
      const s = m.index;
      const e = s + m[0].length;
      if (s === e) {
        // Step past the empty match by a whole code point, so as not to split a surrogate pair.
        re.lastIndex = s + (isPair(text, s) ? 2 : 1);
        if (s === prevEnd) continue;
      }
      out.push(s, e);
      prevEnd = e;
    }
    return out;
  }
}
