/**
 * Steps 2 and 3 of Tokompiler: the anonymised leaves become tokens — a placeholder `var_12` becomes `var`, `12` (the
 * reference splits at the underscore), an end of line that the language needs becomes `[SEP]`, a kept comment is one
 * token — and the tokens become ids in the closed vocabulary (lowercased, [UNK] when absent).
 */
import { splitPlaceholder } from './anonymise';
import type { Leaf } from './types';
import { encodeToken } from './vocab';

export const EOL_TOKEN = '[SEP]';

export interface Lexicalised {
  tokens: string[];
  /** For each token, the index of the leaf it came from. */
  leafOfToken: number[];
}

/** `texts[i]` is leaf i's text after anonymisation, or undefined when the leaf is dropped. */
export function lexicalise(leaves: Leaf[], texts: (string | undefined)[]): Lexicalised {
  const tokens: string[] = [];
  const leafOfToken: number[] = [];
  for (let i = 0; i < leaves.length; i++) {
    const text = texts[i];
    if (text === undefined) continue;
    if (leaves[i].kind === 'eol') {
      // Two line ends in a row (a dropped comment line) say nothing more than one.
      if (tokens.length && tokens[tokens.length - 1] !== EOL_TOKEN) {
        tokens.push(EOL_TOKEN);
        leafOfToken.push(i);
      }
      continue;
    }
    const kind = leaves[i].kind;
    const parts = kind === 'name' || kind === 'literal' ? splitPlaceholder(text) : undefined;
    if (parts) {
      tokens.push(parts[0], parts[1]);
      leafOfToken.push(i, i);
    } else if (text) {
      tokens.push(text);
      leafOfToken.push(i);
    }
  }
  return { tokens, leafOfToken };
}

export function encodeTokens(tokens: string[]): number[] {
  return tokens.map(encodeToken);
}
