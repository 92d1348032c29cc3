import type { TokenStore } from './bpe/tokenStore';
import type { Normalizer, PreTokenizer, RestartRule, TokenizerKind } from './types';

/**
 * Everything the engine needs to build a BPE tokenizer, whatever file format it came from (tiktoken rank file,
 * Hugging Face `tokenizer.json`, GGUF). Format loaders produce a `BpeSpec`; `createTokenizer(spec)` builds the engine.
 */
export interface BpeSpec {
  name: string;
  kind: TokenizerKind;
  /**
   * The model-level text of each id as bytes, index = id; `undefined` for holes. For byte-level vocabularies these are
   * the raw bytes (the GPT-2 byte↔unicode mapping already undone). For SentencePiece-style vocabularies (symbols
   * 'chars') these are the UTF-8 bytes of the piece *including* `▁`; byte-fallback tokens `<0xAB>` are the byte 0xAB.
   */
  tokenBytes: (Uint8Array | undefined)[] | TokenStore;
  /**
   * How adjacent symbols merge:
   * - 'ranks': tiktoken — the pair (a, b) merges if bytes(a)+bytes(b) is a token; lower id = higher priority.
   * - 'merges': Hugging Face — `merges[i] = [leftId, rightId]` in priority order; the result is the token whose bytes
   *   are the concatenation.
   * - 'scores': SentencePiece/llama.cpp SPM — the pair merges if the concatenation is a token; higher `scores[id]`
   *   of the result = higher priority (ties: lower id first, then leftmost).
   */
  mergeMode: 'ranks' | 'merges' | 'scores';
  merges?: Array<[number, number]>;
  scores?: Float32Array;
  /**
   * Initial symbols of a pre-token: its UTF-8 bytes ('bytes', byte-level BPE), or its characters ('chars',
   * SentencePiece BPE), a character with no token of its own becoming byte-fallback tokens or `unkId`.
   */
  symbols: 'bytes' | 'chars';
  byteFallback?: boolean;
  /** chars mode with byte fallback: the ids of the `<0xAB>` tokens (their `tokenBytes` is the single byte AB). */
  byteFallbackIds?: ReadonlySet<number>;
  /**
   * Ids BPE can never produce, kept only for decoding: tokens of a byte-level vocabulary written outside the byte
   * alphabet (KL3M's char vocabularies hold a literal " " beside "Ġ"). Excluded from every lookup, like byte fallbacks.
   */
  unreachableIds?: ReadonlySet<number>;
  /** 'ranks'/'scores' modes: which ids may be the result of a merge (default all non-added ids). */
  mergeable?: (id: number) => boolean;
  unkId?: number;
  /** Consecutive unknown characters become one `unkId` (HF `fuse_unk`). */
  fuseUnk?: boolean;
  /** A pre-token that is itself in the vocabulary is emitted whole, without merging (HF `ignore_merges`, Llama 3). */
  ignoreMerges?: boolean;
  normalizer?: Normalizer | null;
  /**
   * Text changes that pre-tokenizers make after normalisation, applied per segment between added tokens:
   * Metaspace's space replacement (`▁`, one unit for one unit) and a prefix (Metaspace's `▁`, ByteLevel's
   * `add_prefix_space`). `when: 'first'` prepends only to a segment at the start of the input; `unlessStartsWith`
   * skips the prefix when the segment already starts with one of these characters.
   */
  spaceReplacement?: string;
  prefix?: { text: string; when: 'always' | 'first'; unlessStartsWith: string };
  preTokenizer?: PreTokenizer | null;
  /** Tokens matched in the raw text before anything else (HF added tokens; tiktoken special tokens). */
  addedTokens: AddedTokenSpec[];
  /** How ids turn back into text: 'bytes' (concatenate bytes) or 'metaspace' (`▁` → space, drop one leading space if `stripLeadingSpace`). */
  decoder: 'bytes' | 'metaspace';
  stripLeadingSpace?: boolean;
  bosId?: number;
  eosId?: number;
  /** Restart points the pre-tokenizer guarantees (see `Tokenizer.restartRule`); enables incremental re-encoding. */
  restartRule?: RestartRule;
}

export interface AddedTokenSpec {
  id: number;
  content: string;
  /** Special tokens only match when the caller allows them; non-special added tokens always match. */
  special: boolean;
  /** HF: match against normalised text (true) or raw text (false). */
  normalized?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  singleWord?: boolean;
}
