/** Turns the bench's measurements into tables and checks them against the targets of the performance issue. */
import type { CountUntilResult, IncrementalResult } from './editing';
import { fmt, fmtMB, table } from './measure';
import type { CommandTiming, RssRow } from './processes';
import type { ThroughputRow } from './throughput';

export function throughputTable(rows: ThroughputRow[]): string {
  return table(
    ['encoding', 'library', 'MB/s', 'median ms', 'runs', 'encoded', 'us/peer', 'ids equal'],
    rows.map((r) => [
      r.encoding,
      r.lib,
      r.error ? 'failed' : fmt(r.mbps, 2),
      r.error ? '–' : fmt(r.medianMs, 1),
      String(r.runs),
      r.prefix ? `${fmtMB(r.bytes)} prefix` : fmtMB(r.bytes),
      r.ratio === undefined ? '–' : `${fmt(r.ratio, 2)}×`,
      r.error ? `– (${r.error.slice(0, 60)})` : r.idsEqual === undefined ? '–' : r.idsEqual ? 'yes' : 'NO',
    ]),
  );
}

export function commandTable(rows: CommandTiming[], baselineMs?: number): string {
  return table(
    ['command', 'median ms', 'minus node -e 0', 'runs', 'printed'],
    rows.map((r) => [r.label, fmt(r.medianMs, 1), baselineMs === undefined ? '–' : fmt(r.medianMs - baselineMs, 1), String(r.runs), r.output.slice(0, 20)]),
  );
}

export function rssTable(rows: RssRow[]): string {
  return table(
    ['library', 'encoding', 'RSS after load MB', 'peak RSS MB', 'tokens'],
    rows.map((r) => [r.lib, r.encoding, fmt(r.afterLoadMB, 0), r.error ? `failed: ${r.error.slice(0, 60)}` : fmt(r.peakMB, 0), String(r.tokens)]),
  );
}

export interface Target {
  what: string;
  target: string;
  value: string;
  met: boolean;
}

export interface Measurements {
  throughput: ThroughputRow[];
  coldStart: CommandTiming[];
  wholeProcess: CommandTiming[];
  countUntil: CountUntilResult;
  incremental: IncrementalResult;
}

function row(rows: ThroughputRow[], input: string, encoding: string, lib: string): ThroughputRow | undefined {
  return rows.find((r) => r.input === input && r.encoding === encoding && r.lib === lib && !r.error);
}

/** The targets, each with the figure measured here; a figure that is missing counts as not met. */
export function evaluateTargets(m: Measurements): Target[] {
  const targets: Target[] = [];
  const ratio = (input: string, encoding: string, peer: string, min: number) => {
    const r = row(m.throughput, input, encoding, peer)?.ratio;
    targets.push({ what: `${encoding} ${input}: us / ${peer}`, target: `≥ ${min}×`, value: r === undefined ? 'missing' : `${fmt(r, 2)}×`, met: r !== undefined && r >= min });
  };
  for (const enc of ['o200k_base', 'cl100k_base']) ratio('code', enc, 'gpt-tokenizer', 5);
  for (const enc of ['o200k_base', 'cl100k_base']) ratio('prose', enc, 'gpt-tokenizer', 8);
  for (const input of ['code', 'prose']) ratio(input, 'llama3', 'llama3-tokenizer-js', 5);
  const speed = (input: string, min: number, what: string) => {
    for (const enc of ['o200k_base', 'cl100k_base', 'llama3']) {
      const v = row(m.throughput, input, enc, 'tokscope')?.mbps;
      targets.push({ what: `${enc} ${what}`, target: `≥ ${min} MB/s`, value: v === undefined ? 'missing' : `${fmt(v, 2)} MB/s`, met: v !== undefined && v >= min });
    }
  };
  speed('base64', 10, '5 MB base64 line');
  speed('letter', 4, "1 MB of one letter");
  const cold = m.coldStart[0]?.medianMs;
  targets.push({ what: 'cold start, CLI count of a tiny file', target: '≤ 150 ms', value: `${fmt(cold, 0)} ms`, met: cold <= 150 });
  const inc = m.incremental.medianEditUs;
  targets.push({ what: 'incremental update, one edit, 10,000 lines', target: '≤ 1 ms', value: `${fmt(inc / 1000, 3)} ms`, met: inc <= 1000 && m.incremental.exact });
  const [ours, peer] = m.wholeProcess;
  const speedup = peer && ours ? peer.medianMs / ours.medianMs : NaN;
  targets.push({ what: 'whole-process count of 5 MB: gpt-tokenizer time / ours', target: '≥ 2.5×', value: `${fmt(speedup, 2)}×`, met: speedup >= 2.5 });
  return targets;
}

export function targetsTable(targets: Target[]): string {
  return table(['target', 'wanted', 'measured', 'status'], targets.map((t) => [t.what, t.target, t.value, t.met ? 'met' : 'NOT MET']));
}
