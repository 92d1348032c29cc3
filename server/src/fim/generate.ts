/**
 * FIM completion with byte-level de-biasing (settings `tokscope.fim.debias`):
 * - 'off': the text encoded as-is, then plain token decoding (biased when the text ends inside a token);
 * - 'heal': token healing (heal.ts), the baseline;
 * - 'exact': the covers machine (covers.ts) byte by byte until one cover is left, then plain token decoding, which
 *   is then exact. Sampling at temperature 1 takes a shortcut: one cover drawn in proportion to its probability,
 *   then token decoding from it (exact in distribution: every continuation has exactly one shortest cover). At other
 *   temperatures the temperature applies to the byte distribution, then to tokens.
 * The signal is checked before every model call; an abort rejects with its reason.
 */
import type { Tokenizer } from '../tokenizers/types';
import { Canon, completeLength } from './canon';
import { CoverMachine } from './covers';
import { chooseToken, decodeTokens, heal, seeded, type Sampler } from './heal';
import type { DebiasMode, DebiasReport, TokenModel } from './types';

export interface GenerateOptions {
  tokenizer: Tokenizer;
  model: TokenModel;
  /** Ids before the text, e.g. a FIM header ending in the middle token (a boundary: the text is encoded fresh). */
  context: ArrayLike<number>;
  /** The text the generation continues (the part of the prefix moved after the middle token). */
  text: string;
  mode: DebiasMode;
  maxBytes: number;
  /** Generation ends at the first of these; the text returned stops before it. */
  stopAt?: readonly string[];
  /** Sampled decoding (default greedy). */
  sample?: { temperature: number; seed: number };
  signal?: AbortSignal;
  /** 'heal': tokens to roll back (default 1). */
  healTokens?: number;
  /**
   * 'exact': covers this many nats below the best cover of the same text are dropped (default 12, below 6e-6 of it):
   * a full distribution's long tail would otherwise keep thousands of covers alive and never collapse. Infinity: none.
   */
  margin?: number;
  /**
   * A soft time cap (a `performance.now()` value): no model call starts after it, and what was generated so far is
   * returned with finish 'time'. The hard cap is `signal` (a stalled call is aborted, not waited for).
   */
  deadline?: number;
}

export interface GenerateResult {
  /** The continuation, UTF-8 decoded; never ends in a broken character. */
  text: string;
  /** Why it ended: the end-of-text token, maxBytes, a stop string, or no continuation with any probability. */
  finish: 'eos' | 'length' | 'stop' | 'none' | 'time';
  report: DebiasReport;
}

/** Thrown by the counted model when the soft deadline has passed; generate() turns it into finish 'time'. */
class DeadlineReached extends Error {}

export async function generate(o: GenerateOptions): Promise<GenerateResult> {
  const tok = o.tokenizer;
  let calls = 0;
  const model: TokenModel = {
    eosId: o.model.eosId,
    next: (ids, signal) => {
      o.signal?.throwIfAborted();
      if (o.deadline !== undefined && performance.now() >= o.deadline) throw new DeadlineReached();
      calls++;
      return o.model.next(ids, signal ?? o.signal);
    },
  };
  const s: Sampler = o.sample && o.sample.temperature > 0 ? { temperature: o.sample.temperature, rand: seeded(o.sample.seed) } : { temperature: 0 };
  const lead = o.text.length ? new Uint8Array(0) : Canon.of(tok).lead;
  const out = new Output(o.maxBytes, o.stopAt, lead);
  const done = (report: Omit<DebiasReport, 'modelCalls'>): GenerateResult => ({ text: out.text(), finish: out.finish, report: { ...report, modelCalls: calls } });
  try {
    return await run(o, tok, model, s, out, done);
  } catch (e) {
    if (!(e instanceof DeadlineReached)) throw e;
    out.end('time');
    const n = out.length;
    return done({ mode: o.mode, reason: `time cap reached after ${n} byte${n === 1 ? '' : 's'}: the completion so far`, byteSteps: 0 });
  }
}

