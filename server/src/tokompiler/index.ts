/**
 * The Tokompiler engine's entry points: `tokompile` (source → anonymised code, tokens, ids, mapping) and
 * `detokompile` (tokens + mapping → source with the user's names). Front ends load lazily and are cached.
 */
import { anonymise, type CommentMode, type Mapping, type ScopeMode, splitPlaceholder } from './anonymise';
import { formatC } from './formatC';
import { createFortran, formatFortranTokens } from './fortranBridge';
import { type TokompilerLanguage, REBUILDABLE, UnknownLanguageError } from './languages';
import { EOL_TOKEN, encodeTokens, lexicalise } from './lexicalise';
import { createTreeSitterFrontEnd } from './treeSitter/frontEnd';
import { NAME_CLASSES, type FrontEnd, type NameClass, type ParsedSource } from './types';
import { UNK_ID } from './vocab';

export type { CommentMode, Mapping, ScopeMode };

export interface TokompileOptions {
  scope?: ScopeMode;
  comments?: CommentMode;
}

export interface TokompileResult {
  language: TokompilerLanguage;
  /**
   * The source with every name and literal replaced by its placeholder (`var_3`); layout kept, dropped comments gone.
   * Built on first read (counting never needs it).
   */
  readonly code: string;
  tokens: string[];
  ids: number[];
  mapping: Mapping;
  /** For each token, the UTF-16 range in the source of the leaf it came from (two numbers per token). */
  sourceRanges: Int32Array;
  /** Regions the parser could not parse; their text is kept verbatim. */
  errors: { start: number; end: number }[];
  /** Names numbered past the vocabulary's 1,000 (their number encodes as [UNK]). */
  overflow: number;
  /** Tokens that encode as [UNK]. */
  unknown: number;
  parsed: ParsedSource;
  /** For each leaf of `parsed`, its text after anonymisation (undefined: dropped); for each token, its leaf. */
  texts: (string | undefined)[];
  leafOfToken: number[];
  options: Required<TokompileOptions>;
}

const frontEnds = new Map<TokompilerLanguage, Promise<FrontEnd>>();

export function loadFrontEnd(language: TokompilerLanguage): Promise<FrontEnd> {
  let loading = frontEnds.get(language);
  if (!loading) {
    if (language === 'fortran' || language === 'fortran-fixed') loading = Promise.resolve(createFortran(language));
    else loading = createTreeSitterFrontEnd(language);
    loading.catch(() => frontEnds.delete(language));
    frontEnds.set(language, loading);
  }
  return loading;
}

export async function tokompile(source: string, language: TokompilerLanguage, options: TokompileOptions = {}): Promise<TokompileResult> {
  return tokompileWith(await loadFrontEnd(language), language, source, options);
}

/** The synchronous core, for a front end already loaded. */
export function tokompileWith(frontEnd: FrontEnd, language: TokompilerLanguage, source: string, options: TokompileOptions = {}): TokompileResult {
  const parsed = frontEnd.parse(source);
  const opts = { scope: options.scope ?? 'file', comments: options.comments ?? 'drop' };
  const { texts, mapping, overflow } = anonymise(parsed, opts.scope, opts.comments);
  const { tokens, leafOfToken } = lexicalise(parsed.leaves, texts);
  const ids = encodeTokens(tokens);
  const sourceRanges = new Int32Array(2 * tokens.length);
  leafOfToken.forEach((leaf, i) => {
    sourceRanges[2 * i] = parsed.leaves[leaf].start;
    sourceRanges[2 * i + 1] = parsed.leaves[leaf].end;
  });
  return withLazyCode(
    { language, tokens, ids, mapping, sourceRanges, errors: parsed.errors, overflow, unknown: countUnknown(ids), parsed, texts, leafOfToken, options: opts },
    source,
  );
}

/** Adds `code`, rendered from `source` and the result's leaves on first read. */
export function withLazyCode(result: Omit<TokompileResult, 'code'>, source: string): TokompileResult {
  let code: string | undefined;
  return Object.defineProperty(result, 'code', {
    enumerable: true,
    get: () => (code ??= renderCode(source, result.parsed, result.texts)),
  }) as TokompileResult;
}

export function countUnknown(ids: number[]): number {
  let n = 0;
  for (const id of ids) if (id === UNK_ID) n++;
  return n;
}

