/**
 * Program units and scopes: headings (`program`, `module`, `submodule`, `subroutine`, `function`, `block data`),
 * `end` statements, and the frames that say which unit a statement belongs to.
 *
 * Scopes: each main program and each procedure at the top level of the file or directly in a module's (or
 * submodule's) `contains` part is one Scope. Internal procedures belong to their host's scope, interface bodies to
 * whatever encloses the interface block, and module specification parts are outside every scope (-1).
 *
 * Program-unit names (`program heat`, `module grid`, `use grid`, `end module grid`) are given role `func`: they name
 * units of code the way procedure names do, and the Tokompiler classes have nothing closer.
 */

import { attribute, procedureStatement, typeSpec } from './declarations';
import { END_KINDS, PROCEDURE_PREFIXES } from './intrinsics';
import type { Scan, UnitKind } from './scanner';

/** `end` kinds that close a program unit (the name after them is a unit name). */
const UNIT_ENDS = new Set(['program', 'module', 'submodule', 'subroutine', 'function', 'procedure', 'blockdata']);

/** The position of `function` / `subroutine` when `p` starts a procedure heading, else -1. */
export function procedureHead(s: Scan, p: number): number {
  for (let j = p; j < s.n; ) {
    const w = s.low(j);
    if (w === 'function' || w === 'subroutine') return s.isWord(j + 1) ? j : -1;
    if (PROCEDURE_PREFIXES.has(w)) j++;
    else {
      const e = typeSpec(s, j, false);
      if (e === j) return -1;
      j = e;
    }
  }
  return -1;
}

/**
 * Pushes a unit frame, opening a scope for a main program or a procedure that is not internal and not an interface
 * body. `nameP` is the name's position (-1: none).
 */
export function beginUnit(s: Scan, kind: UnitKind, name: string, nameP: number): number {
  const top = s.frames[s.frames.length - 1];
  const inInterface = top?.kind === 'interface';
  let host = -1;
  let outerUnit: UnitKind | undefined;
  for (let f = s.frames.length - 1; f >= 0; f--) {
    const fr = s.frames[f];
    if (fr.kind === 'unit') {
      outerUnit = fr.unitKind;
      if (!inInterface) host = fr.unit;
      break;
    }
  }
  const unitKind: UnitKind = kind === 'proc' && inInterface ? 'iface' : kind;
  const unit = s.sym.add(name.toLowerCase(), host);
  if (kind === 'module' && name) s.sym.modules.set(name.toLowerCase(), unit);
  const opens =
    (unitKind === 'program' || unitKind === 'proc') && (outerUnit === undefined || outerUnit === 'module');
  const start = s.n > 0 ? s.tokens[s.t[0]].start : s.tokens[s.eos].start;
  const scope = opens ? s.openScope(nameP >= 0 ? s.text(nameP) : undefined, start) : -1;
  s.frames.push({ kind: 'unit', unit, unitKind, contains: false, scope });
  return unit;
}

/** Dummy argument list `(a, b, *)` at `open` (if there is one); the names are declared in `unit`. */
export function dummyArguments(s: Scan, open: number, unit: number): number {
  if (!s.isP(open, '(')) return open;
  const m = s.match(open);
  for (let q = open + 1; q < m; q++) {
    if (s.isWord(q)) {
      s.name(q, 'arg');
      s.declare(q, { arg: true }, unit);
    } else if (!s.isP(q, ',') && !s.isP(q, '*')) s.bad = true;
  }
  return m + 1;
}

