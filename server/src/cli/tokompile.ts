/**
 * `tokscope tokompile [--lang L] [--scope file|function] [--comments drop|keep] [--json] FILE|-` prints the
 * Tokompiler tokens (space-separated) or, with `--json`, `{"language", "code", "tokens", "ids", "mapping", …}`;
 * `--decode` reads such JSON (or `{"tokens", "mapping"}` with `--lang`) and prints the rebuilt source.
 */
import { basename } from 'node:path';
import { type CommentMode, detokompile, type Mapping, type ScopeMode, tokompile } from '../tokompiler/index';
import { languageByName, languageForPath, type TokompilerLanguage, UnknownLanguageError } from '../tokompiler/languages';
import { type Args, UsageError } from './args';
import { readInput } from './input';

export async function runTokompile(args: Args): Promise<number> {
  const path = args.positional[0] ?? '-';
  if (args.positional.length > 1) throw new UsageError('tokompile takes one FILE (or - for stdin)');
  const scope = choice(args, 'scope', ['file', 'function']) as ScopeMode;
  const comments = choice(args, 'comments', ['drop', 'keep']) as CommentMode;
  const text = await readInput(path);
  if (args.flags.has('decode')) return decode(args, text);
  const language = languageOf(args, path);
  const r = await tokompile(text, language, { scope, comments });
  for (const e of r.errors.slice(0, 5)) process.stderr.write(`tokscope: ${path === '-' ? 'stdin' : path}: could not parse characters ${e.start}–${e.end}; kept verbatim\n`);
  if (r.overflow) process.stderr.write(`tokscope: ${r.overflow} names numbered past 1000: their numbers are outside the vocabulary ([UNK])\n`);
  if (args.flags.has('json')) {
    const { language: lang, code, tokens, ids, mapping, errors, overflow, unknown } = r;
    process.stdout.write(JSON.stringify({ language: lang, code, tokens, ids, mapping, errors, overflow, unknown }) + '\n');
  } else process.stdout.write(r.tokens.join(' ') + '\n');
  return 0;
}

async function decode(args: Args, text: string): Promise<number> {
  let input: { tokens?: unknown; mapping?: unknown; language?: unknown };
  try {
    input = JSON.parse(text) as typeof input;
  } catch {
    throw new UsageError('--decode reads the JSON that tokompile --json prints');
  }
  const tokens = Array.isArray(input.tokens) ? input.tokens.map(String) : typeof input.tokens === 'string' ? input.tokens.split(/\s+/).filter(Boolean) : undefined;
  if (!tokens) throw new UsageError('--decode: the JSON has no "tokens"');
  const mapping = (input.mapping ?? { scope: 'file', file: {}, functions: [] }) as Mapping;
  const name = args.options.get('lang') ?? (typeof input.language === 'string' ? input.language : undefined);
  const language = name ? languageByName(name) : undefined;
  if (!language) throw new UsageError(name ? String(new UnknownLanguageError(name).message) : '--decode needs --lang (or "language" in the JSON)');
  process.stdout.write(await detokompile(tokens, mapping, language));
  return 0;
}

/** The language from --lang, else from the file's extension. */
export function languageOf(args: Args, path: string): TokompilerLanguage {
  const name = args.options.get('lang');
  const language = name ? languageByName(name) : path === '-' ? undefined : languageForPath(path);
  if (!language) throw new UsageError(new UnknownLanguageError(name ?? (path === '-' ? 'stdin (use --lang)' : basename(path))).message);
  return language;
}

function choice(args: Args, option: string, values: string[]): string {
  const v = args.options.get(option) ?? values[0];
  if (!values.includes(v)) throw new UsageError(`--${option} must be one of ${values.join(', ')}`);
  return v;
}
