/**
 * The Fortran front end of the Tokompiler engine (our own lexer and declaration scanner) and the Fortran formatter:
 * leaf kinds and roles, fixed and free form, directives, scopes, errors, offsets, linear work, and the formatted
 * round trip (checked with gfortran when it is installed).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatFortran } from '../../server/src/tokompiler/fortran/format';
import { createFortranFrontEnd, fortranFormForPath, parseFortranCounted } from '../../server/src/tokompiler/fortran/frontEnd';
import type { Leaf, ParsedSource } from '../../server/src/tokompiler/types';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { rng } from './support';

const FIXTURES = ['particles.f90', 'heat_omp.F90', 'solver.f90', 'constructs.f90', 'jacobi.f'];
const fixture = (name: string) => readFileSync(join(projectRoot(), 'test', 'fixtures', 'tokompiler', name), 'utf8');

/** Parses through the front end's own entry, but with internal errors thrown rather than turned into an error leaf. */
function parse(src: string, form: 'free' | 'fixed' = 'free'): ParsedSource {
  const parsed = parseFortranCounted(src, form, true).parsed;
  checkOffsets(src, parsed, form);
  return parsed;
}

/** `kind/role` of the n-th leaf whose text is `text`. */
function leaf(parsed: ParsedSource, text: string, nth = 0): string {
  const found = parsed.leaves.filter((l) => l.text === text)[nth];
  assert.ok(found, `no leaf ${JSON.stringify(text)} #${nth}`);
  return found.role ? `${found.kind}/${found.role}` : found.kind;
}

function kinds(parsed: ParsedSource): string[] {
  return parsed.leaves.map((l) => (l.kind === 'eol' ? 'eol' : `${l.kind}${l.role ? `/${l.role}` : ''}:${l.text}`));
}

/**
 * Leaves are in order, do not overlap, carry their source text, and the gaps between them hold only layout: blanks,
 * `;`, a preprocessor line's continuing backslash, and `&` and continuation sentinels (free form) or columns 1–6
 * and 73+ (fixed form).
 */
function checkOffsets(src: string, parsed: ParsedSource, form: 'free' | 'fixed'): void {
  let at = 0;
  const checkGap = (from: number, to: number) => {
    const gap = src.slice(from, to);
    if (form === 'free') {
      assert.match(gap, /^(\s|&|;|\\|!\$(omp|acc)?)*$/i, `not layout before ${to}: ${JSON.stringify(gap)}`);
      return;
    }
    for (let i = from; i < to; i++) {
      const col = i - (src.lastIndexOf('\n', i - 1) + 1);
      assert.ok(/[\s;\\]/.test(src[i]) || col < 6 || col >= 72, `not layout at ${i} (column ${col + 1}): ${JSON.stringify(src[i])}`);
    }
  };
  for (const l of parsed.leaves) {
    assert.ok(l.start >= at && l.end >= l.start, `leaf out of order at ${l.start}: ${JSON.stringify(l.text)}`);
    if (l.kind === 'eol') assert.equal(l.start, l.end);
    else assert.equal(l.text, src.slice(l.start, l.end));
    checkGap(at, l.start);
    at = Math.max(at, l.end);
    assert.ok(l.scope >= -1 && l.scope < parsed.scopes.length);
  }
  checkGap(at, src.length);
}

test('the FrontEnd: language id, and the source form from the file extension', () => {
  const fe = createFortranFrontEnd('fixed');
  assert.equal(fe.language, 'fortran');
  assert.equal(fe.parse('      X = 1\n').language, 'fortran');
  assert.deepEqual(createFortranFrontEnd('free').parse(''), { language: 'fortran', leaves: [], scopes: [], errors: [] });
  for (const p of ['a.f90', 'b.F90', 'c.f95', 'd.F03', 'e.f08', 'dir/x.F08']) assert.equal(fortranFormForPath(p), 'free', p);
  for (const p of ['a.f', 'b.F', 'c.for', 'd.ftn', 'e.FOR']) assert.equal(fortranFormForPath(p), 'fixed', p);
  for (const p of ['a.c', 'f90', 'a.f90.txt']) assert.equal(fortranFormForPath(p), undefined, p);
});

