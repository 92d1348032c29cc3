/**
 * Batch merges: the exact re-tokenised counts equal the learner's own count, `MergeTable.apply` with m merges, and a
 * fresh encode with the extended tokenizer (DynamicTokenizer) at every checkpoint and boundary mode; the segments of
 * each mode respect their rule; the export loads and reproduces the reported counts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MergeTable } from '../../server/src/domain/merges';
import { loadDomainTokenizer } from '../../server/src/domain/load';
import { applyCounting } from '../../server/src/dynamic/apply';
import { bagOf, fitBag, fitTexts, splitForHeldOut } from '../../server/src/dynamic/batch';
import { DynamicTokenizer, loadDynamicTokenizer } from '../../server/src/dynamic/dynamicTokenizer';
import { mergesFile, addedTokens } from '../../server/src/dynamic/export';
import { type BoundaryMode, segmentText } from '../../server/src/dynamic/segments';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { SKIP_NO_SHARED, sharedData } from './support';

const LEGAL = `Pursuant to section 101(a)(1) of title 5, United States Code, the Secretary shall,
pursuant to section 102(b) of such title, prescribe regulations. The Secretary of the Treasury
shall report to the Committee on Finance of the Senate pursuant to section 103 of such title.
  Sec. 2. Amendments to title 26, United States Code.—Section 5001(a)(1) of the Internal Revenue Code
of 1986 is amended by striking "$13.50" and inserting "$2,700,000" pursuant to section 104.
`;

function sourceSample(): string {
  return readFileSync(join(projectRoot(), 'server', 'src', 'domain', 'train.ts'), 'utf8') + readFileSync(join(projectRoot(), 'server', 'src', 'domain', 'merges.ts'), 'utf8');
}

const MODES: BoundaryMode[] = ['pretoken', 'word', 'superword'];

for (const name of ['o200k_base', 'llama3']) {
  for (const mode of MODES) {
    test(`${name} ${mode}: counts after m merges equal the learner's, MergeTable.apply's and a fresh encode's`, () => {
      const tok = getTokenizer(name);
      const texts = [LEGAL.repeat(3), sourceSample()];
      const { report, fit } = fitTexts(tok, texts, { boundary: mode, maxMerges: 200, checkpoints: [1, 10, 100, 200] });
      assert.ok(report.learned > 10, `learned ${report.learned}`);
      assert.equal(report.tokensBefore, texts.reduce((n, t) => n + tok.count(t), 0));
      assert.equal(report.trainerTokensAfter, report.final.tokens);
      for (const m of [0, 1, 7, 10, 100, report.learned].filter((k) => k <= report.learned)) {
        const table = new MergeTable(tok.vocabSize, fit.merges.slice(0, m));
        const dyn = new DynamicTokenizer('t', tok, table, mode);
        const fresh = texts.reduce((n, t) => n + dyn.encodeIds(t).length, 0);
        assert.equal(fit.tokensAt[m], fresh, `m=${m}`);
        // encode (with offsets) agrees with encodeIds, and the offsets tile the text
        const enc = dyn.encode(texts[0]);
        assert.deepEqual(Array.from(enc.ids), Array.from(dyn.encodeIds(texts[0])));
        assert.equal(dyn.decode(enc.ids), texts[0]);
      }
      for (const s of report.steps) assert.equal(s.tokens, fit.tokensAt[Math.min(s.merges, report.learned)]);
      // The learner stopped after m merges counts what re-tokenising with the first m merges gives.
      const bag = bagOf(tok, mode, texts);
      for (const m of [1, 10].filter((k) => k <= report.learned)) {
        const partial = fitBag(tok, bag, m);
        assert.equal(partial.trainerTokensAfter, fit.tokensAt[m], `trainer at m=${m}`);
        assert.deepEqual(partial.merges, fit.merges.slice(0, m));
      }
      // every learned token obeys the mode
      const dec = new TextDecoder();
      for (const mi of report.top) {
        // A pre-token may end with line breaks (o200k's ";\n"), but no mode joins across a line start.
        assert.ok(!(mode === 'pretoken' ? /[\r\n][^\r\n/]/ : /[\r\n]/).test(mi.text), `${mode}: ${JSON.stringify(mi.text)} crosses a line`);
        if (mode === 'word') assert.match(mi.text, /^[ \t]*[^\s]+$/u, JSON.stringify(mi.text));
        assert.equal(mi.text, dec.decode(dyn2(tok, fit.merges, mode).bytesOf(mi.id)));
      }
    });
  }
}

function dyn2(tok: ReturnType<typeof getTokenizer>, merges: Array<[number, number]>, mode: BoundaryMode): DynamicTokenizer {
  return new DynamicTokenizer('t', tok, new MergeTable(tok.vocabSize, merges), mode);
}

test('applyCounting gives MergeTable.apply\'s sequence and the per-merge joins', () => {
  const base = 10;
  // (1,1)→10, (10,1)→11, (2,3)→12
  const table = new MergeTable(base, [[1, 1], [10, 1], [2, 3]]);
  const ids = Uint32Array.from([1, 1, 1, 2, 3, 1, 1, 1, 1, 2, 3]);
  const a = ids.slice();
  const b = ids.slice();
  const joins = new Float64Array(3);
  const n1 = table.apply(a, 0, a.length);
  const n2 = applyCounting(table, b, 0, b.length, joins, 2);
  assert.equal(n2, n1);
  assert.deepEqual(Array.from(b.slice(0, n2)), Array.from(a.slice(0, n1)));
  // (1,1) joins: [1 1] 1 … and [1 1][1 1] → 3 joins; (10,1): first run only → 1; (2,3): 2. Weighted by 2.
  assert.deepEqual(Array.from(joins), [6, 2, 4]);
  assert.equal(ids.length - n1, (6 + 2 + 4) / 2);
});

test('pretoken segments are the pre-tokens; word segments hold no inner white space', () => {
  const tok = getTokenizer('o200k_base');
  const text = 'The U.S.C. says foo.bar(x) is 12345 — naïve   café\n\tend.\n';
  const pre = segmentText(tok, 'pretoken', text);
  const dec = (from: number, to: number) => tok.decode(pre.ids.slice(from, to));
  const pieces: string[] = [];
  for (let k = 0; k + 1 < pre.cuts.length; k++) pieces.push(dec(pre.cuts[k], pre.cuts[k + 1]));
  assert.equal(pieces.join(''), text);
  assert.ok(pieces.includes('123') && pieces.includes('45'), JSON.stringify(pieces));
  const word = segmentText(tok, 'word', text);
  const words: string[] = [];
  for (let k = 0; k + 1 < word.cuts.length; k++) words.push(tok.decode(word.ids.slice(word.cuts[k], word.cuts[k + 1])));
  assert.equal(words.join(''), text);
  assert.ok(words.includes(' U.S.C.'), JSON.stringify(words));
  assert.ok(words.includes(' foo.bar(x)'), JSON.stringify(words));
  for (const w of words) assert.ok(/^[ \t]*[^\s]*$/u.test(w) || tok.encodeIds(w).length === 1, JSON.stringify(w));
});

test('held-out split: 80% of files, or of one document\'s lines', () => {
  assert.deepEqual(splitForHeldOut(['a', 'b', 'c', 'd', 'e']), { train: ['a', 'b', 'c', 'd'], heldOut: ['e'] });
  assert.deepEqual(splitForHeldOut(['a', 'b']), { train: ['a'], heldOut: ['b'] });
  const doc = Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n');
  const { train, heldOut } = splitForHeldOut([doc]);
  assert.equal(train[0] + heldOut[0], doc);
  assert.equal(train[0].split('\n').length - 1, 8);
});

test('export: the merges file and the domain-format file load and reproduce the reported counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-dyn-'));
  const tok = getTokenizer('o200k_base');
  const texts = [LEGAL.repeat(4)];
  for (const mode of MODES) {
    const { report, fit } = fitTexts(tok, texts, { boundary: mode, maxMerges: 50, checkpoints: [50] });
    const file = mergesFile(tok, mode, fit.merges, { command: 'test', inputs: 1, tokensBefore: report.tokensBefore, tokensAfter: report.final.tokens });
    const path = join(dir, `${mode}.json`);
    writeFileSync(path, JSON.stringify(file));
    const loaded = loadDynamicTokenizer(path);
    assert.equal(loaded.count(texts[0]), report.final.tokens);
    assert.equal(loaded.vocabSize, tok.vocabSize + report.learned);
    const added = addedTokens(tok, fit.merges);
    assert.equal(added.length, report.learned);
    assert.equal(added[0].id, tok.vocabSize);
    assert.equal(added[3].content, loaded.decode([tok.vocabSize + 3]));
    if (mode === 'superword') {
      // superword merges are the domain tokenizer's rule: the same file loads as tokscope-domain/1
      const dpath = join(dir, 'domain.json');
      writeFileSync(dpath, JSON.stringify({ format: 'tokscope-domain/1', base: file.base, baseSize: file.baseSize, merges: file.merges }));
      assert.equal(loadDomainTokenizer(dpath).count(texts[0]), report.final.tokens);
    }
  }
});

test('legal corpus: savings grow with m, held-out below in-document', { skip: sharedData('legal') ? false : SKIP_NO_SHARED }, () => {
  const dir = sharedData('legal')!;
  const tok = getTokenizer('o200k_base');
  const text = readFileSync(join(dir, 'COMPS-1088.txt'), 'utf8').slice(0, 200_000);
  const { report } = fitTexts(tok, [text], { boundary: 'superword', maxMerges: 100, checkpoints: [10, 100] });
  const [s10, s100] = report.steps;
  assert.ok(s10.saving > 0 && s100.saving > s10.saving);
  assert.ok(s100.heldOut!.saving > 0 && s100.heldOut!.savingPct < s100.savingPct + 5);
  assert.equal(report.trainerTokensAfter, report.final.tokens);
});
