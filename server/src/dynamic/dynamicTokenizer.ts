/**
 * A tokenizer extended with dynamic merges: the base encodes, the text is cut into segments by the boundary mode
 * (segments.ts), and inside each segment the merges join tokens by rank (`MergeTable.apply`). Merge r creates id
 * `base.vocabSize + r`. With the superword mode this is the `domain` tokenizer's rule.
 *
 * Files: `tokscope-dynamic/1` (what `tokscope suggest --export` writes; `loadDynamicTokenizer` reads it back).
 */
import { readFileSync } from 'node:fs';
import { MergeTable } from '../domain/merges';
import { getTokenizer, type RegistryOptions } from '../tokenizers/registry';
import type { Encoding, EncodeOptions, RestartRule, Tokenizer, TokenizerKind } from '../tokenizers/types';
import { concatBytes, joinBytes } from '../util/bytes';
import { type BoundaryMode, BOUNDARY_MODES, BoundaryUnsupportedError, classTable, cutsByClass, cutsByPreTokens, preTokenizerOf } from './segments';

export class DynamicTokenizer implements Tokenizer {
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
    readonly mode: BoundaryMode,
  ) {
    if (table.baseSize !== base.vocabSize) throw new Error(`${name}: merges for a vocabulary of ${table.baseSize} ids, base has ${base.vocabSize}`);
    if (mode === 'pretoken' && !preTokenizerOf(base)) throw new BoundaryUnsupportedError(`${base.name}: no pre-tokenizer for boundary "pretoken"`);
    this.kind = base.kind;
    this.vocabSize = base.vocabSize + table.size;
    this.specialTokens = base.specialTokens;
    this.bosId = base.bosId;
    // No mode merges across a line break, so the base's restart points (line starts) stay restart points.
    this.restartRule = base.restartRule;
    for (let r = 0; r < table.size; r++) this.newBytes.push(concatBytes(this.bytesOf(table.left[r]), this.bytesOf(table.right[r])));
  }

  /** Segment cuts of a base encoding (ids, and byte offsets for the pretoken mode). */
  private cuts(text: string, ids: Uint32Array, byteOffsets?: Uint32Array): Uint32Array {
    if (this.mode !== 'pretoken') return cutsByClass(ids, classTable(this.base, this.mode));
    const offs = byteOffsets ?? this.base.encode(text).byteOffsets;
    return cutsByPreTokens(text, offs, preTokenizerOf(this.base)!);
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
    if (this.mode === 'pretoken') return this.encode(text, options).ids;
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
    return again.length === ids.length && again.every((id, i) => id === ids[i]);
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

export const DYNAMIC_FORMAT = 'tokscope-dynamic/1';

/** The merges file `tokscope suggest --export` writes. `pieces` is for people; loading uses `merges` only. */
export interface DynamicMergesFile {
  format: typeof DYNAMIC_FORMAT;
  base: string;
  baseSize: number;
  boundary: BoundaryMode;
  /** Merge r joins (left, right) into id baseSize + r. */
  merges: Array<[number, number]>;
  /** The text of each new token (U+FFFD where it ends inside a character). */
  pieces: string[];
  /** The same merges as Hugging Face `added_tokens` entries (see export.ts for how they differ from merges). */
  added_tokens: Array<{ id: number; content: string; single_word: boolean; lstrip: boolean; rstrip: boolean; normalized: boolean; special: boolean }>;
  provenance: { command: string; inputs: number; tokensBefore: number; tokensAfter: number };
}

/** Loads a `tokscope-dynamic/1` file as a tokenizer over its base (looked up by name in the registry). */
export function loadDynamicTokenizer(path: string, options: RegistryOptions = {}, name = `dynamic:${path}`): DynamicTokenizer {
  const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<DynamicMergesFile>;
  if (file.format !== DYNAMIC_FORMAT || typeof file.base !== 'string' || !Array.isArray(file.merges) || !BOUNDARY_MODES.includes(file.boundary as BoundaryMode)) {
    throw new Error(`${path}: not a tokscope merges file (format ${DYNAMIC_FORMAT})`);
  }
  const base = getTokenizer(file.base, options);
  if (file.baseSize !== base.vocabSize) throw new Error(`${path}: made for a ${file.base} of ${String(file.baseSize)} ids, this one has ${base.vocabSize}`);
  return new DynamicTokenizer(name, base, new MergeTable(base.vocabSize, file.merges), file.boundary as BoundaryMode);
}
