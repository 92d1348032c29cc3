/**
 * `node out/test/tools/writeTinyGguf.js PATH`: writes the test suite's tiny llama GGUF (random weights, a small
 * byte-level BPE vocabulary with Qwen2.5-Coder's FIM tokens) to PATH, for scripts that need a model file
 * (scripts/screenshots.mjs). The same file the tests write; its completions are noise.
 */
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node out/test/tools/writeTinyGguf.js PATH\n');
  process.exit(2);
}
tinyLlamaGguf({ path });
process.stdout.write(path + '\n');
