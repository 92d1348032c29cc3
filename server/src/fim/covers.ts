/**
 * Exact byte-level probabilities from a tokenized model (research.md §3): the cover encodings of the text x that a
 * generation continues, and a byte-level state machine over them.
 *
 * A cover is a token sequence whose tokens but the last spell a strict prefix of x and whose last token reaches or
 * passes its end; its remainder is what the last token spells beyond x. If the model puts no mass on non-canonical
 * sequences, P(x) is the sum over covers, and P(next byte b | x) sums the covers whose remainder starts with b plus
 * the one-token extensions T+t (T: a cover with an empty remainder, usually the one canonical encoding of x) that
 * start with b. Mass the model puts on non-canonical sequences is dropped and the byte distribution renormalised.
 *
 * Costs: setup asks the model once per distinct prefix (one batch); then `advance` asks it once per empty-remainder
 * cover, which is exactly once per byte whenever x ends on a character boundary. Canonicality is checked lazily,
 * most likely covers first, and a greedy step stops checking once the unchecked mass cannot change its choice.
 * Probabilities are natural logs relative to a common root (the longest prefix every cover shares): only ratios count.
 */
import type { Tokenizer } from '../tokenizers/types';
import { Canon, concatBytes, utf8State } from './canon';
import type { TokenModel } from './types';

export interface Dist {
  ids: Uint32Array;
  lps: Float64Array;
  /** id → index, built on first use for long distributions. */
  index?: Map<number, number>;
  /** Canonicality of this cover extended by a token, by token id. */
  checks: Map<number, boolean>;
}

export interface Cover {
  /** The tokens before the last one, after the machine's base (the encoding of the text before the cut). */
  head: Uint32Array;
  /** The last token; -1 only for the empty encoding of an empty text. */
  last: number;
  logp: number;
  /** What the last token spells beyond the text so far. */
  rem: Uint8Array;
  /** Byte offset in the text where `last` starts. */
  split: number;
  /** Canonical (checked), non-canonical, or undefined: not checked yet. */
  ok?: boolean;
  /** The next-token distribution (covers with an empty remainder only). */
  dist?: Dist;
}

export interface ByteDistribution {
  /** P(next byte = b | text) for b in 0..255. */
  bytes: Float64Array;
  /** P(the text ends here) — the end-of-text token. */
  stop: number;
}

export interface CoverOptions {
  tokenizer: Tokenizer;
  model: TokenModel;
  /** Ids before the text (e.g. a FIM header ending in the middle token); the text's encoding starts fresh after it. */
  context: ArrayLike<number>;
  text: string | Uint8Array;
  /** Covers more than this many nats below the best are dropped (default: none, exact). */
  margin?: number;
  signal?: AbortSignal;
}

const EAGER_CHECKS = 512;

export function tailOf(c: Cover): Uint32Array {
  if (c.last < 0) return c.head;
  const out = new Uint32Array(c.head.length + 1);
  out.set(c.head);
  out[c.head.length] = c.last;
  return out;
}

export function lpOf(d: Dist, id: number): number {
  if (d.ids.length <= 32) {
    for (let i = 0; i < d.ids.length; i++) if (d.ids[i] === id) return d.lps[i];
    return -Infinity;
  }
  if (!d.index) {
    d.index = new Map();
    for (let i = 0; i < d.ids.length; i++) d.index.set(d.ids[i], i);
  }
  const i = d.index.get(id);
  return i === undefined ? -Infinity : d.lps[i];
}

export class CoverMachine {
  readonly canon: Canon;
  covers: Cover[] = [];
  modelCalls = 0;
  /** The text so far in token space (SentencePiece: with its dummy-prefix space), x plus the bytes advanced. */
  bytes: Uint8Array;
  /** Restart point (byte offset) before which every cover shares `base`. */
  cut = 0;
  base: Uint32Array = new Uint32Array(0);
  private readonly tok: Tokenizer;
  private readonly model: TokenModel;
  private readonly context: Uint32Array;
  private readonly margin: number;
  private readonly specials: Set<number>;

  private constructor(o: CoverOptions) {
    this.tok = o.tokenizer;
    this.model = o.model;
    this.canon = Canon.of(o.tokenizer);
    this.context = Uint32Array.from(o.context);
    this.margin = o.margin ?? Infinity;
    this.specials = new Set(o.tokenizer.specialTokens.values());
    this.bytes = this.canon.textBytes(o.text);
  }

  static async create(o: CoverOptions): Promise<CoverMachine> {
    const m = new CoverMachine(o);
    await m.setup(o.signal);
    return m;
  }

