/** Hover on split characters, compare, inlay hints, errors, and the CLI's `lsp --stdio`. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CompareResult, LineCountsResult } from '../../server/src/protocol';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { positions, startServer } from './lspClient';

const TEXT = 'cat 😺 here\n  indented(line);\n\nend';

test('hover on a character split across tokens lists every token of it', async () => {
  const server = await startServer({ activeTokenizer: 'cl100k_base', tokenizers: ['cl100k_base'] });
  try {
    const uri = await server.open('emoji.txt', TEXT);
    const ids = Array.from(getTokenizer('cl100k_base').encode(TEXT).ids);
    const hover = await server.connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 5 } });
    const md = hover.contents.value;
    assert.match(md, /cursor inside token #1\b/);
    assert.ok(md.includes(`#1 id ${ids[1]}: \`␠😺\` bytes \`20 f0 9f 98\``), md);
    assert.ok(md.includes(`#2 id ${ids[2]}: (rest of the character above)`), md);
    const atStart = await server.connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
    assert.match(atStart.contents.value, /cursor at the start of token #1\b/);
    assert.ok(atStart.contents.value.includes('word `cat`'));
    const atEnd = await server.connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 3 } });
    assert.match(atEnd.contents.value, new RegExp(`cursor just after token #${ids.length - 1}\\b`));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('compare gives counts and pieces per tokenizer; inlay hints give the line counts', async () => {
  const server = await startServer({ inlayHints: { enabled: true } });
  try {
    const uri = await server.open('c.txt', TEXT);
    const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 10 } };
    const selection = TEXT.slice(0, TEXT.indexOf('\n') + 11);
    const names = ['o200k_base', 'llama3', 'no-such-tokenizer'];
    const result = await server.connection.sendRequest<CompareResult>('tokscope/compare', { textDocument: { uri }, range, tokenizers: names });
    assert.equal(result.piecesOmitted, false);
    for (const entry of result.entries.slice(0, 2)) {
      assert.deepEqual(entry.ids, Array.from(getTokenizer(entry.tokenizer).encodeIds(selection)));
      assert.equal(entry.pieces!.join(''), selection);
      assert.equal(entry.count, entry.ids!.length);
    }
    assert.match(result.entries[2].error ?? '', /unknown tokenizer/);

    const lastLine = positions(TEXT).starts.length - 1;
    const counts = await server.connection.sendRequest<LineCountsResult>('tokscope/lineCounts', { textDocument: { uri }, startLine: 0, endLine: lastLine });
    const hints = await server.connection.sendRequest<{ position: { line: number }; label: string }[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lastLine, character: 3 } },
    });
    // The empty line gets no hint.
    const expected = counts.counts.map((n, line) => ({ line, label: `${n} tok` })).filter((h) => h.line !== 2);
    assert.deepEqual(hints.map((h) => ({ line: h.position.line, label: h.label })), expected);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('bad requests get errors and the server carries on', async () => {
  const server = await startServer({});
  try {
    const uri = await server.open('e.txt', TEXT);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
    await assert.rejects(server.connection.sendRequest('tokscope/tokenSpans', { textDocument: { uri }, range, tokenizer: 'nope' }), (e: { code: number }) => e.code === -32602);
    await assert.rejects(server.connection.sendRequest('tokscope/tokenSpans', { textDocument: { uri: 'file:///not-open' }, range }), (e: { code: number }) => e.code === -32602);
    await assert.rejects(server.connection.sendRequest('tokscope/documentStats', null));
    const ok = await server.connection.sendRequest<{ ids: number[] }>('tokscope/tokenSpans', { textDocument: { uri }, range });
    assert.deepEqual(ok.ids, [Array.from(getTokenizer('o200k_base').encodeIds(TEXT))[0]]);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('`tokscope lsp --stdio` starts the same server', async () => {
  const server = await startServer({}, false, [join(projectRoot(), 'dist', 'cli.js'), 'lsp', '--stdio']);
  try {
    const uri = await server.open('cli.txt', 'hello world');
    const stats = await server.connection.sendRequest<{ document: { count: number }[] }>('tokscope/documentStats', { textDocument: { uri }, tokenizers: ['o200k_base'] });
    assert.equal(stats.document[0].count, 2);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('tokscope/fimCheck probes the loopback model-server ports and answers within its time caps', async () => {
  const server = await startServer({});
  try {
    const r = await server.connection.sendRequest<{ servers: Array<{ kind: string; baseUrl: string; exact: boolean }>; probed: string[] }>('tokscope/fimCheck');
    assert.deepEqual(r.probed, ['http://127.0.0.1:8012 (llama.cpp)', 'http://127.0.0.1:8080 (llama.cpp)', 'http://127.0.0.1:11434 (ollama)', 'http://127.0.0.1:8000 (openai)']);
    // Whatever answers here (normally nothing) is reported with its kind and URL.
    for (const s of r.servers) assert.ok(r.probed.some((p) => p.startsWith(s.baseUrl)));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
