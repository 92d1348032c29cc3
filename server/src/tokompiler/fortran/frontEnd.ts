/**
 * The Fortran front end of the Tokompiler engine: our own lexer and declaration scanner, because npm has no Fortran
 * tree-sitter grammar. Free and fixed form share everything after line handling.
 */

import type { FrontEnd, ParsedSource } from '../types';
import { lexFixed } from './fixedForm';
import { lexFree } from './freeForm';
import { scanFortran, type Scan } from './scanner';
import { scanStatement } from './statements';

export type FortranForm = 'free' | 'fixed';

const FREE = new Set(['f90', 'f95', 'f03', 'f08', 'f18']);
const FIXED = new Set(['f', 'for', 'ftn', 'f77']);

/** The source form a file name implies (`.F90` is free form too, only preprocessed), or undefined. */
export function fortranFormForPath(path: string): FortranForm | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  if (!m) return undefined;
  const ext = m[1].toLowerCase();
  return FREE.has(ext) ? 'free' : FIXED.has(ext) ? 'fixed' : undefined;
}

/**
 * Parses and reports how much work it did (characters, tokens and lookups): the linear-growth test's measure.
 * `rethrow` lets tests see a bug that the editor would only see as one error leaf.
 */
export function parseFortranCounted(source: string, form: FortranForm, rethrow = false): { parsed: ParsedSource; work: number } {
  try {
    const lexed = form === 'fixed' ? lexFixed(source) : lexFree(source);
    const scan = scanFortran(source, lexed, scanStatement, finishFile);
    return { parsed: scan.result('fortran'), work: lexed.work + lexed.tokens.length + scan.sym.work };
  } catch (e) {
    if (rethrow) throw e;
    // A bug of ours must not take the editor down: the whole text becomes one error leaf.
    return { parsed: wholeFileError(source), work: source.length };
  }
}

export function createFortranFrontEnd(form: FortranForm): FrontEnd {
  return {
    language: 'fortran',
    parse: (source: string) => parseFortranCounted(source, form).parsed,
  };
}

/**
 * Units still open at the end of the file miss their `end`: a zero-width error there, like tree-sitter's MISSING.
 * A main program without a `program` heading is exempt, so that fragments (a few statements) parse cleanly.
 */
function finishFile(s: Scan): void {
  if (s.frames.some((f) => f.kind === 'unit' && !f.implicit)) s.errors.push({ start: s.src.length, end: s.src.length });
}

function wholeFileError(source: string): ParsedSource {
  const start = source.length - source.trimStart().length;
  const end = source.trimEnd().length;
  if (end <= start) return { language: 'fortran', leaves: [], scopes: [], errors: [] };
  return {
    language: 'fortran',
    leaves: [{ text: source.slice(start, end), start, end, kind: 'error', scope: -1, broken: true }],
    scopes: [],
    errors: [{ start, end }],
  };
}
