/**
 * Builds a `BpeSpec` from a GGUF vocabulary the way llama.cpp (src/llama-vocab.cpp) reads it:
 * - 'gpt2' (byte-level BPE with merges) and
 * - 'llama' (SentencePiece BPE with scores and byte fallback).
 * Other tokenizer models (bert/WPM, t5/UGM, rwkv, plamo2, …) are rejected.
 *
 * Which tokens are "added" (matched in the raw text before anything else) follows llama.cpp, not the token types
 * alone: llama.cpp also promotes tokens by their text (end-of-generation and fill-in-the-middle markers become
 * control tokens; a few gpt-oss markers become user-defined), and sets strip flags for some models.
 */
import type { AddedTokenSpec, BpeSpec } from '../spec';
import { llamaCppPreInfo, llamaCppPreTokenizer } from '../preTokenizers/llamaCppPre';
import { type GgufVocab, readGgufVocab, TOKEN_TYPE } from './ggufVocab';
import { LlamaSpmNormalizer } from './llamaSpmNormalizer';

/** llama.cpp's `llama_token_attr` bits (only those that matter here). */
const ATTR = {
  unknown: 1 << 0,
  unused: 1 << 1,
  normal: 1 << 2,
  control: 1 << 3,
  userDefined: 1 << 4,
  byte: 1 << 5,
  lstrip: 1 << 7,
  rstrip: 1 << 8,
} as const;

/** Tokens llama.cpp matches in the text before tokenizing (its `cache_special_tokens`). */
const SPECIAL_CACHE = ATTR.control | ATTR.userDefined | ATTR.unknown;

const ATTR_OF_TYPE: Record<number, number> = {
  [TOKEN_TYPE.normal]: ATTR.normal,
  [TOKEN_TYPE.unknown]: ATTR.unknown,
  [TOKEN_TYPE.control]: ATTR.control,
  [TOKEN_TYPE.userDefined]: ATTR.userDefined,
  [TOKEN_TYPE.unused]: ATTR.unused,
  [TOKEN_TYPE.byte]: ATTR.byte,
};

const FW_BAR = '\uff5c'; // fullwidth vertical line, as in DeepSeek's markers
const SP = '\u2581'; // SentencePiece's space

/** Texts llama.cpp takes as end-of-generation markers; each present one becomes a control token. */
const EOG_TEXTS = [
  '<|eot_id|>', '<|im_end|>', '<|end|>', '<|return|>', '<|call|>', '<|flush|>', '<|calls|>', '<end_of_turn>',
  '<|endoftext|>', '</s>', '<|eom_id|>', '<EOT>', '_<EOT>', '[EOT]', '[EOS]', '<|end_of_text|>',
  '<end_of_utterance>', '<eos>', '<turn|>', '<|tool_response>', `<${FW_BAR}end${SP}of${SP}sentence${FW_BAR}>`, '[e~[',
];

/** Fill-in-the-middle markers llama.cpp looks for by text when the file does not give the id. */
const FIM_TEXTS: Record<'prefix' | 'suffix' | 'middle' | 'pad' | 'rep' | 'sep', string[]> = {
  prefix: ['<|fim_prefix|>', '<fim-prefix>', '<fim_prefix>', `<${FW_BAR}fim${SP}begin${FW_BAR}>`, '<PRE>', `${SP}<PRE>`, '<|code_prefix|>', '<|prefix|>'],
  suffix: ['<|fim_suffix|>', '<fim-suffix>', '<fim_suffix>', `<${FW_BAR}fim${SP}hole${FW_BAR}>`, '<SUF>', `${SP}<SUF>`, '<|code_suffix|>', '<|suffix|>'],
  middle: ['<|fim_middle|>', '<fim-middle>', '<fim_middle>', `<${FW_BAR}fim${SP}end${FW_BAR}>`, '<MID>', `${SP}<MID>`, '<|code_middle|>', '<|middle|>'],
  pad: ['<|fim_pad|>', '<fim-pad>', '<fim_pad>', '<PAD>', '[PAD]'],
  rep: ['<|fim_repo|>', '<|repo_name|>', '<fim-repo>', '<REPO>', '<reponame>'],
  sep: ['<|file_sep|>'],
};

/** gpt-oss markers llama.cpp always renders, forced to user-defined. */
const ALWAYS_USER_DEFINED = ['<|channel|>', '<|message|>', '<|start|>', '<|constrain|>'];

/** Reads a GGUF file's vocabulary and builds the spec for `createTokenizer`. */
export function ggufToSpec(path: string, name: string): BpeSpec {
  return ggufVocabToSpec(readGgufVocab(path), name);
}

export function ggufVocabToSpec(vocab: GgufVocab, name: string): BpeSpec {
  if (vocab.model === 'gpt2') return gpt2Spec(vocab, name);
  if (vocab.model === 'llama') return spmSpec(vocab, name);
  throw new Error(
    `GGUF tokenizer model '${vocab.model}' is not supported (supported: 'gpt2' byte-level BPE, 'llama' SentencePiece BPE)`,
  );
}

