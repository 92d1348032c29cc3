import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Largest input `readInput` returns whole (V8's string limit is about 512 MiB of UTF-16). */
const MAX_WHOLE_BYTES = 256 * 1024 * 1024;

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
  }
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (first) {
      first = false;
      if (chunk.subarray(0, 8192).includes(0) && looksBinary(text)) throw new Error(`${name}: looks like a binary file (NUL bytes); not counted`);
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

/** Git's heuristic, refined: a NUL in the first 8 KB, and mostly non-text characters there. */
function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) odd++;
  }
  return odd * 10 > head.length;
}
