/**
 * What the per-document rules share: the document's lines, its language family, and exact token costs of local
 * edits. A cost is measured on the lines an edit touches — those lines (with their line breaks) encoded before and
 * after — which is the document's own difference whenever the lines start at the tokenizer's restart points (see
 * `Tokenizer.restartRule`); the rare merge across a line start that is not one is the limit of this measure.
 */
import type { Tokenizer } from '../tokenizers/types';
import type { TextEdit } from './types';

export type DocumentKind = 'code' | 'prose';

export class DocContext {
  readonly lineStarts: number[];
  private readonly lineCounts = new Map<number, number>();

  constructor(
    readonly text: string,
    readonly tok: Tokenizer,
    readonly languageId: string,
  ) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  get kind(): DocumentKind {
    return documentKind(this.languageId);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line holding UTF-16 offset `pos` (binary search). */
  lineOf(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Line `k` with its line break: `[start, end)`. */
  lineRange(k: number): [number, number] {
    return [this.lineStarts[k], k + 1 < this.lineStarts.length ? this.lineStarts[k + 1] : this.text.length];
  }

  /** Line `k` without its line break (and without a CR before it). */
  lineText(k: number): string {
    const [s, e] = this.lineRange(k);
    let end = e;
    if (end > s && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > s && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(s, end);
  }

  /** Tokens of lines [a, b] with their line breaks (cached per single line). */
  linesTokens(a: number, b: number): number {
    if (a === b) {
      const hit = this.lineCounts.get(a);
      if (hit !== undefined) return hit;
    }
    const n = this.tok.count(this.text.slice(this.lineRange(a)[0], this.lineRange(b)[1]));
    if (a === b) this.lineCounts.set(a, n);
    return n;
  }

  /** Whether a pre-token boundary of the o200k/cl100k/Llama 3 patterns lies at `p` (see `cost`). */
  private isCut(p: number): boolean {
    const t = this.text;
    return t.charCodeAt(p) === 32 && p > 0 && !/\s/.test(t[p - 1]) && /\p{L}/u.test(t[p + 1] ?? '');
  }

  private cutBefore(p: number, floor: number): number {
    for (let q = Math.max(p, floor); q > floor; q--) if (this.isCut(q)) return q;
    return floor;
  }

  private cutAfter(p: number, ceil: number): number {
    for (let q = Math.min(p, ceil); q < ceil; q++) if (this.isCut(q)) return q;
    return ceil;
  }

  /**
   * Exact tokens of the lines the edits touch, before and after them. Edits are grouped into runs of touched lines;
   * edits must not overlap.
   */
  cost(edits: readonly TextEdit[]): { before: number; after: number } {
    const sorted = [...edits].sort((x, y) => x.start - y.start);
    let before = 0;
    let after = 0;
    let i = 0;
    while (i < sorted.length) {
      const a = this.lineOf(sorted[i].start);
      let b = this.lineOf(Math.max(sorted[i].start, sorted[i].end - 1));
      let j = i + 1;
      while (j < sorted.length && this.lineOf(sorted[j].start) <= b) {
        b = Math.max(b, this.lineOf(Math.max(sorted[j].start, sorted[j].end - 1)));
        j++;
      }
      const [s] = this.lineRange(a);
      const [, e] = this.lineRange(b);
      const group = sorted.slice(i, j);
      const lines = this.linesTokens(a, b);
      before += lines;
      const from = group[0].start;
      const to = Math.max(...group.map((x) => x.end));
      if (e - s > LONG_LINE && this.tok.restartRule === 'line') {
        // A long line (the legal corpus has lines of 70,000 tokens): only a window around the edits is re-encoded,
        // cut where a pre-token must end for these patterns — before a space that follows a non-blank and precedes
        // a letter (" word" is always its own pre-token) — so the difference is the line's difference.
        const ws = this.cutBefore(from - WINDOW, s);
        const we = this.cutAfter(to + WINDOW, e);
        const win = this.text.slice(ws, we);
        after += lines - this.tok.count(win) + this.tok.count(applyEdits(win, group, ws));
      } else after += this.tok.count(applyEdits(this.text.slice(s, e), group, s));
      i = j;
    }
    return { before, after };
  }
}

const LONG_LINE = 4096;
const WINDOW = 256;

/** Applies non-overlapping edits (offsets relative to `origin` in the text they were made for). */
export function applyEdits(text: string, edits: readonly TextEdit[], origin = 0): string {
  const sorted = [...edits].sort((x, y) => x.start - y.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    const s = e.start - origin;
    if (s < at) throw new Error(`overlapping edits at ${e.start}`);
    out += text.slice(at, s) + e.newText;
    at = e.end - origin;
  }
  return out + text.slice(at);
}

const PROSE = new Set(['plaintext', 'markdown', 'latex', 'restructuredtext', 'asciidoc', 'legal', 'text', 'org']);

export function documentKind(languageId: string): DocumentKind {
  return PROSE.has(languageId) ? 'prose' : 'code';
}

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'typescriptreact', js: 'javascript', mjs: 'javascript', cjs: 'javascript',
  jsx: 'javascriptreact', py: 'python', pyi: 'python', rs: 'rust', java: 'java', cs: 'csharp', go: 'go', kt: 'kotlin', kts: 'kotlin',
  swift: 'swift', rb: 'ruby', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', f: 'fortran', f90: 'fortran',
  f95: 'fortran', json: 'json', yaml: 'yaml', yml: 'yaml', toml: 'toml', sh: 'shellscript', css: 'css', html: 'html', xml: 'xml',
  sql: 'sql', md: 'markdown', markdown: 'markdown', txt: 'plaintext', text: 'plaintext', rst: 'restructuredtext', tex: 'latex',
  adoc: 'asciidoc', org: 'org',
};

/** VS Code's language id for a file name ('plaintext' when unknown). */
export function languageOfPath(path: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  return (m && BY_EXTENSION[m[1].toLowerCase()]) || 'plaintext';
}

/**
 * Whether UTF-16 offset `col` of a code line lies inside a string literal or a line comment, by a cheap scan of the
 * line from its start (quotes ' " ` with backslash escapes; `//` and `#` comments). Strings spanning lines (template
 * literals, Python's triple quotes, C's block comments) are not seen: the documented limit.
 */
export function inStringOrComment(line: string, col: number, languageId: string): boolean {
  const hashComments = languageId === 'python' || languageId === 'ruby' || languageId === 'shellscript' || languageId === 'yaml' || languageId === 'toml';
  let quote = '';
  for (let i = 0; i < col && i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/' && !hashComments) return true;
    else if (c === '#' && hashComments) return true;
  }
  return quote !== '';
}

const BACKTICK_LANGS = new Set(['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'go']);
const TRIPLE_LANGS = new Set(['python']);

/** Whether linesInsideStrings sees this language's multi-line strings (elsewhere a line's end may be inside one). */
export function multiLineStringsScanned(languageId: string): boolean {
  return BACKTICK_LANGS.has(languageId) || TRIPLE_LANGS.has(languageId);
}

/**
 * For each line, whether it ends inside a multi-line string — a JS/TS/Go template or raw string (backticks) or a
 * Python triple-quoted string — where trailing white space is part of the value. A cheap scan: quotes inside
 * comments or other strings can fool it (then a line is only wrongly kept out of the fix-all, or, rarely, the other way).
 */
export function linesInsideStrings(ctx: DocContext): Uint8Array {
  const flags = new Uint8Array(ctx.lineCount);
  const ticks = BACKTICK_LANGS.has(ctx.languageId);
  const triple = TRIPLE_LANGS.has(ctx.languageId);
  if (!ticks && !triple) return flags;
  let open = '';
  for (let k = 0; k < ctx.lineCount; k++) {
    const line = ctx.lineText(k);
    let quote = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (open) {
        if (c === '\\') i++;
        else if (ticks && c === '`') open = '';
        else if (triple && line.startsWith(open, i)) {
          open = '';
          i += 2;
        }
      } else if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
      } else if (ticks && c === '`') open = '`';
      else if (triple && (line.startsWith('"""', i) || line.startsWith("'''", i))) {
        open = line.slice(i, i + 3);
        i += 2;
      } else if (c === '"' || c === "'") quote = c;
      else if ((c === '/' && line[i + 1] === '/') || (c === '#' && triple)) break;
    }
    flags[k] = open ? 1 : 0;
  }
  return flags;
}
