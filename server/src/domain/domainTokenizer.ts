/**
 * The `domain` tokenizer: a general vocabulary extended with merges learned on domain text. Text is encoded by the base
 * tokenizer first; then, inside each segment (the base tokens between two that hold a line break, which never merge),
 * the learned merges join adjacent tokens — words, or words with the spaces and punctuation around them, since the
 * base pre-tokenizer's boundaries are not boundaries here. Two consequences the measurements rely on: every merge
 * comes after all of the base's, so a text never gets more tokens than in the base (general prose cannot get worse);
 * and the base's restart points stay restart points (no merge crosses a line break), so the editor's incremental
 * counting works unchanged.
 */
import type { Tokenizer } from '../tokenizers/types';
import type { MergeTable } from './merges';
import { MergeExtendedTokenizer } from './mergeExtended';

/** Whether a base token may take part in merges: not when it holds a line break (segments end there). */
export function mergeable(bytes: Uint8Array): boolean {
  return !bytes.includes(10) && !bytes.includes(13);
}

export class DomainTokenizer extends MergeExtendedTokenizer {
  private readonly blocked: Uint8Array;

  constructor(name: string, base: Tokenizer, table: MergeTable) {
    super(name, base, table);
    // Tokens that end segments: those with a line break, and the specials (whose bytes are their text).
    this.blocked = new Uint8Array(base.vocabSize);
    const specials = new Set(base.specialTokens.values());
    for (let id = 0; id < base.vocabSize; id++) {
      let bytes: Uint8Array;
      try {
        bytes = base.bytesOf(id);
      } catch {
        this.blocked[id] = 1;
        continue;
      }
      if (specials.has(id) || !mergeable(bytes)) this.blocked[id] = 1;
    }
  }

  /** True for base ids that end a segment. */
  isBoundary(id: number): boolean {
    return id < this.blocked.length && this.blocked[id] === 1;
  }

  /** Runs of mergeable base tokens; each boundary token is a segment of its own (left alone in place). */
  protected cuts(_text: string, ids: Uint32Array): Uint32Array {
    const cuts: number[] = [0];
    for (let i = 0; i < ids.length; i++) {
      if (!this.isBoundary(ids[i])) continue;
      if (cuts[cuts.length - 1] !== i) cuts.push(i);
      cuts.push(i + 1);
    }
    if (cuts[cuts.length - 1] !== ids.length) cuts.push(ids.length);
    return Uint32Array.from(cuts);
  }
}
