/**
 * The built server finds KL3M tokenizers in the download folder the client names in initializationOptions: in an
 * untrusted workspace too, and as soon as a download lands, without a restart.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TokenizerDescription } from '../../server/src/protocol';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { TINY_BPE } from '../unit/tinyBpe';
import { startServer } from './lspClient';

test('the download folder from initializationOptions is searched, untrusted too, and a new download is listed at once', async () => {
  // An empty fallback folder, so that ../shared/data/kl3m does not provide the presets.
  process.env.TOKSCOPE_KL3M_DIR = mkdtempSync(join(tmpdir(), 'tokscope-none-'));
  const storage = mkdtempSync(join(tmpdir(), 'tokscope-storage-'));
  const put = (preset: string) => {
    mkdirSync(join(storage, preset));
    writeFileSync(join(storage, preset, 'tokenizer.json'), TINY_BPE);
  };
  put('kl3m-001-32k');
  const settings = { kl3mDir: '/nonexistent/kl3m' };
  const server = await startServer(settings, false, [join(projectRoot(), 'dist', 'server.js'), '--stdio'], {}, { kl3mStorage: storage });
  try {
    const list = () => server.connection.sendRequest<TokenizerDescription[]>('tokscope/listTokenizers');
    const first = await list();
    const kl3m = first.find((t) => t.name === 'kl3m-001-32k')!;
    assert.equal(kl3m.available, true, kl3m.note);
    assert.equal(kl3m.source, join(storage, 'kl3m-001-32k', 'tokenizer.json'));
    assert.equal(kl3m.vocabSize, 4);
    const later = first.find((t) => t.name === 'kl3m-004-char-8k-cased')!;
    assert.equal(later.available, false);
    assert.doesNotMatch(later.note!, /nonexistent/, 'kl3mDir is ignored in an untrusted workspace');
    put('kl3m-004-char-8k-cased');
    const again = (await list()).find((t) => t.name === 'kl3m-004-char-8k-cased')!;
    assert.equal(again.available, true, again.note);
    assert.equal(again.vocabSize, 4);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
