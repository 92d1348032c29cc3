/**
 * Statement dispatch: which statement a line is, by its leading words (Fortran has no reserved words, so an
 * assignment is recognised first: `if = 1` is one), and the unit-level statements that are not headings (`contains`,
 * `use`, `implicit`, `interface`).
 */

import type { StatementKind } from './rawTokens';
import {
  attributeStatement,
  bindingList,
  commonStatement,
  declaration,
  parameterStatement,
  procedureList,
  procedureStatement,
  typeDefinition,
  typeSpec,
} from './declarations';
import { scanDirective } from './directives';
import { executable } from './executable';
import { INTRINSIC_TYPES, STANDARD_MODULES } from './intrinsics';
import type { Scan } from './scanner';
import { Pending } from './symbols';
import { beginUnit, dummyArguments, endStatement, moduleProcedure, procedure, procedureHead, submodule } from './units';

const ATTRIBUTE_STATEMENTS = new Set([
  'allocatable', 'asynchronous', 'bind', 'codimension', 'contiguous', 'dimension', 'intent', 'optional', 'pointer',
  'private', 'protected', 'public', 'save', 'target', 'value', 'volatile',
]);

export function scanStatement(s: Scan, kind: StatementKind): void {
  if (kind === 'cpp') return;
  if (kind === 'omp' || kind === 'acc') return scanDirective(s);
  let p = s.isKind(0, 'sentinel') ? 1 : 0; // `!$ stmt`
  if (s.isKind(p, 'num')) p++; // label
  if (s.frames.length === 0 && !startsUnit(s, p)) {
    // Statements before any unit heading form a main program without a `program` statement.
    beginUnit(s, 'program', '', -1);
    const top = s.frames[s.frames.length - 1];
    if (top.kind === 'unit') top.implicit = true;
  }
  statement(s, p);
}

/** Whether the statement at `p` is a unit heading or an `end` (which must not open an implicit main program). */
function startsUnit(s: Scan, p: number): boolean {
  const w = s.low(p);
  if (isAssignment(s, p)) return false;
  return (
    w === 'program' || w === 'module' || w === 'submodule' || w === 'blockdata' || (w === 'block' && s.low(p + 1) === 'data') ||
    w === 'end' || procedureHead(s, p) >= 0
  );
}

/** `name[(…)][%name[(…)]]… =` or `=>`. */
function isAssignment(s: Scan, p: number): boolean {
  if (!s.isWord(p)) return false;
  let j = p + 1;
  while (j < s.n) {
    if (s.isP(j, '(') || s.isP(j, '[')) j = s.match(j) + 1;
    else if (s.isP(j, '%') && s.isWord(j + 1)) j += 2;
    else break;
  }
  return s.isP(j, '=') || s.isP(j, '=>');
}

/** One statement from `p` (also the action statement of a logical `if`, `where` or `forall`). */
export function statement(s: Scan, p: number): void {
  if (p >= s.n) return;
  if (s.isWord(p) && s.isP(p + 1, ':') && s.isWord(p + 2)) {
    s.name(p, 'var'); // construct name: `outer: do i = 1, n`
    p += 2;
  }
  if (isAssignment(s, p)) return assignment(s, p);
  const w = s.low(p);
  const head = procedureHead(s, p);
  if (head >= 0) return procedure(s, p, head);
  if (endStatement(s, p)) return;
  switch (w) {
    case 'program':
    case 'module':
      if (w === 'module' && s.low(p + 1) === 'procedure') return moduleProcedure(s, p);
      s.kw(p);
      s.name(p + 1, 'func');
      beginUnit(s, w === 'program' ? 'program' : 'module', s.text(p + 1), p + 1);
      if (p + 2 < s.n) s.bad = true;
      return;
    case 'submodule':
      return submodule(s, p);
    case 'blockdata':
    case 'block': {
      if (w === 'block' && s.low(p + 1) !== 'data') return executable(s, p, w, statement);
      const nameP = w === 'block' ? p + 2 : p + 1;
      for (let q = p; q < nameP; q++) s.kw(q);
      s.name(nameP, 'func');
      beginUnit(s, 'blockdata', s.text(nameP), -1);
      return;
    }
    case 'contains': {
      s.kw(p);
      const top = s.frames[s.frames.length - 1];
      if (top?.kind === 'unit' || top?.kind === 'type') top.contains = true;
      else s.bad = true;
      return;
    }
    case 'use':
      return useStatement(s, p);
    case 'implicit':
      return implicitStatement(s, p);
    case 'import':
      s.kw(p);
      for (let q = p + 1; q < s.n; q++) s.pending(q, Pending.Ref);
      return;
    case 'entry':
      s.kw(p);
      s.name(p + 1, 'func');
      s.declare(p + 1, { func: true });
      dummyArguments(s, p + 2, s.unit());
      return;
    case 'interface':
    case 'abstract':
      return interfaceStatement(s, p);
    case 'type':
      if (s.isP(p + 1, '(')) return declaration(s, p);
      if (s.low(p + 1) === 'is') return executable(s, p, w, statement);
      return typeDefinition(s, p);
    case 'class':
      if (s.isP(p + 1, '(')) return declaration(s, p);
      return executable(s, p, w, statement);
    case 'procedure':
      return procedureStatement(s, p, p + 1);
    case 'generic':
    case 'final':
      return bindingList(s, p);
    case 'parameter':
      return parameterStatement(s, p);
    case 'external':
    case 'intrinsic':
      return procedureList(s, p, w === 'intrinsic');
    case 'common':
    case 'namelist':
      return commonStatement(s, p, w === 'namelist');
    case 'equivalence':
    case 'data':
      s.kw(p);
      return s.expr(p + 1, s.n);
    case 'sequence':
      s.kw(p);
      return;
    case 'enum':
      for (let q = p; q < s.n; q++) s.kw(q);
      return;
    case 'enumerator':
      s.kw(p);
      return declarationList(s, s.isP(p + 1, '::') ? p + 2 : p + 1);
    case 'include':
      s.kw(p);
      return;
  }
  if (INTRINSIC_TYPES.has(w) || w === 'double') return declaration(s, p);
  if (ATTRIBUTE_STATEMENTS.has(w)) return attributeStatement(s, p);
  executable(s, p, w, statement);
}

