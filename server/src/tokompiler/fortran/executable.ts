/**
 * Executable statements: control constructs, calls, allocation, input/output, `format`. Names in expressions go
 * through `Scan.expr` (pending until pass 2); this file only marks the keywords and the few names whose role the
 * statement itself fixes (allocated arrays, construct names, loop variables).
 */

import { ALLOCATE_KEYWORDS, IO_STATEMENTS } from './intrinsics';
import { typeSpec } from './declarations';
import type { Scan } from './scanner';
import { Pending } from './symbols';

type Action = (s: Scan, p: number) => void;

/** Statements that are a keyword followed by an optional expression or label list. */
const SIMPLE = new Set(['return', 'stop', 'pause', 'continue', 'goto', 'assign', 'lock', 'unlock']);

export function executable(s: Scan, p: number, w: string, action: Action): void {
  if (IO_STATEMENTS.has(w)) return io(s, p, w);
  if (SIMPLE.has(w)) {
    s.kw(p);
    return s.expr(p + 1, s.n);
  }
  switch (w) {
    case 'if':
      return ifStatement(s, p, action);
    case 'else':
    case 'elseif':
      return elseStatement(s, p);
    case 'elsewhere':
      return maskedHead(s, p, p + 1, action);
    case 'do':
      return doStatement(s, p);
    case 'select':
    case 'selectcase':
    case 'selecttype':
    case 'selectrank':
      return selectStatement(s, p);
    case 'case':
    case 'rank':
    case 'type':
    case 'class':
      return guard(s, p);
    case 'where':
    case 'forall':
      return maskedHead(s, p, p + 1, action);
    case 'associate':
      return associate(s, p);
    case 'block':
    case 'critical':
    case 'cycle':
    case 'exit':
      s.kw(p);
      if (s.isP(p + 1, '(')) return s.expr(p + 2, s.match(p + 1));
      s.name(p + 1, 'var'); // a construct name
      if (p + 2 < s.n) s.bad = true;
      return;
    case 'go':
      s.kw(p);
      s.kw(p + 1);
      return s.expr(p + 2, s.n);
    case 'error':
    case 'fail':
    case 'sync':
      // error stop [code], fail image, sync all / images(*) / memory
      s.kw(p);
      s.kw(p + 1);
      return s.expr(p + 2, s.n);
    case 'call':
      return callStatement(s, p);
    case 'allocate':
    case 'deallocate':
    case 'nullify':
      return allocation(s, p, w === 'allocate');
    case 'format':
      s.kw(p);
      // Edit descriptors (`f10.3`, `i5`, `2x`) stay verbatim.
      for (let q = p + 1; q < s.n; q++) s.kw(q);
      return;
  }
  s.bad = true; // unrecognised: the names stay `var`
}

/** `if (c) then`, logical `if (c) stmt`, arithmetic `if (e) 10, 20, 30`. */
function ifStatement(s: Scan, p: number, action: Action): void {
  s.kw(p);
  if (!s.isP(p + 1, '(')) return void (s.bad = true);
  const m = s.match(p + 1);
  s.expr(p + 2, m);
  if (s.low(m + 1) === 'then' && m + 2 === s.n) s.kw(m + 1);
  else if (s.isKind(m + 1, 'num')) s.expr(m + 1, s.n);
  else if (m + 1 < s.n) action(s, m + 1);
  else s.bad = true;
}

/** `else`, `else if (c) then`, `elseif (c) then`, `else where (mask)`, with an optional construct name. */
function elseStatement(s: Scan, p: number): void {
  s.kw(p);
  let j = p + 1;
  if (s.low(p) === 'elseif' || s.low(j) === 'if') {
    if (s.low(p) === 'else') s.kw(j++);
    if (!s.isP(j, '(')) return void (s.bad = true);
    const m = s.match(j);
    s.expr(j + 1, m);
    s.kw(m + 1); // then
    j = m + 2;
  } else if (s.low(j) === 'where') {
    s.kw(j++);
    if (s.isP(j, '(')) {
      s.expr(j + 1, s.match(j));
      j = s.match(j) + 1;
    }
  }
  s.name(j, 'var');
  if (j + 1 < s.n) s.bad = true;
}

/** `where (mask) [stmt]`, `forall (i = 1:n, mask) [stmt]`, `elsewhere [(mask)]`. */
function maskedHead(s: Scan, p: number, open: number, action: Action): void {
  s.kw(p);
  if (!s.isP(open, '(')) return s.name(open, 'var');
  const m = s.match(open);
  s.expr(open + 1, m);
  if (m + 1 < s.n) {
    if (s.low(p) === 'elsewhere') s.name(m + 1, 'var');
    else action(s, m + 1);
  }
}

/** `do [label] [,] i = a, b [, c]`, `do while (c)`, `do concurrent (i = 1:n) local(x)`, bare `do`. */
function doStatement(s: Scan, p: number): void {
  s.kw(p);
  let j = p + 1;
  if (s.isKind(j, 'num')) j++;
  if (s.isP(j, ',')) j++;
  const w = s.low(j);
  if (w === 'while' && s.isP(j + 1, '(')) {
    s.kw(j);
    const m = s.match(j + 1);
    s.expr(j + 2, m);
    if (m + 1 < s.n) s.bad = true;
  } else if (w === 'concurrent' && s.isP(j + 1, '(')) {
    s.kw(j);
    const m = s.match(j + 1);
    let h = typeSpec(s, j + 2);
    if (h > j + 2 && s.isP(h, '::')) h++;
    s.expr(h, m);
    // Locality specs: local(x) local_init(y) shared(z) default(none).
    for (let q = m + 1; q < s.n; q++) {
      if (!s.isWord(q)) continue;
      s.kw(q);
      if (!s.isP(q + 1, '(')) continue;
      const e = s.match(q + 1);
      if (s.low(q) === 'default') s.kw(q + 2);
      else s.expr(q + 2, e);
      q = e;
    }
  } else if (s.isWord(j) && s.isP(j + 1, '=')) {
    s.pending(j, Pending.Ref);
    s.expr(j + 2, s.n);
  } else if (j < s.n) {
    s.bad = true;
  }
}

