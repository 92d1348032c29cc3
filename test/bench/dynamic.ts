/**
 * Dynamic tokenization in `npm run bench` (`npm run bench:phase -- dynamic`):
 * - savings of batch merges at 10/100/1000 merges per boundary mode, for o200k_base and Llama 3, on the legal corpus
 *   (../shared/data/legal) and on this repository's TypeScript (server/src): in-batch (fit and measured on all files),
 *   held out (fit on the first 80% of the files, measured on the rest) and in-document (each file its own merges);
 * - a 20 MB workspace analysed (read, encode, suggestions per file, merges) on worker threads and on one thread;
 * - per-document suggestions on 10,000-line files (code and legal prose), median of 5.
 * The worker bundle is built here with esbuild (out/dynamicWorker.js) until scripts/build.mjs makes one in dist/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { fitTexts } from '../../server/src/dynamic/batch';
import { type BoundaryMode, BOUNDARY_MODES } from '../../server/src/dynamic/segments';
import { suggestDocument } from '../../server/src/dynamic/suggest';
import { analyzeWorkspace } from '../../server/src/dynamic/workspace';
import { projectRoot, sharedDataDir } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { fmt, MB, median, now, table } from './measure';

const MS = [10, 100, 1000];

function walk(dir: string, keep: (p: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) walk(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out;
}

export function buildWorker(): string {
  const out = join(projectRoot(), 'out', 'dynamicWorker.js');
  buildSync({ entryPoints: [join(projectRoot(), 'server', 'src', 'dynamic', 'worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
  return out;
}

interface SavingRow {
  corpus: string;
  tokenizer: string;
  boundary: BoundaryMode;
  tokens: number;
  /** Percent saved at 10, 100, 1000 merges. */
  inBatch: number[];
  heldOut: number[];
  perDocument: number[];
  learned: number;
  ms: number;
}

async function savings(corpus: string, files: string[], workerScript: string): Promise<SavingRow[]> {
  const rows: SavingRow[] = [];
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  for (const tokenizer of ['o200k_base', 'llama3']) {
    const tok = getTokenizer(tokenizer);
    for (const boundary of BOUNDARY_MODES) {
      const t0 = now();
      const { report } = await analyzeWorkspace(files.map((path) => ({ path })), { tokenizer, boundary, maxMerges: 1000, checkpoints: MS, suggestions: false, workerScript });
      const ms = now() - t0;
      // In-document: each file fits its own merges; savings summed over files.
      const saved = MS.map(() => 0);
      let before = 0;
      for (const text of texts) {
        const r = fitTexts(tok, [text], { boundary, maxMerges: 1000, checkpoints: MS, top: 0 }).report;
        before += r.tokensBefore;
        r.steps.forEach((s, i) => (saved[i] += s.saving));
        MS.forEach((m, i) => {
          if (!r.steps.some((s) => s.merges === m)) saved[i] += r.final.saving;
        });
      }
      rows.push({
        corpus,
        tokenizer,
        boundary,
        tokens: report.tokens,
        inBatch: report.merges.steps.map((s) => s.savingPct),
        heldOut: report.merges.steps.map((s) => s.heldOut?.savingPct ?? NaN),
        perDocument: saved.map((s) => (100 * s) / before),
        learned: report.merges.learned,
        ms,
      });
    }
  }
  return rows;
}

/** About `bytes` of real files: the legal corpus, this repository's TypeScript, then node_modules text files ≤ 1 MB. */
function workspaceFiles(bytes: number): { files: string[]; bytes: number } {
  const root = projectRoot();
  const shared = sharedDataDir();
  const list = [
    ...(shared ? walk(join(shared, 'legal'), (p) => p.endsWith('.txt')) : []),
    ...walk(join(root, 'server', 'src'), (p) => p.endsWith('.ts')),
    ...walk(join(root, 'node_modules'), (p) => /\.(js|ts|md|json)$/.test(p) && statSync(p).size <= MB),
  ];
  const files: string[] = [];
  let total = 0;
  for (const f of list) {
    if (total >= bytes) break;
    files.push(f);
    total += statSync(f).size;
  }
  return { files, bytes: total };
}

export interface DynamicBench {
  savings: SavingRow[];
  workspace: { files: number; bytes: number; workers: number; ms: number; cpuMs: number; oneThreadMs: number; oneThreadCpuMs: number; progressCalls: number; abortMs: number; encodeMs: number; fitMs: number };
  documents: Array<{ name: string; lines: number; bytes: number; ms: number; cpuMs: number; suggestions: number }>;
  /** One-minute load average at the start and the end: these machines are shared, and wall times follow the load. */
  load: [number, number];
}

