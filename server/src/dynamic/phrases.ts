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
  const counts = new Map<string, number[]>();
  const word = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
  for (let k = 0; k < ctx.lineCount; k++) {
    const line = ctx.lineText(k);
    const base = ctx.lineStarts[k];
    const ws: Array<[number, number]> = [];
    for (let m = word.exec(line); m; m = word.exec(line)) ws.push([m.index, m.index + m[0].length]);
    for (let i = 0; i < ws.length; i++) {
      for (let n = 2; n <= MAX_WORDS && i + n <= ws.length; n++) {
        const [, prevEnd] = ws[i + n - 2];
        const [nextStart] = ws[i + n - 1];
        // Only single spaces between the words.
        if (nextStart !== prevEnd + 1 || line[prevEnd] !== ' ') break;
        const s = ws[i][0];
        const key = line.slice(s, ws[i + n - 1][1]);
        // At least one word of four or more characters: "of the", "in a" are everywhere and say nothing.
        let content = false;
        for (let q = i; q < i + n && !content; q++) content = ws[q][1] - ws[q][0] >= 4;
        if (!content) continue;
        const list = counts.get(key);
        if (list) list.push(base + s);
        else counts.set(key, [base + s]);
      }
    }
  }
  const frequent = [...counts].filter(([, starts]) => starts.length >= MIN_OCCURRENCES);
  if (frequent.length === 0) return [];
  const offsets = (enc ?? ctx.tok.encode(text)).offsets;
  // Token index by start offset and by end offset, for the "whole tokens" check.
  const byStart = new Map<number, number>();
  const byEnd = new Map<number, number>();
  for (let t = 0; t < offsets.length >> 1; t++) {
    byStart.set(offsets[2 * t], t);
    byEnd.set(offsets[2 * t + 1], t);
  }
  const phrases: Phrase[] = [];
  for (const [key, starts] of frequent) {
    let saving = 0;
    const per: number[] = [];
    for (const s of starts) {
      // A phrase usually starts with the space before it (` pursuant`); accept either boundary.
      const t0 = byStart.get(s) ?? byStart.get(s - 1);
      const t1 = byEnd.get(s + key.length);
      if (t0 === undefined || t1 === undefined || t1 < t0) continue;
      per.push(t1 - t0 + 1);
      saving += t1 - t0;
    }
    if (saving <= 0) continue;
    per.sort((a, b) => a - b);
    phrases.push({ text: key, occurrences: starts.length, tokens: per[per.length >> 1], saving, starts });
  }
  phrases.sort((a, b) => b.saving - a.saving || a.text.localeCompare(b.text));
  const kept: Phrase[] = [];
  for (const p of phrases) {
    if (kept.some((q) => q.text.includes(p.text) && q.occurrences >= p.occurrences)) continue;
    kept.push(p);
    if (kept.length >= limit) break;
  }
  return kept;
}

export function phraseSuggestions(ctx: DocContext, limit = 20): Suggestion[] {
  return findPhrases(ctx, limit).map((p) => ({
    kind: 'phrase',
    code: 'phrase.superword',
    start: p.starts[0],
    end: p.starts[0] + p.text.length,
    message: `"${p.text}" occurs ${p.occurrences}× at ${p.tokens} tokens each in ${ctx.tok.name}: as one token it would save ${p.saving} tokens`,
    tokensBefore: p.tokens * p.occurrences,
    data: { occurrences: p.occurrences, tokens: p.tokens, saving: p.saving },
  }));
}