test('keywords, intrinsics, library names, operators and literals', () => {
  const src = [
    'program demo',
    '  use omp_lib',
    '  use iso_c_binding, only: c_int',
    '  implicit none',
    "  double precision :: x = 1.0d0, y = 1.5e-3_dp, z = .5",
    '  integer(c_int) :: k = 8_int64, m = z\'FF\', b = b"0101"',
    "  character(len=*), parameter :: s = 'it''s', t = \"say \"\"hi\"\"\"",
    '  logical :: ok = .true.',
    '  x = sqrt(abs(y)) ** 2 + real(k, 8); ok = .not. ok .and. x /= y',
    '  t0 = omp_get_wtime()',
    '  print *, s // t, (/ 1, 2 /), [3, 4]',
    'end program demo',
  ].join('\n');
  const p = parse(src);
  for (const k of ['program', 'use', 'implicit', 'none', 'double', 'precision', 'integer', 'character', 'len', 'parameter', 'logical', 'print', 'end'])
    assert.equal(leaf(p, k), 'keyword', k);
  for (const k of ['omp_lib', 'iso_c_binding', 'only', 'c_int', 'sqrt', 'abs', 'real', 'omp_get_wtime', '.true.']) assert.equal(leaf(p, k), 'keyword', k);
  for (const k of ['**', '//', '::', '(/', '/)', '.not.', '.and.', '/=', ',', '[', '=']) assert.equal(leaf(p, k), 'punct', k);
  for (const n of ['1.0d0', '1.5e-3_dp', '.5', '8_int64', "z'FF'", 'b"0101"', '2', '8']) assert.equal(leaf(p, n), 'literal/num', n);
  assert.equal(leaf(p, "'it''s'"), 'literal/str');
  assert.equal(leaf(p, '"say ""hi"""'), 'literal/str');
  assert.equal(leaf(p, 'demo'), 'name/func', 'a program name is a unit name: func');
  assert.equal(leaf(p, 'x'), 'name/var');
  // One eol per statement, `;` included, and no leaf for the `;` itself.
  assert.equal(p.leaves.filter((l) => l.kind === 'eol').length, 13);
  assert.ok(!p.leaves.some((l) => l.text === ';'));
  assert.deepEqual(p.errors, []);
});

