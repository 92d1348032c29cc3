/**
 * The domain tokenizer's merge trainer against a naive reference that recounts every pair at every step, and against
 * MergeTable.apply: encoding a training chunk with the learned table must give the trainer's own final sequence.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MergeTable, pairKey } from '../../server/src/domain/merges';
import { type TrainChunk, type TrainOptions, trainMerges, trainMergesWithSequences } from '../../server/src/domain/train';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { firstDiff, randomText, rng, sameIds, SKIP_NO_SHARED, sharedData } from './support';

/** Joins (a, b) into id left to right without overlap, in every sequence. */
function replaceAll(seqs: number[][], a: number, b: number, id: number): void {
  for (const seq of seqs) {
    const out: number[] = [];
    for (let i = 0; i < seq.length; ) {
      if (i + 1 < seq.length && seq[i] === a && seq[i + 1] === b) {
        out.push(id);
        i += 2;
      } else out.push(seq[i++]);
    }
    seq.splice(0, seq.length, ...out);
  }
}

/** The trainer's definition, done the slow way: recount every adjacent position of every chunk at every step. */
function naiveTrain(chunks: readonly TrainChunk[], options: TrainOptions): { merges: Array<[number, number]>; sequences: number[][] } {
  const seqs = chunks.map((c) => Array.from(c.ids));
  const merges: Array<[number, number]> = [];
  for (const [a, b] of options.forced ?? []) {
    replaceAll(seqs, a, b, options.baseSize + merges.length);
    merges.push([a, b]);
  }
  for (let learned = 0; learned < options.merges; learned++) {
    const counts = new Map<number, { a: number; b: number; n: number }>();
    seqs.forEach((seq, w) => {
      for (let i = 0; i + 1 < seq.length; i++) {
        const key = pairKey(seq[i], seq[i + 1]);
        const e = counts.get(key) ?? { a: seq[i], b: seq[i + 1], n: 0 };
        e.n += chunks[w].count;
        counts.set(key, e);
      }
    });
    let best: { a: number; b: number; n: number } | undefined;
    for (const e of counts.values()) {
      if (options.allowPair && !options.allowPair(e.a, e.b)) continue;
      if (!best || e.n > best.n || (e.n === best.n && (e.a < best.a || (e.a === best.a && e.b < best.b)))) best = e;
    }
    if (!best || best.n < Math.max(1, options.minFrequency)) break;
    replaceAll(seqs, best.a, best.b, options.baseSize + merges.length);
    merges.push([best.a, best.b]);
  }
  return { merges, sequences: seqs };
}

/** Asserts that MergeTable.apply on each original chunk gives the trainer's final sequence. */
function assertApplyMatches(chunks: readonly TrainChunk[], baseSize: number, merges: Array<[number, number]>, sequences: Uint32Array[], label: string): void {
  const table = new MergeTable(baseSize, merges);
  chunks.forEach((chunk, w) => {
    const ids = chunk.ids.slice();
    const n = table.apply(ids, 0, ids.length);
    const got = ids.subarray(0, n);
    assert.ok(sameIds(got, sequences[w]), `${label}, chunk ${w}: apply differs from the trainer at ${firstDiff(got, sequences[w])}`);
  });
}

interface RandomCase {
  chunks: TrainChunk[];
  options: TrainOptions;
}

/** Small corpora with few symbols and small counts, so that ties, runs like `a a a` and forced merges are common. */
function randomCase(seed: number): RandomCase {
  const rand = rng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const alphabet = 1 + int(6);
  const baseSize = alphabet + int(4);
  const chunks: TrainChunk[] = [];
  for (let n = 1 + int(25); n > 0; n--) {
    const ids = new Uint32Array(int(18));
    for (let i = 0; i < ids.length; i++) ids[i] = int(alphabet);
    chunks.push({ ids, count: int(10) === 0 ? 0 : 1 + int(4) });
  }
  const forced: Array<[number, number]> = [];
  for (let n = int(3) === 0 ? int(4) : 0; n > 0; n--) {
    const limit = baseSize + forced.length;
    const pair: [number, number] = [int(limit), int(limit)];
    if (!forced.some(([a, b]) => a === pair[0] && b === pair[1])) forced.push(pair);
  }
  const banned = int(3) === 0 ? 1 + int(5) : 0;
  const options: TrainOptions = {
    baseSize,
    merges: int(40),
    minFrequency: int(4),
    forced,
    allowPair: banned ? (a, b) => (a * 7 + b * 3) % (banned + 1) !== 0 : undefined,
  };
  return { chunks, options };
}

