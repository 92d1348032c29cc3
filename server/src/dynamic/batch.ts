/**
 * Batch merges (Retrofitting's dynamic tokenization, research.md §5): learn up to M merges on a batch's own base
 * tokens — the most frequent adjacent pair allowed by the boundary mode, re-counted after each merge (the domain
 * trainer, train.ts) — then measure by re-tokenising: the learned table is applied to every segment (apply.ts), which
 * gives the exact count after each number of merges m ≤ M at once. The held-out figures fit the same way on the first
 * part of the batch and apply the table to the rest.
 */
import { MergeTable } from '../domain/merges';
import { trainMerges } from '../domain/train';
import type { Tokenizer } from '../tokenizers/types';
import { applyCounting } from './apply';
import { ChunkList, SegmentBag } from './bag';
import { type BoundaryMode, segmentText } from './segments';
import type { BatchReport, CurvePoint, MergeInfo, MergeStep } from './types';

export interface FitOptions {
  boundary: BoundaryMode;
  /** The largest number of merges to learn (the last entry of `checkpoints` by default). */
  maxMerges: number;
  /** The m values reported in `steps` (default 10, 100, 1000, capped at maxMerges). */
  checkpoints?: number[];
  /** A pair must occur at least this often to be merged (default 2: a merge used once saves nothing net). */
  minFrequency?: number;
  /** How many merges `top` lists (default 20). */
  top?: number;
}

/** What one fit learned and how it measures on its own batch and, optionally, on another. */
export interface Fit {
  table: MergeTable;
  merges: Array<[number, number]>;
  /** Exact tokens of the batch after the first m merges, m = 0 … merges.length. */
  tokensAt: Float64Array;
  /** Tokens saved by merge r alone (its joins, weighted by segment counts). */
  joins: Float64Array;
  /** The learner's own running count after all merges (tests compare it with `tokensAt`). */
  trainerTokensAfter: number;
}

/** Base-encodes and segments texts into a bag. */
export function bagOf(tok: Tokenizer, mode: BoundaryMode, texts: Iterable<string>, bag = new SegmentBag()): SegmentBag {
  for (const text of texts) bag.addSegmented(segmentText(tok, mode, text));
  return bag;
}

type Chunks = SegmentBag | ChunkList;

/** Learns up to `maxMerges` merges on the bag and measures the bag with them. */
export function fitBag(tok: Tokenizer, bag: Chunks, maxMerges: number, minFrequency = 2): Fit {
  const chunks = bag instanceof ChunkList ? bag.chunks : bag.chunks();
  const trained = trainMerges(chunks, { baseSize: tok.vocabSize, merges: maxMerges, minFrequency });
  const table = new MergeTable(tok.vocabSize, trained.merges);
  const joins = measureJoins(table, bag);
  const tokensAt = cumulative(bag.tokens, joins);
  return { table, merges: trained.merges, tokensAt, joins, trainerTokensAfter: trained.stats.tokensAfter + bag.singles };
}

/** The Fit of merges learned elsewhere (a worker): the bag measured with them; `tokensAfter` is the learner's count. */
export function fitFromMerges(tok: Tokenizer, bag: Chunks, merges: Array<[number, number]>, tokensAfter: number): Fit {
  const table = new MergeTable(tok.vocabSize, merges);
  const joins = measureJoins(table, bag);
  return { table, merges, tokensAt: cumulative(bag.tokens, joins), joins, trainerTokensAfter: tokensAfter + bag.singles };
}

/** Joins per merge when the table is applied to every segment of the bag. */
export function measureJoins(table: MergeTable, bag: Chunks): Float64Array {
  const joins = new Float64Array(table.size);
  if (table.size === 0) return joins;
  for (const c of bag instanceof ChunkList ? bag.chunks : bag.chunks()) {
    const ids = c.ids;
    // Most segments hold no pair of the table: skip them without copying.
    let any = false;
    for (let i = 0; i + 1 < ids.length && !any; i++) any = table.rank(ids[i], ids[i + 1]) >= 0;
    if (any) applyCounting(table, ids.slice(), 0, ids.length, joins, c.count);
  }
  return joins;
}

export function cumulative(before: number, joins: Float64Array): Float64Array {
  const out = new Float64Array(joins.length + 1);
  out[0] = before;
  for (let r = 0; r < joins.length; r++) out[r + 1] = out[r] - joins[r];
  return out;
}

