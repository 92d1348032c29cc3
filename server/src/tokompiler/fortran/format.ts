/**
 * Free-form Fortran from a lexicalised token stream (leaf texts, `[SEP]` for an eol, comments as whole tokens): one
 * statement per line, two-space indentation inside program units and blocks, directive and preprocessor lines from
 * column 1, lines broken at 132 characters. Fixed-form input comes back free form (`C` comments become `!`, `c$omp`
 * becomes `!$omp`, labels lead their statement).
 *
 * Indentation is cosmetic to a compiler; what must be right is the spacing (blanks are significant in free form)
 * and the continuation rules.
 */

import { LINE_LIMIT, category, render, utf8Length, wrap, type Piece } from './formatLine';

const SEP = '[SEP]';
/** Statements whose `/…/` are delimiters (block names, data values), not divisions. */
const SLASH_LISTS = new Set(['common', 'namelist', 'save', 'data']);
const INDENT = '  ';

/** A statement's tokens, with the comments met inside it (after token `at`) and a trailing one. */
interface Statement {
  tokens: string[];
  inner: { at: number; text: string }[];
  trailing?: string;
}

type Item = { comment: string } | Statement;

const SENTINEL = /^[!cC*]\$(omp|acc)$/i;
const CONDITIONAL = /^[!cC*]\$$/;
/** Statement keywords beginning with c or d, which a one-word fixed-form comment line could be mistaken for. */
const C_D_KEYWORDS = new Set([
  'call', 'case', 'character', 'class', 'close', 'codimension', 'common', 'complex', 'contains', 'contiguous', 'continue',
  'critical', 'cycle', 'data', 'deallocate', 'dimension', 'do', 'double', 'doubleprecision', 'doublecomplex',
]);

/** Comments as written in free form (`!…`) or fixed form (`C…`, `*…`, `c…`, `d…`). */
function isCommentText(t: string): boolean {
  if (t.startsWith('!')) return !SENTINEL.test(t) && !CONDITIONAL.test(t);
  if (!/^[cCdD*]/.test(t) || SENTINEL.test(t) || CONDITIONAL.test(t)) return false;
  if (category(t) === 'str') return false; // c_char_'a b'
  return /[^A-Za-z0-9_$]/.test(t) && t !== '*' && t !== '**' && t !== '*=';
}

/**
 * Whether token `i`, at the start of a statement, is a comment. A one-word fixed-form comment line (`C`, `cc`) looks
 * like a name; a name cannot start a statement unless `=`, `(`, `%` or `:` follows it, or it is a keyword.
 */
function commentAtStart(tokens: string[], i: number): boolean {
  const t = tokens[i];
  if (SENTINEL.test(t) || CONDITIONAL.test(t)) return false;
  if (isCommentText(t)) return true;
  if (/^\*+$/.test(t)) return true; // no statement starts with `*`
  if (!/^[cCdD][A-Za-z0-9_$]*$/.test(t) || C_D_KEYWORDS.has(t.toLowerCase())) return false;
  const next = tokens[i + 1];
  return next === undefined || !['=', '(', '%', '=>', '[', ':', SEP].includes(next);
}

function split(tokens: string[]): Item[] {
  const items: Item[] = [];
  let cur: Statement = { tokens: [], inner: [] };
  const flush = (): void => {
    if (cur.tokens.length > 0) items.push(cur);
    cur = { tokens: [], inner: [] };
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === SEP) flush();
    else if (cur.tokens.length === 0 && commentAtStart(tokens, i)) items.push({ comment: t });
    else if (cur.tokens.length > 0 && !cur.tokens[0].startsWith('#') && (isCommentText(t) || (/\s/.test(t) && category(t) !== 'str'))) {
      if (i + 1 === tokens.length || tokens[i + 1] === SEP) cur.trailing = t;
      else cur.inner.push({ at: cur.tokens.length, text: t });
    } else cur.tokens.push(t);
  }
  flush();
  return items;
}

/** `C text` → `! text`. */
function bang(comment: string): string {
  return comment.startsWith('!') ? comment : `!${comment.slice(1)}`;
}

interface Block {
  levels: number;
  kind: 'unit' | 'interface' | 'select' | 'other';
  label?: string;
}

type Shape = { close: boolean; mid: boolean; open?: Block };
const PLAIN: Shape = { close: false, mid: false };