test('roles: arguments, arrays, functions, types, fields, result variables', () => {
  const src = [
    'module shapes',
    '  implicit none',
    '  type :: point',
    '    real :: x, y',
    '    real, allocatable :: w(:)',
    '  end type point',
    '  type, extends(point) :: point3',
    '    real :: z',
    '  end type point3',
    '  real, allocatable :: grid(:)',
    '  real :: table(10, 20), scalar',
    '  real, dimension(5) :: weights',
    'contains',
    '  function norm(p) result(r)',
    '    type(point), intent(in) :: p',
    '    real :: r',
    '    r = sqrt(p%x**2 + p%y**2) + helper(p%x) + table(1, 2) + weights(1)',
    '  end function norm',
    '  subroutine scale(a, n, f)',
    '    integer :: n',
    '    real :: a(n)',
    '    real, external :: f',
    '    dimension b(3)',
    '    real :: b, c',
    '    common /blk/ c(4), d',
    '    a = a * f(1.0) * b(1) * c(2) * d',
    '    call norm_all(a, n)',
    '  end subroutine scale',
    'end module shapes',
  ].join('\n');
  const p = parse(src);
  assert.equal(leaf(p, 'shapes'), 'name/func');
  assert.equal(leaf(p, 'point'), 'name/type');
  assert.equal(leaf(p, 'point', 1), 'name/type', 'end type point');
  assert.equal(leaf(p, 'point', 2), 'name/type', 'extends(point)');
  assert.equal(leaf(p, 'point3'), 'name/type');
  assert.equal(leaf(p, 'point', 3), 'name/type', 'type(point) :: p');
  for (const f of ['x', 'y', 'w', 'z']) assert.equal(leaf(p, f), 'name/field', `component ${f}`);
  assert.equal(leaf(p, 'x', 1), 'name/field', 'p%x');
  assert.equal(leaf(p, 'grid'), 'name/arr');
  assert.equal(leaf(p, 'table'), 'name/arr');
  assert.equal(leaf(p, 'scalar'), 'name/var');
  assert.equal(leaf(p, 'weights'), 'name/arr');
  assert.equal(leaf(p, 'table', 1), 'name/arr', 'table(1, 2) in an expression: declared as an array in the host module');
  assert.equal(leaf(p, 'norm'), 'name/func');
  assert.equal(leaf(p, 'p'), 'name/arg');
  assert.equal(leaf(p, 'r'), 'name/var', 'result(r)');
  assert.equal(leaf(p, 'helper'), 'name/func', 'undeclared name(...) is a call');
  assert.equal(leaf(p, 'sqrt'), 'keyword');
  assert.equal(leaf(p, 'scale'), 'name/func');
  for (const a of ['a', 'n', 'f']) assert.equal(leaf(p, a), 'name/arg', a);
  assert.equal(leaf(p, 'a', 1), 'name/arr', 'real :: a(n)');
  assert.equal(leaf(p, 'f', 1), 'name/func', 'real, external :: f');
  assert.equal(leaf(p, 'b'), 'name/arr', 'DIMENSION statement');
  assert.equal(leaf(p, 'c', 1), 'name/arr', 'COMMON with a shape');
  assert.equal(leaf(p, 'd'), 'name/var');
  assert.equal(leaf(p, 'blk'), 'name/var', 'common block name');
  assert.equal(leaf(p, 'f', 2), 'name/func', 'f(1.0) with f external');
  assert.equal(leaf(p, 'b', 2), 'name/arr', 'b(1) with b declared in a DIMENSION statement');
  assert.equal(leaf(p, 'norm_all'), 'name/func', 'call');
  assert.deepEqual(p.errors, []);
});

test('intrinsic names are keywords only where the scope does not declare them; use lists', () => {
  const p = parse([
    'module m',
    '  real, allocatable :: field_data(:)',
    'end module m',
    'subroutine s(x)',
    '  use m, only: field_data, alias => field_data',
    '  real :: x, sum',
    '  sum = 0',
    '  sum = sum + x + field_data(1) + maxval(field_data)',
    '  call random_number(x)',
    '  call cpu_time(x)',
    'end subroutine s',
    'subroutine t77(n)',
    '  total = sum(values(1:n))',
    'end',
  ].join('\n'));
  assert.equal(leaf(p, 'sum'), 'name/var', 'declared: a variable');
  assert.equal(leaf(p, 'sum', 2), 'name/var');
  assert.equal(leaf(p, 'maxval'), 'keyword');
  assert.equal(leaf(p, 'random_number'), 'keyword');
  assert.equal(leaf(p, 'cpu_time'), 'keyword');
  assert.equal(leaf(p, 'field_data', 1), 'name/var', 'only: list');
  assert.equal(leaf(p, 'field_data', 3), 'name/arr', 'an array of a module used in the same file');
  assert.equal(leaf(p, 'alias'), 'name/var');
  assert.equal(leaf(p, 'm', 1), 'name/func', 'use m: a unit name');
  assert.equal(leaf(p, 'sum', 4), 'keyword', 'sum(...) in a scope that does not declare it');
  assert.equal(leaf(p, 'values'), 'name/func', 'undeclared values(1:n): the spec says func');
});

test('names are case-insensitive: N and n get the same roles', () => {
  const p = parse([
    'subroutine Solve(N, A)',
    '  integer :: n',
    '  real :: a(N)',
    '  A(n) = SQRT(a(1)) + Helper(N)',
    '  call HELPER2(a)',
    'end subroutine SOLVE',
  ].join('\n'));
  assert.equal(leaf(p, 'N'), 'name/arg');
  assert.equal(leaf(p, 'A'), 'name/arg');
  assert.equal(leaf(p, 'a'), 'name/arr');
  assert.equal(leaf(p, 'A', 1), 'name/arr', 'A(n) on the left: a is declared as an array');
  assert.equal(leaf(p, 'a', 1), 'name/arr');
  assert.equal(leaf(p, 'SQRT'), 'keyword');
  assert.equal(leaf(p, 'Helper'), 'name/func');
  assert.equal(leaf(p, 'SOLVE'), 'name/func');
  assert.equal(p.scopes[0].name, 'Solve');
});

