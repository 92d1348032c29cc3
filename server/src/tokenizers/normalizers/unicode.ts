/**
 * NFC, NFD, NFKC and NFKD (HF `normalizers.NFC` …) with offset alignment.
 *
 * The input is cut into segments that normalise independently, so the output is the concatenation of the segments'
 * normalisations and each output unit knows its segment. Two kinds of cut, argued below:
 *  - before any ASCII character: proven safe, and the only cuts the output text relies on. ASCII stretches are
 *    copied, and each non-ASCII stretch (with the ASCII character before it, which may take its accents) is
 *    normalised as one string — a native call, not a per-character loop.
 *  - before "safe" non-ASCII code points: used only to align a stretch that changed, piece by piece; the pieces'
 *    normalisations must add up to the stretch's, else the stretch is aligned as a whole. A wrong table entry can
 *    therefore cost offset precision, never change the text the tokenizer sees.
 *
 * Why a cut before code point C is safe (normalize(A + B) === normalize(A) + normalize(B) when B starts with C):
 * normalisation is decompose → canonically reorder → (for C/KC) compose. Decomposition is per character. Let F be the
 * first code point of C's decomposition (canonical for NFC/NFD, compatibility for NFKC/NFKD).
 *  - If F is a starter (ccc = 0), reordering, which only permutes runs of non-starters, cannot cross it.
 *  - Composition joins a starter L with a later character X only if nothing between them is a starter (or has a
 *    combining class >= X's); F is a starter, so nothing after it can join anything before it. F itself could join
 *    the last starter before it only if F is the second half of some canonical pair, i.e. "combines backward".
 * So the cut is safe when F is a starter that never combines backward. Every ASCII character qualifies (ASCII has no
 * decomposition, is ccc 0, and is never the second half of a pair; CR LF is a grapheme rule, not a normalisation
 * one), which is all the output text relies on. The fine cuts are before non-ASCII code points that qualify; the
 * "combines backward" set is all marks (\p{M}) plus the few starters that are second halves of pairs outside \p{M}:
 * Hangul medial vowels and final consonants (algorithmic composition) and U+16D67 (Kirat Rai). The unit tests scan
 * every code point of the running ICU to check that list (and that no pair ends in ASCII); should a newer Unicode add
 * one, the check on the pieces catches it.
 *
 * Alignment of a piece: unchanged, unit to unit; changed, exactly as HF `tokenizers` aligns it (see
 * `unicodeAlign.ts`: each output character gets one input character's range, composed-away marks are left out), or,
 * should that reconstruction ever disagree with the piece's normalisation, every output unit gets the whole piece.
 */
import type { Normalized, Normalizer } from '../types';
import { allocAlign, fillIdentity, fillSpan, type Alignment } from './align';
import { alignPieceLikeHf } from './unicodeAlign';

export type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

const NON_ASCII = /[^\x00-\x7f]/;
/** Second halves of canonical compositions that are starters: see the file comment. */
export const COMBINES_BACKWARD = /[\p{M}\u1161-\u1175\u11A8-\u11C2\u{16D67}]/u;

const COMPUTED = 1;
const CUT_BEFORE = 2;
const STABLE = 4;

/** ASCII stretches shorter than this between two non-ASCII stretches are normalised with them, in one call. */
const MERGE_GAP = 16;

/** Per form, per code point flags, filled lazily (1.1 MB per form, only for forms in use on non-ASCII text). */
const tables = new Map<UnicodeForm, Uint8Array>();

function isNonStarter(ch: string): boolean {
  // `ch` is already fully decomposed. Reordering moves a mark of class 1..229 in front of U+0301 (class 230) and one
  // of class 2..255 behind U+0334 (class 1); a starter moves past neither.
  return ('\u0301' + ch).normalize('NFD') !== '\u0301' + ch || (ch + '\u0334').normalize('NFD') !== ch + '\u0334';
}

function flagsOf(cp: number, form: UnicodeForm): number {
  let table = tables.get(form);
  if (table === undefined) {
    table = new Uint8Array(0x110000);
    tables.set(form, table);
  }
  const cached = table[cp];
  if (cached !== 0) return cached;
  const ch = String.fromCodePoint(cp);
  let flags = COMPUTED;
  if (ch.normalize(form) === ch) flags |= STABLE;
  const decomposed = ch.normalize(form === 'NFKC' || form === 'NFKD' ? 'NFKD' : 'NFD');
  const first = String.fromCodePoint(decomposed.codePointAt(0) ?? cp);
  const composes = form === 'NFC' || form === 'NFKC';
  if (first.charCodeAt(0) < 0x80 || (!isNonStarter(first) && !(composes && COMBINES_BACKWARD.test(first)))) {
    flags |= CUT_BEFORE;
  }
  table[cp] = flags;
  return flags;
}

function codePointLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d < 0xe000) return 2;
  }
  return 1;
}

/**
 * Normalises `text` from ASCII cut to ASCII cut. Returns the output and its alignment, or null if nothing changed.
 */