const JOINED_ENDS = new Set([
  'enddo', 'endif', 'endselect', 'endwhere', 'endforall', 'endassociate', 'endblock', 'endcritical', 'endtype',
  'endinterface', 'endmodule', 'endsubmodule', 'endsubroutine', 'endfunction', 'endprogram', 'endprocedure', 'endenum',
  'endblockdata', 'endteam',
]);
const PREFIXES = new Set(['recursive', 'pure', 'elemental', 'impure', 'module', 'non_recursive']);
const TYPES = new Set(['integer', 'real', 'complex', 'logical', 'character', 'doubleprecision', 'doublecomplex', 'byte', 'double', 'precision', 'type', 'class']);

/** Position after the bracket group opened at `i`. */
function skipGroup(w: string[], i: number): number {
  let depth = 0;
  for (let j = i; j < w.length; j++) {
    if (w[j] === '(' || w[j] === '(/' || w[j] === '[') depth++;
    else if (w[j] === ')' || w[j] === '/)' || w[j] === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return w.length;
}

function isAssignment(w: string[]): boolean {
  if (category(w[0] ?? '') !== 'word') return false;
  let j = 1;
  while (j < w.length) {
    if (w[j] === '(' || w[j] === '[') j = skipGroup(w, j);
    else if (w[j] === '%') j += 2;
    else break;
  }
  return w[j] === '=' || w[j] === '=>';
}

function isProcedureHead(w: string[]): boolean {
  for (let j = 0; j < w.length; ) {
    if (w[j] === 'function' || w[j] === 'subroutine') return category(w[j + 1] ?? '') === 'word';
    if (PREFIXES.has(w[j])) j++;
    else if (TYPES.has(w[j])) {
      j++;
      if (w[j] === '(') j = skipGroup(w, j);
      else if (w[j] === '*') j = w[j + 1] === '(' ? skipGroup(w, j + 1) : j + 2;
    } else return false;
  }
  return false;
}

/** How a statement (lowercased, label and construct name removed) moves the indentation. */
function shape(w: string[], top: Block | undefined): Shape {
  if (w.length === 0 || isAssignment(w)) return PLAIN;
  const [w0, w1] = w;
  if (w0 === 'end' || JOINED_ENDS.has(w0)) return { close: true, mid: false };
  if (['else', 'elseif', 'elsewhere', 'contains'].includes(w0)) return { close: false, mid: true };
  if ((w0 === 'case' || w0 === 'rank') && (w1 === '(' || w1 === 'default')) return { close: false, mid: true };
  if ((w0 === 'type' || w0 === 'class') && w1 === 'is') return { close: false, mid: true };
  if (w0 === 'class' && w1 === 'default') return { close: false, mid: true };
  const open = (kind: Block['kind'], levels = 1, label?: string): Shape => ({ close: false, mid: false, open: { kind, levels, label } });
  if (isProcedureHead(w)) return open('unit');
  if (w0 === 'module' && w1 === 'procedure') return top?.kind === 'interface' ? PLAIN : open('unit');
  if (['program', 'module', 'submodule', 'blockdata'].includes(w0) || (w0 === 'block' && w1 === 'data')) return open('unit');
  if (w0 === 'interface' || (w0 === 'abstract' && w1 === 'interface')) return open('interface');
  if (w0 === 'type' && w1 !== '(') return open('other');
  if (w0 === 'enum' || w0 === 'associate' || w0 === 'critical' || (w0 === 'block' && w.length === 1)) return open('other');
  if (w0 === 'do') return open('other', 1, /^(\d+|num_\d+)$/.test(w1 ?? '') ? w1 : undefined);
  if (w0.startsWith('select')) return open('select', 2);
  if (w0 === 'if' && w1 === '(' && w[skipGroup(w, 1)] === 'then' && skipGroup(w, 1) === w.length - 1) return open('other');
  if ((w0 === 'where' || w0 === 'forall') && w1 === '(' && skipGroup(w, 1) === w.length) return open('other');
  return PLAIN;
}

export function formatFortran(tokens: string[]): string {
  const out: string[] = [];
  const blocks: Block[] = [];
  let level = 0;
  for (const item of split(tokens)) {
    if ('comment' in item) {
      out.push(INDENT.repeat(level) + bang(item.comment));
      continue;
    }
    const toks = item.tokens;
    if (toks[0].startsWith('#')) {
      out.push(render(toks, { cpp: true }).map((p, i) => (i > 0 && p.space ? ' ' : '') + p.text).join(''));
      continue;
    }
    if (SENTINEL.test(toks[0])) {
      const sentinel = `!${toks[0].slice(1)}`;
      const before: string[] = [];
      const pieces = withComments(render(toks.slice(1)), item, 1, before);
      out.push(...before.map((c) => INDENT.repeat(level) + c), ...trail(wrap(`${sentinel} `, pieces, `${sentinel}& `), item, ''));
      continue;
    }
    // Code: [!$] [label] [name:] statement
    let k = 0;
    const conditional = CONDITIONAL.test(toks[0]);
    if (conditional) k++;
    const label = /^(\d+|num_\d+)$/.test(toks[k] ?? '') && k + 1 < toks.length ? toks[k++] : undefined;
    const body = k;
    if (category(toks[k] ?? '') === 'word' && toks[k + 1] === ':' && category(toks[k + 2] ?? '') === 'word') k += 2;
    const lower = toks.slice(k).map((t) => t.toLowerCase());
    const sh = shape(lower, blocks[blocks.length - 1]);
    if (sh.close) level -= blocks.pop()?.levels ?? 0;
    // The statement labelled as a `do 10 …` terminator ends that loop (several loops may share it).
    if (label) {
      while (blocks.length > 0 && blocks[blocks.length - 1].label === label) level -= blocks.pop()!.levels;
    }
    level = Math.max(0, level);
    const at = sh.mid ? Math.max(0, level - 1) : level;
    const prefix = (conditional ? '!$ ' : '') + INDENT.repeat(at);
    const rest = toks.slice(body);
    const formatFrom = lower[0] === 'format' ? k - body : undefined;
    const slashes = SLASH_LISTS.has(lower[0]);
    const before: string[] = [];
    const pieces = withComments(render(rest.map(joinLiteral), { formatFrom, slashes }), item, body, before);
    const first = prefix + (label ? `${label} ` : '');
    out.push(...before.map((c) => INDENT.repeat(at) + c), ...trail(wrap(first, pieces, `${prefix}${INDENT.repeat(2)}`), item, INDENT.repeat(at)));
    if (sh.open) {
      blocks.push(sh.open);
      level += sh.open.levels;
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/**
 * Inserts the comments met inside a continued statement as line-ending pieces; those before its first token go in
 * `before` (a line cannot hold only `&` and a comment).
 */
function withComments(pieces: Piece[], item: Statement, offset: number, before: string[]): Piece[] {
  if (item.inner.length === 0) return pieces;
  const out: Piece[] = [];
  let c = 0;
  for (let i = 0; i <= pieces.length; i++) {
    while (c < item.inner.length && item.inner[c].at - offset <= i) {
      const text = bang(item.inner[c++].text);
      if (i > 0) out.push({ text, space: true, comment: true });
      else before.push(text);
    }
    if (i < pieces.length) out.push(pieces[i]);
  }
  return out;
}

/**
 * A character literal continued over lines as written in the source → one line; `wrap` splits it again where the new
 * layout needs it. Free form ends a line with `&` and may start the next with `&`; fixed form marks column 6 of the
 * next line (the literal then runs to column 72, which the leaf text cannot tell apart from columns 73+).
 */
function joinLiteral(t: string): string {
  if (!t.includes('\n') || category(t) !== 'str') return t;
  const lines = t.split(/\r?\n/);
  let out = '';
  let free = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (i > 0) {
      if (i < lines.length - 1 && /^\s*(!.*)?$/.test(line)) continue; // a comment or blank line in between
      const amp = /^\s*&/.exec(line);
      if (free && amp) line = line.slice(amp[0].length);
      else if (!free && /^[ 0-9]{5}[^ 0]/.test(line)) line = line.slice(6);
    }
    if (i < lines.length - 1) {
      const end = /&\s*$/.exec(line);
      free = end !== null;
      if (end) line = line.slice(0, end.index);
    }
    out += line;
  }
  return out;
}

/** Appends the statement's trailing comment, or puts it on the next line (at `indent`) when the line would be too long. */
function trail(lines: string[], item: Statement, indent: string): string[] {
  if (!item.trailing) return lines;
  const comment = bang(item.trailing);
  const last = lines[lines.length - 1];
  if (utf8Length(last) + 1 + utf8Length(comment) <= LINE_LIMIT) lines[lines.length - 1] = `${last} ${comment}`;
  else lines.push(indent + comment);
  return lines;
}
