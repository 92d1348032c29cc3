/**
 * FIM completions as the editor gets them, in `npm run bench`: the built language server over stdio with the in-process
 * model (node-llama-cpp on the tiny GGUF the tests write), per de-biasing mode — completion round trips, the
 * type-ahead cache's answer, and whether the editor stays responsive meanwhile: hovers sent every 20 ms while
 * completions run, their round trips compared with the same hovers on an idle server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FimCompleteResult } from '../../server/src/protocol';
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';
import { startServer } from '../server/lspClient';
import { fmt, median, now, table } from './measure';

export interface FimEditorRow {
  mode: 'exact' | 'heal' | 'off';
  completions: number;
  medianMs: number;
  p95Ms: number;
  /** Model calls per completion (median). */
  calls: number;
  /** The same request again, answered from the type-ahead cache. */
  cachedMs: number;
  /** Hover round trips while completions run, and on the idle server. */
  hoverBusy: { p50: number; p95: number; max: number };
  hoverIdle: { p50: number; p95: number; max: number };
}

const p = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const stats = (xs: number[]) => ({ p50: p(xs, 0.5), p95: p(xs, 0.95), max: Math.max(...xs) });

/** Python lines whose cursor ends inside a word: where de-biasing matters. */
const PROMPTS = ['def add(a, b):\n    retu', 'for i in ran', 'import os\nprint(os.pa', 'class Stack:\n    def pu', 'values = sor', 'with open(pa', 'if __name__ == "__ma', 'result = lis'];

export async function measureFimEditor(): Promise<FimEditorRow[] | string> {
  try {
    await import('node-llama-cpp' as string);
  } catch {
    return 'skipped — node-llama-cpp is not installed';
  }
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-bench-fimlsp-'));
  const model = join(dir, 'tiny.gguf');
  tinyLlamaGguf({ path: model });
  const rows: FimEditorRow[] = [];
  try {
    for (const mode of ['off', 'heal', 'exact'] as const) {
      const server = await startServer({ fim: { enabled: true, backend: 'inProcess', modelPath: model, threads: 1, maxLength: 48, debias: mode } }, true);
      const c = server.connection;
      try {
        const docs = await Promise.all(PROMPTS.map((text, i) => server.open(`p${i}.py`, text + '\n')));
        const at = (i: number) => {
          const lines = PROMPTS[i].split('\n');
          return { line: lines.length - 1, character: lines[lines.length - 1].length };
        };
        const hoverOnce = async () => {
          const t0 = now();
          await c.sendRequest('textDocument/hover', { textDocument: { uri: docs[0] }, position: { line: 0, character: 1 } });
          return now() - t0;
        };
        // Warm: the model loads on the first completion (not timed), hovers load the tokenizers.
        await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri: docs[0] }, position: at(0) });
        for (let i = 0; i < 5; i++) await hoverOnce();
        const idle: number[] = [];
        for (let i = 0; i < 40; i++) idle.push(await hoverOnce());
        const times: number[] = [];
        const calls: number[] = [];
        const busy: number[] = [];
        let running = true;
        const hovering = (async () => {
          while (running) {
            busy.push(await hoverOnce());
            await new Promise((r) => setTimeout(r, 20));
          }
        })();
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < PROMPTS.length; i++) {
            // A fresh line each round (an edit after the cursor's line), so the cache does not answer.
            const t0 = now();
            const r = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri: docs[i] }, position: at(i) });
            times.push(now() - t0);
            calls.push(r.report?.modelCalls ?? 0);
            await c.sendNotification('textDocument/didChange', { textDocument: { uri: docs[i], version: 2 + round }, contentChanges: [{ range: { start: { line: at(i).line + 1, character: 0 }, end: { line: at(i).line + 1, character: 0 } }, text: '#\n' }] });
          }
        }
        running = false;
        await hovering;
        await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri: docs[0] }, position: at(0) });
        const again = now();
        const cached = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri: docs[0] }, position: at(0) });
        const cachedMs = cached.report?.cached ? now() - again : NaN;
        rows.push({ mode, completions: times.length, medianMs: median(times), p95Ms: p(times, 0.95), calls: median(calls), cachedMs, hoverBusy: stats(busy), hoverIdle: stats(idle) });
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function fimEditorTable(rows: FimEditorRow[] | string): string {
  if (typeof rows === 'string') return `FIM in the editor: ${rows}`;
  return [
    'FIM completions over LSP (language server, in-process tiny GGUF, 48 bytes at most, 8 mid-word prompts × 3):',
    table(
      ['mode', 'completions', 'median ms', 'p95 ms', 'model calls', 'cache hit ms', 'hover p50/p95/max busy', 'hover p50/p95/max idle'],
      rows.map((r) => [r.mode, String(r.completions), fmt(r.medianMs, 1), fmt(r.p95Ms, 1), String(r.calls), fmt(r.cachedMs, 2), `${fmt(r.hoverBusy.p50, 2)} / ${fmt(r.hoverBusy.p95, 2)} / ${fmt(r.hoverBusy.max, 1)}`, `${fmt(r.hoverIdle.p50, 2)} / ${fmt(r.hoverIdle.p95, 2)} / ${fmt(r.hoverIdle.max, 1)}`]),
    ),
  ].join('\n');
}
