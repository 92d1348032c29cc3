/**
 * HF `Prepend`: puts `prepend` (usually `▁`) in front of a non-empty text; an empty text stays empty.
 *
 * Alignment: the prepended units are zero-width at the start of the original's first unit, and the original's units
 * keep their own offsets — the convention of current HF `tokenizers` (older releases gave the prepended units the
 * first character's range, which made a lone `▁` token appear to cover that character).
 */
import type { Normalized, Normalizer } from '../types';
import { allocAlign, fillIdentity, fillSpan } from './align';

export class PrependNormalizer implements Normalizer {
  constructor(readonly prepend: string) {}

  normalize(text: string): Normalized {
    if (text.length === 0 || this.prepend.length === 0) return { text, align: null };
    const p = this.prepend.length;
    const align = allocAlign(p + text.length, text.length);
    fillSpan(align, 0, p, 0, 0);
    fillIdentity(align, p, 0, text.length);
    return { text: this.prepend + text, align };
  }
}
