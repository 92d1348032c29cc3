/** The built language server over stdio, checked against the engine's own full encodings. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DocumentStatsResult, LineCountsResult, TokenizerDescription, TokenSpansResult } from '../../server/src/protocol';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { positions, startServer, type TestServer } from './lspClient';

const TOKENIZERS = ['o200k_base', 'cl100k_base', 'llama3'];

const SAMPLE = [
  'import { readFile } from "node:fs";',
  '',
  '// a comment 😺 with an astral character',
  'export function add(a: number, b: number): number {',
  '    return a + b; // 👍🏽 done',
  '\t\tconst s = "tab\\tindented";\r',
  '}',
  '',
  '   ',
  'résumé naïve 日本語のテキスト',
  'last line without newline',
].join('\n');

/** The tokens of the full encoding overlapping [from, to), by the rule the protocol documents. */
function expectedSpans(text: string, name: string, from: number, to: number) {
  const enc = getTokenizer(name).encode(text);
  const { positionAt } = positions(text);
  const pos: number[] = [];
  const ids: number[] = [];
  let previousIn = false;
  for (let i = 0; i < enc.ids.length; i++) {
    const s = enc.offsets[2 * i];
    const e = enc.offsets[2 * i + 1];
    const inside: boolean = s === e ? previousIn : s < to && e > from;
    if (inside) {
      const a = positionAt(s);
      const b = positionAt(e);
      pos.push(a.line, a.character, b.line, b.character);
      ids.push(enc.ids[i]);
    }
    previousIn = inside;
  }
  return { positions: pos, ids };
}

function rangeOf(text: string, from: number, to: number) {
  const { positionAt } = positions(text);
  return { start: positionAt(from), end: positionAt(to) };
}

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

const INSERTS = ['\n', ' ', '  ', '//', 'x', 'foo(bar)', '\n    ', '😺', '\r\n', '\t', 'é', '', '\n\n', '}', ' return 1;'];

async function spansOf(server: TestServer, uri: string, text: string, from: number, to: number, tokenizer?: string) {
  return server.connection.sendRequest<TokenSpansResult>('tokscope/tokenSpans', { textDocument: { uri }, range: rangeOf(text, from, to), tokenizer });
}

