/** HF `Sequence`: runs normalisers in order, each on the previous one's output, chaining their alignments. */
import type { Normalized, Normalizer } from '../types';
import { composeAlign, type Alignment } from './align';

export class SequenceNormalizer implements Normalizer {
  constructor(readonly normalizers: readonly Normalizer[]) {}

  normalize(text: string): Normalized {
    let current = text;
    let align: Alignment | null = null;
    for (const normalizer of this.normalizers) {
      const step = normalizer.normalize(current);
      align = composeAlign(step.align, align);
      current = step.text;
    }
    return { text: current, align };
  }
}
