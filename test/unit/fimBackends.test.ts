/**
 * The model-server backends (server/src/fim/backends) against mock servers speaking each protocol's JSON: info,
 * next-token distributions equal to the mock model's, infill text; every fault maps to one BackendError kind; nothing
 * hangs (small time caps), cancellation ends a stalled request within 50 ms, no unhandled rejection; detection.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { detectServers } from '../../server/src/fim/backends/detect';
import { insecureEndpointWarning, isLoopback, requestJson } from '../../server/src/fim/backends/http';
import { LlamaCppBackend } from '../../server/src/fim/backends/llamaCpp';
import { OllamaBackend } from '../../server/src/fim/backends/ollama';
import { OpenAiCompatBackend } from '../../server/src/fim/backends/openaiCompat';
import { BackendError, type FimBackend } from '../../server/src/fim/types';
import { closedPort, MOCK_CTX, MOCK_EOS, MOCK_MODEL, MOCK_SPECIAL, mockInfill, mockTopK, startMock, type Fault, type MockServer } from '../fixtures/fim/servers/mockBase';
import { startLlamaCppMock, startOllamaMock, startOpenAiMock } from '../fixtures/fim/servers/mocks';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
process.on('unhandledRejection', onUnhandled);

const CAP = 300; // the time cap for the stall fault: it must end in about this long
/** The cap everywhere else: generous, so that a loaded machine (the first fetch loads undici) cannot fail a good answer. */
const SLOW = 5000;
let llama: MockServer;
let openai: MockServer;
let ollama: MockServer;
before(async () => {
  [llama, openai, ollama] = await Promise.all([startLlamaCppMock(), startOpenAiMock(), startOllamaMock()]);
});
after(async () => {
  await Promise.all([llama.close(), openai.close(), ollama.close()]);
});

