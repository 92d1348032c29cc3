/** The Fortran front end and formatter (server/src/tokompiler/fortran/) behind the names the engine uses. */
import { formatFortran } from './fortran/format';
import { createFortranFrontEnd } from './fortran/frontEnd';
import { EOL_TOKEN } from './lexicalise';
import type { FrontEnd } from './types';

export function createFortran(language: 'fortran' | 'fortran-fixed'): FrontEnd {
  const frontEnd = createFortranFrontEnd(language === 'fortran' ? 'free' : 'fixed');
  // The engine asks for case-insensitive names by the language id 'fortran', whatever the source form.
  return { language: 'fortran', parse: (source) => ({ ...frontEnd.parse(source), language: 'fortran' }) };
}

/** Free-form Fortran from tokens (fixed-form input comes back free-form: the layout is ours either way). */
export function formatFortranTokens(words: string[]): string {
  return formatFortran(words.map((w) => (w === EOL_TOKEN ? '[SEP]' : w)));
}
