/** `tokscope/domainReport` and the hover's line on a citation or term, from the built server over stdio. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DomainReportResult } from '../../server/src/protocol';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { getTokenizer, listTokenizers } from '../../server/src/tokenizers/registry';
import { positions, startServer } from './lspClient';

const EXTRA = '\n\nThis Master Services Agreement (the "Agreement") is made under 42 U.S.C. § 1983 and 28 C.F.R. § 14.2(a).\n' +
  'The Agreement incorporates Fed. R. Civ. P. 12(b)(6); see 123 F.3d 456, Pub. L. 113–121 and 127 Stat. 1234.\n' +
  'Claims under 42 U.S.C. § 1983 and § 362(a)(1) survive. EBITDA and GAAP measures; the 10-K and 8-K filings.\n';
const TEXT = readFileSync(join(projectRoot(), 'samples', 'services-agreement-excerpt.txt'), 'utf8') + EXTRA;
const KL3M = listTokenizers().filter((t) => t.name.startsWith('kl3m-') && t.available).map((t) => t.name);

type Hover = { contents: { value: string } } | null;

test('the report counts the text in each tokenizer exactly and prices the costliest items, savings included', async () => {
  const server = await startServer({});
  try {
    const uri = await server.open('msa.txt', TEXT);
    const report = await server.connection.sendRequest<DomainReportResult>('tokscope/domainReport', { textDocument: { uri } });
    assert.equal(report.version, 1);
    assert.equal(report.length, TEXT.length);
    assert.deepEqual(report.counts.map((c) => c.tokenizer), ['o200k_base', 'cl100k_base', 'llama3', 'domain', ...KL3M], 'settings, then domain, then the KL3M tokenizers that load');
    for (const c of report.counts) assert.equal(c.count, getTokenizer(c.tokenizer).count(TEXT), c.tokenizer);
    assert.equal(report.truncated, false);
    assert.equal(report.scanned, TEXT.length);
    assert.ok(report.items.length > 10 && report.items.length <= 25);
    const texts = report.items.map((i) => i.text);
    for (const t of ['42 U.S.C. § 1983', '28 C.F.R. § 14.2(a)', 'Fed. R. Civ. P. 12(b)(6)', 'Pub. L. 113–121', '123 F.3d 456', '§ 362(a)(1)', '127 Stat. 1234', 'EBITDA', 'Agreement']) {
      assert.ok(texts.includes(t), `${t} in ${texts.join(' / ')}`);
    }
    const usc = report.items.find((i) => i.text === '42 U.S.C. § 1983')!;
    assert.equal(usc.kind, 'citation');
    assert.equal(usc.occurrences, 2);
    assert.equal(usc.leadingSpace, true);
    assert.equal(report.items.find((i) => i.text === 'Agreement')!.defined, true);
    let previous = Infinity;
    for (const item of report.items) {
      const form = item.leadingSpace ? ` ${item.text}` : item.text;
      for (const c of report.counts) assert.equal(item.costs[c.tokenizer], getTokenizer(c.tokenizer).count(form), `${item.text} in ${c.tokenizer}`);
      const specific = Object.keys(item.costs).filter((n) => n === 'domain' || n.startsWith('kl3m-'));
      const cheapest = Math.min(...specific.map((n) => item.costs[n]));
      assert.equal(item.costs[item.cheapest!], cheapest);
      assert.equal(item.saving, item.occurrences * (item.costs.o200k_base - cheapest), item.text);
      const weight = item.occurrences * item.costs.o200k_base;
      assert.ok(weight <= previous, 'sorted by occurrences × o200k_base cost');
      previous = weight;
    }
    assert.ok(usc.saving > 0, 'the domain tokenizer prices a U.S.C. citation below o200k_base');

    // A selection, and tokenizers named by the caller (one unknown): o200k_base still prices the items.
    const { positionAt } = positions(TEXT);
    const from = TEXT.indexOf('This Master');
    const range = { start: positionAt(from), end: positionAt(TEXT.length) };
    const part = await server.connection.sendRequest<DomainReportResult>('tokscope/domainReport', { textDocument: { uri }, range, tokenizers: ['domain', 'nope', 'domain'] });
    assert.deepEqual(part.counts.map((c) => [c.tokenizer, c.count]), [['domain', getTokenizer('domain').count(TEXT.slice(from))], ['nope', 0]]);
    assert.match(part.counts[1].error ?? '', /unknown tokenizer/);
    assert.ok(part.items.every((i) => Object.keys(i.costs).sort().join() === 'domain,o200k_base' && i.cheapest === 'domain'));
    assert.equal(part.items.find((i) => i.text === 'Agreement')?.occurrences, 3, 'only the selection is scanned');
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('hover on a citation or term prices it in the general, domain and KL3M tokenizers; plain words get no such line', async () => {
  const server = await startServer({});
  try {
    const uri = await server.open('hover.txt', TEXT);
    const { positionAt } = positions(TEXT);
    const hover = (offset: number) => server.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(offset) });
    const at = TEXT.indexOf('U.S.C. § 1983');
    const first = (await hover(at))!.contents.value;
    const cost = (name: string) => getTokenizer(name).count(' 42 U.S.C. § 1983');
    const expected = `citation \`42 U.S.C. § 1983\`: o200k_base ${cost('o200k_base')} · domain ${cost('domain')} · `;
    assert.ok(first.includes(expected), first);
    assert.ok(first.includes(`cl100k_base ${cost('cl100k_base')} · llama3 ${cost('llama3')} tokens (with the space before it, as in the text)`), first);
    // KL3M tokenizers load in the background after the first hover; a report loads them all at once.
    await server.connection.sendRequest('tokscope/domainReport', { textDocument: { uri }, tokenizers: KL3M.length ? KL3M : ['domain'] });
    const second = (await hover(at))!.contents.value;
    for (const name of KL3M) assert.ok(second.includes(` · ${name} ${cost(name)} · `), `${name}: ${second}`);
    const term = (await hover(TEXT.indexOf('EBITDA') + 1))!.contents.value;
    assert.ok(term.includes(`term \`EBITDA\`: o200k_base ${getTokenizer('o200k_base').count(' EBITDA')} · `), term);
    const plain = (await hover(TEXT.indexOf('Exclusion') + 2))!.contents.value;
    assert.doesNotMatch(plain, /^(citation|term) `/m);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('a text over 2 MiB is scanned only to a line break before the cap, and the result says so', async () => {
  const server = await startServer({});
  try {
    const line = 'The parties agree under 42 U.S.C. § 1983 that the fees are payable.\n';
    const text = line.repeat(Math.ceil((2 * 1024 * 1024) / line.length)) + 'Late: EBITDA and 127 Stat. 1234.\n';
    const uri = await server.open('big.txt', text);
    const report = await server.connection.sendRequest<DomainReportResult>('tokscope/domainReport', { textDocument: { uri }, tokenizers: ['o200k_base'] });
    assert.equal(report.truncated, true);
    assert.ok(report.scanned <= 2 * 1024 * 1024 && report.scanned > 2 * 1024 * 1024 - line.length);
    assert.equal(text[report.scanned - 1], '\n');
    assert.deepEqual(report.items.map((i) => i.text), ['42 U.S.C. § 1983']);
    assert.equal(report.items[0].occurrences, report.scanned / line.length);
    assert.equal(report.counts[0].count, getTokenizer('o200k_base').count(text), 'the count covers the whole text');
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
