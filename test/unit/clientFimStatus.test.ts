/** The FIM status bar item's text and tooltip (client/src/fimText.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fimStatus } from '../../client/src/fimText';
import type { FimCompletionReport } from '../../server/src/protocol';

const report: FimCompletionReport = {
  mode: 'exact', reason: 'cursor inside a token: de-biased over 3 covers', backend: 'llama.cpp server at http://127.0.0.1:8012', model: 'qwen', format: 'qwen2.5-coder',
  ms: 41.7, modelCalls: 5, byteSteps: 2, cached: false, finish: 'eos', notes: ['cut at the end of the line (text follows the cursor)'],
};

test('off, waiting, failed, and a report: the mode in the bar, the reason and the cost in the tooltip', () => {
  assert.deepEqual(fimStatus(undefined, false).text, '$(circle-slash) FIM');
  assert.equal(fimStatus(undefined, true).text, '$(sparkle) FIM');
  const failed = fimStatus({ items: [], error: 'no model server answers on 127.0.0.1 ports 8012 (llama.cpp)' }, true);
  assert.equal(failed.text, '$(warning) FIM');
  assert.equal(failed.warn, true);
  assert.match(failed.tooltip, /no model server answers/);
  const ok = fimStatus({ items: [], report }, true);
  assert.equal(ok.text, '$(sparkle) FIM exact');
  assert.equal(ok.warn, false);
  assert.equal(
    ok.tooltip,
    '**exact** — cursor inside a token: de-biased over 3 covers\n\nllama.cpp server at http://127.0.0.1:8012 · qwen · qwen2.5-coder format\n\n' +
      '5 model calls, 2 bytes decoded byte by byte, 42 ms, ended: the model ended it\n\npost-processing: cut at the end of the line \\(text follows the cursor\\)',
  );
  const cached = fimStatus({ items: [], report: { ...report, cached: true, ms: 0.4, notes: [], warning: 'not encrypted' } }, true);
  assert.match(cached.tooltip, /from the type-ahead cache \(0 ms\)\n\n⚠ not encrypted$/);
  // What a server says is shown as text: no link, no image, no HTML.
  const hostile = fimStatus({ items: [], error: 'bad [click](http://x.example) ![i](http://x.example/i.png) <b>x</b> *y*' }, true);
  assert.equal(hostile.tooltip, 'tokscope FIM: bad \\[click\\]\\(http://x.example\\) !\\[i\\]\\(http://x.example/i.png\\) \\<b\\>x\\</b\\> \\*y\\*');
  assert.equal(cached.warn, true);
});
