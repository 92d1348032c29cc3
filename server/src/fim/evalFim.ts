/**
 * `tokscope eval-fim`: completion quality per de-biasing mode on HumanEval infilling tasks — exact match of the first
 * N characters of the middle and of the whole middle, first-byte and first-word accuracy, pass@1 (the task's tests run
 * by python3, passAtK.ts) — overall and on the prompts that end mid-word, with paired sign tests between modes.
 * Two ways to prompt: `runTask` continues the prompt alone (a prefix-only model such as the n-gram); `runFimTask` builds
 * the model's FIM prompt from prompt and suffix (prompt.ts) and de-biases the prefix's tail, or asks the backend's own
 * plain FIM ('infill': Ollama, or the server's /infill for comparison).
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { Tokenizer } from '../tokenizers/types';
import type { FimTokenIds } from './formats';
import { generate } from './generate';
import { buildPrompt, type PromptBudget } from './prompt';
import type { DebiasMode, FimBackend, FimFormatName, NextTokenDistribution, TokenModel } from './types';

export interface FimTask {
  id: string;
  prompt: string;
  middle: string;
  /** What follows the middle, the task's tests and the function they check (HumanEval-infilling fields). */
  suffix?: string;
  test?: string;
  entryPoint?: string;
}

/** A de-biasing mode, or 'infill': the backend's own plain FIM (no token ids needed). */
export type EvalMode = DebiasMode | 'infill';

export function readTasks(path: string): FimTask[] {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const t = JSON.parse(line) as { task_id: string; prompt: string; canonical_solution: string; suffix?: string; test?: string; entry_point?: string };
      return { id: t.task_id, prompt: t.prompt, middle: t.canonical_solution, suffix: t.suffix, test: t.test, entryPoint: t.entry_point };
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
  /** Whether the task's tests pass with this middle; undefined when they were not run. */
  passed?: boolean;
  /** Why generation failed (a backend error), when it did: the output is then empty. */
  error?: string;
}

const firstWord = (s: string) => /^\s*(\S+?)(?=\s|\W|$)/.exec(s)?.[1] ?? '';

/**
 * Prefix only: the generation continues the prompt's last line. `maxBytes` defaults to the first `chars` characters of
 * the middle plus 4 bytes (what the first-N metric needs).
 */
export async function runTask(task: FimTask, tokenizer: Tokenizer, model: TokenModel, mode: DebiasMode, chars: number, signal?: AbortSignal, maxBytes?: number): Promise<TaskResult> {
  // The lines before the last are the context, encoded as they are.
  const cut = task.prompt.lastIndexOf('\n') + 1;
  const context = tokenizer.encodeIds(task.prompt.slice(0, cut));
  const want = task.middle.slice(0, chars);
  const r = await generate({ tokenizer, model, context, text: task.prompt.slice(cut), mode, maxBytes: maxBytes ?? Buffer.byteLength(want, 'utf8') + 4, signal });
  return score(task, r.text, chars, r.report.modelCalls);
}

/** The scores of one generated middle. */
export function score(task: FimTask, out: string, chars: number, modelCalls: number): TaskResult {
  const want = task.middle.slice(0, chars);
  return {
    id: task.id,
    midWord: endsMidWord(task),
    output: out,
    prefixMatch: out.slice(0, want.length) === want,
    fullMatch: out === task.middle,
    firstByte: out.length > 0 && out[0] === task.middle[0],
    firstWord: firstWord(out) !== '' && firstWord(out) === firstWord(task.middle),
    modelCalls,
  };
}

/** What `runFimTask` needs: the backend, and for the de-biasing modes the model's vocabulary, FIM layout and token model. */
export interface FimSetup {
  backend: FimBackend;
  maxBytes: number;
  /** Absent for backends without token ids (only 'infill' runs there). */
  prompt?: {
    tokenizer: Tokenizer;
    format: FimFormatName;
    /** The format's token ids in `tokenizer` (fimTokenIds). */
    ids: FimTokenIds;
    budget: PromptBudget;
    /** The backend's token model with every end id folded into one (`withEndTokens`). */
    model: TokenModel;
  };
}

/**
 * FIM: the prompt laid out in the model's format with the task's prompt as prefix and its suffix (buildPrompt moves the
 * prefix's last line after the middle token, where de-biasing applies); or 'infill', the backend's own FIM. A backend
 * error ends the task with an empty middle and the error recorded (one broken request does not end the evaluation).
 */
