/**
 * What the Fortran lexers hand to the scanner: raw tokens in source order, grouped into statements.
 *
 * Free form and fixed form differ only in how lines are cut into statement text (continuations, columns, comment
 * lines); both feed the same `Sink`, so the scanner never knows which form it reads.
 */

export type RawKind =
  | 'word' // identifier or keyword: the scanner decides
  | 'num' // numeric literal (also BOZ) and statement labels
  | 'str' // character literal, possibly spanning continuation lines
  | 'dotop' // `.and.`, `.true.`, user-defined `.op.`
  | 'punct'
  | 'comment'
  | 'sentinel' // `!$omp`, `c$acc`, `!$` (conditional compilation)
  | 'cpp' // a word of a C-preprocessor line (`#ifdef`, `_OPENMP`)
  | 'eos' // end of statement: zero width
  | 'bad'; // a character that cannot start any token

export interface RawToken {
  kind: RawKind;
  start: number;
  end: number;
}

export type StatementKind = 'code' | 'omp' | 'acc' | 'cpp';

export interface RawStatement {
  kind: StatementKind;
  /** Indices of the statement's tokens (comments excluded); the last one is its `eos`. */
  toks: number[];
  /** The lexer already found it malformed (unterminated string, cut off at end of file, stray character). */
  broken: boolean;
}

export interface Lexed {
  tokens: RawToken[];
  statements: RawStatement[];
}

/** Collects tokens and statements; statements without tokens (`;;`, a lone label field) are dropped. */
export class Sink {
  readonly tokens: RawToken[] = [];
  readonly statements: RawStatement[] = [];
  private cur: RawStatement | undefined;
  /** Open `(/` array constructors in the current statement, so that `/)` is only a closer inside one. */
  ctorDepth = 0;
  /** Counts characters and tokens handled, for the linear-growth test (no clocks in tests). */
  work = 0;

  get open(): boolean {
    return this.cur !== undefined;
  }

  get openKind(): StatementKind | undefined {
    return this.cur?.kind;
  }

  begin(kind: StatementKind): void {
    this.cur = { kind, toks: [], broken: false };
    this.ctorDepth = 0;
  }

  push(kind: RawKind, start: number, end: number): void {
    this.work++;
    if (kind !== 'comment' && this.cur) this.cur.toks.push(this.tokens.length);
    this.tokens.push({ kind, start, end });
  }

  breakStatement(): void {
    if (this.cur) this.cur.broken = true;
  }

  /** Ends the open statement with a zero-width `eos` at `at` (or after a comment line already emitted). */
  end(at: number): void {
    const st = this.cur;
    this.cur = undefined;
    if (!st || st.toks.length === 0) return;
    const last = this.tokens[this.tokens.length - 1];
    if (last.end > at) at = last.end;
    st.toks.push(this.tokens.length);
    this.tokens.push({ kind: 'eos', start: at, end: at });
    this.statements.push(st);
  }
}

// Character classes by UTF-16 code unit; only ASCII matters to Fortran outside strings and comments.
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isIdentPart(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95 /* _ */ || c === 36 /* $ */;
}

export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11 || c === 13;
}

/** First non-blank offset in [from, to), or `to`. */
export function skipBlanks(src: string, from: number, to: number): number {
  while (from < to && isBlank(src.charCodeAt(from))) from++;
  return from;
}

/** The offset after the last non-blank character in [from, to), or `from`. */
export function trimEnd(src: string, from: number, to: number): number {
  while (to > from && isBlank(src.charCodeAt(to - 1))) to--;
  return to;
}

/** Iterates lines as [start, end) without the terminator, handing the next line's start too. */
export function forEachLine(src: string, fn: (start: number, end: number, next: number) => void): void {
  let start = 0;
  const n = src.length;
  while (start < n) {
    let nl = src.indexOf('\n', start);
    if (nl < 0) nl = n;
    const end = nl > start && src.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    fn(start, end, nl + 1);
    start = nl + 1;
  }
}
