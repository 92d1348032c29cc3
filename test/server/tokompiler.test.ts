/** The Tokompiler through the language server: the view's request, counts, spans, line counts, hover, live edits. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CompareResult, DocumentStatsResult, LineCountsResult, TokenSpansResult, TokompileResponse } from '../../server/src/protocol';
import { tokompile } from '../../server/src/tokompiler/index';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { positions, startServer } from './lspClient';

const SOURCE = readFileSync(join(projectRoot(), 'test', 'fixtures', 'tokompiler', 'jacobi.c'), 'utf8');

test('tokompiler as a tokenizer: the view, counts, spans, line counts, compare and hover agree with the engine', async () => {
  const settings = { tokenizers: ['o200k_base', 'tokompiler'], activeTokenizer: 'tokompiler', tokompiler: { scope: 'function', comments: 'drop' } };
  const server = await startServer(settings);
  const c = server.connection;
  try {
    const uri = await server.open('jacobi.c', SOURCE);
    const expected = await tokompile(SOURCE, 'c', { scope: 'function' });
    const view = await c.sendRequest<TokompileResponse>('tokscope/tokompile', { textDocument: { uri } });
    assert.equal(view.code, expected.code);
    assert.equal(view.tokenCount, expected.tokens.length);
    assert.deepEqual(view.mapping, expected.mapping);
    const stats = await c.sendRequest<DocumentStatsResult>('tokscope/documentStats', { textDocument: { uri } });
    const row = stats.document.find((s) => s.tokenizer === 'tokompiler')!;
    assert.equal(row.count, expected.tokens.length);
    assert.match(row.note ?? '', /closed vocabulary/);
    const lines = SOURCE.split('\n').length;
    const counts = await c.sendRequest<LineCountsResult>('tokscope/lineCounts', { textDocument: { uri }, startLine: 0, endLine: lines });
    assert.equal(counts.counts.reduce((a, b) => a + b, 0), expected.tokens.length);
    const spans = await c.sendRequest<TokenSpansResult>('tokscope/tokenSpans', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } });
    assert.deepEqual(spans.ids, expected.ids);
    assert.equal(spans.positions.length, 4 * expected.ids.length);
    const compare = await c.sendRequest<CompareResult>('tokscope/compare', { textDocument: { uri }, tokenizers: ['tokompiler'] });
    assert.deepEqual(compare.entries[0].pieces, expected.tokens);
    // Hover on the name of the function `sweep` where it is defined.
    const at = SOURCE.indexOf('sweep(const');
    const hover = await c.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positions(SOURCE).positionAt(at + 2) });
    assert.match(hover.contents.value, /\*\*Tokompiler\*\* — `sweep` is `func 0` \(class func\)/);
    assert.match(hover.contents.value, /\| tokompiler \| 2 \|/);
    // Live edits: a name added inside a function body, then a new line at the top.
    let text = SOURCE;
    const edits = [
      { offset: SOURCE.indexOf('int iter = 0;'), insert: 'int extra = 3; ' },
      { offset: 0, insert: '#define EXTRA 1\n' },
    ];
    let version = 1;
    for (const { offset, insert } of edits) {
      const p = positions(text).positionAt(offset);
      text = text.slice(0, offset) + insert + text.slice(offset);
      await c.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: p, end: p }, text: insert }] });
      const again = await c.sendRequest<TokompileResponse>('tokscope/tokompile', { textDocument: { uri } });
      const fresh = await tokompile(text, 'c', { scope: 'function' });
      assert.equal(again.version, version);
      assert.equal(again.code, fresh.code);
      assert.equal(again.tokenCount, fresh.tokens.length);
    }
    // A document over the Tokompiler's size limit is refused with a message; its hover does not start a parse.
    const huge = await server.open('huge.c', 'int x = 1;\n'.repeat(420_000));
    await assert.rejects(c.sendRequest('tokscope/tokompile', { textDocument: { uri: huge } }), /more than the Tokompiler parses/);
    const hugeHover = await c.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: huge }, position: { line: 5, character: 5 } });
    assert.doesNotMatch(hugeHover.contents.value, /\*\*Tokompiler\*\*/);
    // A document in no language the Tokompiler knows: a clear error, the server carries on.
    const other = await server.open('notes.txt', 'just words');
    await assert.rejects(c.sendRequest('tokscope/tokompile', { textDocument: { uri: other } }), /no front end for/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