test('fixed form: comment lines, labels, column 6 continuation, columns 73+, tab format', () => {
  const src = [
    'C     a comment line',
    'c     another',
    '*     and another',
    '!     and a bang comment',
    'D     PRINT *, DEBUG',
    '      PROGRAM P',
    '      REAL X, Y(10)',
    '      DO 10 I = 1,',
    '     &          10',
    '         Y(I) = I * 2.0                                               SEQ00010',
    '   10 CONTINUE',
    '      X = Y(1) +',
    'C     a comment inside a continued statement',
    '     1    Y(2)                                                         SEQ00020',
    "      PRINT *, 'A LONG STRING THAT GOES ON AND ON AND ON AND ON TO COLUMN",
    "     + 72 AND BEYOND'",
    '\tX = 1.0 ! a tab-format line',
    '\t1 + 2.0',
    '      END',
  ].join('\n');
  const p = parse(src, 'fixed');
  const comments = p.leaves.filter((l) => l.kind === 'comment').map((l) => l.text);
  assert.deepEqual(comments, [
    'C     a comment line',
    'c     another',
    '*     and another',
    '!     and a bang comment',
    'D     PRINT *, DEBUG',
    'C     a comment inside a continued statement',
    '! a tab-format line',
  ]);
  assert.equal(leaf(p, '10'), 'literal/num', 'DO 10: a label reference');
  assert.equal(leaf(p, '10', 2), 'literal/num', 'the label field is a leaf (goto/do need it)');
  assert.ok(!p.leaves.some((l) => l.text.startsWith('SEQ')), 'columns 73+ are not leaves');
  assert.equal(leaf(p, 'Y', 2), 'name/arr');
  const str = p.leaves.find((l) => l.kind === 'literal' && l.role === 'str')!;
  assert.ok(str.text.endsWith("72 AND BEYOND'") && str.text.includes('\n'), 'a literal continued in column 6 is one leaf');
  assert.match(formatFortran(tokensOf(p)), /PRINT \*, 'A LONG STRING THAT GOES ON AND ON AND ON AND ON TO COLUMN 72 AND BEYOND'/);
  // DO 10 I = 1, / 10 is one statement, and so are the tab-format lines: 9 statements in all.
  assert.equal(p.leaves.filter((l) => l.kind === 'eol').length, 9);
  const eols = p.leaves.map((l, i) => [l, i] as const).filter(([l]) => l.kind === 'eol');
  assert.equal(p.leaves[eols[2][1] - 1].text, '10', 'the DO statement ends after its continuation line');
  const inner = p.leaves.findIndex((l) => l.text.startsWith('C     a comment inside'));
  assert.ok(inner > eols[4][1] && inner < eols[5][1], 'the comment stays inside the statement it interrupts');
  assert.deepEqual(p.errors, []);
});

test('fixed form: directives with c$omp / *$omp / !$omp and column 6 continuation; conditional compilation', () => {
  const src = [
    '      SUBROUTINE S(A, N)',
    '      INTEGER N, I',
    '      REAL A(N), T',
    'C$OMP PARALLEL DO PRIVATE(I)',
    'C$OMP+REDUCTION(+:T)',
    '      DO I = 1, N',
    '         T = T + A(I)',
    '      END DO',
    '*$omp end parallel do',
    'c$    N = OMP_GET_NUM_THREADS()',
    '      END',
  ].join('\n');
  const p = parse(src, 'fixed');
  assert.deepEqual(kinds(p).slice(kinds(p).indexOf('directive:C$OMP'), kinds(p).indexOf('keyword:DO')), [
    'directive:C$OMP', 'directive:PARALLEL', 'directive:DO', 'directive:PRIVATE', 'punct:(', 'name/var:I', 'punct:)',
    'directive:REDUCTION', 'punct:(', 'punct:+', 'punct::', 'name/var:T', 'punct:)', 'eol',
  ]);
  assert.equal(leaf(p, '*$omp'), 'directive');
  assert.equal(leaf(p, 'c$'), 'directive');
  assert.equal(leaf(p, 'OMP_GET_NUM_THREADS'), 'keyword');
  assert.deepEqual(p.errors, []);
});

