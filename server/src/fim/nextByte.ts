/**
 * The next-byte step of the covers machine (covers.ts): P(next byte | text) from the covers whose remainder starts
 * with the byte and the one-token extensions of the empty-remainder cover(s) that start with it.
 *
 * Canonicality is checked lazily, here: a candidate's mass counts as `open` until it is checked. The exact
 * distribution checks every candidate within the pruning margin; the greedy step checks the likeliest few, then only
 * the candidates of bytes that could still win, and stops once the unchecked mass cannot change its choice (the same
 * output at a fraction of the checks, research.md §3). The cover record itself lives here too (covers.ts re-exports
 * it), so that this file needs only the machine's type.
 */
import type { CoverMachine } from './covers';

export interface Dist {
  ids: Uint32Array;
  lps: Float64Array;
  /** Whether the cover extended by a token stays canonical, by id: 0 not checked yet, 1 yes, 2 no (made on use). */
  checks?: Uint8Array;
}

/** A cover: `head` then `last`, whose bytes `tb` pass the text by `rem` (mutated in place as bytes are consumed). */
export class Cover {
  /** Canonical (checked), non-canonical, or undefined: not checked yet. */
  ok?: boolean;
  /** The next-token distribution (covers with an empty remainder only). */
  dist?: Dist;
  constructor(
    /** The tokens before the last one, after the machine's base (the encoding of the text before the cut). */
    public head: Uint32Array,
    /** The last token; -1 only for the empty encoding of an empty text. */
    readonly last: number,
    readonly logp: number,
    /** Byte offset in the text where `last` starts. */
    readonly split: number,
    readonly tb: Uint8Array,
    /** How many bytes of `tb` lie inside the text. */
    public at: number,
  ) {}

  /** What the last token spells beyond the text so far. */
  get rem(): Uint8Array {
    return this.tb.subarray(this.at);
  }
}

export function tailOf(c: { head: Uint32Array; last: number }): Uint32Array {
  if (c.last < 0) return c.head;
  const out = new Uint32Array(c.head.length + 1);
  out.set(c.head);
  out[c.head.length] = c.last;
  return out;
}

export function lpOf(d: Dist, id: number): number {
  if (d.ids[id] === id) return d.lps[id]; // a full distribution in id order
  for (let i = 0; i < d.ids.length; i++) if (d.ids[i] === id) return d.lps[i];
  return -Infinity;
}

export function concatIds(a: Uint32Array, ...more: number[]): Uint32Array {
  const out = new Uint32Array(a.length + more.length);
  out.set(a);
  out.set(more, a.length);
  return out;
}

export interface ByteDistribution {
  /** P(next byte = b | text) for b in 0..255. */
  bytes: Float64Array;
  /** P(the text ends here): the end-of-text token. */
  stop: number;
}

interface Pending {
  w: number;
  b: number;
  c: Cover;
  /** The extension token, or -1: the cover itself is checked. */
  t: number;
}

/**
 * The log-probability of the likeliest cover of the next text (text + b, for any b or only `only`): covers with a
 * remainder starting with b, extensions starting with b, and the stop. Pruning compares covers of the same text.
 */
export function bestNext(m: CoverMachine, only?: number): number {
  let best = -Infinity;
  const first = m.canon.firstByte;
  const eos = m.model.eosId;
  for (const c of m.covers) {
    if (c.at < c.tb.length) {
      if (only === undefined || c.tb[c.at] === only) best = Math.max(best, c.logp);
      continue;
    }
    const { ids, lps } = c.dist!;
    for (let k = 0; k < ids.length; k++) {
      const t = ids[k];
      if (c.logp + lps[k] > best && (only === undefined ? t === eos || first[t] >= 0 : first[t] === only)) best = c.logp + lps[k];
    }
  }
  return best;
}

/**
 * Next-byte masses relative to the best candidate (index 256: stop): `mass` checked canonical, `open` not checked
 * yet (`left` candidates). Lists the unchecked candidates whose byte is flagged in `want`, likeliest first, or else
 * the `top` likeliest unchecked ones (without listing every candidate of a full distribution).
 */
