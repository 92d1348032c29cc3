/**
 * The `domain` tokenizer: a general vocabulary extended with merges learned on domain text. Text is encoded by the base
 * tokenizer first; then, inside each segment (the base tokens between two that hold a line break, which never merge),
 * the learned merges join adjacent tokens — words, or words with the spaces and punctuation around them, since the
 * base pre-tokenizer's boundaries are not boundaries here. Two consequences the measurements rely on: every merge
 * comes after all of the base's, so a text never gets more tokens than in the base (general prose cannot get worse);
 * and the base's restart points stay restart points (no merge crosses a line break), so the editor's incremental
 * counting works unchanged.
 */
import type { Encoding, EncodeOptions, RestartRule, Tokenizer, TokenizerKind } from '../tokenizers/types';
import { concatBytes, joinBytes } from '../util/bytes';
import { MergeTable } from './merges';

/** Whether a base token may take part in merges: not when it holds a line break (segments end there). */
export function mergeable(bytes: Uint8Array): boolean {
  return !bytes.includes(10) && !bytes.includes(13);
}

export class DomainTokenizer implements Tokenizer {
  readonly kind: TokenizerKind;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly bosId: number | undefined;
  readonly restartRule: RestartRule;
  private readonly blocked: Uint8Array;
  private readonly newBytes: Uint8Array[] = [];

  constructor(
    readonly name: string,
    readonly base: Tokenizer,
    readonly table: MergeTable,
  ) {
    this.kind = base.kind;
    this.vocabSize = base.vocabSize + table.size;
    this.specialTokens = base.specialTokens;
    this.bosId = base.bosId;
    this.restartRule = base.restartRule;
    if (table.baseSize !== base.vocabSize) throw new Error(`${name}: merges for a vocabulary of ${table.baseSize} ids, base has ${base.vocabSize}`);
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
    for (let r = 0; r < table.size; r++) this.newBytes.push(concatBytes(this.bytesOf(table.left[r]), this.bytesOf(table.right[r])));
  }

  /** True for base ids that end a segment. */
  isBoundary(id: number): boolean {
    return id < this.blocked.length && this.blocked[id] === 1;
  }

  encode(text: string, options?: EncodeOptions): Encoding {
    const enc = this.base.encode(text, options);
    const ids = enc.ids.slice();
    const spans = new Uint32Array(ids.length);
    const offsets: number[] = [];
    const byteOffsets: number[] = [];
    let out = 0;
    this.forSegments(ids, (from, to) => {
      const n = this.table.apply(ids, from, to, spans);
      // Output token k covers base tokens [b, b + spans[k]).
      let b = from;
      for (let k = 0; k < n; k++) {
        const last = b + spans[from + k] - 1;
        ids[out] = ids[from + k];
        offsets.push(enc.offsets[2 * b], enc.offsets[2 * last + 1]);
        byteOffsets.push(enc.byteOffsets[2 * b], enc.byteOffsets[2 * last + 1]);
        out++;
        b = last + 1;
      }
    });
    return { ids: ids.slice(0, out), offsets: Uint32Array.from(offsets), byteOffsets: Uint32Array.from(byteOffsets) };
  }

  encodeIds(text: string, options?: EncodeOptions): Uint32Array {
    const ids = this.base.encodeIds(text, options).slice();
    let out = 0;
    this.forSegments(ids, (from, to) => {
      const n = this.table.apply(ids, from, to);
      ids.copyWithin(out, from, from + n);
      out += n;
    });
    return ids.slice(0, out);
  }

  count(text: string, options?: EncodeOptions): number {
    return this.encodeIds(text, options).length;
  }

  /** Exact counts: merges can bring a text the base counts over the limit back under it, so there is no early stop. */
  countUntil(text: string, _limit: number, options?: EncodeOptions): number {
    return this.count(text, options);
  }

  decode(ids: ArrayLike<number>): string {
    return new TextDecoder().decode(this.decodeBytes(ids));
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    return joinBytes(Array.from(ids, (id) => this.bytesOf(id)));
  }

  bytesOf(id: number): Uint8Array {
    if (id < this.base.vocabSize) return this.base.bytesOf(id);
    const bytes = this.newBytes[id - this.base.vocabSize];
    if (!bytes) throw new RangeError(`${this.name}: no token with id ${id}`);
    return bytes;
  }

  isCanonical(ids: ArrayLike<number>): boolean {
    const again = this.encodeIds(this.decode(ids), { allowSpecial: true });
    if (again.length !== ids.length) return false;
    for (let i = 0; i < again.length; i++) if (again[i] !== ids[i]) return false;
    return true;
  }

  tokensWithPrefix(prefix: Uint8Array): number[] {
    const out = this.base.tokensWithPrefix(prefix);
    this.newBytes.forEach((bytes, r) => {
      if (bytes.length < prefix.length) return;
      for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return;
      out.push(this.base.vocabSize + r);
    });
    return out;
  }

  /** Calls `f(from, to)` for each run of mergeable base tokens in `ids` (boundary tokens are left alone in place). */
  private forSegments(ids: Uint32Array, f: (from: number, to: number) => void): void {
    let start = 0;
    for (let i = 0; i <= ids.length; i++) {
      if (i === ids.length || this.isBoundary(ids[i])) {
        if (i > start) f(start, i);
        if (i < ids.length) f(i, i + 1);
        start = i + 1;
      }
    }
  }
}
