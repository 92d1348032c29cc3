/**
 * `tokscope eval-fim`: completion quality per de-biasing mode on HumanEval infilling tasks — exact match of the first
 * N characters of the middle and of the whole middle, first-byte and first-word accuracy — overall and on the prompts
 * that end mid-word, with paired sign tests between modes. Prefix only: the generation continues the task's prompt.
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { Tokenizer } from '../tokenizers/types';
import { generate } from './generate';
import type { DebiasMode, TokenModel } from './types';

export interface FimTask {
  id: string;
  prompt: string;
  middle: string;
}

export function readTasks(path: string): FimTask[] {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const t = JSON.parse(line) as { task_id: string; prompt: string; canonical_solution: string };
      return { id: t.task_id, prompt: t.prompt, middle: t.canonical_solution };
    });
}

/** A prompt "ends mid-word" when a word character ends it and another starts the middle. */
export function endsMidWord(task: FimTask): boolean {
  return /\w$/.test(task.prompt) && /^\w/.test(task.middle);
}

export interface TaskResult {
  id: string;
  midWord: boolean;
  output: string;
  prefixMatch: boolean;
  fullMatch: boolean;
  firstByte: boolean;
  firstWord: boolean;
  modelCalls: number;
}

const firstWord = (s: string) => /^\s*(\S+?)(?=\s|\W|$)/.exec(s)?.[1] ?? '';

export async function runTask(task: FimTask, tokenizer: Tokenizer, model: TokenModel, mode: DebiasMode, chars: number, signal?: AbortSignal): Promise<TaskResult> {
  // The generation continues the prompt's last line; the lines before are the context, encoded as they are.
  const cut = task.prompt.lastIndexOf('\n') + 1;
  const context = tokenizer.encodeIds(task.prompt.slice(0, cut));
  const want = task.middle.slice(0, chars);
  const maxBytes = Buffer.byteLength(want, 'utf8') + 4;
  const r = await generate({ tokenizer, model, context, text: task.prompt.slice(cut), mode, maxBytes, signal });
  const out = r.text;
  return {
    id: task.id,
    midWord: endsMidWord(task),
    output: out,
    prefixMatch: out.slice(0, want.length) === want,
    fullMatch: out === task.middle,
    firstByte: out.length > 0 && out[0] === task.middle[0],
    firstWord: firstWord(out) !== '' && firstWord(out) === firstWord(task.middle),
    modelCalls: r.report.modelCalls,
  };
}

/** Two-sided exact binomial sign test on the pairs where the two modes disagree. */
export function signTest(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  const k = Math.min(wins, losses);
  let tail = 0;
  let c = 1; // C(n, 0)
  for (let i = 0; i <= k; i++) {
    tail += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

export interface ModeSummary {
  mode: DebiasMode;
  subset: 'all' | 'mid-word';
  n: number;
  prefixMatch: number;
  fullMatch: number;
  firstByte: number;
  firstWord: number;
  callsPerTask: number;
}

export function summarise(mode: DebiasMode, results: TaskResult[]): ModeSummary[] {
  const rate = (xs: TaskResult[], f: (r: TaskResult) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  return (['all', 'mid-word'] as const).map((subset) => {
    const xs = subset === 'all' ? results : results.filter((r) => r.midWord);
    return {
      mode,
      subset,
      n: xs.length,
      prefixMatch: rate(xs, (r) => r.prefixMatch),
      fullMatch: rate(xs, (r) => r.fullMatch),
      firstByte: rate(xs, (r) => r.firstByte),
      firstWord: rate(xs, (r) => r.firstWord),
      callsPerTask: xs.length ? xs.reduce((s, r) => s + r.modelCalls, 0) / xs.length : 0,
    };
  });
}

/** Paired comparison of two modes on the prefix-match metric: wins of `a`, wins of `b`, p-value. */
export function compareModes(a: TaskResult[], b: TaskResult[], midWordOnly: boolean): { wins: number; losses: number; p: number } {
  let wins = 0;
  let losses = 0;
  a.forEach((ra, i) => {
    const rb = b[i];
    if (midWordOnly && !ra.midWord) return;
    if (ra.prefixMatch && !rb.prefixMatch) wins++;
    else if (!ra.prefixMatch && rb.prefixMatch) losses++;
  });
  return { wins, losses, p: signTest(wins, losses) };
}
