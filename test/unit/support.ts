/** Shared helpers for the unit tests: where the shared data is, and seeded random text. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../server/src/tokenizers/paths';

/** `../shared/data/<rel>` if present, else undefined (tests then skip with a message saying so). */
export function sharedData(rel: string): string | undefined {
  const p = join(projectRoot(), '..', 'shared', 'data', rel);
  return existsSync(p) ? p : undefined;
}

export const SKIP_NO_SHARED = '../shared/data is absent (a checkout outside the team machines)';

export function readShared(rel: string): string | undefined {
  const p = sharedData(rel);
  return p ? readFileSync(p, 'utf8') : undefined;
}

/** Seeded random numbers for the tests (Mulberry32). */
export { mulberry32 as rng } from '../../server/src/util/random';

const WORDS = ['the', 'The', 'THE', 'function', 'return', 'don\'t', "I'M", "we'll", "they're", "you've", "it's", 'naïve', 'café', 'Straße', 'über', 'ÉCOLE', 'x', 'i', 'foo_bar', 'fooBar', 'HTTPServer', 'parseJSON', '§', '§§', 'U.S.C.', '(a)', '(iv)', '1776', '3.14159', '1,000,000', '0x1F', 'e.g.', 'etc.'];
const SNIPPETS = ['    ', '\t', '\n', '\r\n', '\n\n', '  \n', ' \n\n  ', '\n\t\t', '//', '/*', '*/', '#', '=>', '===', '!==', '{', '}', '(', ')', '[', ']', ';', ',', '.', '...', ':', '::', '->', '<|endoftext|>', '<|fim_prefix|>', '"', "'", '`', '\\', '@', '$', '%', '^', '&', '*', '-', '+', '=', '?', '!', '~', '|'];
/** Code points drawn from long-assigned blocks (Unicode versions differ on recent ones). */
const RANGES: Array<[number, number]> = [
  [0x20, 0x7e], [0xa0, 0xff], [0x100, 0x17f], [0x180, 0x24f], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff], [0x530, 0x58f], [0x5d0, 0x5ea],
  [0x620, 0x64a], [0x660, 0x669], [0x900, 0x97f], [0xe01, 0xe3a], [0xe40, 0xe5b], [0x1100, 0x11ff], [0x2000, 0x206f], [0x20a0, 0x20bf], [0x2100, 0x214f],
  [0x2190, 0x21ff], [0x2200, 0x22ff], [0x2500, 0x257f], [0x3000, 0x303f], [0x3041, 0x3096], [0x30a1, 0x30fa], [0x4e00, 0x9fa5], [0xac00, 0xd7a3],
  [0xff01, 0xff5e], [0xfb01, 0xfb06], [0x1f300, 0x1f5ff], [0x1f600, 0x1f64f], [0x1f680, 0x1f6c5], [0x1d400, 0x1d7ff], [0x20000, 0x2a6d6],
];
const SPECIAL_CHARS = ['\u200d', '\ufe0f', '\ufeff', '\u00ad', '\u2028', '\u0085', '\u3000', '\u00a0', '\u0000', '\u017f', '\u0130', '\u212a'];

/** Random text mixing words, code, whitespace runs, CRLF, digits, contractions and Unicode of many scripts. */
export function randomText(rand: () => number, length: number, options: { loneSurrogates?: boolean; normalizationStable?: boolean } = {}): string {
  let s = '';
  while (s.length < length) {
    const r = rand();
    if (r < 0.25) s += WORDS[Math.floor(rand() * WORDS.length)];
    else if (r < 0.45) s += SNIPPETS[Math.floor(rand() * SNIPPETS.length)];
    else if (r < 0.5) s += ' ';
    else if (r < 0.55) s += String(Math.floor(rand() * 10 ** Math.floor(rand() * 12)));
    else if (r < 0.6) s += ' '.repeat(1 + Math.floor(rand() * 6));
    else if (r < 0.63) {
      const ch = SPECIAL_CHARS[Math.floor(rand() * SPECIAL_CHARS.length)];
      if (!options.normalizationStable || ch.normalize('NFKC') === ch) s += ch;
    }
    else if (r < 0.64 && options.loneSurrogates) s += String.fromCharCode(0xd800 + Math.floor(rand() * 0x800));
    else {
      const [lo, hi] = RANGES[Math.floor(rand() * RANGES.length)];
      const n = 1 + Math.floor(rand() * 6);
      for (let i = 0; i < n; i++) {
        const ch = String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
        // Characters NFKC changes, and combining marks (which can reorder), make normalisers rewrite the text.
        if (options.normalizationStable && (ch.normalize('NFKC') !== ch || /\p{M}/u.test(ch))) continue;
        s += ch;
      }
    }
  }
  return s;
}

export function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
