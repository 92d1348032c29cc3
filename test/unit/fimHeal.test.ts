/**
 * FIM generation (server/src/fim/generate.ts) on the toy model: 'exact' recovers the continuation the model prefers
 * where 'off' cannot (the wo|rld case), 'heal' is token healing, sampling is seeded and (at temperature 1, the covers
 * shortcut) distributed as the exact next-byte distribution says, output limits, and aborts between model calls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoverMachine } from '../../server/src/fim/covers';
import { generate, type GenerateOptions } from '../../server/src/fim/generate';
import type { NextTokenDistribution, TokenModel } from '../../server/src/fim/types';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { EOS, MID, ToyModel, ToyTokenizer } from '../fixtures/fim/toyModel';

const toy = new ToyTokenizer();
const ABC = 9;
/** The model likes "abc" then the end: a prompt "ab" (inside the token "abc") should be completed with "c". */
const boost: Array<[number, number, number]> = [[MID, ABC, 30], [ABC, EOS, 30]];

/** Records every context the model is asked about. */
class Recording implements TokenModel {
  readonly eosId: number | undefined;
  contexts: number[][] = [];
  constructor(private readonly inner: TokenModel) {
    this.eosId = inner.eosId;
  }
  next(context: Uint32Array, signal?: AbortSignal): Promise<NextTokenDistribution> {
    this.contexts.push(Array.from(context));
    return this.inner.next(context, signal);
  }
}

const base = (model: TokenModel, text: string, mode: GenerateOptions['mode']): GenerateOptions => ({ tokenizer: toy, model, context: [MID], text, mode, maxBytes: 12 });

test('wo|rld: greedy exact completes "ab" with "c"; off cannot, since [ab, c] is never canonical', async () => {
  const exact = await generate(base(new ToyModel(toy, { boost }), 'ab', 'exact'));
  assert.equal(exact.text, 'c');
  assert.equal(exact.finish, 'eos');
  assert.equal(exact.report.mode, 'exact');
  assert.match(exact.report.reason, /cursor inside a token: de-biased over \d+ covers/);
  assert.ok(exact.report.covers! > 1);
  assert.equal(exact.report.byteSteps, 1, 'one byte step, then collapsed to [abc]');
  const off = await generate(base(new ToyModel(toy, { boost }), 'ab', 'off'));
  assert.notEqual(off.text[0], 'c');
  assert.equal(off.report.mode, 'off');
});

test('exact at a token boundary: one cover, plain decoding, calls = setup + tokens', async () => {
  const model = new ToyModel(toy, { boost, seed: 3 });
  const r = await generate(base(model, 'abc', 'exact'));
  assert.equal(r.report.covers, 1);
  assert.match(r.report.reason, /at a token boundary: 1 cover, plain decoding/);
  assert.equal(r.report.byteSteps, 0);
  assert.equal(r.report.modelCalls, model.calls);
});

test('exact on an empty text, and on a text the model never produces', async () => {
  const r = await generate(base(new ToyModel(toy, { boost }), '', 'exact'));
  assert.equal(r.report.covers, 1);
  assert.match(r.report.reason, /at a token boundary/);
  assert.equal(r.text, 'abc', 'the boosted [abc, <eos>]');
  const never: TokenModel = { eosId: EOS, next: async () => ({ ids: Uint32Array.of(EOS), logProbs: Float64Array.of(0), complete: true }) };
  const n = await generate(base(never, 'ab', 'exact'));
  assert.equal(n.text, '');
  assert.equal(n.finish, 'none');
  assert.equal(n.report.covers, 0);
});

test('heal rolls back tokens and constrains the next ones to spell them', async () => {
  for (const [text, n] of [['ab', 1], ['ca', 1], ['abca', 2], ['a b', 2], ['aé', 1]] as Array<[string, number]>) {
    for (const seed of [1, 2, 3]) {
      const model = new Recording(new ToyModel(toy, { seed, boost }));
      const r = await generate({ ...base(model, text, 'heal'), healTokens: n });
      const ids = toy.encodeIds(text);
      const k = Math.min(n, ids.length);
      assert.equal(r.report.rolledBack, k);
      assert.match(r.report.reason, /token healing: rolled back/);
      // The first call sees the text without its last k tokens; the tokens chosen spell the text, then the output.
      assert.deepEqual(model.contexts[0], [MID, ...ids.subarray(0, ids.length - k)]);
      const last = model.contexts[model.contexts.length - 1].slice(1);
      if (r.finish === 'eos') assert.equal(toy.decode(last), text + r.text, `${text} (${seed})`);
    }
  }
  // The baseline's result on the wo|rld case: the removed "ab" is respelled as "abc".
  const r = await generate(base(new ToyModel(toy, { boost }), 'ab', 'heal'));
  assert.equal(r.text, 'c');
});

test('off: the text encoded as-is, then plain decoding', async () => {
  const model = new Recording(new ToyModel(toy, { seed: 2 }));
  const r = await generate(base(model, 'bab', 'off'));
  assert.deepEqual(model.contexts[0], [MID, ...toy.encodeIds('bab')]);
  if (r.finish === 'eos') assert.equal(toy.decode(model.contexts[model.contexts.length - 1].slice(1)), 'bab' + r.text);
});

