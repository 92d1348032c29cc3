/**
 * The completion service (server/src/fim/service.ts) and its parts: post-processing, the type-ahead cache, the FIM
 * settings under workspace trust, backend resolution (detection, text path reasons, failures), and the token path on
 * the real engine (node-llama-cpp on the tiny GGUF the suite writes), including the time cap and cancellation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CompletionCache } from '../../server/src/fim/cache';
import { overlap, postprocess } from '../../server/src/fim/postprocess';
import { endpointWarning, FimService, FimUnavailable, fitBudget, tokenizerRef } from '../../server/src/fim/service';
import { BackendError, type FimBackend } from '../../server/src/fim/types';
import { DEFAULT_SETTINGS, sanitizeFim, type FimSettings } from '../../server/src/settings';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';
import { closedPort } from '../fixtures/fim/servers/mockBase';
import { startLlamaCppMock, startOllamaMock, startOpenAiMock } from '../fixtures/fim/servers/mocks';

const importEsm = (specifier: string): Promise<unknown> => import(specifier);
const fim = (over: Partial<FimSettings>): FimSettings => ({ ...DEFAULT_SETTINGS.fim, enabled: true, ...over });

test('postprocess: in-line completions stop at the line end and drop what repeats the suffix', () => {
  assert.equal(overlap('foo(x))', ')'), 1);
  assert.equal(overlap('abc', 'xyz'), 0);
  let r = postprocess('bar(x)\nmore', { suffix: ')\nnext' });
  assert.equal(r.text, 'bar(x');
  assert.equal(r.notes.length, 2);
  // A single shared letter is a coincidence, not a repeat; a shared closing bracket or quote is a repeat.
  assert.equal(postprocess('bar', { suffix: 'r.baz()\n' }).text, 'bar');
  assert.equal(postprocess('"hi"', { suffix: '"\n' }).text, '"hi');
  assert.equal(postprocess('x, y)', { suffix: 'y)\n' }).text, 'x, ');
  assert.equal(postprocess('foo\r\nbar', { suffix: ')\r\n' }).text, 'foo', 'CRLF: no stray carriage return');
  r = postprocess('name', { suffix: '' });
  assert.deepEqual(r, { text: 'name', notes: [] });
  // At a line end, multi-line text is kept up to the line that repeats the next line of the document.
  r = postprocess('x = 1\n    y = 2\n    return y\n', { suffix: '\n    return y\n' });
  assert.equal(r.text, 'x = 1\n    y = 2');
  // A nested closer at another indentation is not the next line.
  assert.equal(postprocess('\n  if (a) {\n    b();\n  }\n  return c;', { suffix: '\n}\n' }).text, '\n  if (a) {\n    b();\n  }\n  return c;');
  assert.equal(postprocess('\n  return c;\n}\nfoo', { suffix: '\n}\n' }).text, '\n  return c;');
  // Leading indentation is the model's and stays; trailing whitespace goes.
  r = postprocess('\n    pass   \n\n', { suffix: '' });
  assert.equal(r.text, '\n    pass');
  assert.equal(postprocess(' \n\t', { suffix: '' }).text, '');
});

test('cache: exact hits, type-ahead hits lose the typed part, misses on any other change, LRU bound', () => {
  const c = new CompletionCache<string>(2);
  c.set('k', 'def fo', '\n', { text: 'o(x):', data: 'r1' });
  assert.deepEqual(c.get('k', 'def fo', '\n'), { text: 'o(x):', data: 'r1', typed: 0 });
  assert.deepEqual(c.get('k', 'def foo(', '\n'), { text: 'x):', data: 'r1', typed: 2 });
  assert.equal(c.get('k', 'def fox', '\n'), undefined, 'typed text that differs from the completion');
  assert.equal(c.get('k', 'def foo(x):', '\n'), undefined, 'everything typed: nothing left to offer');
  assert.equal(c.get('k', 'def fo', '\nx'), undefined, 'another suffix');
  assert.equal(c.get('other', 'def fo', '\n'), undefined, 'another configuration');
  assert.equal(c.get('k', 'xdef fo', '\n'), undefined, 'an edit before the cursor');
  c.set('k', 'a', '', { text: 'b', data: 'r2' });
  c.set('k', 'c', '', { text: 'd', data: 'r3' });
  assert.equal(c.size, 2);
  assert.equal(c.get('k', 'def fo', '\n'), undefined, 'evicted');
  // Long prefixes are compared by a window and their length.
  const long = 'x'.repeat(10000) + 'ab';
  c.set('k', long, '', { text: 'cdef', data: 'r4' });
  assert.equal(c.get('k', long + 'cd', '')?.text, 'ef');
  assert.equal(c.get('k', 'y' + long.slice(1) + 'cd', '')?.text, 'ef', 'outside the window: not compared');
  assert.equal(c.get('k', long.slice(1) + 'cd', ''), undefined, 'another length: another place');
  // A caller's window that slid by the typed characters (same window size, `at` advancing) still hits.
  const win = 'y'.repeat(1000) + 'def fo';
  c.set('k', win, '', { text: 'o(x):', data: 'r5' }, 50_000);
  assert.equal(c.get('k', win.slice(2) + 'o(', '', 50_002)?.text, 'x):');
  assert.equal(c.get('k', win.slice(2) + 'o(', '', 50_003), undefined, 'the position must match');
});

test('settings: FIM values sanitised; an untrusted workspace names no file, program or address', () => {
  const raw = { enabled: true, backend: 'inProcess', endpoint: 'http://10.0.0.5:8080', modelPath: '/m/x.gguf', tokenizer: '/m/tokenizer.json', debias: 'heal', format: 'codestral', maxLength: -3, timeoutMs: 'x', threads: 4 };
  const t = sanitizeFim(raw, true);
  assert.equal(t.backend, 'inProcess');
  assert.equal(t.endpoint, 'http://10.0.0.5:8080');
  assert.equal(t.modelPath, '/m/x.gguf');
  assert.equal(t.tokenizer, '/m/tokenizer.json');
  assert.equal(t.debias, 'heal');
  assert.equal(t.format, 'codestral');
  assert.equal(t.maxLength, DEFAULT_SETTINGS.fim.maxLength);
  assert.equal(t.timeoutMs, DEFAULT_SETTINGS.fim.timeoutMs);
  assert.equal(t.threads, 4);
  const u = sanitizeFim(raw, false);
  assert.equal(u.backend, 'auto');
  assert.equal(u.endpoint, '');
  assert.equal(u.modelPath, '');
  assert.equal(u.tokenizer, '');
  assert.equal(sanitizeFim({ tokenizer: 'qwen3' }, false).tokenizer, 'qwen3', 'a registry name is not a path');
  assert.equal(sanitizeFim({ debias: 'nope' }, true).debias, 'exact');
  assert.equal(tokenizerRef('/a/b.gguf'), 'gguf:/a/b.gguf');
  assert.equal(tokenizerRef('/a/tokenizer.json'), 'hf:/a/tokenizer.json');
  assert.equal(tokenizerRef('llama3'), 'llama3');
});

test('endpoint warning: only for plain http off this machine', () => {
  assert.match(endpointWarning('http://10.1.2.3:8080')!, /not on this machine and is not encrypted/);
  assert.equal(endpointWarning('http://127.0.0.1:8080'), undefined);
  assert.equal(endpointWarning('http://localhost:8080'), undefined);
  assert.equal(endpointWarning('http://[::1]:8080'), undefined);
  assert.equal(endpointWarning('https://models.example:443'), undefined);
});

test('service: no server anywhere → one clear FimUnavailable naming the ports, remembered instead of re-probed', async () => {
  const port = await closedPort();
  const svc = new FimService({ getTokenizer, candidates: [{ kind: 'llama.cpp', port }] });
  svc.configure(fim({}));
  await assert.rejects(svc.complete({ prefix: 'a', suffix: '' }, new AbortController().signal), (e) => e instanceof FimUnavailable && e.message.includes(`127.0.0.1 ports ${port} (llama.cpp)`));
  const t0 = performance.now();
  await assert.rejects(svc.complete({ prefix: 'a', suffix: '' }, new AbortController().signal), FimUnavailable);
  assert.ok(performance.now() - t0 < 50, 'the remembered failure answers at once');
  svc.configure(fim({ modelPath: '/nonexistent/model.gguf' }));
  await assert.rejects(svc.complete({ prefix: 'a', suffix: '' }, new AbortController().signal), /does not exist/);
});

test('service: the text path says why it cannot de-bias (Ollama; a server whose vocabulary is not here)', async () => {
  const ollama = await startOllamaMock();
  const llama = await startLlamaCppMock();
  try {
    const svc = new FimService({ getTokenizer });
    svc.configure(fim({ backend: 'ollama', endpoint: ollama.url }));
    let r = await svc.complete({ prefix: 'def f', suffix: '\n' }, new AbortController().signal);
    assert.equal(r.report.mode, 'off');
    assert.match(r.report.reason, /Ollama takes no token ids/);
    assert.equal(r.report.finish, 'server');
    assert.ok(r.text.length > 0);
    svc.configure(fim({ backend: 'auto', endpoint: llama.url }));
    r = await svc.complete({ prefix: 'def f', suffix: '\n' }, new AbortController().signal);
    assert.equal(r.report.backend, `llama.cpp server at ${llama.url}`, 'auto identifies the server at the endpoint');
    assert.match(r.report.reason, /vocabulary is not on this machine/);
    assert.equal(r.report.format, 'qwen2.5-coder');
    // The same request again is a cache hit; typing the first character of the answer reuses the rest.
    const again = await svc.complete({ prefix: 'def f', suffix: '\n' }, new AbortController().signal);
    assert.equal(again.report.cached, true);
    assert.equal(again.text, r.text);
    const ahead = await svc.complete({ prefix: 'def f' + r.text[0], suffix: '\n' }, new AbortController().signal);
    assert.equal(ahead.text, r.text.slice(1));
    assert.equal(ahead.report.modelCalls, 0);
    // A server failing mid-way: a BackendError with its kind, nothing cached for it.
    llama.fault = 'http500';
    await assert.rejects(svc.complete({ prefix: 'other', suffix: '\n' }, new AbortController().signal), (e) => e instanceof BackendError && e.kind === 'http');
  } finally {
    await ollama.close();
    await llama.close();
  }
});

test('service: a stalled server is cut by the hard cap; cancellation takes effect at once', async () => {
  const llama = await startLlamaCppMock();
  try {
    const svc = new FimService({ getTokenizer });
    svc.configure(fim({ backend: 'llama.cpp', endpoint: llama.url, timeoutMs: 300 }));
    await svc.complete({ prefix: 'warm', suffix: '' }, new AbortController().signal);
    llama.fault = 'stall';
    const t0 = performance.now();
    await assert.rejects(svc.complete({ prefix: 'x = ', suffix: '' }, new AbortController().signal), (e) => e instanceof BackendError && e.kind === 'timeout' && /300 ms/.test(e.message));
    const waited = performance.now() - t0;
    assert.ok(waited >= 290 && waited < 1500, `cut at the cap (${waited.toFixed(0)} ms)`);
    svc.configure(fim({ backend: 'llama.cpp', endpoint: llama.url, timeoutMs: 10000 }));
    const c = new AbortController();
    const pending = svc.complete({ prefix: 'y = ', suffix: '' }, c.signal);
    await new Promise((r) => setTimeout(r, 50));
    const t1 = performance.now();
    c.abort();
    await assert.rejects(pending, (e) => e instanceof BackendError && e.kind === 'cancelled');
    assert.ok(performance.now() - t1 < 50, 'cancelled within 50 ms');
  } finally {
    await llama.close();
  }
});

test('service: the token path on the real engine (node-llama-cpp, tiny GGUF)', async (t) => {
  try {
    await importEsm('node-llama-cpp');
  } catch (e) {
    t.skip(`node-llama-cpp cannot be imported (${(e as Error).message.split('\n')[0]})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-fimsvc-'));
  const path = join(dir, 'tiny.gguf');
  tinyLlamaGguf({ path });
  const svc = new FimService({ getTokenizer });
  after(async () => {
    await svc.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const ask = (prefix: string, suffix: string) => svc.complete({ prefix, suffix, filename: 'a.py', extra: [{ filename: 'b.py', text: 'import os\n' }] }, new AbortController().signal);

  await t.test('exact: the report names the mode and why; in-line completions stay on the line', async () => {
    svc.configure(fim({ backend: 'inProcess', modelPath: path, threads: 1, maxLength: 24, debias: 'exact' }));
    const r = await ask('def hello_wor', '):\n    pass\n');
    assert.equal(r.report.mode, 'exact');
    assert.equal(r.report.format, 'qwen2.5-coder');
    assert.match(r.report.reason, /cover|boundary|no probability/);
    assert.ok(r.report.modelCalls >= 1);
    assert.ok(!r.text.includes('\n'), 'one line: text follows the cursor');
    assert.ok(Buffer.byteLength(r.text) <= 24);
    assert.equal(svc.last, r.report);
  });

  await t.test('heal and off run through the same path', async () => {
    for (const debias of ['heal', 'off'] as const) {
      svc.configure(fim({ backend: 'inProcess', modelPath: path, threads: 1, maxLength: 16, debias }));
      const r = await ask('x = compu', '\n');
      assert.equal(r.report.mode, debias);
      assert.equal(r.report.cached, false);
    }
  });

  await t.test('the soft deadline returns what was generated so far', async () => {
    svc.configure(fim({ backend: 'inProcess', modelPath: path, threads: 1, maxLength: 4096, debias: 'exact', timeoutMs: 400 }));
    const r = await ask('print(', '\n');
    console.log(`# deadline: finish ${r.report.finish}, ${r.report.ms.toFixed(0)} ms, ${Buffer.byteLength(r.text)} bytes, ${r.report.modelCalls} calls`);
    // Either the model ended on its own before the cap, or the cap ended it with the text so far; never past the cap.
    assert.ok(r.report.ms < 400, `within the cap (${r.report.ms.toFixed(0)} ms)`);
    if (r.report.finish === 'time') assert.match(r.report.reason, /time cap reached after \d+ bytes?/);
    else assert.ok(['eos', 'none'].includes(r.report.finish), r.report.finish);
  });
});

test('fitBudget: the prompt and the generation fit the model context; other files give way first, then the suffix', () => {
  const s = { prefixTokens: 1024, suffixTokens: 256, contextTokens: 512, maxLength: 256 };
  assert.deepEqual(fitBudget(s, undefined), { prefixTokens: 1024, suffixTokens: 256, extraTokens: 512 });
  assert.deepEqual(fitBudget(s, 32768), { prefixTokens: 1024, suffixTokens: 256, extraTokens: 512 });
  for (const ctx of [512, 1024, 1500, 2048, 4096]) {
    const b = fitBudget(s, ctx);
    const gen = Math.min(256, Math.floor(ctx / 4));
    assert.ok(b.prefixTokens + b.suffixTokens + b.extraTokens + gen + 16 <= ctx, `ctx ${ctx}: ${JSON.stringify(b)}`);
    assert.ok(b.prefixTokens > 0 && b.prefixTokens >= b.suffixTokens, `ctx ${ctx}: the prefix keeps the larger share`);
  }
  assert.deepEqual(fitBudget(s, 512), { prefixTokens: 276, suffixTokens: 92, extraTokens: 0 }); // 512 − 128 generation − 16 format = 368, 3:1
  assert.equal(fitBudget(s, 2048).extraTokens, 2048 - 256 - 16 - 1024 - 256);
});

test('service: when a top-k list holds no cover of the text, exact falls back to token healing and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-fimtopk-'));
  const path = join(dir, 'tiny.gguf');
  tinyLlamaGguf({ path });
  try {
    const tok = getTokenizer('gguf:' + path);
    const eos = tok.specialTokens.get('<|endoftext|>')!;
    let calls = 0;
    // A server's top-2 list that never holds a token of the text: only the end token and one other.
    const other = tok.encodeIds('Z', { allowSpecial: false })[0];
    const backend: FimBackend = {
      label: 'top-2 test server',
      canScoreTokens: true,
      info: async () => ({ model: 'qwen2.5-coder-test', fimFormat: 'qwen2.5-coder', contextLength: 512 }),
      model: () => ({ eosId: eos, next: async () => (calls++, { ids: Uint32Array.of(eos, other), logProbs: Float64Array.of(Math.log(0.6), Math.log(0.4)), complete: false }) }),
      infill: async () => '',
    };
    const svc = new FimService({ getTokenizer, backend });
    svc.configure(fim({ tokenizer: 'gguf:' + path, maxLength: 8 }));
    const r = await svc.complete({ prefix: 'x = compu', suffix: '\n' }, new AbortController().signal);
    assert.equal(r.report.mode, 'heal');
    assert.match(r.report.reason, /^no cover of the text is in the model's next-token lists, so exact could not run: token healing/);
    assert.equal(r.report.modelCalls, calls);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('service: an OpenAI-compatible server without the vocabulary here gets its FIM prompt as text in the resolved format', async () => {
  const mock = await startOpenAiMock();
  try {
    const svc = new FimService({ getTokenizer });
    svc.configure(fim({ backend: 'openai', endpoint: mock.url, maxLength: 400 }));
    const r = await svc.complete({ prefix: 'def f', suffix: '\n' }, new AbortController().signal);
    assert.equal(r.report.format, 'qwen2.5-coder', 'from the served model\'s name');
    assert.match(r.report.reason, /vocabulary is not on this machine/);
    // The mock echoes the text prompt it was sent: Qwen2.5-Coder's PSM layout.
    assert.equal(r.text, 'echo:<|fim_prefix|>def f<|fim_suffix|>\n<|fim_middle|>');
  } finally {
    await mock.close();
  }
});

test('service: retry() after a failure and a success keeps the resolved backend (no second load)', async () => {
  const port = await closedPort();
  const llama = await startLlamaCppMock();
  try {
    const svc = new FimService({ getTokenizer, candidates: [{ kind: 'llama.cpp', port }] });
    svc.configure(fim({}));
    await assert.rejects(svc.complete({ prefix: 'a', suffix: '' }, new AbortController().signal), FimUnavailable);
    svc.configure(fim({ backend: 'llama.cpp', endpoint: llama.url }));
    await svc.complete({ prefix: 'a', suffix: '\n' }, new AbortController().signal);
    const props = () => llama.requests.filter((q) => q.path === '/props').length;
    const before = props();
    svc.retry();
    await svc.complete({ prefix: 'b', suffix: '\n' }, new AbortController().signal);
    assert.equal(props(), before, 'not resolved again');
  } finally {
    await llama.close();
  }
});
