/** The status bar's text and tooltip. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CountRow, escapeCell, formatCount, formatWindow, share, statusText, tooltipMarkdown, tooltipRows } from '../../client/src/features/statusText';

test('counts with thousands separators; windows as model cards write them', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(12480), '12,480');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatWindow(128000), '128k');
  assert.equal(formatWindow(1000), '1k');
  assert.equal(formatWindow(1_000_000), '1000k');
  assert.equal(formatWindow(32768), '32K');
  assert.equal(formatWindow(1024), '1K');
  assert.equal(formatWindow(999), '999');
  assert.equal(formatWindow(1500), '1,500');
  assert.equal(formatWindow(200_001), '200,001');
});

test('the item text: document count against the window, the selection first when there is one', () => {
  assert.equal(statusText('o200k_base', 12480, undefined, 128000), '$(symbol-numeric) 12,480 / 128k o200k_base');
  assert.equal(statusText('llama3', 12480, 37, 8192), '$(symbol-numeric) sel 37 · 12,480 / 8K llama3');
  assert.equal(statusText('cl100k_base', 0, 0, 100), '$(symbol-numeric) sel 0 · 0 / 100 cl100k_base');
});

test('shares of the window, one decimal, and none for a window that is not positive', () => {
  assert.equal(share(12480, 128000), '9.8%');
  assert.equal(share(0, 128000), '0.0%');
  assert.equal(share(300000, 128000), '234.4%');
  assert.equal(share(1, 0), '-');
  assert.equal(share(1, NaN), '-');
});

const doc: CountRow[] = [
  { tokenizer: 'o200k_base', count: 12480, exact: true },
  { tokenizer: 'llama3', count: 13001, exact: true, bosNote: 'Llama 3 adds <|begin_of_text|> (1 token) in front.' },
  { tokenizer: 'kl3m-003-64k', count: 0, exact: false, error: 'not found' },
];

test('tooltip rows: one per tokenizer, estimates and errors marked, selection column only with a selection', () => {
  assert.deepEqual(tooltipRows(doc, undefined, 128000), [
    '| o200k_base | 12,480 | 9.8% |',
    '| llama3 | 13,001 | 10.2% |',
    '| kl3m-003-64k (estimate) ⚠ | 0 | 0.0% |',
  ]);
  const sel: CountRow[] = [{ tokenizer: 'llama3', count: 42, exact: true }, { tokenizer: 'o200k_base', count: 40, exact: true }];
  assert.deepEqual(tooltipRows(doc, sel, 128000), [
    '| o200k_base | 12,480 | 40 | 9.8% |',
    '| llama3 | 13,001 | 42 | 10.2% |',
    '| kl3m-003-64k (estimate) ⚠ | 0 |  | 0.0% |',
  ]);
});

test('the whole tooltip: heading, a table whose columns match its rows, the BOS note', () => {
  const md = tooltipMarkdown(doc, undefined, 128000);
  const lines = md.split('\n');
  assert.equal(lines[0], '**tokscope** — click to choose the tokenizer');
  assert.equal(lines[2], '| tokenizer | document | of 128,000 |');
  assert.equal(lines[3], '|---|---:|---:|');
  assert.equal(lines[4], '| o200k_base | 12,480 | 9.8% |');
  assert.ok(md.endsWith('\n\nLlama 3 adds <|begin_of_text|> (1 token) in front.'), md);
  const withSel = tooltipMarkdown(doc.slice(0, 1), [], 128000).split('\n');
  assert.equal(withSel[2], '| tokenizer | document | selection | of 128,000 |');
  assert.equal(withSel[3], '|---|---:|---:|---:|');
  // Every table line has as many cells as the heading.
  const cells = (l: string) => l.split(/(?<!\\)\|/).length;
  for (const l of withSel.filter((l) => l.startsWith('|'))) assert.equal(cells(l), cells(withSel[2]), l);
  assert.ok(!tooltipMarkdown(doc.slice(0, 1), undefined, 1).includes('undefined'));
});

test('tokenizer names cannot break the table or start formatting', () => {
  assert.equal(escapeCell('hf:/models/a|b/tok_en*.json'), 'hf:/models/a\\|b/tok_en\\*.json');
  assert.equal(escapeCell('o200k_base'), 'o200k_base', 'an underscore inside a word starts no emphasis');
  assert.equal(escapeCell('_x_ [a](b) `c` <d>'), '\\_x\\_ \\[a\\](b) \\`c\\` \\<d\\>');
  const row = tooltipRows([{ tokenizer: 'gguf:/x|y.gguf', count: 1, exact: true }], undefined, 10)[0];
  assert.equal(row.split(/(?<!\\)\|/).length, 5, row);
});
