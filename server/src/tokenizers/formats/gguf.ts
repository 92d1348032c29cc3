/**
 * GGUF metadata reader (format versions 2 and 3, little-endian).
 *
 * Reads the header and the key/value section only. Model files can be many gigabytes and the metadata sits at the
 * start, so the file is read in chunks with `readSync` and the tensor infos and tensor data are never touched.
 *
 * Every length in the file is checked against the bytes the file still has before anything is allocated, so a
 * hostile or corrupt file cannot make us allocate more than its own size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A GGUF metadata value. 64-bit integers come back as `bigint` so that no value is silently rounded. */
export type GgufValue =
  | number
  | bigint
  | boolean
  | string
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array
  | boolean[]
  | string[]
  | GgufValue[];

/** Value type tags, as numbered in the GGUF specification. */
const enum GgufType {
  Uint8 = 0,
  Int8 = 1,
  Uint16 = 2,
  Int16 = 3,
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  Uint64 = 10,
  Int64 = 11,
  Float64 = 12,
}

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const CHUNK = 1 << 20;
/** Arrays of arrays are legal in the format but never used for tokenizers; a small bound stops stack exhaustion. */
const MAX_ARRAY_DEPTH = 4;

/** Fixed element sizes in bytes; 0 for variable-size types. */
function elementSize(type: number): number {
  switch (type) {
    case GgufType.Uint8:
    case GgufType.Int8:
    case GgufType.Bool:
      return 1;
    case GgufType.Uint16:
    case GgufType.Int16:
      return 2;
    case GgufType.Uint32:
    case GgufType.Int32:
    case GgufType.Float32:
      return 4;
    case GgufType.Uint64:
    case GgufType.Int64:
    case GgufType.Float64:
      return 8;
    default:
      return 0;
  }
}

/** The smallest number of bytes one element of `type` can take; used to bound counts before allocating. */
function minEncodedSize(type: number): number {
  if (type === GgufType.String) return 8; // length prefix
  if (type === GgufType.Array) return 12; // element type + count
  return elementSize(type);
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A forward-only reader over a file descriptor with a growable read-ahead buffer. */
class ChunkReader {
  private buf = Buffer.allocUnsafe(CHUNK);
  private start = 0; // first unread byte in buf
  private end = 0; // one past the last valid byte in buf
  private filePos = 0; // file offset of buf[end]

  constructor(
    private readonly fd: number,
    readonly fileSize: number,
    private readonly path: string,
  ) {}

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.filePos - (this.end - this.start);
  }

  /** Bytes left in the file after the read position. */
  get remaining(): number {
    return this.fileSize - this.offset;
  }

  private truncated(need: number): Error {
    return new Error(
      `truncated GGUF file ${this.path}: needed ${need} bytes at offset ${this.offset}, only ${this.remaining} left`,
    );
  }

  /** Makes at least `n` bytes available in `buf[start..]`. */
  private ensure(n: number): void {
    const have = this.end - this.start;
    if (have >= n) return;
    if (n > this.remaining) throw this.truncated(n);
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.start, this.end);
      this.buf = bigger;
    } else if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.end = have;
    this.start = 0;
    while (this.end < n) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.filePos);
      if (got === 0) throw this.truncated(n);
      this.end += got;
      this.filePos += got;
    }
  }

  u8(): number {
    this.ensure(1);
    return this.buf[this.start++];
  }

  u32(): number {
    this.ensure(4);
    const v = this.buf.readUInt32LE(this.start);
    this.start += 4;
    return v;
  }

  u64(): bigint {
    this.ensure(8);
    const v = this.buf.readBigUInt64LE(this.start);
    this.start += 8;
    return v;
  }

  /** A uint64 length or count, which must fit what is left of the file at `minBytesEach` bytes per unit. */
  count(what: string, minBytesEach: number): number {
    const at = this.offset;
    this.ensure(8);
    // Two 32-bit halves: cheaper than BigInt for the hundreds of thousands of string lengths in a vocabulary.
    const lo = this.buf.readUInt32LE(this.start);
    const hi = this.buf.readUInt32LE(this.start + 4);
    this.start += 8;
    const n = hi * 0x100000000 + lo; // exact below 2^53; anything near that is rejected below anyway
    const left = this.remaining;
    if (hi >= 0x200000 || n * minBytesEach > left) {
      const exact = (BigInt(hi) << 32n) | BigInt(lo);
      throw new Error(
        `truncated or corrupt GGUF file ${this.path}: ${what} of ${exact} at offset ${at} cannot fit in the ${left} bytes left`,
      );
    }
    return n;
  }

  scalar(type: number): number | bigint | boolean {
    const size = elementSize(type);
    this.ensure(size);
    const b = this.buf;
    const p = this.start;
    this.start += size;
    switch (type) {
      case GgufType.Uint8:
        return b.readUInt8(p);
      case GgufType.Int8:
        return b.readInt8(p);
      case GgufType.Uint16:
        return b.readUInt16LE(p);
      case GgufType.Int16:
        return b.readInt16LE(p);
      case GgufType.Uint32:
        return b.readUInt32LE(p);
      case GgufType.Int32:
        return b.readInt32LE(p);
      case GgufType.Float32:
        return b.readFloatLE(p);
      case GgufType.Bool:
        return b[p] !== 0;
      case GgufType.Uint64:
        return b.readBigUInt64LE(p);
      case GgufType.Int64:
        return b.readBigInt64LE(p);
      case GgufType.Float64:
        return b.readDoubleLE(p);
      default:
        throw new Error(`internal: ${type} is not a scalar GGUF type`);
    }
  }

  string(): string {
    const len = this.count('string length', 1);
    this.ensure(len);
    // GGUF strings are UTF-8 without a terminator. Invalid sequences become U+FFFD.
    const s = this.buf.toString('utf8', this.start, this.start + len);
    this.start += len;
    return s;
  }

  /** Copies the next `target.length` bytes into `target`, reading large blocks straight from the file. */
  readInto(target: Uint8Array): void {
    const n = target.length;
    if (n > this.remaining) throw this.truncated(n);
    const buffered = Math.min(n, this.end - this.start);
    target.set(this.buf.subarray(this.start, this.start + buffered), 0);
    this.start += buffered;
    let done = buffered;
    while (done < n) {
      const got = readSync(this.fd, target, done, n - done, this.filePos);
      if (got === 0) throw this.truncated(n - done);
      done += got;
      this.filePos += got;
    }
  }
}

