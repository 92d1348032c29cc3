/**
 * The text preparation llama.cpp's SentencePiece (SPM) tokenizer does before merging: every U+0020 space becomes `▁`
 * (U+2581), and, when the vocabulary has `add_space_prefix` (the default), one `▁` is put in front.
 *
 * llama.cpp prepends that space to every raw-text fragment: at the start of the text and after every special or
 * user-defined token it matched (`is_prev_special` in `llama_vocab::impl::tokenize`). Applied to each segment between
 * matched added tokens, this normalizer does exactly that. An empty segment stays empty: llama.cpp never tokenizes
 * an empty fragment, so `""` gives no tokens (not a lone `▁`). Nothing else is normalised (no NFKC, no collapsing of
 * whitespace); only U+0020 is escaped, not tabs or newlines.
 */
import type { Normalized, Normalizer } from '../types';

const SPACE = ' ';
const META = '\u2581';

export class LlamaSpmNormalizer implements Normalizer {
  constructor(private readonly addSpacePrefix: boolean) {}

  normalize(text: string): Normalized {
    const n = text.length;
    if (n === 0 || (!this.addSpacePrefix && !text.includes(SPACE))) return { text, align: null };
    const shift = this.addSpacePrefix ? 1 : 0;
    const out = (shift ? META : '') + text.replaceAll(SPACE, META);
    // Each unit of the input maps to itself, shifted by the prefix; the prefix comes from the empty range at 0.
    const start = new Int32Array(out.length + 1);
    const end = new Int32Array(out.length + 1);
    for (let i = 0; i < n; i++) {
      start[i + shift] = i;
      end[i + shift] = i + 1;
    }
    start[out.length] = n;
    end[out.length] = n;
    return { text: out, align: { start, end } };
  }
}
