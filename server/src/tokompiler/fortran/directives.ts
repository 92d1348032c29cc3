/**
 * OpenMP and OpenACC directive lines (`!$omp parallel do private(i) reduction(+:s)`): the sentinel and the directive
 * words are `directive` leaves; names inside clause arguments are program names with role `var`, so that they get
 * the same number as in the code around them.
 */

import { CLAUSE_VALUE_WORDS, LIST_FIRST_CLAUSES, isLibraryConstant, isLibraryProcedure } from './intrinsics';
import type { Scan } from './scanner';

export function scanDirective(s: Scan): void {
  // Position 0 is the sentinel (already a directive leaf).
  for (let p = 1; p < s.n; p++) {
    if (!s.isWord(p)) continue;
    s.set(p, 'directive');
    if (s.isP(p + 1, '(')) {
      const m = s.match(p + 1);
      clause(s, s.low(p), p + 2, m);
      p = m;
    }
  }
}

/** The arguments [from, to) of clause `w`. */
function clause(s: Scan, w: string, from: number, to: number): void {
  const values = CLAUSE_VALUE_WORDS.get(w);
  // `reduction(max: m)`, `map(tofrom: a)`, `depend(in: x)`: words before a top-level colon are modifiers.
  const colon = s.find(from, to, ':');
  const modifiersEnd = colon < to && !LIST_FIRST_CLAUSES.has(w) ? colon : from;
  for (let q = from; q < to; q++) {
    if (!s.isWord(q)) continue;
    const low = s.low(q);
    if (q < modifiersEnd || values?.has(low)) s.set(q, 'directive');
    else if (s.isP(q - 1, '%')) s.name(q, 'field');
    else if (s.isP(q + 1, '(') ? isLibraryProcedure(low) : isLibraryConstant(low)) s.set(q, 'keyword');
    else s.name(q, 'var');
  }
}
