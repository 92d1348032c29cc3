/**
 * Where the registry finds KL3M tokenizers: tokscope.kl3mDir, then the extension's download folder, then
 * TOKSCOPE_KL3M_DIR (or ../shared/data/kl3m); per preset the first folder that has it; a "not found" is never cached.
 * And the server's reading of the client's initializationOptions.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { initOptions, registryOptions, sanitizeSettings } from '../../server/src/settings';
import { findKl3m, KL3M_PRESETS } from '../../server/src/tokenizers/kl3mPresets';
import { getTokenizer, kl3mFolders, listTokenizers } from '../../server/src/tokenizers/registry';
import { TINY_BPE } from './tinyBpe';

const folder = (label: string) => mkdtempSync(join(tmpdir(), `tokscope-${label}-`));
function put(dir: string, preset: string): string {
  mkdirSync(join(dir, preset), { recursive: true });
  writeFileSync(join(dir, preset, 'tokenizer.json'), TINY_BPE);
  return join(dir, preset, 'tokenizer.json');
}

// Stands in for ../shared/data/kl3m, which holds every preset on the team machines.
const envDir = folder('env');
process.env.TOKSCOPE_KL3M_DIR = envDir;

test('per preset, the first folder that has it wins: kl3mDir, then the download folder, then TOKSCOPE_KL3M_DIR', () => {
  const dir = folder('dir');
  const storage = folder('storage');
  put(dir, 'kl3m-001-32k');
  put(storage, 'kl3m-001-32k');
  put(storage, 'kl3m-003-64k');
  put(envDir, 'kl3m-004-char-4k-cased');
  const options = { kl3mDir: dir, kl3mStorage: storage };
  assert.deepEqual(kl3mFolders(options), [dir, storage, envDir]);
  const byName = new Map(listTokenizers(options).map((t) => [t.name, t]));
  assert.equal(byName.get('kl3m-001-32k')!.source, join(dir, 'kl3m-001-32k', 'tokenizer.json'));
  assert.equal(byName.get('kl3m-003-64k')!.source, join(storage, 'kl3m-003-64k', 'tokenizer.json'), 'a download is found though kl3mDir has others');
  assert.equal(byName.get('kl3m-004-char-4k-cased')!.source, join(envDir, 'kl3m-004-char-4k-cased', 'tokenizer.json'));
  const missing = byName.get('kl3m-004-char-16k-cased')!;
  assert.equal(missing.available, false);
  for (const d of [dir, storage, envDir]) assert.ok(missing.note!.includes(join(d, 'kl3m-004-char-16k-cased', 'tokenizer.json')), missing.note);
  assert.match(missing.note!, /from huggingface\.co\/alea-institute\/kl3m-004-char-16k-cased/);
  assert.equal(getTokenizer('kl3m-003-64k', options).count('abab'), 2);
  // Without the setting (an untrusted workspace) the download folder still counts.
  assert.deepEqual(kl3mFolders({ kl3mStorage: storage }), [storage, envDir]);
  assert.equal(findKl3m('kl3m-001-32k', kl3mFolders({ kl3mStorage: storage })), join(storage, 'kl3m-001-32k', 'tokenizer.json'));
});

test('a tokenizer downloaded after a failed lookup is found at once (no "not found" is cached)', () => {
  const storage = folder('later');
  const options = { kl3mStorage: storage };
  const preset = 'kl3m-005-multi-word-example-32k';
  assert.throws(() => getTokenizer(preset, options), /vocabulary not found/);
  assert.equal(listTokenizers(options).find((t) => t.name === preset)!.available, false);
  put(storage, preset);
  assert.equal(listTokenizers(options).find((t) => t.name === preset)!.available, true);
  assert.equal(getTokenizer(preset, options).vocabSize, 4);
});

test('every preset has a name the downloader accepts', () => {
  for (const p of KL3M_PRESETS) assert.match(p, /^[\w.-]+$/);
});

test('initializationOptions: the download folder is kept whatever the trust; only an absolute path', () => {
  assert.deepEqual(initOptions({ trusted: false, kl3mStorage: '/data/kl3m' }), { trusted: false, kl3mStorage: '/data/kl3m' });
  assert.deepEqual(initOptions({ trusted: true, kl3mStorage: 'relative/kl3m' }), { trusted: true, kl3mStorage: undefined });
  assert.deepEqual(initOptions({ trusted: 'yes', kl3mStorage: 7 }), { trusted: false, kl3mStorage: undefined });
  assert.deepEqual(initOptions(undefined), { trusted: false, kl3mStorage: undefined });
});

test('registry options: kl3mDir only from a trusted workspace, the download folder always', () => {
  const raw = { kl3mDir: '/mine/kl3m' };
  assert.deepEqual(registryOptions(sanitizeSettings(raw, false), '/storage/kl3m'), { kl3mStorage: '/storage/kl3m' });
  assert.deepEqual(registryOptions(sanitizeSettings(raw, true), '/storage/kl3m'), { kl3mDir: '/mine/kl3m', kl3mStorage: '/storage/kl3m' });
  assert.deepEqual(registryOptions(sanitizeSettings(raw, true)), { kl3mDir: '/mine/kl3m' });
});
