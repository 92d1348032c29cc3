/**
 * Free-form source → raw tokens and statements. A statement continues while its line ends in `&` (outside a
 * comment); the next line's leading `&` is layout. Directive lines continue onto lines that repeat the sentinel
 * (`!$omp&` or `!$omp   …`), whose sentinels are layout too: a continued directive has one sentinel leaf.
 */

import { lexCpp, lexSegment, type SegmentEnd, type SegmentOptions } from './lexCode';
import { Sink, forEachLine, isBlank, skipBlanks, trimEnd, type Lexed } from './rawTokens';

type Mode = 'code' | 'cond' | 'omp' | 'acc' | 'cpp';

const CODE: SegmentOptions = { form: 'free', directive: false };
const DIRECTIVE: SegmentOptions = { form: 'free', directive: true };

/** `!$omp` / `!$acc` at `j` followed by a blank, `&` or the end of the line. */
export function directiveSentinel(src: string, j: number, le: number): 'omp' | 'acc' | undefined {
  if (j + 5 > le || src.charCodeAt(j) !== 33 || src.charCodeAt(j + 1) !== 36) return undefined;
  const word = src.slice(j + 2, j + 5).toLowerCase();
  if (word !== 'omp' && word !== 'acc') return undefined;
  const after = j + 5 < le ? src.charCodeAt(j + 5) : 32;
  return isBlank(after) || after === 38 ? word : undefined;
}

export function lexFree(src: string): Lexed & { work: number } {
  const sink = new Sink();
  let mode: Mode = 'code';
  let cont = false;
  let openStr: { start: number; quote: number } | undefined;
  let lastEnd = 0;

  const after = (r: SegmentEnd, le: number): void => {
    lastEnd = le;
    openStr = r.kind === 'string' ? { start: r.start, quote: r.quote } : undefined;
    cont = r.kind !== 'end';
    if (!cont) sink.end(le);
  };

  /** Where a continuation line's text starts, or -1 when the line cannot continue the open statement. */
  const continuationStart = (ls: number, j: number, le: number): number => {
    if (mode === 'code') return src.charCodeAt(j) === 38 ? j + 1 : openStr ? ls : j;
    const sentinelLength = mode === 'cond' ? 2 : 5;
    const matches =
      mode === 'cond'
        ? src.startsWith('!$', j) && (j + 2 === le || isBlank(src.charCodeAt(j + 2)) || src.charCodeAt(j + 2) === 38)
        : directiveSentinel(src, j, le) === mode;
    if (!matches) return -1;
    const k = skipBlanks(src, j + sentinelLength, le);
    return k < le && src.charCodeAt(k) === 38 ? k + 1 : k;
  };

  /** Handles a line while a statement is continued; false when the line does not continue it. */
  const continueLine = (ls: number, le: number): boolean => {
    if (mode === 'cpp') {
      cont = lexCpp(sink, src, ls, le, false);
      lastEnd = le;
      if (!cont) sink.end(le);
      return true;
    }
    const j = skipBlanks(src, ls, le);
    if (j === le) return true; // blank lines may sit between continuation lines
    const start = continuationStart(ls, j, le);
    if (start < 0) {
      // A comment line may sit between continuation lines, but not inside a continued literal.
      if (src.charCodeAt(j) !== 33 || openStr) return false;
      sink.push('comment', j, trimEnd(src, j, le));
      return true;
    }
    if (mode === 'code' && src.charCodeAt(j) === 33 && !openStr) {
      sink.push('comment', j, trimEnd(src, j, le));
      return true;
    }
    const r = lexSegment(sink, src, start, le, mode === 'omp' || mode === 'acc' ? DIRECTIVE : CODE, openStr);
    after(r, le);
    return true;
  };

  const startLine = (ls: number, le: number): void => {
    const j = skipBlanks(src, ls, le);
    if (j === le) return;
    const c = src.charCodeAt(j);
    if (c === 35 /* # */) {
      sink.begin('cpp');
      mode = 'cpp';
      cont = lexCpp(sink, src, j, le, true);
      lastEnd = le;
      if (!cont) sink.end(le);
      return;
    }
    if (c === 33 /* ! */) {
      const dir = directiveSentinel(src, j, le);
      if (dir) {
        sink.begin(dir);
        sink.push('sentinel', j, j + 5);
        mode = dir;
        const k = j + 5 < le && src.charCodeAt(j + 5) === 38 ? j + 6 : j + 5;
        after(lexSegment(sink, src, k, le, DIRECTIVE), le);
        return;
      }
      if (src.charCodeAt(j + 1) === 36 && (j + 2 === le || isBlank(src.charCodeAt(j + 2)))) {
        // `!$ stmt`: OpenMP conditional compilation, code for an OpenMP compiler.
        sink.begin('code');
        sink.push('sentinel', j, j + 2);
        mode = 'cond';
        after(lexSegment(sink, src, j + 2, le, CODE), le);
        return;
      }
      sink.push('comment', j, trimEnd(src, j, le));
      return;
    }
    sink.begin('code');
    mode = 'code';
    after(lexSegment(sink, src, j, le, CODE), le);
  };

  const cutOff = (): void => {
    if (mode !== 'cpp') sink.breakStatement();
    if (openStr) sink.push('str', openStr.start, trimEnd(src, openStr.start, lastEnd));
    openStr = undefined;
    cont = false;
    sink.end(lastEnd);
  };

  forEachLine(src, (ls, le) => {
    sink.work++;
    if (cont) {
      if (continueLine(ls, le)) return;
      cutOff();
    }
    startLine(ls, le);
  });
  if (cont) cutOff();
  return { tokens: sink.tokens, statements: sink.statements, work: sink.work };
}