export async function measureDynamic(): Promise<DynamicBench> {
  const loadStart = loadavg()[0];
  const workerScript = buildWorker();
  const shared = sharedDataDir();
  const rows: SavingRow[] = [];
  if (shared) rows.push(...(await savings('legal', walk(join(shared, 'legal'), (p) => p.endsWith('.txt')), workerScript)));
  rows.push(...(await savings('server/src', walk(join(projectRoot(), 'server', 'src'), (p) => p.endsWith('.ts')), workerScript)));

  const ws = workspaceFiles(20 * MB);
  const inputs = ws.files.map((path) => ({ path }));
  const options = { tokenizer: 'o200k_base', boundary: 'superword' as const, maxMerges: 1000, workerScript };
  let progressCalls = 0;
  const cpuOf = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  let c0 = process.cpuUsage();
  let t0 = now();
  const threaded = await analyzeWorkspace(inputs, { ...options, workers: 2, onProgress: () => progressCalls++ });
  const ms = now() - t0;
  // process.cpuUsage covers every thread of the process, the workers' included.
  const cpuMs = cpuOf(process.cpuUsage(c0));
  c0 = process.cpuUsage();
  t0 = now();
  await analyzeWorkspace(inputs, { ...options, workers: 0 });
  const oneThreadMs = now() - t0;
  const oneThreadCpuMs = cpuOf(process.cpuUsage(c0));
  // Cancellation: abort at the first progress report; time until the promise settles.
  const controller = new AbortController();
  t0 = now();
  let abortAt = 0;
  await analyzeWorkspace(inputs, {
    ...options,
    workers: 2,
    signal: controller.signal,
    onProgress: () => {
      abortAt = now();
      controller.abort();
    },
  }).catch(() => undefined);
  const abortMs = now() - abortAt;

  const documents: DynamicBench['documents'] = [];
  const tok = getTokenizer('o200k_base');
  const others = [getTokenizer('llama3'), getTokenizer('domain')];
  const tenK = (text: string) => {
    const lines = text.split('\n');
    const out: string[] = [];
    while (out.length < 10_000) out.push(...lines.slice(0, 10_000 - out.length));
    return out.join('\n');
  };
  const code = tenK(walk(join(projectRoot(), 'server', 'src'), (p) => p.endsWith('.ts')).map((f) => readFileSync(f, 'utf8')).join('\n'));
  const docs: Array<[string, string, string]> = [['server/src TypeScript', code, 'typescript']];
  if (shared) docs.push(['legal text (113publ121, first 10,000 lines)', tenK(readFileSync(join(shared, 'legal', '113publ121-uslm.txt'), 'utf8')), 'plaintext']);
  for (const [name, text, languageId] of docs) {
    const times: number[] = [];
    const cpu: number[] = [];
    let n = 0;
    for (let k = 0; k < 5; k++) {
      const c = process.cpuUsage();
      const t = now();
      n = suggestDocument(text, { tokenizer: tok, languageId, compare: others }).suggestions.length;
      times.push(now() - t);
      const u = process.cpuUsage(c);
      cpu.push((u.user + u.system) / 1000);
    }
    documents.push({ name, lines: text.split('\n').length, bytes: Buffer.byteLength(text), ms: median(times), cpuMs: median(cpu), suggestions: n });
  }
  return {
    savings: rows,
    workspace: { files: threaded.report.files, bytes: ws.bytes, workers: threaded.report.workers, ms, cpuMs, oneThreadMs, oneThreadCpuMs, progressCalls, abortMs, ...threaded.report.timings },
    documents,
    load: [loadStart, loadavg()[0]],
  };
}

export function dynamicTables(d: DynamicBench): string {
  const pct = (xs: number[]) => xs.map((x) => fmt(x, 1)).join(' / ');
  return [
    'batch merges: % tokens saved at 10 / 100 / 1000 merges (in-batch: fit and measured on all files; held-out: fit on the first 80% of files, measured on the rest; per document: each file its own merges)',
    table(
      ['corpus', 'tokenizer', 'boundary', 'tokens', 'in-batch', 'held-out', 'per document', 'learned', 's'],
      d.savings.map((r) => [r.corpus, r.tokenizer, r.boundary, String(r.tokens), pct(r.inBatch), pct(r.heldOut), pct(r.perDocument), String(r.learned), fmt(r.ms / 1000, 1)]),
    ),
    '',
    `workspace: ${d.workspace.files} files, ${(d.workspace.bytes / MB).toFixed(1)} MB (o200k_base, superword, 1000 merges, suggestions per file): ` +
      `${fmt(d.workspace.ms / 1000, 1)} s wall (${fmt(d.workspace.encodeMs / 1000, 1)} s reading, encoding, suggestions; ${fmt(d.workspace.fitMs / 1000, 1)} s learning and measuring merges), ` +
      `${fmt(d.workspace.cpuMs / 1000, 1)} s CPU, on ${d.workspace.workers} workers (${d.workspace.progressCalls} progress reports); ` +
      `${fmt(d.workspace.oneThreadMs / 1000, 1)} s wall, ${fmt(d.workspace.oneThreadCpuMs / 1000, 1)} s CPU on one thread; an abort settles in ${fmt(d.workspace.abortMs, 0)} ms`,
    table(['document', 'lines', 'KB', 'suggestions', 'wall ms (median of 5)', 'CPU ms'], d.documents.map((r) => [r.name, String(r.lines), String(Math.round(r.bytes / 1024)), String(r.suggestions), fmt(r.ms, 0), fmt(r.cpuMs, 0)])),
    `load average (1 min) ${fmt(d.load[0], 1)} at the start, ${fmt(d.load[1], 1)} at the end, on ${availableParallelism()} cores: wall times grow with it`,
  ].join('\n');
}
