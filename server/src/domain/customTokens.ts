/**
 * The custom tokens of the KL3M recipe, for legal text: years 1776–2049, enumerations `(a)` `(A)` `(iv)` `(12)`,
 * numbers 10–999, the section sign with a space, and citation pieces from reporters-db (reporter editions, statute and
 * code names, case-name abbreviations). Each becomes a chain of forced merges over the base
 * tokens it is made of, with and without a leading space (as it appears inside a sentence), placed before the learned
 * merges. None of the KL3M paper's
 * evaluation terms may be among them (checked here and by a test).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv', 'xvi', 'xvii', 'xviii', 'xix', 'xx'];

/** The paper's 20 legal and financial terms (`domain_term_counts.csv`): evaluation text, never added as tokens. */
export function evaluationTerms(csvPath: string): string[] {
  return readFileSync(csvPath, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split(',')[1]);
}

export function customTokenStrings(reportersDir: string | undefined, evaluation: readonly string[]): string[] {
  const out = new Set<string>();
  for (let y = 1776; y <= 2049; y++) out.add(String(y));
  for (let n = 10; n <= 999; n++) out.add(String(n));
  for (let c = 97; c <= 122; c++) {
    out.add(`(${String.fromCharCode(c)})`);
    out.add(`(${String.fromCharCode(c - 32)})`);
  }
  for (let n = 1; n <= 99; n++) out.add(`(${n})`);
  for (const r of ROMAN) {
    out.add(`(${r})`);
    out.add(`(${r.toUpperCase()})`);
  }
  out.add('§');
  out.add('§§');
  if (reportersDir) for (const piece of citationPieces(reportersDir)) out.add(piece);
  const terms = new Set(evaluation.map((t) => t.toLowerCase()));
  for (const s of out) if (terms.has(s.trim().toLowerCase())) throw new Error(`custom token ${s} is an evaluation term`);
  return [...out].sort();
}

/** Reporter editions and variations, law and code names, case-name abbreviations. */
function citationPieces(dir: string): string[] {
  const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
  const pieces: string[] = [];
  // Reporters by their editions' standard abbreviations (`F.2d`, `S. Ct.`); their many variant spellings are left to
  // the learned merges, which keep the ones the corpus uses.
  const reporters = read('reporters.json') as Record<string, Array<{ editions?: Record<string, unknown> }>>;
  for (const [key, list] of Object.entries(reporters)) {
    pieces.push(key);
    for (const r of list) pieces.push(...Object.keys(r.editions ?? {}));
  }
  pieces.push(...Object.keys(read('laws.json')));
  pieces.push(...Object.keys(read('case_name_abbreviations.json')));
  // Short, clean pieces only: long names are phrases the learned merges handle by frequency.
  return pieces.filter((p) => p.length >= 2 && p.length <= 24 && !/[\n\r]/.test(p));
}
