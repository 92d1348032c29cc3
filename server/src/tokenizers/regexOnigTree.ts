/**
 * The syntax tree `regexOnig.ts` reads an Oniguruma pattern into, its character-class helpers (POSIX brackets, case
 * expansion of ranges), and its writer back out as a JavaScript `u`-mode
 * pattern (with Oniguruma's simple case folding spelled out as classes, since Node 20 has no inline `(?i:…)`).
 */

export interface Quant {
  min: number;
  max: number; // Infinity when unbounded
  lazy: boolean;
}

export type Atom =
  | { kind: 'char'; cp: number; ci: boolean }
  /** Anything consuming one character from a set, already in JavaScript syntax. */
  | { kind: 'set'; js: string }
  /** Zero-width: anchors, word boundaries. */
  | { kind: 'assert'; js: string }
  | { kind: 'backref'; js: string }
  | { kind: 'group'; open: string; body: Alt };

export interface Item {
  atom: Atom;
  quant: Quant | null;
}

export interface Alt {
  options: Item[][];
}

export class OnigSyntaxError extends Error {}

/** Writes a tree from `parseOnig` as a JavaScript pattern for the `u` flag. */
export function emitJs(alt: Alt): string {
  return alt.options.map((seq) => seq.map(emitItem).join('')).join('|');
}

function emitItem(item: Item): string {
  const atom = emitAtom(item.atom);
  const q = item.quant;
  if (q === null) return atom;
  let text: string;
  if (q.min === 0 && q.max === Infinity) text = '*';
  else if (q.min === 1 && q.max === Infinity) text = '+';
  else if (q.min === 0 && q.max === 1) text = '?';
  else if (q.min === q.max) text = `{${q.min}}`;
  else text = q.max === Infinity ? `{${q.min},}` : `{${q.min},${q.max}}`;
  return atom + text + (q.lazy ? '?' : '');
}

function emitAtom(atom: Atom): string {
  switch (atom.kind) {
    case 'char': {
      if (!atom.ci) return escapeChar(atom.cp);
      const variants = caseVariants(atom.cp);
      return variants.length === 1 ? escapeChar(atom.cp) : `[${variants.map(classChar).join('')}]`;
    }
    case 'set':
    case 'assert':
    case 'backref':
      return atom.js;
    case 'group':
      return atom.open + emitJs(atom.body) + ')';
  }
}

function escapeChar(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x20) {
    return String.fromCharCode(cp);
  }
  return classChar(cp);
}

/** `\u{…}` is valid for any code point in and out of classes in `u` mode, so nothing needs special escaping. */
export function classChar(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Extra simple case-folding partners that upper/lowercasing alone does not reach from the ASCII/Latin-1 side. */
const FOLD_EXTRAS: Record<number, number[]> = {
  0x4b: [0x212a],
  0x6b: [0x212a],
  0x53: [0x17f],
  0x73: [0x17f],
  0xc5: [0x212b],
  0xe5: [0x212b],
  0xb5: [0x39c, 0x3bc],
  0x39c: [0xb5],
  0x3bc: [0xb5],
};

/** Code points that match `cp` case-insensitively (simple folding), `cp` first. */
export function caseVariants(cp: number): number[] {
  const out = [cp];
  const add = (s: string): void => {
    const c = s.codePointAt(0) as number;
    if (s.length === String.fromCodePoint(c).length && !out.includes(c)) out.push(c);
  };
  const ch = String.fromCodePoint(cp);
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  add(lower);
  add(upper);
  add(upper.toLowerCase());
  add(lower.toUpperCase());
  for (const extra of FOLD_EXTRAS[cp] ?? []) if (!out.includes(extra)) out.push(extra);
  return out;
}

/** Oniguruma's POSIX `[:word:]` body (see WORD_BODY in regexOnig.ts for `\w`). */
export const POSIX_WORD_BODY = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}';

export function posixClass(name: string, negated: boolean, parser: { pos: number }): string {
  // Oniguruma's Unicode meanings, checked against HF's binding.
  const positive: Record<string, string> = {
    alpha: '\\p{Alphabetic}',
    alnum: '\\p{Alphabetic}\\p{Nd}',
    digit: '\\p{Nd}',
    upper: '\\p{Uppercase}',
    lower: '\\p{Lowercase}',
    space: '\\p{White_Space}',
    blank: '\\p{Zs}\\t',
    cntrl: '\\p{Cc}',
    punct: '\\p{P}\\p{S}',
    xdigit: '0-9a-fA-F',
    word: POSIX_WORD_BODY,
  };
  const negative: Record<string, string> = {
    alpha: '\\P{Alphabetic}',
    digit: '\\P{Nd}',
    upper: '\\P{Uppercase}',
    lower: '\\P{Lowercase}',
    space: '\\P{White_Space}',
    cntrl: '\\P{Cc}',
  };
  const result = negated ? negative[name] : positive[name];
  if (result === undefined) {
    throw new OnigSyntaxError(`POSIX bracket [:${negated ? '^' : ''}${name}:] at ${parser.pos} is not supported`);
  }
  return result;
}

/** Case partners of the code points in `ranges`, as single-code-point ranges (for `(?i)` classes). */
export function caseRanges(ranges: Array<[number, number]>, parser: { pos: number }): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let budget = 5000;
  for (const [lo, hi] of ranges) {
    budget -= hi - lo + 1;
    if (budget < 0) {
      throw new OnigSyntaxError(`case-insensitive class before ${parser.pos} is too large to expand`);
    }
    for (let cp = lo; cp <= hi; cp++) {
      for (const v of caseVariants(cp)) if (v < lo || v > hi) out.push([v, v]);
    }
  }
  return out;
}
