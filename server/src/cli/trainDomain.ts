/**
 * `tokscope train-domain --corpus DIR --vocab-size N --out FILE [--min-frequency F] [--reporters DIR] [--terms CSV]`:
 * trains the domain tokenizer (o200k_base + forced and learned merges) on the corpus's training split and writes the
 * `tokscope-domain/1` file; with ../shared/data/legal and the shipped settings it reproduces the shipped file exactly.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { trainDomain } from '../domain/build';
import { evaluationTerms } from '../domain/customTokens';
import { type Args, UsageError } from './args';

export function runTrainDomain(args: Args): number {
  const corpus = args.options.get('corpus');
  const out = args.options.get('out');
  const size = Number(args.options.get('vocab-size'));
  if (!corpus || !out || !Number.isInteger(size) || size < 1) throw new UsageError('train-domain needs --corpus DIR --vocab-size N --out FILE');
  if (!existsSync(corpus)) throw new Error(`${corpus}: no such folder`);
  const minFrequency = args.options.has('min-frequency') ? Number(args.options.get('min-frequency')) : 10;
  if (!Number.isInteger(minFrequency) || minFrequency < 1) throw new UsageError('--min-frequency must be a positive integer');
  const reporters = args.options.get('reporters') ?? (existsSync(join(corpus, 'reporters-db')) ? join(corpus, 'reporters-db') : undefined);
  const termsCsv = args.options.get('terms') ?? join(dirname(corpus), 'kl3m', 'domain_term_counts.csv');
  const terms = existsSync(termsCsv) ? evaluationTerms(termsCsv) : [];
  const started = Date.now();
  // The command as recorded in the file: relative paths, so the provenance does not depend on where it ran.
  const command = `tokscope train-domain --corpus ${relative(process.cwd(), corpus) || '.'} --vocab-size ${size} --min-frequency ${minFrequency} --out ${relative(process.cwd(), out)}`;
  const file = trainDomain({
    corpusDir: corpus,
    reportersDir: reporters,
    evaluationTerms: terms,
    vocabSize: size,
    minFrequency,
    command,
    onProgress: (n) => process.stderr.write(`\rtrain-domain: ${n} merges learned`),
  });
  writeFileSync(out, serialise(file));
  process.stderr.write(`\rtrain-domain: ${file.forced} forced + ${file.merges.length - file.forced} learned merges in ${((Date.now() - started) / 1000).toFixed(1)} s → ${out}\n`);
  return 0;
}

/** One merge per line: a diff of two trainings reads merge by merge. */
export function serialise(file: object & { merges: Array<[number, number]> }): string {
  const { merges, ...rest } = file;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  return `${head},\n  "merges": [\n${merges.map((m) => `    [${m[0]}, ${m[1]}]`).join(',\n')}\n  ]\n}\n`;
}