test('trainer: the same merges as the naive reference, and apply() reproduces its sequences, on 2,000 random corpora', () => {
  for (let seed = 1; seed <= 2_000; seed++) {
    const { chunks, options } = randomCase(seed);
    const want = naiveTrain(chunks, options);
    const got = trainMergesWithSequences(chunks, options);
    assert.deepEqual(got.merges, want.merges, `seed ${seed}`);
    got.sequences.forEach((seq, w) => assert.deepEqual(Array.from(seq), want.sequences[w], `seed ${seed}, chunk ${w}`));
    assertApplyMatches(chunks, options.baseSize, got.merges, got.sequences, `seed ${seed}`);
  }
});

/** Pre-tokens of random text as UTF-8 bytes, deduplicated with counts: training from scratch over 256 byte ids. */
function byteChunks(text: string): TrainChunk[] {
  const counts = new Map<string, number>();
  for (const piece of text.match(/ ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+/gu) ?? []) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  return [...counts].map(([piece, count]) => ({ ids: new Uint32Array(Buffer.from(piece, 'utf8')), count }));
}

test('trainer: from scratch over bytes (many short chunks with large counts) equals the reference and apply()', () => {
  const chunks = byteChunks(randomText(rng(7), 30_000) + ' the law the law the court'.repeat(300));
  const options: TrainOptions = { baseSize: 256, merges: 200, minFrequency: 2, forced: [[32, 116], [256, 104]] };
  const want = naiveTrain(chunks, options);
  const got = trainMergesWithSequences(chunks, options);
  assert.deepEqual(got.merges, want.merges);
  assertApplyMatches(chunks, 256, got.merges, got.sequences, 'bytes');
  assert.equal(got.stats.tokensBefore, chunks.reduce((n, c) => n + c.ids.length * c.count, 0));
  assert.ok(got.stats.tokensAfter < got.stats.tokensBefore);
});

test('trainer: two runs give identical merges', () => {
  const chunks = byteChunks(randomText(rng(11), 40_000));
  const options: TrainOptions = { baseSize: 256, merges: 500, minFrequency: 1 };
  assert.deepEqual(trainMerges(chunks, options).merges, trainMerges(chunks, options).merges);
});

test('trainer: minFrequency and allowPair are respected; merges stops the count; onProgress reports', () => {
  const chunks = byteChunks(randomText(rng(13), 80_000));
  const noSpace = (a: number, b: number) => a !== 32 && b !== 32;
  const options: TrainOptions = { baseSize: 256, merges: 5_000, minFrequency: 5, allowPair: noSpace };
  const { merges, sequences } = trainMergesWithSequences(chunks, options);
  for (const [a, b] of merges) assert.ok(noSpace(a, b), `learned (${a}, ${b}) which allowPair rejects`);
  // Every pair left in the corpus (the merges must have stopped for want of frequency, not for the cap).
  assert.ok(merges.length < 5_000);
  const left = new Map<number, number>();
  sequences.forEach((seq, w) => {
    for (let i = 0; i + 1 < seq.length; i++) {
      const key = pairKey(seq[i], seq[i + 1]);
      if (noSpace(seq[i], seq[i + 1])) left.set(key, (left.get(key) ?? 0) + chunks[w].count);
    }
  });
  for (const n of left.values()) assert.ok(n < 5, `an allowed pair still occurs ${n} times`);
  let reports = 0;
  const capped = trainMerges(chunks, { baseSize: 256, merges: 2_500, minFrequency: 1, onProgress: () => reports++ });
  assert.equal(capped.merges.length, 2_500);
  assert.equal(reports, 2);
});

test('trainer: refuses ids not below baseSize and forced merges MergeTable would refuse', () => {
  assert.throws(() => trainMerges([{ ids: Uint32Array.of(1, 9), count: 1 }], { baseSize: 9, merges: 1, minFrequency: 1 }));
  assert.throws(() => trainMerges([], { baseSize: 4, merges: 1, minFrequency: 1, forced: [[0, 4]] }));
  assert.throws(() => trainMerges([], { baseSize: 4, merges: 1, minFrequency: 1, forced: [[0, 1], [0, 1]] }));
});

