/**
 * The tiny llama GGUF writer (test/fixtures/fim/gguf): deterministic bytes, a layout llama.cpp accepts (tensor names,
 * shapes, 32-byte aligned data), and a vocabulary that the project's own GGUF reader loads and tokenizes the way
 * llama.cpp does. node-llama-cpp itself is not a dependency; the llama.cpp token ids pinned below were recorded with
 * node-llama-cpp 3.21.1 (`model.tokenize`) on this very file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ggufInt, ggufString, readGgufMetadata } from '../../server/src/tokenizers/formats/gguf';
import { readGgufVocab } from '../../server/src/tokenizers/formats/ggufVocab';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';
import { TINY_CORPUS } from '../fixtures/fim/gguf/tinyVocab';
import { randomText, rng } from './support';

const tmp = mkdtempSync(join(tmpdir(), 'tokscope-fimgguf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const path = join(tmp, 'tiny.gguf');
const built = tinyLlamaGguf({ path });

/**
 * The default model's bytes. A change here means every recorded llama.cpp result (the ids below, any pinned
 * distribution) must be recorded again: update it only for an intended change of the model.
 */
const SHA256 = 'be276a28f055bad1fc0745cc38c8f618f7922442ebdfbe63b91b6f3d8bfd009d';

test('writer: same options, same bytes; the default model is pinned; another seed changes the weights only', () => {
  const again = tinyLlamaGguf();
  assert.deepEqual(Buffer.from(again.bytes), Buffer.from(built.bytes));
  assert.deepEqual(readFileSync(path), Buffer.from(built.bytes));
  assert.equal(createHash('sha256').update(built.bytes).digest('hex'), SHA256);
  const other = tinyLlamaGguf({ seed: 2 });
  assert.equal(other.bytes.length, built.bytes.length);
  assert.notDeepEqual(Buffer.from(other.bytes), Buffer.from(built.bytes));
  assert.deepEqual(other.vocab, built.vocab);
});

test('writer: file size about 600 KB, built well under a second', () => {
  assert.ok(built.bytes.length > 500_000 && built.bytes.length < 800_000, `size ${built.bytes.length}`);
  const t0 = performance.now();
  tinyLlamaGguf();
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `built in ${ms.toFixed(0)} ms`); // generous: CI machines are slow; ~60 ms here
});

/** Header, then skips the KV section, then the tensor infos: what llama.cpp checks before loading the weights. */
function tensorInfos(b: Buffer): { infos: Array<{ name: string; shape: number[]; type: number; offset: number }>; dataStart: number } {
  let p = 0;
  const u32 = (): number => ((p += 4), b.readUInt32LE(p - 4));
  const u64 = (): number => ((p += 8), Number(b.readBigUInt64LE(p - 8)));
  const str = (): string => { const n = u64(); p += n; return b.toString('utf8', p - n, p); };
  const size: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const skip = (type: number): void => {
    if (type === 8) str();
    else if (type === 9) { const t = u32(); const n = u64(); for (let i = 0; i < n; i++) skip(t); }
    else p += size[type];
  };
  assert.equal(b.toString('latin1', 0, 4), 'GGUF');
  p = 4;
  assert.equal(u32(), 3);
  const nTensors = u64();
  const nKv = u64();
  for (let i = 0; i < nKv; i++) { str(); skip(u32()); }
  const infos = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str();
    const shape = Array.from({ length: u32() }, u64);
    infos.push({ name, shape, type: u32(), offset: u64() });
  }
  return { infos, dataStart: Math.ceil(p / 32) * 32 };
}

test('writer: llama tensors with ggml shapes (innermost first), F32, aligned, filling the file exactly', () => {
  const { infos, dataStart } = tensorInfos(Buffer.from(built.bytes));
  const V = built.vocab.tokens.length;
  const { embedding: E, feedForward: F, heads, kvHeads } = built.hparams;
  const kv = (E / heads) * kvHeads;
  const want: Array<[string, number[]]> = [['token_embd.weight', [E, V]]];
  for (const i of [0, 1]) {
    want.push(
      [`blk.${i}.attn_norm.weight`, [E]], [`blk.${i}.attn_q.weight`, [E, E]], [`blk.${i}.attn_k.weight`, [E, kv]],
      [`blk.${i}.attn_v.weight`, [E, kv]], [`blk.${i}.attn_output.weight`, [E, E]], [`blk.${i}.ffn_norm.weight`, [E]],
      [`blk.${i}.ffn_gate.weight`, [E, F]], [`blk.${i}.ffn_up.weight`, [E, F]], [`blk.${i}.ffn_down.weight`, [F, E]],
    );
  }
  want.push(['output_norm.weight', [E]], ['output.weight', [E, V]]);
  assert.deepEqual(infos.map((t) => [t.name, t.shape]), want);
  let end = 0;
  for (const t of infos) {
    assert.equal(t.type, 0, `${t.name} is F32`);
    assert.equal(t.offset % 32, 0, `${t.name} aligned`);
    assert.ok(t.offset >= end, `${t.name} overlaps the previous tensor`);
    end = t.offset + t.shape.reduce((a, b) => a * b, 1) * 4;
  }
  assert.equal(dataStart + end, built.bytes.length);
  // Norm weights are ones; the rest is seeded noise in [-sqrt(3/fanIn), sqrt(3/fanIn)].
  const at = (name: string): Float32Array => {
    const t = infos.find((x) => x.name === name)!;
    const from = dataStart + t.offset;
    return new Float32Array(Uint8Array.from(built.bytes.subarray(from, from + t.shape.reduce((a, b) => a * b, 1) * 4)).buffer);
  };
  assert.ok(at('blk.1.ffn_norm.weight').every((x) => x === 1));
  const q = at('blk.0.attn_q.weight');
  assert.ok(q.every((x) => Math.abs(x) <= Math.sqrt(3 / E)) && new Set(q).size > q.length * 0.99);
});

