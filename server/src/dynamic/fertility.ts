/**
 * Identifier fertility: names (code) and legal/financial terms (prose) that the active tokenizer splits into many
 * tokens — at least 4 and at least twice the document's median — with their cost in other tokenizers. Information,
 * not a rename: the only fix offered is a cheaper spelling that keeps the meaning, i.e. when the same name or term
 * appears in several casings (`parseJson` / `parseJSON`, `Force Majeure` / `force majeure`), the majority spelling,
 * with the exact saving. In code such a rename is offered but never safe: different casings may be different symbols.
 *
 * Counts are of the name alone (code: as written; prose: after a space, how terms appear in running text). The
 * Tokompiler spells every name as two tokens (`var`, `12`: README, The Tokompiler), whatever its length.
 */
import { findDomainItems } from '../domain/terms';
import type { Tokenizer } from '../tokenizers/types';
import type { DocContext } from './context';
import type { Suggestion, TextEdit } from './types';

export const MIN_TOKENS = 4;
export const MEDIAN_FACTOR = 2;
/** Distinct names priced at most (a minified file can hold hundreds of thousands). */
const MAX_NAMES = 20_000;

interface Name {
  text: string;
  starts: number[];
  tokens: number;
}

function collect(ctx: DocContext): { names: Map<string, Name>; prefix: string } {
  const names = new Map<string, Name>();
  const add = (text: string, start: number) => {
    let n = names.get(text);
    if (!n) {
      if (names.size >= MAX_NAMES) return;
      names.set(text, (n = { text, starts: [], tokens: 0 }));
    }
    n.starts.push(start);
  };
  if (ctx.kind === 'code') {
    // Whole identifiers, letters of any script: `naïveParse` is one name, never its fragment `veParse`.
    const re = /(?<![\p{L}\p{N}_$])[\p{L}_$][\p{L}\p{N}_$]*/gu;
    for (let m = re.exec(ctx.text); m; m = re.exec(ctx.text)) if (m[0].length > 2) add(m[0], m.index);
    return { names, prefix: '' };
  }
  for (const item of findDomainItems(ctx.text)) if (item.kind === 'term') add(item.text, item.start);
  return { names, prefix: ' ' };
}

export function fertilitySuggestions(ctx: DocContext, others: readonly Tokenizer[]): Suggestion[] {
  const { names, prefix } = collect(ctx);
  if (names.size === 0) return [];
  const tok = ctx.tok;
  for (const n of names.values()) n.tokens = tok.count(prefix + n.text);
  const sorted = [...names.values()].map((n) => n.tokens).sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  const threshold = Math.max(MIN_TOKENS, MEDIAN_FACTOR * median);
  const out: Suggestion[] = [];
  for (const n of names.values()) {
    if (n.tokens < threshold) continue;
    const data: Record<string, number | string | boolean> = { occurrences: n.starts.length, median };
    for (const o of others) if (o.name !== tok.name) data[o.name] = o.count(prefix + n.text);
    if (ctx.kind === 'code') data.tokompiler = 2;
    const elsewhere = others.filter((o) => o.name !== tok.name).map((o) => `${o.name} ${data[o.name]}`);
    if (ctx.kind === 'code') elsewhere.push('tokompiler 2');
    out.push({
      kind: 'identifier',
      code: 'identifier.fertility',
      start: n.starts[0],
      end: n.starts[0] + n.text.length,
      message: `"${n.text}" is ${n.tokens} tokens in ${tok.name} (document median ${median}), ${n.starts.length}× in this document${elsewhere.length ? `; ${elsewhere.join(', ')}` : ''}`,
      tokensBefore: n.tokens * n.starts.length,
      data,
    });
  }
  out.push(...casingSuggestions(ctx, names));
  return out;
}

/** Spellings of one name that differ only in case: the minority ones that cost more, rewritten in the majority one. */
function casingSuggestions(ctx: DocContext, names: Map<string, Name>): Suggestion[] {
  const groups = new Map<string, Name[]>();
  for (const n of names.values()) {
    const key = n.text.toLowerCase();
    const g = groups.get(key);
    if (g) g.push(n);
    else groups.set(key, [n]);
  }
  const out: Suggestion[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    for (const n of g) if (n.tokens === 0) n.tokens = ctx.tok.count((ctx.kind === 'code' ? '' : ' ') + n.text);
    const major = [...g].sort((a, b) => b.starts.length - a.starts.length || a.tokens - b.tokens)[0];
    if (major.starts.length < 2) continue;
    for (const n of g) {
      if (n === major || n.starts.length >= major.starts.length || n.tokens <= major.tokens) continue;
      const edits: TextEdit[] = n.starts.map((s) => ({ start: s, end: s + n.text.length, newText: major.text }));
      const c = ctx.cost(edits);
      if (c.after >= c.before) continue;
      out.push({
        kind: 'identifier',
        code: 'identifier.casing',
        start: n.starts[0],
        end: n.starts[0] + n.text.length,
        message: `"${n.text}" (${n.starts.length}×) is written "${major.text}" ${major.starts.length}× elsewhere in this document; the majority spelling saves ${c.before - c.after} tokens${ctx.kind === 'code' ? ' (rename only if they are the same symbol)' : ''}`,
        tokensBefore: c.before,
        tokensAfter: c.after,
        edits,
        safe: false,
        data: { occurrences: n.starts.length, majority: major.text },
      });
    }
  }
  return out;
}
