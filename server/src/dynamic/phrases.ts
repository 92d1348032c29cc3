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
  // Words of every line (UTF-16 offsets into the text), and whether each is "content" (four characters or more).
  const word = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
  const lines: Int32Array[] = [];
  for (let k = 0; k < ctx.lineCount; k++) {
    const line = ctx.lineText(k);
    const base = ctx.lineStarts[k];
    const ws: number[] = [];
    for (let m = word.exec(line); m; m = word.exec(line)) ws.push(base + m.index, base + m.index + m[0].length);
    if (ws.length >= 4) lines.push(Int32Array.from(ws));
  }
  // Apriori: an n-word phrase can occur MIN_OCCURRENCES times only if its first n − 1 words do, so each length is
  // counted only where the shorter prefix was frequent — most of a long document's n-grams are never built.
  let prev: Map<string, number> | undefined;
  const frequentKeys = new Set<string>();
  for (let n = 2; n <= MAX_WORDS; n++) {
    const counts = new Map<string, number>();
    for (const ws of lines) {
      const words = ws.length >> 1;
      for (let i = 0; i + n <= words; i++) {
        const s = ws[2 * i];
        if (!singleSpaced(text, ws, i, n)) continue;
        if (prev && (prev.get(text.slice(s, ws[2 * (i + n - 2) + 1])) ?? 0) < MIN_OCCURRENCES) continue;
        const key = text.slice(s, ws[2 * (i + n - 1) + 1]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    for (const [key, c] of counts) if (c >= MIN_OCCURRENCES) frequentKeys.add(key);
    prev = counts;
  }
  const counts = new Map<string, number[]>();
  for (const ws of lines) {
    const words = ws.length >> 1;
    for (let i = 0; i < words; i++) {
      for (let n = 2; n <= MAX_WORDS && i + n <= words; n++) {
        if (!singleSpaced(text, ws, i, n)) break;
        let content = false;
        for (let q = i; q < i + n && !content; q++) content = ws[2 * q + 1] - ws[2 * q] >= 4;
        if (!content) continue;
        const key = text.slice(ws[2 * i], ws[2 * (i + n - 1) + 1]);
        if (!frequentKeys.has(key)) continue;
        const list = counts.get(key);
        if (list) list.push(ws[2 * i]);
        else counts.set(key, [ws[2 * i]]);
      }
    }
  }
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

/** Whether words i … i+n−1 are separated by single spaces (U+0020) only. */
function singleSpaced(text: string, ws: Int32Array, i: number, n: number): boolean {
  for (let q = i + 1; q < i + n; q++) if (ws[2 * q] !== ws[2 * q - 1] + 1 || text.charCodeAt(ws[2 * q - 1]) !== 32) return false;
  return true;
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