/** Token texts as llama.cpp keeps them: empty ones renamed, duplicates rejected. */
function tokenTexts(vocab: GgufVocab): { texts: string[]; idOf: Map<string, number> } {
  const texts = vocab.tokens.map((t, i) => (t === '' ? `[EMPTY_${i}]` : t));
  const idOf = new Map<string, number>();
  texts.forEach((t, i) => {
    const prev = idOf.get(t);
    if (prev !== undefined) throw new Error(`duplicate token in GGUF vocabulary: '${t}' has ids ${prev} and ${i}`);
    idOf.set(t, i);
  });
  return { texts, idOf };
}

/** Per-token attributes after llama.cpp's load-time adjustments. */
function tokenAttrs(vocab: GgufVocab, idOf: ReadonlyMap<string, number>): Uint16Array {
  const n = vocab.tokens.length;
  const attrs = new Uint16Array(n);
  for (let i = 0; i < n; i++) attrs[i] = vocab.tokenTypes ? (ATTR_OF_TYPE[vocab.tokenTypes[i]] ?? 0) : ATTR.normal;
  const idsOf = (texts: readonly string[]): number[] =>
    texts.map((t) => idOf.get(t)).filter((id): id is number => id !== undefined);

  for (const [key, texts] of Object.entries(FIM_TEXTS) as [keyof typeof FIM_TEXTS, string[]][]) {
    if (vocab.fim[key] !== undefined) continue;
    // llama.cpp takes whichever candidate its hash map yields first; the lowest id is our deterministic stand-in.
    const ids = idsOf(texts);
    if (ids.length > 0) attrs[Math.min(...ids)] |= ATTR.control;
  }
  for (const id of idsOf(EOG_TEXTS)) attrs[id] |= ATTR.control;
  for (const id of idsOf(ALWAYS_USER_DEFINED)) attrs[id] = ATTR.userDefined;

  // o200k_harmony and solar-open: '<|end|>' is not an end-of-generation marker there, and stays user-defined.
  const has = (t: string): boolean => idOf.has(t);
  const end = idOf.get('<|end|>');
  const hasCall = has('<|call|>') || has('<|calls|>');
  if (end !== undefined && hasCall && (has('<|return|>') || has('<|flush|>'))) attrs[end] = ATTR.userDefined;
  // gemma4 and paddleocr: '</s>' is ordinary text when '<|tool_response>' exists.
  const eos = idOf.get('</s>');
  if (eos !== undefined && has('<|tool_response>')) attrs[eos] = ATTR.normal;

  // Strip flags llama.cpp keys on model, pre-tokenizer and architecture names.
  const setFlag = (text: string, flag: number, on: boolean): void => {
    const id = idOf.get(text);
    if (id !== undefined) attrs[id] = on ? attrs[id] | flag : attrs[id] & ~flag;
  };
  const modelName = (vocab.modelName ?? '').toLowerCase();
  const pre = vocab.pre ?? '';
  const arch = vocab.architecture ?? '';
  if (/jina-v2-(de|es|code)/.test(pre) || /nomic-bert-moe|jina-bert-v3/.test(arch)) {
    setFlag('<mask>', ATTR.lstrip, true);
  } else if (modelName.includes('phi-3') || modelName.includes('phi3')) {
    for (let i = 0; i < n; i++) if (attrs[i] & SPECIAL_CACHE) attrs[i] |= ATTR.rstrip;
    setFlag('</s>', ATTR.rstrip, true);
    for (const t of ['<unk>', '<s>', '<|endoftext|>']) setFlag(t, ATTR.rstrip, false);
  } else if (modelName.includes('modern-bert')) {
    setFlag('[MASK]', ATTR.lstrip, true);
  }
  return attrs;
}

/**
 * Added tokens in llama.cpp's matching order: longest text first (llama.cpp's sort leaves ties unordered; we put
 * the lower id first). Control and unknown tokens match only when special tokens are allowed; user-defined ones
 * always.
 */
function addedTokens(texts: readonly string[], attrs: Uint16Array): AddedTokenSpec[] {
  const out: AddedTokenSpec[] = [];
  for (let id = 0; id < texts.length; id++) {
    const a = attrs[id];
    if ((a & SPECIAL_CACHE) === 0) continue;
    const t: AddedTokenSpec = { id, content: texts[id], special: (a & (ATTR.control | ATTR.unknown)) !== 0, normalized: false };
    if (a & ATTR.lstrip) t.lstrip = true;
    if (a & ATTR.rstrip) t.rstrip = true;
    out.push(t);
  }
  return out.sort((x, y) => y.content.length - x.content.length || x.id - y.id);
}

const utf8 = new TextEncoder();

/** `<0xAB>` → 0xAB, as llama.cpp's `token_to_byte` reads byte tokens. */
function byteOfToken(text: string): number | undefined {
  const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
  return m ? parseInt(m[1], 16) : undefined;
}

