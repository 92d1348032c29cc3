/**
 * Workspace analysis: many files, on worker threads (one per core by default), with progress and cancellation.
 * Workers read, encode and segment files in batches of about a megabyte and keep their segment bags; at the end the
 * bags are added together in the calling thread, which learns the merges and measures them (batch.ts). The first 80%
 * of the files (in the order given) fit the held-out figures, the rest is held out; a single file is split by lines.
 *
 * The worker script is a separate bundle of worker.ts: `options.workerScript`, else TOKSCOPE_DYNAMIC_WORKER, else
 * `dynamicWorker.js` beside this bundle or in the project's dist/ or out/. Without one (or with `workers: 0`) the
 * same work runs in the calling thread, yielding between batches so that progress and cancellation still work.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../tokenizers/paths';
import type { RegistryOptions } from '../tokenizers/registry';
import { ChunkList, type PackedBag } from './bag';
import { type Fit, fitBag, fitFromMerges, fitTexts, reportBags } from './batch';
import { FileWorker, type FileJob, type FileSummary, readText, type WorkSettings } from './fileWork';
import type { BoundaryMode } from './segments';
import type { BatchReport } from './types';

export interface WorkspaceFile {
  path: string;
  /** The text, when the caller has it (open editor buffers); otherwise the file is read. */
  text?: string;
}

export interface WorkspaceProgress {
  phase: 'encode' | 'fit';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
}

export interface WorkspaceOptions {
  tokenizer: string;
  boundary: BoundaryMode;
  maxMerges: number;
  checkpoints?: number[];
  minFrequency?: number;
  top?: number;
  /** Per-file suggestion summaries (default true). */
  suggestions?: boolean;
  /** Worker threads: default one per core (at most 4); 0 runs in the calling thread. */
  workers?: number;
  workerScript?: string;
  registry?: RegistryOptions;
  /** Below this many bytes in all, no workers are started: starting one costs more (default 256 KiB). */
  minWorkerBytes?: number;
  /** Bytes of files per job batch (default 1 MiB). */
  batchBytes?: number;
  onProgress?: (p: WorkspaceProgress) => void;
  signal?: AbortSignal;
}

export interface WorkspaceReport {
  tokenizer: string;
  boundary: BoundaryMode;
  files: number;
  bytes: number;
  tokens: number;
  /** Worker threads used (0: the calling thread). */
  workers: number;
  merges: BatchReport;
  perFile: FileSummary[];
  skipped: Array<{ path: string; reason: string }>;
  /** Wall milliseconds: reading, encoding and suggestions (on the workers), then learning and measuring the merges. */
  timings: { encodeMs: number; fitMs: number };
  /** Suggestions per code over all files, and the safe fix-all's saving summed over files. */
  suggestions?: Record<string, number>;
  fixAllSaving?: number;
}

