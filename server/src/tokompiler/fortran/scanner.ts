/**
 * The Fortran scanner: statements from the lexer → leaves with kinds and roles, scopes and error regions.
 *
 * Pass 1 walks the statements in order (`statements.ts` and friends) and settles what position alone says:
 * keywords, declared names, dummy arguments, fields, types. Occurrences whose role depends on declarations that may
 * come later (`a(i)`: array or function? `sum`: intrinsic or variable?) are marked pending with the unit they lie
 * in; pass 2 resolves them against the finished symbol tables. Both passes are linear in the number of tokens.
 */

import type { Leaf, LeafKind, NameClass, ParsedSource, Scope } from '../types';
import type { Lexed, RawToken } from './rawTokens';
import { Pending, SymbolTables, resolvePending, type Sym } from './symbols';

export type UnitKind = 'program' | 'module' | 'proc' | 'iface' | 'blockdata';

/** What encloses the current statement: program units, interface blocks and derived-type definitions. */
export type Frame =
  | { kind: 'unit'; unit: number; unitKind: UnitKind; contains: boolean; scope: number; implicit?: boolean }
  | { kind: 'interface' }
  | { kind: 'type'; contains: boolean };

export class Scan {
  readonly kind: LeafKind[];
  readonly role: (NameClass | undefined)[];
  readonly pend: Uint8Array;
  readonly aux: Int32Array;
  readonly unitOf: Int32Array;
  readonly sym = new SymbolTables();
  readonly frames: Frame[] = [];
  readonly scopes: Scope[] = [];
  readonly errors: { start: number; end: number }[] = [];

  // The statement being scanned: its token indices (without the eos), and matching brackets by position.
  t: number[] = [];
  n = 0;
  eos = 0;
  private close: number[] = [];
  /** The statement cannot be parsed; its region goes into `errors`. */
  bad = false;
  /** Lowercased word texts by token, filled on first use (handlers ask for the same words many times). */
  private readonly lows: (string | undefined)[];

  constructor(
    readonly src: string,
    readonly tokens: RawToken[],
  ) {
    const n = tokens.length;
    this.kind = new Array<LeafKind>(n);
    this.role = new Array<NameClass | undefined>(n);
    this.pend = new Uint8Array(n);
    this.aux = new Int32Array(n);
    this.unitOf = new Int32Array(n);
    this.lows = new Array<string | undefined>(n);
    for (let i = 0; i < n; i++) {
      const tk = tokens[i];
      switch (tk.kind) {
        case 'word':
          this.kind[i] = 'name';
          this.role[i] = 'var';
          break;
        case 'num':
          this.kind[i] = 'literal';
          this.role[i] = 'num';
          break;
        case 'str':
          this.kind[i] = 'literal';
          this.role[i] = 'str';
          break;
        case 'dotop': {
          const w = src.slice(tk.start, tk.end).toLowerCase();
          this.kind[i] = w.startsWith('.true.') || w.startsWith('.false.') ? 'keyword' : 'punct';
          break;
        }
        case 'punct':
          this.kind[i] = 'punct';
          break;
        case 'comment':
          this.kind[i] = 'comment';
          break;
        case 'sentinel':
        case 'cpp':
          this.kind[i] = 'directive';
          break;
        case 'eos':
          this.kind[i] = 'eol';
          break;
        case 'bad':
          this.kind[i] = 'error';
          break;
      }
    }
  }

  /** Makes `toks` (ending with its eos) the current statement. */
  load(toks: number[], broken: boolean): void {
    this.t = toks.slice(0, -1);
    this.n = this.t.length;
    this.eos = toks[toks.length - 1];
    this.bad = broken;
    // Brackets by position; an unbalanced statement is an error region, and unmatched openers get -1.
    const close = new Array<number>(this.n).fill(-1);
    const stack: number[] = [];
    for (let p = 0; p < this.n; p++) {
      const tk = this.tokens[this.t[p]];
      if (tk.kind !== 'punct') continue;
      const c = this.src.charCodeAt(tk.start);
      const len = tk.end - tk.start;
      if ((c === 40 && len <= 2) || c === 91) stack.push(p); // ( (/ [
      else if (c === 41 || c === 93 || (c === 47 && len === 2 && this.src.charCodeAt(tk.start + 1) === 41)) {
        const o = stack.pop();
        if (o === undefined) this.bad = true;
        else close[o] = p;
      }
    }
    if (stack.length > 0) this.bad = true;
    this.close = close;
  }

