/**
 * Offset alignment shared by the normalisers.
 *
 * An alignment maps every UTF-16 unit `k` of a normalised text to the range `[start[k], end[k])` of its input. Both
 * arrays have `output.length + 1` entries; the last one is the input's length (for both arrays), so a caller can map
 * an empty range at the very end. The normalisers follow Hugging Face `tokenizers` unit for unit (checked against its
 * Rust binding in the tests): input a normaliser drops (Strip, marks composed away, a Replace's match but for its last
 * character) is not covered; inserted text takes the range of the input character before it (zero-width at the very
 * start). They also keep two invariants that the engine and `composeAlign` rely on: `start` and `end` never decrease,
 * and `start[k] <= end[k]`.
 */

export interface Alignment {
  start: Int32Array;
  end: Int32Array;
}

/** Allocates an alignment for an output of `outLength` units over an input of `inLength` units. */
export function allocAlign(outLength: number, inLength: number): Alignment {
  const start = new Int32Array(outLength + 1);
  const end = new Int32Array(outLength + 1);
  start[outLength] = inLength;
  end[outLength] = inLength;
  return { start, end };
}

/** Output units `[o, o + count)` are input units `[i, i + count)`, one to one. */
export function fillIdentity(a: Alignment, o: number, i: number, count: number): void {
  const { start, end } = a;
  for (let k = 0; k < count; k++) {
    start[o + k] = i + k;
    end[o + k] = i + k + 1;
  }
}

/** Output units `[o, o + count)` all came from input range `[s, e)` (`s === e` for inserted text). */
export function fillSpan(a: Alignment, o: number, count: number, s: number, e: number): void {
  const { start, end } = a;
  // Usually one or two units: a loop beats the call overhead of TypedArray.fill.
  for (let k = o; k < o + count; k++) {
    start[k] = s;
    end[k] = e;
  }
}

/**
 * Chains two alignments: `inner` maps text B to the original A, `outer` maps text C (a transform of B) to B; the
 * result maps C to A. Either may be `null` (that step changed nothing). Linear in C's length.
 *
 * A unit of C over a non-empty range `[s, e)` of B maps to `[inner.start[s], inner.end[e - 1])`. A unit inserted at
 * B position `s` (zero-width) maps to the point just before B unit `s` in A, `inner.start[s]`; but when B units
 * `s - 1` and `s` came from overlapping A ranges (both parts of one composed character, say) no single point keeps
 * `end` monotone, so it takes the overlap `[inner.start[s], inner.end[s - 1])` instead.
 */
export function composeAlign(outer: Alignment | null, inner: Alignment | null): Alignment | null {
  if (outer === null) return inner;
  if (inner === null) return outer;
  const m = outer.start.length - 1;
  const n1 = inner.start.length - 1;
  const result = allocAlign(m, inner.start[n1]);
  const { start, end } = result;
  const os = outer.start;
  const oe = outer.end;
  const is = inner.start;
  const ie = inner.end;
  for (let k = 0; k < m; k++) {
    const s = os[k];
    const e = oe[k];
    if (s < e) {
      start[k] = is[s];
      end[k] = ie[e - 1];
    } else {
      const at = is[s];
      start[k] = at;
      end[k] = s > 0 && ie[s - 1] > at ? ie[s - 1] : at;
    }
  }
  return result;
}
