/**
 * The benchmark's inputs, built at run time from files every checkout has (node_modules) or from ../shared/data;
 * deterministic, never committed. Text that spells a special token (`<|endoftext|>`) is defused first, so that every
 * library treats the whole input as ordinary text with its default options.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, sharedDataDir } from '../../server/src/tokenizers/paths';
import { MB, utf8Bytes } from './measure';
import { rng } from '../unit/support';

export interface BenchInput {
  key: string;
  /** Where the text comes from, for the report. */
  source: string;
  text: string;
  bytes: number;
  /**
   * Set for the inputs that make the tiktoken family quadratic: peers encode a prefix of at most this many bytes,
   * grown while each call stays under the per-call cap; ours always encodes the whole input.
   */
  peerCapBytes?: number;
}

const SIZE = 5 * MB;

function defuse(text: string): string {
  return text.replace(/<\|([A-Za-z0-9_]+)\|>/g, '<$1>');
}

/** The longest prefix of `text` that is at most `bytes` bytes of UTF-8 (never splits a character). */
export function prefixBytes(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= bytes) return text;
  let end = bytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

function nodeModules(...rel: string[]): string {
  return join(projectRoot(), 'node_modules', ...rel);
}

/** 5 MB of JavaScript: the TypeScript compiler's own lib/*.js files, sorted by name, concatenated. */
export function codeInput(): BenchInput {
  const dir = nodeModules('typescript', 'lib');
  const parts: string[] = [];
  let bytes = 0;
  const used: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
    if (bytes >= SIZE) break;
    const text = readFileSync(join(dir, name), 'utf8');
    parts.push(text);
    used.push(name);
    bytes += utf8Bytes(text) + 1;
  }
  const text = prefixBytes(defuse(parts.join('\n')), SIZE);
  const version = (JSON.parse(readFileSync(nodeModules('typescript', 'package.json'), 'utf8')) as { version: string }).version;
  const files = used.length === 1 ? used[0] : `{${used.join(',')}}`;
  return { key: 'code', source: `first 5 MB of typescript/lib/${files} (TypeScript ${version}; lib/*.js in name order)`, text, bytes: utf8Bytes(text) };
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile() && (name.endsWith('.d.ts') || name.endsWith('.md'))) out.push(p);
  }
  return out;
}

/** Paragraphs of English from doc comments (`/** … *\/` in .d.ts) and Markdown, without code, tags or markup lines. */
function paragraphs(file: string, text: string): string[] {
  const blocks = file.endsWith('.md')
    ? [text]
    : [...text.matchAll(/\/\*\*([\s\S]*?)\*\//g)].map((m) => m[1].replace(/^[ \t]*\* ?/gm, ''));
  const out: string[] = [];
  for (const block of blocks) {
    for (const para of block.replace(/```[\s\S]*?```/g, '\n\n').split(/\n[ \t]*\n/)) {
      const lines = para.split('\n').filter((l) => !/^\s*[@#|<>![]/.test(l) && !/^( {4}|\t)/.test(l));
      const p = lines.map((l) => l.trim()).join(' ').replace(/\s+/g, ' ').trim();
      // Keep prose: long enough, with a run of lowercase words.
      if (p.length >= 40 && /[a-z]{3,} [a-z]{2,} [a-z]{2,}/.test(p)) out.push(p);
    }
  }
  return out;
}

/**
 * 5 MB of English prose: the distinct paragraphs of every doc comment and Markdown file under node_modules (the
 * Node.js, VS Code and DOM API documentation in the type packages, READMEs), in path order, repeated to 5 MB.
 */
export function proseInput(): BenchInput {
  const seen = new Set<string>();
  for (const file of walk(nodeModules(), [])) for (const p of paragraphs(file, readFileSync(file, 'utf8'))) seen.add(p);
  const distinct = defuse([...seen].join('\n\n'));
  const distinctBytes = utf8Bytes(distinct);
  let text = distinct;
  while (utf8Bytes(text) < SIZE) text += '\n\n' + distinct;
  text = prefixBytes(text, SIZE);
  return {
    key: 'prose',
    source: `${seen.size} distinct paragraphs (${(distinctBytes / MB).toFixed(2)} MB) of doc comments and Markdown in node_modules, repeated`,
    text,
    bytes: utf8Bytes(text),
  };
}

/** All of ../shared/data/legal/*.txt, sorted, joined by newlines; undefined when the shared data is absent. */
export function legalInput(): BenchInput | undefined {
  const shared = sharedDataDir();
  const dir = shared ? join(shared, 'legal') : undefined;
  if (!dir || !existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((n) => n.endsWith('.txt')).sort();
  if (files.length === 0) return undefined;
  const text = defuse(files.map((n) => readFileSync(join(dir, n), 'utf8')).join('\n'));
  return { key: 'legal', source: `../shared/data/legal/*.txt (${files.length} files)`, text, bytes: utf8Bytes(text) };
}


/** One 5 MB line of base64 of seeded random bytes: every piece is new, the worst case for merge caches. */
export function base64Input(): BenchInput {
  const next = rng(20240501);
  const raw = Buffer.alloc((SIZE / 4) * 3);
  for (let i = 0; i < raw.length; i += 4) raw.writeUInt32LE(Math.floor(next() * 2 ** 32), i);
  const text = raw.toString('base64').slice(0, SIZE);
  return { key: 'base64', source: 'one line of base64 of seeded random bytes', text, bytes: text.length, peerCapBytes: 512 * 1024 };
}

/** 1 MB of 'a': one piece, quadratic for the tiktoken family's merge loop. */
export function letterInput(): BenchInput {
  const text = 'a'.repeat(MB);
  return { key: 'letter', source: "1 MB of one repeated letter ('a'), one line", text, bytes: text.length, peerCapBytes: 32 * 1024 };
}
