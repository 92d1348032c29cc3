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
    let key = '';
    for (let i = from; i < to; i++) key += String.fromCharCode(ids[i] & 0xffff, ids[i] >>> 16);
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