test('free form: & continuation (inside and across strings), comment lines between, trailing comments', () => {
  const src = [
    'program p',
    '  x = a + &   ! first part',
    '      ! a comment line between continuation lines',
    '      & b',
    "  s = 'abc&",
    "       &def' // 'g'",
    '  t = "one &',
    '  two"',
    'end program p',
  ].join('\n');
  const p = parse(src);
  assert.deepEqual(kinds(p).slice(3, 13), [
    'name/var:x', 'punct:=', 'name/var:a', 'punct:+', 'comment:! first part', 'comment:! a comment line between continuation lines',
    'name/var:b', 'eol', 'name/var:s', 'punct:=',
  ]);
  assert.equal(leaf(p, "'abc&\n       &def'"), 'literal/str', 'one literal over two lines, text as written');
  assert.equal(leaf(p, '"one &\n  two"'), 'literal/str');
  assert.equal(p.leaves.filter((l) => l.kind === 'eol').length, 5);
  assert.deepEqual(p.errors, []);
  // The formatter joins a continued literal (a next line without `&` continues from its column 1).
  const out = formatFortran(tokensOf(p));
  assert.match(out, /s = 'abcdef' \/\/ 'g'/);
  assert.match(out, /t = "one   two"/);
  assert.match(out, /x = a \+ & ! first part\n.*! a comment line between continuation lines\n.*b\n/);
});

test('OpenMP / OpenACC directives: words, clause names, continuation, conditional compilation, preprocessor', () => {
  const src = [
    '#ifdef _OPENMP',
    '#include "omp_lib.h"',
    '#endif',
    'subroutine s(a, n, total)',
    '  !$omp parallel do private(i, tmp) shared(a) &',
    '  !$omp& reduction(+:total) schedule(dynamic, chunk) num_threads(4) &',
    '  !$omp   map(tofrom: a(1:n)) if(n > 100) default(none)',
    '  do i = 1, n',
    '    total = total + a(i)',
    '  end do',
    '  !$omp end parallel do',
    '  !$acc parallel loop copyin(a) reduction(max:m) gang',
    '  !$ n = omp_get_num_threads()',
    '  !$omp critical (update)',
    '  !$omp end critical (update)',
    'end subroutine s',
  ].join('\n');
  const p = parse(src);
  const k = kinds(p);
  assert.deepEqual(k.slice(0, 6), ['directive:#ifdef', 'directive:_OPENMP', 'eol', 'directive:#include', 'literal/str:"omp_lib.h"', 'eol']);
  const from = k.indexOf('directive:!$omp');
  assert.deepEqual(k.slice(from, k.indexOf('keyword:do')), [
    'directive:!$omp', 'directive:parallel', 'directive:do',
    'directive:private', 'punct:(', 'name/var:i', 'punct:,', 'name/var:tmp', 'punct:)',
    'directive:shared', 'punct:(', 'name/var:a', 'punct:)',
    'directive:reduction', 'punct:(', 'punct:+', 'punct::', 'name/var:total', 'punct:)',
    'directive:schedule', 'punct:(', 'directive:dynamic', 'punct:,', 'name/var:chunk', 'punct:)',
    'directive:num_threads', 'punct:(', 'literal/num:4', 'punct:)',
    'directive:map', 'punct:(', 'directive:tofrom', 'punct::', 'name/var:a', 'punct:(', 'literal/num:1', 'punct::', 'name/var:n', 'punct:)', 'punct:)',
    'directive:if', 'punct:(', 'name/var:n', 'punct:>', 'literal/num:100', 'punct:)',
    'directive:default', 'punct:(', 'directive:none', 'punct:)', 'eol',
  ]);
  assert.equal(p.leaves.filter((l) => l.text === '!$omp').length, 4, 'continuation sentinels are layout');
  assert.equal(leaf(p, '!$acc'), 'directive');
  assert.equal(leaf(p, 'max'), 'directive');
  assert.equal(leaf(p, 'm'), 'name/var');
  assert.equal(leaf(p, '!$'), 'directive');
  assert.equal(leaf(p, 'omp_get_num_threads'), 'keyword');
  assert.equal(leaf(p, 'update'), 'name/var');
  assert.equal(p.scopes.length, 1);
  assert.deepEqual(p.errors, []);
});

