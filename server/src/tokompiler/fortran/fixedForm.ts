/**
 * Fixed-form (FORTRAN 77 layout) source → raw tokens and statements. Columns decide everything: `C`, `c`, `*`, `!`
 * (and `D` debug lines) in column 1 make a comment line; columns 1–5 hold a label; a character other than blank or
 * `0` in column 6 continues the previous statement; text ends at column 72. DEC tab format (a tab in columns 1–6,
 * then a digit for a continuation) is accepted too. `c$omp`, `*$omp`, `!$omp` (and `$acc`) in columns 1–5 start
 * directive lines, continued the same way; `c$` / `!$` alone is OpenMP conditional compilation.
 *
 * Whether a line ends its statement is only known from the next non-comment line, so comment lines met while a
 * statement may still continue are held back and emitted after the statement's `eos` (or inside it, when it does
 * continue), keeping tokens in source order.
 */

import { lexCpp, lexSegment } from './lexCode';
import { Sink, forEachLine, isBlank, isDigit, trimEnd, type Lexed } from './rawTokens';

type LineType = 'blank' | 'comment' | 'cpp' | 'code' | 'omp' | 'acc' | 'cond';

interface Line {
  type: LineType;
  /** Column 6 marks a continuation. */
  cont: boolean;
  /** Statement text [from, to). */
  from: number;
  to: number;
  /** Label digits or directive sentinel, when present. */
  label?: [number, number];
  sentinel?: [number, number];
  /** The label field held something other than digits. */
  badLabel?: boolean;
}

const BLANK_LINE: Line = { type: 'blank', cont: false, from: 0, to: 0 };
const COMMENT_LINE: Line = { type: 'comment', cont: false, from: 0, to: 0 };

function isContinuationMark(src: string, i: number, le: number): boolean {
  if (i >= le) return false;
  const c = src.charCodeAt(i);
  return !isBlank(c) && c !== 48; /* 0 */
}

/** The label digits in [from, to), or undefined when there are none. */
function labelIn(src: string, from: number, to: number): [number, number] | undefined {
  let s = from;
  while (s < to && !isDigit(src.charCodeAt(s))) s++;
  if (s === to) return undefined;
  let e = to;
  while (!isDigit(src.charCodeAt(e - 1))) e--;
  return [s, e];
}

function classify(src: string, ls: number, le: number): Line {
  let j = ls;
  while (j < le && isBlank(src.charCodeAt(j))) j++;
  if (j === le) return BLANK_LINE;
  const c0 = src.charCodeAt(ls) | 32;
  if (c0 === 99 /* c */ || c0 === 42 /* * */ || c0 === 33 /* ! */ || c0 === 100 /* d */ || src.charCodeAt(ls) === 33) {
    if (c0 !== 100 && src.charCodeAt(ls + 1) === 36 /* $ */) {
      const word = src.slice(ls + 2, ls + 5).toLowerCase();
      const to = Math.min(le, ls + 72);
      if (word === 'omp' || word === 'acc') {
        const cont = isContinuationMark(src, ls + 5, le);
        return { type: word, cont, from: Math.min(ls + 6, le), to, sentinel: [ls, ls + 5] };
      }
      if (/^[ \t0-9]*$/.test(src.slice(ls + 2, Math.min(le, ls + 5)))) {
        const cont = isContinuationMark(src, ls + 5, le);
        return { type: 'cond', cont, from: Math.min(ls + 6, le), to, sentinel: [ls, ls + 2] };
      }
    }
    return COMMENT_LINE;
  }
  if (src.charCodeAt(ls) === 35 /* # */) return { type: 'cpp', cont: false, from: ls, to: le };
  if (j < ls + 5 && src.charCodeAt(j) === 33) return COMMENT_LINE;
  // DEC tab format: label digits, a tab, then a digit 1-9 for a continuation.
  let k = ls;
  while (k < le && k < ls + 6 && (isDigit(src.charCodeAt(k)) || src.charCodeAt(k) === 32)) k++;
  if (k < le && k < ls + 6 && src.charCodeAt(k) === 9) {
    const d = src.charCodeAt(k + 1);
    const cont = k + 1 < le && d >= 49 && d <= 57;
    return { type: 'code', cont, from: cont ? k + 2 : k + 1, to: le, label: labelIn(src, ls, k) };
  }
  const field = Math.min(le, ls + 5);
  const badLabel = !/^[ 0-9]*$/.test(src.slice(ls, field));
  if (badLabel) return { type: 'code', cont: false, from: j, to: Math.min(le, ls + 72), badLabel };
  return {
    type: 'code',
    cont: isContinuationMark(src, ls + 5, le),
    from: Math.min(ls + 6, le),
    to: Math.min(le, ls + 72),
    label: labelIn(src, ls, field),
  };
}

export function lexFixed(src: string): Lexed & { work: number } {
  const sink = new Sink();
  let mode: LineType = 'code';
  let openStr: { start: number; quote: number } | undefined;
  let lastEnd = 0;
  let lastTo = 0;
  let cppContinued = false;
  const held: [number, number][] = [];

  const flushHeld = (): void => {
    for (const [s, e] of held) sink.push('comment', s, e);
    held.length = 0;
  };

  const closeStatement = (): void => {
    if (!sink.open) return flushHeld();
    if (openStr) {
      sink.push('str', openStr.start, trimEnd(src, openStr.start, lastTo));
      sink.breakStatement();
      openStr = undefined;
    }
    sink.end(lastEnd);
    flushHeld();
  };

  const lexText = (line: Line, le: number): void => {
    const opts = { form: 'fixed' as const, directive: line.type === 'omp' || line.type === 'acc' };
    const r = lexSegment(sink, src, line.from, line.to, opts, openStr);
    openStr = r.kind === 'string' ? { start: r.start, quote: r.quote } : undefined;
    lastEnd = le;
    lastTo = line.to;
  };

  forEachLine(src, (ls, le) => {
    sink.work++;
    if (cppContinued) {
      lastEnd = le;
      cppContinued = lexCpp(sink, src, ls, le, false);
      if (!cppContinued) sink.end(le);
      return;
    }
    const line = classify(src, ls, le);
    switch (line.type) {
      case 'blank':
        return;
      case 'comment':
        // Held while the statement may continue; inside a literal that does continue, it is part of its text.
        if (sink.open) held.push([ls, trimEnd(src, ls, le)]);
        else sink.push('comment', ls, trimEnd(src, ls, le));
        return;
      case 'cpp':
        closeStatement();
        sink.begin('cpp');
        lastEnd = le;
        cppContinued = lexCpp(sink, src, ls, le, true);
        if (!cppContinued) sink.end(le);
        return;
    }
    if (line.cont && sink.open && line.type === mode) {
      if (openStr) held.length = 0;
      else flushHeld();
      lexText(line, le);
      return;
    }
    closeStatement();
    mode = line.type;
    sink.begin(line.type === 'omp' || line.type === 'acc' ? line.type : 'code');
    if (line.cont || line.badLabel) sink.breakStatement(); // a continuation with nothing to continue
    if (line.sentinel) sink.push('sentinel', line.sentinel[0], line.sentinel[1]);
    if (line.label) sink.push('num', line.label[0], line.label[1]);
    lexText(line, le);
  });
  closeStatement();
  return { tokens: sink.tokens, statements: sink.statements, work: sink.work };
}
