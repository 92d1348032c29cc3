import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cl100kScanner } from '../preTokenizers/scanCl100k';
import { gpt2Scanner } from '../preTokenizers/scanGpt2';
import { o200kScanner } from '../preTokenizers/scanO200k';
import type { BpeSpec } from '../spec';
import type { PreTokenizer } from '../types';

/** The tiktoken encodings this project knows: their rank file's pinned SHA-256, pre-tokenizer and special tokens. */
export interface TiktokenEncoding {
  name: string;
  sha256: string;
  preTokenizer: PreTokenizer;
  specials: Record<string, number>;
  /** The rank file, when another encoding's (p50k_edit shares p50k_base's). */
  rankFile?: string;
}

export const TIKTOKEN_ENCODINGS: Readonly<Record<string, TiktokenEncoding>> = {
  o200k_base: {
    name: 'o200k_base',
    sha256: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d',
    preTokenizer: o200kScanner,
    specials: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
  },
  cl100k_base: {
    name: 'cl100k_base',
    sha256: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7',
    preTokenizer: cl100kScanner,
    specials: { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276 },
  },
  p50k_base: {
    name: 'p50k_base',
    sha256: '94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069',
    preTokenizer: gpt2Scanner,
    specials: { '<|endoftext|>': 50256 },
  },
  p50k_edit: {
    name: 'p50k_edit',
    sha256: '94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069',
    preTokenizer: gpt2Scanner,
    specials: { '<|endoftext|>': 50256, '<|fim_prefix|>': 50281, '<|fim_middle|>': 50282, '<|fim_suffix|>': 50283 },
    rankFile: 'p50k_base',
  },
  r50k_base: {
    name: 'r50k_base',
    sha256: '306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930',
    preTokenizer: gpt2Scanner,
    specials: { '<|endoftext|>': 50256 },
  },
};

/** Parses a `.tiktoken` rank file ("base64 rank" per line) after checking its pinned hash. */
export function readTiktokenRanks(path: string, encoding: TiktokenEncoding): (Uint8Array | undefined)[] {
  const data = readFileSync(path);
  const hash = createHash('sha256').update(data).digest('hex');
  if (hash !== encoding.sha256) throw new Error(`${encoding.name}: ${path} has SHA-256 ${hash}, expected ${encoding.sha256}`);
  const tokenBytes: (Uint8Array | undefined)[] = [];
  const text = data.toString('latin1');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    const space = line.indexOf(' ');
    const rank = Number(line.slice(space + 1));
    tokenBytes[rank] = new Uint8Array(Buffer.from(line.slice(0, space), 'base64'));
  }
  return tokenBytes;
}

export function tiktokenSpec(encoding: TiktokenEncoding, tokenBytes: BpeSpec['tokenBytes']): BpeSpec {
  return {
    name: encoding.name,
    kind: 'tiktoken',
    tokenBytes,
    mergeMode: 'ranks',
    symbols: 'bytes',
    // tiktoken returns a piece that is itself a token without merging it.
    ignoreMerges: true,
    preTokenizer: encoding.preTokenizer,
    addedTokens: Object.entries(encoding.specials).map(([content, id]) => ({ id, content, special: true })),
    decoder: 'bytes',
    restartRule: encoding.preTokenizer === gpt2Scanner ? 'lineAfterText' : 'line',
  };
}
