/**
 * Hugging Face's alignment for one normalised piece, reproduced exactly.
 *
 * HF `tokenizers` normalises with the `unicode-normalization-alignments` crate, which yields every output character
 * with a "change": decomposition gives a character's first code point change 0 and each further one +1; canonical
 * reordering moves code points together with their changes; composing C into the last starter L removes C and gives
 * the composite L's change plus C's change minus 1. `NormalizedString::transform` then assigns offsets by position:
 * an output character with change c <= 0 takes the next unconsumed input character's range and consumes 1 - c input
 * characters; one with c > 0 (an insertion) takes the previous input character's range. So composed-away marks are
 * not covered, and reordered marks take their positions' ranges, not their own. We rebuild those changes here from
 * JavaScript's normaliser: per-code-point decomposition, the permutation NFD applies, and pairwise composition.
 */
import type { Alignment } from './align';

const enum Starter {
  Unknown = 0,
  Yes = 1,
  No = 2,
}

/** Code points in a piece beyond which we give up on per-character alignment. */
const MAX_PIECE = 4096;

const starterTable = new Uint8Array(0x110000);
const decompositions = [new Map<number, number[]>(), new Map<number, number[]>()];
const pairs = new Map<number, number>();
const sameClass = new Map<number, boolean>();

function isStarter(cp: number): boolean {
  let s = starterTable[cp];
  if (s === Starter.Unknown) {
    const ch = String.fromCodePoint(cp);
    // Reordering moves a class 1..229 mark before U+0301 (230) and a class 2..255 mark after U+0334 (1).
    const moves = ('\u0301' + ch).normalize('NFD') !== '\u0301' + ch || (ch + '\u0334').normalize('NFD') !== ch + '\u0334';
    s = cp < 0x300 || !moves ? Starter.Yes : Starter.No;
    starterTable[cp] = s;
  }
  return s === Starter.Yes;
}

function decompose(cp: number, compat: boolean): number[] {
  const cache = decompositions[compat ? 1 : 0];
  let d = cache.get(cp);
  if (d === undefined) {
    d = Array.from(String.fromCodePoint(cp).normalize(compat ? 'NFKD' : 'NFD'), (c) => c.codePointAt(0) as number);
    cache.set(cp, d);
  }
  return d;
}

/**
 * The primary composite of starter `l` and `c`, or -1. Asking NFC about the pair alone is exact here: `c` comes
 * after every mark already composed into `l` in canonical order, so recomposing `l`'s decomposition plus `c` retraces
 * the same steps.
 */
function composePair(l: number, c: number): number {
  const key = l * 0x110000 + c;
  let p = pairs.get(key);
  if (p === undefined) {
    const s = String.fromCodePoint(l, c).normalize('NFC');
    const first = s.codePointAt(0) as number;
    p = s.length === (first > 0xffff ? 2 : 1) ? first : -1;
    pairs.set(key, p);
  }
  return p;
}

/** Whether two non-starters have the same combining class (then the later is blocked by the earlier). */
function sameCombiningClass(a: number, b: number): boolean {
  const key = a * 0x110000 + b;
  let same = sameClass.get(key);
  if (same === undefined) {
    // Two marks in canonical order (a first) swap under NFD in neither order exactly when their classes are equal.
    const ab = String.fromCodePoint(a, b);
    const ba = String.fromCodePoint(b, a);
    same = ab.normalize('NFD') === ab && ba.normalize('NFD') === ba;
    sameClass.set(key, same);
  }
  return same;
}

/**
 * Writes HF's alignment for `out` = `text[from, to)` normalised (`compat`: K forms; `compose`: C forms) into `align`
 * at output offset `at`. Returns false if the reconstruction does not reproduce `out` (then the caller aligns the
 * piece as a whole).
 */
export function alignPieceLikeHf(
  text: string,
  from: number,
  to: number,
  out: string,
  compat: boolean,
  compose: boolean,
  align: Alignment,
  at: number,
): boolean {
  // Input characters and the decomposed code points with their changes.
  const inStart: number[] = [];
  const cps: number[] = [];
  const changes: number[] = [];
  for (let i = from; i < to; ) {
    const cp = text.codePointAt(i) as number;
    inStart.push(i);
    const d = decompose(cp, compat);
    for (let k = 0; k < d.length; k++) {
      cps.push(d[k]);
      changes.push(k === 0 ? 0 : 1);
    }
    i += cp > 0xffff ? 2 : 1;
  }
  inStart.push(to);
  // Long runs of marks (one piece) would make the reordering step quadratic: those get aligned as a whole.
  if (cps.length > MAX_PIECE) return false;

  // Canonical reordering: NFD of already decomposed text only permutes marks, and a stable sort never swaps equal
  // code points, so each output code point is the earliest unused input occurrence of it.
  const decomposed = String.fromCodePoint(...cps);
  const ordered = decomposed.normalize('NFD');
  let seq = cps;
  let seqChanges = changes;
  if (ordered !== decomposed) {
    const queues = new Map<number, number[]>();
    cps.forEach((cp, k) => {
      const q = queues.get(cp);
      if (q === undefined) queues.set(cp, [k]);
      else q.push(k);
    });
    seq = [];
    seqChanges = [];
    for (const ch of ordered) {
      const cp = ch.codePointAt(0) as number;
      const k = (queues.get(cp) as number[]).shift() as number;
      seq.push(cp);
      seqChanges.push(changes[k]);
    }
  }

  // Canonical composition, tracking changes.
  let result = seq;
  let resultChanges = seqChanges;
  if (compose) {
    result = [];
    resultChanges = [];
    let starter = -1; // index in result of the last starter
    let lastMark = -1; // code point of the last mark appended after it, -1 if none
    for (let k = 0; k < seq.length; k++) {
      const cp = seq[k];
      const starterCp = isStarter(cp);
      if (starter >= 0) {
        const blocked = lastMark >= 0 && (starterCp || sameCombiningClass(lastMark, cp));
        const composite = blocked ? -1 : composePair(result[starter], cp);
        if (composite >= 0) {
          result[starter] = composite;
          resultChanges[starter] += seqChanges[k] - 1;
          continue;
        }
      }
      if (starterCp) {
        starter = result.length;
        lastMark = -1;
      } else {
        lastMark = cp;
      }
      result.push(cp);
      resultChanges.push(seqChanges[k]);
    }
  }

  // Positional assignment, as `NormalizedString::transform` does it.
  const { start, end } = align;
  let o = at;
  let cursor = 0;
  const inputs = inStart.length - 1;
  for (let k = 0; k < result.length; k++) {
    const cp = result[k];
    const units = cp > 0xffff ? 2 : 1;
    if (o + units > at + out.length || out.codePointAt(o - at) !== cp) return false;
    let s: number;
    let e: number;
    const change = resultChanges[k];
    if (change <= 0) {
      if (cursor >= inputs) return false;
      s = inStart[cursor];
      e = inStart[cursor + 1];
      cursor += 1 - change;
    } else if (cursor > 0) {
      s = inStart[cursor - 1];
      e = inStart[cursor];
    } else {
      s = e = from;
    }
    for (let u = 0; u < units; u++) {
      start[o + u] = s;
      end[o + u] = e;
    }
    o += units;
  }
  return o === at + out.length && cursor === inputs;
}
