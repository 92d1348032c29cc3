/**
 * Child process of the bench's memory figures: loads one library, encodes one file, and prints its peak resident set
 * after loading and after encoding, as one line of JSON. The peak is Linux's VmHWM where /proc is readable, else
 * process.resourceUsage().maxRSS: on Linux a spawned process's maxRSS starts at its parent's resident set at the
 * fork (the bench's parent holds every library, ~1 GB), which would hide the child's own figure.
 * `node out/test/bench/rssChild.js LIB ENCODING FILE`; LIB `none` loads nothing (the baseline: Node, this harness and
 * the text).
 */
import { readFileSync } from 'node:fs';
import { loadEncoder, type EncodingName } from './peers';

function peakKB(): number {
  try {
    const m = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

async function main(): Promise<void> {
  const [lib, encoding, file] = process.argv.slice(2);
  const encoder = lib === 'none' ? undefined : await loadEncoder(lib, encoding as EncodingName);
  const afterLoadKB = peakKB();
  const text = readFileSync(file, 'utf8');
  const ids = encoder ? await encoder.encode(text) : [];
  process.stdout.write(JSON.stringify({ lib, encoding, afterLoadKB, peakKB: peakKB(), tokens: ids.length }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
