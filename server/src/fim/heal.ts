/**
 * Token decoding: picking a token (greedy or sampled, seeded, with a filter), plain decoding, and token healing, the
 * baseline that exact de-biasing is compared against (research.md §3): roll the encoding of the text back by N
 * tokens (default 1) and constrain the next tokens to spell the removed bytes, a token at a time, until they are
 * consumed; then plain decoding. It fixes the one segmentation the encoder chose, not the others, and ignores their
 * probabilities.
 */
import type { Tokenizer } from '../tokenizers/types';
import { Canon } from './canon';
import type { Output } from './generate';
import type { TokenModel } from './types';

/** The seeded generator sampling uses. */
export { mulberry32 as seeded } from '../util/random';

/** Greedy when `rand` is absent or the temperature is 0; otherwise sampled at that temperature. */
export interface Sampler {
  temperature: number;
  rand?: () => number;
}

/**
 * A token from `d` that `allowed` accepts: the most likely (greedy), or drawn with probability ∝ p^(1/T) among the
 * allowed ones. Rejected tokens are struck and the choice made again, which is exactly sampling the renormalised
 * allowed set; the filter runs only on tokens that could be chosen (it may be costly). Undefined if none is allowed.
 */
export function chooseToken(ids: ArrayLike<number>, logProbs: ArrayLike<number>, allowed: (t: number) => boolean, s: Sampler): number | undefined {
  const lps = Float64Array.from(logProbs);
  const greedy = !s.rand || s.temperature <= 0;
  for (;;) {
    let k = -1;
    if (greedy) {
      for (let i = 0; i < lps.length; i++) if (lps[i] > -Infinity && (k < 0 || lps[i] > lps[k])) k = i;
    } else {
      let max = -Infinity;
      for (let i = 0; i < lps.length; i++) max = Math.max(max, lps[i]);
      if (max === -Infinity) return undefined;
      let total = 0;
      for (let i = 0; i < lps.length; i++) total += Math.exp((lps[i] - max) / s.temperature);
      let r = s.rand!() * total;
      for (let i = 0; i < lps.length; i++) {
        if (lps[i] === -Infinity) continue;
        k = i;
        r -= Math.exp((lps[i] - max) / s.temperature);
        if (r < 0) break;
      }
    }
    if (k < 0) return undefined;
    if (allowed(ids[k])) return ids[k];
    lps[k] = -Infinity;
  }
}

/**
 * Plain token decoding: the next token from the model, appended to `ids`, until EOS or the output is done. Special
 * tokens other than EOS (and ids outside the vocabulary) are never text, so never chosen.
 */
export async function decodeTokens(model: TokenModel, tok: Tokenizer, ids: number[], out: Output, s: Sampler, signal?: AbortSignal): Promise<void> {
  const first = Canon.of(tok).firstByte;
  for (;;) {
    const d = await model.next(Uint32Array.from(ids), signal);
    const t = chooseToken(d.ids, d.logProbs, (t) => t === model.eosId || first[t] >= 0, s);
    if (t === undefined) return out.end('none');
    if (t === model.eosId) return out.end('eos');
    ids.push(t);
    if (out.push(tok.bytesOf(t))) return;
  }
}

export interface HealOptions {
  tokenizer: Tokenizer;
  model: TokenModel;
  context: ArrayLike<number>;
  /** The text's canonical ids. */
  ids: Uint32Array;
  /** Tokens to roll back (default 1). */
  rollBack?: number;
  signal?: AbortSignal;
}

/** Whether token bytes `t` agree with what is left to spell: one is a prefix of the other. */
export function agrees(t: Uint8Array, left: Uint8Array): boolean {
  const n = Math.min(t.length, left.length);
  for (let i = 0; i < n; i++) if (t[i] !== left[i]) return false;
  return t.length > 0;
}

/** Heals and decodes into `out`; returns how many tokens were rolled back. */
export async function heal(o: HealOptions, out: Output, s: Sampler): Promise<number> {
  const tok = o.tokenizer;
  const k = Math.max(0, Math.min(o.rollBack ?? 1, o.ids.length));
  const kept = o.ids.subarray(0, o.ids.length - k);
  const ids = [...Array.from(o.context), ...kept];
  const parts = Array.from(o.ids.subarray(o.ids.length - k), (t) => tok.bytesOf(t));
  let left = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (left.set(p, at), at + p.length), 0);
  const first = Canon.of(tok).firstByte;
  while (left.length) {
    const d = await o.model.next(Uint32Array.from(ids), o.signal);
    let t = chooseToken(d.ids, d.logProbs, (t) => first[t] === left[0] && agrees(tok.bytesOf(t), left), s);
    // The model gives every spelling of the removed bytes no probability: spell them with the longest token.
    if (t === undefined) t = tok.tokensWithPrefix(left.subarray(0, 1)).filter((u) => agrees(tok.bytesOf(u), left) && tok.bytesOf(u).length <= left.length).sort((a, b) => tok.bytesOf(b).length - tok.bytesOf(a).length)[0];
    if (t === undefined) return k;
    ids.push(t);
    const b = tok.bytesOf(t);
    const beyond = b.subarray(Math.min(b.length, left.length));
    left = left.subarray(Math.min(b.length, left.length));
    if (beyond.length && out.push(beyond)) return k;
  }
  await decodeTokens(o.model, tok, ids, out, s, o.signal);
  return k;
}
