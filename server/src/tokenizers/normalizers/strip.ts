/**
 * HF `Strip`: removes leading and/or trailing whitespace, where whitespace is Rust's `char::is_whitespace`, the
 * Unicode White_Space property. That differs from JavaScript's `trim()` (which also strips U+FEFF and keeps U+0085),
 * hence the explicit test below. Kept units keep their offsets; stripped ones are simply not covered.
 */
import type { Normalized, Normalizer } from '../types';
import { allocAlign, fillIdentity } from './align';

/** Unicode White_Space; every such character is in the BMP, so testing UTF-16 units is exact. */
export function isWhiteSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export class StripNormalizer implements Normalizer {
  constructor(
    readonly left: boolean,
    readonly right: boolean,
  ) {}

  normalize(text: string): Normalized {
    let a = 0;
    let b = text.length;
    if (this.left) while (a < b && isWhiteSpace(text.charCodeAt(a))) a++;
    if (this.right) while (b > a && isWhiteSpace(text.charCodeAt(b - 1))) b--;
    if (a === 0 && b === text.length) return { text, align: null };
    const align = allocAlign(b - a, text.length);
    fillIdentity(align, 0, a, b - a);
    return { text: text.slice(a, b), align };
  }
}