/** Awaits a rejection and returns the BackendError (fails on anything else). */
async function backendError(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BackendError, `not a BackendError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

const CONTEXTS = [[], [3], [1, 2, 7], [MOCK_EOS, 0]];

test('llama.cpp: info from /props, EOS and FIM token ids via /tokenize', async () => {
  const b = new LlamaCppBackend({ baseUrl: llama.url, timeoutMs: SLOW });
  assert.equal(b.canScoreTokens, true);
  const early = b.model(); // handed out before info(): still sees the EOS id info() learns
  assert.equal(early.eosId, undefined);
  const info = await b.info();
  assert.equal(info.model, `/models/${MOCK_MODEL}`);
  assert.equal(info.contextLength, MOCK_CTX);
  assert.equal(early.eosId, MOCK_EOS);
  assert.equal(info.fimFormat, 'qwen2.5-coder');
  assert.deepEqual(info.fimTokens, {
    prefix: MOCK_SPECIAL['<|fim_prefix|>'], suffix: MOCK_SPECIAL['<|fim_suffix|>'], middle: MOCK_SPECIAL['<|fim_middle|>'],
    repo: MOCK_SPECIAL['<|repo_name|>'], sep: MOCK_SPECIAL['<|file_sep|>'], eot: MOCK_EOS,
  });
});

test('llama.cpp: next-token distributions are the mock model\'s top-k, with the documented request', async () => {
  const b = new LlamaCppBackend({ baseUrl: llama.url + '/', timeoutMs: SLOW, topK: 5 });
  for (const ctx of CONTEXTS) {
    const d = await b.model().next(Uint32Array.from(ctx));
    const want = mockTopK(ctx, 5);
    assert.deepEqual(Array.from(d.ids), want.map((t) => t.id));
    assert.deepEqual(Array.from(d.logProbs), want.map((t) => t.logprob));
    assert.equal(d.complete, false);
    const sent = llama.requests.at(-1)!;
    assert.equal(sent.path, '/completion');
    assert.deepEqual(sent.body.prompt, ctx);
    assert.equal(sent.body.n_predict, 1);
    assert.equal(sent.body.n_probs, 5);
    assert.ok((sent.body.temperature as number) < 0, 'temperature < 0: raw softmax probabilities');
  }
  // The default K is 100; the mock's vocabulary is smaller, so the whole vocabulary comes back.
  const d = await new LlamaCppBackend({ baseUrl: llama.url }).model().next(Uint32Array.of(4));
  assert.equal(llama.requests.at(-1)!.body.n_probs, 100);
  assert.equal(d.ids.length, 16);
});

test('llama.cpp: infill via /infill with input_extra', async () => {
  const b = new LlamaCppBackend({ baseUrl: llama.url, timeoutMs: SLOW });
  const text = await b.infill({ prefix: 'def f(', suffix: '):\n', extra: [{ filename: 'a.py', text: 'x = 1' }], maxTokens: 16, stop: ['\n'] });
  assert.equal(text, mockInfill('def f(', '):\n'));
  const sent = llama.requests.at(-1)!;
  assert.equal(sent.path, '/infill');
  assert.deepEqual(sent.body.input_extra, [{ filename: 'a.py', text: 'x = 1' }]);
  assert.equal(sent.body.n_predict, 16);
  assert.deepEqual(sent.body.stop, ['\n']);
});

test('OpenAI-compatible: info, token-id next-token distributions, infill through a FIM prompt', async () => {
  const b = new OpenAiCompatBackend({ baseUrl: openai.url + '/v1', timeoutMs: SLOW, topK: 4, eosId: MOCK_EOS,
    fimPrompt: (p, s) => `<PRE>${p}<SUF>${s}<MID>` });
  assert.deepEqual(await b.info(), { model: 'mock/Qwen2.5-Coder-0.5B', contextLength: MOCK_CTX, fimFormat: 'qwen2.5-coder' });
  assert.equal(b.model().eosId, MOCK_EOS);
  for (const ctx of CONTEXTS) {
    const d = await b.model().next(Uint32Array.from(ctx));
    const want = mockTopK(ctx, 4);
    assert.deepEqual(Array.from(d.ids), want.map((t) => t.id));
    assert.deepEqual(Array.from(d.logProbs), want.map((t) => t.logprob));
    const sent = openai.requests.at(-1)!.body;
    assert.deepEqual(sent.prompt, ctx);
    assert.equal(sent.max_tokens, 1);
    assert.equal(sent.logprobs, 4);
    assert.equal(sent.model, 'mock/Qwen2.5-Coder-0.5B');
  }
  assert.equal(await b.infill({ prefix: 'a', suffix: 'b', maxTokens: 8 }), 'echo:<PRE>a<SUF>b<MID>');
  const noFormat = new OpenAiCompatBackend({ baseUrl: openai.url, timeoutMs: SLOW });
  assert.equal((await backendError(noFormat.infill({ prefix: 'a', suffix: 'b', maxTokens: 8 }))).kind, 'unsupported');
});

test('Ollama: info from /api/tags + /api/show, no token scoring, infill with suffix', async () => {
  const b = new OllamaBackend({ baseUrl: ollama.url, timeoutMs: SLOW });
  assert.equal(b.canScoreTokens, false);
  assert.equal(b.model(), undefined);
  assert.deepEqual(await b.info(), {
    model: 'mock-coder:1b', contextLength: MOCK_CTX, fimFormat: 'qwen2.5-coder',
    fimTokens: { prefix: MOCK_SPECIAL['<|fim_prefix|>'], suffix: MOCK_SPECIAL['<|fim_suffix|>'], middle: MOCK_SPECIAL['<|fim_middle|>'] },
  });
  assert.equal(await b.infill({ prefix: 'let x = ', suffix: ';', maxTokens: 12, temperature: 0 }), mockInfill('let x = ', ';'));
  const sent = ollama.requests.at(-1)!.body;
  assert.equal(sent.suffix, ';');
  assert.equal(sent.raw, false);
  assert.equal(sent.stream, false);
  assert.deepEqual(sent.options, { num_predict: 12, temperature: 0 });
  // A model that is not installed: Ollama's 404 {error} text reaches the message.
  const missing = await backendError(new OllamaBackend({ baseUrl: ollama.url, model: 'nope', timeoutMs: SLOW }).info());
  assert.equal(missing.kind, 'http');
  assert.match(missing.message, /404.*model 'nope' not found/);
});

/** One representative call per backend, all on the same mock kinds. */
const CASES: Array<{ name: string; hint: RegExp; server: () => MockServer; call: (url: string, timeoutMs: number, signal?: AbortSignal) => Promise<unknown> }> = [
  { name: 'llama.cpp', hint: /is llama-server running\?/, server: () => llama, call: (url, t, s) => new LlamaCppBackend({ baseUrl: url, timeoutMs: t }).model().next(Uint32Array.of(1), s) },
  { name: 'openai', hint: /is the OpenAI-compatible server \(vLLM\) running\?/, server: () => openai, call: (url, t, s) => new OpenAiCompatBackend({ baseUrl: url, model: 'm', timeoutMs: t }).model().next(Uint32Array.of(1), s) },
  { name: 'ollama', hint: /is Ollama running\?/, server: () => ollama, call: (url, t, s) => new OllamaBackend({ baseUrl: url, model: 'm', timeoutMs: t }).infill({ prefix: 'a', suffix: 'b', maxTokens: 4 }, s) },
];

/** Runs `fn` with the server in fault mode `fault`, restoring normal service after. */
async function withFault<T>(server: MockServer, fault: Fault, fn: () => Promise<T>): Promise<T> {
  server.fault = fault;
  try {
    return await fn();
  } finally {
    server.fault = 'none';
  }
}

for (const c of CASES) {
  test(`${c.name}: every fault is one BackendError of the right kind, and nothing hangs`, async () => {
    const s = c.server();
    const e500 = await withFault(s, 'http500', () => backendError(c.call(s.url, SLOW)));
    assert.equal(e500.kind, 'http');
    assert.match(e500.message, /HTTP 500: mock failure: out of memory/);

    const t0 = performance.now();
    const stall = await withFault(s, 'stall', () => backendError(c.call(s.url, CAP)));
    const took = performance.now() - t0;
    assert.equal(stall.kind, 'timeout');
    assert.match(stall.message, /did not answer within 300 ms/);
    assert.ok(took >= CAP - 5 && took < CAP + 1000, `stall ended after ${took.toFixed(0)} ms`);

    const bad = await withFault(s, 'malformed', () => backendError(c.call(s.url, SLOW)));
    assert.equal(bad.kind, 'protocol');
    assert.match(bad.message, /malformed JSON/);

    const reset = await withFault(s, 'reset', () => backendError(c.call(s.url, SLOW)));
    assert.ok(reset.kind === 'unreachable' || reset.kind === 'protocol', reset.kind);
    assert.match(reset.message, /broke mid-response/);

    const hangup = await withFault(s, 'hangup', () => backendError(c.call(s.url, SLOW)));
    assert.equal(hangup.kind, 'unreachable');
    assert.match(hangup.message, /broke before an answer/);

    const refused = await backendError(c.call(`http://127.0.0.1:${await closedPort()}`, SLOW));
    assert.equal(refused.kind, 'unreachable');
    assert.match(refused.message, /^no model server at http:\/\/127\.0\.0\.1:\d+\/\S+ — /);
    assert.match(refused.message, c.hint);

    // After the faults the same server answers normally again.
    await c.call(s.url, SLOW);
  });

  test(`${c.name}: an abort during a stalled request takes effect within 50 ms`, async () => {
    const s = c.server();
    await withFault(s, 'stall', async () => {
      // The best of up to 3 tries: a loaded machine can deschedule the test itself; a real defect (waiting for the
      // server or the cap) takes seconds every time.
      const tries: number[] = [];
      for (let i = 0; i < 3 && !(tries.length && Math.min(...tries) < 50); i++) {
        const controller = new AbortController();
        const pending = backendError(c.call(s.url, 10_000, controller.signal));
        await new Promise((r) => setTimeout(r, 100)); // the request is now waiting on the server
        const t0 = performance.now();
        controller.abort();
        const err = await pending;
        tries.push(performance.now() - t0);
        assert.equal(err.kind, 'cancelled');
      }
      assert.ok(Math.min(...tries) < 50, `cancellation took ${tries.map((t) => t.toFixed(1)).join(', ')} ms`);
    });
    // An already-aborted signal never starts a request.
    const before = s.requests.length;
    assert.equal((await backendError(c.call(s.url, SLOW, AbortSignal.abort()))).kind, 'cancelled');
    assert.equal(s.requests.length, before);
  });
}

