/**
 * Child process of the bench's memory figures: loads one library, encodes one file, and prints its peak resident set
 * (process.resourceUsage().maxRSS) after loading and after encoding, as one line of JSON.
 * `node out/test/bench/rssChild.js LIB ENCODING FILE`; LIB `none` loads nothing (the baseline: Node, this harness and
 * the text).
 */
import { readFileSync } from 'node:fs';
import { loadEncoder, type EncodingName } from './peers';

async function main(): Promise<void> {
  const [lib, encoding, file] = process.argv.slice(2);
  const encoder = lib === 'none' ? undefined : await loadEncoder(lib, encoding as EncodingName);
  const afterLoadKB = process.resourceUsage().maxRSS;
  const text = readFileSync(file, 'utf8');
  const ids = encoder ? await encoder.encode(text) : [];
  const peakKB = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ lib, encoding, afterLoadKB, peakKB, tokens: ids.length }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
