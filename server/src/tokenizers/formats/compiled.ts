import { readFileSync, writeFileSync } from 'node:fs';
import { BpeTokenizer } from '../bpe/createTokenizer';
import type { BpeSpec } from '../spec';
import type { Tokenizer } from '../types';
import { huggingFaceSpec } from './huggingface';
import { TIKTOKEN_ENCODINGS, tiktokenSpec } from './tiktoken';

/**
 * Precompiled vocabulary tables, written at build time (`scripts/compileVocab.ts`) so that loading a tokenizer is a
 * file read and a few typed-array views instead of parsing a rank file and deriving the pair table (0.4–1.2 s).
 *
 * Layout (little-endian): "TKSV" u32 version, u32 headerBytes, header JSON, padding to 4, u32 count,
 * u32 offsets[count + 1], token bytes, padding to 4, u32 pairSlots, i32 slots[pairSlots].
 */
const MAGIC = 0x5653_4b54; // "TKSV"
const VERSION = 1;

/** How to rebuild the non-table parts of the spec at load time. */
export type CompiledSource =
  | { format: 'tiktoken'; encoding: string }
  | { format: 'huggingface'; config: unknown; tokenizerConfig: unknown; byteFallbackIds: number[]; unreachableIds: number[]; unkId: number | undefined };

export function writeCompiled(path: string, name: string, source: CompiledSource, tokenizer: BpeTokenizer, spec: BpeSpec): void {
  const header = Buffer.from(JSON.stringify({ name, source }), 'utf8');
  const tb = spec.tokenBytes;
  let total = 0;
  for (const b of tb) total += b ? b.length : 0;
  const slots = tokenizer.pairSlots();
  const pad = (n: number) => (4 - (n % 4)) % 4;
  const headLen = 12 + header.length;
  const bytesStart = headLen + pad(headLen) + 4 + 4 * (tb.length + 1);
  const pairsStart = bytesStart + total + pad(bytesStart + total);
  const buf = Buffer.alloc(pairsStart + 4 + slots.byteLength);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(header.length, 8);
  header.copy(buf, 12);
  let o = headLen + pad(headLen);
  buf.writeUInt32LE(tb.length, o);
  o += 4;
  let at = 0;
  for (let i = 0; i < tb.length; i++) {
    buf.writeUInt32LE(at, o + 4 * i);
    const b = tb[i];
    if (b) {
      buf.set(b, bytesStart + at);
      at += b.length;
    }
  }
  buf.writeUInt32LE(at, o + 4 * tb.length);
  buf.writeUInt32LE(slots.length, pairsStart);
  Buffer.from(slots.buffer, slots.byteOffset, slots.byteLength).copy(buf, pairsStart + 4);
  writeFileSync(path, buf);
}

export function loadCompiled(path: string): Tokenizer {
  const file = readFileSync(path);
  const buf = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) throw new Error(`${path}: not a tokscope vocabulary table (rebuild with npm run build)`);
  const headerLen = view.getUint32(8, true);
  const { name, source } = JSON.parse(Buffer.from(buf.subarray(12, 12 + headerLen)).toString('utf8')) as { name: string; source: CompiledSource };
  const pad = (n: number) => (4 - (n % 4)) % 4;
  let o = 12 + headerLen;
  o += pad(o);
  const count = view.getUint32(o, true);
  o += 4;
  // Copy into aligned typed arrays: the Buffer from readFileSync may not be 4-byte aligned.
  const offsets = new Uint32Array(buf.slice(o, o + 4 * (count + 1)).buffer);
  const bytesStart = o + 4 * (count + 1);
  const total = offsets[count];
  const blob = buf.subarray(bytesStart, bytesStart + total);
  const tokenBytes: (Uint8Array | undefined)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const s = offsets[i];
    const e = offsets[i + 1];
    tokenBytes[i] = e > s ? blob.subarray(s, e) : undefined;
  }
  let p = bytesStart + total;
  p += pad(p);
  const nSlots = view.getUint32(p, true);
  const slots = new Int32Array(buf.slice(p + 4, p + 4 + 4 * nSlots).buffer);

  let spec: BpeSpec;
  if (source.format === 'tiktoken') {
    const enc = TIKTOKEN_ENCODINGS[source.encoding];
    if (!enc) throw new Error(`${path}: unknown tiktoken encoding ${source.encoding}`);
    spec = tiktokenSpec(enc, tokenBytes);
  } else {
    spec = huggingFaceSpec(source.config, name, { tokenBytes, byteFallbackIds: source.byteFallbackIds, unreachableIds: source.unreachableIds, unkId: source.unkId }, source.tokenizerConfig);
  }
  return new BpeTokenizer(spec, slots);
}
