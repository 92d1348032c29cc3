/**
 * The Tokompiler in `npm run bench`: tokompiling a 10,000-line C file and a 5,000-line Fortran file (built from the
 * test fixtures, each copy's functions renamed so the file is one real program's worth of distinct functions), the
 * per-function incremental path after one-character edits, and the tokens per file of the fixtures under the
 * Tokompiler, o200k and Llama 3 (the README's table).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { retokompileFunction } from '../../server/src/tokompiler/incremental';
import { loadFrontEnd, tokompileWith } from '../../server/src/tokompiler/index';
import { languageForPath } from '../../server/src/tokompiler/languages';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { median, now } from './measure';

const FIXTURES = join(projectRoot(), 'test', 'fixtures', 'tokompiler');

export interface TokompilerBench {
  c: { lines: number; ms: number; tokens: number };
  fortran: { lines: number; ms: number; tokens: number };
  /** One-character edits inside functions of the C file, `scope: function`. */
  incremental: { edits: number; medianMs: number; fullMs: number; spliced: number };
  perFile: { file: string; language: string; lines: number; tokompiler: number; o200k: number; llama3: number }[];
}

/** `lines` lines of code in `ext`, made of the fixtures of that kind with every copy's names suffixed. */
function bigFile(extensions: string[], lines: number): string {
  const sources = readdirSync(FIXTURES).filter((f) => extensions.includes(extname(f).toLowerCase())).map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
  const parts: string[] = [];
  let count = 0;
  for (let copy = 0; count < lines; copy++) {
    for (const src of sources) {
      // Renaming every identifier-looking word that ends a definition keeps copies distinct without a parser.
      const renamed = src.replace(/\b(main|program|module)\b(\s+)(\w+)/gi, (_m, kw: string, sp: string, name: string) => `${kw}${sp}${name}_${copy}`);
      parts.push(renamed);
      count += renamed.split('\n').length;
      if (count >= lines) break;
    }
  }
  return parts.join('\n').split('\n').slice(0, lines).join('\n');
}

async function time(language: 'c' | 'fortran', text: string) {
  const frontEnd = await loadFrontEnd(language);
  const times: number[] = [];
  let tokens = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = now();
    tokens = tokompileWith(frontEnd, language, text).tokens.length;
    times.push(now() - t0);
  }
  return { lines: text.split('\n').length, ms: median(times.slice(2)), tokens };
}

export async function measureTokompiler(): Promise<TokompilerBench> {
  const cText = bigFile(['.c'], 10000);
  const c = await time('c', cText);
  const fortran = await time('fortran', bigFile(['.f90'], 5000));
  const frontEnd = await loadFrontEnd('c');
  let source = cText;
  let result = tokompileWith(frontEnd, 'c', source, { scope: 'function' });
  const quick: number[] = [];
  const full: number[] = [];
  let spliced = 0;
  for (let k = 0; k < 40; k++) {
    // A character typed inside the k-th function's body, just after its opening brace.
    const scope = result.parsed.scopes[(k * 37) % result.parsed.scopes.length];
    const at = source.indexOf('{', scope.start) + 1;
    source = source.slice(0, at) + ' ' + source.slice(at);
    let t0 = now();
    const next = retokompileFunction(frontEnd, result, source, { start: at, end: at, inserted: 1 });
    quick.push(now() - t0);
    t0 = now();
    const whole = tokompileWith(frontEnd, 'c', source, { scope: 'function' });
    full.push(now() - t0);
    if (next) spliced++;
    result = next ?? whole;
  }
  const o200k = getTokenizer('o200k_base');
  const llama3 = getTokenizer('llama3');
  const perFile: TokompilerBench['perFile'] = [];
  for (const file of readdirSync(FIXTURES).sort()) {
    const language = languageForPath(file);
    if (!language) continue;
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const fe = await loadFrontEnd(language);
    perFile.push({ file, language, lines: text.split('\n').length, tokompiler: tokompileWith(fe, language, text).tokens.length, o200k: o200k.count(text), llama3: llama3.count(text) });
  }
  return { c, fortran, incremental: { edits: quick.length, medianMs: median(quick), fullMs: median(full), spliced }, perFile };
}
