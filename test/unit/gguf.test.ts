/**
 * GGUF vocabularies: the metadata reader (real vocabulary files and hand-made hostile ones), the tokenizer fields,
 * the spec built for the engine, and llama.cpp's pre-tokenizer regex lists.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readGgufMetadata } from '../../server/src/tokenizers/formats/gguf';
import { ggufToSpec } from '../../server/src/tokenizers/formats/ggufSpec';
import { readGgufVocab } from '../../server/src/tokenizers/formats/ggufVocab';
import { LlamaSpmNormalizer } from '../../server/src/tokenizers/formats/llamaSpmNormalizer';
import { sharedData } from './support';
import { KNOWN_LLAMA_CPP_PRE, llamaCppPreInfo, llamaCppPreTokenizer, toJs } from '../../server/src/tokenizers/preTokenizers/llamaCppPre';


const VECTORS = sharedData('testvectors/llama.cpp');
const vectorsPresent = VECTORS !== undefined && existsSync(VECTORS);
const SKIP = 'GGUF test vectors: ../shared/data absent';
const vocabFile = (name: string): string => join(VECTORS!, `ggml-vocab-${name}.gguf`);

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const tmp = mkdtempSync(join(tmpdir(), 'tokscope-gguf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let tmpCount = 0;
function tmpFile(bytes: Uint8Array): string {
  const p = join(tmp, `f${tmpCount++}.gguf`);
  writeFileSync(p, bytes);
  return p;
}

// ---- a small GGUF writer for hand-made files ----

type W = { type: number; write: (b: Bytes) => void };
class Bytes {
  private parts: Buffer[] = [];
  u8(v: number): this { this.parts.push(Buffer.of(v)); return this; }
  u32(v: number): this { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.parts.push(b); return this; }
  u64(v: bigint): this { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); this.parts.push(b); return this; }
  raw(b: Uint8Array): this { this.parts.push(Buffer.from(b)); return this; }
  str(s: string): this { const b = Buffer.from(s, 'utf8'); return this.u64(BigInt(b.length)).raw(b); }
  bytes(): Uint8Array { return Buffer.concat(this.parts); }
}
const num = (type: number, size: number, put: (b: Buffer, v: number) => void) => (v: number): W => ({
  type,
  write: (b) => { const x = Buffer.alloc(size); put(x, v); b.raw(x); },
});
const V = {
  u8: num(0, 1, (b, v) => b.writeUInt8(v)),
  i8: num(1, 1, (b, v) => b.writeInt8(v)),
  u16: num(2, 2, (b, v) => b.writeUInt16LE(v)),
  i16: num(3, 2, (b, v) => b.writeInt16LE(v)),
  u32: num(4, 4, (b, v) => b.writeUInt32LE(v)),
  i32: num(5, 4, (b, v) => b.writeInt32LE(v)),
  f32: num(6, 4, (b, v) => b.writeFloatLE(v)),
  f64: num(12, 8, (b, v) => b.writeDoubleLE(v)),
  bool: (v: boolean): W => ({ type: 7, write: (b) => b.u8(v ? 1 : 0) }),
  str: (v: string): W => ({ type: 8, write: (b) => b.str(v) }),
  u64: (v: bigint): W => ({ type: 10, write: (b) => b.u64(v) }),
  i64: (v: bigint): W => ({ type: 11, write: (b) => { const x = Buffer.alloc(8); x.writeBigInt64LE(v); b.raw(x); } }),
  arr: (elemType: number, items: W[]): W => ({
    type: 9,
    write: (b) => { b.u32(elemType).u64(BigInt(items.length)); for (const it of items) it.write(b); },
  }),
};
function gguf(kvs: Array<[string, W]>, version = 3, tensorCount = 0n): Bytes {
  const b = new Bytes().raw(Buffer.from('GGUF')).u32(version).u64(tensorCount).u64(BigInt(kvs.length));
  for (const [k, v] of kvs) { b.str(k).u32(v.type); v.write(b); }
  return b;
}

// ---- reader ----

test('reader: every value type round-trips, arrays of numbers as typed arrays', () => {
  for (const version of [2, 3]) {
    const p = tmpFile(gguf([
      ['u8', V.u8(200)], ['i8', V.i8(-5)], ['u16', V.u16(60000)], ['i16', V.i16(-30000)],
      ['u32', V.u32(4000000000)], ['i32', V.i32(-2000000000)], ['f32', V.f32(1.5)], ['f64', V.f64(-0.125)],
      ['bool', V.bool(true)], ['str', V.str('héllo ▁ 🦙')], ['u64', V.u64(2n ** 63n + 5n)], ['i64', V.i64(-(2n ** 40n))],
      ['a.i32', V.arr(5, [V.i32(1), V.i32(-2), V.i32(3)])],
      ['a.f32', V.arr(6, [V.f32(0.5), V.f32(-1000)])],
      ['a.u8', V.arr(0, [V.u8(1), V.u8(255)])],
      ['a.u64', V.arr(10, [V.u64(7n)])],
      ['a.f64', V.arr(12, [V.f64(2.25)])],
      ['a.bool', V.arr(7, [V.bool(true), V.bool(false)])],
      ['a.str', V.arr(8, [V.str('a b'), V.str(''), V.str('Ġt')])],
      ['a.nested', V.arr(9, [V.arr(4, [V.u32(1), V.u32(2)]), V.arr(8, [V.str('x')])])],
      ['a.empty', V.arr(8, [])],
    ], version).bytes());
    const m = readGgufMetadata(p);
    assert.equal(m.get('u8'), 200);
    assert.equal(m.get('i8'), -5);
    assert.equal(m.get('u16'), 60000);
    assert.equal(m.get('i16'), -30000);
    assert.equal(m.get('u32'), 4000000000);
    assert.equal(m.get('i32'), -2000000000);
    assert.equal(m.get('f32'), 1.5);
    assert.equal(m.get('f64'), -0.125);
    assert.equal(m.get('bool'), true);
    assert.equal(m.get('str'), 'héllo ▁ 🦙');
    assert.equal(m.get('u64'), 2n ** 63n + 5n);
    assert.equal(m.get('i64'), -(2n ** 40n));
    assert.deepEqual(m.get('a.i32'), Int32Array.of(1, -2, 3));
    assert.deepEqual(m.get('a.f32'), Float32Array.of(0.5, -1000));
    assert.deepEqual(m.get('a.u8'), Uint8Array.of(1, 255));
    assert.deepEqual(m.get('a.u64'), BigUint64Array.of(7n));
    assert.deepEqual(m.get('a.f64'), Float64Array.of(2.25));
    assert.deepEqual(m.get('a.bool'), [true, false]);
    assert.deepEqual(m.get('a.str'), ['a b', '', 'Ġt']);
    assert.deepEqual(m.get('a.nested'), [Uint32Array.of(1, 2), ['x']]);
    assert.deepEqual(m.get('a.empty'), []);
    assert.deepEqual([...m.keys()].slice(0, 3), ['u8', 'i8', 'u16'], 'keys keep file order');
  }
});

test('reader: not a GGUF file, unsupported versions', () => {
  assert.throws(() => readGgufMetadata(tmpFile(Buffer.from('PK\x03\x04 this is a zip, not a model'))), /not a GGUF file: bad magic/);
  assert.throws(() => readGgufMetadata(tmpFile(new Uint8Array(0))), /not a GGUF file: bad magic/);
  assert.throws(() => readGgufMetadata(tmpFile(Buffer.from('GG'))), /not a GGUF file: bad magic/);
  assert.throws(() => readGgufMetadata(tmpFile(gguf([], 1).bytes())), /unsupported GGUF version 1/);
  assert.throws(() => readGgufMetadata(tmpFile(gguf([], 7).bytes())), /unsupported GGUF version 7/);
  assert.throws(() => readGgufMetadata(tmpFile(gguf([], 0x03000000).bytes())), /big-endian GGUF is not supported/);
});

test('reader: truncated files', () => {
  const whole = gguf([['general.name', V.str('x')], ['tokenizer.ggml.tokens', V.arr(8, [V.str('a'), V.str('bb')])]]).bytes();
  for (const cut of [6, 12, 30, whole.length - 1]) {
    assert.throws(() => readGgufMetadata(tmpFile(whole.subarray(0, cut))), /truncated GGUF file|cannot fit/, `cut at ${cut}`);
  }
  assert.equal(readGgufMetadata(tmpFile(whole)).size, 2);
});

test('reader: absurd lengths are refused before anything is allocated', () => {
  const hostile = (tail: (b: Bytes) => void): string => {
    const b = new Bytes().raw(Buffer.from('GGUF')).u32(3).u64(0n).u64(1n);
    tail(b);
    return tmpFile(b.raw(new Uint8Array(64)).bytes()); // room for the one key/value the header announces
  };
  // a key whose length claims 2^62 bytes
  assert.throws(() => readGgufMetadata(hostile((b) => b.u64(2n ** 62n))), /string length of \d+ .*cannot fit/);
  // a string array claiming 2^40 strings
  assert.throws(() => readGgufMetadata(hostile((b) => b.str('k').u32(9).u32(8).u64(2n ** 40n))), /array length of \d+ .*cannot fit/);
  // an int32 array claiming a billion elements
  assert.throws(() => readGgufMetadata(hostile((b) => b.str('k').u32(9).u32(5).u64(1_000_000_000n))), /array length .*cannot fit/);
  // a key/value count no file this size can hold
  const many = new Bytes().raw(Buffer.from('GGUF')).u32(3).u64(0n).u64(2n ** 50n).bytes();
  assert.throws(() => readGgufMetadata(tmpFile(many)), /key\/value count .*cannot fit/);
  // unknown value and element types
  assert.throws(() => readGgufMetadata(hostile((b) => b.str('k').u32(13))), /unknown value type 13/);
  assert.throws(() => readGgufMetadata(hostile((b) => b.str('k').u32(9).u32(99).u64(1n))), /unknown array element type 99/);
  // nesting deeper than any tokenizer uses
  let deep = V.arr(4, [V.u32(1)]);
  for (let i = 0; i < 10; i++) deep = V.arr(9, [deep]);
  assert.throws(() => readGgufMetadata(tmpFile(gguf([['k', deep]]).bytes())), /nested deeper/);
});

test('reader: only the metadata is read, however large the file', () => {
  // 4 GiB of (sparse) tensor data after a small header: reading must not touch it.
  const p = tmpFile(gguf([['general.architecture', V.str('llama')], ['tokenizer.ggml.model', V.str('llama')]], 3, 1n).bytes());
  const fd = openSync(p, 'r+');
  try {
    ftruncateSync(fd, 4 * 1024 ** 3);
    writeSync(fd, Buffer.from('tensor data'), 0, 11, 4 * 1024 ** 3 - 11);
  } finally {
    closeSync(fd);
  }
  const t0 = performance.now();
  const m = readGgufMetadata(p);
  assert.equal(m.get('tokenizer.ggml.model'), 'llama');
  assert.ok(performance.now() - t0 < 2000, 'reading the header of a 4 GiB file is quick');
  rmSync(p);
});

test('reader: real vocabulary-only GGUF files from llama.cpp', (t) => {
  if (!vectorsPresent) return t.skip(SKIP);
  const gpt2 = readGgufMetadata(vocabFile('gpt-2'));
  assert.equal(gpt2.get('general.architecture'), 'gpt2');
  assert.equal(gpt2.get('tokenizer.ggml.model'), 'gpt2');
  assert.equal(gpt2.get('tokenizer.ggml.pre'), 'gpt-2');
  const tokens = gpt2.get('tokenizer.ggml.tokens') as string[];
  assert.equal(tokens.length, 50257);
  assert.equal(tokens[0], '!');
  assert.equal(tokens[50256], '<|endoftext|>');
  const types = gpt2.get('tokenizer.ggml.token_type');
  assert.ok(types instanceof Int32Array && types.length === 50257 && types[50256] === 3 && types[0] === 1);
  const merges = gpt2.get('tokenizer.ggml.merges') as string[];
  assert.equal(merges.length, 50000);
  assert.equal(merges[0], 'Ġ t');
  assert.equal(gpt2.get('tokenizer.ggml.bos_token_id'), 50256);

  const spm = readGgufMetadata(vocabFile('llama-spm'));
  const scores = spm.get('tokenizer.ggml.scores');
  assert.ok(scores instanceof Float32Array && scores.length === 32000);
  assert.deepEqual(Array.from((spm.get('tokenizer.ggml.token_type') as Int32Array).subarray(0, 4)), [2, 3, 3, 6]);
  assert.deepEqual((spm.get('tokenizer.ggml.tokens') as string[]).slice(0, 4), ['<unk>', '<s>', '</s>', '<0x00>']);
  assert.equal(spm.get('tokenizer.ggml.add_bos_token'), true);

  const phi3 = readGgufMetadata(vocabFile('phi-3'));
  assert.match(phi3.get('tokenizer.chat_template') as string, /<\|assistant\|>/);

  // A file cut inside its token list is reported as truncated.
  const bytes = readFileSync(vocabFile('gpt-2'));
  assert.throws(() => readGgufMetadata(tmpFile(bytes.subarray(0, 200_000))), /truncated or corrupt GGUF file/);
  assert.throws(() => readGgufMetadata(tmpFile(bytes.subarray(0, 600_000))), /truncated GGUF file/);
});

// ---- tokenizer fields ----

test('readGgufVocab: fields of real files', (t) => {
  if (!vectorsPresent) return t.skip(SKIP);
  const gpt2 = readGgufVocab(vocabFile('gpt-2'));
  assert.equal(gpt2.model, 'gpt2');
  assert.equal(gpt2.pre, 'gpt-2');
  assert.equal(gpt2.tokens.length, 50257);
  assert.equal(gpt2.merges?.length, 50000);
  assert.equal(gpt2.scores, undefined);
  assert.equal(gpt2.bosId, 50256);
  assert.equal(gpt2.eosId, 50256);
  assert.equal(gpt2.unkId, undefined);
  assert.equal(gpt2.addBos, undefined);
  assert.deepEqual(gpt2.fim, {});

  const spm = readGgufVocab(vocabFile('llama-spm'));
  assert.equal(spm.model, 'llama');
  assert.equal(spm.pre, 'default');
  assert.equal(spm.scores?.length, 32000);
  assert.equal(spm.tokenTypes?.[3], 6);
  assert.equal(spm.merges, undefined);
  assert.deepEqual([spm.bosId, spm.eosId, spm.unkId, spm.padId], [1, 2, 0, undefined]);
  assert.deepEqual([spm.addBos, spm.addEos, spm.addSpacePrefix], [true, false, undefined]);

  const phi3 = readGgufVocab(vocabFile('phi-3'));
  assert.equal(phi3.eosId, 32000);
  assert.equal(phi3.padId, 32000);
  assert.equal(phi3.modelName, 'Phi3');
  assert.match(phi3.chatTemplate ?? '', /<\|user\|>/);
});

test('readGgufVocab: fim ids (old and new keys) and out-of-range ids', () => {
  const tokens = V.arr(8, ['a', 'b', 'c', 'd', 'e', 'f'].map(V.str));
  const p = tmpFile(gguf([
    ['tokenizer.ggml.model', V.str('gpt2')], ['tokenizer.ggml.tokens', tokens],
    ['tokenizer.ggml.fim_pre_token_id', V.u32(1)], ['tokenizer.ggml.fim_suf_token_id', V.u32(2)],
    ['tokenizer.ggml.middle_token_id', V.u32(3)], ['tokenizer.ggml.fim_sep_token_id', V.u32(5)],
    ['tokenizer.ggml.bos_token_id', V.u32(99)], ['tokenizer.ggml.eos_token_id', V.u32(4)],
    ['tokenizer.ggml.add_space_prefix', V.bool(false)], ['tokenizer.chat_template', V.str('{{x}}')],
  ]).bytes());
  const v = readGgufVocab(p);
  assert.deepEqual(v.fim, { prefix: 1, suffix: 2, middle: 3, sep: 5 });
  assert.equal(v.bosId, undefined, 'an id outside the vocabulary is dropped, as llama.cpp does');
  assert.equal(v.eosId, 4);
  assert.equal(v.addSpacePrefix, false);
  assert.equal(v.chatTemplate, '{{x}}');
  assert.throws(() => readGgufVocab(tmpFile(gguf([['general.name', V.str('x')]]).bytes())), /no tokenizer\.ggml\.model/);
  assert.throws(
    () => readGgufVocab(tmpFile(gguf([['tokenizer.ggml.model', V.str('gpt2')], ['tokenizer.ggml.tokens', V.arr(5, [V.i32(1)])]]).bytes())),
    /not an array of strings/,
  );
});

// ---- spec ----

test('ggufToSpec: unsupported tokenizer models are named', () => {
  for (const model of ['bert', 't5', 'rwkv', 'plamo2']) {
    const p = tmpFile(gguf([['tokenizer.ggml.model', V.str(model)], ['tokenizer.ggml.tokens', V.arr(8, [V.str('a')])]]).bytes());
    assert.throws(() => ggufToSpec(p, 'x'), new RegExp(`'${model}' is not supported`));
  }
});

test('ggufToSpec: gpt2 vocabularies', (t) => {
  if (!vectorsPresent) return t.skip(SKIP);
  const spec = ggufToSpec(vocabFile('gpt-2'), 'gpt-2');
  assert.equal(spec.kind, 'gguf');
  assert.equal(spec.mergeMode, 'merges');
  assert.equal(spec.symbols, 'bytes');
  assert.equal(spec.decoder, 'bytes');
  assert.equal(spec.merges?.length, 50000);
  assert.deepEqual((spec.tokenBytes as (Uint8Array | undefined)[])[220], utf8(' '), 'Ġ is the byte 0x20');
  assert.deepEqual((spec.tokenBytes as (Uint8Array | undefined)[])[198], utf8('\n'));
  assert.deepEqual(spec.addedTokens, [{ id: 50256, content: '<|endoftext|>', special: true, normalized: false }]);
  assert.equal(spec.bosId, 50256);

  // DeepSeek Coder: user-defined tokens match always; fill-in-the-middle markers llama.cpp promotes to control.
  const ds = ggufToSpec(vocabFile('deepseek-coder'), 'deepseek-coder');
  const byId = new Map(ds.addedTokens.map((a) => [a.id, a]));
  assert.equal(byId.get(32000)?.content, 'õ');
  assert.equal(byId.get(32000)?.special, false);
  assert.deepEqual((ds.tokenBytes as (Uint8Array | undefined)[])[32000], utf8('õ'), 'user-defined tokens are plain text, not byte-level');
  assert.equal(byId.get(32015)?.content, '<｜fim▁hole｜>');
  assert.equal(byId.get(32015)?.special, true, 'user-defined, but a FIM marker: control in llama.cpp');
  assert.equal(byId.get(32021)?.special, false, '<|EOT|> stays user-defined');
  assert.equal(byId.get(32013)?.special, true);
  const lengths = ds.addedTokens.map((a) => a.content.length);
  assert.deepEqual(lengths, [...lengths].sort((a, b) => b - a), 'longest first, as llama.cpp matches them');
});

test('ggufToSpec: SentencePiece (llama) vocabularies', (t) => {
  if (!vectorsPresent) return t.skip(SKIP);
  const spec = ggufToSpec(vocabFile('llama-spm'), 'llama-spm');
  assert.equal(spec.mergeMode, 'scores');
  assert.equal(spec.symbols, 'chars');
  assert.equal(spec.byteFallback, true);
  assert.equal(spec.byteFallbackIds?.size, 256);
  assert.ok(spec.byteFallbackIds?.has(13));
  assert.deepEqual((spec.tokenBytes as (Uint8Array | undefined)[])[13], Uint8Array.of(10), '<0x0A> is the byte 0x0A');
  assert.deepEqual((spec.tokenBytes as (Uint8Array | undefined)[])[29871], utf8('▁'));
  assert.equal(spec.scores?.length, 32000);
  assert.deepEqual([spec.unkId, spec.bosId, spec.eosId], [0, 1, 2]);
  assert.equal(spec.decoder, 'metaspace');
  assert.equal(spec.stripLeadingSpace, true);
  assert.equal(spec.preTokenizer, null);
  assert.equal(spec.normalizer?.normalize('Hello world').text, '▁Hello▁world');
  assert.deepEqual(spec.addedTokens.map((a) => [a.id, a.special]), [[0, true], [2, true], [1, true]]);

  // Phi-3: llama.cpp right-strips after its special tokens (not after <s>, <unk>, <|endoftext|>) and treats
  // the user-defined '</s>' as control because of its text.
  const phi3 = ggufToSpec(vocabFile('phi-3'), 'phi-3');
  const byId = new Map(phi3.addedTokens.map((a) => [a.id, a]));
  assert.equal(byId.get(32007)?.content, '<|end|>');
  assert.equal(byId.get(32007)?.rstrip, true);
  assert.equal(byId.get(1)?.rstrip, undefined);
  assert.equal(byId.get(32000)?.rstrip, undefined);
  assert.equal(byId.get(2)?.special, true);
  assert.equal(byId.get(2)?.rstrip, true);
  assert.equal(byId.get(32011)?.special, true, 'unknown-type tokens are special');
});

test('LlamaSpmNormalizer: escapes spaces, prefixes one, keeps alignment', () => {
  const n = new LlamaSpmNormalizer(true);
  const r = n.normalize('a b');
  assert.equal(r.text, '▁a▁b');
  assert.deepEqual(Array.from(r.align!.start), [0, 0, 1, 2, 3]);
  assert.deepEqual(Array.from(r.align!.end), [0, 1, 2, 3, 3]);
  assert.deepEqual(n.normalize(''), { text: '', align: null }, 'an empty segment gives no tokens, not a lone ▁');
  assert.equal(n.normalize('\t\n').text, '▁\t\n', 'only U+0020 is escaped');
  const plain = new LlamaSpmNormalizer(false);
  assert.deepEqual(plain.normalize('ab'), { text: 'ab', align: null });
  assert.equal(plain.normalize(' x ').text, '▁x▁');
});

// ---- pre-tokenizers ----

function pieces(pre: string, text: string, from = 0, to = text.length): string[] {
  const out: string[] = [];
  let prev = from;
  llamaCppPreTokenizer(pre, 'gpt2').split(text, from, to, (s, e) => {
    assert.equal(s, prev, 'pieces tile the range');
    assert.ok(e > s, 'no empty pieces');
    prev = e;
    out.push(text.slice(s, e));
  });
  assert.equal(prev, Math.max(from, to));
  return out;
}

test('llama.cpp pre names: the required ones are known; unknown names list them', () => {
  for (const name of [
    'default', 'gpt-2', 'llama3', 'llama-bpe', 'dbrx', 'smaug-bpe', 'deepseek-llm', 'deepseek-coder', 'deepseek-v3',
    'falcon', 'mpt', 'starcoder', 'refact', 'command-r', 'qwen2', 'qwen35', 'stablelm2', 'olmo', 'jais', 'chatglm-bpe',
    'glm4', 'viking', 'gpt-4o', 'tekken', 'chameleon', 'bloom', 'poro-chat', 'exaone', 'phi-2', 'smollm', 'codeshell',
    'superbpe', 'trillion', 'bailingmoe', 'seed-coder', 'kimi-k2',
  ]) {
    assert.ok(KNOWN_LLAMA_CPP_PRE.includes(name), name);
    llamaCppPreTokenizer(name, 'gpt2'); // compiles
  }
  for (const name of KNOWN_LLAMA_CPP_PRE) llamaCppPreTokenizer(name, 'gpt2');
  assert.throws(() => llamaCppPreTokenizer('no-such-pre', 'gpt2'), /unknown llama\.cpp pre-tokenizer type 'no-such-pre'; known: .*qwen2/);
  assert.throws(() => llamaCppPreTokenizer('default', 'llama'), /no regex pre-tokenizer to 'llama'/);
  assert.equal(llamaCppPreInfo(undefined, 'gpt2').name, 'default', 'a missing pre name is llama.cpp\'s default');
});

test('llama.cpp pre: regex lists', () => {
  assert.deepEqual(llamaCppPreInfo('gpt-2', 'gpt2').jsRegexes, [
    String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\t\n\v\f\r \p{L}\p{N}]+|[\t\n\v\f\r ]+(?![^\t\n\v\f\r ])|[\t\n\v\f\r ]+`,
  ]);
  assert.equal(llamaCppPreInfo('deepseek-llm', 'gpt2').jsRegexes.length, 6);
  assert.equal(llamaCppPreInfo('deepseek-coder', 'gpt2').jsRegexes.length, 5);
  assert.equal(llamaCppPreInfo('falcon', 'gpt2').jsRegexes.length, 3);
  assert.equal(llamaCppPreInfo('default', 'gpt2').jsRegexes.length, 4);
  assert.equal(llamaCppPreInfo('chameleon', 'gpt2').jsRegexes.length, 6);
  assert.equal(llamaCppPreInfo('llama-bpe', 'gpt2').ignoreMerges, true);
  assert.equal(llamaCppPreInfo('dbrx', 'gpt2').ignoreMerges, false);
  assert.equal(llamaCppPreInfo('gemma4', 'gemma4').byteEncode, false);
  // llama.cpp's regex dialect → JavaScript
  assert.equal(toJs(String.raw`\s+(?!\S)`), String.raw`[\t\n\v\f\r ]+(?![^\t\n\v\f\r ])`);
  assert.equal(toJs(String.raw`[\p{Lu}\p{Ll}]+`), String.raw`[\p{L}\p{L}]+`, 'llama.cpp collapses letter subcategories');
  assert.equal(toJs(String.raw`[\p{P}\p{S}]+`), String.raw`(?:(?!~)[\p{P}\p{S}])+`, "llama.cpp's \\p{S} lacks '~'");
  assert.equal(toJs(String.raw`[^\r\n\p{L}\p{S}]?`), String.raw`(?:~|[^\r\n\p{L}\p{S}])?`);
  for (const pre of KNOWN_LLAMA_CPP_PRE) {
    for (const src of llamaCppPreInfo(pre, 'gpt2').jsRegexes) if (!src.startsWith('<')) new RegExp(src, 'gu');
  }
});

test('llama.cpp pre: splits', () => {
  assert.deepEqual(pieces('gpt-2', "Hello world, it's 2024!\n\n  x"), ['Hello', ' world', ',', ' it', "'s", ' 2024', '!', '\n\n ', ' x']);
  assert.deepEqual(pieces('llama-bpe', '1234567 IT\'S'), ['123', '456', '7', ' IT', "'S"]);
  assert.deepEqual(pieces('qwen2', 'x 123'), ['x', ' ', '1', '2', '3']);
  assert.deepEqual(pieces('starcoder', 'a123 b'), ['a', '1', '2', '3', ' b']);
  assert.deepEqual(pieces('deepseek-coder', 'foo\nbar'), ['foo', '\n', 'bar']);
  // Each regex sees only its piece: "  " before "." ends its piece, so \s+(?!\S) takes both spaces.
  assert.deepEqual(pieces('falcon', 'foo  .'), ['foo', '  ', '.']);
  assert.deepEqual(pieces('gpt-2', 'foo  .'), ['foo', ' ', ' .']);
  // superbpe's lookahead-only regex splits digit runs into threes from the right.
  assert.deepEqual(pieces('superbpe', 'a1234567'), ['a', '1', '234', '567']);
  assert.deepEqual(pieces('afmoe', 'ab1234567'), ['ab', '1', '234', '567']);
  assert.deepEqual(pieces('kimi-k2', '中文abc'), ['中文', 'abc']);
  assert.deepEqual(pieces('gpt-4o', 'HelloWorld'), ['Hello', 'World']);
  // llama.cpp's whitespace: U+0085 is whitespace, U+FEFF is not (JavaScript's \s says the opposite).
  assert.deepEqual(pieces('gpt-2', 'a\u0085\u0085b'), ['a', '\u0085', '\u0085', 'b']);
  assert.deepEqual(pieces('gpt-2', 'a \ufeffb'), ['a', ' \ufeff', 'b']);
  assert.deepEqual(pieces('gpt-2', 'a\u00a0b'), ['a', '\u00a0', 'b']);
  // a sub-range: pieces stay inside it
  assert.deepEqual(pieces('gpt-2', 'xx hello world yy', 2, 14), [' hello', ' world']);
  assert.deepEqual(pieces('gpt-2', 'abc', 1, 1), []);
});
