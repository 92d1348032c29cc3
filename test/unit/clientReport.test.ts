/** The domain savings report's exports (Markdown, CSV) and the rows the webview renders. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFromWebview, isToWebview } from '../../media/compareMessages';
import { costColumns, csvField, isExportFormat, markdownCode, reportCsv, reportMarkdown, reportView } from '../../client/src/reportFormat';
import type { DomainReportResult } from '../../server/src/protocol';

const REPORT: DomainReportResult = {
  version: 3,
  length: 5000,
  counts: [
    { tokenizer: 'o200k_base', count: 1200, exact: true },
    { tokenizer: 'domain', count: 1000, exact: true },
    { tokenizer: 'kl3m-003-64k', count: 0, exact: false, error: 'vocabulary not found' },
  ],
  items: [
    { text: '42 U.S.C. § 1983', kind: 'citation', occurrences: 3, leadingSpace: true, costs: { o200k_base: 10, domain: 4 }, cheapest: 'domain', saving: 18 },
    { text: 'Smith, "Jr." | Co', kind: 'term', defined: true, occurrences: 2, leadingSpace: false, costs: { o200k_base: 7, domain: 7 }, cheapest: 'domain', saving: 0 },
    { text: 'a`b', kind: 'term', occurrences: 1, leadingSpace: false, costs: { o200k_base: 3 }, saving: 0 },
  ],
  distinctItems: 40,
  scanned: 4000,
  truncated: true,
};

test('cost columns: the tokenizers counted without error, o200k_base always', () => {
  assert.deepEqual(costColumns(REPORT), ['o200k_base', 'domain']);
  assert.deepEqual(costColumns({ ...REPORT, counts: [{ tokenizer: 'domain', count: 1, exact: true }] }), ['o200k_base', 'domain']);
});

test('CSV: RFC 4180 quoting, one cost column per tokenizer, CRLF line ends', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(3), '3');
  const csv = reportCsv(REPORT);
  assert.ok(csv.endsWith('\r\n'));
  const lines = csv.split('\r\n').slice(0, -1);
  assert.deepEqual(lines, [
    'item,kind,defined,occurrences,leading_space,o200k_base,domain,cheapest,saving',
    '42 U.S.C. § 1983,citation,false,3,true,10,4,domain,18',
    '"Smith, ""Jr."" | Co",term,true,2,false,7,7,domain,0',
    'a`b,term,false,1,false,3,,,0',
  ]);
});

test('Markdown: a counts table, an items table with one row per item, and the notes', () => {
  const md = reportMarkdown(REPORT, 'docs/msa.txt');
  const lines = md.split('\n');
  assert.equal(lines[0], '# Domain savings report: docs/msa.txt');
  assert.ok(lines.includes('| kl3m-003-64k | — (vocabulary not found) |'));
  const header = lines.indexOf('| item | kind | occurrences | o200k_base | domain | saving |');
  assert.ok(header > 0, md);
  assert.equal(lines[header + 1], '| --- | --- | ---: | ---: | ---: | ---: |');
  assert.equal(lines[header + 2], '| ␠`42 U.S.C. § 1983` | citation | 3 | 10 | 4 | 18 (domain) |');
  // The cell separator is escaped even inside code; backticks get a longer fence.
  assert.equal(lines[header + 3], '| `Smith, "Jr." \\| Co` | term (defined) | 2 | 7 | 7 | 0 (domain) |');
  assert.equal(lines[header + 4], '| ``a`b`` | term | 1 | 3 | — | 0 |');
  assert.match(md, /The 3 costliest of 40 distinct items/);
  assert.match(md, /Only the first 4,000 of 5,000 characters were scanned/);
  assert.equal(markdownCode('`x`'), '`` `x` ``');
  assert.match(reportMarkdown({ ...REPORT, items: [], distinctItems: 0, truncated: false }, 't'), /No citations or financial or legal terms found\./);
});

test('the webview rows: costs aligned with the columns, and the messages pass their guards', () => {
  const view = reportView(REPORT, 'msa.txt');
  assert.deepEqual(view.tokenizers, ['o200k_base', 'domain']);
  assert.deepEqual(view.items.map((i) => i.costs), [[10, 4], [7, 7], [3, null]]);
  assert.equal(view.items[1].kind, 'term (defined)');
  assert.ok(isToWebview(view));
  assert.ok(!isToWebview({ ...view, items: undefined }));
  assert.ok(isToWebview({ type: 'data', title: 't', characters: 1, piecesOmitted: false, rows: [] }));
  assert.ok(isFromWebview({ type: 'export', format: 'csv' }));
  assert.ok(isFromWebview({ type: 'reportRendered', items: 2 }));
  assert.ok(!isFromWebview({ type: 'export', format: 'html' }));
  assert.ok(!isFromWebview({ type: 'reportRendered' }));
  assert.ok(isExportFormat('markdown') && !isExportFormat('md'));
});