/** `[prefixes] [type] function name(args) [result(r)] [bind(c)]`, `subroutine name(args)`. */
export function procedure(s: Scan, p: number, head: number): void {
  for (let j = p; j < head; ) {
    if (PROCEDURE_PREFIXES.has(s.low(j))) s.kw(j++);
    else j = Math.max(typeSpec(s, j), j + 1);
  }
  s.kw(head);
  const nameP = head + 1;
  const isFunction = s.low(head) === 'function';
  s.name(nameP, 'func');
  s.declare(nameP, { func: true }); // in the enclosing unit (the file for an external procedure)
  const unit = beginUnit(s, 'proc', s.text(nameP), nameP);
  let j = dummyArguments(s, nameP + 1, unit);
  let result = false;
  while (j < s.n) {
    const w = s.low(j);
    if (w === 'result' && s.isP(j + 1, '(')) {
      s.kw(j);
      s.name(j + 2, 'var');
      s.declare(j + 2, { var: true }, unit);
      result = true;
      j = s.match(j + 1) + 1;
    } else if (w === 'bind') {
      j = attribute(s, j, { array: false, external: false });
    } else {
      s.bad = true;
      j++;
    }
  }
  // Inside a function without `result`, its name is also the result variable.
  s.sym.declare(unit, s.low(nameP), { func: true, var: isFunction && !result });
}

/** `module procedure a, b` in an interface block, or a separate module procedure body in a submodule. */
export function moduleProcedure(s: Scan, p: number): void {
  const top = s.frames[s.frames.length - 1];
  if (top?.kind === 'interface' || top?.kind === 'type') return procedureStatement(s, p, p + 2);
  s.kw(p);
  s.kw(p + 1);
  s.name(p + 2, 'func');
  s.declare(p + 2, { func: true });
  beginUnit(s, 'proc', s.text(p + 2), p + 2);
}

/** `submodule (ancestor[:parent]) name`: a module that sees its ancestor's names. */
export function submodule(s: Scan, p: number): void {
  s.kw(p);
  if (!s.isP(p + 1, '(')) return void (s.bad = true);
  const m = s.match(p + 1);
  const parents: string[] = [];
  for (let q = p + 2; q < m; q++) {
    if (s.isWord(q)) {
      s.name(q, 'func');
      parents.push(s.low(q));
    }
  }
  s.name(m + 1, 'func');
  const unit = beginUnit(s, 'module', s.text(m + 1), m + 1);
  s.sym.units[unit].uses.push(...parents);
}

/** `end`, `end do`, `enddo`, `end subroutine name`, … Returns false when the statement is not an `end`. */
export function endStatement(s: Scan, p: number): boolean {
  const w = s.low(p);
  let kind: string;
  let q: number;
  if (w === 'end') {
    const next = s.low(p + 1);
    if (next === 'block' && s.low(p + 2) === 'data') [kind, q] = ['blockdata', p + 3];
    else if (END_KINDS.has(next)) [kind, q] = [next, p + 2];
    else [kind, q] = ['', p + 1];
  } else if (w.startsWith('end') && END_KINDS.has(w.slice(3))) {
    [kind, q] = [w.slice(3), p + 1];
  } else {
    return false;
  }
  for (let k = p; k < q; k++) s.kw(k);
  if (kind === 'interface' && (s.low(q) === 'operator' || s.low(q) === 'assignment')) {
    s.kw(q);
  } else if (q < s.n) {
    s.name(q, kind === 'type' ? 'type' : UNIT_ENDS.has(kind) || kind === 'interface' ? 'func' : 'var');
    if (q + 1 < s.n) s.bad = true;
  }
  if (kind === 'type' || kind === 'interface') {
    const top = s.frames[s.frames.length - 1];
    if (top?.kind === kind) s.frames.pop();
    else s.bad = true;
  } else if (kind === '' || UNIT_ENDS.has(kind)) {
    if (!popUnit(s)) s.bad = true;
  }
  return true;
}

/** Closes the innermost unit (and whatever was left open inside it); its scope ends at this statement's end. */
function popUnit(s: Scan): boolean {
  while (s.frames.length > 0) {
    const f = s.frames.pop()!;
    if (f.kind !== 'unit') continue;
    if (f.scope >= 0) s.scopes[f.scope].end = s.tokens[s.eos].end;
    return true;
  }
  return false;
}
