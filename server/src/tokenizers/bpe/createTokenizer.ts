import { AddedTokenMatcher } from '../addedTokens';
import type { AddedTokenSpec, BpeSpec } from '../spec';
import type { EncodeOptions, Encoding, Normalized, RestartRule, Tokenizer } from '../types';
import { ByteCursor, EncodingSink, IdBuffer } from './offsets';
import { PieceEncoder } from './pieceEncoder';
import type { TokenStore } from './tokenStore';
import { ByteTrie } from './trie';
import { buildVocab, type Precomputed, type Vocab } from './vocab';
import { joinBytes } from '../../util/bytes';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Thrown inside an encode to stop counting early; never escapes `countUntil`. */
class LimitReached {}

/**
 * The one BPE pipeline: added tokens split out first (raw ones on the input, normalised ones after normalisation),
 * then normaliser → pre-tokenizer → BPE over bytes or characters; decoding concatenates token bytes.
 */
export class BpeTokenizer implements Tokenizer {
  readonly name: string;
  readonly kind;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly bosId: number | undefined;
  readonly restartRule: RestartRule;
  private readonly vocab: Vocab;
  private readonly pieces: PieceEncoder;
  private readonly rawAdded: AddedTokenMatcher | null;
  private readonly normAdded: AddedTokenMatcher | null;
  private readonly addedBytes = new Map<number, Uint8Array>();
  private readonly addedById = new Map<number, AddedTokenSpec>();
  private metaspaceOut: Map<number, Uint8Array> | null = null;
  private trie: ByteTrie | null = null;

