/** In-process figures beyond throughput: stopping at a token limit, and keeping a count up to date across edits. */
import { IncrementalEncoding } from '../../server/src/tokenizers/incremental';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { gc, median, now } from './measure';
import { gptTokenizer } from './peers';

export interface CountUntilResult {
  limit: number;
  oursMs: number;
  peerMs: number;
  runs: number;
  /** Both answered "over the limit". */
  agree: boolean;
}

/** Ours `countUntil(text, limit)` against gpt-tokenizer's `isWithinTokenLimit(text, limit)`, o200k, interleaved. */
export function measureCountUntil(text: string, limit: number, runs: number): CountUntilResult {
  const tok = getTokenizer('o200k_base');
  const gpt = gptTokenizer('o200k_base');
  const oursOver = tok.countUntil(text, limit) > limit;
  const peerOver = gpt.isWithinTokenLimit(text, limit) === false;
  const ours: number[] = [];
  const peer: number[] = [];
  gc();
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const t0 = now();
      if (which === 0) tok.countUntil(text, limit);
      else gpt.isWithinTokenLimit(text, limit);
      (which === 0 ? ours : peer).push(now() - t0);
    }
  }
  return { limit, oursMs: median(ours), peerMs: median(peer), runs, agree: oursOver && peerOver };
}

export interface IncrementalResult {
  lines: number;
  bytes: number;
  edits: number;
  /** Median time of one `edit()` (the count is then up to date), µs. */
  medianEditUs: number;
  p90EditUs: number;
  /** Median time of a full `count()` of the same text, ms. */
  fullCountMs: number;
  /** The incremental count equalled a full recount after the last insert and at the end. */
  exact: boolean;
}

/**
 * One-character edits in the middle of a 10,000-line file: insert 'x' mid-line, then delete it again (so the text
 * returns to the original after every pair), on lines around the middle, o200k.
 */
export function measureIncremental(code: string, edits: number): IncrementalResult {
  const tok = getTokenizer('o200k_base');
  const lines = code.split('\n').slice(0, 10_000);
  const doc = lines.join('\n') + '\n';
  const lineStart: number[] = [];
  for (let i = 0, at = 0; i < lines.length; i++) {
    lineStart.push(at);
    at += lines[i].length + 1;
  }
  const inc = new IncrementalEncoding(tok, doc);
  const times: number[] = [];
  let exact = true;
  gc();
  const warmup = 20;
  for (let k = 0; k < edits + warmup; k++) {
    const line = lines.length / 2 - 50 + ((k >> 1) % 100);
    const pos = lineStart[line] + (lines[line].length >> 1);
    const t0 = now();
    if (k % 2 === 0) inc.edit(pos, pos, 'x');
    else inc.edit(pos, pos + 1, '');
    const us = (now() - t0) * 1000;
    if (k >= warmup) times.push(us);
    if (k === edits + warmup - 2) exact &&= inc.count === tok.count(inc.value);
  }
  exact &&= inc.value === doc && inc.count === tok.count(doc);
  const full: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = now();
    tok.count(doc);
    full.push(now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    lines: lines.length,
    bytes: Buffer.byteLength(doc),
    edits,
    medianEditUs: median(times),
    p90EditUs: sorted[Math.floor(sorted.length * 0.9)],
    fullCountMs: median(full),
    exact,
  };
}
