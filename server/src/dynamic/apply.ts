/**
 * `MergeTable.apply` with a tally: the same BPE over ids (lowest rank first, leftmost first), also adding `weight` to
 * `joins[r]` for every join made by merge r. Since a join by merge r only creates pairs of higher ranks, the joins of
 * rank r happen exactly when the learner made them, so `joins[r]` is the exact saving of merge r and the count after
 * the first m merges is the count before minus the first m joins — a re-tokenisation, not a sum of n-gram counts.
 * (The tests check it against `MergeTable.apply` with m merges and against a fresh encode.)
 */
import type { MergeTable } from '../domain/merges';

export function applyCounting(table: MergeTable, ids: Uint32Array, from: number, to: number, joins: Float64Array, weight: number): number {
  const n = to - from;
  if (n < 2) return n;
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const sym = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
    sym[i] = ids[from + i];
  }
  const heap = new RankHeap();
  for (let i = 0; i + 1 < n; i++) {
    const r = table.rank(sym[i], sym[i + 1]);
    if (r >= 0) heap.push(r, i);
  }
  if (heap.size === 0) return n;
  const alive = new Uint8Array(n).fill(1);
  const base = table.baseSize;
  let length = n;
  while (heap.size > 0) {
    const r = heap.topRank;
    const i = heap.topPos;
    heap.pop();
    const j = next[i];
    if (!alive[i] || j < 0 || table.rank(sym[i], sym[j]) !== r) continue;
    sym[i] = base + r;
    joins[r] += weight;
    length--;
    alive[j] = 0;
    next[i] = next[j];
    if (next[j] >= 0) prev[next[j]] = i;
    const p = prev[i];
    if (p >= 0) {
      const rp = table.rank(sym[p], sym[i]);
      if (rp >= 0) heap.push(rp, p);
    }
    if (next[i] >= 0) {
      const rn = table.rank(sym[i], sym[next[i]]);
      if (rn >= 0) heap.push(rn, i);
    }
  }
  let out = from;
  for (let i = 0; i >= 0; i = next[i]) ids[out++] = sym[i];
  return length;
}

/** Min-heap of (rank, position), rank then position: MergeTable's order. */
class RankHeap {
  private r: number[] = [];
  private p: number[] = [];
  get size(): number {
    return this.r.length;
  }
  get topRank(): number {
    return this.r[0];
  }
  get topPos(): number {
    return this.p[0];
  }
  push(rank: number, pos: number): void {
    const r = this.r;
    const p = this.p;
    let i = r.length;
    r.push(rank);
    p.push(pos);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (r[up] < rank || (r[up] === rank && p[up] < pos)) break;
      r[i] = r[up];
      p[i] = p[up];
      i = up;
    }
    r[i] = rank;
    p[i] = pos;
  }
  pop(): void {
    const r = this.r;
    const p = this.p;
    const lr = r.pop()!;
    const lp = p.pop()!;
    const n = r.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const a = 2 * i + 1;
      if (a >= n) break;
      const b = a + 1;
      const m = b < n && (r[b] < r[a] || (r[b] === r[a] && p[b] < p[a])) ? b : a;
      if (lr < r[m] || (lr === r[m] && lp < p[m])) break;
      r[i] = r[m];
      p[i] = p[m];
      i = m;
    }
    r[i] = lr;
    p[i] = lp;
  }
}
