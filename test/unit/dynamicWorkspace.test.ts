/**
 * Workspace analysis: worker threads give exactly the calling thread's report; progress counts every file once;
 * an abort rejects and stops the workers; binary files are skipped with a reason; the merges' counts are exact.
 * The worker bundle is built here with esbuild (the project build makes dist/dynamicWorker.js only once
 * scripts/build.mjs lists it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildSync } from 'esbuild';
import { analyzeWorkspace } from '../../server/src/dynamic/workspace';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'tokscope-ws-'));
// Inside the project, so that the worker finds the vocabularies (projectRoot() looks upwards from the bundle).
const workerScript = join(projectRoot(), 'out', 'dynamicWorker.js');
buildSync({ entryPoints: [join(projectRoot(), 'server', 'src', 'dynamic', 'worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: workerScript, logLevel: 'warning' });

const srcDirs = ['dynamic', 'domain'].map((d) => join(projectRoot(), 'server', 'src', d));
const files = srcDirs.flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.ts')).sort().map((n) => join(d, n)));
const binary = join(dir, 'blob.bin');
writeFileSync(binary, Buffer.from([0, 1, 2, 3, 0, 0, 0, 5, 6, 7, 0, 0, 200, 201, 0, 0]));

const base = { tokenizer: 'o200k_base', boundary: 'word' as const, maxMerges: 300, checkpoints: [10, 100, 300], batchBytes: 16 * 1024, minWorkerBytes: 0 };

test('two workers give the calling thread\'s report, exactly', async () => {
  const inputs = [...files, binary].map((path) => ({ path }));
  const progress: number[] = [];
  const threaded = await analyzeWorkspace(inputs, { ...base, workers: 2, workerScript, onProgress: (p) => p.phase === 'encode' && progress.push(p.filesDone) });
  const local = await analyzeWorkspace(inputs, { ...base, workers: 0 });
  assert.equal(threaded.report.workers, 2);
  assert.equal(local.report.workers, 0);
  assert.deepEqual({ ...threaded.report, workers: 0, timings: local.report.timings }, local.report);
  assert.deepEqual(threaded.fit.merges, local.fit.merges);
  // every file once, in increasing totals
  assert.equal(progress[progress.length - 1], inputs.length);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i] > progress[i - 1]);
  assert.ok(progress.length >= 3, 'several batches');
  // the binary file is skipped with a reason; the others are counted exactly
  assert.equal(threaded.report.skipped.length, 1);
  assert.match(threaded.report.skipped[0].reason, /binary/);
  const tok = getTokenizer('o200k_base');
  const exact = files.reduce((n, f) => n + tok.count(readFileSync(f, 'utf8')), 0);
  assert.equal(threaded.report.tokens, exact);
  assert.equal(threaded.report.merges.tokensBefore, exact);
  assert.equal(threaded.report.merges.trainerTokensAfter, threaded.report.merges.final.tokens);
  // held-out: the last fifth of the files
  assert.ok(threaded.report.merges.steps[2].heldOut!.tokensBefore > 0);
});

test('an abort rejects and stops the workers', async () => {
  const controller = new AbortController();
  const inputs = files.map((path) => ({ path }));
  await assert.rejects(
    analyzeWorkspace(inputs, { ...base, workers: 2, workerScript, signal: controller.signal, onProgress: () => controller.abort() }),
    (e: unknown) => e instanceof Error && e.name === 'AbortError',
  );
  const c2 = new AbortController();
  c2.abort();
  await assert.rejects(analyzeWorkspace(inputs, { ...base, workers: 0, signal: c2.signal }), /abort/i);
});
