/**
 * The domain tokenizer in `npm run bench`: training time (the shipped recipe, and a 32k byte-level vocabulary from
 * scratch on the whole 4.5 MB corpus, the design it was chosen over), tokens per character on the held-out legal
 * text, general prose and code for it and the general and KL3M tokenizers, and the average tokens per term on the
 * KL3M paper's legal and financial lists (Llama 3 with its BOS token, as the paper counts it).
 */
import { join } from 'node:path';
import { trainDomain } from '../../server/src/domain/build';
import { heldOutText, readLegalCorpus, trainingText } from '../../server/src/domain/corpus';
import { evaluationTerms } from '../../server/src/domain/customTokens';
import { MergeTable } from '../../server/src/domain/merges';
import { trainMerges } from '../../server/src/domain/train';
import { sharedDataDir } from '../../server/src/tokenizers/paths';
import { splitO200k } from '../../server/src/tokenizers/preTokenizers/scanO200k';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { codeInput, proseInput } from './inputs';
import { now, table } from './measure';

export interface DomainBench {
  training: { recipeMs: number; recipeMerges: number; scratchMs: number; scratchMerges: number; scratchCorpusMB: number };
  rows: { name: string; legal: number; prose: number; code: number }[];
  terms: { name: string; legal: number; financial: number }[];
  heldOutChars: number;
}

/** A 32k byte-level BPE from scratch: NFKC, o200k's pre-tokenizer, bytes, merges learned on the pieces (min frequency 2,
 * its best chance on a corpus this small). */
function scratchTokenizer(texts: string[], vocab: number, minFrequency: number) {
  const enc = new TextEncoder();
  const counts = new Map<string, number>();
  for (const t of texts) {
    const n = t.normalize('NFKC');
    splitO200k(n, 0, n.length, (a, b) => {
      const p = n.slice(a, b);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    });
  }
  const chunks = [...counts].map(([p, count]) => ({ ids: Uint32Array.from(enc.encode(p)), count }));
  const t0 = now();
  const { merges } = trainMerges(chunks, { baseSize: 256, merges: vocab - 256, minFrequency });
  const ms = now() - t0;
  const table = new MergeTable(256, merges);
  const count = (text: string) => {
    let total = 0;
    const n = text.normalize('NFKC');
    splitO200k(n, 0, n.length, (a, b) => {
      const ids = Uint32Array.from(enc.encode(n.slice(a, b)));
      total += table.apply(ids, 0, ids.length);
    });
    return total;
  };
  return { ms, merges: merges.length, count };
}

const codePoints = (s: string) => [...s].length;

export function measureDomain(): DomainBench | undefined {
  const shared = sharedDataDir();
  if (!shared) return undefined;
  const legalDir = join(shared, 'legal');
  const terms = evaluationTerms(join(shared, 'kl3m', 'domain_term_counts.csv'));
  let t0 = now();
  const recipe = trainDomain({ corpusDir: legalDir, reportersDir: join(legalDir, 'reporters-db'), evaluationTerms: terms, vocabSize: 32768, command: 'bench' });
  const recipeMs = now() - t0;
  const files = readLegalCorpus(legalDir);
  const whole = files.map((f) => f.train + f.heldOut);
  t0 = now();
  const scratchAll = scratchTokenizer(whole, 32768, 2);
  const scratchMs = now() - t0;
  // The design comparison trains the scratch vocabulary on the training split only, like the shipped one.
  const scratch = scratchTokenizer(trainingText(files), 32768, 2);
  const held = heldOutText(files).join('\n');
  const prose = proseInput().text.slice(0, 1 << 20);
  const code = codeInput().text.slice(0, 1 << 20);
  const sizes = { legal: codePoints(held), prose: codePoints(prose), code: codePoints(code) };
  const rows: DomainBench['rows'] = [];
  // The KL3M tokenizers are measured where ../shared/data/kl3m (or a configured folder) has them.
  const loaded = ['domain', 'o200k_base', 'cl100k_base', 'llama3', 'kl3m-001-32k', 'kl3m-003-64k'].flatMap((name) => {
    try {
      return [{ name, tok: getTokenizer(name) }];
    } catch {
      return [];
    }
  });
  for (const { name, tok } of loaded) {
    rows.push({ name, legal: tok.count(held) / sizes.legal, prose: tok.count(prose) / sizes.prose, code: tok.count(code) / sizes.code });
  }
  rows.push({ name: 'from scratch, 32k (NFKC, o200k pieces, min freq. 2)', legal: scratch.count(held) / sizes.legal, prose: scratch.count(prose) / sizes.prose, code: scratch.count(code) / sizes.code });
  const legalTerms = terms.slice(0, 10);
  const financialTerms = terms.slice(10);
  const termRows: DomainBench['terms'] = [];
  for (const { name, tok } of loaded) {
    const bos = name === 'llama3' ? 1 : 0;
    const avg = (list: string[]) => list.reduce((s, t) => s + tok.count(t) + bos, 0) / list.length;
    termRows.push({ name: name === 'llama3' ? 'llama3 (+BOS)' : name, legal: avg(legalTerms), financial: avg(financialTerms) });
  }
  return {
    training: { recipeMs, recipeMerges: recipe.merges.length, scratchMs, scratchMerges: scratchAll.merges, scratchCorpusMB: Buffer.byteLength(whole.join('')) / 2 ** 20 },
    rows,
    terms: termRows,
    heldOutChars: sizes.legal,
  };
}

export function domainTables(b: DomainBench): string {
  const o = b.rows.find((r) => r.name === 'o200k_base')!;
  const vs = (x: number, base: number) => `${x < base ? '−' : '+'}${(Math.abs(1 - x / base) * 100).toFixed(1)}%`;
  return [
    `training: the shipped recipe (o200k_base + forced and learned merges, training split) ${(b.training.recipeMs / 1000).toFixed(1)} s for ${b.training.recipeMerges} merges; ` +
      `a 32k byte-level vocabulary from scratch on all ${b.training.scratchCorpusMB.toFixed(1)} MB ${(b.training.scratchMs / 1000).toFixed(1)} s (${b.training.scratchMerges} merges; target ≤ 120 s)`,
    '',
    `tokens per character (held-out legal: ${b.heldOutChars} characters never trained on; prose and code: 1 MB of the bench inputs); vs o200k_base`,
    table(
      ['tokenizer', 'held-out legal', 'vs o200k', 'prose', 'vs o200k', 'code', 'vs o200k'],
      b.rows.map((r) => [r.name, r.legal.toFixed(4), vs(r.legal, o.legal), r.prose.toFixed(4), vs(r.prose, o.prose), r.code.toFixed(4), vs(r.code, o.code)]),
    ),
    '',
    'average tokens per term, the KL3M paper lists (paper: kl3m-004 4.20 / 3.10, gpt-4o 6.50 / 3.20, llama3 7.70 / 4.30)',
    table(['tokenizer', 'legal (10 terms)', 'financial (10 terms)'], b.terms.map((t) => [t.name, t.legal.toFixed(2), t.financial.toFixed(2)])),
  ].join('\n');
}
