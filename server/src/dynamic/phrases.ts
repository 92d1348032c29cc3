/**
 * Superword phrases in prose: word sequences of 2–5 words, separated by single spaces on one line, that recur (at
 * least 3 times) — "pursuant to section", "the Secretary of the Treasury". The saving is what making each phrase one
 * token would save, measured on the document's own encoding: per occurrence, the tokens that cover it minus one,
 * counted only where the phrase's ends are token boundaries (elsewhere one token could not replace them without
 * changing a neighbour). Phrases inside a longer listed phrase with as many occurrences are dropped, and so are
 * phrases of short words only ("of the", "in a").
 */
import type { DocContext } from './context';
import type { Suggestion } from './types';

export const MIN_OCCURRENCES = 3;
const MAX_WORDS = 5;

export interface Phrase {
  text: string;
  occurrences: number;
  /** Tokens per occurrence (the median over occurrences that are whole tokens). */
  tokens: number;
  saving: number;
  starts: number[];
}

export function findPhrases(ctx: DocContext, limit = 20, enc?: { offsets: Uint32Array }): Phrase[] {
  const { text } = ctx;
  // Words of every line as ids (same text, same id), with their UTF-16 ranges and whether a single space precedes.
  const word = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
  const wordIds = new Map<string, number>();
  const lines: Array<{ ids: Int32Array; ranges: Int32Array; spaced: Uint8Array }> = [];
  for (let k = 0; k < ctx.lineCount; k++) {
    const line = ctx.lineText(k);
    const base = ctx.lineStarts[k];
    const ids: number[] = [];
    const ranges: number[] = [];
    for (let m = word.exec(line); m; m = word.exec(line)) {
      let id = wordIds.get(m[0]);
      if (id === undefined) wordIds.set(m[0], (id = wordIds.size));
      ids.push(id);
      ranges.push(base + m.index, base + m.index + m[0].length);
    }
    if (ids.length < 2) continue;
    const spaced = new Uint8Array(ids.length);
    for (let q = 1; q < ids.length; q++) spaced[q] = ranges[2 * q] === ranges[2 * q - 1] + 1 && text.charCodeAt(ranges[2 * q - 1]) === 32 ? 1 : 0;
    lines.push({ ids: Int32Array.from(ids), ranges: Int32Array.from(ranges), spaced });
  }
  // Apriori over numeric keys: an n-word phrase can occur MIN_OCCURRENCES times only if its first n − 1 words do, so
  // n-grams are extended only from frequent prefixes; gram ids stand for frequent prefixes (key = prefix × 2^22 + word).
  const SHIFT = 4194304;
  let gid = lines.map((l) => Int32Array.from(l.ids));
  let nextGram = 0;
  const starts = new Map<number, number[]>();
  const ends = new Map<number, number>();
  for (let n = 2; n <= MAX_WORDS; n++) {
    const counts = new Map<number, number>();
    lines.forEach((l, li) => {
      const g = gid[li];
      for (let i = 0; i + n <= l.ids.length; i++) {
        if (g[i] < 0 || !l.spaced[i + n - 1]) continue;
        const key = g[i] * SHIFT + l.ids[i + n - 1];
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    });
    const ids = new Map<number, number>();
    for (const [key, c] of counts) if (c >= MIN_OCCURRENCES) ids.set(key, nextGram++);
    gid = lines.map((l, li) => {
      const g = gid[li];
      const out = new Int32Array(l.ids.length).fill(-1);
      for (let i = 0; i + n <= l.ids.length; i++) {
        if (g[i] < 0 || !l.spaced[i + n - 1]) continue;
        const id = ids.get(g[i] * SHIFT + l.ids[i + n - 1]);
        if (id === undefined) continue;
        out[i] = id;
        let content = false;
        for (let q = i; q < i + n && !content; q++) content = l.ranges[2 * q + 1] - l.ranges[2 * q] >= 4;
        if (!content) continue;
        const list = starts.get(id);
        if (list) list.push(l.ranges[2 * i]);
        else {
          starts.set(id, [l.ranges[2 * i]]);
          ends.set(id, l.ranges[2 * (i + n - 1) + 1] - l.ranges[2 * i]);
        }
      }
      return out;
    });
    if (ids.size === 0) break;
  }
  const counts = new Map<string, number[]>();
  for (const [id, list] of starts) counts.set(text.slice(list[0], list[0] + ends.get(id)!), list);
  const frequent = [...counts].filter(([, starts]) => starts.length >= MIN_OCCURRENCES);
  if (frequent.length === 0) return [];
  const offsets = (enc ?? ctx.tok.encode(text)).offsets;
  // Token index by start offset and by end offset (−1: none), for the "whole tokens" check.
  const byStart = new Int32Array(text.length + 1).fill(-1);
  const byEnd = new Int32Array(text.length + 1).fill(-1);
  for (let t = (offsets.length >> 1) - 1; t >= 0; t--) {
    byStart[offsets[2 * t]] = t;
    byEnd[offsets[2 * t + 1]] = t;
  }
  const phrases: Phrase[] = [];
  for (const [key, starts] of frequent) {
    let saving = 0;
    const per: number[] = [];
    for (const s of starts) {
      // A phrase usually starts with the space before it (` pursuant`); accept either boundary.
      const t0 = byStart[s] >= 0 ? byStart[s] : s > 0 ? byStart[s - 1] : -1;
      const t1 = byEnd[s + key.length];
      if (t0 < 0 || t1 < 0 || t1 < t0) continue;
      per.push(t1 - t0 + 1);
      saving += t1 - t0;
    }
    if (saving <= 0) continue;
    per.sort((a, b) => a - b);
    phrases.push({ text: key, occurrences: starts.length, tokens: per[per.length >> 1], saving, starts });
  }
  phrases.sort((a, b) => b.saving - a.saving || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const kept: Phrase[] = [];
  for (const p of phrases) {
    if (kept.some((q) => q.text.includes(p.text) && q.occurrences >= p.occurrences)) continue;
    kept.push(p);
    if (kept.length >= limit) break;
  }
  return kept;
}

export function phraseSuggestions(ctx: DocContext, limit = 20, enc?: { offsets: Uint32Array }): Suggestion[] {
  return findPhrases(ctx, limit, enc).map((p) => ({
    kind: 'phrase',
    code: 'phrase.superword',
    start: p.starts[0],
    end: p.starts[0] + p.text.length,
    message: `"${p.text}" occurs ${p.occurrences}× at ${p.tokens} tokens each in ${ctx.tok.name}: as one token it would save ${p.saving} tokens`,
    tokensBefore: p.tokens * p.occurrences,
    data: { occurrences: p.occurrences, tokens: p.tokens, saving: p.saving },
  }));
}
