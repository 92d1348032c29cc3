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
import { Canon } from './canon';
import { CoverMachine } from './covers';
import { chooseByte, chooseToken, decodeTokens, Output, seeded, type Sampler } from './decode';
import { heal } from './heal';
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
  /** 'exact': covers this many nats below the best are dropped (default 30: below 1e-13 of the best). */
  margin?: number;
}

export interface GenerateResult {
  /** The continuation, UTF-8 decoded; never ends in a broken character. */
  text: string;
  /** Why it ended: the end-of-text token, maxBytes, a stop string, or no continuation with any probability. */
  finish: 'eos' | 'length' | 'stop' | 'none';
  report: DebiasReport;
}

export async function generate(o: GenerateOptions): Promise<GenerateResult> {
  const tok = o.tokenizer;
  let calls = 0;
  const model: TokenModel = {
    eosId: o.model.eosId,
    next: (ids, signal) => {
      o.signal?.throwIfAborted();
      calls++;
      return o.model.next(ids, signal ?? o.signal);
    },
  };
  const s: Sampler = o.sample && o.sample.temperature > 0 ? { temperature: o.sample.temperature, rand: seeded(o.sample.seed) } : { temperature: 0 };
  const lead = o.text.length ? new Uint8Array(0) : Canon.of(tok).lead;
  const out = new Output(o.maxBytes, o.stopAt, lead);
  const specials = new Set(tok.specialTokens.values());
  const bytesOf = (t: number) => tok.bytesOf(t);
  const done = (report: Omit<DebiasReport, 'modelCalls'>): GenerateResult => ({ text: out.text(), finish: out.finish, report: { ...report, modelCalls: calls } });
  o.signal?.throwIfAborted();
  if (o.maxBytes <= 0) return done({ mode: o.mode, reason: 'maxBytes is 0: nothing generated', byteSteps: 0 });

  if (o.mode === 'off') {
    await decodeTokens(model, [...Array.from(o.context), ...tok.encodeIds(o.text)], bytesOf, specials, out, s, o.signal);
    return done({ mode: 'off', reason: 'de-biasing off: the text encoded as-is', byteSteps: 0 });
  }
  if (o.mode === 'heal') {
    const k = await heal({ tokenizer: tok, model, context: o.context, ids: tok.encodeIds(o.text), rollBack: o.healTokens, signal: o.signal }, out, s);
    const reason = k ? `token healing: rolled back ${k} token${k > 1 ? 's' : ''}, the next constrained to spell them` : 'token healing: empty text, nothing to roll back';
    return done({ mode: 'heal', reason, rolledBack: k, byteSteps: 0 });
  }

  const m = await CoverMachine.create({ tokenizer: tok, model, context: o.context, text: o.text, margin: o.margin ?? 30, signal: o.signal });
  const covers = m.covers.length;
  let reason = covers > 1 ? `cursor inside a token: de-biased over ${covers} covers` : covers === 1 ? 'at a token boundary: 1 cover, plain decoding' : 'the model gives the text no probability: nothing generated';
  let byteSteps = 0;
  if (!covers) return done({ mode: 'exact', reason, covers, byteSteps });
  if (s.rand && s.temperature === 1 && covers > 1) {
    const c = m.sampleCover(s.rand);
    reason += ' (sampled: one cover drawn, then token decoding)';
    if (!c) out.end('none');
    else if (!out.push(c.rem)) await m.commit(c, o.signal);
  }
  while (out.finish === 'none' && !m.collapsed) {
    const b = s.rand ? (() => { const d = m.nextByteDistribution(); return chooseByte(d.bytes, d.stop, s); })() : m.greedyByte();
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
    const t = chooseToken(e.dist!.ids, e.dist!.lps, (t) => (t === model.eosId ? complete : !specials.has(t) && m.canon.firstByte[t] >= 0 && m.canExtend(e, t)), s);
    if (t === undefined) out.end('none');
    else if (t === model.eosId) out.end('eos');
    else if (!out.push(tok.bytesOf(t))) await m.extend(t, o.signal);
  }
  return done({ mode: 'exact', reason, covers, byteSteps });
}