/** GPT-2's byte↔unicode table: printable bytes stand for themselves, the rest for U+0100 + n in byte order. */
let gpt2ByteOfChar: Map<number, number> | undefined;
function gpt2Bytes(): Map<number, number> {
  if (gpt2ByteOfChar) return gpt2ByteOfChar;
  const map = new Map<number, number>();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map.set(printable ? b : 0x100 + n++, b);
  }
  return (gpt2ByteOfChar = map);
}

/** The raw bytes of a byte-level token; a character outside GPT-2's table keeps its UTF-8 bytes. */
function decodeByteLevel(text: string): Uint8Array {
  const table = gpt2Bytes();
  const out: number[] = [];
  for (const ch of text) {
    const b = table.get(ch.codePointAt(0)!);
    if (b !== undefined) out.push(b);
    else out.push(...utf8.encode(ch));
  }
  return Uint8Array.from(out);
}

function gpt2Spec(vocab: GgufVocab, name: string): BpeSpec {
  const info = llamaCppPreInfo(vocab.pre, vocab.model);
  if (!info.byteEncode) {
    throw new Error(`GGUF pre-tokenizer '${info.name}' (raw UTF-8 BPE, not byte-level) is not supported`);
  }
  if (vocab.merges === undefined) throw new Error('GGUF gpt2 vocabulary has no tokenizer.ggml.merges');
  const { texts, idOf } = tokenTexts(vocab);
  const attrs = tokenAttrs(vocab, idOf);

  // llama.cpp's token_to_piece: control, unknown and user-defined tokens are their plain text; normal tokens are
  // GPT-2 byte-level text; byte tokens are `<0xAB>`.
  const tokenBytes = texts.map((t, id): Uint8Array => {
    const a = attrs[id];
    if (a & SPECIAL_CACHE) return utf8.encode(t);
    if (a & ATTR.byte) {
      const b = byteOfToken(t);
      if (b !== undefined) return Uint8Array.of(b);
    }
    return decodeByteLevel(t);
  });

  // Merges are pairs of token texts; llama.cpp splits at the first space after the first character and keeps the
  // first rank of a repeated pair. A pair whose parts or result are not tokens can never apply to whole tokens.
  const merges: Array<[number, number]> = [];
  const seen = new Set<string>();
  for (const m of vocab.merges) {
    const sp = m.indexOf(' ', 1);
    if (sp < 0 || seen.has(m)) continue;
    seen.add(m);
    const left = idOf.get(m.slice(0, sp));
    const right = idOf.get(m.slice(sp + 1));
    if (left === undefined || right === undefined || !idOf.has(m.slice(0, sp) + m.slice(sp + 1))) continue;
    merges.push([left, right]);
  }

  const spec: BpeSpec = {
    name,
    kind: 'gguf',
    tokenBytes,
    mergeMode: 'merges',
    merges,
    symbols: 'bytes',
    normalizer: null,
    preTokenizer: llamaCppPreTokenizer(vocab.pre, vocab.model),
    addedTokens: addedTokens(texts, attrs),
    decoder: 'bytes',
  };
  if (info.ignoreMerges) spec.ignoreMerges = true;
  spec.restartRule = info.restartRule;
  if (vocab.bosId !== undefined) spec.bosId = vocab.bosId;
  if (vocab.eosId !== undefined) spec.eosId = vocab.eosId;
  return spec;
}

function spmSpec(vocab: GgufVocab, name: string): BpeSpec {
  const { texts, idOf } = tokenTexts(vocab);
  const attrs = tokenAttrs(vocab, idOf);
  const n = texts.length;
  const byteFallbackIds = new Set<number>();
  const tokenBytes = texts.map((t, id): Uint8Array => {
    if (attrs[id] & ATTR.byte) {
      const b = byteOfToken(t);
      if (b !== undefined) {
        byteFallbackIds.add(id);
        return Uint8Array.of(b);
      }
    }
    return utf8.encode(t);
  });
  const addSpacePrefix = vocab.addSpacePrefix ?? true;
  // llama.cpp's SPM defaults: <unk> = 0, <s> = 1, </s> = 2, when the file does not say and they exist.
  const orDefault = (id: number | undefined, def: number): number | undefined => id ?? (def < n ? def : undefined);
  const spec: BpeSpec = {
    name,
    kind: 'gguf',
    tokenBytes,
    mergeMode: 'scores',
    scores: vocab.scores ?? new Float32Array(n),
    symbols: 'chars',
    byteFallback: true,
    byteFallbackIds,
    normalizer: new LlamaSpmNormalizer(addSpacePrefix),
    preTokenizer: null,
    addedTokens: addedTokens(texts, attrs),
    decoder: 'metaspace',
    stripLeadingSpace: addSpacePrefix,
  };
  const unk = orDefault(vocab.unkId, 0);
  const bos = orDefault(vocab.bosId, 1);
  const eos = orDefault(vocab.eosId, 2);
  if (unk !== undefined) spec.unkId = unk;
  if (bos !== undefined) spec.bosId = bos;
  if (eos !== undefined) spec.eosId = eos;
  return spec;
}