  text(p: number): string {
    const tk = this.tokens[this.t[p]];
    return tk ? this.src.slice(tk.start, tk.end) : '';
  }

  /** The lowercased word at `p`, or '' when `p` holds no word. */
  low(p: number): string {
    if (p < 0 || p >= this.n) return '';
    const i = this.t[p];
    const tk = this.tokens[i];
    return tk.kind === 'word' ? this.lowerOf(i) : '';
  }

  private lowerOf(i: number): string {
    let w = this.lows[i];
    if (w === undefined) {
      const tk = this.tokens[i];
      w = this.lows[i] = this.src.slice(tk.start, tk.end).toLowerCase();
    }
    return w;
  }

  isWord(p: number): boolean {
    return p >= 0 && p < this.n && this.tokens[this.t[p]].kind === 'word';
  }

  isP(p: number, s: string): boolean {
    if (p < 0 || p >= this.n) return false;
    const tk = this.tokens[this.t[p]];
    return tk.kind === 'punct' && tk.end - tk.start === s.length && this.src.startsWith(s, tk.start);
  }

  isKind(p: number, kind: RawToken['kind']): boolean {
    return p >= 0 && p < this.n && this.tokens[this.t[p]].kind === kind;
  }

  /** The position of the bracket closing the one at `p`, or `n` when it is missing. */
  match(p: number): number {
    const m = this.close[p];
    return m === undefined || m < 0 ? this.n : m;
  }

  /** The next position at or after `from`, before `to`, holding `s` outside brackets; `to` if none. */
  find(from: number, to: number, s: string): number {
    for (let p = from; p < to; p++) {
      if (this.isP(p, s)) return p;
      if (this.isP(p, '(') || this.isP(p, '(/') || this.isP(p, '[')) p = this.match(p);
    }
    return to;
  }

  /** Splits [from, to) at top-level commas. */
  items(from: number, to: number): [number, number][] {
    const out: [number, number][] = [];
    let s = from;
    for (let p = from; p < to; p++) {
      if (this.isP(p, ',')) {
        out.push([s, p]);
        s = p + 1;
      } else if (this.isP(p, '(') || this.isP(p, '(/') || this.isP(p, '[')) p = Math.min(this.match(p), to - 1);
    }
    if (s < to) out.push([s, to]);
    return out;
  }

  set(p: number, kind: LeafKind, role?: NameClass): void {
    if (p < 0 || p >= this.n) return;
    const i = this.t[p];
    this.kind[i] = kind;
    this.role[i] = role;
    this.pend[i] = Pending.None;
  }

  /** Marks `p` as a keyword when it is a word (so that callers need not check). */
  kw(p: number): void {
    if (this.isWord(p)) this.set(p, 'keyword');
  }

  name(p: number, role: NameClass): void {
    if (this.isWord(p)) this.set(p, 'name', role);
  }

  pending(p: number, what: Pending, aux = 0): void {
    if (!this.isWord(p)) return;
    const i = this.t[p];
    this.kind[i] = 'name';
    this.role[i] = 'var';
    this.pend[i] = what;
    this.aux[i] = aux;
    this.unitOf[i] = this.unit();
  }

  /** The unit the current statement belongs to (0: the file, outside every unit). */
  unit(): number {
    for (let f = this.frames.length - 1; f >= 0; f--) {
      const fr = this.frames[f];
      if (fr.kind === 'unit') return fr.unit;
    }
    return 0;
  }

  inType(): (Frame & { kind: 'type' }) | undefined {
    const top = this.frames[this.frames.length - 1];
    return top?.kind === 'type' ? top : undefined;
  }

  declare(p: number, props: Sym, unit = this.unit()): void {
    if (this.isWord(p)) this.sym.declare(unit, this.low(p), props);
  }

  /** Whether the brackets opened at `p` hold a `:` at their top level (a substring or array section). */
  hasTopColon(p: number): boolean {
    const m = this.match(p);
    for (let q = p + 1; q < m; q++) {
      if (this.isP(q, ':')) return true;
      if (this.isP(q, '(') || this.isP(q, '(/') || this.isP(q, '[')) q = this.match(q);
    }
    return false;
  }

