import { readFileSync, writeFileSync } from 'node:fs';
import { BpeTokenizer } from '../bpe/createTokenizer';
import { TokenStore } from '../bpe/tokenStore';
import type { BpeSpec } from '../spec';
import type { Tokenizer } from '../types';
import { huggingFaceSpec } from './huggingface';
import { TIKTOKEN_ENCODINGS, tiktokenSpec } from './tiktoken';

/**
 * Precompiled vocabulary tables, written at build time (`scripts/compileVocab.ts`) so that loading a tokenizer is one
 * file read and a few typed-array views: no rank-file parsing, no pair-table derivation, no per-token objects.
 *
 * Layout (little-endian, every section 4-byte aligned): "TKSV", u32 version, u32 header length, header JSON (name,
 * how to rebuild the spec, the single-byte ids), then
 * sections, each `u32 byteLength` + bytes: token offsets (u32), token bytes, pair slots (i32), whole-token slots (i32,
 * possibly empty).
 */
const MAGIC = 0x5653_4b54; // "TKSV"
const VERSION = 3;

/** How to rebuild the non-table parts of the spec at load time. */
export type CompiledSource =
  | { format: 'tiktoken'; encoding: string }
  | {
      format: 'huggingface';
      config: unknown;
      tokenizerConfig: unknown;
      byteFallbackIds: number[];
      unreachableIds: number[];
      unkId: number | undefined;
    };

const pad4 = (n: number) => (4 - (n % 4)) % 4;

export function writeCompiled(path: string, name: string, source: CompiledSource, tokenizer: BpeTokenizer): void {
  const { tokens, pairs, wholeTokens, byteToId } = tokenizer.tables();
  const header = Buffer.from(JSON.stringify({ name, source, byteToId: Array.from(byteToId) }), 'utf8');
  const sections = [tokens.offsets, tokens.blob, pairs ?? new Int32Array(0), wholeTokens ?? new Int32Array(0)].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const parts: Buffer[] = [];
  const head = Buffer.alloc(12);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(VERSION, 4);
  head.writeUInt32LE(header.length, 8);
  parts.push(head, header, Buffer.alloc(pad4(12 + header.length)));
  for (const s of sections) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(s.length, 0);
    parts.push(len, s, Buffer.alloc(pad4(s.length)));
  }
  writeFileSync(path, Buffer.concat(parts));
}

export function loadCompiled(path: string): Tokenizer {
  const file = readFileSync(path);
  // Large files get their own ArrayBuffer at offset 0; copy only if a pooled buffer left it unaligned.
  const buf = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < 12 || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) {
    throw new Error(`${path}: not a tokscope vocabulary table of version ${VERSION} (rebuild with npm run build)`);
  }
  const headerLen = view.getUint32(8, true);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as { name: string; source: CompiledSource; byteToId: number[] };
  const { name, source } = header;
  let o = 12 + headerLen + pad4(12 + headerLen);
  const section = (): { at: number; len: number } => {
    const len = view.getUint32(o, true);
    const at = buf.byteOffset + o + 4;
    o += 4 + len + pad4(len);
    return { at, len };
  };
  const offs = section();
  const blob = section();
  const pairs = section();
  const whole = section();
  const ab = buf.buffer;
  const tokens = new TokenStore(new Uint8Array(ab, blob.at, blob.len), new Uint32Array(ab, offs.at, offs.len / 4));
  const precomputed = {
    byteToId: Int32Array.from(header.byteToId),
    pairs: pairs.len ? new Int32Array(ab, pairs.at, pairs.len / 4) : undefined,
    wholeTokens: whole.len ? new Int32Array(ab, whole.at, whole.len / 4) : undefined,
  };

  let spec: BpeSpec;
  if (source.format === 'tiktoken') {
    const enc = TIKTOKEN_ENCODINGS[source.encoding];
    if (!enc) throw new Error(`${path}: unknown tiktoken encoding ${source.encoding}`);
    spec = tiktokenSpec(enc, tokens);
  } else {
    spec = huggingFaceSpec(
      source.config,
      name,
      { tokenBytes: tokens, byteFallbackIds: source.byteFallbackIds, unreachableIds: source.unreachableIds, unkId: source.unkId },
      source.tokenizerConfig,
    );
  }
  return new BpeTokenizer(spec, precomputed);
}