type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

function typedArray(type: number, bytes: ArrayBuffer): NumericArray {
  switch (type) {
    case GgufType.Uint8:
      return new Uint8Array(bytes);
    case GgufType.Int8:
      return new Int8Array(bytes);
    case GgufType.Uint16:
      return new Uint16Array(bytes);
    case GgufType.Int16:
      return new Int16Array(bytes);
    case GgufType.Uint32:
      return new Uint32Array(bytes);
    case GgufType.Int32:
      return new Int32Array(bytes);
    case GgufType.Float32:
      return new Float32Array(bytes);
    case GgufType.Float64:
      return new Float64Array(bytes);
    case GgufType.Uint64:
      return new BigUint64Array(bytes);
    case GgufType.Int64:
      return new BigInt64Array(bytes);
    default:
      throw new Error(`internal: ${type} is not a numeric GGUF type`);
  }
}

function readArray(r: ChunkReader, depth: number): GgufValue {
  const at = r.offset;
  const type = r.u32();
  if (type > GgufType.Float64) throw new Error(`corrupt GGUF file: unknown array element type ${type} at offset ${at}`);
  const n = r.count('array length', minEncodedSize(type));
  if (type === GgufType.String) {
    const out: string[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = r.string();
    return out;
  }
  if (type === GgufType.Bool) {
    const out: boolean[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = r.u8() !== 0;
    return out;
  }
  if (type === GgufType.Array) {
    if (depth >= MAX_ARRAY_DEPTH) throw new Error(`corrupt GGUF file: arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
    const out: GgufValue[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readArray(r, depth + 1);
    return out;
  }
  const size = elementSize(type);
  const bytes = new Uint8Array(n * size);
  r.readInto(bytes);
  if (!hostIsLittleEndian && size > 1) {
    // The file is little-endian; typed arrays use the host's order.
    for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  }
  return typedArray(type, bytes.buffer);
}

function readValue(r: ChunkReader, type: number): GgufValue {
  if (type === GgufType.String) return r.string();
  if (type === GgufType.Array) return readArray(r, 1);
  return r.scalar(type);
}

/**
 * Reads the metadata key/value pairs of a GGUF file, in file order. Throws on a file that is not GGUF, an
 * unsupported version, truncation, or lengths that cannot fit in the file.
 */
export function readGgufMetadata(path: string): Map<string, GgufValue> {
  const fd = openSync(path, 'r');
  try {
    const r = new ChunkReader(fd, fstatSync(fd).size, path);
    if (r.fileSize < 4) throw new Error(`not a GGUF file: bad magic (${path} is only ${r.fileSize} bytes)`);
    const magic = r.u32();
    if (magic !== GGUF_MAGIC) throw new Error(`not a GGUF file: bad magic (${path})`);
    const version = r.u32();
    if (version === 1) throw new Error(`unsupported GGUF version 1 in ${path} (only versions 2 and 3 are read)`);
    if (version !== 2 && version !== 3) {
      // A big-endian file has its version bytes reversed, e.g. 0x03000000 for version 3.
      const swapped = (version >>> 24) | ((version >>> 8) & 0xff00) | ((version & 0xff00) << 8) | ((version & 0xff) << 24);
      const hint = swapped >= 1 && swapped <= 3 ? ' (big-endian GGUF is not supported)' : '';
      throw new Error(`unsupported GGUF version ${version} in ${path}${hint}`);
    }
    r.u64(); // tensor count: tensors are not read
    const kvCount = r.count('metadata key/value count', 8 + 4 + 1);
    const out = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = r.string();
      const at = r.offset;
      const type = r.u32();
      if (type > GgufType.Float64) {
        throw new Error(`corrupt GGUF file ${path}: key '${key}' has unknown value type ${type} at offset ${at}`);
      }
      out.set(key, readValue(r, type));
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** A metadata integer as a JavaScript number, or `undefined` when absent or not an integer that fits. */
export function ggufInt(meta: ReadonlyMap<string, GgufValue>, key: string): number | undefined {
  const v = meta.get(key);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  return undefined;
}

export function ggufBool(meta: ReadonlyMap<string, GgufValue>, key: string): boolean | undefined {
  const v = meta.get(key);
  return typeof v === 'boolean' ? v : undefined;
}

export function ggufString(meta: ReadonlyMap<string, GgufValue>, key: string): string | undefined {
  const v = meta.get(key);
  return typeof v === 'string' ? v : undefined;
}
