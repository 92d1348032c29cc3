/**
 * HF `ByteLevel` normaliser: replaces the text by its UTF-8 bytes, each written as the GPT-2 "byte-to-unicode"
 * character (printable Latin-1 bytes stand for themselves; the other 68 bytes become U+0100…U+0143 in byte order).
 * A lone surrogate, which Rust strings cannot hold, is encoded as U+FFFD like `TextEncoder` does. Every output unit
 * maps to the input character its byte came from.
 */
import type { Normalized, Normalizer } from '../types';
import { allocAlign, fillSpan } from './align';
import { TextBuilder } from './textBuilder';

/** GPT-2's byte → character table. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const table: string[] = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  return table;
})();

/** UTF-8 length of a code point (callers map lone surrogates to U+FFFD first, or count them as 3 bytes like it). */
function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

export class ByteLevelNormalizer implements Normalizer {
  normalize(text: string): Normalized {
    const n = text.length;
    if (n === 0) return { text, align: null };
    // Pass 1 sizes the output exactly (one unit per byte), pass 2 writes it.
    let size = 0;
    for (let i = 0; i < n; ) {
      const cp = text.codePointAt(i) as number;
      size += utf8Length(cp);
      i += cp > 0xffff ? 2 : 1;
    }
    const align = allocAlign(size, n);
    const out = new TextBuilder(size);
    let o = 0;
    for (let i = 0; i < n; ) {
      let cp = text.codePointAt(i) as number;
      const units = cp > 0xffff ? 2 : 1;
      if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
      const count = utf8Length(cp);
      if (count === 1) out.append(BYTE_TO_CHAR[cp]);
      else {
        const lead = count === 2 ? 0xc0 : count === 3 ? 0xe0 : 0xf0;
        out.append(BYTE_TO_CHAR[lead | (cp >> (6 * (count - 1)))]);
        for (let k = count - 2; k >= 0; k--) out.append(BYTE_TO_CHAR[0x80 | ((cp >> (6 * k)) & 63)]);
      }
      fillSpan(align, o, count, i, i + units);
      o += count;
      i += units;
    }
    const result = out.toString();
    return result === text ? { text, align: null } : { text: result, align };
  }
}
