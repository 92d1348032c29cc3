import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Largest input the CLI reads (V8's string limit is about 512 MiB of UTF-16). */
const MAX_BYTES = 256 * 1024 * 1024;

/**
 * Reads a file (or stdin for `-`) as UTF-8 in chunks. Invalid UTF-8 becomes U+FFFD, as in every reference tokenizer
 * that takes text. Binary files are refused with a clear error rather than counted as garbage.
 */
export async function readInput(path: string): Promise<string> {
  if (path !== '-') {
    const s = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    if (s.isDirectory()) throw new Error(`${path}: is a directory`);
    if (s.size > MAX_BYTES) throw new Error(`${path}: ${s.size} bytes is over the ${MAX_BYTES}-byte limit`);
  }
  const stream = path === '-' ? process.stdin : createReadStream(path);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const parts: string[] = [];
  let total = 0;
  let sawNul = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BYTES) throw new Error(`${path === '-' ? 'stdin' : path}: input over the ${MAX_BYTES}-byte limit`);
    if (!sawNul && total <= 8192 && chunk.includes(0)) sawNul = true;
    parts.push(decoder.decode(chunk, { stream: true }));
  }
  parts.push(decoder.decode());
  const text = parts.join('');
  if (sawNul && looksBinary(text)) throw new Error(`${path === '-' ? 'stdin' : path}: looks like a binary file (NUL bytes); not counted`);
  return text;
}

/** Git's heuristic: a NUL in the first 8 KB; plus mostly non-text characters there. */
function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) odd++;
  }
  return odd * 10 > head.length;
}
