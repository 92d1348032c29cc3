/**
 * HF `Prepend`: puts `prepend` (usually `▁`) in front of a non-empty text; an empty text stays empty.
 *
 * Alignment, as released HF `tokenizers` (0.2x) gives it: the prepended units take the range of the original's first
 * character, which also keeps its own. (HF's main branch has since moved to a zero-width range at the start; the
 * difference only shows in the offsets of a token made of the prepended text alone.)
 */
import type { Normalized, Normalizer } from '../types';
import { allocAlign, fillIdentity, fillSpan } from './align';

export class PrependNormalizer implements Normalizer {
  constructor(readonly prepend: string) {}

  normalize(text: string): Normalized {
    if (text.length === 0 || this.prepend.length === 0) return { text, align: null };
    const p = this.prepend.length;
    const align = allocAlign(p + text.length, text.length);
    const c = text.charCodeAt(0);
    const d = text.charCodeAt(1);
    const first = c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000 ? 2 : 1;
    // The first character's units all take its whole range too, so that ends stay monotone after a surrogate pair.
    fillSpan(align, 0, p + first, 0, first);
    fillIdentity(align, p + first, first, text.length - first);
    return { text: this.prepend + text, align };
  }
}
