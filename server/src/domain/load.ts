/** Loads a `tokscope-domain/1` file (what `train-domain` writes) as a tokenizer over its base. */
import { readFileSync } from 'node:fs';
import { getTokenizer } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import { DomainTokenizer } from './domainTokenizer';
import { MergeTable } from './merges';

export function loadDomainTokenizer(path: string, name = 'domain'): Tokenizer {
  const file = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; base?: unknown; baseSize?: unknown; merges?: unknown };
  if (file.format !== 'tokscope-domain/1' || typeof file.base !== 'string' || !Array.isArray(file.merges)) {
    throw new Error(`${path}: not a tokscope domain vocabulary (format tokscope-domain/1)`);
  }
  const base = getTokenizer(file.base);
  if (file.baseSize !== base.vocabSize) throw new Error(`${path}: made for a ${file.base} of ${String(file.baseSize)} ids, this one has ${base.vocabSize}`);
  return new DomainTokenizer(name, base, new MergeTable(base.vocabSize, file.merges as Array<[number, number]>));
}
