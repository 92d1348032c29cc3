/**
 * Specification statements: type declarations, attribute statements (`dimension`, `common`, `parameter`, …),
 * derived-type definitions and their bindings. These are where names get their declared roles: `arr` for a shape,
 * `field` for a component, `type` for a derived type, `func` for `external`.
 */

import { ATTRIBUTES, INTRINSIC_TYPES, isLibraryConstant } from './intrinsics';
import type { Scan } from './scanner';
import { Pending } from './symbols';

interface DeclFlags {
  array: boolean;
  external: boolean;
}

/**
 * A type specification at `p` (`real(dp)`, `character*(*)`, `double precision`, `type(particle)`): classified when
 * `classify`, measured only otherwise. Returns the position after it, or `p` when there is none.
 */
export function typeSpec(s: Scan, p: number, classify = true): number {
  const w = s.low(p);
  let k: number;
  if (INTRINSIC_TYPES.has(w)) {
    k = p + 1;
  } else if (w === 'double' && (s.low(p + 1) === 'precision' || s.low(p + 1) === 'complex')) {
    if (classify) s.kw(p + 1);
    k = p + 2;
  } else if ((w === 'type' || w === 'class') && s.isP(p + 1, '(')) {
    const m = s.match(p + 1);
    if (classify) {
      s.kw(p);
      const inner = typeSpec(s, p + 2);
      if (inner > p + 2) s.expr(inner, m);
      else if (s.isWord(p + 2)) {
        if (isLibraryConstant(s.low(p + 2))) s.kw(p + 2); // type(c_ptr)
        else s.name(p + 2, 'type');
        s.expr(p + 3, m); // type parameters: type(matrix(k=8))
      }
    }
    return m + 1;
  } else {
    return p;
  }
  if (classify) s.kw(p);
  if (s.isP(k, '(')) {
    const m = s.match(k);
    if (classify) kindSelector(s, k + 1, m);
    return m + 1;
  }
  if (s.isP(k, '*')) {
    if (!s.isP(k + 1, '(')) return k + 2;
    const m = s.match(k + 1);
    if (classify) s.expr(k + 2, m);
    return m + 1;
  }
  return k;
}

/** `(dp)`, `(kind=8)`, `(len=*, kind=c_char)`. */
function kindSelector(s: Scan, from: number, to: number): void {
  for (const [a, b] of s.items(from, to)) {
    const w = s.low(a);
    if ((w === 'kind' || w === 'len') && s.isP(a + 1, '=')) {
      s.kw(a);
      s.expr(a + 2, b);
    } else {
      s.expr(a, b);
    }
  }
}

/** A type declaration statement starting at `p` (its type specification). */
export function declaration(s: Scan, p: number): void {
  let j = typeSpec(s, p);
  const flags: DeclFlags = { array: false, external: false };
  while (s.isP(j, ',')) j = attribute(s, j + 1, flags);
  if (s.isP(j, '::')) j++;
  entities(s, j, s.n, flags);
}

/** One attribute at `j` (after its comma); returns the position after it. */
export function attribute(s: Scan, j: number, flags: DeclFlags): number {
  const w = s.low(j);
  if (!ATTRIBUTES.has(w)) {
    s.bad = true;
    const next = Math.min(s.find(j, s.n, ','), s.find(j, s.n, '::'));
    s.expr(j, next);
    return next;
  }
  s.kw(j);
  if (w === 'dimension') flags.array = true;
  if (w === 'external') flags.external = true;
  if (!s.isP(j + 1, '(') && !s.isP(j + 1, '[')) return j + 1;
  const m = s.match(j + 1);
  if (w === 'intent' || w === 'bind') {
    // intent(in out), bind(c, name='f')
    for (let q = j + 2; q < m; q++) if (s.isWord(q)) s.kw(q);
  } else if (w === 'extends') {
    s.name(j + 2, 'type');
  } else {
    s.expr(j + 2, m);
  }
  return m + 1;
}

/**
 * The entity list [from, to) of a declaration: `a(n, m) = init, b*8, c => null()`. Components of a derived type are
 * fields; other names are declared in the current unit.
 */
function entities(s: Scan, from: number, to: number, flags: DeclFlags): void {
  const component = s.inType() !== undefined;
  for (const [a, b] of s.items(from, to)) {
    if (!s.isWord(a)) {
      s.bad = true;
      s.expr(a, b);
      continue;
    }
    let q = a + 1;
    let shape = false;
    if (s.isP(q, '(')) {
      const m = s.match(q);
      s.expr(q + 1, m);
      shape = true;
      q = m + 1;
    }
    if (s.isP(q, '[')) {
      const m = s.match(q);
      s.expr(q + 1, m);
      q = m + 1;
    }
    if (s.isP(q, '*')) {
      if (s.isP(q + 1, '(')) {
        const m = s.match(q + 1);
        s.expr(q + 2, m);
        q = m + 1;
      } else q += 2;
    }
    if (s.isP(q, '=') || s.isP(q, '=>')) s.expr(q + 1, b);
    else if (q < b) s.bad = true;
    const array = shape || flags.array;
    if (component) s.name(a, 'field');
    else if (flags.external) {
      s.name(a, 'func');
      s.declare(a, { func: true });
    } else {
      s.name(a, array ? 'arr' : 'var');
      s.declare(a, { var: true, array });
    }
  }
}

