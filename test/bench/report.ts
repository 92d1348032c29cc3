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
    rows.map((r) => {
      const net = baselineMs === undefined ? '–' : fmt(r.medianMs - baselineMs, 1);
      return [r.label, fmt(r.medianMs, 1), net, String(r.runs), r.output.slice(0, 20)];
    }),
  );
}

export function rssTable(rows: RssRow[]): string {
  return table(
    ['library', 'encoding', 'RSS after load MB', 'peak RSS MB', 'tokens'],
    rows.map((r) => {
      const peak = r.error ? `failed: ${r.error.slice(0, 60)}` : fmt(r.peakMB, 0);
      return [r.lib, r.encoding, fmt(r.afterLoadMB, 0), peak, String(r.tokens)];
    }),
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
  const add = (what: string, target: string, v: number | undefined, shown: string, met: (v: number) => boolean) =>
    targets.push({ what, target, value: v === undefined || Number.isNaN(v) ? 'missing' : shown, met: v !== undefined && met(v) });

  const ratio = (input: string, encoding: string, peer: string, min: number) => {
    const r = row(m.throughput, input, encoding, peer)?.ratio;
    add(`${encoding} ${input}: us / ${peer}`, `≥ ${min}×`, r, `${fmt(r, 2)}×`, (v) => v >= min);
  };
  for (const enc of ['o200k_base', 'cl100k_base']) ratio('code', enc, 'gpt-tokenizer', 5);
  for (const enc of ['o200k_base', 'cl100k_base']) ratio('prose', enc, 'gpt-tokenizer', 8);
  for (const input of ['code', 'prose']) ratio(input, 'llama3', 'llama3-tokenizer-js', 5);

  const speed = (input: string, min: number, what: string) => {
    for (const enc of ['o200k_base', 'cl100k_base', 'llama3']) {
      const v = row(m.throughput, input, enc, 'tokscope')?.mbps;
      add(`${enc} ${what}`, `≥ ${min} MB/s`, v, `${fmt(v, 2)} MB/s`, (x) => x >= min);
    }
  };
  speed('base64', 10, '5 MB base64 line');
  speed('letter', 4, '1 MB of one letter');

  const [cold, , base] = m.coldStart;
  const coldShown = `${fmt(cold?.medianMs, 0)} ms (node -e 0: ${fmt(base?.medianMs, 0)} ms)`;
  add('cold start, CLI count of a tiny file', '≤ 150 ms', cold?.medianMs, coldShown, (v) => v <= 150);
  const inc = m.incremental;
  const incMs = inc.medianEditUs / 1000;
  add('incremental update, one edit, 10,000 lines', '≤ 1 ms', incMs, `${fmt(incMs, 3)} ms`, (v) => v <= 1 && inc.exact);
  const [ours, peer] = m.wholeProcess;
  const speedup = peer && ours ? peer.medianMs / ours.medianMs : undefined;
  add('whole-process count of 5 MB: gpt-tokenizer time / ours', '≥ 2.5×', speedup, `${fmt(speedup, 2)}×`, (v) => v >= 2.5);
  return targets;
}

export function targetsTable(targets: Target[]): string {
  return table(['target', 'wanted', 'measured', 'status'], targets.map((t) => [t.what, t.target, t.value, t.met ? 'met' : 'NOT MET']));
}
