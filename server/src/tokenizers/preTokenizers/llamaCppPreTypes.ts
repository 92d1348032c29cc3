/**
 * The pre-tokenizer regex lists of every llama.cpp `tokenizer.ggml.pre` name, in llama.cpp's own regex dialect (see
 * llamaCppPre.ts for how they are translated and applied).
 */
import type { RestartRule } from '../types';
const CONTRACTIONS = String.raw`(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])`;
/** GPT-2's regex. llama.cpp runs a hand-written splitter for it that also matches a lone `\s+`. */
const GPT2 = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;
/** Llama 3's regex (llama.cpp also runs a hand-written splitter for it; its behaviour is the regex's). */
const LLAMA3 = String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
const QWEN2 = String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
const DEEPSEEK3_MAIN = String.raw`[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_${'`'}{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
const CJK_KANA = String.raw`[\u{4E00}-\u{9FA5}\u{3040}-\u{309F}\u{30A0}-\u{30FF}]+`;
const CJK_HANGUL = String.raw`[\u{4E00}-\u{9FA5}\u{0800}-\u{4E00}\u{AC00}-\u{D7FF}]+`;
/** Letters with case, as listed by DeepSeek LLM's tokenizer (escaped: several are canonical singletons). */
const DEEPSEEK_LETTERS = String.raw`A-Za-z\u{B5}\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{1BA}\u{1BC}-\u{1BF}\u{1C4}-\u{293}\u{295}-\u{2AF}\u{370}-\u{373}\u{376}\u{377}\u{37B}-\u{37D}\u{37F}\u{386}\u{388}-\u{38A}\u{38C}\u{38E}-\u{3A1}\u{3A3}-\u{3F5}\u{3F7}-\u{481}\u{48A}-\u{52F}\u{531}-\u{556}\u{10A0}-\u{10C5}\u{13A0}-\u{13F5}\u{13F8}-\u{13FD}\u{1C90}-\u{1CBA}\u{1CBD}-\u{1CBF}\u{1D00}-\u{1D2B}\u{1D6B}-\u{1D77}\u{1D79}-\u{1D9A}\u{1E00}-\u{1F15}\u{1F18}-\u{1F1D}\u{1F20}-\u{1F45}\u{1F48}-\u{1F4D}\u{1F50}-\u{1F57}\u{1F59}\u{1F5B}\u{1F5D}\u{1F5F}-\u{1F7D}\u{1F80}-\u{1FB4}\u{1FB6}-\u{1FBC}\u{1FBE}\u{1FC2}-\u{1FC4}\u{1FC6}-\u{1FCC}\u{1FD0}-\u{1FD3}\u{1FD6}-\u{1FDB}\u{1FE0}-\u{1FEC}\u{1FF2}-\u{1FF4}\u{1FF6}-\u{1FFC}\u{2102}\u{2107}\u{210A}-\u{2113}\u{2115}\u{2119}-\u{211D}\u{2124}\u{2126}\u{2128}\u{212A}-\u{212D}\u{212F}-\u{2134}\u{2139}\u{213C}-\u{213F}\u{2145}-\u{2149}\u{214E}\u{2183}\u{2184}\u{2C00}-\u{2C7B}\u{2C7E}-\u{2CE4}\u{2CEB}-\u{2CEE}\u{2CF2}\u{2CF3}\u{A640}-\u{A66D}\u{A680}-\u{A69B}\u{A722}-\u{A76F}\u{A771}-\u{A787}\u{A78B}-\u{A78E}\u{AB70}-\u{ABBF}\u{FB00}-\u{FB06}\u{FB13}-\u{FB17}\u{FF21}-\u{FF3A}\u{FF41}-\u{FF5A}\u{10400}-\u{1044F}\u{104B0}-\u{104D3}\u{104D8}-\u{104FB}\u{10C80}-\u{10CB2}\u{10CC0}-\u{10CF2}\u{118A0}-\u{118DF}\u{1E900}-\u{1E943}`;
/** BLOOM/Poro: everything up to whitespace or sentence punctuation (the parentheses and `|` are literal). */
const BLOOM = String.raw` ?[^(\s|.,!?\u{2026}\u{3002}\u{FF0C}\u{3001}\u{0964}\u{06D4}\u{060C})]+`;
const GPT4O_LETTERS = (marks: boolean): string => {
  const l = marks ? String.raw`[\p{L}\p{M}]` : String.raw`[\p{L}]`;
  const upper = String.raw`((?=${l})([^a-z]))`;
  const lower = String.raw`((?=${l})([^A-Z]))`;
  return String.raw`[^\r\n\p{L}\p{N}]?${upper}*${lower}+${CONTRACTIONS}?|[^\r\n\p{L}\p{N}]?${upper}+${lower}*${CONTRACTIONS}?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
};
const CASED_WORDS = String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+${CONTRACTIONS}?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*${CONTRACTIONS}?`;
/** The ranges llama.cpp's `unicode_cpt_is_han` accepts (not the Unicode Han script). */
const HAN = String.raw`\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{2CEB0}-\u{2EBEF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}`;
/** Kimi K2: llama.cpp's hand-written splitter (it does not tell upper from lower case, so neither do we). */
const KIMI_K2 = String.raw`[${HAN}]+|[^\r\n\p{L}\p{N}]?(?:(?![${HAN}])\p{L})+${CONTRACTIONS}?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
/** AFMoE's digit step is not a regex: llama.cpp groups digit runs in threes from the right (see `splitAfmoeDigits`). */
export const AFMOE_DIGITS = '<afmoe-digits>';

export interface PreType {
  /** llama.cpp's regexes in its own dialect, applied in order. */
  readonly regexes: readonly string[];
  /** `tokenizer_ignore_merges`: a pre-token that is a whole token is emitted without merging. */
  readonly ignoreMerges?: boolean;
  /** False where llama.cpp feeds raw UTF-8 (not GPT-2 byte-level characters) to BPE. */
  readonly byteEncode?: boolean;
  /** Spaces become `▁` before splitting (SPM-style BPE vocabularies). */
  readonly escapeWhitespaces?: boolean;
  /** The restart points the regexes guarantee (see `Tokenizer.restartRule`). */
  readonly restartRule?: RestartRule;
}

const T = {
  default: { regexes: [String.raw`[\p{P}\$\+<=>\^~\|]+`, GPT2, String.raw`\p{N}+`, '[0-9][0-9][0-9]'] },
  llama3: { regexes: [LLAMA3], ignoreMerges: true, restartRule: 'line' },
  jais2: {
    regexes: [
      String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s{512}(?!\S)|\s{256}(?!\S)|\s{128}(?!\S)|\s{64}(?!\S)|\s{32}(?!\S)|\s{16}(?!\S)|\s{8}(?!\S)|\s{4}(?!\S)|\s{1,2}(?!\S)|\s{1}`,
    ],
  },
  dbrx: { regexes: [LLAMA3], restartRule: 'line' },
  deepseekLlm: {
    regexes: [
      '[\\r\\n]',
      String.raw`\s?[${DEEPSEEK_LETTERS}]+`,
      String.raw`\s?[!-/:-~\u{FF01}-\u{FF0F}\u{FF1A}-\u{FF5E}\u{2018}-\u{201F}\u{3000}-\u{3002}]+`,
      String.raw`\s+$`,
      CJK_HANGUL,
      String.raw`\p{N}+`,
    ],
  },
  deepseek3: { regexes: [String.raw`\p{N}{1,3}`, CJK_KANA, DEEPSEEK3_MAIN] },
  spark25: {
    regexes: [
      String.raw`\p{N}{1,3}`,
      CJK_KANA,
      String.raw`[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_${'`'}{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+|[\r\n]|\s+(?!\S)|\s+`,
      String.raw`\p{N}`,
    ],
  },
  youtu: {
    regexes: [
      String.raw`[\u{AC00}-\u{D7A3}\u{3131}-\u{318E}]+|[\u{FF01}\u{2026}\u{201C}\u{201D}\u{2018}\u{2019}\u{2014}\u{FF1A}\u{FF1B}\u{FF0C}\u{3001}-\u{303F}\u{FE30}-\u{FE4F}]+|[\u{3105}-\u{312F}]+|${CJK_KANA}`,
      String.raw`${CASED_WORDS}|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    ],
    ignoreMerges: true,
  },
  deepseekCoder: { regexes: ['[\\r\\n]', String.raw`\s?\p{L}+`, String.raw`\s?\p{P}+`, CJK_HANGUL, String.raw`\p{N}`] },
  falcon: { regexes: [String.raw`[\p{P}\$\+<=>\^~\|${'`'}]+`, GPT2, '[0-9][0-9][0-9]'] },
  starcoder: { regexes: [String.raw`\p{N}`, GPT2], restartRule: 'lineAfterText' },
  gpt2: { regexes: [GPT2], restartRule: 'lineAfterText' },
  qwen2: { regexes: [QWEN2], restartRule: 'line' },
  qwen35: {
    regexes: [
      String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    ],
    restartRule: 'line',
  },
  bloom: { regexes: [BLOOM] },
  viking: { regexes: [BLOOM, String.raw`\p{N}`] },
  tekken: {
    regexes: [
      String.raw`[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    ],
    ignoreMerges: true,
  },
  chameleon: {
    regexes: [
      '<sentinel:[0-9]+>',
      '(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z',
      '([\\t\\n]|    |  )',
      String.raw`\p{N}`,
      String.raw`[\p{P}!-/:-@\[-${'`'}{-~]`,
      GPT2,
    ],
  },
  gpt4o: { regexes: [GPT4O_LETTERS(false)] },
  graniteEmbedMulti: { regexes: [GPT4O_LETTERS(true)], ignoreMerges: true },
  tinyAya: {
    regexes: [
      String.raw`\d{1,3}(?=(?:\d{3})*\b)`,
      String.raw`${CASED_WORDS}|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    ],
  },
  kimiK2: { regexes: [KIMI_K2] },
  superbpe: { regexes: [String.raw`\p{N}+`, String.raw`(?=(\d{3})+(?!\d))`] },
  bailingmoe: {
    regexes: [
      String.raw`'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+`,
    ],
  },
  seedCoder: {
    regexes: [
      String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+`,
    ],
  },
  ufakzeka: { regexes: [String.raw`[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`] },
  afmoe: {
    regexes: [
      AFMOE_DIGITS,
      String.raw`[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{F900}-\u{FAFF}\u{3040}-\u{309F}\u{30A0}-\u{30FF}\u{FF65}-\u{FF9F}\u{2F00}-\u{2FDF}\u{0E40}-\u{0E7F}\u{0E80}-\u{0EFF}\u{1780}-\u{17FF}\u{1000}-\u{109F}\u{AA60}-\u{AA7F}\u{A9E0}-\u{A9FF}\u{AC00}-\u{D7AF}\u{1100}-\u{11FF}]+`,
      DEEPSEEK3_MAIN,
    ],
  },
  laguna: { regexes: ['[^\\n]+|[\\n]+', QWEN2] },
  exaoneMoe: {
    regexes: [
      String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]?|\s*[\r\n]|\s+(?!\S)|\s+`,
    ],
  },
  gemma4: { regexes: ['[^\\n]+|[\\n]+'], byteEncode: false, escapeWhitespaces: true },
  minicpm5: {
    regexes: [
      String.raw`\p{N}{1,3}`,
      String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}+| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    ],
    ignoreMerges: true,
  },
  whitespace: { regexes: [String.raw`\S+`], byteEncode: false },
} satisfies Record<string, PreType>;

