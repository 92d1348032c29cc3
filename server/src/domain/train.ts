/**
 * Learns a merge table (see merges.ts) from a corpus of chunks: byte-pair encoding over ids, by the standard
 * incremental algorithm, so that 32k merges over a million tokens take seconds rather than hours.
 *
 * Each step takes the adjacent pair with the highest count — occurrences counted at every adjacent position (so
 * `a a a` holds (a, a) twice, as Hugging Face's trainer counts), times the chunk's count — ties going to the smaller
 * left id, then the smaller right id. Its occurrences are then joined left to right without overlap, exactly as
 * `MergeTable.apply` joins one rank, so that applying the learned table to a training chunk reproduces the trainer's
 * final sequence for it. Counts are updated only around the joined occurrences, which each pair's occurrence list
 * leads to directly; the best pair comes from a max-heap whose entries are re-checked when they surface (counts of
 * existing pairs only ever fall: every pair that gains involves the id just created, so it is new).
 */
import { PairQueue, PairTable } from './pairQueue';

export interface TrainChunk {
  /** Symbol ids, all below `baseSize`. */
  ids: Uint32Array;
  /** How often the chunk occurs in the corpus. */
  count: number;
}

export interface TrainOptions {
  /** Ids below this are base symbols; merge r creates id `baseSize + r`. */
  baseSize: number;
  /** Learn at most this many merges (after the forced ones). */
  merges: number;
  /** Stop when the best pair occurs fewer times than this (never below 1). */
  minFrequency: number;
  /** Merges placed first, in this order (custom tokens), and applied to the corpus before learning. */
  forced?: ReadonlyArray<readonly [number, number]>;
  /** Pairs for which this returns false are never learned (forced merges are not asked). */
  allowPair?: (a: number, b: number) => boolean;
  /** Called every 1,000 learned merges, with how many have been learned. */
  onProgress?: (learned: number) => void;
}

export interface TrainStats {
  /** Tokens in the corpus (chunk lengths times counts) before and after merging. */
  tokensBefore: number;
  tokensAfter: number;
  /** Distinct pairs ever counted. */
  pairs: number;
  /** Occurrences visited while joining, plus heap operations: a machine-independent measure of the work done. */
  work: number;
}

export interface TrainResult {
  /** Forced merges first, then the learned ones; merge r creates id `baseSize + r`. */
  merges: Array<[number, number]>;
  stats: TrainStats;
}

export function trainMerges(chunks: readonly TrainChunk[], options: TrainOptions): TrainResult {
  const { merges, stats } = trainMergesWithSequences(chunks, options);
  return { merges, stats };
}

/** `trainMerges`, also returning every chunk's final sequence (same order as `chunks`): what the tests compare. */
export function trainMergesWithSequences(chunks: readonly TrainChunk[], options: TrainOptions): TrainResult & { sequences: Uint32Array[] } {
  const trainer = new Trainer(chunks, options);
  const merges = trainer.run();
  return { merges, stats: trainer.stats(), sequences: chunks.map((_, w) => trainer.sequence(w)) };
}

/** Marks a symbol absorbed into its left neighbour. */
const DEAD = 0xffffffff;

class Trainer {
  private readonly baseSize: number;
  private readonly threshold: number;
  private readonly allowPair?: (a: number, b: number) => boolean;
  // Every chunk's symbols in one buffer, chunk w from start[w]; a join keeps the left position and kills the right
  // one, and next/prev link the live positions within a chunk (-1 at its ends). Positions never move, so the
  // occurrence lists stay valid, and a merge visits only the positions where its pair occurs: no rescanning of long
  // chunks (the legal corpus has lines of 70,000 tokens).
  private readonly symbols: Uint32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly chunkOf: Int32Array;
  private readonly start: Int32Array;
  private readonly weight: Float64Array;
  private readonly table = new PairTable();
  private readonly queue = new PairQueue(this.table);
  /** Pairs created by the step in progress: pushed on the queue once their counts are complete. */
  private created: number[] = [];
  private visited = 0;
  private readonly tokensBefore: number;

  constructor(chunks: readonly TrainChunk[], private readonly options: TrainOptions) {
    this.baseSize = options.baseSize;
    this.threshold = Math.max(1, options.minFrequency);
    this.allowPair = options.allowPair;
    const total = chunks.reduce((n, c) => n + c.ids.length, 0);
    this.symbols = new Uint32Array(total);
    this.next = new Int32Array(total);
    this.prev = new Int32Array(total);
    this.chunkOf = new Int32Array(total);
    this.start = new Int32Array(chunks.length + 1);
    this.weight = new Float64Array(chunks.length);
    let at = 0;
    let tokens = 0;
    chunks.forEach((chunk, w) => {
      if (!(chunk.count >= 0) || !Number.isInteger(chunk.count)) throw new Error(`chunk ${w}: count ${chunk.count} is not a whole number`);
      const n = chunk.ids.length;
      for (let i = 0; i < n; i++) {
        const id = chunk.ids[i];
        if (id >= this.baseSize) throw new Error(`chunk ${w}: id ${id} is not below baseSize ${this.baseSize}`);
        this.symbols[at + i] = id;
        this.next[at + i] = i + 1 < n ? at + i + 1 : -1;
        this.prev[at + i] = i > 0 ? at + i - 1 : -1;
        this.chunkOf[at + i] = w;
      }
      this.start[w] = at;
      this.weight[w] = chunk.count;
      at += n;
      tokens += n * chunk.count;
    });
    this.start[chunks.length] = at;
    this.tokensBefore = tokens;
  }

