/**
 * The in-process backend (server/src/fim/backends/inProcess.ts) on the tiny llama GGUF (test/fixtures/fim/gguf), run
 * by node-llama-cpp on the CPU. node-llama-cpp is an optional dependency: without it every test here is skipped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InProcessBackend } from '../../server/src/fim/backends/inProcess';
import { FORMATS } from '../../server/src/fim/formats';
import { generate } from '../../server/src/fim/generate';
import { BackendError, type NextTokenDistribution } from '../../server/src/fim/types';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';

const importEsm = (specifier: string): Promise<unknown> => import(specifier);

const tmp = mkdtempSync(join(tmpdir(), 'tokscope-fiminproc-'));
const path = join(tmp, 'tiny.gguf');
const built = tinyLlamaGguf({ path });
const backend = new InProcessBackend({ modelPath: path, threads: 1, cpuOnly: true });
// A second backend for fresh evaluations (its own sequence, never reused between the compared calls).
const fresh = new InProcessBackend({ modelPath: path, threads: 1, cpuOnly: true });
after(async () => {
  await backend.dispose();
  await fresh.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const tok = getTokenizer('gguf:' + path);
const enc = (s: string): Uint32Array => Uint32Array.from(tok.encodeIds(s, { allowSpecial: false }));

function total(d: NextTokenDistribution): number {
  return d.logProbs.reduce((s, lp) => s + Math.exp(lp), 0);
}
function asMap(d: NextTokenDistribution): Map<number, number> {
  return new Map(Array.from(d.ids, (id, i) => [id, d.logProbs[i]]));
}
function assertSame(a: NextTokenDistribution, b: NextTokenDistribution, what: string): void {
  const ma = asMap(a);
  const mb = asMap(b);
  assert.equal(ma.size, mb.size, `${what}: sizes`);
  for (const [id, lp] of ma) assert.ok(Math.abs(Math.exp(lp) - Math.exp(mb.get(id)!)) < 1e-6, `${what}: id ${id}`);
}

test('in-process backend (node-llama-cpp) on the tiny GGUF', async (t) => {
  try {
    await importEsm('node-llama-cpp');
  } catch (e) {
    const why = `node-llama-cpp cannot be imported (${(e as Error).message.split('\n')[0]}): install it with \`npm install node-llama-cpp@3.21.1\``;
    console.log(`# fimInProcess: SKIPPED — ${why}`);
    // What the backend says without the package (the packaged extension): an 'unsupported' error naming the install.
    await assert.rejects(backend.model().next(Uint32Array.of(1)), (err) => err instanceof BackendError && err.kind === 'unsupported' && err.message.includes('npm install node-llama-cpp@3.21.1'));
    t.skip(why);
    return;
  }
  await t.test('info: format, FIM ids and context length from the GGUF header (no model load needed)', async () => {
    const info = await backend.info();
    assert.equal(info.fimFormat, 'qwen2.5-coder');
    const special = (t: string): number => {
      const id = tok.specialTokens.get(t);
      assert.ok(id !== undefined, t);
      return id;
    };
    assert.equal(info.fimTokens?.prefix, special('<|fim_prefix|>'));
    assert.equal(info.fimTokens?.suffix, special('<|fim_suffix|>'));
    assert.equal(info.fimTokens?.middle, special('<|fim_middle|>'));
    assert.equal(info.fimTokens?.eot, special(FORMATS['qwen2.5-coder'].end[0]));
    assert.equal(info.contextLength, built.hparams.contextLength);
    assert.equal(backend.model().eosId, info.fimTokens?.eot);
  });

  await t.test('next: complete distribution over the vocabulary, summing to 1; prefix reuse gives the same as a fresh evaluation', async () => {
    const model = backend.model();
    const base = enc('def fib(n):\n    return fib(n - 1) + fib(n - 2)\n');
    const times: number[] = [];
    const fm = fresh.model();
    // Extending, extending again, a shorter context, a diverging one: each must equal a fresh evaluation.
    const contexts = [base.subarray(0, 5), base.subarray(0, 9), base, base.subarray(0, 7), Uint32Array.from([...base.subarray(0, 4), ...enc('class A:')])];
    for (const [i, c] of contexts.entries()) {
      const t0 = performance.now();
      const d = await model.next(c);
      times.push(performance.now() - t0);
      assert.equal(d.complete, true);
      assert.equal(d.ids.length, tok.vocabSize, 'every id has a probability');
      assert.ok(Math.abs(total(d) - 1) < 1e-6, `sum ${total(d)}`);
      // Fresh: a one-token context first, so the fresh backend's cache holds nothing of `c`.
      await fm.next(Uint32Array.of(c[0] === 7 ? 8 : 7));
      assertSame(d, await fm.next(c), `context ${i}`);
    }
    console.log(`# next(): ${times.map((t) => t.toFixed(1)).join(', ')} ms per call`);
  });

  await t.test('tokenizer: the engine tokenizer and the model agree on ids (the prompts are built with the former)', async () => {
    const nlc = (await importEsm('node-llama-cpp')) as { getLlama(o: object): Promise<{ loadModel(o: object): Promise<{ tokenize(t: string, s?: boolean): number[]; dispose(): Promise<void> }>; dispose(): Promise<void> }> };
    const llama = await nlc.getLlama({ gpu: false, build: 'never' });
    const model = await llama.loadModel({ modelPath: path });
    try {
      for (const text of ['def fib(n):\n    return n', 'export function greet(name: string) {\n  return name;\n}', '  x = [1, 2, 3]  # ok\n\n', 'héllo wörld → ∑']) {
        assert.deepEqual(Array.from(model.tokenize(text, false)), Array.from(enc(text)), JSON.stringify(text));
      }
    } finally {
      await model.dispose();
      await llama.dispose();
    }
  });

  await t.test('generate: exact and off modes run on the real engine and produce text', async () => {
    const info = await backend.info();
    const ids = info.fimTokens!;
    const context = [ids.prefix!, ...enc('def add(a, b):\n'), ids.suffix!, ...enc('\n'), ids.middle!];
    for (const mode of ['exact', 'off'] as const) {
      const t0 = performance.now();
      const r = await generate({ tokenizer: tok, model: backend.model(), context, text: '    ret', mode, maxBytes: 24 });
      const ms = performance.now() - t0;
      assert.ok(r.text.length > 0 || r.finish === 'eos', `${mode}: ${JSON.stringify(r)}`);
      assert.ok(Buffer.byteLength(r.text) <= 24);
      assert.ok(r.report.modelCalls > 0);
      console.log(`# generate ${mode}: ${JSON.stringify(r.text)} (${r.finish}, ${r.report.modelCalls} calls, ${ms.toFixed(0)} ms): ${r.report.reason}`);
    }
  });

  await t.test('infill: greedy text, stops at maxTokens or an end token, honours stop strings; deterministic', async () => {
    const req = { prefix: 'def add(a, b):\n    ', suffix: '\n', maxTokens: 8 };
    const a = await backend.infill(req);
    const b = await fresh.infill(req);
    assert.equal(a, b);
    // Greedy continuation token by token: the text stops where the model's top token is an end token, or at maxTokens.
    const info = await backend.info();
    const endIds = new Set(FORMATS['qwen2.5-coder'].end.map((t) => tok.specialTokens.get(t)).filter((x) => x !== undefined));
    const prompt = [info.fimTokens!.prefix!, ...enc(req.prefix), info.fimTokens!.suffix!, ...enc(req.suffix), info.fimTokens!.middle!];
    const out: number[] = [];
    for (let i = 0; i < 8; i++) {
      const d = await backend.model().next(Uint32Array.from([...prompt, ...out]));
      let best = 0;
      for (let j = 1; j < d.ids.length; j++) if (d.logProbs[j] > d.logProbs[best]) best = j;
      if (endIds.has(d.ids[best])) break;
      out.push(d.ids[best]);
    }
    assert.equal(a, tok.decode(Uint32Array.from(out)));
    assert.equal(await backend.infill({ ...req, maxTokens: 0 }), '');
    if (a.length > 1) {
      const stop = a.slice(1, 2);
      assert.equal(await backend.infill({ ...req, stop: [stop] }), a.slice(0, a.indexOf(stop)));
    }
    console.log(`# infill: ${JSON.stringify(a)}`);
  });

  await t.test('abort: an aborted signal rejects next() and stops infill between tokens', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(backend.model().next(enc('x = 1'), ac.signal), (e) => e instanceof BackendError && e.kind === 'cancelled');
    await assert.rejects(backend.infill({ prefix: 'a', suffix: '', maxTokens: 4 }, ac.signal), (e) => e instanceof BackendError && e.kind === 'cancelled');
    // Aborted mid-way: fewer tokens than asked.
    const mid = new AbortController();
    let calls = 0;
    const model = backend.model();
    const counting = { eosId: model.eosId, next: (c: Uint32Array, s?: AbortSignal) => (++calls === 3 && mid.abort(), model.next(c, s)) };
    await assert.rejects(generate({ tokenizer: tok, model: counting, context: [1], text: 'def', mode: 'off', maxBytes: 200, signal: mid.signal }));
    assert.equal(calls, 3);
    // The backend still works after aborts.
    assert.equal((await backend.model().next(enc('x = 1'))).complete, true);
  });
});

