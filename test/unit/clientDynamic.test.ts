/** The dynamic-tokenization surfaces' pure parts: fix titles, switches, the workspace cap, the report view, the curve. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curveMaxPct, curvePoints, isFromWebview, isToWebview } from '../../media/dynamicMessages';
import { dynamicView, excludeGlob, fixAllTitle, fixTitle, hintSwitches, selectFiles, tokenDelta } from '../../client/src/dynamicText';
import type { DynamicReportResult } from '../../server/src/protocol';

const edit = (newText: string) => [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText }];

test('quick fix titles state what they do and the token change, with a real minus sign', () => {
  assert.equal(tokenDelta(5, 4), '−1 token');
  assert.equal(tokenDelta(4, 6), '+2 tokens');
  assert.equal(tokenDelta(3, 3), '±0 tokens');
  assert.equal(fixTitle({ code: 'number.rightToLeft', tokensBefore: 7, tokensAfter: 6, edits: edit('1_000_000') }), 'Group digits right to left: 1_000_000 (−1 token)');
  assert.equal(fixTitle({ code: 'whitespace.trailing', tokensBefore: 11, tokensAfter: 9, edits: edit('') }), 'Remove trailing white space (−2 tokens)');
  assert.equal(fixTitle({ code: 'whitespace.mixedIndent', tokensBefore: 3, tokensAfter: 2, edits: edit('\t  ') }), 'Indent consistently: →·· (−1 token)');
  assert.equal(fixTitle({ code: 'identifier.casing', tokensBefore: 6, tokensAfter: 4, edits: edit('parseJson') }), 'Use the spelling parseJson (−2 tokens)');
  assert.equal(fixTitle({ code: 'something.new', tokensBefore: 2, edits: edit('x') }), 'Apply: something.new');
  const sugg = [
    { safe: true, tokensBefore: 5, tokensAfter: 4 },
    { safe: true, tokensBefore: 3, tokensAfter: 1 },
    { safe: false, tokensBefore: 9, tokensAfter: 1 },
  ];
  assert.equal(fixAllTitle(2, sugg), 'Fix all safe tokscope suggestions (2 edits, about −3 tokens)');
  assert.equal(fixAllTitle(1, []), 'Fix all safe tokscope suggestions (1 edit)');
});

test('hint switches: booleans or on; the master switch, or every family off, turns hints off', () => {
  const from = (v: Record<string, unknown>) => hintSwitches((k) => v[k]);
  assert.deepEqual(from({}), { enabled: true, families: { number: true, identifier: true, whitespace: true, phrase: true } });
  assert.deepEqual(from({ number: false, phrase: 'no' }).families, { number: false, identifier: true, whitespace: true, phrase: true });
  assert.equal(from({ enabled: false }).enabled, false);
  assert.equal(from({ number: false, identifier: false, whitespace: false, phrase: false }).enabled, false);
});

test('the exclude glob: dependencies, dot folders, build outputs and the files.exclude patterns that are on', () => {
  assert.equal(excludeGlob(undefined), '{**/node_modules/**,**/.*/**,**/out/**,**/dist/**,**/build/**,**/target/**,**/__pycache__/**}');
  assert.equal(excludeGlob({ '**/*.log': true, '**/tmp': false, '**/{a,b}': true }), '{**/node_modules/**,**/.*/**,**/out/**,**/dist/**,**/build/**,**/target/**,**/__pycache__/**,**/*.log}');
});

test('workspace files: binary names out, at most N files, never over the byte cap', () => {
  const files = [
    { path: '/w/a.ts', size: 400 },
    { path: '/w/logo.png', size: 10 },
    { path: '/w/big.txt', size: 900 },
    { path: '/w/b.md', size: 300 },
    { path: '/w/c.py', size: 100 },
    { path: '/w/d.py', size: 100 },
  ];
  const r = selectFiles(files, 3, 1000);
  assert.deepEqual(r.chosen.map((f) => f.path), ['/w/a.ts', '/w/b.md', '/w/c.py']);
  assert.equal(r.bytes, 800);
  assert.equal(r.leftOut, 3);
});

