/**
 * Which front end reads which file: by VS Code language id, by `--lang` name, or by file extension.
 */
import { extname } from 'node:path';
import type { TreeSitterLanguage } from './treeSitter/grammars';

export type TokompilerLanguage = TreeSitterLanguage | 'fortran' | 'fortran-fixed';

export const LANGUAGES: readonly TokompilerLanguage[] = ['c', 'cpp', 'fortran', 'fortran-fixed', 'python', 'javascript', 'typescript', 'tsx', 'go', 'rust', 'java'];

/** The languages `detokompile` can rebuild source for (the others' layout cannot be recovered from tokens). */
export const REBUILDABLE: ReadonlySet<TokompilerLanguage> = new Set(['c', 'cpp', 'fortran', 'fortran-fixed']);

const ALIASES: Record<string, TokompilerLanguage> = {
  c: 'c',
  cpp: 'cpp',
  'c++': 'cpp',
  cuda: 'cpp',
  'cuda-cpp': 'cpp',
  fortran: 'fortran',
  'fortran-modern': 'fortran',
  fortranfreeform: 'fortran',
  'fortran90': 'fortran',
  'fortran-fixed': 'fortran-fixed',
  'fortran_fixed-form': 'fortran-fixed',
  fortranfixedform: 'fortran-fixed',
  python: 'python',
  javascript: 'javascript',
  javascriptreact: 'tsx',
  typescript: 'typescript',
  typescriptreact: 'tsx',
  tsx: 'tsx',
  go: 'go',
  rust: 'rust',
  java: 'java',
};

const EXTENSIONS: Record<string, TokompilerLanguage> = {
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.c++': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.hxx': 'cpp',
  '.cu': 'cpp',
  '.f90': 'fortran',
  '.f95': 'fortran',
  '.f03': 'fortran',
  '.f08': 'fortran',
  '.f': 'fortran-fixed',
  '.for': 'fortran-fixed',
  '.ftn': 'fortran-fixed',
  '.f77': 'fortran-fixed',
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'tsx',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
};

/** A language by name or VS Code language id, or undefined. */
export function languageByName(name: string): TokompilerLanguage | undefined {
  return ALIASES[name.toLowerCase()];
}

/** A language from a path's extension (case matters only for Fortran's preprocessed `.F`/`.F90`), or undefined. */
export function languageForPath(path: string): TokompilerLanguage | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

export class UnknownLanguageError extends Error {
  constructor(what: string) {
    super(`tokompiler: no front end for ${what}; languages: ${LANGUAGES.join(', ')} (pick one with --lang)`);
  }
}
