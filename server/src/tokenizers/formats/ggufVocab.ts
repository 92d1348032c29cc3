/**
 * The tokenizer part of a GGUF file's metadata (`tokenizer.*` keys), read and validated, with no llama.cpp defaults
 * applied: a field is `undefined` when the file does not say.
 */
import { ggufBool, ggufInt, ggufString, readGgufMetadata, type GgufValue } from './gguf';

export interface GgufFimIds {
  prefix?: number;
  suffix?: number;
  middle?: number;
  pad?: number;
  rep?: number;
  sep?: number;
}

export interface GgufVocab {
  /** `tokenizer.ggml.model`: gpt2, llama, bert, t5, rwkv, … */
  model: string;
  /** `tokenizer.ggml.pre`: llama.cpp's pre-tokenizer name (BPE vocabularies). */
  pre: string | undefined;
  tokens: string[];
  /** 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte. */
  tokenTypes: Int32Array | undefined;
  scores: Float32Array | undefined;
  /** BPE merges, `"left right"`, in priority order. */
  merges: string[] | undefined;
  bosId: number | undefined;
  eosId: number | undefined;
  unkId: number | undefined;
  padId: number | undefined;
  sepId: number | undefined;
  maskId: number | undefined;
  eotId: number | undefined;
  eomId: number | undefined;
  addBos: boolean | undefined;
  addEos: boolean | undefined;
  addSpacePrefix: boolean | undefined;
  fim: GgufFimIds;
  chatTemplate?: string;
  /** `general.name`; llama.cpp keys a few per-model token attributes on it. */
  modelName: string | undefined;
  /** `general.architecture`. */
  architecture: string | undefined;
}

export const TOKEN_TYPE = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

function fail(path: string, what: string): never {
  throw new Error(`bad GGUF vocabulary in ${path}: ${what}`);
}

/** A token id key, dropped (as llama.cpp does) when it is outside the vocabulary. */
function idKey(meta: ReadonlyMap<string, GgufValue>, key: string, nTokens: number): number | undefined {
  const id = ggufInt(meta, `tokenizer.ggml.${key}`);
  return id !== undefined && id >= 0 && id < nTokens ? id : undefined;
}

/** Reads the tokenizer metadata of a GGUF file (only its header is read, whatever the file's size). */
export function readGgufVocab(path: string): GgufVocab {
  const meta = readGgufMetadata(path);
  return ggufVocabFromMetadata(meta, path);
}

export function ggufVocabFromMetadata(meta: ReadonlyMap<string, GgufValue>, path = '<metadata>'): GgufVocab {
  const model = ggufString(meta, 'tokenizer.ggml.model');
  if (model === undefined) fail(path, 'no tokenizer.ggml.model (not a model or vocabulary file?)');

  const tokens = meta.get('tokenizer.ggml.tokens');
  if (!Array.isArray(tokens) || (tokens.length > 0 && typeof tokens[0] !== 'string')) {
    fail(path, 'tokenizer.ggml.tokens is missing or not an array of strings');
  }
  const n = tokens.length;

  const types = meta.get('tokenizer.ggml.token_type');
  let tokenTypes: Int32Array | undefined;
  if (types !== undefined) {
    if (!(types instanceof Int32Array)) fail(path, 'tokenizer.ggml.token_type is not an int32 array');
    if (types.length < n) fail(path, `tokenizer.ggml.token_type has ${types.length} entries for ${n} tokens`);
    tokenTypes = types;
  }

  const rawScores = meta.get('tokenizer.ggml.scores');
  let scores: Float32Array | undefined;
  if (rawScores !== undefined) {
    // llama.cpp also accepts integer scores.
    if (rawScores instanceof Float32Array) scores = rawScores;
    else if (rawScores instanceof Int32Array) scores = Float32Array.from(rawScores);
    else fail(path, 'tokenizer.ggml.scores is not a float32 or int32 array');
    if (scores.length < n) fail(path, `tokenizer.ggml.scores has ${scores.length} entries for ${n} tokens`);
  }

  const rawMerges = meta.get('tokenizer.ggml.merges');
  let merges: string[] | undefined;
  if (rawMerges !== undefined) {
    if (!Array.isArray(rawMerges) || (rawMerges.length > 0 && typeof rawMerges[0] !== 'string')) {
      fail(path, 'tokenizer.ggml.merges is not an array of strings');
    }
    merges = rawMerges as string[];
  }

  // llama.cpp reads the deprecated prefix/suffix/middle keys after the fim_* ones, so they win when both exist.
  const fim: GgufFimIds = {
    prefix: idKey(meta, 'prefix_token_id', n) ?? idKey(meta, 'fim_pre_token_id', n),
    suffix: idKey(meta, 'suffix_token_id', n) ?? idKey(meta, 'fim_suf_token_id', n),
    middle: idKey(meta, 'middle_token_id', n) ?? idKey(meta, 'fim_mid_token_id', n),
    pad: idKey(meta, 'fim_pad_token_id', n),
    rep: idKey(meta, 'fim_rep_token_id', n),
    sep: idKey(meta, 'fim_sep_token_id', n),
  };
  for (const k of Object.keys(fim) as (keyof GgufFimIds)[]) if (fim[k] === undefined) delete fim[k];

  const vocab: GgufVocab = {
    model,
    pre: ggufString(meta, 'tokenizer.ggml.pre'),
    tokens: tokens as string[],
    tokenTypes,
    scores,
    merges,
    bosId: idKey(meta, 'bos_token_id', n),
    eosId: idKey(meta, 'eos_token_id', n),
    unkId: idKey(meta, 'unknown_token_id', n),
    padId: idKey(meta, 'padding_token_id', n),
    sepId: idKey(meta, 'seperator_token_id', n), // sic: the GGUF key is misspelt
    maskId: idKey(meta, 'mask_token_id', n),
    eotId: idKey(meta, 'eot_token_id', n),
    eomId: idKey(meta, 'eom_token_id', n),
    addBos: ggufBool(meta, 'tokenizer.ggml.add_bos_token'),
    addEos: ggufBool(meta, 'tokenizer.ggml.add_eos_token'),
    addSpacePrefix: ggufBool(meta, 'tokenizer.ggml.add_space_prefix'),
    fim,
    modelName: ggufString(meta, 'general.name'),
    architecture: ggufString(meta, 'general.architecture'),
  };
  const chatTemplate = ggufString(meta, 'tokenizer.chat_template');
  if (chatTemplate !== undefined) vocab.chatTemplate = chatTemplate;
  return vocab;
}