export function resolveWorkerScript(explicit?: string): string | undefined {
  const candidates = [explicit, process.env.TOKSCOPE_DYNAMIC_WORKER, join(__dirname, 'dynamicWorker.js'), join(projectRoot(), 'dist', 'dynamicWorker.js'), join(projectRoot(), 'out', 'dynamicWorker.js')];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

export async function analyzeWorkspace(files: readonly WorkspaceFile[], options: WorkspaceOptions): Promise<{ report: WorkspaceReport; fit: Fit }> {
  options.signal?.throwIfAborted();
  const settings: WorkSettings = { tokenizer: options.tokenizer, boundary: options.boundary, registry: options.registry, suggestions: options.suggestions !== false };
  const fitOptions = { boundary: options.boundary, maxMerges: options.maxMerges, checkpoints: options.checkpoints, minFrequency: options.minFrequency, top: options.top };
  const nTrain = files.length >= 2 ? Math.min(files.length - 1, Math.max(1, Math.floor(files.length * 0.8))) : files.length;
  const jobs: FileJob[] = files.map((f, index) => ({ index, path: f.path, text: f.text, role: index < nTrain ? 'train' : 'heldOut' }));
  const sizes = files.map((f) => (f.text !== undefined ? f.text.length : safeSize(f.path)));
  const batches = batch(jobs, sizes, options.batchBytes ?? 1 << 20);
  const total = sizes.reduce((a, b) => a + b, 0);
  const script = resolveWorkerScript(options.workerScript);
  const wanted = options.workers ?? Math.min(4, availableParallelism());
  const nWorkers = script && total >= (options.minWorkerBytes ?? 256 * 1024) ? Math.max(0, Math.min(wanted, batches.length)) : 0;

  const started = performance.now();
  const summaries: FileSummary[] = new Array(files.length);
  const train = new ChunkList();
  const heldOut = new ChunkList();
  let filesDone = 0;
  let bytesDone = 0;
  const progress = (done: FileSummary[]) => {
    for (const s of done) {
      filesDone++;
      bytesDone += s.bytes;
    }
    options.onProgress?.({ phase: 'encode', filesDone, filesTotal: files.length, bytesDone });
  };
  const record = (list: FileSummary[], js: FileJob[]) => js.forEach((j, k) => (summaries[j.index] = list[k]));

  if (nWorkers === 0) {
    const w = new FileWorker(settings);
    for (const b of batches) {
      options.signal?.throwIfAborted();
      const done = b.map((j) => w.run(j));
      record(done, b);
      progress(done);
      await new Promise<void>((r) => setImmediate(r));
    }
    train.add(w.train);
    heldOut.add(w.heldOut);
  } else {
    const bags = await runWorkers(script!, nWorkers, settings, batches, options.signal, (done, b) => {
      record(done, b);
      progress(done);
    });
    for (const bag of bags) {
      train.add(bag.train);
      heldOut.add(bag.heldOut);
    }
  }
  options.signal?.throwIfAborted();
  options.onProgress?.({ phase: 'fit', filesDone, filesTotal: files.length, bytesDone });
  const encoded = performance.now();

  let result: { report: BatchReport; fit: Fit };
  const analysed = summaries.filter((s) => !s.skipped);
  if (files.length === 1 && analysed.length === 1) {
    // One file: its lines are split for the held-out figures.
    const { getTokenizer } = await import('../tokenizers/registry');
    result = fitTexts(getTokenizer(options.tokenizer, options.registry), [files[0].text ?? readText(files[0].path)], fitOptions);
  } else {
    const all = ChunkList.of([train, heldOut]);
    const { getTokenizer } = await import('../tokenizers/registry');
    const tok = getTokenizer(options.tokenizer, options.registry);
    const minFrequency = options.minFrequency ?? 2;
    // With workers, both learning steps run on workers, side by side: the merges of all files, and the training
    // part's (for the held-out figures). This thread — a language server's — stays free to answer meanwhile.
    const side = nWorkers > 0 && train.tokens > 0 && heldOut.tokens > 0 ? learnInWorker(script!, pack(train), tok.vocabSize, options.maxMerges, minFrequency, options.signal) : undefined;
    side?.catch(() => undefined);
    let allFit: Fit;
    try {
      if (nWorkers > 0) {
        const learned = await learnInWorker(script!, pack(all), tok.vocabSize, options.maxMerges, minFrequency, options.signal);
        allFit = fitFromMerges(tok, all, learned.merges, learned.tokensAfter);
      } else allFit = fitBag(tok, all, options.maxMerges, minFrequency);
    } catch (e) {
      void side?.then((r) => r.terminate(), () => undefined);
      throw e;
    }
    const trainMerges = side ? (await side).merges : undefined;
    options.signal?.throwIfAborted();
    result = reportBags(tok, fitOptions, all, train, heldOut, { all: allFit, trainMerges });
  }
  const report: WorkspaceReport = {
    tokenizer: options.tokenizer,
    boundary: options.boundary,
    files: analysed.length,
    bytes: analysed.reduce((n, s) => n + s.bytes, 0),
    tokens: analysed.reduce((n, s) => n + s.tokens, 0),
    workers: nWorkers,
    merges: result.report,
    perFile: summaries,
    skipped: summaries.filter((s) => s.skipped).map((s) => ({ path: s.path, reason: s.skipped! })),
    timings: { encodeMs: Math.round(encoded - started), fitMs: Math.round(performance.now() - encoded) },
  };
  if (settings.suggestions) {
    const counts: Record<string, number> = {};
    let saving = 0;
    for (const s of analysed) {
      for (const [code, n] of Object.entries(s.suggestions ?? {})) counts[code] = (counts[code] ?? 0) + n;
      saving += s.fixAllSaving ?? 0;
    }
    report.suggestions = counts;
    report.fixAllSaving = saving;
  }
  return { report, fit: result.fit };
}

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Jobs in order, cut into batches of about `limit` bytes (a larger file is a batch of its own). */
function batch(jobs: FileJob[], sizes: number[], limit: number): FileJob[][] {
  const out: FileJob[][] = [];
  let cur: FileJob[] = [];
  let bytes = 0;
  jobs.forEach((j, i) => {
    if (cur.length && bytes + sizes[i] > limit) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(j);
    bytes += sizes[i];
  });
  if (cur.length) out.push(cur);
  return out;
}

/** Hands batches to the next free worker; resolves with every worker's bags, rejects on an error or an abort. */
function runWorkers(
  script: string,
  n: number,
  settings: WorkSettings,
  batches: FileJob[][],
  signal: AbortSignal | undefined,
  onDone: (summaries: FileSummary[], jobs: FileJob[]) => void,
): Promise<Array<{ train: PackedBag; heldOut: PackedBag }>> {
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const bags: Array<{ train: PackedBag; heldOut: PackedBag }> = [];
    let next = 0;
    let finished = 0;
    let failed = false;
    const delivered = new Set<Worker>();
    const stop = (err: unknown) => {
      if (failed) return;
      failed = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const onAbort = () => stop(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (w: Worker, current: { jobs?: FileJob[] }) => {
      if (next < batches.length) {
        current.jobs = batches[next++];
        w.postMessage({ type: 'jobs', jobs: current.jobs });
      } else {
        current.jobs = undefined;
        w.postMessage({ type: 'finish' });
      }
    };
    for (let k = 0; k < n; k++) {
      const w = new Worker(script);
      workers.push(w);
      const current: { jobs?: FileJob[] } = {};
      w.on('message', (msg: { type: string; summaries?: FileSummary[]; train?: PackedBag; heldOut?: PackedBag; message?: string }) => {
        if (failed) return;
        if (msg.type === 'done') {
          onDone(msg.summaries!, current.jobs!);
          feed(w, current);
        } else if (msg.type === 'bags') {
          bags.push({ train: msg.train!, heldOut: msg.heldOut! });
          delivered.add(w);
          void w.terminate();
          if (++finished === n) {
            signal?.removeEventListener('abort', onAbort);
            resolve(bags);
          }
        } else if (msg.type === 'error') stop(new Error(msg.message));
      });
      w.on('error', stop);
      w.on('exit', (code) => {
        // terminate() after the bags exits with 1 too: only a worker that has not delivered is a failure.
        if (!failed && !delivered.has(w)) stop(new Error(`dynamic worker exited with code ${code}`));
      });
      w.postMessage({ type: 'init', settings });
      feed(w, current);
    }
  });
}

/** The chunks of a list as one packed bag (copied: the list's arrays stay with the calling thread). */
function pack(list: ChunkList): PackedBag {
  let total = 0;
  for (const c of list.chunks) total += c.ids.length;
  const ids = new Uint32Array(total);
  const lengths = new Uint32Array(list.chunks.length);
  const counts = new Float64Array(list.chunks.length);
  let at = 0;
  list.chunks.forEach((c, k) => {
    ids.set(c.ids, at);
    at += c.ids.length;
    lengths[k] = c.ids.length;
    counts[k] = c.count;
  });
  return { ids, lengths, counts, singles: list.singles };
}

/** Learns merges on a worker; resolves with them (and a way to stop the worker early). */
function learnInWorker(
  script: string,
  chunks: PackedBag,
  baseSize: number,
  maxMerges: number,
  minFrequency: number,
  signal: AbortSignal | undefined,
): Promise<{ merges: Array<[number, number]>; tokensAfter: number; terminate: () => void }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(script);
    let settled = false;
    const terminate = () => void w.terminate();
    const onAbort = () => {
      if (settled) return;
      settled = true;
      terminate();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    w.on('message', (msg: { type: string; merges?: Array<[number, number]>; tokensAfter?: number; message?: string }) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      terminate();
      if (msg.type === 'merges') resolve({ merges: msg.merges!, tokensAfter: msg.tokensAfter!, terminate });
      else reject(new Error(msg.message ?? 'dynamic worker: unexpected answer'));
    });
    w.on('error', (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
    w.on('exit', () => {
      if (settled) return;
      settled = true;
      reject(new Error('dynamic worker exited before answering'));
    });
    w.postMessage({ type: 'learn', chunks, baseSize, maxMerges, minFrequency }, [chunks.ids.buffer, chunks.lengths.buffer, chunks.counts.buffer] as ArrayBuffer[]);
  });
}
