import type { PreTokenizer, RestartRule } from '../types';
import { cl100kScanner, qwenScanner } from './scanCl100k';
import { o200kScanner } from './scanO200k';

const CONTRACTIONS = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
const TAIL = "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/**
 * `tokenizer.json` Split patterns that equal one of our hand-written scanners, as they appear in the files: the
 * scanners are several times faster than the regex and were checked piece for piece against it (scanners.test.ts)
 * and id for id against Hugging Face (differential.test.ts). They also break at line starts (see incremental.ts).
 */
export const KNOWN_SPLIT_PATTERNS: ReadonlyMap<string, { scanner: PreTokenizer; restartRule: RestartRule }> = new Map([
  // Llama 3 (and cl100k_base written for Hugging Face)
  [`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}${TAIL}`, { scanner: cl100kScanner, restartRule: 'line' }],
  // Qwen 2 / 2.5 / 3
  [`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}${TAIL}`, { scanner: qwenScanner, restartRule: 'line' }],
  // o200k_base written for Hugging Face (GPT-4o conversions)
  [
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    { scanner: o200kScanner, restartRule: 'line' },
  ],
]);