/** Every `tokenizer.ggml.pre` name llama.cpp accepts, and the pre type it selects. */
export const NAMES: Readonly<Record<string, PreType>> = {
  default: T.default,
  'llama3': T.llama3,
  'llama-v3': T.llama3,
  'llama-bpe': T.llama3,
  'falcon3': T.llama3,
  'falcon-h1': T.llama3,
  'pixtral': T.llama3,
  'midm-2.0': T.llama3,
  'lfm2': T.llama3,
  'jina-v5-nano': T.llama3,
  'jais-2': T.jais2,
  'dbrx': T.dbrx,
  'smaug-bpe': T.dbrx,
  'glm4': T.dbrx, // chatglm4: the Llama 3 regex without ignore_merges
  'chatglm-bpe': T.dbrx,
  'deepseek-llm': T.deepseekLlm,
  'deepseek-coder': T.deepseekCoder,
  'deepseek-v3': T.deepseek3,
  'hunyuan-dense': T.deepseek3,
  'joyai-llm': T.deepseek3,
  'hy_v4': T.deepseek3,
  'spark2_5': T.spark25,
  'youtu': T.youtu,
  'falcon': T.falcon,
  'starcoder': T.starcoder,
  'refact': T.starcoder,
  'command-r': T.starcoder,
  'smollm': T.starcoder,
  'codeshell': T.starcoder,
  'exaone': T.starcoder,
  'minerva-7b': T.starcoder,
  'mellum2': T.starcoder,
  'gpt-2': T.gpt2,
  'phi-2': T.gpt2,
  'jina-es': T.gpt2,
  'jina-de': T.gpt2,
  'gigachat': T.gpt2,
  'jina-v2-es': T.gpt2,
  'jina-v2-de': T.gpt2,
  'jina-v1-en': T.gpt2,
  'jina-v2-code': T.gpt2,
  'roberta-bpe': T.gpt2,
  'a.x-4.0': T.gpt2,
  'mellum': T.gpt2,
  'modern-bert': T.gpt2,
  'exaone4': T.gpt2,
  'mpt': T.gpt2,
  'olmo': T.gpt2,
  'jais': T.gpt2,
  'trillion': T.gpt2,
  'granite-docling': T.gpt2,
  'stablelm2': T.qwen2,
  'qwen2': T.qwen2,
  'deepseek-r1-qwen': T.qwen2,
  'kormo': T.qwen2,
  'f2llmv2': T.qwen2,
  'megrez': T.qwen2,
  'hunyuan': T.qwen2,
  'solar-open': T.qwen2,
  'grok-2': T.qwen2,
  'qwen35': T.qwen35,
  'poro-chat': T.bloom,
  'bloom': T.bloom,
  'gpt3-finnish': T.bloom,
  'viking': T.viking,
  'tekken': T.tekken,
  'chameleon': T.chameleon,
  'gpt-4o': T.gpt4o,
  'llama4': T.gpt4o,
  'kanana2': T.gpt4o,
  'talkie': T.gpt4o,
  'minimax-m2': T.gpt4o,
  'granite-embed-multi-97m': T.graniteEmbedMulti,
  'tiny_aya': T.tinyAya,
  'cohere2moe': T.tinyAya,
  'kimi-k2': T.kimiK2,
  'superbpe': T.superbpe,
  'bailingmoe': T.bailingmoe,
  'bailingmoe2': T.bailingmoe,
  'llada-moe': T.bailingmoe,
  'seed-coder': T.seedCoder,
  'ufakzeka': T.ufakzeka,
  'afmoe': T.afmoe,
  'laguna': T.laguna,
  'exaone-moe': T.exaoneMoe,
  'gemma4': T.gemma4,
  'granite-embed-multi-311m': T.gemma4,
  'sarvam-moe': T.gemma4,
  'minicpm5': T.minicpm5,
  'whitespace': T.whitespace,
};
