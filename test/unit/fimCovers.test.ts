/**
 * Exact byte-level de-biasing (server/src/fim/covers.ts): the covers machine's P(next byte | x) against brute force
 * over every token sequence of a toy model (prompts inside tokens, at boundaries, inside a UTF-8 character), through
 * several advance() steps, with exactly one model call per byte; the non-canonical filter, pruning, the cut rules, and
 * the covers on real vocabularies (o200k_base, a SentencePiece byte-fallback GGUF) with a synthetic model.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Canon, utf8State } from '../../server/src/fim/canon';
import { CoverMachine, tailOf } from '../../server/src/fim/covers';
import type { NextTokenDistribution, TokenModel } from '../../server/src/fim/types';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import type { Tokenizer } from '../../server/src/tokenizers/types';
import { bruteNextByte, type BruteOptions } from '../fixtures/fim/bruteForce';
import { EOS, MID, toyCanonical, ToyModel, ToyTokenizer } from '../fixtures/fim/toyModel';
import { randomText, rng, sharedData, SKIP_NO_SHARED } from './support';

const toy = new ToyTokenizer();
const CTX = Uint32Array.of(MID);
const ALPHABET = [0x61, 0x62, 0x63, 0x20, 0xc3, 0xa9];
const bytes = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : Uint8Array.from(s));

/** Compares the machine's distribution with brute force (1e-9), every byte outside `alphabet` being 0. */
async function assertExact(m: CoverMachine, tok: Tokenizer, model: TokenModel, ctx: Uint32Array, alphabet: number[], label: string, o: BruteOptions = {}): Promise<void> {
  const d = m.nextByteDistribution();
  const brute = await bruteNextByte(tok, model, ctx, m.bytes, alphabet, o);
  assert.ok(brute.px > 0, `${label}: the toy model gives the prompt probability 0`);
  for (let b = 0; b < 256; b++) {
    const want = brute.next.get(b) ?? 0;
    assert.ok(Math.abs(d.bytes[b] - want) < 1e-9, `${label}: P(${b.toString(16)}) = ${d.bytes[b]}, brute force ${want}`);
  }
  assert.ok(Math.abs(d.stop - brute.stop) < 1e-9, `${label}: P(stop) = ${d.stop}, brute force ${brute.stop}`);
}

test('toy vocabulary: BPE merges, tokens ending inside "é", the wo|rld case', () => {
  const names = (s: string) => Array.from(toy.encodeIds(s), (i) => Buffer.from(toy.bytesOf(i)).toString('latin1'));
  assert.deepEqual(names('ab'), ['ab']);
  assert.deepEqual(names('abc'), ['abc']);
  assert.deepEqual(names('aé'), ['a\xc3', '\xa9']);
  assert.deepEqual(names('aéb'), ['a\xc3', '\xa9b']);
  assert.deepEqual(names('bé'), ['b', '\xc3\xa9']);
  assert.equal(toy.isCanonical(toy.encodeIds('ab c')), true);
  assert.equal(toyCanonical(toy, [...toy.encodeIds('ab'), 2]), false); // [ab, c] is never seen: "abc" is one token
  assert.equal(toyCanonical(toy, [7]), true); // "a\xC3" continues as "aé"
  assert.equal(toyCanonical(toy, [1, 4]), false); // [b, \xC3]: "bé" merges the character whole
});

const PROMPTS: Array<string | number[]> = ['', 'a', 'ab', 'abc', 'ca', ' a', ' ab', 'b', 'bb', 'aé', 'bé', 'é', 'éc', 'a b', 'cab', 'abab', 'ba', 'aéb', 'c ', 'abca', [0x61, 0xc3], [0xc3], [0x61, 0x62, 0x20, 0x61, 0xc3], [0x62, 0xc3]];

test('exact: P(next byte | x) equals brute force over all token sequences, inside tokens, at boundaries, inside "é"', async () => {
  for (const seed of [1, 2, 3]) {
    for (const p of PROMPTS) {
      const model = new ToyModel(toy, { seed });
      const m = await CoverMachine.create({ tokenizer: toy, model, context: CTX, text: bytes(p) });
      await assertExact(m, toy, model, CTX, ALPHABET, `seed ${seed}, prompt ${JSON.stringify(p)}`);
    }
  }
});