  /** Only one cover is left and it ends with the text: plain token decoding from it is exact. */
  get collapsed(): boolean {
    return this.covers.length === 1 && this.covers[0].rem.length === 0;
  }

  /** The ids the model sees for a cover (context, base, cover). */
  ids(c: Cover): Uint32Array {
    return this.idsOf(tailOf(c));
  }

  private idsOf(tail: Uint32Array): Uint32Array {
    const out = new Uint32Array(this.context.length + this.base.length + tail.length);
    out.set(this.context);
    out.set(this.base, this.context.length);
    out.set(tail, this.context.length + this.base.length);
    return out;
  }

  private async ask(tails: Uint32Array[], signal?: AbortSignal): Promise<Dist[]> {
    signal?.throwIfAborted();
    this.modelCalls += tails.length;
    const res = await Promise.all(tails.map((t) => this.model.next(this.idsOf(t), signal)));
    signal?.throwIfAborted();
    return res.map((d) => ({ ids: d.ids, lps: d.logProbs, checks: new Map() }));
  }

  private async setup(signal?: AbortSignal): Promise<void> {
    const y = this.bytes;
    const n = y.length;
    const lo = Math.max(0, n - this.canon.maxTokenBytes);
    this.cut = n ? this.canon.cut(y, lo) : 0;
    if (this.cut) {
      const b = this.canon.encodeChunk(y.subarray(0, this.cut), true);
      if (b) this.base = b;
      else this.cut = 0;
    }
    const atStart = this.cut === 0;
    // Split points with tokens that start with the rest of the text, and the canonical heads that spell up to them.
    const splits: Array<{ i: number; heads: Uint32Array[]; cands: number[] }> = [];
    for (let i = Math.max(lo, this.cut); i < n; i++) {
      const cands = this.tok.tokensWithPrefix(y.subarray(i));
      if (!cands.length) continue;
      const heads = this.canon.prefixesOf(y.subarray(this.cut, i), atStart);
      if (heads.length) splits.push({ i, heads, cands });
    }
    const wholes = this.canon.prefixesOf(y.subarray(this.cut), atStart);
    // One model call per distinct prefix of any head or whole encoding, below their common root.
    const seqs = [...splits.flatMap((s) => s.heads), ...wholes];
    let root = seqs.length ? seqs[0].length : 0;
    for (const s of seqs) for (let j = 0; j < root; j++) if (s[j] !== seqs[0][j]) root = j;
    const nodes = new Map<string, Uint32Array>();
    for (const s of seqs) for (let j = root; j <= s.length; j++) nodes.set(s.subarray(0, j).join(), s.subarray(0, j));
    const keys = [...nodes.keys()];
    const dists = await this.ask([...nodes.values()], signal);
    const distOf = new Map(keys.map((k, i) => [k, dists[i]]));
    const logpOf = (s: Uint32Array): number => {
      let lp = 0;
      for (let j = root; j < s.length; j++) lp += lpOf(distOf.get(s.subarray(0, j).join())!, s[j]);
      return lp;
    };
    const found = new Map<string, Cover>();
    for (const w of wholes) {
      const lp = logpOf(w);
      if (lp === -Infinity) continue;
      const last = w.length ? w[w.length - 1] : -1;
      const split = last < 0 ? 0 : n - this.tok.bytesOf(last).length;
      const c: Cover = { head: w.length ? w.subarray(0, -1) : w, last, logp: lp, rem: new Uint8Array(0), split, ok: true };
      c.dist = distOf.get(w.join());
      found.set(w.join(), c);
    }
    for (const { i, heads, cands } of splits) {
      for (const h of heads) {
        const hp = logpOf(h);
        const d = distOf.get(h.join())!;
        if (hp === -Infinity) continue;
        for (const t of cands) {
          const lp = lpOf(d, t);
          const rem = this.tok.bytesOf(t).subarray(n - i);
          // An empty remainder is a whole encoding, found above when canonical.
          if (lp === -Infinity || rem.length === 0) continue;
          found.set(`${h.join()}/${t}`, { head: h, last: t, logp: hp + lp, rem, split: i });
        }
      }
    }
    this.covers = [...found.values()].sort((a, b) => b.logp - a.logp);
    let budget = EAGER_CHECKS;
    for (const c of this.covers) if (c.ok === undefined && budget-- > 0) this.check(c);
    this.prune();
  }

