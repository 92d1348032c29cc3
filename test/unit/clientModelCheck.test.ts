/** The message of "tokscope: Check Model Connection". */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelCheckMessage } from '../../client/src/modelCheckText';

test('no server: says which ports were probed; servers: kind, URL, model, format and what de-biasing can run', () => {
  assert.equal(modelCheckMessage({ servers: [], probed: ['http://127.0.0.1:8012 (llama.cpp)', 'http://127.0.0.1:11434 (ollama)'] }), 'no local model server answered (probed http://127.0.0.1:8012 (llama.cpp), http://127.0.0.1:11434 (ollama))');
  const text = modelCheckMessage({
    probed: [],
    servers: [
      { kind: 'llama.cpp', baseUrl: 'http://127.0.0.1:8012', model: 'qwen.gguf', fimFormat: 'qwen2.5-coder', contextLength: 4096, exact: true },
      { kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', exact: false },
      { kind: 'openai', baseUrl: 'http://127.0.0.1:8000', exact: true, error: 'protocol error' },
    ],
  });
  assert.equal(
    text,
    'llama.cpp at http://127.0.0.1:8012 (qwen.gguf, FIM format qwen2.5-coder, context 4096): exact de-biasing possible; ' +
      'ollama at http://127.0.0.1:11434: no token-id prompts: token healing or plain FIM only; ' +
      'openai at http://127.0.0.1:8000: answered, but protocol error',
  );
});