function normalizeAligned(text: string, form: UnicodeForm): Normalized | null {
  const n = text.length;
  // Pass 1: normalise each non-ASCII stretch; remember those that changed as [from, to) + output.
  const changedFrom: number[] = [];
  const changedTo: number[] = [];
  const changedOut: string[] = [];
  let outLength = n;
  let i = 0;
  for (;;) {
    let p = i;
    while (p < n && text.charCodeAt(p) < 0x80) p++;
    if (p >= n) break;
    const from = p > i ? p - 1 : p; // the ASCII character before may take the stretch's combining marks
    let to = p;
    for (;;) {
      while (to < n && text.charCodeAt(to) >= 0x80) to++;
      let next = to;
      while (next < n && next - to < MERGE_GAP && text.charCodeAt(next) < 0x80) next++;
      if (next >= n || next - to >= MERGE_GAP) break;
      to = next;
    }
    const segment = text.slice(from, to);
    const out = segment.normalize(form);
    if (out !== segment) {
      changedFrom.push(from);
      changedTo.push(to);
      changedOut.push(out);
      outLength += out.length - (to - from);
    }
    i = to;
  }
  if (changedOut.length === 0) return null;

  // Pass 2: copy what did not change, align what did.
  const align = allocAlign(outLength, n);
  const parts: string[] = [];
  let copied = 0;
  let o = 0;
  for (let k = 0; k < changedOut.length; k++) {
    const from = changedFrom[k];
    const out = changedOut[k];
    parts.push(text.slice(copied, from), out);
    fillIdentity(align, o, copied, from - copied);
    o += from - copied;
    if (!alignFine(text, from, changedTo[k], out, form, align, o)) fillSpan(align, o, out.length, from, changedTo[k]);
    o += out.length;
    copied = changedTo[k];
  }
  parts.push(text.slice(copied));
  fillIdentity(align, o, copied, n - copied);
  return { text: parts.join(''), align };
}

/**
 * Aligns `out`, the normalisation of input [from, to), by cutting [from, to) before ASCII and safe code points and
 * normalising the pieces; writes the alignment at output offset `base`. Returns false, having written possibly wrong
 * entries the caller overwrites, if the pieces do not add up to `out`. Exported for tests.
 */
export function alignFine(
  text: string,
  from: number,
  to: number,
  out: string,
  form: UnicodeForm,
  align: Alignment,
  base: number,
): boolean {
  const compat = form === 'NFKC' || form === 'NFKD';
  const compose = form === 'NFC' || form === 'NFKC';
  const cutAt = (k: number): boolean =>
    text.charCodeAt(k) < 0x80 || (flagsOf(text.codePointAt(k) as number, form) & CUT_BEFORE) !== 0;
  // Input [i, k) maps to out[p, …) unchanged if the units agree.
  const same = (i: number, k: number, p: number): boolean => {
    if (p + (k - i) > out.length) return false;
    for (let x = i; x < k; x++) if (out.charCodeAt(p + x - i) !== text.charCodeAt(x)) return false;
    return true;
  };
  let p = 0; // position in `out`
  let i = from;
  while (i < to) {
    // A run of ASCII maps unit to unit, except that its last unit starts the next piece when the code point after
    // it is not a cut (an ASCII letter followed by a combining mark, say).
    let k = i;
    while (k < to && text.charCodeAt(k) < 0x80) k++;
    if (k < to && k > i && !cutAt(k)) k--;
    if (k > i) {
      if (!same(i, k, p)) return false;
      fillIdentity(align, base + p, i, k - i);
      p += k - i;
      i = k;
      if (i >= to) break;
    }
    let j = i + codePointLength(text, i);
    while (j < to && !cutAt(j)) j += codePointLength(text, j);
    if (j - i === codePointLength(text, i) && (flagsOf(text.codePointAt(i) as number, form) & STABLE) !== 0) {
      // One character that normalises to itself: compare in place instead of building strings.
      if (!same(i, j, p)) return false;
      fillIdentity(align, base + p, i, j - i);
      p += j - i;
    } else {
      const piece = text.slice(i, j);
      const normalized = piece.normalize(form);
      if (!out.startsWith(normalized, p)) return false;
      if (normalized === piece) fillIdentity(align, base + p, i, j - i);
      else if (!alignPieceLikeHf(text, i, j, normalized, compat, compose, align, base + p)) {
        fillSpan(align, base + p, normalized.length, i, j);
      }
      p += normalized.length;
    }
    i = j;
  }
  return p === out.length;
}

export class UnicodeNormalizer implements Normalizer {
  constructor(readonly form: UnicodeForm) {}

  normalize(text: string): Normalized {
    // ASCII is invariant under all four forms; the regex test is a fast scan on big mostly-ASCII inputs.
    if (!NON_ASCII.test(text)) return { text, align: null };
    return normalizeAligned(text, this.form) ?? { text, align: null };
  }
}
