import { getTokenizer, listTokenizers } from '../tokenizers/registry';
import type { Args } from './args';

export function runTokenizers(args: Args): number {
  const kl3mDir = args.options.get('kl3m-dir');
  const rows = listTokenizers({ kl3mDir }).map((info) => {
    let vocabSize: number | null = null;
    if (info.available) {
      try {
        vocabSize = getTokenizer(info.name, { kl3mDir }).vocabSize;
      } catch (e) {
        return { ...info, available: false, vocabSize, note: (e as Error).message };
      }
    }
    return { ...info, vocabSize };
  });
  if (args.flags.has('json')) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const size = r.vocabSize === null ? '-' : String(r.vocabSize);
    const status = r.available ? (r.exact ? 'exact' : 'estimate') : 'unavailable';
    process.stdout.write(`${r.name.padEnd(width)}  ${r.kind.padEnd(11)}  ${size.padStart(7)}  ${status.padEnd(11)}  ${r.source}${r.note ? `  (${r.note})` : ''}\n`);
  }
  return 0;
}