test('hover, spans, line counts and stats match the engine, before and after incremental edits', async () => {
  const server = await startServer({ tokenizers: TOKENIZERS });
  try {
    let text = SAMPLE;
    const uri = await server.open('sample.ts', text);

    // Hover inside "function" on line 3.
    const offset = text.indexOf('function') + 3;
    const enc = getTokenizer('o200k_base').encode(text);
    let k = 0;
    while (!(enc.offsets[2 * k] <= offset && offset < enc.offsets[2 * k + 1])) k++;
    const hover = await server.connection.sendRequest<{ contents: { value: string }; range: unknown }>('textDocument/hover', {
      textDocument: { uri },
      position: positions(text).positionAt(offset),
    });
    const md = hover.contents.value;
    assert.match(md, new RegExp(`token #${k}\\b`));
    assert.ok(md.includes(`#${k} id ${enc.ids[k]}: \`${text.slice(enc.offsets[2 * k], enc.offsets[2 * k + 1]).replace(/ /g, '␠')}\``), md);
    assert.deepEqual(hover.range, rangeOf(text, enc.offsets[2 * k], enc.offsets[2 * k + 1]));
    const line = text.split('\n')[3];
    for (const name of TOKENIZERS) {
      const t = getTokenizer(name);
      assert.ok(md.includes(`| ${name} | ${t.count('function')} | ${t.count(line)} | ${t.count(text)} | exact |`), md);
    }

    const random = prng(7);
    for (let step = 0; step < 60; step++) {
      const start = Math.floor(random() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(random() * 6));
      // Never cut a surrogate pair or a "\r\n": an editor would not, and no LSP position lies inside a line break.
      const safe = (o: number) => (o > 0 && o < text.length && ((text.charCodeAt(o) & 0xfc00) === 0xdc00 || (text[o - 1] === '\r' && text[o] === '\n')) ? o + 1 : o);
      const s = safe(start);
      const e = Math.max(s, safe(end));
      const insert = INSERTS[Math.floor(random() * INSERTS.length)];
      const range = rangeOf(text, s, e);
      text = text.slice(0, s) + insert + text.slice(e);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: step + 2 }, contentChanges: [{ range, text: insert }] });
      if (step % 5 !== 4) continue;
      const name = TOKENIZERS[step % TOKENIZERS.length];
      const from = Math.floor(random() * text.length);
      const to = Math.min(text.length, from + Math.floor(random() * 80));
      const got = await spansOf(server, uri, text, from, to, name);
      assert.equal(got.version, step + 2);
      assert.deepEqual({ positions: got.positions, ids: got.ids }, expectedSpans(text, name, from, to), `step ${step}, ${name}, [${from}, ${to})`);
      const all = await spansOf(server, uri, text, 0, text.length, name);
      assert.deepEqual(all.ids, Array.from(getTokenizer(name).encodeIds(text)));
    }

    const lineCount = positions(text).starts.length;
    const lines = await server.connection.sendRequest<LineCountsResult>('tokscope/lineCounts', { textDocument: { uri }, startLine: 0, endLine: lineCount - 1 });
    assert.equal(lines.counts.length, lineCount);
    assert.equal(lines.counts.reduce((a, b) => a + b, 0), getTokenizer('o200k_base').count(text));
    const part = await server.connection.sendRequest<LineCountsResult>('tokscope/lineCounts', { textDocument: { uri }, startLine: 2, endLine: 4 });
    assert.deepEqual(part.counts, lines.counts.slice(2, 5));

    const stats = await server.connection.sendRequest<DocumentStatsResult>('tokscope/documentStats', { textDocument: { uri }, range: rangeOf(text, 0, 40) });
    assert.deepEqual(
      stats.document.map((s) => [s.tokenizer, s.count, s.exact]),
      TOKENIZERS.map((n) => [n, getTokenizer(n).count(text), true]),
    );
    assert.deepEqual(stats.selection!.map((s) => s.count), TOKENIZERS.map((n) => getTokenizer(n).count(text.slice(0, 40))));
    assert.equal(stats.document[0].bytes, Buffer.byteLength(text));
    assert.ok(stats.document[2].bosNote?.includes('<|begin_of_text|>'));
    assert.equal(stats.document[0].bosNote, undefined);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('an untrusted workspace ignores kl3mDir and path tokenizers; a trusted one honours them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-kl3m-'));
  mkdirSync(join(dir, 'kl3m-001-32k'));
  writeFileSync(join(dir, 'kl3m-001-32k', 'tokenizer.json'), '{}');
  for (const trusted of [false, true]) {
    const server = await startServer({ kl3mDir: dir }, trusted);
    try {
      const list = await server.connection.sendRequest<TokenizerDescription[]>('tokscope/listTokenizers');
      assert.equal(list.find((t) => t.name === 'o200k_base')?.vocabSize, 200019);
      const kl3m = list.find((t) => t.name === 'kl3m-001-32k')!;
      assert.equal(kl3m.source.startsWith(dir), trusted, kl3m.source);
      if (!trusted) {
        const uri = await server.open('a.txt', 'hello world');
        await assert.rejects(spansOf(server, uri, 'hello world', 0, 5, `hf:${join(dir, 'kl3m-001-32k', 'tokenizer.json')}`), /not allowed/);
      }
    } finally {
      assert.equal(await server.stop(), 0);
    }
  }
});

test('large and binary documents get counts but no spans', async () => {
  const server = await startServer({ maxFileSize: 1000, tokenizers: ['o200k_base'] });
  try {
    const big = 'line of text number 1234\n'.repeat(200);
    const binary = 'abc\0def\nmore text';
    for (const [name, text, reason] of [['big.txt', big, 'tooLarge'], ['bin.dat', binary, 'binary']] as const) {
      const uri = await server.open(name, text);
      const spans = await spansOf(server, uri, text, 0, 10);
      assert.equal(spans.unavailable, reason);
      assert.deepEqual(spans.ids, []);
      const stats = await server.connection.sendRequest<DocumentStatsResult>('tokscope/documentStats', { textDocument: { uri } });
      assert.equal(stats.document[0].count, getTokenizer('o200k_base').count(text));
    }
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('a cancelled request is answered RequestCancelled while a large document goes on being counted', async () => {
  const server = await startServer({ maxFileSize: 1000, tokenizers: ['o200k_base'] });
  try {
    const text = 'const value = compute(42); // note\n'.repeat(250000);
    const uri = await server.open('huge.ts', text);
    const source = new CancellationTokenSource();
    const pending = server.connection.sendRequest('tokscope/documentStats', { textDocument: { uri } }, source.token);
    source.cancel();
    await assert.rejects(pending, (e: { code: number }) => e.code === -32800);
    const stats = await server.connection.sendRequest<DocumentStatsResult>('tokscope/documentStats', { textDocument: { uri } });
    assert.equal(stats.document[0].count, getTokenizer('o200k_base').count(text));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('the server exits when its input closes', async () => {
  const server = await startServer({});
  server.child.stdin!.end();
  await server.exited;
  server.connection.dispose();
});
