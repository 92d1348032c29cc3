/**
 * A bag of segments: the batch as the learner sees it — every segment of two or more base tokens once, with how often
 * it occurs, plus the tokens of one-token segments (which no merge can touch). Bags are built per file (possibly in a
 * worker), shipped as flat arrays and added together.
 */
import type { TrainChunk } from '../domain/train';
import type { Segmented } from './segments';

export interface PackedBag {
  /** Segment ids, concatenated. */
  ids: Uint32Array;
  lengths: Uint32Array;
  counts: Float64Array;
  singles: number;
}

export class SegmentBag {
  private readonly map = new Map<string, { ids: Uint32Array; count: number }>();
  /** Tokens in one-token segments. */
  singles = 0;

  get tokens(): number {
    let n = this.singles;
    for (const v of this.map.values()) n += v.ids.length * v.count;
    return n;
  }

  get distinct(): number {
    return this.map.size;
  }

  addSegmented(seg: Segmented): void {
    const { ids, cuts } = seg;
    for (let k = 0; k + 1 < cuts.length; k++) this.addSegment(ids, cuts[k], cuts[k + 1], 1);
  }

  addSegment(ids: Uint32Array, from: number, to: number, count: number): void {
    if (to - from < 2) {
      this.singles += (to - from) * count;
      return;
    }
    const key = keyOf(ids, from, to);
    const hit = this.map.get(key);
    if (hit) hit.count += count;
    else this.map.set(key, { ids: ids.slice(from, to), count });
  }

  addPacked(p: PackedBag): void {
    this.singles += p.singles;
    let at = 0;
    for (let k = 0; k < p.lengths.length; k++) {
      this.addSegment(p.ids, at, at + p.lengths[k], p.counts[k]);
      at += p.lengths[k];
    }
  }

  pack(): PackedBag {
    let total = 0;
    for (const v of this.map.values()) total += v.ids.length;
    const ids = new Uint32Array(total);
    const lengths = new Uint32Array(this.map.size);
    const counts = new Float64Array(this.map.size);
    let at = 0;
    let k = 0;
    for (const v of this.map.values()) {
      ids.set(v.ids, at);
      at += v.ids.length;
      lengths[k] = v.ids.length;
      counts[k++] = v.count;
    }
    return { ids, lengths, counts, singles: this.singles };
  }

  /** The learner's input, in insertion order (deterministic for the same inputs in the same order). */
  chunks(): TrainChunk[] {
    return [...this.map.values()].map((v) => ({ ids: v.ids, count: v.count }));
  }
}

/**
 * Chunks for the learner from several bags or packed bags, without merging them: the same segment in two bags is two
 * chunks, which the learner counts exactly like one chunk with the summed count (no re-keying in the calling thread).
 */
export class ChunkList {
  readonly chunks: TrainChunk[] = [];
  singles = 0;
  tokens = 0;

  static of(parts: ReadonlyArray<SegmentBag | PackedBag | ChunkList>): ChunkList {
    const list = new ChunkList();
    for (const p of parts) list.add(p);
    return list;
  }

  add(part: SegmentBag | PackedBag | ChunkList): void {
    if (part instanceof ChunkList) {
      for (const c of part.chunks) this.chunks.push(c);
      this.singles += part.singles;
      this.tokens += part.tokens;
      return;
    }
    if (part instanceof SegmentBag) {
      for (const c of part.chunks()) this.chunks.push(c);
      this.singles += part.singles;
      this.tokens += part.tokens;
      return;
    }
    let at = 0;
    let tokens = part.singles;
    for (let k = 0; k < part.lengths.length; k++) {
      const n = part.lengths[k];
      this.chunks.push({ ids: part.ids.subarray(at, at + n), count: part.counts[k] });
      tokens += n * part.counts[k];
      at += n;
    }
    this.singles += part.singles;
    this.tokens += tokens;
  }
}

/** The ids as a string key: their 16-bit halves as UTF-16 units, made by one native call per 16k ids. */
function keyOf(ids: Uint32Array, from: number, to: number): string {
  const units = new Uint16Array(ids.buffer, ids.byteOffset + 4 * from, 2 * (to - from));
  if (units.length <= 32768) return String.fromCharCode.apply(null, units as unknown as number[]);
  let key = '';
  for (let i = 0; i < units.length; i += 32768) key += String.fromCharCode.apply(null, units.subarray(i, i + 32768) as unknown as number[]);
  return key;
}