  /**
   * Sampling shortcut: draws a cover in proportion to its probability (rejecting non-canonical ones as they are
   * found, which samples the renormalised set). Undefined when no cover is left.
   */
  sampleCover(rand: () => number): Cover | undefined {
    for (;;) {
      if (!this.covers.length) return undefined;
      const ref = Math.max(...this.covers.map((c) => c.logp));
      const w = this.covers.map((c) => Math.exp(c.logp - ref));
      let r = rand() * w.reduce((a, b) => a + b, 0);
      let k = 0;
      while (k < w.length - 1 && r >= w[k]) r -= w[k++];
      if (this.check(this.covers[k])) return this.covers[k];
      this.covers.splice(k, 1);
    }
  }

  /** Checks a cover's canonicality (cached on it). */
  check(c: Cover): boolean {
    if (c.ok === undefined) {
      const z = concatBytes(this.bytes.subarray(this.cut, c.split), this.tok.bytesOf(c.last));
      c.ok = this.canon.isPrefix(tailOf(c), z, this.cut === 0);
    }
    return c.ok;
  }

  /** Whether the empty-remainder cover `e` extended by token t stays canonical (cached on its distribution). */
  canExtend(e: Cover, t: number): boolean {
    const d = e.dist!;
    let ok = d.checks.get(t);
    if (ok === undefined) {
      const z = concatBytes(this.bytes.subarray(this.cut), this.tok.bytesOf(t));
      const ids = concatIds(tailOf(e), t);
      d.checks.set(t, (ok = this.canon.isPrefix(ids, z, this.cut === 0)));
    }
    return ok;
  }

  private prune(): void {
    this.covers = this.covers.filter((c) => c.ok !== false);
    let best = -Infinity;
    for (const c of this.covers) if (c.ok && c.logp > best) best = c.logp;
    if (this.margin !== Infinity) this.covers = this.covers.filter((c) => c.logp >= best - this.margin);
  }

  /**
   * The log-probability of the likeliest cover of the next text (text + b; any b, or only `only`): covers with a
   * remainder starting with b, extensions starting with b, and the stop. Pruning compares covers of the same text.
   */
  private best(only?: number): number {
    let best = -Infinity;
    for (const c of this.covers) {
      if (c.rem.length) {
        if (only === undefined || c.rem[0] === only) best = Math.max(best, c.logp);
        continue;
      }
      const d = c.dist!;
      for (let k = 0; k < d.ids.length; k++) {
        const t = d.ids[k];
        if (only === undefined ? t === this.model.eosId || this.canon.firstByte[t] >= 0 : this.canon.firstByte[t] === only && !this.specials.has(t)) best = Math.max(best, c.logp + d.lps[k]);
      }
    }
    return best;
  }

  /** The text so far ends on a character boundary (only then may it end: the end-of-text token). */
  get textComplete(): boolean {
    return utf8State(this.bytes.subarray(this.cut)).kind === 'valid';
  }

  /**
   * The byte choices: for each, the checked mass (`mass`, index 256 = stop) and the unchecked candidates (covers
   * and extensions), scaled by the best log-probability.
   */
  private tally(): { mass: Float64Array; open: Float64Array; pending: Array<{ w: number; b: number; run: () => boolean }> } {
    const mass = new Float64Array(257);
    const open = new Float64Array(257);
    const pending: Array<{ w: number; b: number; run: () => boolean }> = [];
    const ref = this.best();
    const thr = ref - this.margin;
    const complete = this.textComplete;
    for (const c of this.covers) {
      if (c.rem.length) {
        const w = Math.exp(c.logp - ref);
        if (c.ok) mass[c.rem[0]] += w;
        else (open[c.rem[0]] += w), pending.push({ w, b: c.rem[0], run: () => this.check(c) });
        continue;
      }
      const d = c.dist!;
      for (let k = 0; k < d.ids.length; k++) {
        const t = d.ids[k];
        const lp = c.logp + d.lps[k];
        if (lp < thr || lp === -Infinity) continue;
        const w = Math.exp(lp - ref);
        if (t === this.model.eosId) {
          if (complete) mass[256] += w;
          continue;
        }
        const b = this.specials.has(t) ? -1 : this.canon.firstByte[t] ?? -1;
        if (b < 0) continue;
        const ok = d.checks.get(t);
        if (ok) mass[b] += w;
        else if (ok === undefined) (open[b] += w), pending.push({ w, b, run: () => this.canExtend(c, t) });
      }
    }
    pending.sort((p, q) => q.w - p.w);
    return { mass, open, pending };
  }

  /** The exact P(next byte | text) and P(stop | text), over the covers kept. */
  nextByteDistribution(): ByteDistribution {
    const { mass, pending } = this.tally();
    for (const p of pending) if (p.run()) mass[p.b] += p.w;
    let z = 0;
    for (let b = 0; b < 257; b++) z += mass[b];
    const bytes = new Float64Array(256);
    for (let b = 0; b < 256; b++) bytes[b] = z > 0 ? mass[b] / z : 0;
    return { bytes, stop: z > 0 ? mass[256] / z : 0 };
  }