test('scopes: module procedures are scopes, internal procedures and interface bodies are not, module data is -1', () => {
  const src = fixture('particles.f90');
  const p = parse(src);
  assert.deepEqual(p.scopes.map((s) => s.name), ['init_particles', 'kinetic_energy', 'push_particles', 'wrap_scalar', 'wrap_vector', 'md']);
  for (const s of p.scopes) {
    const text = src.slice(s.start, s.end);
    assert.match(text, /^(pure )?(subroutine|function|program) /);
    assert.match(text, /end (subroutine|function|program) \w+$/);
  }
  assert.equal(p.leaves.find((l) => l.text === 'box_length')!.scope, -1, 'module specification part');
  assert.equal(p.leaves.find((l) => l.text === 'set')!.scope, 0);
  assert.equal(p.leaves.find((l) => l.text === 'md')!.scope, 5);
  // Each leaf inside a scope's range says so.
  for (const l of p.leaves) {
    const inside = p.scopes.findIndex((s) => l.start >= s.start && l.end <= s.end);
    assert.equal(l.scope, inside, `${l.text} at ${l.start}`);
  }
  const solver = parse(fixture('solver.f90'));
  assert.deepEqual(solver.scopes.map((s) => s.name), ['laplacian', 'conjugate_gradient', 'run_cg'], 'the internal dot() belongs to conjugate_gradient; the abstract interface is no scope');
  const dot = solver.leaves.filter((l) => l.text === 'dot');
  assert.ok(dot.every((l) => l.scope === 1 && l.role === 'func'));
  const implicitMain = parse('x = 1\ny = x + 2\nend\nsubroutine s\nend subroutine s\n');
  assert.deepEqual(implicitMain.scopes.map((s) => [s.name, s.start]), [[undefined, 0], ['s', 20]]);
  assert.deepEqual(implicitMain.errors, []);
});

test('bad input produces leaves and error regions, never an exception', () => {
  const src = [
    'program p',
    '  x = foo(1, (2)',
    '  y = 3 @ 4',
    '  this is not fortran',
    "  s = 'unterminated",
    '  z = 1',
    'end program p',
    'subroutine cut(a)',
    '  a = bar(1, &',
  ].join('\n');
  const p = parse(src);
  const broken = (text: string) => p.leaves.find((l) => l.text === text)!.broken === true;
  assert.ok(broken('foo') && broken('x'), 'unbalanced parentheses');
  assert.equal(leaf(p, '@'), 'error');
  assert.ok(broken('@') && broken('y'));
  assert.ok(broken('this') && leaf(p, 'this') === 'name/var', 'an unrecognised statement keeps var names');
  assert.ok(broken("'unterminated"));
  assert.ok(!broken('z'), 'the next statement is fine');
  assert.ok(broken('bar'), 'cut off at the end of the file');
  assert.ok(p.errors.length >= 5);
  assert.deepEqual(p.errors.at(-1), { start: src.length, end: src.length }, 'the missing end subroutine');
  for (const e of p.errors) assert.ok(e.start <= e.end);
  // Garbage of every kind, free and fixed: no exception, and the offsets hold.
  const rand = rng(7);
  const lines = FIXTURES.flatMap((f) => fixture(f).split('\n'));
  const alphabet = "abcXYZ019 \t\n'\"!&;()%*/=<>.,:#$@`~\\{}é😀\r";
  for (let round = 0; round < 300; round++) {
    let text = '';
    const n = 1 + Math.floor(rand() * 12);
    for (let i = 0; i < n; i++) {
      if (rand() < 0.6) {
        const line = lines[Math.floor(rand() * lines.length)];
        text += line.slice(0, Math.floor(rand() * (line.length + 1))) + '\n';
      } else {
        for (let j = Math.floor(rand() * 20); j > 0; j--) text += Array.from(alphabet)[Math.floor(rand() * Array.from(alphabet).length)];
      }
    }
    for (const form of ['free', 'fixed'] as const) {
      // The formatter takes whatever the front end gives, and its output parses too.
      parse(formatFortran(tokensOf(parse(text, form))), 'free');
    }
  }
});