function assignment(s: Scan, p: number): void {
  if (s.isP(p + 1, '(')) s.pending(p, Pending.LhsCall, s.hasTopColon(p + 1) ? 1 : 0);
  else s.name(p, 'var');
  s.expr(p + 1, s.n);
}

/** `enumerator :: a = 1, b`: names declared as variables. */
function declarationList(s: Scan, from: number): void {
  for (const [a, b] of s.items(from, s.n)) {
    s.name(a, 'var');
    s.declare(a, { var: true });
    if (s.isP(a + 1, '=')) s.expr(a + 2, b);
  }
}

/** `use [, intrinsic ::] mod [, only: a, b => c, operator(.x.)]`. */
function useStatement(s: Scan, p: number): void {
  s.kw(p);
  let j = p + 1;
  if (s.isP(j, ',')) {
    s.kw(j + 1); // intrinsic / non_intrinsic
    j += 2;
  }
  if (s.isP(j, '::')) j++;
  const mod = s.low(j);
  if (!mod) return void (s.bad = true);
  if (STANDARD_MODULES.has(mod)) s.kw(j);
  else s.name(j, 'func');
  s.sym.units[s.unit()].uses.push(mod);
  j++;
  if (!s.isP(j, ',')) {
    if (j < s.n) s.bad = true;
    return;
  }
  j++;
  if (s.low(j) === 'only' && s.isP(j + 1, ':')) {
    s.kw(j);
    j += 2;
  }
  for (let q = j; q < s.n; q++) {
    const w = s.low(q);
    if ((w === 'operator' || w === 'assignment') && s.isP(q + 1, '(')) {
      s.kw(q);
      q = s.match(q + 1);
    } else if (s.isWord(q)) s.pending(q, Pending.UseName);
  }
}

/**
 * `implicit none`, `implicit none (type, external)`, `implicit real*8 (a-h, o-z)`, `implicit real(8) (a-h)`: all
 * verbatim except the expressions of a kind selector (a parenthesis followed by the letter-range parenthesis).
 */
function implicitStatement(s: Scan, p: number): void {
  s.kw(p);
  for (let q = p + 1; q < s.n; q++) {
    const w = s.low(q);
    if ((w === 'type' || w === 'class') && s.isP(q + 1, '(')) {
      q = typeSpec(s, q) - 1;
    } else if (s.isWord(q)) {
      s.kw(q); // type words, `none`, the letters of a range
    } else if (s.isP(q, '(') && s.isP(s.match(q) + 1, '(')) {
      const m = s.match(q);
      s.expr(q + 1, m);
      if ((s.low(q + 1) === 'kind' || s.low(q + 1) === 'len') && s.isP(q + 2, '=')) s.kw(q + 1);
      q = m;
    }
  }
}

/** `interface [name | operator(.x.) | assignment(=)]`, `abstract interface`. */
function interfaceStatement(s: Scan, p: number): void {
  let j = p;
  if (s.low(j) === 'abstract') s.kw(j++);
  if (s.low(j) !== 'interface') return void (s.bad = true);
  s.kw(j);
  const w = s.low(j + 1);
  if ((w === 'operator' || w === 'assignment') && s.isP(j + 2, '(')) s.kw(j + 1);
  else if (s.isWord(j + 1)) {
    s.name(j + 1, 'func'); // a generic name
    s.declare(j + 1, { func: true });
  }
  s.frames.push({ kind: 'interface' });
}
