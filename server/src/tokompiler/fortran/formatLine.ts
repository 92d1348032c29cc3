/**
 * One statement's tokens → text: spacing between tokens, and lines longer than free form's 132 characters broken with
 * `&`. Tokens are leaf texts, possibly placeholders (`var_3`, `num_2`), which lex as names.
 */

export interface Piece {
  text: string;
  /** A blank goes before it (when it is not the first piece of a line). */
  space: boolean;
  /** A comment met inside a continued statement: it ends the line (after `&`). */
  comment?: boolean;
}

export type Category = 'word' | 'num' | 'str' | 'dotop' | 'punct';

const PLACEHOLDER = /^(arg|var|arr|func|field|type|num|char|str)_\d+$/;

export function category(t: string): Category {
  const c = t.charCodeAt(0);
  if (c === 39 || c === 34 || /^[A-Za-z_][A-Za-z0-9_$]*['"]/.test(t)) return /^[bozBOZ]['"]/.test(t) ? 'num' : 'str';
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(t)) return 'word';
  if ((c >= 48 && c <= 57) || /^\.\d/.test(t)) return 'num';
  if (/^\.[A-Za-z]+\./.test(t)) return 'dotop';
  return 'punct';
}

export function isPlaceholder(t: string): boolean {
  return PLACEHOLDER.test(t);
}

/** Words after which `(` is written with a blank: statement keywords rather than calls and type parameters. */
const SPACE_BEFORE_PAREN = new Set(['if', 'while', 'case', 'where', 'forall', 'is', 'concurrent', 'associate', 'rank', 'select', 'selectcase', 'selecttype', 'elseif', 'then']);
/** `real*8`, `character*(*)`: the star binds to the type. */
const TYPE_WORDS = new Set(['integer', 'real', 'complex', 'logical', 'character', 'precision', 'doubleprecision', 'byte']);
const OPENERS = new Set(['(', '[', '(/']);
const CLOSERS = new Set([')', ']', '/)']);

function isOperand(t: string | undefined): boolean {
  if (t === undefined) return false;
  const cat = category(t);
  if (cat === 'dotop') return /^\.(true|false)\./i.test(t);
  return cat !== 'punct' || CLOSERS.has(t);
}

/** Whether the characters where `a` ends and `b` starts would run together into one word. */
function wouldJoin(a: string, b: string): boolean {
  return /[A-Za-z0-9_$]$/.test(a) && /^[A-Za-z0-9_$]/.test(b);
}

export interface RenderOptions {
  /** A `format` statement from this token on: edit descriptors are written without blanks. */
  formatFrom?: number;
  cpp?: boolean;
  /** `common /blk/ a`, `data x /1.0/`: slashes delimit, written `/blk/`. */
  slashes?: boolean;
}

/** Spacing for a statement's tokens. */
export function render(tokens: string[], opts: RenderOptions = {}): Piece[] {
  const pieces: Piece[] = [];
  let depth = 0;
  const unary: boolean[] = [];
  const tight: boolean[] = [];
  let slashOpen = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const p = tokens[i - 1];
    if (CLOSERS.has(t)) depth = Math.max(0, depth - 1);
    unary[i] = (t === '+' || t === '-') && !isOperand(p);
    tight[i] = t === '**' || (t === '*' && p !== undefined && TYPE_WORDS.has(p.toLowerCase()));
    let space: boolean;
    if (i === 0) space = false;
    else if (opts.slashes && (t === '/' || p === '/') && t !== ',' && t !== ')') {
      // Opening slash: blank before, none after; closing slash: the reverse.
      if (t === '/') {
        slashOpen = !slashOpen;
        space = slashOpen;
      } else space = !slashOpen;
    } else if (opts.formatFrom !== undefined && i > opts.formatFrom) {
      // Inside `format(...)`: `f10.3`, `1pe12.4`; a blank only where a placeholder would run into a word.
      space = t !== ')' && t !== ',' && (p === ',' || (wouldJoin(p, t) && (isPlaceholder(p) || isPlaceholder(t))));
    } else space = spaceBetween(tokens, i, depth, unary, tight, opts);
    pieces.push({ text: t, space });
    if (OPENERS.has(t)) depth++;
  }
  return pieces;
}

