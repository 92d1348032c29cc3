/** Long work shows LSP work-done progress: the first count of a large document, begun, reported, ended. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentStatsResult } from '../../server/src/protocol';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { startServer } from './lspClient';

test('counting a large document reports work-done progress (begin, increasing percentages, end); a small one does not', async () => {
  const server = await startServer({ tokenizers: ['o200k_base'], maxFileSize: 64 << 20 }, false, undefined, { window: { workDoneProgress: true } });
  const c = server.connection;
  const created: unknown[] = [];
  const events: Array<{ kind: string; percentage?: number; title?: string }> = [];
  c.onRequest('window/workDoneProgress/create', (p: { token: unknown }) => {
    created.push(p.token);
    return null;
  });
  c.onNotification('$/progress', (p: { value: { kind: string; percentage?: number; title?: string } }) => void events.push(p.value));
  try {
    const small = await server.open('small.txt', 'just a few words\n');
    await c.sendRequest('tokscope/documentStats', { textDocument: { uri: small } });
    assert.equal(created.length, 0, 'no progress for a small document');
    const line = 'The Secretary shall prescribe regulations under section 101 of this title.\n';
    const text = line.repeat(Math.ceil((3 << 20) / line.length));
    const uri = await server.open('big.txt', text);
    const stats = await c.sendRequest<DocumentStatsResult>('tokscope/documentStats', { textDocument: { uri } });
    assert.equal(stats.document[0].count, getTokenizer('o200k_base').count(text));
    assert.equal(created.length, 1);
    assert.equal(events[0].kind, 'begin');
    assert.match(events[0].title ?? '', /tokscope/);
    assert.equal(events[events.length - 1].kind, 'end');
    const percents = events.filter((e) => e.kind === 'report').map((e) => e.percentage!);
    assert.ok(percents.length >= 2, `reports: ${percents}`);
    for (let i = 1; i < percents.length; i++) assert.ok(percents[i] > percents[i - 1]);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
