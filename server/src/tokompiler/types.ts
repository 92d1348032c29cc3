/**
 * The seams of the Tokompiler engine (a code tokenizer after "Scope is all you need", Kadosh et al. 2023):
 *
 *   source ──front end──▶ ParsedSource (leaves with roles, scopes, errors)
 *          ──anonymise──▶ names mapped to `class N` by scope and precedence
 *          ──lexicalise─▶ tokens (a name `var_12` becomes `var`, `12`) ──encode──▶ ids in the closed vocabulary
 *
 * A front end knows one language: tree-sitter grammars (C, C++, Python, …) or our own Fortran scanner. Everything after
 * the front end is language-independent.
 */

/** The classes a name or literal is anonymised into, in the reference's order (later wins; see `classes.ts`). */
export const NAME_CLASSES = ['arg', 'var', 'arr', 'func', 'field', 'type', 'num', 'char', 'str'] as const;
export type NameClass = (typeof NAME_CLASSES)[number];

/**
 * What a leaf is:
 * - `name`: an identifier that is anonymised (its `role` says as what);
 * - `literal`: a number, character or string literal, anonymised by value (`role` num / char / str);
 * - `keyword`: language keywords, built-in type names, standard library names, intrinsic functions: verbatim;
 * - `punct`: operators and punctuation: verbatim;
 * - `directive`: a word of a preprocessor line or an OpenMP/OpenACC directive (`#pragma`, `omp`, `parallel`,
 *   `!$omp`, …): verbatim. Names inside directive clauses (`private(i)`) are `name` leaves with role `var`, so they
 *   get the same number as in the code;
 * - `comment`: a whole comment, one leaf (dropped or kept by the `comments` mode);
 * - `error`: text the front end could not make sense of, verbatim (also listed in `ParsedSource.errors`);
 * - `eol`: the end of a line where the language needs one to rebuild compilable code — after a Fortran statement or a
 *   C preprocessor line (`text` is '' and start === end). The lexicaliser writes it as `[SEP]`.
 */
export type LeafKind = 'name' | 'literal' | 'keyword' | 'punct' | 'directive' | 'comment' | 'error' | 'eol';

export interface Leaf {
  /** The leaf's source text, as written (case included; the encoder lowercases). */
  text: string;
  /** UTF-16 offsets in the source. */
  start: number;
  end: number;
  kind: LeafKind;
  /** For `name` and `literal` leaves: the class this occurrence suggests. */
  role?: NameClass;
  /** Index into `ParsedSource.scopes` of the function this leaf lies in, or -1 outside every function. */
  scope: number;
  /** True when the leaf lies in a region the parser could not parse. */
  broken?: boolean;
}

/** A function (or Fortran program unit): with `scope: function`, numbering restarts in each. */
export interface Scope {
  /** The function's name as written, when it has one. */
  name?: string;
  /** UTF-16 offsets of the whole definition in the source. */
  start: number;
  end: number;
}

export interface ParsedSource {
  /** The language id the front end parsed as (`c`, `cpp`, `fortran`, …). */
  language: string;
  /** Every leaf in source order; together with the white space between them they cover the source. */
  leaves: Leaf[];
  /** Top-level functions in source order (nested functions belong to their outermost one). */
  scopes: Scope[];
  /** Regions the parser could not parse: tree-sitter ERROR / MISSING nodes, unrecognised Fortran statements. */
  errors: { start: number; end: number }[];
}

/** A parser for one language. Loading (a grammar's WASM) is asynchronous; parsing is synchronous. */
export interface FrontEnd {
  readonly language: string;
  parse(source: string): ParsedSource;
}