/** The curve's m values: 0, 1, 2, 5, 10, 20, 50, … up to `max`, and `max` itself. */
export function curveMs(max: number): number[] {
  const out = [0];
  for (let d = 1; d <= max; d *= 10) for (const k of [1, 2, 5]) if (k * d <= max) out.push(k * d);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

/**
 * The whole report for a batch already cut into a fitting bag (`all`) and, for the held-out figures, a training part
 * and a held-out part (either may be empty: no held-out figures then).
 */
export function reportBags(
  tok: Tokenizer,
  options: FitOptions,
  all: Chunks,
  train?: Chunks,
  heldOut?: Chunks,
  /** Work done elsewhere (a worker learned the training part's merges while this thread learned all). */
  done: { all?: Fit; trainMerges?: Array<[number, number]> } = {},
): { report: BatchReport; fit: Fit } {
  const minFrequency = options.minFrequency ?? 2;
  const checkpoints = (options.checkpoints ?? [10, 100, 1000]).filter((m) => m <= options.maxMerges);
  const fit = done.all ?? fitBag(tok, all, options.maxMerges, minFrequency);
  const learned = fit.merges.length;
  let held: { tokensAt: Float64Array; tokens: number } | undefined;
  if (train && heldOut && heldOut.tokens > 0 && train.tokens > 0) {
    const table = done.trainMerges ? new MergeTable(tok.vocabSize, done.trainMerges) : fitBag(tok, train, options.maxMerges, minFrequency).table;
    held = { tokensAt: cumulative(heldOut.tokens, measureJoins(table, heldOut)), tokens: heldOut.tokens };
  }
  const bytes = pieceBytes(tok, fit.merges);
  const widths = pieceWidths(tok.vocabSize, fit.merges);
  const before = fit.tokensAt[0];
  const at = (arr: Float64Array, m: number) => arr[Math.min(m, arr.length - 1)];
  const step = (m: number): MergeStep => {
    const used = Math.min(m, learned);
    const tokens = at(fit.tokensAt, m);
    let newBytes = 0;
    let definitionTokens = 0;
    for (let r = 0; r < used; r++) {
      newBytes += bytes[r].length;
      definitionTokens += widths[r];
    }
    const s: MergeStep = {
      merges: m,
      learned: used,
      tokens,
      saving: before - tokens,
      savingPct: pct(before - tokens, before),
      newEntries: used,
      newBytes,
      definitionTokens,
      netSaving: before - tokens - definitionTokens,
    };
    if (held) {
      const t = at(held.tokensAt, m);
      s.heldOut = { tokensBefore: held.tokens, tokens: t, saving: held.tokens - t, savingPct: pct(held.tokens - t, held.tokens) };
    }
    return s;
  };
  const curve: CurvePoint[] = curveMs(options.maxMerges).map((m) => ({
    merges: m,
    tokens: at(fit.tokensAt, m),
    ...(held ? { heldOutTokens: at(held.tokensAt, m) } : {}),
  }));
  const decoder = new TextDecoder();
  const top: MergeInfo[] = [...fit.joins.keys()]
    .sort((a, b) => fit.joins[b] - fit.joins[a] || a - b)
    .slice(0, options.top ?? 20)
    .map((r) => ({
      rank: r,
      id: tok.vocabSize + r,
      text: decoder.decode(bytes[r]),
      left: decoder.decode(bytes[fit.merges[r][0] - tok.vocabSize] ?? tok.bytesOf(fit.merges[r][0])),
      right: decoder.decode(bytes[fit.merges[r][1] - tok.vocabSize] ?? tok.bytesOf(fit.merges[r][1])),
      frequency: fit.joins[r],
      saving: fit.joins[r],
      baseTokens: widths[r],
    }));
  const report: BatchReport = {
    tokenizer: tok.name,
    boundary: options.boundary,
    tokensBefore: before,
    learned,
    trainerTokensAfter: fit.trainerTokensAfter,
    steps: checkpoints.map(step),
    final: step(options.maxMerges),
    curve,
    top,
    heldOut: held ? { tokensBefore: held.tokens, trainTokens: train!.tokens } : undefined,
  };
  return { report, fit };
}

function pct(part: number, whole: number): number {
  return whole > 0 ? Math.round((1e4 * part) / whole) / 100 : 0;
}

/** The bytes of each new token. */
export function pieceBytes(tok: Tokenizer, merges: ReadonlyArray<readonly [number, number]>): Uint8Array[] {
  const out: Uint8Array[] = [];
  const of = (id: number) => (id < tok.vocabSize ? tok.bytesOf(id) : out[id - tok.vocabSize]);
  for (const [a, b] of merges) {
    const x = of(a);
    const y = of(b);
    const z = new Uint8Array(x.length + y.length);
    z.set(x);
    z.set(y, x.length);
    out.push(z);
  }
  return out;
}

/** How many base tokens each new token spans (what it costs to spell it in the base vocabulary). */
export function pieceWidths(baseSize: number, merges: ReadonlyArray<readonly [number, number]>): Uint32Array {
  const w = new Uint32Array(merges.length);
  const of = (id: number) => (id < baseSize ? 1 : w[id - baseSize]);
  merges.forEach(([a, b], r) => (w[r] = of(a) + of(b)));
  return w;
}

/**
 * The split for held-out figures: the first 80% of the texts fit, the rest is held out; a single text is split at
 * the line that ends its first 80% of lines.
 */
export function splitForHeldOut(texts: readonly string[], share = 0.8): { train: string[]; heldOut: string[] } {
  if (texts.length >= 2) {
    const cut = Math.min(texts.length - 1, Math.max(1, Math.floor(texts.length * share)));
    return { train: texts.slice(0, cut), heldOut: texts.slice(cut) };
  }
  if (texts.length === 0) return { train: [], heldOut: [] };
  const text = texts[0];
  const lines = text.split('\n').length;
  const want = Math.floor(lines * share);
  let at = 0;
  for (let k = 0; k < want; k++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return { train: [text.slice(0, at)], heldOut: [text.slice(at)] };
}

/** Batch merges for a list of texts (one document: its lines are split for the held-out figures). */
export function fitTexts(tok: Tokenizer, texts: readonly string[], options: FitOptions): { report: BatchReport; fit: Fit } {
  const { train, heldOut } = splitForHeldOut(texts);
  const trainBag = bagOf(tok, options.boundary, train);
  const heldBag = bagOf(tok, options.boundary, heldOut);
  // One document: the whole text is encoded again, since its two parts encoded apart can differ at the cut.
  const all: Chunks = texts.length === 1 ? bagOf(tok, options.boundary, texts) : ChunkList.of([trainBag, heldBag]);
  return reportBags(tok, options, all, trainBag, heldBag);
}
