/** The client's settings: defaults for anything missing or malformed, and no paths from an untrusted workspace. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeTokenizer, CLIENT_DEFAULTS, contextWindow, debounceMs, MAX_DEBOUNCE_MS, overlayMode, tokenizerName, tokenizers } from '../../client/src/configValues';

test('tokenizer names: trimmed non-empty strings; hf:/gguf: only when trusted', () => {
  assert.equal(tokenizerName(' llama3 ', false), 'llama3');
  for (const bad of ['', '   ', 3, null, undefined, {}, 'x'.repeat(4097)]) assert.equal(tokenizerName(bad, true), undefined, String(bad));
  assert.equal(tokenizerName('hf:/m/tokenizer.json', false), undefined);
  assert.equal(tokenizerName('gguf:/m.gguf', true), 'gguf:/m.gguf');
  assert.equal(activeTokenizer('hf:/m/tokenizer.json', false), 'o200k_base');
  assert.equal(activeTokenizer(42, true), CLIENT_DEFAULTS.activeTokenizer);
  assert.equal(activeTokenizer('qwen3', false), 'qwen3');
});

test('the tokenizer list keeps valid names once, in order, else the defaults', () => {
  assert.deepEqual(tokenizers(['llama3', 3, '', 'qwen3', 'llama3', 'hf:/x.json'], false), ['llama3', 'qwen3']);
  assert.deepEqual(tokenizers(['hf:/x.json'], true), ['hf:/x.json']);
  assert.deepEqual(tokenizers(['hf:/x.json'], false), ['o200k_base', 'cl100k_base', 'llama3']);
  assert.deepEqual(tokenizers('o200k_base', true), CLIENT_DEFAULTS.tokenizers);
  const list = tokenizers(undefined, true);
  list.push('mutated');
  assert.deepEqual(CLIENT_DEFAULTS.tokenizers, ['o200k_base', 'cl100k_base', 'llama3'], 'the defaults are copied, not shared');
});

test('numbers: the context window a positive whole number, the debounce bounded', () => {
  assert.equal(contextWindow(200000.9), 200000);
  for (const bad of [0, -5, 0.5, NaN, Infinity, '128000', undefined]) assert.equal(contextWindow(bad), 128000, String(bad));
  assert.equal(debounceMs(0), 0);
  assert.equal(debounceMs(80.4), 80);
  assert.equal(debounceMs(1e9), MAX_DEBOUNCE_MS);
  for (const bad of [-1, NaN, Infinity, '100', null]) assert.equal(debounceMs(bad), 150, String(bad));
});

test('overlay mode: one of the four, else counts', () => {
  for (const m of ['off', 'counts', 'boundaries', 'heat']) assert.equal(overlayMode(m), m);
  for (const bad of ['Heat', '', 1, undefined]) assert.equal(overlayMode(bad), 'counts', String(bad));
});
