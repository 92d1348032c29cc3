/**
 * Re-tokompiling after an edit. With `scope: function` a function's tokens depend on nothing outside it (numbering
 * restarts in each), so an edit inside one function body re-tokompiles that function's text alone and splices its
 * tokens, mapping and leaves into the previous result. Whenever that shortcut could differ from a full run — the edit
 * touches a function's boundary, the function alone does not parse as exactly one function, or has parts outside it
 * (a C++ `template <…>` header) — it returns undefined and the caller runs the whole file.
 */
import { type TokompileResult, countUnknown, tokompileWith, withLazyCode } from './index';
import type { FrontEnd, Scope } from './types';

export interface Edit {
  start: number;
  end: number;
  /** Length of the inserted text. */
  inserted: number;
}

export function retokompileFunction(frontEnd: FrontEnd, previous: TokompileResult, source: string, edit: Edit): TokompileResult | undefined {
  if (previous.options.scope !== 'function') return undefined;
  const { parsed } = previous;
  const k = parsed.scopes.findIndex((s) => edit.start > s.start && edit.end < s.end);
  if (k < 0) return undefined;
  const delta = edit.inserted - (edit.end - edit.start);
  const old = parsed.scopes[k];
  const text = source.slice(old.start, old.end + delta);
  const alone = tokompileWith(frontEnd, previous.language, text, previous.options);
  if (alone.parsed.scopes.length !== 1 || alone.errors.length > 0) return undefined;
  if (alone.parsed.scopes[0].start !== 0 || alone.parsed.scopes[0].end !== text.length) return undefined;
  if (alone.parsed.leaves.some((l) => l.scope !== 0)) return undefined;

  // The previous result's leaves and tokens of function k form one run each.
  const firstLeaf = parsed.leaves.findIndex((l) => l.scope === k);
  let endLeaf = firstLeaf;
  while (endLeaf < parsed.leaves.length && parsed.leaves[endLeaf].scope === k) endLeaf++;
  if (firstLeaf < 0) return undefined;
  for (let i = endLeaf; i < parsed.leaves.length; i++) if (parsed.leaves[i].scope === k) return undefined;
  const firstToken = previous.leafOfToken.findIndex((leaf) => leaf >= firstLeaf);
  const from = firstToken < 0 ? previous.tokens.length : firstToken;
  let to = from;
  while (to < previous.tokens.length && previous.leafOfToken[to] < endLeaf) to++;
  // An end of line between two runs may be dropped or kept by lexicalise's "no two in a row": re-run in that case.
  if (previous.tokens[from - 1] === '[SEP]' && alone.tokens[0] === '[SEP]') return undefined;
  if (previous.tokens[to] === '[SEP]' && alone.tokens[alone.tokens.length - 1] === '[SEP]') return undefined;

  // The previous result is spliced in place (it is replaced by this one): the arrays keep their identity, and only
  // what lies after the function moves, by `delta` characters and by the difference in leaves.
  const newLeaves = alone.parsed.leaves.map((l) => ({ ...l, start: l.start + old.start, end: l.end + old.start, scope: k }));
  const leaves = parsed.leaves;
  const leafShift = newLeaves.length - (endLeaf - firstLeaf);
  leaves.splice(firstLeaf, endLeaf - firstLeaf, ...newLeaves);
  for (let i = firstLeaf + newLeaves.length; i < leaves.length; i++) {
    leaves[i].start += delta;
    leaves[i].end += delta;
  }
  previous.texts.splice(firstLeaf, endLeaf - firstLeaf, ...alone.texts);
  previous.tokens.splice(from, to - from, ...alone.tokens);
  previous.ids.splice(from, to - from, ...alone.ids);
  const leafOfToken = previous.leafOfToken;
  leafOfToken.splice(from, to - from, ...alone.leafOfToken.map((l) => l + firstLeaf));
  for (let i = from + alone.tokens.length; i < leafOfToken.length; i++) leafOfToken[i] += leafShift;
  const sourceRanges = new Int32Array(2 * leafOfToken.length);
  sourceRanges.set(previous.sourceRanges.subarray(0, 2 * from));
  for (let i = from; i < leafOfToken.length; i++) {
    const leaf = leaves[leafOfToken[i]];
    sourceRanges[2 * i] = leaf.start;
    sourceRanges[2 * i + 1] = leaf.end;
  }
  const scopes: Scope[] = parsed.scopes.map((s, i) => (i < k ? s : i === k ? { ...s, end: s.end + delta, name: alone.parsed.scopes[0].name } : { ...s, start: s.start + delta, end: s.end + delta }));
  const functions = [...previous.mapping.functions];
  functions[k] = alone.mapping.functions[0];
  const errors = parsed.errors
    .filter((e) => e.end <= old.start || e.start >= old.end)
    .map((e) => (e.start >= old.end ? { start: e.start + delta, end: e.end + delta } : e));
  const newParsed = { ...parsed, leaves, scopes, errors };
  const overflow = previous.overflow - overflowOf(previous.mapping.functions[k]) + alone.overflow;
  return withLazyCode(
    {
      language: previous.language,
      tokens: previous.tokens,
      ids: previous.ids,
      mapping: { ...previous.mapping, functions },
      sourceRanges,
      errors,
      overflow,
      unknown: countUnknown(previous.ids),
      parsed: newParsed,
      texts: previous.texts,
      leafOfToken,
      options: previous.options,
    },
    source,
  );
}

/** Names numbered past the vocabulary in one scope's mapping. */
function overflowOf(map: Record<string, string> | undefined): number {
  let n = 0;
  for (const key of Object.keys(map ?? {})) if (Number(key.slice(key.lastIndexOf('_') + 1)) > 1000) n++;
  return n;
}
