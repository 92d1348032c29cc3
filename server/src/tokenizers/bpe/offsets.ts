/**
 * Converts UTF-16 offsets of a string to UTF-8 byte offsets, for offsets visited in non-decreasing order (linear
 * overall). A lone surrogate counts as the 3 bytes of U+FFFD, which is what it becomes when encoded.
 */
export class ByteCursor {
  private pos16 = 0;
  private pos8 = 0;
  constructor(private readonly text: string) {}

  byteAt(target16: number): number {
    if (target16 < this.pos16) {
      this.pos16 = 0;
      this.pos8 = 0;
    }
    const t = this.text;
    let i = this.pos16;
    let b = this.pos8;
    while (i < target16) {
      const c = t.charCodeAt(i);
      if (c < 0x80) {
        b += 1;
        i += 1;
      } else if (c < 0x800) {
        b += 2;
        i += 1;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < t.length && (t.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        b += 4;
        i += 2;
      } else {
        b += 3;
        i += 1;
      }
    }
    this.pos16 = i;
    this.pos8 = b;
    return b;
  }

  /** UTF-8 length of `text[start, end)`, without moving the cursor. */
  byteLength(start: number, end: number): number {
    const t = this.text;
    let n = 0;
    for (let i = start; i < end; i++) {
      const c = t.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < t.length && (t.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }
}

/** Growable id output (filling a JS array with a million numbers costs more than the encoding itself). */
export class IdBuffer {
  data: Uint32Array;
  length = 0;

  /** `expected`: a guess at the final count (growing a large buffer by doubling costs page faults and copies). */
  constructor(expected = 1024) {
    this.data = new Uint32Array(Math.max(16, expected));
  }

  push(id: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = id;
  }

  /** Appends `src[at .. at + n)`. */
  pushAll(src: Int32Array, at: number, n: number): void {
    if (this.length + n > this.data.length) this.grow(this.length + n);
    const d = this.data;
    for (let k = 0; k < n; k++) d[this.length + k] = src[at + k];
    this.length += n;
  }

  /** The ids; a view when it fills most of the buffer, otherwise a compact copy. */
  toArray(): Uint32Array {
    return this.length * 2 >= this.data.length ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }

  private grow(min: number): void {
    const d = new Uint32Array(Math.max(min, this.data.length * 2));
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }
}

/** Growable output of an encode: ids and both kinds of offsets. */
export class EncodingSink {
  ids: IdBuffer;
  private off: Uint32Array;
  private bytes: Uint32Array;

  constructor(expected = 1024) {
    this.ids = new IdBuffer(expected);
    this.off = new Uint32Array(2 * this.ids.data.length);
    this.bytes = new Uint32Array(2 * this.ids.data.length);
  }

  push(id: number, start: number, end: number, byteStart: number, byteEnd: number): void {
    const i = 2 * this.ids.length;
    if (i + 2 > this.off.length) {
      const o = new Uint32Array(this.off.length * 2);
      o.set(this.off);
      this.off = o;
      const b = new Uint32Array(this.bytes.length * 2);
      b.set(this.bytes);
      this.bytes = b;
    }
    this.ids.push(id);
    this.off[i] = start;
    this.off[i + 1] = end;
    this.bytes[i] = byteStart;
    this.bytes[i + 1] = byteEnd;
  }

  offsets(): Uint32Array {
    return this.off.slice(0, 2 * this.ids.length);
  }

  byteOffsets(): Uint32Array {
    return this.bytes.slice(0, 2 * this.ids.length);
  }
}

/**
 * Writes the UTF-8 bytes of `text[start, end)` into `out` from index 0 and returns the byte count. `out` must hold
 * 3 bytes per UTF-16 unit. Lone surrogates become U+FFFD (what TextEncoder, tiktoken and HF do).
 */
export function utf8Into(text: string, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < end ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 63);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
      } else {
        out[n++] = 0xef;
        out[n++] = 0xbf;
        out[n++] = 0xbd;
      }
    } else {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}