const RESULT: DynamicReportResult = {
  scope: 'workspace',
  files: 3,
  bytes: 4096,
  tokens: 1000,
  report: {
    tokenizer: 'o200k_base',
    boundary: 'superword',
    tokensBefore: 1000,
    learned: 50,
    trainerTokensAfter: 800,
    steps: [
      { merges: 10, learned: 10, tokens: 900, saving: 100, savingPct: 10, newEntries: 10, newBytes: 60, definitionTokens: 20, netSaving: 80, heldOut: { tokensBefore: 200, tokens: 190, saving: 10, savingPct: 5 } },
      { merges: 100, learned: 50, tokens: 800, saving: 200, savingPct: 20, newEntries: 50, newBytes: 300, definitionTokens: 110, netSaving: 90 },
    ],
    final: { merges: 100, learned: 50, tokens: 800, saving: 200, savingPct: 20, newEntries: 50, newBytes: 300, definitionTokens: 110, netSaving: 90, heldOut: { tokensBefore: 200, tokens: 180, saving: 20, savingPct: 10 } },
    curve: [
      { merges: 0, tokens: 1000, heldOutTokens: 200 },
      { merges: 10, tokens: 900, heldOutTokens: 190 },
      { merges: 100, tokens: 800, heldOutTokens: 180 },
    ],
    top: [{ rank: 0, id: 200019, text: ' pursuant to', left: ' pursuant', right: ' to', frequency: 40, saving: 40, baseTokens: 2 }],
    heldOut: { tokensBefore: 200, trainTokens: 800 },
  },
  suggestionCounts: { 'whitespace.trailing': 4, 'number.rightToLeft': 9 },
  fixAllSaving: 3,
  skipped: [{ uri: 'file:///w/x.bin', reason: '/w/x.bin: looks like a binary file (NUL bytes); not analysed' }],
  workers: 0,
  export: { format: 'tokscope-dynamic/1', base: 'o200k_base', baseSize: 200019, boundary: 'superword', merges: [[1, 2]], pieces: ['ab'], added_tokens: [], provenance: { command: 'x', inputs: 3, tokensBefore: 1000, tokensAfter: 800 } },
};

test('the report view: steps with held-out %, curve, top merges, suggestions by count, notes; the webview guards accept it', () => {
  const v = dynamicView(RESULT, 'workspace (3 files)', ['cl100k_base', 'llama3'], 2);
  assert.deepEqual(v.tokenizers, ['o200k_base', 'cl100k_base', 'llama3']);
  assert.deepEqual(v.steps.map((s) => [s.merges, s.tokens, s.savingPct, s.heldOutPct]), [[10, 900, 10, 5], [100, 800, 20, null]]);
  assert.equal(v.heldOutBefore, 200);
  assert.deepEqual(v.suggestionCounts, [['number.rightToLeft', 9], ['whitespace.trailing', 4]]);
  assert.equal(v.top[0].left + v.top[0].right, v.top[0].text);
  assert.match(v.summary[1], /50 merges learned \(boundary superword\); with all of them 800 tokens: −200 \(20\.00%\), held out −10\.00%/);
  assert.ok(v.notes.some((n) => /1 file skipped \(looks like a binary file/.test(n)));
  assert.ok(v.notes.some((n) => /2 files left out/.test(n)));
  assert.equal(v.canExport, true);
  assert.equal(dynamicView({ ...RESULT, export: undefined }, 't', []).canExport, false);
  assert.ok(isToWebview({ type: 'report', view: v }));
  assert.ok(isToWebview({ type: 'busy', message: 'x' }));
  assert.ok(!isToWebview({ type: 'report', view: { ...v, boundary: 'line' } }));
  assert.ok(isFromWebview({ type: 'options', tokenizer: 'llama3', boundary: 'word' }));
  assert.ok(!isFromWebview({ type: 'options', tokenizer: '', boundary: 'word' }));
  assert.ok(!isFromWebview({ type: 'rendered' }));
});

test('the curve: log-scaled merges, saving in % from the bottom, the axis rounded up to 5%', () => {
  const curve = RESULT.report.curve;
  assert.equal(curveMaxPct(curve, 1000, 200), 20);
  assert.equal(curveMaxPct([{ merges: 0, tokens: 10 }], 10, null), 5);
  const pts = curvePoints(curve, 1000, (p) => p.tokens, { width: 100, height: 50, maxPct: 20 }).split(' ');
  assert.deepEqual(pts[0], '0,50');
  assert.deepEqual(pts[2], '100,0');
  const [x1, y1] = pts[1].split(',').map(Number);
  assert.ok(Math.abs(x1 - (100 * Math.log10(11)) / Math.log10(101)) < 0.1);
  assert.equal(y1, 25);
  assert.equal(curvePoints(curve, 1000, () => undefined, { width: 1, height: 1, maxPct: 5 }), '');
});
