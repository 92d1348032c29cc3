/**
 * A small tokenized language model of our own, for measuring de-biasing where no real code model can be had: a token
 * n-gram model with interpolated absolute discounting down to a unigram and a uniform floor, over any engine
 * vocabulary. It gives a complete next-token distribution (every id has mass), like an in-process model. It is a
 * prefix-only model: it knows nothing of FIM suffixes.
 */
import type { NextTokenDistribution, TokenModel } from './types';

/** Counts of the tokens that followed one context. */
interface Follow {
  total: number;
  counts: Map<number, number>;
}

export interface NgramOptions {
  vocabSize: number;
  eosId: number;
  /** Tokens of context + 1 (default 4). */
  order?: number;
  /** The absolute discount (default 0.75). */
  discount?: number;
  /** Mass spread evenly over the whole vocabulary before the unigram (default 1e-6). */
  floor?: number;
}

export class NgramModel implements TokenModel {
  readonly eosId: number;
  private readonly order: number;
  private readonly discount: number;
  private readonly floor: number;
  private readonly vocabSize: number;
  /** contexts[k]: contexts of k tokens (k = 0 is the unigram, keyed ''). */
  private readonly contexts: Map<string, Follow>[] = [];
  private readonly allIds: Uint32Array;

  constructor(options: NgramOptions) {
    this.vocabSize = options.vocabSize;
    this.eosId = options.eosId;
    this.order = options.order ?? 4;
    this.discount = options.discount ?? 0.75;
    this.floor = options.floor ?? 1e-6;
    for (let k = 0; k < this.order; k++) this.contexts.push(new Map());
    this.allIds = new Uint32Array(this.vocabSize);
    for (let i = 0; i < this.vocabSize; i++) this.allIds[i] = i;
  }

  /** Adds one document's ids (followed by the end-of-text token). */
  train(ids: ArrayLike<number>): void {
    const seq = Array.from(ids);
    seq.push(this.eosId);
    for (let i = 0; i < seq.length; i++) {
      for (let k = 0; k < this.order && k <= i; k++) {
        const key = seq.slice(i - k, i).join(',');
        let f = this.contexts[k].get(key);
        if (!f) this.contexts[k].set(key, (f = { total: 0, counts: new Map() }));
        f.total++;
        f.counts.set(seq[i], (f.counts.get(seq[i]) ?? 0) + 1);
      }
    }
  }

  /** The full distribution after `context`, from the shortest context to the longest that was seen. */
  async next(context: Uint32Array): Promise<NextTokenDistribution> {
    const p = new Float64Array(this.vocabSize).fill(1 / this.vocabSize);
    for (let k = 0; k < this.order && k <= context.length; k++) {
      const key = Array.from(context.subarray(context.length - k)).join(',');
      const f = this.contexts[k].get(key);
      if (!f) break;
      // p_k(w) = max(c(h, w) − D, 0) / c(h) + (D · |{w: c(h, w) > 0}| / c(h)) · p_{k−1}(w); the unigram level also
      // keeps the uniform floor.
      const backoff = k === 0 ? Math.max(this.floor, (this.discount * f.counts.size) / f.total) : (this.discount * f.counts.size) / f.total;
      const keep = k === 0 ? 1 - backoff : 1;
      for (let i = 0; i < p.length; i++) p[i] *= backoff;
      for (const [id, c] of f.counts) p[id] += (keep * Math.max(c - this.discount, 0)) / f.total;
    }
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += p[i];
    const logProbs = new Float64Array(this.vocabSize);
    for (let i = 0; i < p.length; i++) logProbs[i] = Math.log(p[i] / sum);
    return { ids: this.allIds, logProbs, complete: true };
  }
}
