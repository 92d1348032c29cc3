/** The Fortran front end and formatter (server/src/tokompiler/fortran/) behind the names the engine uses. */
import { formatFortran } from './fortran/format';
import { createFortranFrontEnd } from './fortran/frontEnd';
import { EOL_TOKEN } from './lexicalise';
import type { FrontEnd, ParsedSource } from './types';

export function createFortran(language: 'fortran' | 'fortran-fixed'): FrontEnd {
  const frontEnd = createFortranFrontEnd(language === 'fortran' ? 'free' : 'fixed');
  // The engine asks for case-insensitive names by the language id 'fortran', whatever the source form.
  return { language: 'fortran', parse: (source) => canonicalSentinels({ ...frontEnd.parse(source), language: 'fortran' }) };
}

/**
 * Fixed form's directive sentinels `C$OMP` / `*$OMP` are `!$OMP` in free form: the token is written the free-form way,
 * so a fixed-form file and its free-form rebuild give the same tokens (the anonymised code keeps the source's form).
 */
function canonicalSentinels(parsed: ParsedSource): ParsedSource {
  for (const leaf of parsed.leaves) if (leaf.kind === 'directive' && /^[cC*]\$/.test(leaf.text)) leaf.text = `!${leaf.text.slice(1)}`;
  return parsed;
}

/** Free-form Fortran from tokens (fixed-form input comes back free-form: the layout is ours either way). */
export function formatFortranTokens(words: string[]): string {
  return formatFortran(words.map((w) => (w === EOL_TOKEN ? '[SEP]' : w)));
}
