/** A tiny BPE tokenizer.json (a, b, ab, space) that the registry loads: for tests of where tokenizers are found. */
export const TINY_BPE = JSON.stringify({
  version: '1.0',
  added_tokens: [],
  normalizer: null,
  pre_tokenizer: null,
  model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2, ' ': 3 }, merges: ['a b'] },
  decoder: null,
});
