/**
 * pass@1 (server/src/fim/passAtK.ts) on real HumanEval RandomSpan tasks: the canonical middle passes its task's tests,
 * wrong middles fail, a runaway program is killed at its time cap; and the eval helpers around it.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { compareModes, cutBytes, readTasks, score, summarise, withEndTokens } from '../../server/src/fim/evalFim';
import { canExecute, PassChecker, pythonVersion, runProgram } from '../../server/src/fim/passAtK';
import type { TokenModel } from '../../server/src/fim/types';
import { SKIP_NO_SHARED, sharedData } from './support';

const data = sharedData('fim-eval/HumanEval-RandomSpanInfilling.jsonl.gz');
const python = pythonVersion();

test('pass@1: canonical middles pass, wrong middles fail (20 RandomSpan tasks, 2 at a time)', async (t) => {
  if (!data) return t.skip(SKIP_NO_SHARED);
  if (!python.version) {
    console.log(`# fimEvalPass: SKIPPED — ${python.problem}`);
    return t.skip(python.problem);
  }
  const all = readTasks(data);
  assert.equal(all.length, 1640);
  assert.ok(all.every(canExecute), 'every task has tests and an entry point');
  // Spread over the 164 problems: every 82nd task.
  const sample = all.filter((_, i) => i % 82 === 0);
  assert.equal(sample.length, 20);
  const checker = new PassChecker({ timeoutMs: 10_000, concurrency: 2 });
  const t0 = performance.now();
  const good = await Promise.all(sample.map((task) => checker.check(task, task.middle)!));
  const failed = good.flatMap((r, i) => (r.passed ? [] : [`${sample[i].id}: ${r.timedOut ? 'timed out' : r.stderr}`]));
  assert.deepEqual(failed, [], 'canonical middles must pass');
  // Wrong middles: a syntax error, and the first task's comparison inverted (a valid program that answers wrong).
  const bad = await Promise.all(sample.slice(0, 5).map((task) => checker.check(task, ')(' + task.middle)!));
  assert.deepEqual(bad.map((r) => r.passed), [false, false, false, false, false]);
  assert.match(bad[0].stderr, /SyntaxError/);
  const first = all[0];
  assert.match(first.middle, /idx != idx2/);
  const inverted = await checker.check(first, first.middle.replace('!=', '=='))!;
  checker.close();
  assert.equal(inverted.passed, false);
  assert.equal(inverted.code, 1);
  assert.match(inverted.stderr, /AssertionError/);
  // A program's own exit code counts, and what it prints is discarded.
  const exits = await runProgram('print("x" * 100000)\nimport sys\nsys.exit(3)\n');
  assert.deepEqual([exits.passed, exits.code], [false, 3]);
  assert.equal((await runProgram('print("hello")\n')).passed, true);
  console.log(`# ${python.version}: 28 programs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

test('pass@1: a program that never ends is killed at its cap; identical programs run once', async (t) => {
  if (!python.version) return t.skip(python.problem);
  const t0 = performance.now();
  const r = await runProgram('import time\nwhile True:\n    time.sleep(0.01)\n', { timeoutMs: 500 });
  const took = performance.now() - t0;
  assert.equal(r.passed, false);
  assert.equal(r.timedOut, true);
  assert.ok(took < 5000, `took ${took.toFixed(0)} ms`);
  const checker = new PassChecker();
  const task = { prompt: 'def f():\n    return ', suffix: '\n', test: 'def check(c):\n    assert c() == 1\n', entryPoint: 'f' };
  const a = checker.check(task, '1');
  assert.equal(checker.check(task, '1'), a);
  assert.equal((await a)!.passed, true);
  assert.equal((await checker.check(task, '2'))!.passed, false);
  assert.equal(checker.check({ prompt: 'x' }, '1'), undefined, 'no tests: not run');
  checker.close();
});

test('eval helpers: pass@1 in summaries and sign tests, cutBytes, end tokens folded into one', async () => {
  const task = { id: 't', prompt: 'x = fo', middle: 'o(1)\n' };
  const a = [{ ...score(task, 'o(1)\n', 16, 3), passed: true }, { ...score(task, 'x', 16, 1), passed: false }, score(task, 'o', 16, 1)];
  const b = [{ ...score(task, 'zz', 16, 3), passed: false }, { ...score(task, 'x', 16, 1), passed: false }, score(task, 'o', 16, 1)];
  const [s] = summarise('exact', a);
  assert.equal(s.executed, 2);
  assert.equal(s.passAt1, 0.5);
  assert.equal(s.fullMatch, 1 / 3);
  assert.equal(summarise('off', [score(task, 'o', 16, 1)])[0].passAt1, undefined);
  assert.deepEqual(compareModes(a, b, false, 'passed'), { wins: 1, losses: 0, p: 1 });

  assert.equal(cutBytes('héllo', 2), 'h');
  assert.equal(cutBytes('héllo', 3), 'hé');
  assert.equal(cutBytes('abc', 10), 'abc');

  const model: TokenModel = {
    eosId: 9,
    next: async () => ({ ids: Uint32Array.of(1, 7, 9, 8), logProbs: Float64Array.of(Math.log(0.4), Math.log(0.3), Math.log(0.2), Math.log(0.1)), complete: true }),
  };
  const folded = withEndTokens(model, [7, 8]);
  assert.equal(folded.eosId, 7);
  const d = await folded.next(Uint32Array.of(0));
  assert.deepEqual(Array.from(d.ids), [1, 7]);
  assert.ok(Math.abs(Math.exp(d.logProbs[1]) - 0.6) < 1e-12);
  assert.equal(d.complete, true);
});
