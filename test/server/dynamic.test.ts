/**
 * `tokscope/dynamicSuggestions` and `tokscope/dynamicReport` from the built server over stdio: counts equal fresh
 * encodes, each quick fix changes only its own range, the fix-all is the safe edits without overlaps, the report is
 * the engine's, progress and cancellation work, and an untrusted workspace names no tokenizer file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, type MessageConnection } from 'vscode-jsonrpc/node';
import { fitTexts } from '../../server/src/dynamic/batch';
import { loadDynamicTokenizer } from '../../server/src/dynamic/dynamicTokenizer';
import { suggestDocument } from '../../server/src/dynamic/suggest';
import { analyzeWorkspace } from '../../server/src/dynamic/workspace';
import type { DynamicEdit, DynamicReportResult, DynamicSuggestionsResult } from '../../server/src/protocol';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { positions, startServer } from './lspClient';

const PROSE = [
  '# Fees',
  '',
  'The fee is 1234567 dollars. \t ',
  'The total pursuant to section 5 was 9876543 and 12345 more.',
  '',
  '',
  '',
  '',
  'See pursuant to section 7 and pursuant to section 9.   ',
  'The Indemnifying Party shall indemnify the Indemnified Party pursuant to section 12.',
  '',
].join('\n');

const CODE = 'total = 1234567  \t\nlimit = 98765\nname = "1234567"\n\n\n\n\nprint(total)\n';

async function openAs(c: MessageConnection, name: string, languageId: string, text: string): Promise<string> {
  const uri = `file:///test/${name}`;
  await c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

/** The text with LSP edits applied, by offsets computed here (not by the server). */
function apply(text: string, edits: DynamicEdit[]): string {
  const { starts } = positions(text);
  const off = (p: { line: number; character: number }) => starts[p.line] + p.character;
  const sorted = edits.map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => a.s - b.s);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    assert.ok(e.s >= at, 'edits do not overlap');
    out += text.slice(at, e.s) + e.t;
    at = e.e;
  }
  return out + text.slice(at);
}

const offsetOf = (text: string) => {
  const { starts } = positions(text);
  return (p: { line: number; character: number }) => starts[p.line] + p.character;
};