test('reader: llama hyper-parameters and tokenizer keys', () => {
  const meta = readGgufMetadata(path);
  assert.equal(ggufString(meta, 'general.architecture'), 'llama');
  const n = (k: string): number | undefined => ggufInt(meta, `llama.${k}`);
  assert.deepEqual(
    ['context_length', 'embedding_length', 'block_count', 'feed_forward_length', 'attention.head_count', 'attention.head_count_kv', 'rope.dimension_count', 'vocab_size'].map(n),
    [512, 64, 2, 128, 4, 2, 16, built.vocab.tokens.length],
  );
  assert.ok(Math.abs((meta.get('llama.attention.layer_norm_rms_epsilon') as number) - 1e-5) < 1e-10);
  assert.equal(meta.get('llama.rope.freq_base'), 10000);
  for (const [k, id] of [['fim_pre', built.vocab.fim.prefix], ['prefix', built.vocab.fim.prefix], ['fim_suf', built.vocab.fim.suffix], ['suffix', built.vocab.fim.suffix], ['fim_mid', built.vocab.fim.middle], ['middle', built.vocab.fim.middle]] as const) {
    assert.equal(ggufInt(meta, `tokenizer.ggml.${k}_token_id`), id, k);
  }
});

test('reader: the vocabulary (bytes, learned merges, specials, FIM ids) comes back as written', () => {
  const v = readGgufVocab(path);
  const w = built.vocab;
  assert.equal(v.model, 'gpt2');
  assert.equal(v.pre, 'gpt-2');
  assert.deepEqual(v.tokens, w.tokens);
  assert.deepEqual(Array.from(v.tokenTypes!), w.tokenTypes);
  assert.deepEqual(v.merges, w.merges);
  assert.equal(w.merges.length, 300);
  assert.equal(w.tokens.length, 256 + 300 + 8); // no two merges spell the same token in this corpus
  assert.equal(v.bosId, w.bosId);
  assert.equal(v.eosId, w.eosId);
  assert.equal(v.addBos, false);
  assert.deepEqual(v.fim, w.fim);
  assert.deepEqual(
    [w.bosId, w.eosId, w.fim.prefix, w.fim.suffix, w.fim.middle].map((i) => w.tokens[i]),
    ['<|startoftext|>', '<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'],
  );
  // Every merge joins two tokens into a token, as llama.cpp needs to apply it.
  const has = new Set(w.tokens);
  for (const m of w.merges) {
    const [l, r] = m.split(' ');
    assert.ok(has.has(l) && has.has(r) && has.has(l + r), m);
  }
});

test('tokenizer: gguf:PATH encodes like llama.cpp and round-trips text', () => {
  const tok = getTokenizer('gguf:' + path);
  assert.equal(tok.vocabSize, built.vocab.tokens.length);
  // Recorded with node-llama-cpp 3.21.1 on this file: model.tokenize(text) and model.tokenize(text, true).
  const code = 'export function greet(name: string) {\n  return name;\n}';
  assert.deepEqual(Array.from(tok.encodeIds(code)), [394, 371, 32, 529, 40, 406, 58, 374, 41, 270, 278, 284, 268, 342, 59, 10, 125]);
  const fim = '<|fim_prefix|>def f(<|fim_suffix|>)\n<|fim_middle|>';
  assert.deepEqual(Array.from(tok.encodeIds(fim, { allowSpecial: true })), [558, 318, 262, 40, 559, 41, 10, 560]);
  assert.equal(tok.decode(tok.encodeIds(fim, { allowSpecial: true })), fim);
  // Without special tokens allowed the markers are plain text.
  assert.ok(!Array.from(tok.encodeIds(fim)).includes(built.vocab.fim.prefix));

  // The merges are learned from the corpus, so code compresses; arbitrary Unicode falls back to bytes and survives.
  const ids = tok.encodeIds(TINY_CORPUS);
  assert.ok(ids.length < Buffer.byteLength(TINY_CORPUS) * 0.45, `${ids.length} tokens`);
  assert.equal(tok.decode(ids), TINY_CORPUS);
  const rand = rng(11);
  for (let i = 0; i < 50; i++) {
    const s = randomText(rand, 100);
    assert.equal(tok.decode(tok.encodeIds(s)), s);
  }
});