function tally(m: CoverMachine, want?: Uint8Array, top = 0): { mass: Float64Array; open: Float64Array; left: Int32Array; pending: Pending[] } {
  const mass = new Float64Array(257);
  const open = new Float64Array(257);
  const left = new Int32Array(257);
  const pending: Pending[] = [];
  const ref = bestNext(m);
  const thr = ref - m.margin;
  const complete = m.textComplete;
  const first = m.canon.firstByte;
  const note = (w: number, b: number, c: Cover, t: number) => {
    open[b] += w;
    left[b]++;
    if (want?.[b]) pending.push({ w, b, c, t });
    else if (top && (pending.length < top || w > pending[pending.length - 1].w)) {
      let i = Math.min(pending.length, top - 1);
      pending[i] = { w, b, c, t };
      for (; i > 0 && pending[i - 1].w < w; i--) [pending[i - 1], pending[i]] = [pending[i], pending[i - 1]];
    }
  };
  for (const c of m.covers) {
    if (c.at < c.tb.length) {
      const w = Math.exp(c.logp - ref);
      if (c.ok) mass[c.tb[c.at]] += w;
      else note(w, c.tb[c.at], c, -1);
      continue;
    }
    const d = c.dist!;
    for (let k = 0; k < d.ids.length; k++) {
      const t = d.ids[k];
      const lp = c.logp + d.lps[k];
      if (!(lp >= thr) || lp === -Infinity) continue;
      if (t === m.model.eosId) {
        if (complete) mass[256] += Math.exp(lp - ref);
        continue;
      }
      const b = first[t];
      if (b === undefined || b < 0) continue;
      const ok = d.checks?.[t] ?? 0;
      if (ok === 1) mass[b] += Math.exp(lp - ref);
      else if (ok === 0) note(Math.exp(lp - ref), b, c, t);
    }
  }
  if (want) pending.sort((p, q) => q.w - p.w);
  return { mass, open, left, pending };
}

function run(m: CoverMachine, p: Pending): boolean {
  return p.t < 0 ? m.check(p.c) : m.canExtend(p.c, p.t);
}

/** The exact P(next byte | text) and P(stop | text), over the covers kept (non-canonical mass dropped). */
export function nextByteDistribution(m: CoverMachine): ByteDistribution {
  const { mass, pending } = tally(m, new Uint8Array(257).fill(1));
  for (const p of pending) if (run(m, p)) mass[p.b] += p.w;
  let z = 0;
  for (let b = 0; b < 257; b++) z += mass[b];
  const bytes = new Float64Array(256);
  for (let b = 0; b < 256; b++) bytes[b] = z > 0 ? mass[b] / z : 0;
  return { bytes, stop: z > 0 ? mass[256] / z : 0 };
}

/** The most likely next byte (256 = stop, -1 when the text has no continuation). */
export function greedyByte(m: CoverMachine): number {
  let { mass, open, left, pending } = tally(m, undefined, 8);
  let best = 0;
  // Settled: the leader has checked mass, and no other byte could overtake it with all its unchecked mass.
  const settled = (): boolean => {
    best = 0;
    for (let b = 1; b < 257; b++) if (mass[b] > mass[best]) best = b;
    for (let b = 0; b < 257; b++) if (open[b] > 0 && (b === best ? mass[b] === 0 : mass[b] + open[b] > mass[best])) return false;
    return true;
  };
  const settle = (list: Pending[]) => {
    for (const p of list) {
      if (settled()) return;
      open[p.b] = --left[p.b] ? open[p.b] - p.w : 0;
      if (run(m, p)) mass[p.b] += p.w;
    }
  };
  // The likeliest few candidates usually settle it; else every candidate of a byte that can still win, in order.
  settle(pending);
  if (!settled()) {
    const want = Uint8Array.from(open, (o, b) => (o > 0 && (b === best || mass[b] + o > mass[best]) ? 1 : 0));
    ({ mass, open, left, pending } = tally(m, want));
    for (let b = 0; b < 257; b++) if (!want[b]) open[b] = 0; // they cannot win, as above
    settle(pending);
    settled();
  }
  return mass[best] > 0 ? best : -1;
}
