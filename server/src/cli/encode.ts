import { getTokenizer } from '../tokenizers/registry';
import { type Args, UsageError } from './args';
import { readInput } from './input';

export async function runEncode(args: Args): Promise<number> {
  const names = args.multi.get('t') ?? [];
  if (names.length !== 1) throw new UsageError('encode needs exactly one tokenizer: -t NAME');
  if (args.positional.length > 1) throw new UsageError('encode takes one input (FILE or -)');
  const tok = getTokenizer(names[0], { kl3mDir: args.options.get('kl3m-dir') });
  const text = await readInput(args.positional[0] ?? '-');
  const enc = tok.encode(text, { allowSpecial: args.flags.has('allow-special') });
  const offsets = args.flags.has('byte-offsets') ? enc.byteOffsets : enc.offsets;
  if (args.flags.has('json')) {
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < enc.ids.length; i++) pairs.push([offsets[2 * i], offsets[2 * i + 1]]);
    process.stdout.write(JSON.stringify({ ids: Array.from(enc.ids), offsets: pairs }) + '\n');
  } else {
    const lines: string[] = [];
    for (let i = 0; i < enc.ids.length; i++) {
      const s = offsets[2 * i];
      const e = offsets[2 * i + 1];
      const piece = args.flags.has('byte-offsets') ? '' : `\t${JSON.stringify(text.slice(s, e))}`;
      lines.push(`${enc.ids[i]}\t${s}\t${e}${piece}`);
    }
    process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
  }
  return 0;
}
