/** Server settings: defaults for anything missing or malformed, and no paths from an untrusted workspace. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedTokenizerName, DEFAULT_SETTINGS, sanitizeSettings } from '../../server/src/settings';

test('missing or malformed settings fall back to the defaults', () => {
  assert.deepEqual(sanitizeSettings(undefined, false), { ...DEFAULT_SETTINGS, tokenizers: [...DEFAULT_SETTINGS.tokenizers], inlayHints: { enabled: false } });
  const s = sanitizeSettings({ tokenizers: [3, '', 'llama3', 'llama3'], activeTokenizer: 7, contextWindow: -1, maxFileSize: 'big', inlayHints: { enabled: 'yes' } }, true);
  assert.deepEqual(s.tokenizers, ['llama3']);
  assert.equal(s.activeTokenizer, 'o200k_base');
  assert.equal(s.contextWindow, 128000);
  assert.equal(s.maxFileSize, 5 * 1024 * 1024);
  assert.equal(s.inlayHints.enabled, false);
  assert.deepEqual(sanitizeSettings({ tokenizers: [] }, true).tokenizers, DEFAULT_SETTINGS.tokenizers);
  assert.equal(sanitizeSettings({ contextWindow: 200000.7, inlayHints: { enabled: true } }, false).contextWindow, 200000);
});

test('an untrusted workspace gets no kl3mDir and no hf:/gguf: tokenizers', () => {
  const raw = { kl3mDir: '/tmp/kl3m', tokenizers: ['hf:/x/tokenizer.json', 'gguf:/m.gguf', 'cl100k_base'], activeTokenizer: 'hf:/x/tokenizer.json' };
  const untrusted = sanitizeSettings(raw, false);
  assert.equal(untrusted.kl3mDir, undefined);
  assert.deepEqual(untrusted.tokenizers, ['cl100k_base']);
  assert.equal(untrusted.activeTokenizer, 'o200k_base');
  const trusted = sanitizeSettings(raw, true);
  assert.equal(trusted.kl3mDir, '/tmp/kl3m');
  assert.deepEqual(trusted.tokenizers, raw.tokenizers);
  assert.equal(trusted.activeTokenizer, 'hf:/x/tokenizer.json');
});

test('dynamic:PATH names a file, like hf: and gguf:: refused in an untrusted workspace', () => {
  assert.equal(allowedTokenizerName('dynamic:/tmp/merges.json', false), false);
  assert.equal(allowedTokenizerName('dynamic:/tmp/merges.json', true), true);
});
