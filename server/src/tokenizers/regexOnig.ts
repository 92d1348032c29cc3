/**
 * Reads an Oniguruma (Ruby syntax) pattern — what Hugging Face `tokenizers` compiles `Regex` patterns with — into a
 * small syntax tree, and writes that tree out as a JavaScript `u`-mode pattern with the same meaning where that is
 * feasible. Used by `regexGuard.ts`, which also inspects the tree for catastrophic backtracking.
 *
 * Translated because the two dialects disagree (Oniguruma meaning on the left):
 *  - `\d` = \p{Nd}; `\w` = Alphabetic, marks, Nd, Pc and ²³¹¼½¾ (see WORD_BODY); `\s` =
 *    \p{White_Space}; `\h` = hex digit; `\b`/`\B` use that `\w`.
 *    (JavaScript's `\d`, `\w`, `\b` are ASCII-only and its `\s` adds U+FEFF but misses U+0085.)
 *  - `.` excludes only `\n`; `^`/`$` are always line anchors (at `\n` only); `\A`, `\z`, `\Z` are text anchors.
 *  - `(?i:…)`, `(?i)`, `(?-i)`: JavaScript (Node 20) has no inline modifiers, so letters become classes (`k` →
 *    `[kK\u212A]`, simple case folding). `(?m)` is Ruby's dot-all. `(?i)` mid-group covers the rest of the group,
 *    later alternatives included, as in Oniguruma.
 *  - `\x{HHHH}`, `\p{^L}`, `\p{Han}` (bare script names), `{,n}`, `X{n}?` (= `(?:X{n})?` in Ruby syntax), literal `{`,
 *    `}` and `]`, identity escapes like `\'`, nested classes `[a[b]]` (union), POSIX `[:digit:]`-style brackets.
 * Rejected with an error: atomic groups, possessive quantifiers, `{n,m}+`, class intersection `&&`, `\G`, `\K`, `\X`,
 * `(?x)`, negated nested classes, and other things JavaScript cannot express. Not emulated: Oniguruma's multi-char
 * case folds (`ß` ~ `ss` under `(?i)`) and case-insensitive `\p{…}`.
 */

import { type Alt, type Atom, caseRanges, classChar, type Item, OnigSyntaxError, POSIX_WORD_BODY, posixClass, type Quant } from './regexOnigTree';

export { type Alt, type Atom, caseVariants, emitJs, type Item, OnigSyntaxError, type Quant } from './regexOnigTree';

interface Flags {
  ci: boolean;
  dotAll: boolean;
}

/**
 * Oniguruma's Unicode word characters (checked against HF's binding over the first three planes): Alphabetic, marks,
 * decimal digits and connector punctuation; and, for `\w`/`\b`/`\p{Word}` but not `[[:word:]]`, the Latin-1
 * digits ² ³ ¹ ¼ ½ ¾, which its Latin-1 ctype table marks as word characters.
 */
const WORD_BODY = POSIX_WORD_BODY + '\\u00b2\\u00b3\\u00b9\\u00bc-\\u00be';
const WORD = `[${WORD_BODY}]`;
const NOT_WORD = `[^${WORD_BODY}]`;