test('suggestions: exact counts, quick fixes that change only their range, fix-all = the safe edits', async () => {
  const server = await startServer({ tokenizers: ['o200k_base', 'llama3'] });
  const c = server.connection;
  const tok = getTokenizer('o200k_base');
  try {
    for (const [name, languageId, text] of [['fees.md', 'markdown', PROSE], ['calc.py', 'python', CODE]] as const) {
      const uri = await openAs(c, name, languageId, text);
      const res = await c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri } });
      assert.equal(res.version, 1);
      assert.equal(res.tokenizer, 'o200k_base');
      assert.equal(res.languageId, languageId);
      assert.equal(res.documentKind, languageId === 'python' ? 'code' : 'prose');
      assert.equal(res.tokens, tok.count(text), 'the document count is a fresh encode');
      const engine = suggestDocument(text, { tokenizer: tok, languageId });
      const at = offsetOf(text);
      assert.deepEqual(res.suggestions.map((s) => [s.code, at(s.range.start), at(s.range.end), s.tokensBefore, s.tokensAfter]), engine.suggestions.map((s) => [s.code, s.start, s.end, s.tokensBefore, s.tokensAfter]));
      const codes = new Set(res.suggestions.map((s) => s.code));
      for (const code of ['number.rightToLeft', 'whitespace.trailing', 'whitespace.blankLines']) assert.ok(codes.has(code), `${name}: ${code} in ${[...codes]}`);
      for (const s of res.suggestions) {
        assert.equal(s.code.split('.')[0], s.kind);
        if (!s.edits) continue;
        const fixed = apply(text, s.edits);
        // Only the edited ranges differ: outside them the text is the same, inside them it is the new text.
        const starts = s.edits.map((e) => at(e.range.start));
        const ends = s.edits.map((e) => at(e.range.end));
        const first = Math.min(...starts);
        const last = Math.max(...ends);
        assert.equal(fixed.slice(0, first), text.slice(0, first), `${s.code}: before its range`);
        assert.equal(fixed.slice(fixed.length - (text.length - last)), text.slice(last), `${s.code}: after its range`);
        // The counts it states are the touched lines encoded before and after, afresh.
        const from = text.lastIndexOf('\n', first - 1) + 1;
        let to = text.indexOf('\n', Math.max(first, last - 1));
        to = to < 0 ? text.length : to + 1;
        const grown = fixed.length - text.length;
        assert.equal(s.tokensBefore, tok.count(text.slice(from, to)), `${s.code} before`);
        assert.equal(s.tokensAfter, tok.count(fixed.slice(from, to + grown)), `${s.code} after`);
        if (s.code === 'number.rightToLeft') assert.match(s.edits[0].newText, languageId === 'python' ? /^\d{1,3}(_\d{3})+$/ : /^\d{1,3}(,\d{3})+$/);
      }
      // The fix-all: exactly the safe suggestions' edits, in order, without overlaps; it saves tokens.
      const safe = res.suggestions.filter((s) => s.safe).flatMap((s) => s.edits!);
      assert.ok(res.fixAll.length > 0 && res.fixAll.length <= safe.length);
      for (const e of res.fixAll) assert.ok(safe.some((x) => JSON.stringify(x) === JSON.stringify(e)), 'a safe edit');
      for (let i = 1; i < res.fixAll.length; i++) assert.ok(at(res.fixAll[i].range.start) >= at(res.fixAll[i - 1].range.end), 'in order, no overlap');
      assert.ok(tok.count(apply(text, res.fixAll)) < res.tokens);
      assert.ok(!res.suggestions.some((s) => s.code === 'number.rightToLeft' && s.safe), 'number fixes are never safe');
    }
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('suggestions: families switch by settings and by request; another tokenizer; too large and binary are unavailable; the Tokompiler is declined', async () => {
  const server = await startServer({ dynamic: { number: false, whitespace: true }, maxFileSize: 4096 });
  const c = server.connection;
  try {
    const uri = await openAs(c, 'fees.md', 'markdown', PROSE);
    const ask = (extra: object = {}) => c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri }, ...extra });
    const bySettings = await ask();
    assert.ok(!bySettings.suggestions.some((s) => s.kind === 'number'), 'numbers off in the settings');
    assert.ok(bySettings.suggestions.some((s) => s.kind === 'whitespace'));
    const onlyNumbers = await ask({ families: { number: true, whitespace: false, phrase: false, identifier: false } });
    assert.ok(onlyNumbers.suggestions.length > 0 && onlyNumbers.suggestions.every((s) => s.kind === 'number'));
    assert.deepEqual(onlyNumbers.fixAll, [], 'no safe number fixes');
    const llama = await ask({ tokenizer: 'llama3' });
    assert.equal(llama.tokenizer, 'llama3');
    assert.equal(llama.tokens, getTokenizer('llama3').count(PROSE));
    const big = await openAs(c, 'big.md', 'markdown', 'word '.repeat(2000));
    const tooLarge = await c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri: big } });
    assert.equal(tooLarge.unavailable, 'tooLarge');
    assert.deepEqual(tooLarge.suggestions, []);
    // The report refuses it too (its fit would hold the server), with one message.
    await assert.rejects(c.sendRequest('tokscope/dynamicReport', { textDocument: { uri: big } }), /over tokscope\.maxFileSize \(4096 bytes\)/);
    const bin = await openAs(c, 'blob.bin', 'plaintext', 'PK\0\0\u0003\u0004 1234567   \n');
    assert.equal((await c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri: bin } })).unavailable, 'binary');
    const tk = await ask({ tokenizer: 'tokompiler' });
    assert.match(tk.error ?? '', /Tokompiler/);
    assert.deepEqual(tk.suggestions, []);
    await assert.rejects(c.sendRequest('tokscope/dynamicSuggestions', { textDocument: { uri: 'file:///not/open.md' } }), /not open/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('suggestions: the master switch off means none unless the request names families', async () => {
  const server = await startServer({ dynamic: { enabled: false } });
  const c = server.connection;
  try {
    const uri = await openAs(c, 'fees.md', 'markdown', PROSE);
    const off = await c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri } });
    assert.deepEqual(off.suggestions, []);
    assert.equal(off.tokens, getTokenizer('o200k_base').count(PROSE));
    const asked = await c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri }, families: { whitespace: true } });
    assert.ok(asked.suggestions.length > 0 && asked.suggestions.every((s) => s.kind === 'whitespace'));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('report of a document: the engine\'s figures; the export loads and reproduces the final count', async () => {
  const server = await startServer({}, false, undefined, {});
  const c = server.connection;
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-dyn-'));
  try {
    const text = (PROSE + 'The Receiving Party shall hold the Confidential Information in confidence pursuant to section 4.\n').repeat(30);
    const uri = await openAs(c, 'contract.md', 'markdown', text);
    const events: string[] = [];
    c.onNotification('$/progress', (p: { token: string; value: { kind: string } }) => void (p.token === 'doc-1' && events.push(p.value.kind)));
    const res = await c.sendRequest<DynamicReportResult>('tokscope/dynamicReport', { textDocument: { uri }, boundary: 'superword', merges: 200, includeExport: true, workDoneToken: 'doc-1' });
    const tok = getTokenizer('o200k_base');
    const engine = fitTexts(tok, [text], { boundary: 'superword', maxMerges: 200, checkpoints: [10, 100, 200] });
    assert.equal(res.scope, 'document');
    assert.equal(res.version, 1);
    assert.equal(res.files, 1);
    assert.equal(res.tokens, tok.count(text));
    assert.deepEqual(res.report, JSON.parse(JSON.stringify(engine.report)));
    assert.deepEqual(res.report.steps.map((s) => s.merges), [10, 100, 200]);
    assert.ok(res.report.final.saving > 0 && res.report.final.heldOut !== undefined);
    assert.equal(res.report.trainerTokensAfter, res.report.final.tokens);
    assert.deepEqual(events[0], 'begin');
    assert.deepEqual(events[events.length - 1], 'end');
    const exp = res.export!;
    assert.equal(exp.format, 'tokscope-dynamic/1');
    assert.equal(exp.base, 'o200k_base');
    assert.deepEqual(exp.merges, engine.fit.merges);
    assert.ok(exp.added_tokens.length > 0 && exp.added_tokens.every((t) => t.id >= tok.vocabSize && !t.special));
    const file = join(dir, 'merges.json');
    writeFileSync(file, JSON.stringify(exp));
    assert.equal(loadDynamicTokenizer(file).count(text), res.report.final.tokens, 'the exported merges reproduce the reported count');
    // Parameters checked: a boundary that does not exist, too many merges, both scopes at once.
    await assert.rejects(c.sendRequest('tokscope/dynamicReport', { textDocument: { uri }, boundary: 'line' }), /boundary must be one of/);
    await assert.rejects(c.sendRequest('tokscope/dynamicReport', { textDocument: { uri }, merges: 10 ** 9 }), /merges/);
    await assert.rejects(c.sendRequest('tokscope/dynamicReport', { textDocument: { uri }, uris: [uri] }), /either/);
  } finally {
    assert.equal(await server.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report of workspace files: open buffers win over disk, binary files are skipped, figures equal the engine\'s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-dyn-ws-'));
  const server = await startServer({ dynamic: { boundary: 'word', merges: 100 } });
  const c = server.connection;
  try {
    const texts = [0, 1, 2, 3].map((i) => `Section ${i}. The Borrower shall repay the Loan pursuant to section ${i + 2}.\n`.repeat(20 + i));
    const paths = texts.map((t, i) => {
      const p = join(dir, `part${i}.txt`);
      writeFileSync(p, i === 1 ? 'stale text on disk\n' : t);
      return p;
    });
    const binary = join(dir, 'image.png');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0]));
    // The binary file first: the split for held-out figures is by position (the last fifth of the files given).
    const uris = [binary, ...paths].map((p) => pathToFileURL(p).href);
    // part1 is open with other text than on disk: the buffer counts.
    await c.sendNotification('textDocument/didOpen', { textDocument: { uri: uris[2], languageId: 'plaintext', version: 3, text: texts[1] } });
    const res = await c.sendRequest<DynamicReportResult>('tokscope/dynamicReport', { uris });
    assert.equal(res.scope, 'workspace');
    assert.equal(res.files, 4);
    assert.deepEqual(res.skipped.map((s) => s.uri), [uris[0]]);
    assert.match(res.skipped[0].reason, /binary/);
    const tok = getTokenizer('o200k_base');
    assert.equal(res.tokens, texts.reduce((n, t) => n + tok.count(t), 0));
    const { report } = await analyzeWorkspace(
      [{ path: binary }, ...texts.map((text, i) => ({ path: paths[i], text }))],
      { tokenizer: 'o200k_base', boundary: 'word', maxMerges: 100, checkpoints: [10, 100], workers: 0 },
    );
    assert.deepEqual(res.report, JSON.parse(JSON.stringify(report.merges)), 'the engine\'s report, settings-driven boundary and merges');
    assert.equal(res.report.boundary, 'word');
    assert.deepEqual(res.suggestionCounts, report.suggestions);
    assert.equal(res.fixAllSaving, report.fixAllSaving);
    assert.ok(res.report.heldOut, 'held out: the last file');
  } finally {
    assert.equal(await server.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a workspace report over 256 KiB runs on worker threads and gives the figures of the calling thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-dyn-workers-'));
  const server = await startServer({ dynamic: { merges: 100 } });
  try {
    const texts = [0, 1, 2].map((i) => `Clause ${i}: the Guarantor guarantees the obligations of the Borrower under section ${i}.\n`.repeat(Math.ceil(100_000 / 80)));
    const paths = texts.map((t, i) => {
      const p = join(dir, `clause${i}.txt`);
      writeFileSync(p, t);
      return p;
    });
    const res = await server.connection.sendRequest<DynamicReportResult>('tokscope/dynamicReport', { uris: paths.map((p) => pathToFileURL(p).href) });
    assert.ok(res.workers > 0, 'worker threads (dist/dynamicWorker.js)');
    const { report } = await analyzeWorkspace(paths.map((path) => ({ path })), { tokenizer: 'o200k_base', boundary: 'superword', maxMerges: 100, checkpoints: [10, 100], workers: 0 });
    assert.deepEqual(res.report, JSON.parse(JSON.stringify(report.merges)));
    assert.equal(res.tokens, report.tokens);
  } finally {
    assert.equal(await server.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a workspace report is cancelled between batches; suggestions answer a cancellation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-dyn-cancel-'));
  const server = await startServer({});
  const c = server.connection;
  try {
    const line = 'The Lessee shall pay the rent of 1234567 dollars pursuant to section 4 of this Lease.\n';
    const uris = [0, 1, 2].map((i) => {
      const p = join(dir, `big${i}.txt`);
      writeFileSync(p, line.repeat(Math.ceil(400_000 / line.length)));
      return pathToFileURL(p).href;
    });
    const cts = new CancellationTokenSource();
    c.onNotification('$/progress', (p: { token: string; value: { kind: string } }) => {
      if (p.token === 'ws-cancel' && p.value.kind === 'report') cts.cancel();
    });
    await assert.rejects(c.sendRequest('tokscope/dynamicReport', { uris, workDoneToken: 'ws-cancel' }, cts.token), (e: { code?: number }) => e.code === -32800);
    // The server goes on answering.
    const uri = await openAs(c, 'after.md', 'markdown', PROSE);
    const cts2 = new CancellationTokenSource();
    const pending = c.sendRequest('tokscope/dynamicSuggestions', { textDocument: { uri } }, cts2.token);
    cts2.cancel();
    await assert.rejects(pending, (e: { code?: number }) => e.code === -32800);
    const ok = await c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri } });
    assert.ok(ok.suggestions.length > 0);
  } finally {
    assert.equal(await server.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('untrusted: no path tokenizer for suggestions or reports, even when asked for by name', async () => {
  const server = await startServer({ activeTokenizer: 'hf:/tmp/evil/tokenizer.json' }, false);
  const c = server.connection;
  try {
    const uri = await openAs(c, 'fees.md', 'markdown', PROSE);
    // The setting was dropped: the default tokenizer is used.
    const res = await c.sendRequest<DynamicSuggestionsResult>('tokscope/dynamicSuggestions', { textDocument: { uri } });
    assert.equal(res.tokenizer, 'o200k_base');
    await assert.rejects(c.sendRequest('tokscope/dynamicSuggestions', { textDocument: { uri }, tokenizer: 'hf:/tmp/evil/tokenizer.json' }), /not allowed/);
    await assert.rejects(c.sendRequest('tokscope/dynamicReport', { textDocument: { uri }, tokenizer: 'gguf:/tmp/evil/model.gguf' }), /not allowed/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
