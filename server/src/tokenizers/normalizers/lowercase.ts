/**
 * HF `Lowercase`: `NormalizedString::lowercase` maps every char through Rust's `char::to_lowercase`, the Unicode
 * full lowercase mapping of that char alone — no locale, and no context. JavaScript's `toLowerCase()` is the same
 * mapping except for the one context-sensitive rule of Unicode default casing, Final_Sigma: `'ΟΔΟΣ'.toLowerCase()`
 * ends in `ς`, where HF gives `σ` (a lone `Σ` has no context, so `'Σ'.toLowerCase()` is `σ`). We lowercase the whole
 * string natively (fast), then walk it against the per-code-point mapping, patching any Final_Sigma. Each output unit
 * maps to the input character it came from (`İ` → `i̇` gives two units over one).
 */
import type { Normalized, Normalizer } from '../types';
import { allocAlign, type Alignment } from './align';

/** Lowercase of each non-ASCII code point seen so far, alone (the Rust `char::to_lowercase` result). */
const lowerCache = new Map<number, string>();

function lowerOf(cp: number): string {
  let lower = lowerCache.get(cp);
  if (lower === undefined) {
    lower = String.fromCodePoint(cp).toLowerCase();
    lowerCache.set(cp, lower);
  }
  return lower;
}

export class LowercaseNormalizer implements Normalizer {
  normalize(text: string): Normalized {
    const lowered = text.toLowerCase();
    // Every context-dependent result differs from its input too (Σ never stays Σ), so equality means no change.
    if (lowered === text) return { text, align: null };
    return alignLowered(text, lowered) ?? buildPerCodePoint(text);
  }
}

/** Aligns `lowered` (the native result) to `text`; null if it ever disagrees with the per-char mapping other than by Final_Sigma. */
function alignLowered(text: string, lowered: string): Normalized | null {
  const n = text.length;
  const m = lowered.length;
  const align = allocAlign(m, n);
  const { start, end } = align;
  let sigmas: number[] | null = null;
  let i = 0;
  let o = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (lowered.charCodeAt(o) !== (c >= 0x41 && c <= 0x5a ? c + 32 : c)) return null;
      start[o] = i;
      end[o] = i + 1;
      o++;
      i++;
      continue;
    }
    const cp = text.codePointAt(i) as number;
    const units = cp > 0xffff ? 2 : 1;
    const lower = lowerOf(cp);
    if (!lowered.startsWith(lower, o)) {
      // Final_Sigma: U+03A3 became ς (U+03C2) in context, where HF wants σ (U+03C3). Same length, so offsets hold.
      if (cp !== 0x3a3 || lowered.charCodeAt(o) !== 0x3c2) return null;
      (sigmas ??= []).push(o);
    }
    if (o + lower.length > m) return null;
    if (units === 1 && lower.length === 1) {
      start[o] = i;
      end[o] = i + 1;
    } else {
      start.fill(i, o, o + lower.length);
      end.fill(i + units, o, o + lower.length);
    }
    o += lower.length;
    i += units;
  }
  if (o !== m) return null;
  return { text: sigmas === null ? lowered : patchSigmas(lowered, sigmas), align };
}

function patchSigmas(lowered: string, at: number[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const o of at) {
    parts.push(lowered.slice(from, o), '\u03c3');
    from = o + 1;
  }
  parts.push(lowered.slice(from));
  return parts.join('');
}

/** The slow, obviously-per-char path, should the native lowercasing ever disagree in some other way. */
function buildPerCodePoint(text: string): Normalized {
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const units = cp > 0xffff ? 2 : 1;
    const lower = cp < 0x80 ? String.fromCharCode(cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp) : lowerOf(cp);
    parts.push(lower);
    for (let k = 0; k < lower.length; k++) {
      starts.push(i);
      ends.push(i + units);
    }
    i += units;
  }
  const out = parts.join('');
  const align: Alignment = allocAlign(out.length, text.length);
  align.start.set(starts);
  align.end.set(ends);
  return { text: out, align };
}
