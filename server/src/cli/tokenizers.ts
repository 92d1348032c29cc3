import { getTokenizer, listTokenizers } from '../tokenizers/registry';
import { vocabularyTokens } from '../tokompiler/vocab';
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
  // Not a byte-level tokenizer (it parses code), so not in the registry; listed for `count -t tokompiler`.
  const tokompiler = {
    name: 'tokompiler',
    kind: 'tokompiler',
    source: 'built in (tree-sitter WASM grammars; Fortran scanner)',
    exact: true,
    available: true,
    vocabSize: vocabularyTokens().length - 1,
    note: 'closed-vocabulary code tokens (names anonymised by role), not a model’s tokens',
  };
  const all = [...rows, tokompiler];
  if (args.flags.has('json')) {
    process.stdout.write(JSON.stringify(all, null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...all.map((r) => r.name.length));
  for (const r of all) {
    const size = r.vocabSize === null ? '-' : String(r.vocabSize);
    const status = r.available ? (r.exact ? 'exact' : 'estimate') : 'unavailable';
    process.stdout.write(`${r.name.padEnd(width)}  ${r.kind.padEnd(11)}  ${size.padStart(7)}  ${status.padEnd(11)}  ${r.source}${r.note ? `  (${r.note})` : ''}\n`);
  }
  return 0;
}