test('offsets are UTF-16 offsets, astral characters in strings and comments included', () => {
  const src = "program p ! 🚀 launch\n  print *, '😀 ok', \"𝔘\" ! ünïcode\nend program p\n";
  const p = parse(src);
  assert.equal(leaf(p, "'😀 ok'"), 'literal/str');
  assert.equal(leaf(p, '! ünïcode'), 'comment');
  const after = p.leaves.find((l) => l.text === '"𝔘"')!;
  assert.equal(src.slice(after.start, after.end), '"𝔘"');
  const fx = "      PRINT *, '😀 WIDE'\nC 🚀 comment\n      END\n";
  const q = parse(fx, 'fixed');
  assert.equal(leaf(q, "'😀 WIDE'"), 'literal/str');
  assert.equal(leaf(q, 'C 🚀 comment'), 'comment');
  assert.deepEqual(parse('x = 1 😀 2\n').errors.length, 1, 'an astral character outside strings is one error leaf');
});

test('parsing work grows linearly: 4 copies cost 4 times 1 copy', () => {
  for (const [name, form] of [['heat_omp.F90', 'free'], ['jacobi.f', 'fixed']] as const) {
    const one = fixture(name);
    const a = parseFortranCounted(one.repeat(2), form);
    const b = parseFortranCounted(one.repeat(8), form);
    assert.equal(b.parsed.leaves.length, 4 * a.parsed.leaves.length);
    const ratio = b.work / a.work;
    assert.ok(ratio > 3.6 && ratio < 4.4, `${name}: work ratio ${ratio.toFixed(2)}`);
  }
});

/** (kind, role, lowercased text) of the non-comment leaves, with what the formatter rewrites by design normalised. */
function signature(parsed: ParsedSource): string[] {
  return parsed.leaves
    .filter((l) => l.kind !== 'comment')
    .map((l: Leaf) => {
      let text = l.text.toLowerCase();
      if (l.kind === 'directive') text = text.replace(/^[c*]\$/, '!$'); // c$omp → !$omp
      if (l.kind === 'literal' && l.role === 'str') text = text.replace(/&[ \t]*\r?\n[ \t]*&?/g, '').replace(/\r?\n {5}\S/g, '');
      return `${l.kind}/${l.role ?? ''}/${text}`;
    });
}

function tokensOf(parsed: ParsedSource): string[] {
  return parsed.leaves.map((l) => (l.kind === 'eol' ? '[SEP]' : l.text));
}

test('formatted round trip: parse → tokens → formatFortran → parse gives the same leaves', () => {
  for (const name of FIXTURES) {
    const form = fortranFormForPath(name)!;
    const parsed = parse(fixture(name), form);
    assert.deepEqual(parsed.errors, [], name);
    const out = formatFortran(tokensOf(parsed));
    const again = parse(out, 'free');
    assert.deepEqual(again.errors, [], `${name} formatted`);
    assert.deepEqual(signature(again), signature(parsed), name);
    assert.deepEqual(again.scopes.map((s) => s.name), parsed.scopes.map((s) => s.name));
    for (const line of out.split('\n')) assert.ok(line.length <= 132 || /^\s*!(?!\$)/.test(line), `${name}: line over 132: ${line}`);
    assert.equal(formatFortran(tokensOf(again)), out, `${name}: formatting is idempotent`);
  }
});