/** The source with each leaf's anonymised text in place of its own; layout kept, dropped comments removed. */
export function renderCode(source: string, parsed: ParsedSource, texts: (string | undefined)[]): string {
  const parts: string[] = [];
  let at = 0;
  parsed.leaves.forEach((leaf, i) => {
    if (leaf.kind === 'eol' || texts[i] === leaf.text) return;
    parts.push(source.slice(at, leaf.start), texts[i] ?? '');
    at = leaf.end;
  });
  parts.push(source.slice(at));
  return parts.join('');
}

/**
 * Lexicalisation alone, of code whose names are already placeholders (the reference's `lexicalize`, as used on
 * MonoCoder's `replaced` records): leaves as written, placeholders split, nothing renamed.
 */
export async function lexicaliseOnly(source: string, language: TokompilerLanguage, comments: CommentMode = 'drop'): Promise<{ tokens: string[]; ids: number[] }> {
  const parsed = (await loadFrontEnd(language)).parse(source);
  const texts = parsed.leaves.map((leaf) => (leaf.kind === 'comment' && comments === 'drop' ? undefined : leaf.text));
  const { tokens } = lexicalise(parsed.leaves, texts);
  return { tokens, ids: encodeTokens(tokens) };
}

/** Tokens as they come from the lexicaliser (or a model): `var`, `3` pairs joined back into placeholders. */
export function joinPlaceholders(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if ((NAME_CLASSES as readonly string[]).includes(tokens[i]) && /^\d+$/.test(tokens[i + 1] ?? '')) {
      out.push(`${tokens[i]}_${tokens[i + 1]}`);
      i++;
    } else out.push(tokens[i]);
  }
  return out;
}

/**
 * Rebuilds source from tokens and the mapping tokompile returned: the tokens are laid out as code (our formatting),
 * parsed again to find which function each placeholder lies in, and every placeholder is replaced by the user's name
 * from that scope's mapping. A placeholder the mapping does not know (a model made it up) gets a fresh readable name
 * (`var7`, `func2`; `0`, `""`, `' '` for literals) that clashes with no mapped name.
 */
export async function detokompile(tokens: string[], mapping: Mapping, language: TokompilerLanguage): Promise<string> {
  if (!REBUILDABLE.has(language)) throw new UnknownLanguageError(`rebuilding ${language} source (detokompile supports ${[...REBUILDABLE].join(', ')})`);
  const words = joinPlaceholders(tokens);
  const laidOut = language === 'c' || language === 'cpp' ? formatC(words) : formatFortranTokens(words);
  // Fixed-form input comes back free-form, so it is read back as free form.
  const parsed = (await loadFrontEnd(language === 'fortran-fixed' ? 'fortran' : language)).parse(laidOut);
  const taken = new Set([...Object.values(mapping.file), ...mapping.functions.flatMap((m) => Object.values(m))]);
  const fresh = new Map<string, string>();
  // Each placeholder leaf, in order, with the name it stands for in its scope.
  const names: { start: number; end: number; name: string }[] = [];
  for (const leaf of parsed.leaves) {
    const parts = leaf.kind === 'name' || leaf.kind === 'literal' ? splitPlaceholder(leaf.text) : undefined;
    if (!parts) continue;
    const scoped = mapping.scope === 'function' && leaf.scope >= 0 ? mapping.functions[leaf.scope]?.[leaf.text] : undefined;
    let name: string | undefined = scoped ?? mapping.file[leaf.text] ?? fresh.get(leaf.text);
    if (name === undefined) {
      name = freshName(parts[0], parts[1], taken);
      fresh.set(leaf.text, name);
    }
    names.push({ start: leaf.start, end: leaf.end, name });
  }
  if (language === 'fortran' || language === 'fortran-fixed') {
    // Fortran lines have a length limit: lay the tokens out again with the names in, so lines wrap where they must.
    const placeholders = words.filter((w) => splitPlaceholder(w));
    if (placeholders.length === names.length) {
      let k = 0;
      return formatFortranTokens(words.map((w) => (splitPlaceholder(w) ? names[k++].name : w)));
    }
  }
  let out = '';
  let at = 0;
  for (const { start, end, name } of names) {
    out += laidOut.slice(at, start) + name;
    at = end;
  }
  return out + laidOut.slice(at);
}

function freshName(cls: NameClass, n: string, taken: Set<string>): string {
  if (cls === 'num') return '0';
  if (cls === 'str') return '""';
  if (cls === 'char') return "' '";
  let name = `${cls}${n}`;
  while (taken.has(name)) name += '_';
  taken.add(name);
  return name;
}

export { EOL_TOKEN };
