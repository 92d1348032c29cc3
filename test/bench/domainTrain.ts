/**
 * How long the domain trainer takes on its intended corpus: all of ../shared/data/legal/*.txt as o200k tokens, cut
 * after every token whose bytes hold a newline, identical chunks counted once, 32,000 merges, no pair with a newline
 * token learned. Only the training is timed (not reading, encoding or chunking).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TrainChunk, trainMerges } from '../../server/src/domain/train';
import { sharedDataDir } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';

export async function measureTraining(): Promise<{ chunks: number; tokens: number; merges: number; ms: number }> {
  const shared = sharedDataDir();
  if (!shared) throw new Error('../shared/data is absent: the training benchmark needs its legal corpus');
  const dir = join(shared, 'legal');
  const tok = getTokenizer('o200k_base');
  const newline = new Uint8Array(tok.vocabSize);
  for (let id = 0; id < tok.vocabSize; id++) {
    try {
      newline[id] = tok.bytesOf(id).includes(0x0a) ? 1 : 0;
    } catch {
      // ids with no token (gaps before the special tokens) never occur in an encoding
    }
  }
  const chunks = new Map<string, TrainChunk>();
  let tokens = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
    const ids = tok.encodeIds(readFileSync(join(dir, name), 'utf8'));
    tokens += ids.length;
    for (let from = 0; from < ids.length; ) {
      let to = from;
      while (to < ids.length && !newline[ids[to]]) to++;
      const chunk = ids.slice(from, Math.min(to + 1, ids.length));
      const key = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
      const seen = chunks.get(key);
      if (seen) seen.count++;
      else chunks.set(key, { ids: chunk, count: 1 });
      from = to + 1;
    }
  }
  const base = tok.vocabSize;
  const allowPair = (a: number, b: number) => !(a < base && newline[a]) && !(b < base && newline[b]);
  const t0 = performance.now();
  const { merges } = trainMerges([...chunks.values()], { baseSize: base, merges: 32_000, minFrequency: 2, allowPair });
  const ms = performance.now() - t0;
  return { chunks: chunks.size, tokens, merges: merges.length, ms };
}
