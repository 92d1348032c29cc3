/**
 * `tokscope/fimComplete` and `tokscope/fimCheck` over stdio against the built server: the real engine in process (the
 * tiny GGUF the suite writes), settings under workspace trust, the disabled state, errors as one message, and
 * cancellation of a request stuck on a stalled server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { FimCheckResult, FimCompleteResult } from '../../server/src/protocol';
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';
import { startLlamaCppMock } from '../fixtures/fim/servers/mocks';
import { startServer } from './lspClient';

const importEsm = (specifier: string): Promise<unknown> => import(specifier);
const dir = mkdtempSync(join(tmpdir(), 'tokscope-fimlsp-'));
const model = join(dir, 'tiny.gguf');
tinyLlamaGguf({ path: model });
after(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = 'def add(a, b):\n    return a + b\n\ndef hello_wor\n';
const AT = { line: 3, character: 13 };

test('fimComplete in process: a completion with its report; fimCheck names what completions use', async (t) => {
  try {
    await importEsm('node-llama-cpp');
  } catch (e) {
    t.skip(`node-llama-cpp cannot be imported (${(e as Error).message.split('\n')[0]})`);
    return;
  }
  const server = await startServer({ fim: { enabled: true, backend: 'inProcess', modelPath: model, threads: 1, maxLength: 32 } }, true);
  const c = server.connection;
  try {
    const uri = await server.open('a.py', TEXT);
    await server.open('b.py', 'import os\n');
    const r = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri }, position: AT });
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.report?.mode, 'exact');
    assert.equal(r.report?.backend, 'in-process model tiny.gguf');
    assert.equal(r.report?.format, 'qwen2.5-coder');
    assert.match(r.report!.reason, /cover|boundary|no probability/);
    assert.ok(r.items.length <= 1);
    for (const item of r.items) {
      assert.deepEqual(item.range, { start: AT, end: AT });
      assert.ok(Buffer.byteLength(item.insertText) <= 32);
    }
    // The hover on that line says how the last completion was made; on another line it does not.
    const hover = await c.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } });
    assert.match(hover.contents.value, /\*\*FIM\*\* — last completion on this line: `exact`, .*\(in-process model tiny\.gguf; (\d+ model calls?, \d+ ms|from the type-ahead cache)\)/);
    const elsewhere = await c.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.doesNotMatch(elsewhere.contents.value, /\*\*FIM\*\*/);
    const check = await c.sendRequest<FimCheckResult>('tokscope/fimCheck');
    assert.equal(check.active?.backend, 'in-process model tiny.gguf');
    assert.equal(check.active?.tokenPath, true);
    assert.equal(check.probed.length, 4);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('fimComplete: automatic requests are declined while disabled; a manual one is answered', async () => {
  const port = 1; // nothing listens on port 1: the manual request fails with one message, quickly
  const server = await startServer({ fim: { enabled: false, backend: 'llama.cpp', endpoint: `http://127.0.0.1:${port}` } }, true);
  const c = server.connection;
  try {
    const uri = await server.open('a.py', TEXT);
    const auto = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri }, position: AT });
    assert.deepEqual(auto, { items: [], disabled: true });
    const manual = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri }, position: AT, manual: true });
    assert.equal(manual.items.length, 0);
    assert.match(manual.error ?? '', /127\.0\.0\.1:1/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('fimComplete in an untrusted workspace: no model file, endpoint or in-process backend from the workspace', async () => {
  const server = await startServer({ fim: { enabled: true, backend: 'inProcess', modelPath: model, endpoint: 'http://10.9.9.9:8080' } }, false);
  const c = server.connection;
  try {
    const uri = await server.open('a.py', TEXT);
    const r = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri }, position: AT });
    // Auto-detection on loopback instead: whatever answers there (usually nothing), never the workspace's file or address.
    assert.ok(!(r.report?.backend ?? '').includes('tiny.gguf'));
    assert.ok(!(r.report?.backend ?? '').includes('10.9.9.9'));
    if (!r.report) assert.match(r.error ?? '', /no model server answers on 127\.0\.0\.1 ports 8012 \(llama\.cpp\), 8080 \(llama\.cpp\), 11434 \(ollama\), 8000 \(openai\)/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('fimComplete: a request stuck on a stalled server ends as soon as the client cancels it', async () => {
  const mock = await startLlamaCppMock();
  const server = await startServer({ fim: { enabled: true, backend: 'llama.cpp', endpoint: mock.url, timeoutMs: 20000 } }, true);
  const c = server.connection;
  try {
    const uri = await server.open('a.py', TEXT);
    const first = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri }, position: AT });
    assert.match(first.report?.reason ?? '', /vocabulary is not on this machine/);
    mock.fault = 'stall';
    const source = new CancellationTokenSource();
    const pending = c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri }, position: { line: 1, character: 4 } }, source.token);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    source.cancel();
    await assert.rejects(pending, (e: { code?: number }) => e.code === -32800);
    assert.ok(performance.now() - t0 < 200, `cancelled in ${(performance.now() - t0).toFixed(0)} ms`);
    // The server is still responsive.
    mock.fault = 'none';
    const after = await c.sendRequest<FimCompleteResult>('tokscope/fimComplete', { textDocument: { uri }, position: { line: 0, character: 3 } });
    assert.ok(after.report);
  } finally {
    assert.equal(await server.stop(), 0);
    await mock.close();
  }
});
