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
      'ollama at http://127.0.0.1:11434: no token-id prompts: plain FIM only, not de-biased; ' +
      'openai at http://127.0.0.1:8000: answered, but protocol error',
  );
});

test('with the active configuration: what completions use, or why they cannot run, first', () => {
  const probed = ['http://127.0.0.1:8012 (llama.cpp)'];
  assert.equal(
    modelCheckMessage({ servers: [], probed, active: { backend: 'in-process model q.gguf', model: 'Qwen2.5 Coder', format: 'qwen2.5-coder', tokenPath: true } }),
    'completions use in-process model q.gguf (Qwen2.5 Coder, qwen2.5-coder format): token-id prompts, de-biasing as set in tokscope.fim.debias. Found: no local model server answered (probed http://127.0.0.1:8012 (llama.cpp))',
  );
  assert.match(modelCheckMessage({ servers: [], probed, active: { reason: 'no model server answers' } }), /^completions cannot run: no model server answers\. Found: /);
  assert.match(
    modelCheckMessage({ servers: [], probed, active: { backend: 'llama.cpp server at http://10.0.0.2:8080', tokenPath: false, reason: "the model's vocabulary is not on this machine", warning: 'not encrypted' } }),
    /^completions use llama\.cpp server at http:\/\/10\.0\.0\.2:8080: the model's vocabulary is not on this machine — warning: not encrypted\. Found:/,
  );
});