test('exact after several advance() steps, with one model call per byte (none when no cover ends there)', async () => {
  const paths: Array<[string, number[]]> = [['a', [0x62, 0x63, 0x20, 0x61, 0x62]], ['b', [0xc3, 0xa9, 0x62, 0x62]], ['', [0x61, 0xc3, 0xa9, 0x63, 0x61]], [' ', [0x61, 0x62, 0x63, 0x61]]];
  for (const seed of [1, 5]) {
    for (const [prompt, path] of paths) {
      const model = new ToyModel(toy, { seed });
      const m = await CoverMachine.create({ tokenizer: toy, model, context: CTX, text: prompt });
      for (const want of path) {
        const d = m.nextByteDistribution();
        // Follow the path while it has probability; otherwise the likeliest byte.
        const b = d.bytes[want] > 0 ? want : d.bytes.indexOf(Math.max(...d.bytes));
        const before = m.modelCalls;
        const calls = model.calls;
        await m.advance(b);
        assert.equal(model.calls - calls, m.modelCalls - before);
        const empties = m.covers.filter((c) => c.rem.length === 0).length;
        assert.equal(m.modelCalls - before, empties, 'one call per cover that ends with the text');
        if (m.textComplete) assert.equal(empties, 1, 'exactly one call per byte on a character boundary');
        else assert.ok(empties <= 1);
        await assertExact(m, toy, model, CTX, ALPHABET, `seed ${seed}, ${JSON.stringify(prompt)} + ${Buffer.from(m.bytes).toString('latin1')}`);
      }
    }
  }
});

test('collapsed: one cover left that ends with the text', async () => {
  const model = new ToyModel(toy);
  const m = await CoverMachine.create({ tokenizer: toy, model, context: CTX, text: 'ab' });
  assert.ok(m.covers.length > 1 && !m.collapsed, 'inside "abc": [ab] and [abc] both cover "ab"');
  await m.advance(0x63);
  assert.ok(m.collapsed);
  assert.deepEqual(Array.from(tailOf(m.covers[0])), Array.from(toy.encodeIds('abc')));
});

test('non-canonical mass (a smoothed model) is filtered and the distribution renormalised', async () => {
  const allow = (ids: number[]) => ids[ids.length - 1] === EOS || toyCanonical(toy, ids);
  for (const p of ['ab', 'a', 'ca', 'aé', [0x61, 0xc3], 'b ']) {
    const model = new ToyModel(toy, { seed: 4, leak: 0.1 });
    const m = await CoverMachine.create({ tokenizer: toy, model, context: CTX, text: bytes(p) });
    await assertExact(m, toy, model, CTX, ALPHABET, `leaky, ${JSON.stringify(p)}`, { allow });
  }
});

test('pruning by a margin keeps covers within it and the distribution normalised', async () => {
  for (const margin of [0.5, 2, 5]) {
    const model = new ToyModel(toy, { seed: 2 });
    const m = await CoverMachine.create({ tokenizer: toy, model, context: CTX, text: 'ab', margin });
    for (const b of [0x63, 0x61, 0x62]) {
      const d = m.nextByteDistribution();
      const total = d.bytes.reduce((s, x) => s + x, 0) + d.stop;
      assert.ok(Math.abs(total - 1) < 1e-12, `margin ${margin}: sums to ${total}`);
      const best = Math.max(...m.covers.filter((c) => c.ok).map((c) => c.logp));
      assert.ok(m.covers.every((c) => c.logp >= best - margin));
      if (d.bytes[b] > 0) await m.advance(b);
    }
  }
});

test('abort: a signal aborted between calls stops the machine before the next call', async () => {
  const controller = new AbortController();
  const model = new ToyModel(toy, { abortAfter: { calls: 1, controller } });
  await assert.rejects(CoverMachine.create({ tokenizer: toy, model, context: CTX, text: 'ab', signal: controller.signal }), { name: 'AbortError' });
});

// ---- real vocabularies: a synthetic model, uniform over the canonical continuations spelled with a short alphabet ----

class AlphabetModel implements TokenModel {
  calls = 0;
  readonly tokens: number[];
  /** `canonical`: the engine's isCanonical by default (whole characters only). */
  constructor(
    private readonly tok: Tokenizer,
    alphabet: string | Uint8Array,
    readonly eosId: number,
    private readonly ctxLength: number,
    private readonly canonical = (ids: number[]) => tok.isCanonical(ids),
  ) {
    const ok = new Set(typeof alphabet === 'string' ? new TextEncoder().encode(alphabet) : alphabet);
    const specials = new Set(tok.specialTokens.values());
    this.tokens = [];
    for (let id = 0; id < tok.vocabSize; id++) {
      if (specials.has(id)) continue;
      try {
        const b = tok.bytesOf(id);
        if (b.length && b.every((c) => ok.has(c))) this.tokens.push(id);
      } catch {
        // unused id
      }
    }
  }
  async next(context: Uint32Array): Promise<NextTokenDistribution> {
    this.calls++;
    const text = Array.from(context.subarray(this.ctxLength));
    const whole = utf8State(this.tok.decodeBytes(text)).kind === 'valid';
    const ids = [...(whole ? [this.eosId] : []), ...this.tokens.filter((t) => this.canonical([...text, t]))];
    return { ids: Uint32Array.from(ids), logProbs: new Float64Array(ids.length).fill(-Math.log(ids.length)), complete: true };
  }
}

