/**
 * Token healing, the baseline that exact de-biasing is compared against (research.md §3): roll the encoding of the
 * text back by N tokens (default 1) and constrain the next tokens to spell the removed bytes, a token at a time,
 * until the removed bytes are consumed; then plain decoding. It fixes the one segmentation the encoder chose, not
 * the others, and ignores their probabilities.
 */
import type { Tokenizer } from '../tokenizers/types';
import { chooseToken, decodeTokens, type Output, type Sampler } from './decode';
import type { TokenModel } from './types';

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
  const specials = new Set(tok.specialTokens.values());
  const bytesOf = (t: number) => tok.bytesOf(t);
  while (left.length) {
    const d = await o.model.next(Uint32Array.from(ids), o.signal);
    let t = chooseToken(d.ids, d.logProbs, (t) => !specials.has(t) && t !== o.model.eosId && agrees(tok.bytesOf(t), left), s);
    // The model gives every spelling of the removed bytes no probability: spell them with the longest token.
    if (t === undefined) t = tok.tokensWithPrefix(left.subarray(0, 1)).filter((u) => agrees(tok.bytesOf(u), left) && tok.bytesOf(u).length <= left.length).sort((a, b) => tok.bytesOf(b).length - tok.bytesOf(a).length)[0];
    if (t === undefined) return k;
    ids.push(t);
    const b = tok.bytesOf(t);
    const beyond = b.subarray(Math.min(b.length, left.length));
    left = left.subarray(Math.min(b.length, left.length));
    if (beyond.length && out.push(beyond)) return k;
  }
  await decodeTokens(o.model, ids, bytesOf, specials, out, s, o.signal);
  return k;
}