  /**
   * Roles of the names in an expression [from, to). `callee` is the token of the call whose parentheses the range
   * lies in (for keyword arguments), or -1.
   */
  expr(from: number, to: number, callee = -1): void {
    const stack: number[] = callee >= 0 ? [callee] : [];
    let lastCall = -1;
    for (let p = from; p < to; p++) {
      const tk = this.tokens[this.t[p]];
      if (tk.kind === 'punct') {
        const c = this.src.charCodeAt(tk.start);
        const len = tk.end - tk.start;
        if ((c === 40 && len <= 2) || c === 91) stack.push(c === 40 && len === 1 && lastCall === p - 1 ? this.t[p - 1] : -1);
        else if (c === 41 || c === 93 || (c === 47 && len === 2 && this.src.charCodeAt(tk.start + 1) === 41)) stack.pop();
        continue;
      }
      if (tk.kind !== 'word') continue;
      if (this.isP(p - 1, '%')) {
        this.name(p, 'field');
        if (this.isP(p + 1, '(')) lastCall = p;
      } else if (this.isP(p + 1, '=') && stack.length > 0 && stack[stack.length - 1] >= 0) {
        this.pending(p, Pending.Kwarg, stack[stack.length - 1]);
      } else if (this.isP(p + 1, '(') && p + 1 < to) {
        this.pending(p, Pending.Call, this.hasTopColon(p + 1) ? 1 : 0);
        lastCall = p;
      } else {
        this.pending(p, Pending.Ref);
      }
    }
  }

  /** Records the current statement as an error region when it is bad. */
  finishStatement(): void {
    if (!this.bad || this.n === 0) return;
    this.errors.push({ start: this.tokens[this.t[0]].start, end: this.tokens[this.eos].end });
  }

  openScope(name: string | undefined, start: number): number {
    this.scopes.push({ name, start, end: this.src.length });
    return this.scopes.length - 1;
  }

  /** Pass 2: pending occurrences against the finished symbol tables, in source order (callees before kwargs). */
  resolve(): void {
    for (let i = 0; i < this.tokens.length; i++) {
      const what = this.pend[i] as Pending;
      if (what === Pending.None) continue;
      const name = this.lowerOf(i);
      const sym = what === Pending.Kwarg ? undefined : this.sym.lookup(this.unitOf[i], name);
      const calleeKind = what === Pending.Kwarg ? this.kind[this.aux[i]] : undefined;
      const r = resolvePending(what, this.aux[i], sym, name, calleeKind);
      this.kind[i] = r.kind;
      this.role[i] = r.role;
    }
  }

  result(language: string): ParsedSource {
    const errors = this.errors.slice().sort((a, b) => a.start - b.start || a.end - b.end);
    const leaves: Leaf[] = new Array(this.tokens.length);
    let si = 0;
    let ei = 0;
    for (let i = 0; i < this.tokens.length; i++) {
      const { start, end } = this.tokens[i];
      const kind = this.kind[i];
      const leaf: Leaf = { text: this.src.slice(start, end), start, end, kind, scope: -1 };
      if (kind === 'name' || kind === 'literal') leaf.role = this.role[i];
      while (si < this.scopes.length && start > this.scopes[si].end) si++;
      if (si < this.scopes.length && start >= this.scopes[si].start && end <= this.scopes[si].end) leaf.scope = si;
      while (ei < errors.length && errors[ei].end < start) ei++;
      for (let e = ei; e < errors.length && errors[e].start <= start; e++) {
        if (end <= errors[e].end) {
          leaf.broken = true;
          break;
        }
      }
      if (kind === 'error') leaf.broken = true;
      leaves[i] = leaf;
    }
    return { language, leaves, scopes: this.scopes, errors };
  }
}

/** The raw statements of `lexed` → a ParsedSource. */
export function scanFortran(
  src: string,
  lexed: Lexed,
  scanStatement: (s: Scan, kind: Lexed['statements'][number]['kind']) => void,
  finish: (s: Scan) => void,
): Scan {
  const s = new Scan(src, lexed.tokens);
  for (const st of lexed.statements) {
    s.load(st.toks, st.broken);
    scanStatement(s, st.kind);
    s.finishStatement();
  }
  finish(s);
  s.resolve();
  return s;
}
