import { createReadStream, openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Largest input `readInput` returns whole (V8's string limit is about 512 MiB of UTF-16). */
const MAX_WHOLE_BYTES = 256 * 1024 * 1024;
/** Files up to this size are read in one call (Node's native UTF-8 decoder is several times faster than streaming). */
const READ_WHOLE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a file (or stdin for `-`) as UTF-8 text in chunks. Invalid UTF-8 becomes U+FFFD, as in every reference
 * tokenizer that takes text; a BOM is kept (it is part of the file and costs tokens). Binary files (NUL bytes and
 * mostly control characters in the first 8 KB) are refused with a clear error rather than counted as garbage.
 */
export async function* readChunks(path: string): AsyncGenerator<string> {
  const name = path === '-' ? 'stdin' : path;
  if (path !== '-') {
    const s = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    if (s.isDirectory()) throw new Error(`${path}: is a directory`);
    if (s.size <= READ_WHOLE_BYTES) {
      refuseBinary(path, headOf(path));
      const text = readFileSync(path, 'utf8');
      if (text) yield text;
      return;
    }
  }
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (first) {
      first = false;
      refuseBinary(name, chunk.subarray(0, 8192));
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The whole input as one string (for `encode`, which prints every token anyway). */
export async function readInput(path: string): Promise<string> {
  const parts: string[] = [];
  let units = 0;
  for await (const text of readChunks(path)) {
    units += text.length;
    if (units * 2 > MAX_WHOLE_BYTES) throw new Error(`${path === '-' ? 'stdin' : path}: input too large to encode whole (over ${MAX_WHOLE_BYTES / 2 ** 20} MiB of text)`);
    parts.push(text);
  }
  return parts.join('');
}

function headOf(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

function refuseBinary(name: string, head: Buffer): void {
  if (head.includes(0) && looksBinary(head.toString('utf8'))) throw new Error(`${name}: looks like a binary file (NUL bytes); not counted`);
}

/** Git's heuristic, refined: a NUL in the first 8 KB, and mostly non-text characters there. */
function looksBinary(head: string): boolean {
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) odd++;
  }
  return odd * 10 > head.length;
}
