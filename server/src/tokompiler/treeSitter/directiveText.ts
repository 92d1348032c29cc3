/**
 * The raw text tree-sitter leaves unparsed on preprocessor lines (`#define N (a+1)`, `#pragma omp parallel for
 * private(i)`), cut into leaves by a small C-like lexer. On a pragma the words are directive text and stay verbatim,
 * but names inside a clause's parentheses (`private(i)`, `reduction(+:sum)`, `map(to: a[0:n])`) are the program's
 * variables and are anonymised like everywhere else, as MonoCoder's OpenMP data has them.
 */
import type { Leaf } from '../types';

/** Words that may appear inside OpenMP/OpenACC clause parentheses and are not variables. */
const CLAUSE_WORDS = new Set(
  'static dynamic guided auto runtime monotonic nonmonotonic simd tofrom to from alloc release delete always close present mapper default none shared private firstprivate master primary spread inscan task max min iand ior ieor and or omp_priv omp_orig omp_in omp_out conditional teams parallel for sections taskgroup'.split(' '),
);

const TOKEN = /\s+|[A-Za-z_]\w*|\.?\d(?:[eEpP][+-]|[\w.])*|"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||##|\.\.\.|\\\r?\n|[^\s]/gy;

export function directiveLeaves(text: string, offset: number, scope: number, pragma: boolean, verbatim: Set<string>): Leaf[] {
  const out: Leaf[] = [];
  let depth = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const t = m[0];
    const start = offset + m.index;
    const leaf = (kind: Leaf['kind'], role?: Leaf['role']): Leaf => ({ text: t, start, end: start + t.length, kind, role, scope });
    if (/^\s/.test(t) || t.startsWith('\\')) continue;
    if (t === '(') depth++;
    if (t === ')') depth = Math.max(0, depth - 1);
    if (/^[A-Za-z_]/.test(t)) {
      if (pragma) out.push(depth > 0 && !CLAUSE_WORDS.has(t.toLowerCase()) && !verbatim.has(t) ? leaf('name', 'var') : leaf('directive'));
      else out.push(verbatim.has(t) ? leaf('keyword') : leaf('name', 'var'));
    } else if (/^\.?\d/.test(t)) out.push(pragma ? leaf('directive') : leaf('literal', 'num'));
    else if (t.startsWith('"')) out.push(pragma ? leaf('directive') : leaf('literal', 'str'));
    else if (t.startsWith("'")) out.push(pragma ? leaf('directive') : leaf('literal', 'char'));
    else out.push(leaf('punct'));
  }
  return out;
}