test('maxBytes and stop strings end the output; never a broken character', async () => {
  for (const mode of ['exact', 'heal', 'off'] as const) {
    for (let maxBytes = 1; maxBytes <= 6; maxBytes++) {
      const r = await generate({ ...base(new ToyModel(toy, { seed: 6 }), 'b', mode), maxBytes, sample: { temperature: 1, seed: maxBytes } });
      assert.ok(new TextEncoder().encode(r.text).length <= maxBytes);
      assert.ok(!r.text.includes('\ufffd'), `${mode}: ${JSON.stringify(r.text)}`);
    }
    const long = await generate({ ...base(new ToyModel(toy, { seed: 6 }), 'b', mode), maxBytes: 40, sample: { temperature: 1, seed: 9 } });
    const stopAt = long.text.slice(3, 5);
    if (stopAt.length === 2) {
      const r = await generate({ ...base(new ToyModel(toy, { seed: 6 }), 'b', mode), maxBytes: 40, sample: { temperature: 1, seed: 9 }, stopAt: [stopAt] });
      assert.equal(r.finish, 'stop');
      assert.equal(r.text, long.text.slice(0, long.text.indexOf(stopAt)));
    }
  }
});

test('sampling is seeded; at temperature 1 the first byte follows the exact next-byte distribution', async () => {
  const opts = (seed: number): GenerateOptions => ({ ...base(new ToyModel(toy, { seed: 2 }), 'a', 'exact'), maxBytes: 1, sample: { temperature: 1, seed } });
  assert.deepEqual(await generate(opts(42)), await generate(opts(42)));
  const m = await CoverMachine.create({ tokenizer: toy, model: new ToyModel(toy, { seed: 2 }), context: [MID], text: 'a' });
  const d = m.nextByteDistribution();
  const counts = new Map<string, number>();
  const n = 600;
  for (let seed = 0; seed < n; seed++) {
    const r = await generate(opts(seed));
    const key = r.finish === 'eos' ? 'stop' : r.text === '' ? 'é-start' : r.text;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const expected = new Map<string, number>([['stop', d.stop], ['é-start', d.bytes[0xc3]]]);
  for (const c of 'abc ') expected.set(c, d.bytes[c.charCodeAt(0)]);
  for (const [k, p] of expected) {
    const got = (counts.get(k) ?? 0) / n;
    // Five standard deviations: deterministic (seeded), and far from flaky if the seeds change.
    assert.ok(Math.abs(got - p) <= 5 * Math.sqrt((p * (1 - p)) / n) + 1e-9, `${k}: sampled ${got}, exact ${p}`);
  }
});

test('abort: takes effect between model calls, in every mode', async () => {
  for (const mode of ['exact', 'heal', 'off'] as const) {
    for (const after of [1, 2, 3]) {
      const controller = new AbortController();
      const model = new ToyModel(toy, { seed: 1, abortAfter: { calls: after, controller } });
      await assert.rejects(generate({ ...base(model, 'ab', mode), maxBytes: 40, signal: controller.signal }), { name: 'AbortError' });
      assert.ok(model.calls <= after, `${mode}: ${model.calls} calls after aborting at ${after}`);
    }
    const controller = new AbortController();
    controller.abort();
    const model = new ToyModel(toy);
    await assert.rejects(generate({ ...base(model, 'ab', mode), signal: controller.signal }), { name: 'AbortError' });
    assert.equal(model.calls, 0);
  }
});

test('o200k_base: exact greedy generation completes " retu" as the model wants; off cannot', async () => {
  const tok = getTokenizer('o200k_base');
  const eos = tok.specialTokens.get('<|endoftext|>')!;
  // A synthetic model over o200k: after "retu" it wants "rn", which plain decoding never produces after [ret, u].
  const want = tok.encodeIds(' return x');
  let calls = 0;
  const model: TokenModel = {
    eosId: eos,
    async next(context) {
      calls++;
      const text = Array.from(context.subarray(1));
      const k = text.length;
      const t = k < want.length && text.every((id, i) => id === want[i]) ? want[k] : eos;
      return { ids: Uint32Array.of(t, eos === t ? want[0] : eos), logProbs: Float64Array.of(Math.log(0.9), Math.log(0.1)), complete: false };
    },
  };
  const r = await generate({ tokenizer: tok, model, context: [eos], text: ' retu', mode: 'exact', maxBytes: 10 });
  assert.equal(r.text, 'rn x');
  assert.equal(r.report.modelCalls, calls);
  const off = await generate({ tokenizer: tok, model, context: [eos], text: ' retu', mode: 'off', maxBytes: 10 });
  assert.equal(off.text, '');
});

test('deadline: no model call starts after it; the text so far comes back with finish "time", in every mode', async () => {
  for (const mode of ['exact', 'heal', 'off'] as const) {
    const inner = new ToyModel(toy, { seed: 4 });
    let calls = 0;
    // Each call takes 5 ms of (fake) time; the deadline falls after the 4th call started.
    let now = performance.now();
    const t0 = now;
    const slow: TokenModel = {
      eosId: undefined, // never ends on its own
      next: (ctx, signal) => {
        calls++;
        now += 5;
        return inner.next(ctx, signal);
      },
    };
    const realNow = performance.now.bind(performance);
    performance.now = () => now;
    try {
      const r = await generate({ ...base(slow, 'b', mode), maxBytes: 10_000, deadline: t0 + 18 });
      assert.equal(r.finish, 'time', mode);
      assert.match(r.report.reason, /^time cap reached after \d+ bytes?: the completion so far$/);
      assert.equal(calls, 4, `${mode}: calls made before the deadline`);
      assert.equal(r.report.modelCalls, 4);
      assert.ok(r.text.length > 0 || mode !== 'off', `${mode}: text generated so far is returned`);
    } finally {
      performance.now = realNow;
    }
  }
});
