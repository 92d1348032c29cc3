/**
 * Figures that take whole processes: cold start, counting a file from the command line, and peak memory per library.
 * Commands alternate within each round, like the in-process libraries.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { median, now } from './measure';

export interface Command {
  label: string;
  args: string[];
}

export interface CommandTiming {
  label: string;
  medianMs: number;
  runs: number;
  /** What the command printed on its last run (trimmed), to check both sides agree. */
  output: string;
}

const root = projectRoot();

export const oursCount = (file: string): Command => ({
  label: 'tokscope CLI (node dist/cli.js count -t o200k_base)',
  args: [join(root, 'dist', 'cli.js'), 'count', '-t', 'o200k_base', file],
});
export const peerCount = (file: string): Command => ({
  label: 'gpt-tokenizer script (node test/bench/peerCount.mjs o200k_base)',
  args: [join(root, 'test', 'bench', 'peerCount.mjs'), 'o200k_base', file],
});
export const nodeBaseline: Command = { label: 'node -e 0 (baseline)', args: ['-e', '0'] };

function run(args: string[]): { ms: number; stdout: string } {
  const t0 = now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${(r.stderr ?? '').trim().split('\n')[0]}`);
  return { ms, stdout: r.stdout.trim() };
}

/** Wall time from spawn to exit, median over `rounds` interleaved rounds after one untimed warm-up round. */
export function timeCommands(commands: Command[], rounds: number): CommandTiming[] {
  for (const c of commands) run(c.args);
  const times = commands.map(() => [] as number[]);
  const outputs = commands.map(() => '');
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < commands.length; k++) {
      const i = (k + r) % commands.length;
      const { ms, stdout } = run(commands[i].args);
      times[i].push(ms);
      outputs[i] = stdout;
    }
  }
  return commands.map((c, i) => ({ label: c.label, medianMs: median(times[i]), runs: rounds, output: outputs[i] }));
}

export interface RssRow {
  lib: string;
  encoding: string;
  afterLoadMB: number;
  peakMB: number;
  tokens: number;
  error?: string;
}

/** Peak RSS of a fresh process that loads `lib` and encodes `file` (see rssChild.ts). */
function measureRss(lib: string, encoding: string, file: string): Promise<RssRow> {
  const args = [join(root, 'out', 'test', 'bench', 'rssChild.js'), lib, encoding, file];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, encoding: 'utf8' }, (err, stdout, stderr) => {
      try {
        if (err) throw new Error(`${err.message.split('\n')[0]} ${stderr.trim().split('\n').pop() ?? ''}`);
        const r = JSON.parse(stdout) as { afterLoadKB: number; peakKB: number; tokens: number };
        resolve({ lib, encoding, afterLoadMB: r.afterLoadKB / 1024, peakMB: r.peakKB / 1024, tokens: r.tokens });
      } catch (e) {
        resolve({ lib, encoding, afterLoadMB: NaN, peakMB: NaN, tokens: 0, error: (e as Error).message });
      }
    });
  });
}

/**
 * Peak RSS per library, two children at a time (one per core): memory does not depend on sharing the CPU, and this
 * phase runs after every timed one.
 */
export async function measureRssAll(jobs: Array<{ lib: string; encoding: string }>, file: string): Promise<RssRow[]> {
  const rows: RssRow[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      rows[i] = await measureRss(jobs[i].lib, jobs[i].encoding, file);
    }
  };
  await Promise.all([worker(), worker()]);
  return rows;
}
