/**
 * Encode throughput of ours and the peers on one input, interleaved: every round runs each library once, starting
 * from a different library each round, so drift in the machine's speed (the other core's load, thermal state, GC
 * debt) falls on all of them alike. Slow libraries leave the rotation once they have spent their time budget, which
 * is why the runs differ; every library gets at least one timed run.
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
  /** Bytes each timed call encoded (a prefix of the input for peers on the pathological inputs). */
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
/** A library takes part in another round while its timed calls on this input total less than this. */
const BUDGET_MS = 2000;
/** Growing a peer's prefix on a pathological input stops before a call would take longer than this. */
const CALL_CAP_MS = 1000;
const WARMUP_BYTES = 64 * 1024;

async function timed(enc: Encoder, text: string): Promise<{ ms: number; ids: Ids }> {
  const t0 = now();
  const ids = await enc.encode(text);
  return { ms: now() - t0, ids };
}

/**
 * The prefix a peer encodes on a pathological input: doubled from 4 KB up to the cap while the next call, predicted
 * from how the last doubling scaled (between linear and quadratic), stays under CALL_CAP_MS. The probe calls double
 * as the warm-up.
 */
async function probePrefix(enc: Encoder, input: BenchInput, cap: number): Promise<string> {
  let size = 4 * 1024;
  let last = (await timed(enc, prefixBytes(input.text, size))).ms;
  while (size * 2 <= cap) {
    const next = (await timed(enc, prefixBytes(input.text, size * 2))).ms;
    size *= 2;
    const growth = Math.min(4, Math.max(2, next / Math.max(last, 0.01)));
    last = next;
    if (next * growth > CALL_CAP_MS) break;
  }
  return prefixBytes(input.text, size);
}

export async function measureThroughput(input: BenchInput, encoders: Encoder[]): Promise<ThroughputRow[]> {
  const ours = encoders.find((e) => e.lib === OURS);
  if (!ours) throw new Error('ours must be among the encoders');
  const texts = new Map<Encoder, string>();
  const errors = new Map<Encoder, string>();
  for (const enc of encoders) {
    try {
      if (enc !== ours && input.peerCapBytes) texts.set(enc, await probePrefix(enc, input, input.peerCapBytes));
      else {
        texts.set(enc, input.text);
        await enc.encode(prefixBytes(input.text, WARMUP_BYTES));
      }
    } catch (e) {
      errors.set(enc, String((e as Error).message ?? e).split('\n')[0]);
    }
  }

  const times = new Map<Encoder, number[]>(encoders.map((e) => [e, []]));
  const firstIds = new Map<Encoder, Ids>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (let k = 0; k < encoders.length; k++) {
      const enc = encoders[(k + round) % encoders.length];
      const ts = times.get(enc)!;
      if (errors.has(enc) || (round > 0 && ts.reduce((a, b) => a + b, 0) >= BUDGET_MS)) continue;
      gc();
      try {
        const { ms, ids } = await timed(enc, texts.get(enc)!);
        ts.push(ms);
        if (round === 0) firstIds.set(enc, ids);
      } catch (e) {
        errors.set(enc, String((e as Error).message ?? e).split('\n')[0]);
      }
    }
  }
  gc();

  const rows: ThroughputRow[] = [];
  const ourIdsFor = async (text: string) => (text === input.text ? firstIds.get(ours) : await ours.encode(text));
  let ourMbps = NaN;
  for (const enc of encoders) {
    const text = texts.get(enc) ?? input.text;
    const bytes = text === input.text ? input.bytes : utf8Bytes(text);
    const ts = times.get(enc)!;
    const medianMs = median(ts);
    const mbps = bytes / MB / (medianMs / 1000);
    if (enc === ours) ourMbps = mbps;
    const row: ThroughputRow = { input: input.key, encoding: enc.encoding, lib: enc.lib, bytes, prefix: text !== input.text, runs: ts.length, medianMs, mbps };
    if (enc !== ours && !errors.has(enc)) {
      const mine = await ourIdsFor(text);
      const theirs = firstIds.get(enc);
      row.idsEqual = mine !== undefined && theirs !== undefined && sameIds(mine, theirs);
    }
    if (errors.has(enc)) row.error = errors.get(enc);
    rows.push(row);
  }
  for (const row of rows) if (row.lib !== OURS && !row.error) row.ratio = ourMbps / row.mbps;
  return rows;
}