const SPM = sharedData('testvectors/llama.cpp/ggml-vocab-llama-spm.gguf');
const REAL: Array<{ name: string; tok: () => Tokenizer; eos: (t: Tokenizer) => number; skip: string | false }> = [
  { name: 'o200k_base', tok: () => getTokenizer('o200k_base'), eos: (t) => t.specialTokens.get('<|endoftext|>')!, skip: false },
  { name: 'llama-spm (GGUF)', tok: () => getTokenizer(`gguf:${SPM}`), eos: (t) => t.specialTokens.get('</s>')!, skip: !SPM && SKIP_NO_SHARED },
];

for (const r of REAL) {
  test(`${r.name}: covers and next-byte probabilities match brute force; one model call per byte`, { skip: r.skip }, async (t) => {
    const tok = r.tok();
    const ctx = Uint32Array.of(r.eos(tok)); // any boundary will do: the text is encoded fresh after it
    const model = new AlphabetModel(tok, 'ab ', r.eos(tok), 1);
    const alphabet = [0x61, 0x62, 0x20];
    // (Not " b" for SentencePiece: the engine's isCanonical, which this model uses, rejects [▁] alone, so the model
    // gives [▁, ▁b] no probability; the covers machine counts [▁] as a prefix, which a real model would need.)
    for (const prompt of ['ab', 'ab a', 'ba', ...(tok.kind === 'gguf' ? [] : [' b']), 'a  b', 'abba', 'b ']) {
      const m = await CoverMachine.create({ tokenizer: tok, model, context: ctx, text: prompt });
      await assertExact(m, tok, model, ctx, alphabet, `${r.name} ${JSON.stringify(prompt)}`);
      for (const c of m.covers) assert.ok(tok.isCanonical([...m.base, ...tailOf(c)]), 'every cover kept is canonical');
      const calls = model.calls;
      for (const b of bytes(' ab')) await m.advance(b);
      assert.equal(model.calls - calls, 3, 'one model call per byte');
      t.diagnostic(`${JSON.stringify(prompt)}: ${m.covers.length} covers after " ab"`);
      await assertExact(m, tok, model, ctx, alphabet, `${r.name} ${JSON.stringify(prompt)} + " ab"`);
    }
  });
}

for (const r of REAL) {
  test(`${r.name}: a character split across tokens (byte-level / byte fallback), prompts ending inside it`, { skip: r.skip }, async () => {
    const tok = r.tok();
    const ctx = Uint32Array.of(r.eos(tok));
    const char = bytes('龘'); // not one token in either vocabulary: [E9BE, 98] in o200k, three byte tokens in Llama
    const model = new AlphabetModel(tok, Uint8Array.of(0x61, 0x20, ...char), r.eos(tok), 1, (ids) => toyCanonical(tok, ids));
    const alphabet = [0x61, 0x20, ...char];
    // This model has dead ends: a canonical prefix such as [a, \xE9] may have no canonical continuation spelled
    // with its alphabet. Their mass is lost to every next byte alike, so compare normalised distributions.
    const o = { renormalise: true };
    for (const prompt of [[0x61], [0x61, char[0]], [0x61, char[0], char[1]], [0x61, ...char]]) {
      const m = await CoverMachine.create({ tokenizer: tok, model, context: ctx, text: Uint8Array.from(prompt) });
      await assertExact(m, tok, model, ctx, alphabet, `${r.name} ${Buffer.from(prompt).toString('hex')}`, o);
    }
    const m = await CoverMachine.create({ tokenizer: tok, model, context: ctx, text: 'a' });
    for (const b of char) {
      await m.advance(b);
      await assertExact(m, tok, model, ctx, alphabet, `${r.name} a + ${Buffer.from(m.bytes).toString('hex')}`, o);
    }
  });
}