test('a missing or mistyped field is a protocol error naming it', async () => {
  const odd = await startMock({
    'POST /completion': () => ({ json: { content: 'x', completion_probabilities: [{ probs: [{ tok_str: 'x', prob: 1 }] }] } }),
    'GET /props': () => ({ json: ['not', 'an', 'object'] }),
    'POST /infill': () => ({ json: { content: 42 } }),
    // An OpenAI-compatible server that ignores return_tokens_as_token_ids: keys are token texts.
    'POST /v1/completions': () => ({ json: { choices: [{ text: 'x', logprobs: { top_logprobs: [{ x: -0.1, y: -2.4 }] } }] } }),
  }, (message) => ({ error: { message } }));
  try {
    const b = new LlamaCppBackend({ baseUrl: odd.url, timeoutMs: SLOW });
    const old = await backendError(b.model().next(Uint32Array.of(1)));
    assert.equal(old.kind, 'protocol');
    assert.match(old.message, /no token ids/);
    assert.equal((await backendError(b.info())).kind, 'protocol');
    const content = await backendError(b.infill({ prefix: '', suffix: '', maxTokens: 1 }));
    assert.equal(content.kind, 'protocol');
    assert.match(content.message, /content is missing or not text/);
    const texts = await backendError(new OpenAiCompatBackend({ baseUrl: odd.url, model: 'm', timeoutMs: SLOW }).model().next(Uint32Array.of(1)));
    assert.equal(texts.kind, 'protocol');
    assert.match(texts.message, /keyed by text, not ids.*return_tokens_as_token_ids/);
    // Not found on a server of another kind: 'http' with the server's message.
    const nf = await backendError(requestJson(`${odd.url}/v1/models`, { timeoutMs: SLOW }));
    assert.equal(nf.kind, 'http');
    assert.match(nf.message, /HTTP 404: no route GET \/v1\/models/);
  } finally {
    await odd.close();
  }
});

