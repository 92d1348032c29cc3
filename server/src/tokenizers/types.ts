/**
 * The engine's public seams. Nothing here knows about VS Code or the LSP.
 *
 * Offsets: the engine works in UTF-16 code units (what JavaScript strings, VS Code and LSP positions use) and in
 * UTF-8 bytes (what byte-level BPE sees). Every API says which one it returns.
 */

/** A normalised string plus, for every UTF-16 unit of it, the range of the original text it came from. */
export interface Normalized {
  text: string;
  /**
   * `null` when `text` is the original text unchanged (the fast path). Otherwise `start[i]`/`end[i]` give the
   * original UTF-16 range that normalised unit `i` came from; `length === text.length + 1`, the last entry being
   * the original's end, so that `[start[a], end[b-1])` maps a normalised range back.
   */
  align: { start: Int32Array; end: Int32Array } | null;
}

/** A text transform that keeps track of where every output unit came from. */
export interface Normalizer {
  normalize(text: string): Normalized;
}

/**
 * Splits text into pre-tokens. Calls `emit(start, end)` for each piece, in order, with UTF-16 offsets into `text`
 * that lie inside `[from, to)`. Pieces never overlap; text a pre-tokenizer removes (e.g. a `Removed` split) is simply
 * not covered.
 */
export interface PreTokenizer {
  split(text: string, from: number, to: number, emit: (start: number, end: number) => void): void;
}

/** Options for encoding. */
export interface EncodeOptions {
  /**
   * Special tokens found in the input become special ids only when allowed here. Default: none — text like
   * `<|endoftext|>` in a source file is ordinary text. `true` allows all; a set allows those named.
   */
  allowSpecial?: boolean | ReadonlySet<string>;
}

/** The result of encoding a string: ids and, for each, its range in the input in UTF-16 units and in UTF-8 bytes. */
export interface Encoding {
  ids: Uint32Array;
  /** UTF-16 ranges, `[start0, end0, start1, end1, …]`. A character split across tokens belongs to the token holding its first byte. */
  offsets: Uint32Array;
  /** UTF-8 byte ranges of the input, same layout. */
  byteOffsets: Uint32Array;
}

export type RestartRule = 'none' | 'line' | 'lineAfterText';

export type TokenizerKind = 'tiktoken' | 'huggingface' | 'gguf';

/** A loaded tokenizer. All methods are synchronous and pure; instances are cached by the registry. */
export interface Tokenizer {
  readonly name: string;
  readonly kind: TokenizerKind;
  /** Number of ids (the largest id + 1). */
  readonly vocabSize: number;
  /** Special tokens by their text. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** Id of the beginning-of-sequence token a model prepends, if it has one. Never added silently by `encode`. */
  readonly bosId: number | undefined;
  /**
   * Where the encoding of the rest of a text cannot depend on what came before (see `IncrementalEncoding`):
   * 'line' — every line start whose first character is ASCII, not white space and not `/` (tiktoken cl100k/o200k,
   * Llama 3, Qwen patterns); 'lineAfterText' — the same, when the character before the "\n" is not white space either
   * (GPT-2 patterns, whose `\s+(?!\S)` treats a trailing run differently at the end of a chunk); 'none'.
   */
  readonly restartRule: RestartRule;
  encode(text: string, options?: EncodeOptions): Encoding;
  /** Ids only: faster than `encode` when offsets are not needed. */
  encodeIds(text: string, options?: EncodeOptions): Uint32Array;
  count(text: string, options?: EncodeOptions): number;
  /** Counts tokens but stops once the count exceeds `limit`; returns `limit + 1` or more in that case. */
  countUntil(text: string, limit: number, options?: EncodeOptions): number;
  decode(ids: ArrayLike<number>): string;
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** The bytes a token stands for (special tokens: their UTF-8 text). Throws on an unknown id. */
  bytesOf(id: number): Uint8Array;
  /** `encode(decode(ids))` equals `ids`, with special tokens allowed. */
  isCanonical(ids: ArrayLike<number>): boolean;
  /** Ids (not special) whose bytes start with `prefix`, from a byte trie. */
  tokensWithPrefix(prefix: Uint8Array): number[];
}
