import { getTokenizer } from '../tokenizers/registry';
import { type Args, UsageError } from './args';
import { StreamCounter } from '../tokenizers/streamCount';
import { readChunks, readInput } from './input';

/** The Tokompiler is no byte-level tokenizer: it parses the whole file, so it counts apart from the others. */
const TOKOMPILER = 'tokompiler';

export async function runCount(args: Args): Promise<number> {
  const names = args.multi.get('t') ?? [];
  if (names.length === 0) throw new UsageError('count needs at least one tokenizer: -t NAME');
  const kl3mDir = args.options.get('kl3m-dir');
  const tokenizers = names.map((n) => (n === TOKOMPILER ? undefined : getTokenizer(n, { kl3mDir })));
  const paths = args.positional.length ? args.positional : ['-'];
  const withBos = args.flags.has('with-bos');
  const allowSpecial = args.flags.has('allow-special');
  const results: Array<{ path: string; counts: Record<string, number> }> = [];
  for (const path of paths) {
    // Streamed: large inputs are counted a megabyte at a time, exactly (see StreamCounter).
    const counts: Record<string, number> = {};
    if (tokenizers.some((tok) => tok === undefined)) {
      const { languageOf } = await import('./tokompile');
      const { tokompile } = await import('../tokompiler/index');
      const text = await readInput(path);
      counts[TOKOMPILER] = (await tokompile(text, languageOf(args, path))).tokens.length;
      tokenizers.forEach((tok, i) => {
        if (tok) counts[names[i]] = tok.count(text, { allowSpecial }) + (withBos && tok.bosId !== undefined ? 1 : 0);
      });
    } else {
      const counters = tokenizers.map((tok) => new StreamCounter(tok!, { allowSpecial }));
      for await (const text of readChunks(path)) for (const c of counters) c.push(text);
      tokenizers.forEach((tok, i) => {
        // BOS is never added silently: only with --with-bos, and only for tokenizers that have one.
        counts[names[i]] = counters[i].finish() + (withBos && tok!.bosId !== undefined ? 1 : 0);
      });
    }
    results.push({ path, counts });
  }
  if (args.flags.has('json')) {
    process.stdout.write(JSON.stringify(results.length === 1 ? results[0].counts : results) + '\n');
  } else {
    for (const r of results) {
      const cols = names.map((n) => `${n}=${r.counts[n]}`).join('  ');
      process.stdout.write(paths.length > 1 || names.length > 1 ? `${cols}  ${r.path}\n` : `${r.counts[names[0]]}\n`);
    }
  }
  return 0;
}