/** `select case (e)`, `select type (a => x)`, `select rank (x)`. */
function selectStatement(s: Scan, p: number): void {
  s.kw(p);
  let j = p + 1;
  if (s.low(p) === 'select') s.kw(j++);
  if (!s.isP(j, '(')) return void (s.bad = true);
  const m = s.match(j);
  if (s.isWord(j + 1) && s.isP(j + 2, '=>')) {
    s.name(j + 1, 'var'); // associate name
    s.declare(j + 1, { var: true });
    s.expr(j + 3, m);
  } else s.expr(j + 1, m);
  if (m + 1 < s.n) s.bad = true;
}

/** `case (1, 3:5)`, `case default`, `type is (real(dp))`, `class is (particle)`, `class default`, `rank (2)`. */
function guard(s: Scan, p: number): void {
  const w = s.low(p);
  s.kw(p);
  let j = p + 1;
  if ((w === 'type' || w === 'class') && s.low(j) === 'is') s.kw(j++);
  if (s.low(j) === 'default') {
    s.kw(j++);
  } else if (s.isP(j, '(')) {
    const m = s.match(j);
    if (w === 'type' || w === 'class') {
      if (typeSpec(s, j + 1) === j + 1) s.name(j + 1, 'type');
    } else s.expr(j + 1, m);
    j = m + 1;
  } else {
    s.bad = true;
  }
  s.name(j, 'var');
  if (j + 1 < s.n) s.bad = true;
}

/** `associate (a => expr, b => expr)`. */
function associate(s: Scan, p: number): void {
  s.kw(p);
  if (!s.isP(p + 1, '(')) return void (s.bad = true);
  for (const [a, b] of s.items(p + 2, s.match(p + 1))) {
    s.name(a, 'var');
    s.declare(a, { var: true });
    s.expr(a + 2, b);
  }
}

/** `call name(args)`, `call obj%method(args)`. */
function callStatement(s: Scan, p: number): void {
  s.kw(p);
  let j = p + 1;
  if (!s.isWord(j)) return void (s.bad = true);
  const chained = s.isP(j + 1, '%') || (s.isP(j + 1, '(') && s.isP(s.match(j + 1) + 1, '%'));
  let callee = j;
  if (chained) {
    // The designator up to the last component: `a(i)%b%move`.
    let q = j;
    while (s.isWord(q + 1) || s.isP(q + 1, '(') || s.isP(q + 1, '%')) {
      if (s.isP(q + 1, '(') && !s.isP(s.match(q + 1) + 1, '%')) break;
      q = s.isP(q + 1, '(') ? s.match(q + 1) : q + 1;
    }
    s.expr(j, q + 1);
    callee = q;
  } else {
    s.pending(j, Pending.Callee);
  }
  j = callee + 1;
  if (s.isP(j, '(')) {
    const m = s.match(j);
    s.expr(j + 1, m, s.t[callee]);
    j = m + 1;
  }
  if (j < s.n) s.bad = true;
}

/** `allocate([type ::] a(n), b%c(m), stat=ierr)`, `deallocate(a, b)`, `nullify(p)`. */
function allocation(s: Scan, p: number, allocate: boolean): void {
  s.kw(p);
  if (!s.isP(p + 1, '(')) return void (s.bad = true);
  const m = s.match(p + 1);
  let from = p + 2;
  const t = typeSpec(s, from);
  if (t > from && s.isP(t, '::')) from = t + 1;
  for (const [a, b] of s.items(from, m)) {
    if (s.isWord(a) && s.isP(a + 1, '=') && ALLOCATE_KEYWORDS.has(s.low(a))) {
      s.kw(a);
      s.expr(a + 2, b);
      continue;
    }
    s.expr(a, b);
    if (!allocate) continue;
    // The allocated object: the last name of the designator, when a shape follows it.
    let last = -1;
    for (let q = a; q < b; q++) {
      if (s.isWord(q)) last = q;
      else if (s.isP(q, '(')) {
        if (q === b - 1 || s.match(q) === b - 1) break;
        q = s.match(q);
      }
    }
    if (last >= 0 && s.isP(last + 1, '(') && !s.isP(last - 1, '%')) {
      s.name(last, 'arr');
      s.declare(last, { var: true, array: true });
    }
  }
}

/** `write (unit, fmt, iostat=ios) list`, `print *, list`, `read (u, *) list`, `rewind u`, `open (...)`. */
function io(s: Scan, p: number, w: string): void {
  s.kw(p);
  let j = p + 1;
  if (s.isP(j, '(') && w !== 'print') {
    const m = s.match(j);
    for (const [a, b] of s.items(j + 1, m)) {
      if (s.isWord(a) && s.isP(a + 1, '=')) {
        s.kw(a); // unit=, fmt=, iostat=, file=, status=, …
        s.expr(a + 2, b);
      } else s.expr(a, b);
    }
    j = m + 1;
    if (s.isP(j, ',')) j++;
  }
  s.expr(j, s.n);
}
