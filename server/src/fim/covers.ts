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
import { bestNext, concatIds, Cover, greedyByte, lpOf, nextByteDistribution, tailOf, type ByteDistribution, type Dist } from './nextByte';
import type { TokenModel } from './types';

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

/** Covers checked at setup, likeliest first (the rest lazily, as they come to matter). */
const EAGER_CHECKS = 64;

export { Cover, lpOf, tailOf, type ByteDistribution, type Dist };

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
  readonly model: TokenModel;
  private readonly context: Uint32Array;
  /** Covers this many nats below the best cover of the same text are dropped. */
  readonly margin: number;

  private constructor(o: CoverOptions) {
    this.tok = o.tokenizer;
    this.model = o.model;
    this.canon = Canon.of(o.tokenizer);
    this.context = Uint32Array.from(o.context);
    this.margin = o.margin ?? Infinity;
    this.bytes = this.canon.textBytes(o.text);
  }

  static async create(o: CoverOptions): Promise<CoverMachine> {
    const m = new CoverMachine(o);
    await m.setup(o.signal);
    return m;
  }

  /** Only one cover is left and it ends with the text: plain token decoding from it is exact. */
  get collapsed(): boolean {
    return this.covers.length === 1 && this.covers[0].at === this.covers[0].tb.length;
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
    return res.map((d) => ({ ids: d.ids, lps: d.logProbs }));
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
      const tb = last < 0 ? new Uint8Array(0) : this.tok.bytesOf(last);
      const c = new Cover(w.length ? w.subarray(0, -1) : w, last, lp, split, tb, tb.length);
      c.ok = true;
      c.dist = distOf.get(w.join());
      found.set(w.join(), c);
    }
    for (const { i, heads, cands } of splits) {
      for (const h of heads) {
        const hp = logpOf(h);
        const d = distOf.get(h.join())!;
        if (hp === -Infinity) continue;
        const add = (t: number, lp: number) => {
          const tb = this.tok.bytesOf(t);
          // An empty remainder is a whole encoding, found above when canonical.
          if (lp > -Infinity && tb.length > n - i) found.set(`${h.join()}/${t}`, new Cover(h, t, hp + lp, i, tb, n - i));
        };
        if (d.ids.length > cands.length) for (const t of cands) add(t, lpOf(d, t));
        else for (let k = 0; k < d.ids.length; k++) if (this.startsWith(d.ids[k], y.subarray(i))) add(d.ids[k], d.lps[k]);
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
      const ref = this.covers.reduce((m, c) => Math.max(m, c.logp), -Infinity);
      const w = this.covers.map((c) => Math.exp(c.logp - ref));
      let r = rand() * w.reduce((a, b) => a + b, 0);
      let k = 0;
      while (k < w.length - 1 && r >= w[k]) r -= w[k++];
      if (this.check(this.covers[k])) return this.covers[k];
      this.covers.splice(k, 1);
    }
  }

  private startsWith(t: number, prefix: Uint8Array): boolean {
    if (this.canon.firstByte[t] !== prefix[0]) return false;
    const b = this.tok.bytesOf(t);
    return b.length >= prefix.length && prefix.every((c, j) => b[j] === c);
  }

  /** Checks a cover's canonicality (cached on it). */
  check(c: Cover): boolean {
    if (c.ok === undefined) {
      const z = concatBytes(this.bytes.subarray(this.cut, c.split), c.tb);
      c.ok = this.canon.isPrefix(tailOf(c), z, this.cut === 0);
    }
    return c.ok;
  }

  /** Whether the empty-remainder cover `e` extended by token t stays canonical (cached on its distribution). */
  canExtend(e: Cover, t: number): boolean {
    const checks = (e.dist!.checks ??= new Uint8Array(this.tok.vocabSize));
    if (!checks[t]) {
      const z = concatBytes(this.bytes.subarray(this.cut), this.tok.bytesOf(t));
      checks[t] = this.canon.isPrefix(concatIds(tailOf(e), t), z, this.cut === 0) ? 1 : 2;
    }
    return checks[t] === 1;
  }

  private prune(): void {
    this.covers = this.covers.filter((c) => c.ok !== false);
    let best = -Infinity;
    for (const c of this.covers) if (c.ok && c.logp > best) best = c.logp;
    if (this.margin !== Infinity) this.covers = this.covers.filter((c) => c.logp >= best - this.margin);
  }

  /** The text so far ends on a character boundary (only then may it end: the end-of-text token). */
  get textComplete(): boolean {
    return utf8State(this.bytes.subarray(this.cut)).kind === 'valid';
  }

  /** The exact P(next byte | text) and P(stop | text), over the covers kept (nextByte.ts). */
  nextByteDistribution(): ByteDistribution {
    return nextByteDistribution(this);
  }

  /** The most likely next byte: 256 = stop, -1 when the text has no continuation (nextByte.ts). */
  greedyByte(): number {
    return greedyByte(this);
  }

  /** Consumes byte b: keeps the covers whose remainder starts with b, adds the extensions starting with b. */
  async advance(b: number, signal?: AbortSignal): Promise<void> {
    const thr = bestNext(this, b) - this.margin;
    const next: Cover[] = [];
    const n = this.bytes.length;
    const first = this.canon.firstByte;
    for (const c of this.covers) {
      if (c.at < c.tb.length) {
        if (c.tb[c.at] === b && c.ok !== false) c.at++, next.push(c);
        continue;
      }
      const { ids, lps, checks } = c.dist!;
      const head = tailOf(c);
      for (let k = 0; k < ids.length; k++) {
        const t = ids[k];
        const lp = c.logp + lps[k];
        if (first[t] !== b || !(lp >= thr) || lp === -Infinity || checks?.[t] === 2) continue;
        const e = new Cover(head, t, lp, n, this.tok.bytesOf(t), 1);
        if (checks?.[t] === 1) e.ok = true;
        next.push(e);
      }
    }
    this.bytes = concatBytes(this.bytes, Uint8Array.of(b));
    this.covers = next.filter((c) => c.at < c.tb.length || this.check(c));
    this.prune();
    await this.fetchDists(signal);
    this.rebase();
  }

  private async fetchDists(signal?: AbortSignal): Promise<void> {
    const empty = this.covers.filter((c) => c.at === c.tb.length && !c.dist);
    const dists = await this.ask(empty.map(tailOf), signal);
    empty.forEach((c, i) => (c.dist = dists[i]));
  }

  /** Sampling shortcut: keeps only cover c, its remainder becoming text (every continuation has one shortest cover). */
  async commit(c: Cover, signal?: AbortSignal): Promise<void> {
    this.bytes = concatBytes(this.bytes, c.rem);
    c.at = c.tb.length;
    this.covers = [c];
    await this.fetchDists(signal);
    this.rebase();
  }

  /** Token decoding once collapsed: appends token t (canonical, see `canExtend`) to the one cover; one model call. */
  async extend(t: number, signal?: AbortSignal): Promise<void> {
    const e = this.covers[0];
    const tb = this.tok.bytesOf(t);
    const c = new Cover(tailOf(e), t, e.logp + lpOf(e.dist!, t), this.bytes.length, tb, tb.length);
    c.ok = true;
    this.bytes = concatBytes(this.bytes, tb);
    this.covers = [c];
    await this.fetchDists(signal);
    this.rebase();
  }

  /** Moves the cut forward (to a restart point before every cover's last token) so that checks stay short. */
  private rebase(): void {
    if (this.bytes.length - this.cut < 512 || !this.covers.length) return;
    const p = this.canon.cut(this.bytes, this.covers.reduce((m, c) => Math.min(m, c.split), Infinity));
    if (p <= this.cut) return;
    const h = this.covers[0].head;
    let k = 0;
    let at = this.cut;
    while (at < p && k < h.length) at += this.tok.bytesOf(h[k++]).length;
    if (at !== p) return;
    const same = (c: Cover) => c.head.length >= k && c.head.subarray(0, k).every((t, j) => t === h[j]);
    if (!this.covers.every(same)) return;
    this.base = concatIds(this.base, ...h.subarray(0, k));
    for (const c of this.covers) c.head = c.head.subarray(k);
    this.cut = p;
  }
}