/** Parses an Oniguruma pattern; throws `OnigSyntaxError` for syntax this module cannot carry over. */
export function parseOnig(source: string): Alt {
  const parser = new Parser(source);
  const alt = parser.alt({ ci: false, dotAll: false });
  if (parser.pos < source.length) throw new OnigSyntaxError(`unbalanced ')' at ${parser.pos}`);
  return alt;
}

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  private fail(message: string): never {
    throw new OnigSyntaxError(message);
  }

  alt(flags: Flags): Alt {
    const src = this.src;
    const options: Item[][] = [];
    let seq: Item[] = [];
    while (this.pos < src.length) {
      const ch = src[this.pos];
      if (ch === '|') {
        options.push(seq);
        seq = [];
        this.pos++;
        continue;
      }
      if (ch === ')') break;
      const inline = /^\(\?([imx]*)(?:-([imx]*))?\)/.exec(src.slice(this.pos, this.pos + 12));
      if (inline !== null) {
        // `(?i)`: the rest of the enclosing group, later alternatives too, is one group under the new flags.
        this.pos += inline[0].length;
        const body = this.alt(this.flagsFrom(flags, inline[1], inline[2] ?? ''));
        seq.push({ atom: { kind: 'group', open: '(?:', body }, quant: null });
        continue;
      }
      const item = this.item(flags);
      if (item !== null) seq.push(item);
    }
    options.push(seq);
    return { options };
  }

  private flagsFrom(flags: Flags, on: string, off: string): Flags {
    if (on.includes('x') || off.includes('x')) this.fail('extended mode (?x) is not supported');
    return {
      ci: on.includes('i') ? true : off.includes('i') ? false : flags.ci,
      dotAll: on.includes('m') ? true : off.includes('m') ? false : flags.dotAll,
    };
  }

  private item(flags: Flags): Item | null {
    const atom = this.atom(flags);
    if (atom === null) return null;
    const quant = this.quant();
    if (quant === null) return { atom, quant: null };
    if (atom.kind === 'assert') this.fail('a quantifier on an anchor or look-around is not supported');
    const next = this.src[this.pos];
    if (next === '+') {
      this.fail(
        quant.lazy || this.src[this.pos - 1] === '}'
          ? 'a quantifier followed by + (Oniguruma reads it as a nested repeat) is not supported'
          : 'possessive quantifiers (*+, ++, ?+) are not supported',
      );
    }
    if (this.exactThenOptional) {
      // Ruby syntax: `X{n}?` is `(?:X{n})?`, not a lazy `{n}`.
      const inner: Item = { atom, quant: { min: quant.min, max: quant.max, lazy: false } };
      return { atom: { kind: 'group', open: '(?:', body: { options: [[inner]] } }, quant: { min: 0, max: 1, lazy: false } };
    }
    if (next === '*' || next === '?' || (next === '{' && this.intervalAt(this.pos) !== null)) {
      this.fail('stacked quantifiers are not supported');
    }
    return { atom, quant };
  }

  /** Parses `{n}`, `{n,}`, `{,m}`, `{n,m}` at `at`; null if it is not one (then `{` is a literal in Oniguruma). */
  private intervalAt(at: number): { min: number; max: number; length: number; comma: boolean } | null {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.src.slice(at, at + 24));
    if (m === null || (m[1] === '' && m[3] === '')) return null;
    if (m[2] === '' && m[3] !== '') return null;
    const min = m[1] === '' ? 0 : Number(m[1]);
    const max = m[2] === '' ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (max < min) this.fail(`bad interval ${m[0]}`);
    if (min > 100000 || (max !== Infinity && max > 100000)) this.fail(`interval ${m[0]} is too large`);
    return { min, max, length: m[0].length, comma: m[2] === ',' };
  }

  /** Set by `quant()`: the last quantifier was `{n}?`, which Ruby syntax reads as `(?:X{n})?`. */
  private exactThenOptional = false;

  private quant(): Quant | null {
    const ch = this.src[this.pos];
    let min: number;
    let max: number;
    let exact = false;
    if (ch === '*' || ch === '+' || ch === '?') {
      min = ch === '+' ? 1 : 0;
      max = ch === '?' ? 1 : Infinity;
      this.pos++;
    } else if (ch === '{') {
      const interval = this.intervalAt(this.pos);
      if (interval === null) return null;
      ({ min, max } = interval);
      exact = !interval.comma;
      this.pos += interval.length;
    } else {
      return null;
    }
    const lazy = this.src[this.pos] === '?';
    if (lazy) this.pos++;
    this.exactThenOptional = exact && lazy;
    return { min, max, lazy };
  }

  private atom(flags: Flags): Atom | null {
    const src = this.src;
    const ch = src[this.pos];
    switch (ch) {
      case '(':
        return this.group(flags);
      case '[':
        return { kind: 'set', js: this.classAtom(flags) };
      case '.':
        this.pos++;
        return { kind: 'set', js: flags.dotAll ? '[\\s\\S]' : '[^\\n]' };
      case '^':
        this.pos++;
        return { kind: 'assert', js: '(?<![^\\n])' };
      case '$':
        this.pos++;
        return { kind: 'assert', js: '(?![^\\n])' };
      case '\\':
        return this.escape(flags);
      case '*':
      case '+':
      case '?':
        return this.fail(`nothing to repeat at ${this.pos}`);
      case '{':
        if (this.intervalAt(this.pos) !== null) this.fail(`nothing to repeat at ${this.pos}`);
        break;
    }
    const cp = src.codePointAt(this.pos) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return { kind: 'char', cp, ci: flags.ci };
  }

  private group(flags: Flags): Atom | null {
    const src = this.src;
    this.pos++;
    let open = '(';
    let inner = flags;
    if (src[this.pos] === '?') {
      const rest = src.slice(this.pos + 1, this.pos + 40);
      let m: RegExpExecArray | null;
      let consumed: number; // after the '?'
      if (rest.startsWith(':')) {
        open = '(?:';
        consumed = 1;
      } else if (rest.startsWith('=') || rest.startsWith('!')) {
        open = '(?' + rest[0];
        consumed = 1;
      } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
        open = '(?' + rest.slice(0, 2);
        consumed = 2;
      } else if ((m = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest)) !== null) {
        open = `(?<${m[1] ?? m[2]}>`;
        consumed = m[0].length;
      } else if ((m = /^([imx]*)(?:-([imx]*))?:/.exec(rest)) !== null) {
        open = '(?:';
        inner = this.flagsFrom(flags, m[1], m[2] ?? '');
        consumed = m[0].length;
      } else if (rest.startsWith('#')) {
        const close = src.indexOf(')', this.pos);
        if (close < 0) this.fail('unterminated comment group');
        this.pos = close + 1;
        return null;
      } else if (rest.startsWith('>')) {
        return this.fail('atomic groups (?>…) are not supported');
      } else {
        return this.fail(`unsupported group syntax '(?${rest.slice(0, 3)}'`);
      }
      this.pos += 1 + consumed;
    }
    const body = this.alt(inner);
    if (src[this.pos] !== ')') this.fail('missing )');
    this.pos++;
    return { kind: 'group', open, body };
  }

  private escape(flags: Flags): Atom {
    const src = this.src;
    const c = src[this.pos + 1];
    if (c === undefined) this.fail('pattern ends with a backslash');
    this.pos += 2;
    switch (c) {
      case 'd':
        return { kind: 'set', js: '\\p{Nd}' };
      case 'D':
        return { kind: 'set', js: '\\P{Nd}' };
      case 'w':
        return { kind: 'set', js: WORD };
      case 'W':
        return { kind: 'set', js: NOT_WORD };
      case 's':
        return { kind: 'set', js: '\\p{White_Space}' };
      case 'S':
        return { kind: 'set', js: '\\P{White_Space}' };
      case 'h':
        return { kind: 'set', js: '[0-9a-fA-F]' };
      case 'H':
        return { kind: 'set', js: '[^0-9a-fA-F]' };
      case 'b':
        return { kind: 'assert', js: `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))` };
      case 'B':
        return { kind: 'assert', js: `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))` };
      case 'A':
        return { kind: 'assert', js: '(?<![\\s\\S])' };
      case 'z':
        return { kind: 'assert', js: '(?![\\s\\S])' };
      case 'Z':
        return { kind: 'assert', js: '(?=\\n?(?![\\s\\S]))' };
      case 'R':
        return { kind: 'set', js: '(?:\\r\\n|[\\n\\v\\f\\r\\x85\\u2028\\u2029])' };
      case 'N':
        return { kind: 'set', js: '[^\\n]' };
      case 'O':
        return { kind: 'set', js: '[\\s\\S]' };
      case 'p':
      case 'P':
        return { kind: 'set', js: this.property(c === 'P', false) };
      case 'k': {
        const m = /^(?:<([A-Za-z_]\w*|\d+)>|'([A-Za-z_]\w*|\d+)')/.exec(src.slice(this.pos, this.pos + 40));
        if (m === null) this.fail('bad \\k backreference');
        this.pos += m[0].length;
        const name = m[1] ?? m[2];
        return { kind: 'backref', js: /^\d+$/.test(name) ? `(?:\\${name})` : `(?:\\k<${name}>)` };
      }
    }
    if (c >= '1' && c <= '9') {
      const m = /^\d+/.exec(src.slice(this.pos - 1)) as RegExpExecArray;
      this.pos += m[0].length - 1;
      // Wrapped so that a following digit cannot extend the group number and a quantifier applies to all of it.
      return { kind: 'backref', js: `(?:\\${m[0]})` };
    }
    this.pos -= 2;
    return { kind: 'char', cp: this.escapedChar(false), ci: flags.ci };
  }

  /** A backslash escape that stands for one character (at `this.pos`, the backslash); consumes it. */
  private escapedChar(inClass: boolean): number {
    const src = this.src;
    const c = src[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7, e: 27 };
    if (simple[c] !== undefined) return simple[c];
    if (inClass && c === 'b') return 8;
    let m: RegExpExecArray | null;
    const rest = src.slice(this.pos, this.pos + 12);
    if (c === 'x') {
      if ((m = /^\{([0-9a-fA-F]{1,8})\}/.exec(rest)) !== null || (m = /^([0-9a-fA-F]{1,2})/.exec(rest)) !== null) {
        this.pos += m[0].length;
        const cp = parseInt(m[1], 16);
        if (cp > 0x10ffff) this.fail(`code point \\x{${m[1]}} out of range`);
        return cp;
      }
      this.fail('bad \\x escape');
    }
    if (c === 'u') {
      if ((m = /^[0-9a-fA-F]{4}/.exec(rest)) === null) this.fail('bad \\u escape');
      this.pos += 4;
      return parseInt(m[0], 16);
    }
    if (c === '0') {
      m = /^[0-7]{0,2}/.exec(rest) as RegExpExecArray;
      this.pos += m[0].length;
      return m[0] === '' ? 0 : parseInt(m[0], 8);
    }
    if (c === 'c') {
      const x = src.charCodeAt(this.pos);
      if (Number.isNaN(x)) this.fail('bad \\c escape');
      this.pos++;
      return x & 0x1f;
    }
    const cp = src.codePointAt(this.pos - 1) as number;
    if (cp < 0x80 && /[A-Za-z0-9]/.test(c)) this.fail(`unsupported escape \\${c}`);
    if (cp > 0xffff) this.pos++;
    return cp;
  }

  /** `\p{Name}`, `\p{^Name}`, `\P{Name}` at `this.pos` (just past `\p`); returns a JavaScript class item or set. */
  private property(negated: boolean, inClass: boolean): string {
    const m = /^\{(\^?)([A-Za-z0-9_ =-]+)\}/.exec(this.src.slice(this.pos, this.pos + 64));
    if (m === null) this.fail('bad \\p{…} property');
    this.pos += m[0].length;
    const neg = negated !== (m[1] === '^');
    const name = m[2].replace(/[ _-]/g, '').toLowerCase() === 'word' ? 'Word' : m[2];
    if (name === 'Word') {
      if (inClass && neg) this.fail('negated \\p{Word} inside a class is not supported');
      return inClass ? WORD_BODY : neg ? NOT_WORD : WORD;
    }
    const cap = name.charAt(0).toUpperCase() + name.slice(1).toLowerCase();
    for (const candidate of [name, cap, `Script=${name}`, `Script=${cap}`]) {
      try {
        new RegExp(`\\p{${candidate}}`, 'u');
        return `\\${neg ? 'P' : 'p'}{${candidate}}`;
      } catch {
        // try the next spelling
      }
    }
    return this.fail(`unknown Unicode property \\p{${m[2]}}`);
  }

  /** A bracket class at `this.pos`; returns it in JavaScript syntax. */
  private classAtom(flags: Flags): string {
    const parsed = this.classBody(flags);
    return `[${parsed.negated ? '^' : ''}${parsed.body}]`;
  }

  private classBody(flags: Flags): { negated: boolean; body: string } {
    const src = this.src;
    this.pos++; // '['
    const negated = src[this.pos] === '^';
    if (negated) this.pos++;
    const ranges: Array<[number, number]> = [];
    const sets: string[] = [];
    let first = true;
    for (;;) {
      if (this.pos >= src.length) this.fail('unterminated character class');
      const ch = src[this.pos];
      if (ch === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (src.startsWith('&&', this.pos)) this.fail('character class intersection (&&) is not supported');
      if (ch === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(this.pos, this.pos + 16));
        if (posix !== null) {
          this.pos += posix[0].length;
          sets.push(posixClass(posix[2], posix[1] === '^', this));
        } else {
          const nested = this.classBody(flags);
          if (nested.negated) this.fail('a negated class nested in a class is not supported');
          sets.push(nested.body);
        }
        continue;
      }
      const lo = this.classItem();
      if (typeof lo === 'string') {
        sets.push(lo);
        continue;
      }
      if (src[this.pos] === '-' && this.pos + 1 < src.length && src[this.pos + 1] !== ']') {
        this.pos++;
        const hi = this.classItem();
        if (typeof hi === 'string') this.fail('a range cannot end in a set like \\d or \\p{…}');
        if (hi < lo) this.fail('character class range out of order');
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    if (flags.ci) ranges.push(...caseRanges(ranges, this));
    const body = ranges.map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`)).join('');
    return { negated, body: body + sets.join('') };
  }

  /** One class member: a code point, or a set already in class-body syntax. */
  private classItem(): number | string {
    const src = this.src;
    if (src[this.pos] !== '\\') {
      const cp = src.codePointAt(this.pos) as number;
      this.pos += cp > 0xffff ? 2 : 1;
      return cp;
    }
    const c = src[this.pos + 1];
    const sets: Record<string, string> = {
      d: '\\p{Nd}',
      D: '\\P{Nd}',
      s: '\\p{White_Space}',
      S: '\\P{White_Space}',
      w: WORD_BODY,
      h: '0-9a-fA-F',
    };
    if (sets[c] !== undefined) {
      this.pos += 2;
      return sets[c];
    }
    if (c === 'W' || c === 'H') this.fail(`\\${c} inside a class is not supported`);
    if (c === 'p' || c === 'P') {
      this.pos += 2;
      return this.property(c === 'P', true);
    }
    return this.escapedChar(true);
  }
}
