// The peer side of the bench's process-level figures: count a file's tokens with gpt-tokenizer, the way a script
// using that library would. `node test/bench/peerCount.mjs o200k_base FILE` prints the count.
import { readFileSync } from 'node:fs';

const [encoding, file] = process.argv.slice(2);
if (!encoding || !file) {
  process.stderr.write('usage: node test/bench/peerCount.mjs ENCODING FILE\n');
  process.exit(2);
}
const { countTokens } = await import(`gpt-tokenizer/encoding/${encoding}`);
process.stdout.write(`${countTokens(readFileSync(file, 'utf8'))}\n`);