async function run(o: GenerateOptions, tok: Tokenizer, model: TokenModel, s: Sampler, out: Output, done: (r: Omit<DebiasReport, 'modelCalls'>) => GenerateResult): Promise<GenerateResult> {
  o.signal?.throwIfAborted();
  if (o.maxBytes <= 0) return done({ mode: o.mode, reason: 'maxBytes is 0: nothing generated', byteSteps: 0 });

  if (o.mode === 'off') {
    await decodeTokens(model, tok, [...Array.from(o.context), ...tok.encodeIds(o.text)], out, s, o.signal);
    return done({ mode: 'off', reason: 'de-biasing off: the text encoded as-is', byteSteps: 0 });
  }
  if (o.mode === 'heal') {
    const k = await heal({ tokenizer: tok, model, context: o.context, ids: tok.encodeIds(o.text), rollBack: o.healTokens, signal: o.signal }, out, s);
    const reason = k ? `token healing: rolled back ${k} token${k > 1 ? 's' : ''}, the next constrained to spell them` : 'token healing: empty text, nothing to roll back';
    return done({ mode: 'heal', reason, rolledBack: k, byteSteps: 0 });
  }

  const m = await CoverMachine.create({ tokenizer: tok, model, context: o.context, text: o.text, margin: o.margin ?? 12, signal: o.signal });
  const covers = m.covers.length;
  let reason = !covers
    ? 'the model gives the text no probability: nothing generated'
    : m.collapsed
      ? 'at a token boundary: 1 cover, plain decoding'
      : `cursor inside a token: de-biased over ${covers} cover${covers > 1 ? 's' : ''}`;
  let byteSteps = 0;
  if (!covers) return done({ mode: 'exact', reason, covers, byteSteps });
  if (s.rand && s.temperature === 1 && !m.collapsed) {
    const c = m.sampleCover(s.rand);
    reason += ' (sampled: one cover drawn, then token decoding)';
    if (!c) out.end('none');
    else if (!out.push(c.rem)) await m.commit(c, o.signal);
  }
  while (out.finish === 'none' && !m.collapsed) {
    const d = s.rand ? m.nextByteDistribution() : undefined;
    const b = d ? chooseByte(d.bytes, d.stop, s) : m.greedyByte();
    if (b < 0) out.end('none');
    else if (b === 256) out.end('eos');
    else {
      byteSteps++;
      if (!out.push(Uint8Array.of(b))) await m.advance(b, o.signal);
      if (!m.covers.length) out.end('none');
    }
  }
  while (out.finish === 'none') {
    const e = m.covers[0];
    const complete = m.textComplete;
    const t = chooseToken(e.dist!.ids, e.dist!.lps, (t) => (t === model.eosId ? complete : m.canon.firstByte[t] >= 0 && m.canExtend(e, t)), s);
    if (t === undefined) out.end('none');
    else if (t === model.eosId) out.end('eos');
    else if (!out.push(tok.bytesOf(t))) await m.extend(t, o.signal);
  }
  return done({ mode: 'exact', reason, covers, byteSteps });
}

/** A byte (or 256: stop) drawn from a byte distribution at temperature T (T ≤ 0: the most likely). */
export function chooseByte(p: Float64Array, stop: number, s: Sampler): number {
  const w = new Float64Array(257);
  w.set(p);
  w[256] = stop;
  let best = -1;
  for (let b = 0; b < 257; b++) if (w[b] > 0 && (best < 0 || w[b] > w[best])) best = b;
  if (best < 0 || !s.rand || s.temperature <= 0) return best;
  let total = 0;
  for (let b = 0; b < 257; b++) total += w[b] > 0 ? (w[b] = Math.pow(w[b] / w[best], 1 / s.temperature)) : 0;
  let r = s.rand() * total;
  for (let b = 0; b < 257; b++) {
    if (w[b] <= 0) continue;
    r -= w[b];
    if (r < 0) return b;
  }
  return best;
}

const lossy = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8 = new TextEncoder();

/** The generated bytes, with maxBytes and stop strings. `push` answers true once generation must end. */
export class Output {
  private buf = new Uint8Array(64);
  private n = 0;
  finish: 'eos' | 'length' | 'stop' | 'none' | 'time' = 'none';
  private stopAt: Uint8Array[];
  /** Where a stop string starts, once one is seen. */
  private stopCut = -1;

  /** `lead`: bytes the tokenizer puts before a text (dropped when the text was empty and generation starts with them). */
  constructor(private readonly maxBytes: number, stopAt: readonly string[] = [], private lead: Uint8Array = new Uint8Array(0)) {
    this.stopAt = stopAt.filter((s) => s.length).map((s) => utf8.encode(s));
  }

  get length(): number {
    return this.n;
  }

  push(bytes: Uint8Array): boolean {
    for (const b of bytes) {
      if (this.lead.length) {
        if (b === this.lead[0]) {
          this.lead = this.lead.subarray(1);
          continue;
        }
        this.lead = new Uint8Array(0);
      }
      if (this.n === this.buf.length) {
        const grown = new Uint8Array(this.n * 2);
        grown.set(this.buf);
        this.buf = grown;
      }
      this.buf[this.n++] = b;
      for (const s of this.stopAt) {
        if (this.n >= s.length && s.every((c, i) => this.buf[this.n - s.length + i] === c)) {
          this.stopCut = this.n - s.length;
          this.finish = 'stop';
          return true;
        }
      }
      if (this.n >= this.maxBytes) {
        this.finish = 'length';
        return true;
      }
    }
    return false;
  }

  /** Stops the output: marks the reason unless one is set already. */
  end(reason: 'eos' | 'none' | 'time'): void {
    if (this.finish === 'none') this.finish = reason;
  }

  /** The text: up to a stop string or maxBytes, without a trailing incomplete character. */
  text(): string {
    const end = Math.min(this.stopCut >= 0 ? this.stopCut : this.n, this.maxBytes);
    return lossy.decode(this.buf.subarray(0, completeLength(this.buf.subarray(0, end))));
  }
}