test('formatting: indentation, spacing, directives at column 1, long lines and literals broken with &', () => {
  const src = [
    'module m',
    'contains',
    'subroutine s(p, n)',
    'type(t) :: p',
    'integer :: n, i',
    'real :: a(n)',
    'if (n > 0) then',
    '!$omp parallel do private(i)',
    'do i = 1, n',
    'a(i) = p%x(i) * -2.0 + a(i)**2',
    'end do',
    'else',
    'select case (n)',
    'case (-1)',
    "print *, 'minus one'",
    'end select',
    'end if',
    'end subroutine s',
    'end module m',
  ].join('\n');
  const out = formatFortran(tokensOf(parse(src)));
  assert.equal(out, [
    'module m',
    'contains',
    '  subroutine s(p, n)',
    '    type(t) :: p',
    '    integer :: n, i',
    '    real :: a(n)',
    '    if (n > 0) then',
    '!$omp parallel do private(i)',
    '      do i = 1, n',
    '        a(i) = p%x(i) * -2.0 + a(i)**2',
    '      end do',
    '    else',
    '      select case (n)',
    '        case (-1)',
    "          print *, 'minus one'",
    '      end select',
    '    end if',
    '  end subroutine s',
    'end module m',
    '',
  ].join('\n'));
  const terms = Array.from({ length: 40 }, (_, i) => `coefficient_${i} * x`).join(' + ');
  const long = `program q\ny = ${terms}\nprint *, '${'long literal '.repeat(20)}'\n!$omp parallel do private(${Array.from({ length: 30 }, (_, i) => `var${i}`).join(', ')})\ndo i = 1, 2\nend do\nend program q\n`;
  const parsed = parse(long);
  const wrapped = formatFortran(tokensOf(parsed));
  assert.ok(wrapped.split('\n').every((l) => l.length <= 132));
  assert.match(wrapped, / &\n {6}coefficient_/);
  assert.match(wrapped, /&\n {6}&/, 'a literal split inside');
  assert.match(wrapped, /&\n!\$omp& /, 'a directive continued with its sentinel');
  assert.deepEqual(signature(parse(wrapped)), signature(parsed));
});

test('formatting anonymised tokens: placeholders stay whole (format statements, labels, comments dropped)', () => {
  const tokens = ['program', 'func_0', '[SEP]', 'num_0', 'format', '(', 'f10', 'num_1', ',', 'i5', ')', '[SEP]',
    'do', 'num_2', 'var_0', '=', 'num_3', ',', 'var_1', '[SEP]', 'arr_0', '(', 'var_0', ')', '=', 'str_0', '[SEP]',
    'num_2', 'continue', '[SEP]', 'end', 'program', 'func_0', '[SEP]'];
  const out = formatFortran(tokens);
  assert.equal(out, [
    'program func_0',
    '  num_0 format(f10 num_1, i5)',
    '  do num_2 var_0 = num_3, var_1',
    '    arr_0(var_0) = str_0',
    '  num_2 continue',
    'end program func_0',
    '',
  ].join('\n'));
  const names = parse(out).leaves.filter((l) => /^[a-z]+_\d+$/.test(l.text)).length;
  assert.equal(names, tokens.filter((t) => /^[a-z]+_\d+$/.test(t)).length);
});

function haveGfortran(): boolean {
  try {
    execFileSync('gfortran', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const NO_GFORTRAN = 'gfortran is not installed (apt-get install gfortran) — compile checks skipped';

test('gfortran accepts the fixtures and their formatted round trips', { skip: !haveGfortran() && NO_GFORTRAN }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-fortran-'));
  const compile = (file: string, text: string) => {
    const path = join(dir, file);
    writeFileSync(path, text);
    const r = spawnSync('gfortran', ['-fsyntax-only', '-fopenmp', '-fopenacc', '-fcoarray=single', '-J', dir, path], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `${file}:\n${r.stderr}`);
    return (r.stderr.match(/Warning:/g) ?? []).length;
  };
  try {
    for (const name of FIXTURES) {
      const src = fixture(name);
      const before = compile(name, src);
      const out = formatFortran(tokensOf(parse(src, fortranFormForPath(name)!)));
      const ext = out.includes('\n#') || out.startsWith('#') ? 'F90' : 'f90';
      const after = compile(`formatted_${name.replace(/\.\w+$/, '')}.${ext}`, out);
      // A warning such as "!$OMP starts a commented line" would mean a directive silently dropped.
      assert.ok(after <= before, `${name}: ${after} warnings after formatting, ${before} before`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
