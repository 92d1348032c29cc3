/**
 * HF `StripAccents`: removes every combining mark (General_Category M, what the `unicode-normalization` crate's
 * `is_combining_mark` tests). Only useful after NFD/NFKD, which is how tokenizer files use it. Removed marks are not
 * covered; everything else keeps its offsets.
 */
import type { Normalized, Normalizer } from '../types';
import { allocAlign, fillIdentity } from './align';

const MARK = /\p{M}/u;
const MARKS = /\p{M}+/gu;

export class StripAccentsNormalizer implements Normalizer {
  normalize(text: string): Normalized {
    if (!MARK.test(text)) return { text, align: null };
    const parts: string[] = [];
    const kept: number[] = []; // [from, to) runs of the input that survive
    let i = 0;
    for (const m of text.matchAll(MARKS)) {
      kept.push(i, m.index);
      parts.push(text.slice(i, m.index));
      i = m.index + m[0].length;
    }
    kept.push(i, text.length);
    parts.push(text.slice(i));
    const out = parts.join('');
    const align = allocAlign(out.length, text.length);
    let o = 0;
    for (let k = 0; k < kept.length; k += 2) {
      fillIdentity(align, o, kept[k], kept[k + 1] - kept[k]);
      o += kept[k + 1] - kept[k];
    }
    return { text: out, align };
  }
}