  run(): Array<[number, number]> {
    const merges: Array<[number, number]> = [];
    // Chunks of count 0 are listed too (adding 0), so that they are merged like the rest and still match apply().
    for (let i = 0; i < this.symbols.length; i++) {
      if (this.next[i] >= 0) this.add(this.symbols[i], this.symbols[i + 1], this.weight[this.chunkOf[i]], i);
    }
    this.pushCreated();

    for (const [a, b] of this.options.forced ?? []) {
      const r = merges.length;
      // The same checks as MergeTable, so that a table it would refuse is refused here first.
      if (a >= this.baseSize + r || b >= this.baseSize + r) throw new Error(`forced merge ${r} uses an id not defined before it (${a}, ${b})`);
      if (merges.some(([x, y]) => x === a && y === b)) throw new Error(`forced merge ${r} repeats the pair (${a}, ${b})`);
      const p = this.table.find(a, b);
      if (p >= 0) this.merge(p, this.baseSize + r);
      merges.push([a, b]);
    }

    const table = this.table;
    const queue = this.queue;
    let learned = 0;
    while (learned < this.options.merges && queue.size > 0) {
      const p = queue.topPair;
      const recorded = queue.topCount;
      queue.pop();
      const count = table.count[p];
      if (count !== recorded) {
        // Stale: the count fell since the entry was pushed. Re-queue it at its true count if it can still win.
        if (count >= this.threshold) queue.push(p, count);
        continue;
      }
      if (count < this.threshold) break;
      merges.push([table.left[p], table.right[p]]);
      this.merge(p, this.baseSize + merges.length - 1);
      learned++;
      if (learned % 1000 === 0) this.options.onProgress?.(learned);
    }
    return merges;
  }

  /**
   * Joins every occurrence of pair p into `id`, left to right without overlap (positions ascending: in `a a a` the
   * join at 0 kills position 1, so the occurrence listed at 1 is skipped), and updates the counts of the pairs
   * around each join.
   */
  private merge(p: number, id: number): void {
    const table = this.table;
    const a = table.left[p];
    const b = table.right[p];
    const { symbols: sym, next, prev } = this;
    const positions = table.takeOccurrences(p);
    this.visited += positions.length;
    let last = -1;
    for (const i of positions) {
      if (i <= last) throw new Error('internal: occurrences out of order');
      last = i;
      // Stale: i was absorbed or joined since (its symbol changed), or its right neighbour was (a new id, never b).
      if (sym[i] !== a) continue;
      const j = next[i];
      if (j < 0 || sym[j] !== b) continue;
      const c = this.weight[this.chunkOf[i]];
      const before = prev[i];
      const after = next[j];
      // Old pairs go: (before, a) — unless before is a join of this pass, whose right pair (b, a) went already —
      // (a, b) and (b, after). New pairs come: (before, id), and (id, after) unless after starts the next join,
      // which adds it as its left pair.
      if (before >= 0) {
        if (sym[before] !== id) this.remove(sym[before], a, c);
        this.add(sym[before], id, c, before);
      }
      this.remove(a, b, c);
      if (after >= 0) {
        this.remove(b, sym[after], c);
        const n2 = next[after];
        if (!(sym[after] === a && n2 >= 0 && sym[n2] === b)) this.add(id, sym[after], c, i);
        prev[after] = i;
      }
      sym[i] = id;
      next[i] = after;
      sym[j] = DEAD;
    }
    // Every occurrence was counted at an adjacent position and removed once; anything left is a bug, not data.
    if (table.count[p] !== 0) throw new Error(`internal: pair (${a}, ${b}) still counts ${table.count[p]} after merging`);
    this.pushCreated();
  }

  private add(x: number, y: number, c: number, position: number): void {
    const table = this.table;
    const q = table.intern(x, y);
    if (table.isNew) {
      // Each pair is created once (later steps cannot make two old ids adjacent), so allowPair is asked once.
      table.allowed[q] = !this.allowPair || this.allowPair(x, y) ? 1 : 0;
      this.created.push(q);
    }
    table.count[q] += c;
    table.addOccurrence(q, position);
  }

  private remove(x: number, y: number, c: number): void {
    this.table.count[this.table.find(x, y)] -= c;
  }

  private pushCreated(): void {
    const table = this.table;
    for (const q of this.created) if (table.allowed[q] && table.count[q] >= this.threshold) this.queue.push(q, table.count[q]);
    this.created = [];
  }

  sequence(w: number): Uint32Array {
    const out: number[] = [];
    if (this.start[w + 1] > this.start[w]) for (let i = this.start[w]; i >= 0; i = this.next[i]) out.push(this.symbols[i]);
    return Uint32Array.from(out);
  }

  stats(): TrainStats {
    let tokens = 0;
    for (let i = 0; i < this.symbols.length; i++) if (this.symbols[i] !== DEAD) tokens += this.weight[this.chunkOf[i]];
    return { tokensBefore: this.tokensBefore, tokensAfter: tokens, pairs: this.table.size, work: this.visited + this.queue.operations };
  }
}
