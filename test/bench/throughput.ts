/**
 * Encode throughput of ours and the peers on one input, interleaved: every round runs each library once, starting
 * from a different library each round, so drift in the machine's speed (the other core's load, GC debt) falls on all
 * of them alike. Slow libraries leave the rotation once they have spent their time budget, which is why the runs
 * differ; every library gets at least one timed run. Ours always encodes the whole input; a peer encodes a prefix
 * when the whole would take too long (see `peerText`), and says so.
 */
import type { BenchInput } from './inputs';
import { prefixBytes } from './inputs';
import { gc, MB, median, now, sameIds, utf8Bytes } from './measure';
import type { Encoder, Ids } from './peers';
import { OURS } from './peers';

export interface ThroughputRow {
  input: string;
  encoding: string;
  lib: string;
  /** Bytes each timed call encoded (a prefix of the input for some peers). */
  bytes: number;
  prefix: boolean;
  runs: number;
  medianMs: number;
  mbps: number;
  /** Our MB/s over this library's; undefined on our own row. */
  ratio?: number;
  /** Whether this library's ids equal ours on the same text; undefined on our own row. */
  idsEqual?: boolean;
  error?: string;
}

const MAX_ROUNDS = 5;
/** Libraries projected faster than this on a whole ordinary input are warmed on it before the timed rounds. */
const WARM_WHOLE_MS = 1000;

/** A library takes part in another round while its timed calls on this input total less than this. */
export const BUDGET_MS = 1500;
/** On ordinary inputs, a peer whose call on the whole input is projected to take longer than this gets a prefix… */
export const FULL_CALL_CAP_MS = process.env.TOKSCOPE_BENCH_FULL === '1' ? Infinity : 3000;
/** …sized to take about this long, and never under 1 MB (these libraries are linear on ordinary text). */
const PREFIX_CALL_MS = 1500;
/** Growing a peer's prefix on a pathological input stops before a call would take longer than this. */
export const PATHOLOGICAL_CALL_CAP_MS = 600;

async function timed(enc: Encoder, text: string): Promise<{ ms: number; ids: Ids }> {
  const t0 = now();
  const ids = await enc.encode(text);
  return { ms: now() - t0, ids };
}

/**
 * Pathological inputs: a prefix doubled from 1 KB up to the cap while the next call, predicted from how the last
 * doubling scaled (assumed quadratic until seen), stays under the per-call cap. The probe calls are the warm-up.
 */
async function probePathological(enc: Encoder, input: BenchInput, cap: number): Promise<string> {
  let size = 1024;
  let last = (await timed(enc, prefixBytes(input.text, size))).ms;
  let growth = 4;
  while (size * 2 <= cap && last * growth <= PATHOLOGICAL_CALL_CAP_MS) {
    enc.clearCache?.();
    const next = (await timed(enc, prefixBytes(input.text, size * 2))).ms;
    growth = Math.min(4, Math.max(2, next / Math.max(last, 0.01)));
    last = next;
    size *= 2;
  }
  return prefixBytes(input.text, size);
}

/**
 * Ordinary inputs: warm up on 64 KB, project the whole input's time from 256 KB, take a prefix if it is too slow.
 * A library whose whole-input call is projected under a second is then warmed on the whole input twice (untimed), so
 * that the timed rounds measure JIT-compiled code and warm caches for every library alike, not the tiering.
 */
async function peerText(enc: Encoder, input: BenchInput, isOurs: boolean): Promise<string> {
  if (input.peerCapBytes && !isOurs) return probePathological(enc, input, input.peerCapBytes);
  await enc.encode(prefixBytes(input.text, 64 * 1024));
  const sample = prefixBytes(input.text, 256 * 1024);
  const projected = ((await timed(enc, sample)).ms * input.bytes) / utf8Bytes(sample);
  if (projected <= WARM_WHOLE_MS && (isOurs || !input.peerCapBytes)) for (let i = 0; i < 2; i++) await enc.encode(input.text);
  if (isOurs || projected <= FULL_CALL_CAP_MS) return input.text;
  const bytes = Math.max(MB, Math.floor((input.bytes * PREFIX_CALL_MS) / projected / (256 * 1024)) * 256 * 1024);
  return bytes >= input.bytes ? input.text : prefixBytes(input.text, bytes);
}

export async function measureThroughput(input: BenchInput, encoders: Encoder[]): Promise<ThroughputRow[]> {
  const ours = encoders.find((e) => e.lib === OURS);
  if (!ours) throw new Error('ours must be among the encoders');
  const errors = new Map<Encoder, string>();
  const fail = (enc: Encoder, e: unknown) => errors.set(enc, String((e as Error)?.message ?? e).split('\n')[0]);
  const texts = new Map<Encoder, string>();
  for (const enc of encoders) {
    try {
      texts.set(enc, await peerText(enc, input, enc === ours));
    } catch (e) {
      fail(enc, e);
    }
  }

  const times = new Map<Encoder, number[]>(encoders.map((e) => [e, []]));
  const firstIds = new Map<Encoder, Ids>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (let k = 0; k < encoders.length; k++) {
      const enc = encoders[(k + round) % encoders.length];
      const ts = times.get(enc)!;
      if (errors.has(enc) || (round > 0 && ts.reduce((a, b) => a + b, 0) >= BUDGET_MS)) continue;
      // On the pathological inputs a peer re-encodes the same prefix every round; a warm merge cache would answer
      // from memory what the first call computed.
      if (input.peerCapBytes) enc.clearCache?.();
      gc();
      try {
        const { ms, ids } = await timed(enc, texts.get(enc)!);
        ts.push(ms);
        if (round === 0) firstIds.set(enc, ids);
      } catch (e) {
        fail(enc, e);
      }
    }
  }

  const rows: ThroughputRow[] = [];
  for (const enc of encoders) {
    const text = texts.get(enc) ?? input.text;
    const bytes = text === input.text ? input.bytes : utf8Bytes(text);
    const ts = times.get(enc)!;
    const medianMs = median(ts);
    const mbps = bytes / MB / (medianMs / 1000);
    const row: ThroughputRow = { input: input.key, encoding: enc.encoding, lib: enc.lib, bytes, prefix: text !== input.text, runs: ts.length, medianMs, mbps };
    const theirs = firstIds.get(enc);
    if (enc !== ours && theirs) {
      const mine = text === input.text ? firstIds.get(ours) : await ours.encode(text);
      row.idsEqual = mine !== undefined && sameIds(mine, theirs);
    }
    if (errors.has(enc)) row.error = errors.get(enc);
    rows.push(row);
  }
  firstIds.clear();
  const ourMbps = rows.find((r) => r.lib === OURS)?.mbps ?? NaN;
  for (const row of rows) if (row.lib !== OURS && !row.error) row.ratio = ourMbps / row.mbps;
  return rows;
}