test('detection finds each mock on the port it is told, as its own kind, and nothing on a closed port', async () => {
  const closed = await closedPort();
  const found = await detectServers({
    timeoutMs: SLOW,
    candidates: [
      { kind: 'llama.cpp', port: llama.port },
      { kind: 'llama.cpp', port: closed },
      { kind: 'openai', port: llama.port }, // the mock llama.cpp has no /v1/models: not mistaken for vLLM
      { kind: 'ollama', port: ollama.port },
      { kind: 'openai', port: openai.port },
    ],
  });
  assert.deepEqual(found.map((d) => [d.kind, d.baseUrl]), [
    ['llama.cpp', llama.url], ['ollama', ollama.url], ['openai', openai.url],
  ]);
  const backends: FimBackend[] = found.map((d) => d.backend);
  assert.deepEqual(backends.map((b) => b.canScoreTokens), [true, false, true]);
  assert.equal((await backends[0].info()).contextLength, MOCK_CTX);
  // A stalled server does not hold detection up beyond its probe time cap.
  await withFault(llama, 'stall', async () => {
    const t0 = performance.now();
    assert.deepEqual(await detectServers({ timeoutMs: 100, candidates: [{ kind: 'llama.cpp', port: llama.port }] }), []);
    assert.ok(performance.now() - t0 < 1000);
  });
});

test('isLoopback and the plain-http warning', () => {
  for (const u of ['http://127.0.0.1:8012', 'http://localhost:8080/', 'http://[::1]:8000', 'http://127.1.2.3', 'https://LOCALHOST']) {
    assert.equal(isLoopback(u), true, u);
    assert.equal(insecureEndpointWarning(u), undefined, u);
  }
  for (const u of ['http://192.168.1.5:8080', 'http://gpu-box:8000', 'http://128.0.0.1', 'not a url']) assert.equal(isLoopback(u), false, u);
  assert.match(insecureEndpointWarning('http://gpu-box:8000')!, /unencrypted/);
  assert.equal(insecureEndpointWarning('https://gpu-box:8000'), undefined);
});

test('no unhandled rejection during the backend tests', async () => {
  await new Promise((r) => setTimeout(r, 50)); // let any late rejections (closed sockets) surface
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, []);
});