export async function runFimTask(task: FimTask, s: FimSetup, mode: EvalMode, chars: number, signal?: AbortSignal): Promise<TaskResult> {
  try {
    if (mode === 'infill') {
      // Tokens are at least a byte each: maxBytes tokens always suffice; the text is cut to maxBytes after.
      const text = await s.backend.infill({ prefix: task.prompt, suffix: task.suffix ?? '', maxTokens: s.maxBytes, temperature: 0 }, signal);
      return score(task, cutBytes(text, s.maxBytes), chars, 1);
    }
    const o = s.prompt;
    if (!o) throw new Error(`${s.backend.label} takes no token ids: ${mode} cannot run`);
    const p = buildPrompt({ tokenizer: o.tokenizer, format: o.format, prefix: task.prompt, suffix: task.suffix ?? '', budget: o.budget, ids: o.ids });
    const r = await generate({ tokenizer: o.tokenizer, model: o.model, context: p.context, text: p.text, mode, maxBytes: s.maxBytes, signal });
    return score(task, r.text, chars, r.report.modelCalls);
  } catch (e) {
    if (signal?.aborted) throw e;
    return { ...score(task, '', chars, 0), error: (e as Error).message };
  }
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character. */
export function cutBytes(text: string, maxBytes: number): string {
  const b = Buffer.from(text, 'utf8');
  if (b.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}

/**
 * The model with all of a format's end tokens (Qwen2.5-Coder ends a middle with <|endoftext|>, <|fim_pad|>,
 * <|file_sep|>, …) folded into the first: generation knows one end id, and the probability of ending is their sum.
 */
export function withEndTokens(model: TokenModel, endIds: readonly number[]): TokenModel {
  const ends = [...new Set([...endIds, ...(model.eosId !== undefined ? [model.eosId] : [])])];
  if (ends.length === 0) return model;
  const eos = ends[0];
  const rest = new Set(ends.slice(1));
  return {
    eosId: eos,
    next: async (context, signal): Promise<NextTokenDistribution> => {
      const d = await model.next(context, signal);
      if (rest.size === 0) return d;
      let sum = 0;
      let has = false;
      const ids: number[] = [];
      const lps: number[] = [];
      d.ids.forEach((id, i) => {
        if (id === eos || rest.has(id)) {
          sum += Math.exp(d.logProbs[i]);
          has = true;
        } else {
          ids.push(id);
          lps.push(d.logProbs[i]);
        }
      });
      if (has) {
        ids.push(eos);
        lps.push(Math.log(sum));
      }
      return { ids: Uint32Array.from(ids), logProbs: Float64Array.from(lps), complete: d.complete };
    },
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
  mode: EvalMode;
  subset: 'all' | 'mid-word';
  n: number;
  prefixMatch: number;
  fullMatch: number;
  firstByte: number;
  firstWord: number;
  /** pass@1 over the tasks whose tests ran (undefined when none did), and how many ran. */
  passAt1?: number;
  executed: number;
  /** Tasks whose generation failed with a backend error. */
  errors: number;
  callsPerTask: number;
}

export function summarise(mode: EvalMode, results: TaskResult[]): ModeSummary[] {
  const rate = (xs: TaskResult[], f: (r: TaskResult) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  return (['all', 'mid-word'] as const).map((subset) => {
    const xs = subset === 'all' ? results : results.filter((r) => r.midWord);
    const ran = xs.filter((r) => r.passed !== undefined);
    return {
      mode,
      subset,
      n: xs.length,
      prefixMatch: rate(xs, (r) => r.prefixMatch),
      fullMatch: rate(xs, (r) => r.fullMatch),
      firstByte: rate(xs, (r) => r.firstByte),
      firstWord: rate(xs, (r) => r.firstWord),
      passAt1: ran.length ? rate(ran, (r) => r.passed === true) : undefined,
      executed: ran.length,
      errors: xs.filter((r) => r.error !== undefined).length,
      callsPerTask: xs.length ? xs.reduce((s, r) => s + r.modelCalls, 0) / xs.length : 0,
    };
  });
}

export type Metric = 'prefixMatch' | 'fullMatch' | 'firstByte' | 'firstWord' | 'passed';

/** Paired comparison of two modes on one metric (default: the first-N match): wins of `a`, wins of `b`, p-value. */
export function compareModes(a: TaskResult[], b: TaskResult[], midWordOnly: boolean, metric: Metric = 'prefixMatch'): { wins: number; losses: number; p: number } {
  let wins = 0;
  let losses = 0;
  a.forEach((ra, i) => {
    const rb = b[i];
    if (midWordOnly && !ra.midWord) return;
    const x = ra[metric] === true;
    const y = rb[metric] === true;
    if (x && !y) wins++;
    else if (!x && y) losses++;
  });
  return { wins, losses, p: signTest(wins, losses) };
}
