/**
 * Tokens of one stretch of statement text (a free-form line, or columns 7–72 of a fixed-form line), and of
 * C-preprocessor lines. The line drivers (`freeForm.ts`, `fixedForm.ts`) decide what a stretch is; this file only
 * knows Fortran's lexical rules.
 */

import { Sink, isBlank, isDigit, isIdentPart, isLetter, skipBlanks, trimEnd } from './rawTokens';

/** How a stretch ended: normally, with a free-form `&` continuation, or inside a character literal. */
export type SegmentEnd = { kind: 'end' } | { kind: 'amp' } | { kind: 'string'; start: number; quote: number };

export interface SegmentOptions {
  form: 'free' | 'fixed';
  /** Directive text: `;` separates nothing there. */
  directive: boolean;
}

const END: SegmentEnd = { kind: 'end' };
const AMP: SegmentEnd = { kind: 'amp' };
const SQ = 39;
const DQ = 34;

/** Offset after the closing quote, or -1 when the stretch ends first. Doubled quotes are the escape. */
function scanString(src: string, i: number, to: number, quote: number): number {
  while (i < to) {
    if (src.charCodeAt(i) === quote) {
      if (i + 1 < to && src.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return -1;
}

function scanNumber(src: string, i: number, to: number): number {
  let j = i;
  while (j < to && isDigit(src.charCodeAt(j))) j++;
  if (j < to && src.charCodeAt(j) === 46 /* . */) {
    // `1.eq.2`: a dot followed by letters and a dot starts an operator, not a fraction.
    let k = j + 1;
    while (k < to && isLetter(src.charCodeAt(k))) k++;
    if (!(k > j + 1 && k < to && src.charCodeAt(k) === 46)) {
      j++;
      while (j < to && isDigit(src.charCodeAt(j))) j++;
    }
  }
  const e = j < to ? src.charCodeAt(j) | 32 : 0;
  if (e === 101 || e === 100 || e === 113) {
    // e, d, q exponents
    let k = j + 1;
    const s = src.charCodeAt(k);
    if (s === 43 || s === 45) k++;
    if (k < to && isDigit(src.charCodeAt(k))) {
      j = k;
      while (j < to && isDigit(src.charCodeAt(j))) j++;
    }
  }
  // Kind parameter: `1.5e-3_dp`, `8_int64`.
  if (j + 1 < to && src.charCodeAt(j) === 95 && isIdentPart(src.charCodeAt(j + 1))) {
    j++;
    while (j < to && isIdentPart(src.charCodeAt(j))) j++;
  }
  return j;
}

/** Length of the operator or punctuation at `i`, 0 if none (the caller emits a `bad` token). */
function punctLength(src: string, i: number, to: number, sink: Sink): number {
  const c = src.charCodeAt(i);
  const d = i + 1 < to ? src.charCodeAt(i + 1) : 0;
  switch (c) {
    case 40: {
      // `(/` opens an array constructor, except in `operator(/)`, `operator(//)`, `operator(/=)`.
      const e = i + 2 < to ? src.charCodeAt(i + 2) : 0;
      if (d === 47 && e !== 41 && e !== 47 && e !== 61) {
        sink.ctorDepth++;
        return 2;
      }
      return 1;
    }
    case 47: // /
      if (d === 41 && sink.ctorDepth > 0) {
        sink.ctorDepth--;
        return 2;
      }
      return d === 47 || d === 61 ? 2 : 1;
    case 42: // *
      return d === 42 ? 2 : 1;
    case 58: // :
      return d === 58 ? 2 : 1;
    case 61: // =
      return d === 61 || d === 62 ? 2 : 1;
    case 60: // <
    case 62: // >
      return d === 61 ? 2 : 1;
    case 41: case 44: case 43: case 45: case 91: case 93: case 37: // ) , + - [ ] %
      return 1;
    default:
      return 0;
  }
}

/** Width of the (possibly astral) character at `i`. */
/** A character no rule reads: one error leaf that ends the statement. Returns its width. */
function badChar(sink: { push(kind: 'bad', start: number, end: number): void; breakStatement(): void }, src: string, i: number): number {
  const w = charWidth(src, i);
  sink.push('bad', i, i + w);
  sink.breakStatement();
  return w;
}

function charWidth(src: string, i: number): number {
  const c = src.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < src.length ? 2 : 1;
}

/**
 * Lexes [from, to). `open` resumes a character literal begun on an earlier line (its token is emitted once closed,
 * so it spans the continuation).
 */
export function lexSegment(
  sink: Sink,
  src: string,
  from: number,
  to: number,
  opts: SegmentOptions,
  open?: { start: number; quote: number },
): SegmentEnd {
  let i = from;
  if (open) {
    const e = scanString(src, i, to, open.quote);
    if (e < 0) return stringAtEnd(sink, src, open.start, from, to, open.quote, opts);
    sink.push('str', open.start, e);
    i = e;
  }
  while (i < to) {
    sink.work++;
    const c = src.charCodeAt(i);
    if (isBlank(c)) {
      i++;
    } else if (c === 33 /* ! */) {
      sink.push('comment', i, trimEnd(src, i, to));
      return END;
    } else if (c === 38 /* & */ && opts.form === 'free') {
      const rest = skipBlanks(src, i + 1, to);
      if (rest === to || src.charCodeAt(rest) === 33) {
        if (rest < to) sink.push('comment', rest, trimEnd(src, rest, to));
        return AMP;
      }
      sink.push('bad', i, i + 1);
      sink.breakStatement();
      i++;
    } else if (c === 59 /* ; */ && !opts.directive) {
      const kind = sink.openKind ?? 'code';
      sink.end(i);
      sink.begin(kind);
      i++;
    } else if (c === SQ || c === DQ) {
      const e = scanString(src, i + 1, to, c);
      if (e < 0) return stringAtEnd(sink, src, i, i + 1, to, c, opts);
      sink.push('str', i, e);
      i = e;
    } else if (isLetter(c) || c === 95) {
      let j = i + 1;
      while (j < to && isIdentPart(src.charCodeAt(j))) j++;
      const q = j < to ? src.charCodeAt(j) : 0;
      if (q === SQ || q === DQ) {
        const boz = j - i === 1 && 'bozBOZ'.includes(src[i]);
        if (boz || src.charCodeAt(j - 1) === 95) {
          // `z'ff'` is a number; `c_char_'x'` a string with its kind in front.
          const e = scanString(src, j + 1, to, q);
          if (e < 0) {
            if (!boz) return stringAtEnd(sink, src, i, j + 1, to, q, opts);
            sink.push('bad', i, trimEnd(src, i, to));
            sink.breakStatement();
            return END;
          }
          sink.push(boz ? 'num' : 'str', i, e);
          i = e;
          continue;
        }
      }
      sink.push('word', i, j);
      i = j;
    } else if (isDigit(c) || (c === 46 && i + 1 < to && isDigit(src.charCodeAt(i + 1)))) {
      const j = scanNumber(src, i, to);
      sink.push('num', i, j);
      i = j;
    } else if (c === 46 /* . */) {
      let j = i + 1;
      while (j < to && isLetter(src.charCodeAt(j))) j++;
      if (j > i + 1 && j < to && src.charCodeAt(j) === 46) {
        j++;
        // `.true._lk`: logical literals take a kind too.
        if (j + 1 < to && src.charCodeAt(j) === 95 && isIdentPart(src.charCodeAt(j + 1))) {
          j++;
          while (j < to && isIdentPart(src.charCodeAt(j))) j++;
        }
        sink.push('dotop', i, j);
        i = j;
      } else {
        sink.push('bad', i, i + 1);
        sink.breakStatement();
        i++;
      }
    } else {
      const n = punctLength(src, i, to, sink);
      if (n > 0) {
        sink.push('punct', i, i + n);
        i += n;
      } else {
        i += badChar(sink, src, i);
      }
    }
  }
  return END;
}

/**
 * A character literal reached the end of its stretch. Free form continues it only when the line's last non-blank is
 * `&`; fixed form lets the driver decide (the next line's column 6 says).
 */
function stringAtEnd(
  sink: Sink,
  src: string,
  start: number,
  contentFrom: number,
  to: number,
  quote: number,
  opts: SegmentOptions,
): SegmentEnd {
  if (opts.form === 'fixed') return { kind: 'string', start, quote };
  const last = trimEnd(src, contentFrom, to);
  if (last > contentFrom && src.charCodeAt(last - 1) === 38) return { kind: 'string', start, quote };
  sink.push('str', start, Math.max(last, contentFrom));
  sink.breakStatement();
  return END;
}

const CPP_OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '##', '->'];

/**
 * One line of a C-preprocessor directive. `first` is true on the line with `#` at `from`. Returns whether a trailing
 * backslash continues it. Words are `cpp` tokens; `#include <x.h>` keeps `<x.h>` whole as a string.
 */
export function lexCpp(sink: Sink, src: string, from: number, to: number, first: boolean): boolean {
  let i = from;
  let include = false;
  if (first) {
    const k = skipBlanks(src, i + 1, to);
    let j = k;
    while (j < to && isIdentPart(src.charCodeAt(j))) j++;
    if (k === i + 1) sink.push('cpp', i, j);
    else {
      sink.push('cpp', i, i + 1);
      if (j > k) sink.push('cpp', k, j);
    }
    include = src.slice(k, j).toLowerCase() === 'include';
    i = j;
  }
  const last = trimEnd(src, i, to);
  const continued = last > i && src.charCodeAt(last - 1) === 92; /* \ */
  const end = continued ? last - 1 : to;
  while (i < end) {
    sink.work++;
    const c = src.charCodeAt(i);
    if (isBlank(c)) {
      i++;
    } else if (c === 47 && (src.charCodeAt(i + 1) === 42 || src.charCodeAt(i + 1) === 47)) {
      const close = src.charCodeAt(i + 1) === 42 ? src.indexOf('*/', i + 2) : -1;
      const e = close >= 0 && close + 2 <= end ? close + 2 : trimEnd(src, i, end);
      sink.push('comment', i, e);
      i = e;
    } else if (c === SQ || c === DQ || (c === 60 && include)) {
      const closeCh = c === 60 ? '>' : src[i];
      let j = i + 1;
      while (j < end && src[j] !== closeCh) j += src.charCodeAt(j) === 92 ? 2 : 1;
      const e = Math.min(j + 1, end);
      sink.push('str', i, e);
      i = e;
    } else if (isLetter(c) || c === 95) {
      let j = i + 1;
      while (j < end && isIdentPart(src.charCodeAt(j))) j++;
      sink.push('cpp', i, j);
      i = j;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < end && (isIdentPart(src.charCodeAt(j)) || src.charCodeAt(j) === 46)) j++;
      sink.push('num', i, j);
      i = j;
    } else if (c < 128) {
      const two = src.slice(i, i + 2);
      const n = CPP_OPERATORS.includes(two) && i + 2 <= end ? 2 : 1;
      sink.push('punct', i, i + n);
      i += n;
    } else {
      i += badChar(sink, src, i);
    }
  }
  return continued;
}
