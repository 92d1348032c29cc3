/** The n-gram model and the eval-fim harness: distributions, the sign test, the mid-word rule, a small run. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareModes, endsMidWord, runTask, signTest, summarise } from '../../server/src/fim/evalFim';
import { NgramModel } from '../../server/src/fim/ngram';
import { getTokenizer } from '../../server/src/tokenizers/registry';

test('n-gram model: a complete distribution that sums to 1 and prefers what followed the context in training', async () => {
  const model = new NgramModel({ vocabSize: 50, eosId: 49, order: 3 });
  for (let k = 0; k < 20; k++) model.train([1, 2, 3, 1, 2, 4]);
  const d = await model.next(Uint32Array.of(1, 2));
  assert.equal(d.complete, true);
  assert.equal(d.ids.length, 50);
  const sum = Array.from(d.logProbs).reduce((s, l) => s + Math.exp(l), 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, String(sum));
  const best = d.logProbs.indexOf(Math.max(...d.logProbs));
  assert.ok(best === 3 || best === 4, `best ${best}`);
  assert.ok(d.logProbs[3] > d.logProbs[7] && d.logProbs[7] > -Infinity);
});

test('sign test: symmetric, exact for small n', () => {
  assert.equal(signTest(0, 0), 1);
  assert.ok(Math.abs(signTest(5, 0) - 2 / 32) < 1e-12);
  assert.equal(signTest(3, 7), signTest(7, 3));
  assert.ok(signTest(13, 1) < 0.002);
});

test('mid-word prompts; a tiny eval run where exact de-biasing continues inside a word and plain decoding cannot', async () => {
  assert.equal(endsMidWord({ id: 'a', prompt: '    retu', middle: 'rn x' }), true);
  assert.equal(endsMidWord({ id: 'b', prompt: '    return ', middle: 'x' }), false);
  const tok = getTokenizer('o200k_base');
  const model = new NgramModel({ vocabSize: tok.vocabSize, eosId: tok.specialTokens.get('<|endoftext|>')!, order: 4 });
  for (let k = 0; k < 30; k++) model.train(tok.encodeIds('def f(x):\n    return x + 1\n'));
  const task = { id: 't', prompt: 'def f(x):\n    retu', middle: 'rn x + 1\n' };
  const off = await runTask(task, tok, model, 'off', 8);
  const exact = await runTask(task, tok, model, 'exact', 8);
  assert.equal(exact.prefixMatch, true, `exact gave ${JSON.stringify(exact.output)}`);
  assert.equal(off.prefixMatch, false, `off gave ${JSON.stringify(off.output)}`);
  const [all] = summarise('exact', [exact]);
  assert.equal(all.prefixMatch, 1);
  assert.deepEqual(compareModes([exact], [off], true), { wins: 1, losses: 0, p: 1 });
});