/** Attribute statements that list names: `dimension a(n)`, `allocatable :: b(:)`, `public :: f`, `intent(in) x`. */
export function attributeStatement(s: Scan, p: number): void {
  const w = s.low(p);
  const flags: DeclFlags = { array: false, external: false };
  let j = attribute(s, p, flags);
  if (s.isP(j, '::')) j++;
  // These make the names data objects; `public`, `save`, `optional`… may also name procedures and types.
  const data = w === 'dimension' || w === 'allocatable' || w === 'pointer' || w === 'target' || w === 'contiguous' || w === 'codimension';
  for (const [a, b] of s.items(j, s.n)) {
    if (s.isP(a, '/')) {
      s.name(a + 1, 'var'); // save /blk/
      continue;
    }
    const op = s.low(a);
    if ((op === 'operator' || op === 'assignment') && s.isP(a + 1, '(')) {
      s.kw(a);
      continue;
    }
    if (!s.isWord(a)) {
      s.bad = true;
      continue;
    }
    if (s.isP(a + 1, '(')) {
      s.expr(a + 2, s.match(a + 1));
      s.name(a, 'arr');
      s.declare(a, { var: true, array: true });
    } else if (data) {
      s.name(a, flags.array ? 'arr' : 'var');
      s.declare(a, { var: true, array: flags.array });
    } else {
      s.pending(a, Pending.Ref);
    }
    if (a + 1 < b && !s.isP(a + 1, '(')) s.bad = true;
  }
}

/** `parameter (n = 100, dx = 1.0d0 / n)`. */
export function parameterStatement(s: Scan, p: number): void {
  s.kw(p);
  if (!s.isP(p + 1, '(')) return void (s.bad = true);
  for (const [a, b] of s.items(p + 2, s.match(p + 1))) {
    s.name(a, 'var');
    s.declare(a, { var: true });
    if (s.isP(a + 1, '=')) s.expr(a + 2, b);
    else s.bad = true;
  }
}

/** `external f, g` (func) and `intrinsic sqrt` (keyword). */
export function procedureList(s: Scan, p: number, intrinsic: boolean): void {
  s.kw(p);
  const from = s.isP(p + 1, '::') ? p + 2 : p + 1;
  for (const [a] of s.items(from, s.n)) {
    if (intrinsic) s.kw(a);
    else s.name(a, 'func');
    s.declare(a, intrinsic ? { intrinsic: true } : { func: true });
  }
}

/** `common /blk/ a(n), b, /other/ c` (and blank common `//`), `namelist /grp/ a, b`. */
export function commonStatement(s: Scan, p: number, namelist: boolean): void {
  s.kw(p);
  for (let j = p + 1; j < s.n; j++) {
    if (s.isP(j, '/')) {
      s.name(j + 1, 'var');
      j += 2;
    } else if (s.isWord(j)) {
      if (namelist) s.pending(j, Pending.Ref);
      else if (s.isP(j + 1, '(')) {
        const m = s.match(j + 1);
        s.expr(j + 2, m);
        s.name(j, 'arr');
        s.declare(j, { var: true, array: true });
        j = m;
      } else {
        s.name(j, 'var');
        s.declare(j, { var: true });
      }
    } else if (!s.isP(j, ',') && !s.isP(j, '//')) {
      s.bad = true;
    }
  }
}

/** `type [, extends(base)] :: name` opens a derived-type definition. */
export function typeDefinition(s: Scan, p: number): void {
  s.kw(p);
  let j = p + 1;
  const flags: DeclFlags = { array: false, external: false };
  while (s.isP(j, ',')) j = attribute(s, j + 1, flags);
  if (s.isP(j, '::')) j++;
  if (!s.isWord(j)) s.bad = true;
  s.name(j, 'type');
  s.declare(j, { type: true });
  if (s.isP(j + 1, '(')) {
    for (let q = j + 2; q < s.match(j + 1); q++) s.name(q, 'var'); // type parameters
  } else if (j + 1 < s.n) s.bad = true;
  s.frames.push({ kind: 'type', contains: false });
}

/**
 * `procedure [(iface)] [, attrs] [::] list`: type-bound bindings (`move => particle_move`: field, func), procedure
 * pointers, and `module procedure` lists in interface blocks.
 */
export function procedureStatement(s: Scan, p: number, from: number): void {
  for (let q = p; q < from; q++) s.kw(q);
  let j = from;
  if (s.isP(j, '(')) {
    const m = s.match(j);
    if (typeSpec(s, j + 1) === j + 1) s.name(j + 1, 'func');
    j = m + 1;
  }
  const flags: DeclFlags = { array: false, external: false };
  while (s.isP(j, ',')) j = attribute(s, j + 1, flags);
  if (s.isP(j, '::')) j++;
  const binding = s.inType() !== undefined;
  for (const [a, b] of s.items(j, s.n)) {
    if (binding) s.name(a, 'field');
    else {
      s.name(a, 'func');
      s.declare(a, { func: true });
    }
    if (s.isP(a + 1, '=>')) {
      if (s.isP(a + 3, '(')) s.expr(a + 2, b); // => null()
      else s.name(a + 2, 'func');
    }
  }
}

/** `generic :: spec => a, b` and `final :: f` inside a derived type. */
export function bindingList(s: Scan, p: number): void {
  s.kw(p);
  let j = p + 1;
  const flags: DeclFlags = { array: false, external: false };
  while (s.isP(j, ',')) j = attribute(s, j + 1, flags);
  if (s.isP(j, '::')) j++;
  const final = s.low(p) === 'final';
  for (let q = j; q < s.n; q++) {
    const w = s.low(q);
    if ((w === 'operator' || w === 'assignment') && s.isP(q + 1, '(')) {
      s.kw(q);
      q = s.match(q + 1);
    } else if (s.isWord(q)) s.name(q, final ? 'func' : 'field');
  }
}