/** Lines of words drawn from one Zipf-like distribution, as byte chunks (no deduplication: every line counts once). */
function zipfLines(seed: number, lines: number): TrainChunk[] {
  const rand = rng(seed);
  const words = Array.from({ length: 2000 }, (_, i) => (i * 2654435761 >>> 0).toString(36).slice(0, 2 + (i % 7)));
  const chunks: TrainChunk[] = [];
  for (let l = 0; l < lines; l++) {
    let line = '';
    for (let n = 3 + Math.floor(rand() * 12); n > 0; n--) line += ' ' + words[Math.floor(words.length * rand() ** 3)];
    chunks.push({ ids: new Uint32Array(Buffer.from(line, 'utf8')), count: 1 });
  }
  return chunks;
}

test('trainer: work grows about linearly with the corpus (work counters, not time)', () => {
  const options: TrainOptions = { baseSize: 256, merges: 400, minFrequency: 1 };
  const work = [2_000, 8_000].map((lines) => {
    const chunks = zipfLines(3, lines);
    const { stats } = trainMerges(chunks, options);
    return { lines, work: stats.work, perToken: stats.work / stats.tokensBefore };
  });
  const ratio = work[1].work / work[0].work;
  assert.ok(ratio < 5.5, `4× the corpus took ${ratio.toFixed(2)}× the work (${JSON.stringify(work)})`);
  for (const w of work) assert.ok(w.perToken < 3, `work per token ${w.perToken.toFixed(1)} (${JSON.stringify(work)})`);
});

test('trainer: one long chunk: the reference and apply() agree, and work follows occurrences, not merges × length', () => {
  const rand = rng(5);
  const long = new Uint32Array(50_000);
  for (let i = 0; i < long.length; i++) long[i] = Math.floor(rand() ** 2 * 8);
  const short = [{ ids: long.slice(0, 3_000), count: 1 }];
  const want = naiveTrain(short, { baseSize: 8, merges: 150, minFrequency: 1 });
  const got = trainMergesWithSequences(short, { baseSize: 8, merges: 150, minFrequency: 1 });
  assert.deepEqual(got.merges, want.merges);
  assertApplyMatches(short, 8, got.merges, got.sequences, 'long');
  // Rescanning the chunk for every merge would be 5,000 × 50,000 symbols; visiting occurrences is a few per symbol.
  const { stats } = trainMerges([{ ids: long, count: 1 }], { baseSize: 8, merges: 5_000, minFrequency: 1 });
  assert.ok(stats.work < 4 * stats.tokensBefore, `work ${stats.work} for ${stats.tokensBefore} tokens`);
});

test('trainer: o200k tokens of legal text, chunked at newline tokens, apply() reproduces the trainer', (t) => {
  const dir = sharedData('legal');
  if (!dir) return t.skip(SKIP_NO_SHARED);
  const tok = getTokenizer('o200k_base');
  const text = readdirSync(dir).filter((n) => n.endsWith('.txt')).sort().slice(0, 3).map((n) => readFileSync(join(dir, n), 'utf8')).join('\n').slice(0, 300_000);
  const ids = tok.encodeIds(text);
  const newline = (id: number) => tok.bytesOf(id).includes(0x0a);
  // Each chunk ends with its newline token; identical chunks are counted once.
  const counts = new Map<string, { ids: Uint32Array; count: number }>();
  for (let from = 0; from < ids.length; ) {
    let to = from;
    while (to < ids.length && !newline(ids[to])) to++;
    const chunk = ids.slice(from, Math.min(to + 1, ids.length));
    const key = chunk.join(',');
    const e = counts.get(key);
    if (e) e.count++;
    else counts.set(key, { ids: chunk, count: 1 });
    from = to + 1;
  }
  const chunks = [...counts.values()];
  const allowPair = (a: number, b: number) => !(a < tok.vocabSize && newline(a)) && !(b < tok.vocabSize && newline(b));
  const options: TrainOptions = { baseSize: tok.vocabSize, merges: 3_000, minFrequency: 2, allowPair };
  const got = trainMergesWithSequences(chunks, options);
  assert.ok(got.merges.length > 100, `only ${got.merges.length} merges`);
  assertApplyMatches(chunks, tok.vocabSize, got.merges, got.sequences, 'legal');
  // Spot-check the reference on a prefix small enough for it.
  const small = chunks.slice(0, 400);
  const smallOptions = { ...options, merges: 150 };
  assert.deepEqual(trainMerges(small, smallOptions).merges, naiveTrain(small, smallOptions).merges);
});
