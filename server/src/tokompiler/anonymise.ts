/**
 * Step 1 of Tokompiler: every name and literal becomes `class_N`. The class of a name is decided from all its
 * occurrences in its scope, as the reference decides it: the later class wins in the order
 * arg, var, arr, func, field, type, num, char, str, except that a name that is ever a parameter is never a var or a
 * func. Unlike the reference, numbers are not random: they count up in order of first appearance, per class, per
 * scope (the file, or each function with `scope: function`), so the same code always gives the same tokens.
 *
 * More names in a class than the vocabulary has numbers (0–1000) do not fail the file: they go on being numbered
 * (`var_1001`, …), so the code and the mapping stay reversible, but those numbers are outside the vocabulary and
 * encode as [UNK]; the result counts them in `overflow`.
 */
import { NAME_CLASSES, type NameClass, type ParsedSource } from './types';
import { MAX_NUMBER } from './vocab';

export type ScopeMode = 'file' | 'function';
export type CommentMode = 'drop' | 'keep';

/** Placeholder → original text, for the file level and for each function (by index in `ParsedSource.scopes`). */
export interface Mapping {
  scope: ScopeMode;
  file: Record<string, string>;
  functions: Record<string, string>[];
}

export interface Anonymised {
  /** For each leaf of the parsed source: its text after anonymisation (`var_3`), or undefined when it is dropped. */
  texts: (string | undefined)[];
  mapping: Mapping;
  overflow: number;
}

const ORDER = new Map<NameClass, number>(NAME_CLASSES.map((c, i) => [c, i]));

/** The class of a name from the set of roles its occurrences suggest (see the file comment). */
export function decideClass(roles: Set<NameClass>): NameClass {
  let best: NameClass | undefined;
  for (const role of roles) {
    if (roles.has('arg') && (role === 'var' || role === 'func')) continue;
    if (best === undefined || ORDER.get(role)! > ORDER.get(best)!) best = role;
  }
  return best ?? 'var';
}

export function anonymise(parsed: ParsedSource, scopeMode: ScopeMode, comments: CommentMode): Anonymised {
  // Fortran names are case-insensitive: `N` and `n` are one name.
  const key = parsed.language === 'fortran' ? (t: string) => t.toLowerCase() : (t: string) => t;
  const scopeOf = (s: number) => (scopeMode === 'function' ? s : -1);
  const roles = new Map<number, Map<string, Set<NameClass>>>();
  for (const leaf of parsed.leaves) {
    if ((leaf.kind !== 'name' && leaf.kind !== 'literal') || !leaf.role) continue;
    const s = scopeOf(leaf.scope);
    let names = roles.get(s);
    if (!names) roles.set(s, (names = new Map()));
    const k = key(leaf.text);
    let set = names.get(k);
    if (!set) names.set(k, (set = new Set()));
    set.add(leaf.role);
  }
  const mapping: Mapping = { scope: scopeMode, file: {}, functions: parsed.scopes.map(() => ({})) };
  const assigned = new Map<number, Map<string, string>>();
  const counters = new Map<number, Map<NameClass, number>>();
  let overflow = 0;
  const texts = parsed.leaves.map((leaf): string | undefined => {
    if (leaf.kind === 'comment') return comments === 'keep' ? leaf.text : undefined;
    if ((leaf.kind !== 'name' && leaf.kind !== 'literal') || !leaf.role) return leaf.text;
    const s = scopeOf(leaf.scope);
    let names = assigned.get(s);
    if (!names) assigned.set(s, (names = new Map()));
    const k = key(leaf.text);
    const known = names.get(k);
    if (known) return known;
    const cls = decideClass(roles.get(s)!.get(k)!);
    let count = counters.get(s);
    if (!count) counters.set(s, (count = new Map()));
    const n = count.get(cls) ?? 0;
    count.set(cls, n + 1);
    if (n > MAX_NUMBER) overflow++;
    const placeholder = `${cls}_${n}`;
    names.set(k, placeholder);
    (s < 0 ? mapping.file : mapping.functions[s])[placeholder] = leaf.text;
    return placeholder;
  });
  return { texts, mapping, overflow };
}

const PLACEHOLDER = new RegExp(`^(${NAME_CLASSES.join('|')})_(\\d+)$`);

/** `var_12` → ['var', '12']; anything else → undefined. */
export function splitPlaceholder(text: string): [NameClass, string] | undefined {
  const m = PLACEHOLDER.exec(text);
  return m ? [m[1] as NameClass, m[2]] : undefined;
}