function spaceBetween(tokens: string[], i: number, depth: number, unary: boolean[], tight: boolean[], opts: RenderOptions): boolean {
  const t = tokens[i];
  const p = tokens[i - 1];
  if (opts.cpp && p === '#') return false;
  if (CLOSERS.has(t) || t === ',') return false;
  if (OPENERS.has(p)) return false;
  if (p === ',') return true;
  if (t === '%' || p === '%') return false;
  if (t === '(' || t === '[') {
    const pc = category(p);
    if (pc === 'word') {
      if (opts.cpp && i === macroNameAt(tokens) + 1) return !macroParameters(tokens, i);
      return SPACE_BEFORE_PAREN.has(p.toLowerCase());
    }
    if (CLOSERS.has(p)) return opts.cpp === true && depth === 0; // `#define F(x) (x)`; `a(i)(1:2)` stays tight
    if (pc === 'num' || pc === 'str' || tight[i - 1]) return false;
    return true;
  }
  if (t === ':') return false;
  if (p === ':') return depth === 0;
  if (t === '::' || p === '::' || t === '=>' || p === '=>') return true;
  if (t === '=' || p === '=') return depth === 0;
  if (tight[i] || tight[i - 1] || unary[i - 1]) return false;
  // A `*` that is not a multiplication (`call f(a, *10)`: an alternate-return label) binds to what follows.
  if (p === '*' && !isOperand(tokens[i - 2])) return false;
  return true;
}

/** Where the macro name of a `#define` line is (`#define N` or `# define N`), or -1. */
function macroNameAt(tokens: string[]): number {
  if (tokens[0]?.toLowerCase() === '#define') return 1;
  return tokens[0] === '#' && tokens[1]?.toLowerCase() === 'define' ? 2 : -1;
}

/** `#define F(a, b) …` (a function-like macro: no blank before the parenthesis) rather than `#define N (10)`. */
function macroParameters(tokens: string[], open: number): boolean {
  let j = open + 1;
  for (; j < tokens.length && tokens[j] !== ')'; j++) {
    if (tokens[j] !== ',' && tokens[j] !== '...' && category(tokens[j]) !== 'word') return false;
  }
  return j < tokens.length - 1;
}

/** UTF-8 length: compilers count bytes against the 132-character limit. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export const LINE_LIMIT = 132;

/**
 * Lays pieces out from `first` (the line's start: indentation, sentinel, label), breaking lines with `&`; a
 * continuation line starts with `cont`. A character literal too long for any line is split inside, continued with
 * `&` at the end of one line and at the start of the next.
 */
export function wrap(first: string, pieces: Piece[], cont: string): string[] {
  const lines: string[] = [];
  let cur = first;
  let empty = true;
  const room = LINE_LIMIT - 2; // for ' &'
  for (const piece of pieces) {
    if (piece.comment) {
      // After `&`, on its own line: a line holding only `&` and a comment is not allowed, a comment line is.
      const own = (/^\s*$/.test(cont) ? cont : '') + piece.text;
      if (empty && lines.length > 0) lines.push(own);
      else if (utf8Length(cur) + 3 + utf8Length(piece.text) <= LINE_LIMIT) lines.push(`${cur}${empty ? '' : ' '}& ${piece.text}`);
      else lines.push(`${cur} &`, own);
      cur = cont;
      empty = true;
      continue;
    }
    const add = (piece.space && !empty ? ' ' : '') + piece.text;
    if (utf8Length(cur) + utf8Length(add) <= room) {
      cur += add;
      empty = false;
      continue;
    }
    if (!empty && utf8Length(cont) + utf8Length(piece.text) <= room) {
      lines.push(`${cur} &`);
      cur = cont + piece.text;
      continue;
    }
    if (category(piece.text) === 'str' && !piece.text.includes('\n')) {
      cur = splitLiteral(lines, cur + (piece.space && !empty ? ' ' : ''), piece.text, cont);
      empty = false;
      continue;
    }
    // A token that fits nowhere (a long name or comment): its own line, over the limit.
    if (!empty) lines.push(`${cur} &`);
    cur = (empty ? cur : cont) + piece.text;
    empty = false;
  }
  lines.push(cur);
  return lines;
}

function splitLiteral(lines: string[], cur: string, text: string, cont: string): string {
  const chars = Array.from(text);
  let i = 0;
  let line = cur;
  while (i < chars.length) {
    // Fill the line, leaving room for the `&`; never end a piece right after a quote (it may be a doubled quote).
    let j = i;
    let len = utf8Length(line);
    while (j < chars.length && len + utf8Length(chars[j]) <= LINE_LIMIT - 1) len += utf8Length(chars[j++]);
    if (j >= chars.length) return line + chars.slice(i).join('');
    while (j > i + 1 && (chars[j - 1] === "'" || chars[j - 1] === '"')) j--;
    if (j <= i) j = i + 1;
    lines.push(line + chars.slice(i, j).join('') + '&');
    line = cont + '&';
    i = j;
  }
  return line;
}