  /**
   * The most likely next byte (256 = stop, -1 when the text has no continuation), checking candidates only until the
   * unchecked mass can no longer change the choice.
   */
  greedyByte(): number {
    const { mass, open, pending } = this.tally();
    const decided = (): number => {
      let best = 0;
      for (let b = 1; b < 257; b++) if (mass[b] > mass[best]) best = b;
      for (let b = 0; b < 257; b++) if (b !== best && mass[b] + open[b] > mass[best]) return -2;
      return mass[best] > 0 ? best : -1;
    };
    let choice = decided();
    for (let k = 0; k < pending.length && choice === -2; k++) {
      const p = pending[k];
      open[p.b] = Math.max(0, open[p.b] - p.w);
      if (p.run()) mass[p.b] += p.w;
      if (k + 1 === pending.length) for (let b = 0; b < 257; b++) open[b] = 0;
      choice = decided();
    }
    return choice;
  }

  /** Consumes byte b: keeps the covers whose remainder starts with b, adds the extensions starting with b. */
  async advance(b: number, signal?: AbortSignal): Promise<void> {
    const thr = this.best(b) - this.margin;
    const next: Cover[] = [];
    const n = this.bytes.length;
    for (const c of this.covers) {
      if (c.rem.length) {
        if (c.rem[0] === b && c.ok !== false) next.push({ ...c, rem: c.rem.subarray(1) });
        continue;
      }
      const d = c.dist!;
      const head = tailOf(c);
      for (let k = 0; k < d.ids.length; k++) {
        const t = d.ids[k];
        const lp = c.logp + d.lps[k];
        if (this.canon.firstByte[t] !== b || this.specials.has(t) || lp < thr || lp === -Infinity) continue;
        const ok = d.checks.get(t);
        if (ok !== false) next.push({ head, last: t, logp: lp, rem: this.tok.bytesOf(t).subarray(1), split: n, ok });
      }
    }
    this.bytes = concatBytes(this.bytes, Uint8Array.of(b));
    this.covers = next.filter((c) => c.rem.length || this.check(c));
    this.prune();
    await this.fetchDists(signal);
    this.rebase();
  }

  private async fetchDists(signal?: AbortSignal): Promise<void> {
    const empty = this.covers.filter((c) => !c.rem.length && !c.dist);
    const dists = await this.ask(empty.map(tailOf), signal);
    empty.forEach((c, i) => (c.dist = dists[i]));
  }

  /** Sampling shortcut: keeps only cover c, its remainder becoming text (every continuation has one shortest cover). */
  async commit(c: Cover, signal?: AbortSignal): Promise<void> {
    this.bytes = concatBytes(this.bytes, c.rem);
    this.covers = [{ ...c, rem: new Uint8Array(0) }];
    await this.fetchDists(signal);
    this.rebase();
  }

  /** Token decoding once collapsed: appends token t (canonical, see `canExtend`) to the one cover; one model call. */
  async extend(t: number, signal?: AbortSignal): Promise<void> {
    const e = this.covers[0];
    const tb = this.tok.bytesOf(t);
    const c: Cover = { head: tailOf(e), last: t, logp: e.logp + lpOf(e.dist!, t), rem: new Uint8Array(0), split: this.bytes.length, ok: true };
    this.bytes = concatBytes(this.bytes, tb);
    this.covers = [c];
    await this.fetchDists(signal);
    this.rebase();
  }

  /** Moves the cut forward (to a restart point before every cover's last token) so that checks stay short. */
  private rebase(): void {
    if (this.bytes.length - this.cut < 512 || !this.covers.length) return;
    const p = this.canon.cut(this.bytes, Math.min(...this.covers.map((c) => c.split)));
    if (p <= this.cut) return;
    const h = this.covers[0].head;
    let k = 0;
    let at = this.cut;
    while (at < p && k < h.length) at += this.tok.bytesOf(h[k++]).length;
    if (at !== p) return;
    const same = (c: Cover) => c.head.length >= k && c.head.subarray(0, k).every((t, j) => t === h[j]);
    if (!this.covers.every(same)) return;
    this.base = concatIds(this.base, ...h.subarray(0, k));
    this.covers = this.covers.map((c) => ({ ...c, head: c.head.subarray(k) }));
    this.cut = p;
  }
}

function concatIds(a: Uint32Array, ...more: number[]): Uint32Array {
  const out = new Uint32Array(a.length + more.length);
  out.set(a);
  out.set(more, a.length);
  return out;
}