  constructor(private readonly spec: BpeSpec, precomputed?: Precomputed) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.vocab = buildVocab(spec, precomputed);
    this.pieces = new PieceEncoder(this.vocab, spec);
    const raw = spec.addedTokens.filter((t) => !t.normalized || !spec.normalizer);
    const norm = spec.addedTokens.filter((t) => t.normalized && spec.normalizer);
    this.rawAdded = raw.length ? new AddedTokenMatcher(raw) : null;
    this.normAdded = norm.length ? new AddedTokenMatcher(norm) : null;
    const specials = new Map<string, number>();
    let maxId = this.vocab.tokens.size - 1;
    for (const t of spec.addedTokens) {
      this.addedBytes.set(t.id, encoder.encode(t.content));
      this.addedById.set(t.id, t);
      if (t.special) specials.set(t.content, t.id);
      maxId = Math.max(maxId, t.id);
    }
    this.specialTokens = specials;
    this.vocabSize = maxId + 1;
    this.bosId = spec.bosId;
    // An added token that contains "\n" followed by what can start a restart line could match across the point.
    const rule = spec.restartRule ?? 'none';
    const crosses = rule === 'line' ? /\n[^\r\n]/ : /\n[^\s]/;
    const crossesLines = spec.addedTokens.some((t) => crosses.test(t.content));
    this.restartRule = !crossesLines && !spec.prefix && !spec.spaceReplacement ? rule : 'none';
  }

  encode(text: string, options?: EncodeOptions): Encoding {
    const sink = new EncodingSink((text.length >> 2) + 16);
    this.run(text, options, sink, Infinity);
    return { ids: sink.ids.toArray(), offsets: sink.offsets(), byteOffsets: sink.byteOffsets() };
  }

  encodeIds(text: string, options?: EncodeOptions): Uint32Array {
    // About 4 characters a token in code and prose; the buffer grows if the text is denser.
    const ids = new IdBuffer((text.length >> 2) + 16);
    this.run(text, options, ids, Infinity);
    return ids.toArray();
  }

  count(text: string, options?: EncodeOptions): number {
    return this.run(text, options, null, Infinity);
  }

  countUntil(text: string, limit: number, options?: EncodeOptions): number {
    try {
      return this.run(text, options, null, limit);
    } catch (e) {
      if (e instanceof LimitReached) return limit + 1;
      throw e;
    }
  }

  /** Encodes `text` into `out` (ids and offsets, ids only, or nothing); returns the count. */
  private run(text: string, options: EncodeOptions | undefined, out: EncodingSink | IdBuffer | null, limit: number): number {
    const allow = allowFilter(options?.allowSpecial);
    const sink = out instanceof EncodingSink ? out : null;
    const idsOut = out instanceof IdBuffer ? out : null;
    const cursor = sink ? new ByteCursor(text) : null;
    let count = 0;
    const pieces = this.pieces;
    const spec = this.spec;

    const emitToken = (t: AddedTokenSpec, start: number, end: number) => {
      count++;
      if (idsOut) idsOut.push(t.id);
      else if (sink) sink.push(t.id, start, end, cursor!.byteAt(start), cursor!.byteAt(end));
      if (count > limit) throw new LimitReached();
    };

    const encodeSegment = (segStart: number, segEnd: number) => {
      const norm = this.normalizeSegment(text, segStart, segEnd);
      const ntext = norm.text;
      const align = norm.align;
      // Offsets of `ntext` map to the input by adding `base` (unnormalised) or through `align` (normalised).
      const base = norm.base;
      const from = norm.from;
      const to = norm.to;

      const emitPiece = (ps: number, pe: number) => {
        const n = pieces.encode(ntext, ps, pe);
        count += n;
        if (idsOut) idsOut.pushAll(pieces.ids, pieces.idsAt, n);
        else if (sink) this.pushPiece(sink, cursor!, ntext, ps, pe, n, align, base);
        if (count > limit) throw new LimitReached();
      };
      const preTokenize = (s: number, e: number) => {
        if (spec.preTokenizer) spec.preTokenizer.split(ntext, s, e, emitPiece);
        else if (e > s) emitPiece(s, e);
      };
      if (this.normAdded && !(specialsOff && !this.normAdded.hasNonSpecial)) {
        this.normAdded.split(ntext, from, to, allow, preTokenize, (t, s, e) => {
          const os = align ? align.start[s] + base : s + base;
          const oe = align ? align.start[e] + base : e + base;
          emitToken(t, os, oe);
        });
      } else preTokenize(from, to);
    };

    const specialsOff = !options?.allowSpecial;
    if (this.rawAdded && !(specialsOff && !this.rawAdded.hasNonSpecial)) this.rawAdded.split(text, 0, text.length, allow, encodeSegment, emitToken);
    else if (text.length > 0) encodeSegment(0, text.length);
    return count;
  }

  /**
   * The text the pre-tokenizer sees for `text[segStart, segEnd)`. Without any text change this is the input itself
   * (no copy) with `[from, to)` = the segment; otherwise a new string with an alignment back to the segment.
   */
  private normalizeSegment(text: string, segStart: number, segEnd: number): Normalized & { base: number; from: number; to: number } {
    const spec = this.spec;
    if (!spec.normalizer && !spec.spaceReplacement && !spec.prefix) return { text, align: null, base: 0, from: segStart, to: segEnd };
    let norm: Normalized = spec.normalizer ? spec.normalizer.normalize(text.slice(segStart, segEnd)) : { text: text.slice(segStart, segEnd), align: null };
    if (spec.spaceReplacement) norm = { text: norm.text.replaceAll(' ', spec.spaceReplacement), align: norm.align };
    const p = spec.prefix;
    if (p && norm.text.length > 0 && (p.when === 'always' || segStart === 0) && !p.unlessStartsWith.includes(norm.text[0])) {
      norm = prependAligned(norm, p.text);
    }
    return { ...norm, base: segStart, from: 0, to: norm.text.length };
  }

  /** Records the n tokens of one piece with their input offsets (see `Encoding.offsets` for the rounding rule). */
  private pushPiece(sink: EncodingSink, cursor: ByteCursor, ntext: string, ps: number, pe: number, n: number, align: Normalized['align'], base: number): void {
    const ids = this.pieces.ids;
    const idsAt = this.pieces.idsAt;
    const lens = this.pieces.lens;
    const lensAt = this.pieces.lensAt;
    let u = ps; // UTF-16 position in ntext after the chars consumed so far
    let consumed = 0; // bytes of those chars
    let byteEnd = 0; // token end, bytes from piece start
    let charU = ps; // start of the last char consumed
    const pieceByte = align === null ? cursor.byteAt(ps + base) : 0;
    let prevU16 = align === null ? ps + base : align.start[ps] + base;
    let prevByte = align === null ? pieceByte : cursor.byteAt(prevU16);
    for (let k = 0; k < n; k++) {
      byteEnd += lens[lensAt + k];
      while (consumed < byteEnd && u < pe) {
        charU = u;
        const c = ntext.charCodeAt(u);
        if (c < 0x80) {
          consumed += 1;
          u += 1;
        } else if (c < 0x800) {
          consumed += 2;
          u += 1;
        } else if (c >= 0xd800 && c <= 0xdbff && u + 1 < pe && (ntext.charCodeAt(u + 1) & 0xfc00) === 0xdc00) {
          consumed += 4;
          u += 2;
        } else {
          consumed += 3;
          u += 1;
        }
      }
      let u16: number;
      let byte: number;
      if (align === null) {
        u16 = u + base;
        byte = pieceByte + byteEnd;
      } else {
        // Rounded up as without normalisation; the byte offset stays exact inside a character that normalisation
        // left the same length, and otherwise snaps to that character's start.
        u16 = align.start[u] + base;
        if (consumed > byteEnd) {
          const charStart = align.start[charU] + base;
          const charByteStart = consumed - utf8Length(ntext, charU, u);
          const origBytes = cursor.byteLength(charStart, align.start[u] + base);
          byte = cursor.byteAt(charStart) + (origBytes === consumed - charByteStart ? byteEnd - charByteStart : 0);
        } else byte = cursor.byteAt(u16);
      }
      sink.push(ids[idsAt + k], prevU16, u16, prevByte, byte);
      prevU16 = u16;
      prevByte = byte;
    }
  }

  /** The tables a precompiled vocabulary file stores (see formats/compiled.ts). */
  tables(): { tokens: TokenStore; pairs: Int32Array | undefined; wholeTokens: Int32Array | undefined; byteToId: Int32Array } {
    const v = this.vocab;
    return { tokens: v.tokens, pairs: v.pairs?.compacted().slots, wholeTokens: v.wholeTokens?.slots, byteToId: v.byteToId };
  }

  bytesOf(id: number): Uint8Array {
    const added = this.addedBytes.get(id);
    if (added) return added;
    const out = this.outBytes(id);
    if (!out) throw new RangeError(`${this.name}: no token with id ${id}`);
    return out;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const out = joinBytes(Array.from(ids, (id) => this.bytesOf(id)));
    if (this.spec.stripLeadingSpace && out[0] === 0x20 && !this.addedBytes.has(ids[0])) return out.subarray(1);
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return decoder.decode(this.decodeBytes(ids));
  }

  isCanonical(ids: ArrayLike<number>): boolean {
    let text: string;
    try {
      text = strictDecoder.decode(this.decodeBytes(ids));
    } catch {
      return false; // bytes that are not UTF-8 are the encoding of no text
    }
    const again = this.encodeIds(text, { allowSpecial: true });
    if (again.length !== ids.length) return false;
    for (let i = 0; i < again.length; i++) if (again[i] !== ids[i]) return false;
    return true;
  }

  tokensWithPrefix(prefix: Uint8Array): number[] {
    if (!this.trie) {
      const self = this;
      this.trie = new ByteTrie(
        (function* () {
          for (let id = 0; id < self.vocab.tokens.size; id++) {
            const out = self.outBytes(id);
            if (out && !self.addedById.get(id)?.special) yield [id, out] as [number, Uint8Array];
          }
        })(),
      );
    }
    return this.trie.withPrefix(prefix);
  }

  /** The bytes each id contributes to decoded text (`▁` already a space for SentencePiece vocabularies). */
  private outBytes(id: number): Uint8Array | undefined {
    const b = this.vocab.tokens.bytes(id);
    if (this.spec.decoder === 'bytes' || !b || this.spec.byteFallbackIds?.has(id)) return b;
    this.metaspaceOut ??= new Map();
    let out = this.metaspaceOut.get(id);
    if (!out) this.metaspaceOut.set(id, (out = encoder.encode(decoder.decode(b).replaceAll('\u2581', ' '))));
    return out;
  }
}

function utf8Length(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

/** Prepends `prefix` to a normalised text; the new units map to the empty range at the start. */
function prependAligned(norm: Normalized, prefix: string): Normalized {
  const n = norm.text.length;
  const k = prefix.length;
  const start = new Int32Array(n + k + 1);
  const end = new Int32Array(n + k + 1);
  for (let i = 0; i <= n; i++) {
    start[i + k] = norm.align ? norm.align.start[i] : i;
    end[i + k] = norm.align ? norm.align.end[i] : i + 1;
  }
  end[n + k] = start[n + k];
  for (let i = 0; i < k; i++) start[i] = end[i] = start[k];
  return { text: prefix + norm.text, align: { start, end } };
}

function allowFilter(allowSpecial: EncodeOptions['allowSpecial']): (t: AddedTokenSpec) => boolean {
  if (allowSpecial === true) return () => true;
  if (!allowSpecial) return (t) => !t.special;
  return (t) => !t.special || allowSpecial.has(t.content);
}

export function createTokenizer(spec: BpeSpec, precomputed?: Precomputed): Tokenizer {
  return new BpeTokenizer(spec, precomputed);
}
