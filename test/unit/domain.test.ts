/**
 * The `domain` tokenizer: o200k_base extended with merges learned on legal text. Its encoding against the base, the
 * shipped vocabulary against a fresh `tokscope train-domain`, and the goals on the held-out legal text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { heldOutText, readLegalCorpus } from '../../server/src/domain/corpus';
import { customTokenStrings, evaluationTerms } from '../../server/src/domain/customTokens';
import { DomainTokenizer } from '../../server/src/domain/domainTokenizer';
import { MergeTable } from '../../server/src/domain/merges';
import { IncrementalEncoding } from '../../server/src/tokenizers/incremental';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { proseInput } from '../bench/inputs';
import { rng, sharedData, SKIP_NO_SHARED } from './support';

const SHIPPED = join(projectRoot(), 'server', 'src', 'domain', 'vocab', 'domain.json');
const legalDir = sharedData('legal');
const termsCsv = sharedData('kl3m/domain_term_counts.csv');

const PIECES = ['the ', 'Secretary', ' shall', ' of the', ' § 1983', '(a)', ' 2018', '\n', '\n\n', '  ', 'é', '😺', 'U.S.C.', ', and', '12', '.'];

function randomText(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(random() * PIECES.length)];
  return s;
}

test('domain: ids, offsets and counts agree; decode(encode(x)) == x; never more tokens than o200k_base', () => {
  const dom = getTokenizer('domain');
  const base = getTokenizer('o200k_base');
  const random = rng(3);
  for (let k = 0; k < 300; k++) {
    const text = randomText(random, 1 + Math.floor(random() * 80));
    const enc = dom.encode(text);
    assert.deepEqual(enc.ids, dom.encodeIds(text));
    assert.equal(dom.count(text), enc.ids.length);
    assert.equal(dom.decode(enc.ids), text);
    assert.ok(enc.ids.length <= base.count(text));
    // Offsets tile the text and each token's text is its bytes.
    let at = 0;
    for (let i = 0; i < enc.ids.length; i++) {
      assert.equal(enc.offsets[2 * i], at);
      at = enc.offsets[2 * i + 1];
    }
    assert.equal(at, text.length);
    assert.ok(dom.isCanonical(enc.ids));
  }
});

test('domain: incremental counting stays exact (no merge crosses a line break, so restart points hold)', () => {
  const dom = getTokenizer('domain');
  const random = rng(5);
  let text = randomText(random, 400);
  const inc = new IncrementalEncoding(dom, text, {}, 0);
  for (let step = 0; step < 200; step++) {
    const s = Math.floor(random() * (text.length + 1));
    const e = Math.min(text.length, s + Math.floor(random() * 5));
    const insert = randomText(random, Math.floor(random() * 3));
    text = text.slice(0, s) + insert + text.slice(e);
    inc.edit(s, e, insert);
    assert.equal(inc.count, dom.count(text), `step ${step}`);
  }
});

test('domain: the merge table agrees with a plain recount on random sequences (lowest rank first, left to right)', () => {
  const random = rng(9);
  for (let k = 0; k < 200; k++) {
    const merges: Array<[number, number]> = [];
    while (merges.length < 12) {
      const m: [number, number] = [Math.floor(random() * (4 + merges.length)), Math.floor(random() * (4 + merges.length))];
      if (!merges.some((x) => x[0] === m[0] && x[1] === m[1])) merges.push(m);
    }
    const table = new MergeTable(4, merges);
    const seq = Array.from({ length: 20 }, () => Math.floor(random() * 4));
    // Naive: repeatedly find the lowest-ranked pair present and join its occurrences left to right.
    let naive = [...seq];
    for (;;) {
      let best = -1;
      for (let i = 0; i + 1 < naive.length; i++) {
        const r = table.rank(naive[i], naive[i + 1]);
        if (r >= 0 && (best < 0 || r < best)) best = r;
      }
      if (best < 0) break;
      const out: number[] = [];
      for (let i = 0; i < naive.length; i++) {
        if (i + 1 < naive.length && table.rank(naive[i], naive[i + 1]) === best) {
          out.push(4 + best);
          i++;
        } else out.push(naive[i]);
      }
      naive = out;
    }
    const ids = Uint32Array.from(seq);
    const n = table.apply(ids, 0, ids.length);
    assert.deepEqual([...ids.slice(0, n)], naive);
  }
});

test('the shipped domain vocabulary is what tokscope train-domain makes from ../shared/data/legal, byte for byte', { skip: !legalDir && SKIP_NO_SHARED }, () => {
  const shipped = readFileSync(SHIPPED, 'utf8');
  const command = (JSON.parse(shipped) as { provenance: { command: string } }).provenance.command;
  const args = command.split(' ').slice(1);
  const out = join(mkdtempSync(join(tmpdir(), 'tokscope-domain-')), 'domain.json');
  args[args.indexOf('--out') + 1] = out;
  // The recorded command uses paths relative to the project root.
  const r = spawnSync(process.execPath, [join(projectRoot(), 'dist', 'cli.js'), ...args], { cwd: projectRoot(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const fresh = readFileSync(out, 'utf8').replace(out, '');
  assert.equal(fresh.replace(/"command": "[^"]*"/, ''), shipped.replace(/"command": "[^"]*"/, ''));
});

test('goals on the held-out legal text (never trained on): ≥ 9% fewer tokens than o200k_base, ≤ 2% more on general prose', { skip: !legalDir && SKIP_NO_SHARED }, () => {
  const dom = getTokenizer('domain');
  const base = getTokenizer('o200k_base');
  const held = heldOutText(readLegalCorpus(legalDir!)).join('\n');
  const legalSaving = 1 - dom.count(held) / base.count(held);
  const prose = proseInput().text.slice(0, 1 << 20);
  const proseLoss = dom.count(prose) / base.count(prose) - 1;
  process.stdout.write(`# held-out legal: ${(100 * legalSaving).toFixed(2)}% fewer tokens than o200k_base; general prose: ${(-100 * proseLoss).toFixed(2)}% fewer\n`);
  assert.ok(legalSaving >= 0.09, `legal saving ${legalSaving}`);
  assert.ok(proseLoss <= 0.02, `prose loss ${proseLoss}`);
});

test('no custom token and no token of the vocabulary is one of the paper evaluation terms', { skip: !(legalDir && termsCsv) && SKIP_NO_SHARED }, () => {
  const terms = evaluationTerms(termsCsv!);
  assert.equal(terms.length, 20);
  const lowered = new Set(terms.map((t) => t.toLowerCase()));
  for (const s of customTokenStrings(join(legalDir!, 'reporters-db'), terms)) assert.ok(!lowered.has(s.trim().toLowerCase()), s);
  const dom = getTokenizer('domain') as DomainTokenizer;
  for (let id = dom.base.vocabSize; id < dom.vocabSize; id++) {
    const text = new TextDecoder().decode(dom.bytesOf(id)).trim().toLowerCase();
    assert.ok(!lowered.has(text), `token ${id} is the evaluation term ${text}`);
  }
  assert.throws(() => customTokenStrings(undefined, ['2018']), /is an evaluation term/);
});

test('tokscope count -t domain streams stdin exactly (restart points of the base hold)', { skip: !legalDir && SKIP_NO_SHARED }, () => {
  const text = readLegalCorpus(legalDir!).map((f) => f.train + f.heldOut).join('\n').slice(0, 3 << 20);
  const r = spawnSync(process.execPath, [join(projectRoot(), 'dist', 'cli.js'), 'count', '-t', 'domain', '--json', '-'], { input: text, encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { domain: number }).domain, getTokenizer('domain').count(text));
});
