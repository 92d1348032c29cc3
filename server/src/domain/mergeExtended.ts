/**
 * A tokenizer extended with merges over a base tokenizer's ids — the rule the `domain` tokenizer and dynamic merges
 * (server/src/dynamic/) share: the base encodes; the base tokens are cut into segments (the subclass says where);
 * inside each segment the merges join tokens by rank (`MergeTable.apply`). Merge r creates id `base.vocabSize + r`,
 * whose bytes are its two parts'. Counts are exact (no early stop: merges can bring a text the base counts over a
 * limit back under it). Segments never cross a line break in either subclass, so the base's restart points stay.
 */
import type { Encoding, EncodeOptions, RestartRule, Tokenizer, TokenizerKind } from '../tokenizers/types';
import { concatBytes, joinBytes } from '../util/bytes';
import type { MergeTable } from './merges';

export abstract class MergeExtendedTokenizer implements Tokenizer {
  readonly kind: TokenizerKind;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly bosId: number | undefined;
  readonly restartRule: RestartRule;
  private readonly newBytes: Uint8Array[] = [];

  constructor(
    readonly name: string,
    readonly base: Tokenizer,
    readonly table: MergeTable,
  ) {
    if (table.baseSize !== base.vocabSize) throw new Error(`${name}: merges for a vocabulary of ${table.baseSize} ids, base has ${base.vocabSize}`);
    this.kind = base.kind;
    this.vocabSize = base.vocabSize + table.size;
    this.specialTokens = base.specialTokens;
    this.bosId = base.bosId;
    this.restartRule = base.restartRule;
    for (let r = 0; r < table.size; r++) this.newBytes.push(concatBytes(this.bytesOf(table.left[r]), this.bytesOf(table.right[r])));
  }

  /**
   * The segments of a base encoding: ascending indices into `ids`, from 0 to ids.length; segment k is
   * [cuts[k], cuts[k + 1]). `byteOffsets` is given by `encode`; `encodeIds` passes none unless `cutsNeedOffsets`.
   */
  protected abstract cuts(text: string, ids: Uint32Array, byteOffsets?: Uint32Array): Uint32Array;

  /** Whether `cuts` needs the base's byte offsets (then `encodeIds` encodes with offsets). */
  protected get cutsNeedOffsets(): boolean {
    return false;
  }

  encode(text: string, options?: EncodeOptions): Encoding {
    const enc = this.base.encode(text, options);
    const ids = enc.ids.slice();
    const cuts = this.cuts(text, enc.ids, enc.byteOffsets);
    const spans = new Uint32Array(ids.length);
    const offsets: number[] = [];
    const byteOffsets: number[] = [];
    let out = 0;
    for (let k = 0; k + 1 < cuts.length; k++) {
      const from = cuts[k];
      const n = this.table.apply(ids, from, cuts[k + 1], spans);
      // Output token t covers base tokens [b, b + spans[from + t]).
      let b = from;
      for (let t = 0; t < n; t++) {
        const last = b + spans[from + t] - 1;
        ids[out] = ids[from + t];
        offsets.push(enc.offsets[2 * b], enc.offsets[2 * last + 1]);
        byteOffsets.push(enc.byteOffsets[2 * b], enc.byteOffsets[2 * last + 1]);
        out++;
        b = last + 1;
      }
    }
    return { ids: ids.slice(0, out), offsets: Uint32Array.from(offsets), byteOffsets: Uint32Array.from(byteOffsets) };
  }

  encodeIds(text: string, options?: EncodeOptions): Uint32Array {
    if (this.cutsNeedOffsets) return this.encode(text, options).ids;
    const ids = this.base.encodeIds(text, options).slice();
    const cuts = this.cuts(text, ids);
    let out = 0;
    for (let k = 0; k + 1 < cuts.length; k++) {
      const n = this.table.apply(ids, cuts[k], cuts[k + 1]);
      ids.copyWithin(out, cuts[k], cuts[k] + n);
      out += n;
    }
    return ids.slice(0, out);
  }

  count(text: string, options?: EncodeOptions): number {
    return this.encodeIds(text, options).length;
  }

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
}
