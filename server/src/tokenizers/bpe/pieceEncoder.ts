import type { BpeSpec } from '../spec';
import { mergeSymbols } from './merge';
import { mergeBytes } from './mergeBytes';
import { utf8Into } from './offsets';
import { PieceCache } from './pieceCache';
import type { Vocab } from './vocab';

/**
 * Turns one pre-token into token ids: cache → whole-token shortcut → initial symbols → merges. After `encode`
 * returns n, the ids are `ids[idsAt .. idsAt + n)` and their lengths (UTF-8 bytes of the normalised piece)
 * `lens[lensAt .. lensAt + n)` — views into either the cache or the work buffers, valid until the next call.
 *
 * The cache holds the results for repeated pieces (most words of code and prose repeat); it watches its own hit rate
 * and switches itself off for a while on text whose pieces are all new (base64, hashes), where it only costs.
 */
export class PieceEncoder {
  ids: Int32Array;
  idsAt = 0;
  lens: Int32Array;
  lensAt = 0;
  private syms = new Int32Array(512);
  private symLens = new Int32Array(512);
  private bytes = new Uint8Array(1536);
  private readonly cache = new PieceCache();
  private lookups = 0;
  private hits = 0;
  private cacheOffFor = 0;
  private readonly mode: 'bytes' | 'chars';

  constructor(
    private readonly vocab: Vocab,
    private readonly spec: BpeSpec,
  ) {
    this.mode = spec.symbols;
    this.ids = this.syms;
    this.lens = this.symLens;
  }

  encode(text: string, start: number, end: number): number {
    const len = end - start;
    if (len === 1 && this.mode === 'bytes') {
      const c = text.charCodeAt(start);
      if (c < 0x80) {
        const id = this.vocab.byteToId[c];
        if (id >= 0) return this.single(id, 1);
      }
    }
    const useCache = len <= 64 && this.cacheOn();
    let h = 0;
    if (useCache) {
      h = PieceCache.hash(text, start, end);
      const n = this.cache.get(text, start, end, h);
      this.lookups++;
      if (n >= 0) {
        this.hits++;
        this.ids = this.lens = this.cache.values;
        this.idsAt = this.cache.at;
        this.lensAt = this.cache.at + n;
        return n;
      }
    }
    const n = this.encodeUncached(text, start, end);
    if (useCache) this.cache.set(text, start, end, h, this.ids, this.lens, n);
    return n;
  }

  private single(id: number, byteLength: number): number {
    this.syms[0] = id;
    this.symLens[0] = byteLength;
    return this.useWork();
  }

  private useWork(n = 1): number {
    this.ids = this.syms;
    this.lens = this.symLens;
    this.idsAt = this.lensAt = 0;
    return n;
  }

  private cacheOn(): boolean {
    if (this.cacheOffFor > 0) {
      this.cacheOffFor--;
      return false;
    }
    if (this.lookups >= 4096) {
      // Fewer than 1 hit in 2 over the last window: the text is mostly unique pieces; stop caching for a while.
      if (this.hits * 2 < this.lookups) this.cacheOffFor = 16384;
      this.lookups = 0;
      this.hits = 0;
    }
    return this.cacheOffFor === 0;
  }

  private encodeUncached(text: string, start: number, end: number): number {
    this.ensure(3 * (end - start));
    const nb = utf8Into(text, start, end, this.bytes);
    const whole = this.vocab.wholeTokens;
    if (whole) {
      const id = whole.get(this.bytes, 0, nb);
      if (id >= 0) return this.single(id, nb);
    }
    const pairs = this.vocab.pairs;
    if (!pairs) return this.useWork(mergeBytes(whole!, this.bytes, nb, this.vocab.byteToId, this.syms, this.symLens));
    const n = this.mode === 'bytes' ? this.byteSymbols(nb) : this.charSymbols(text, start, end);
    return this.useWork(mergeSymbols(pairs, this.syms, this.symLens, n));
  }

  private ensure(units: number): void {
    if (this.bytes.length < units) this.bytes = new Uint8Array(units * 2);
    if (this.syms.length < units) {
      this.syms = new Int32Array(units * 2);
      this.symLens = new Int32Array(units * 2);
    }
  }

  private byteSymbols(n: number): number {
    const byteToId = this.vocab.byteToId;
    const bytes = this.bytes;
    const syms = this.syms;
    const lens = this.symLens;
    for (let i = 0; i < n; i++) {
      const id = byteToId[bytes[i]];
      if (id < 0) throw new Error(`${this.spec.name}: the vocabulary has no token for byte 0x${bytes[i].toString(16)}`);
      syms[i] = id;
      lens[i] = 1;
    }
    return n;
  }

  /** SentencePiece-style: one symbol per character; unknown characters fall back to bytes or to the unknown id. */
  private charSymbols(text: string, start: number, end: number): number {
    const charToId = this.vocab.charToId!;
    const syms = this.syms;
    const lens = this.symLens;
    const unk = this.spec.unkId;
    const bytes = this.bytes;
    let n = 0;
    let b = 0; // position in this.bytes, which already holds the piece's UTF-8
    for (let i = start; i < end; ) {
      const units = text.codePointAt(i)! > 0xffff && i + 1 < end ? 2 : 1;
      const ch = text.slice(i, i + units);
      const id = charToId.get(ch);
      const c = bytes[b];
      const blen = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      i += units;
      if (id !== undefined) {
        syms[n] = id;
        lens[n++] = blen;
      } else if (this.spec.byteFallback) {
        for (let k = 0; k < blen; k++) {
          syms[n] = this.vocab.byteToId[bytes[b + k]];
          lens[n++] = 1;
        }
      } else if (unk !== undefined) {
        if (this.spec.fuseUnk && n > 0 && syms[n - 1] === unk) lens[n - 1] += blen;
        else {
          syms[n] = unk;
          lens[n++] = blen;
        }
      } else throw new Error(`${this.spec.name}: no token for ${JSON.stringify(ch)} and no unknown token`);
      b += blen;
    }
    return n;
  }
}