test('o200k_base: a long generation moves the cut forward (rebase) and stays canonical', async () => {
  const tok = getTokenizer('o200k_base');
  const eos = tok.specialTokens.get('<|endoftext|>')!;
  const line = (i: number) => `    value_${i} = compute(value_${i - 1}, "x" * ${i})  # step ${i}\n`;
  const prefix = Array.from({ length: 4 }, (_, i) => line(i + 1)).join('') + '    resu';
  const middle = 'lt = 0\n' + Array.from({ length: 16 }, (_, i) => line(i + 5)).join('');
  const want = tok.encodeIds(prefix + middle);
  // Wants the target's own encoding: the next token when the text so far is a prefix of it, else the end.
  const model: TokenModel = {
    eosId: eos,
    async next(context) {
      const text = context.subarray(1);
      const ok = text.length < want.length && text.every((id, i) => id === want[i]);
      return { ids: Uint32Array.of(ok ? want[text.length] : eos, ok ? eos : 0), logProbs: Float64Array.of(Math.log(0.9), Math.log(0.1)), complete: false };
    },
  };
  const m = await CoverMachine.create({ tokenizer: tok, model, context: [eos], text: prefix });
  assert.ok(m.cut > 0, 'the text before the last line start is cut off');
  while (!m.collapsed) await m.advance(m.greedyByte());
  for (;;) {
    const e = m.covers[0];
    const d = e.dist!;
    const t = d.ids[0];
    if (t === eos) break;
    assert.ok(m.canExtend(e, t), `token ${t} after ${m.bytes.length} bytes is canonical`);
    await m.extend(t);
  }
  assert.equal(new TextDecoder().decode(m.bytes), prefix + middle);
  assert.ok(m.cut > prefix.length, `the cut moved forward (${m.cut})`);
  assert.deepEqual(Array.from(m.ids(m.covers[0]).subarray(1)), Array.from(want));
});

test('cut rules: the encoding after a cut never depends on text appended (o200k_base, GPT-2 GGUF)', { skip: false }, () => {
  const gpt2 = sharedData('testvectors/llama.cpp/ggml-vocab-gpt-2.gguf');
  const toks = [getTokenizer('o200k_base'), ...(gpt2 ? [getTokenizer(`gguf:${gpt2}`)] : [])];
  const rand = rng(7);
  const enc = new TextEncoder();
  for (const tok of toks) {
    const canon = Canon.of(tok);
    let cuts = 0;
    for (let k = 0; k < 300; k++) {
      const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
      const lines = Array.from({ length: 2 + Math.floor(rand() * 6) }, () => pick(['def f(x):', '  return x', 'x = 1', '// c', '/x', '', '    ', '\t', 'y;']) + randomText(rand, Math.floor(rand() * 12)));
      // (Special-token text aside: the engine's isCanonical reads it as the special token, text never is.)
      const text = lines.join(pick(['\n', '\r\n', '\n\n', ' \n', '\n  \n'])).replaceAll('<|', '<');
      const y = canon.textBytes(text);
      const c = canon.cut(y, Math.floor(rand() * (y.length + 1)));
      if (c === 0) continue;
      cuts++;
      const head = tok.decodeBytes(tok.encodeIds(text)).subarray(0, c);
      const tail = new TextDecoder().decode(y.subarray(c)) + randomText(rand, 1 + Math.floor(rand() * 20));
      const whole = tok.encodeIds(new TextDecoder().decode(head) + tail);
      const parts = [...tok.encodeIds(new TextDecoder().decode(head)), ...tok.encodeIds(tail)];
      assert.deepEqual(Array.from(whole), parts, `${tok.name}: cut ${c} of ${JSON.stringify(text)} moved when ${JSON.stringify(tail)} followed`);
      assert.equal(enc.encode(new TextDecoder().decode(head)).length, c);
      // The cheap check (the chunk after the cut) agrees with the engine's (the whole text) on one-token extensions.
      const base = tok.encodeIds(new TextDecoder().decode(head));
      const chunk = tok.encodeIds(new TextDecoder().decode(y.subarray(c)));
      for (let j = 0; j < 4; j++) {
        const cands = tok.tokensWithPrefix(Uint8Array.of(j < 2 ? y[y.length - 1] : 32 + Math.floor(rand() * 90)));
        const u = cands[Math.floor(rand() * cands.length)];
        const z = new Uint8Array([...y.subarray(c), ...tok.bytesOf(u)]);
        const cheap = canon.isPrefix([...chunk, u], z, false);
        const full = tok.isCanonical([...base, ...chunk, u]);
        if (utf8State(z).kind === 'valid') assert.equal(cheap, full, `${tok.name}: ${JSON.stringify(text)} + token ${u}`);
      }
    }
    assert.ok(cuts > 10, `${tok.name}: only ${cuts} cuts found`);
  }
});
