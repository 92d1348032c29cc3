import type { BpeSpec } from '../spec';
import { mergeSymbols } from './merge';
import { utf8Into } from './offsets';
import type { Vocab } from './vocab';

/**
 * Turns one pre-token into token ids: cache → whole-token shortcut → initial symbols → merges. After `encode`,
 * `syms[0..n)` are the ids and `lens[0..n)` their lengths in UTF-8 bytes of the (normalised) piece.
 *
 * The cache holds the results for repeated pieces (most words of code and prose repeat); it watches its own hit rate
 * and switches itself off for a while on text whose pieces are all new (base64, hashes), where it only costs.
 */
export class PieceEncoder {
  syms = new Int32Array(512);
  lens = new Int32Array(512);
  private bytes = new Uint8Array(1536);
  private cache = new Map<string, Int32Array>();
  private lookups = 0;
  private hits = 0;
  private cacheOffUntil = 0;
  private readonly mode: 'bytes' | 'chars';

  constructor(
    private readonly vocab: Vocab,
    private readonly spec: BpeSpec,
  ) {
    this.mode = spec.symbols;
  }

  encode(text: string, start: number, end: number): number {
    const len = end - start;
    if (len === 1 && this.mode === 'bytes') {
      const c = text.charCodeAt(start);
      if (c < 0x80) {
        const id = this.vocab.byteToId[c];
        if (id >= 0) {
          this.syms[0] = id;
          this.lens[0] = 1;
          return 1;
        }
      }
    }
    const key = text.slice(start, end);
    const useCache = len <= 128 && this.cacheOn();
    if (useCache) {
      const hit = this.cache.get(key);
      this.lookups++;
      if (hit) {
        this.hits++;
        const n = hit.length >> 1;
        this.syms.set(hit.subarray(0, n));
        this.lens.set(hit.subarray(n), 0);
        return n;
      }
    }
    const n = this.encodeUncached(text, start, end, key);
    if (useCache) {
      if (this.cache.size >= 65536) this.cache.clear();
      const packed = new Int32Array(2 * n);
      packed.set(this.syms.subarray(0, n));
      packed.set(this.lens.subarray(0, n), n);
      this.cache.set(key, packed);
    }
    return n;
  }

  private cacheOn(): boolean {
    if (this.lookups >= 4096) {
      // Fewer than 1 hit in 4 over the last window: the text is mostly unique pieces; stop caching for a while.
      if (this.hits * 4 < this.lookups) this.cacheOffUntil = 16384;
      this.lookups = 0;
      this.hits = 0;
    }
    if (this.cacheOffUntil > 0) {
      this.cacheOffUntil--;
      return false;
    }
    return true;
  }

  private encodeUncached(text: string, start: number, end: number, key: string): number {
    const whole = this.vocab.wholeTokens;
    if (whole) {
      const id = whole.get(key) ?? (hasSurrogate(key) ? whole.get(key.toWellFormed()) : undefined);
      if (id !== undefined) {
        this.ensure(3 * (end - start));
        this.syms[0] = id;
        this.lens[0] = utf8Into(text, start, end, this.bytes);
        return 1;
      }
    }
    const n = this.mode === 'bytes' ? this.byteSymbols(text, start, end) : this.charSymbols(text, start, end);
    return mergeSymbols(this.vocab.pairs, this.syms, this.lens, n);
  }

  private ensure(units: number): void {
    if (this.bytes.length < units) this.bytes = new Uint8Array(units * 2);
    if (this.syms.length < units) {
      this.syms = new Int32Array(units * 2);
      this.lens = new Int32Array(units * 2);
    }
  }

  private byteSymbols(text: string, start: number, end: number): number {
    this.ensure(3 * (end - start));
    const n = utf8Into(text, start, end, this.bytes);
    const byteToId = this.vocab.byteToId;
    const syms = this.syms;
    const lens = this.lens;
    for (let i = 0; i < n; i++) {
      const id = byteToId[this.bytes[i]];
      if (id < 0) throw new Error(`${this.spec.name}: the vocabulary has no token for byte 0x${this.bytes[i].toString(16)}`);
      syms[i] = id;
      lens[i] = 1;
    }
    return n;
  }

  /** SentencePiece-style: one symbol per character; unknown characters fall back to bytes or to the unknown id. */
  private charSymbols(text: string, start: number, end: number): number {
    this.ensure(3 * (end - start));
    const charToId = this.vocab.charToId!;
    const syms = this.syms;
    const lens = this.lens;
    const unk = this.spec.unkId;
    let n = 0;
    for (let i = start; i < end; ) {
      const cp = text.codePointAt(i)!;
      const units = cp > 0xffff ? 2 : 1;
      const ch = text.slice(i, i + units);
      const id = charToId.get(ch);
      const blen = utf8Into(text, i, i + units, this.bytes);
      i += units;
      if (id !== undefined) {
        syms[n] = id;
        lens[n++] = blen;
      } else if (this.spec.byteFallback) {
        for (let k = 0; k < blen; k++) {
          syms[n] = this.vocab.byteToId[this.bytes[k]];
          lens[n++] = 1;
        }
      } else if (unk !== undefined) {
        if (this.spec.fuseUnk && n > 0 && syms[n - 1] === unk) lens[n - 1] += blen;
        else {
          syms[n] = unk;
          lens[n++] = blen;
        }
      } else throw new Error(`${this.spec.name}: no token for ${JSON.stringify(ch)} and no unknown token`);
    }
    return n;
  }
}

function hasSurrogate(s: string): boolean {
  return !s.isWellFormed();
}
