/**
 * llama.cpp's BPE pre-tokenizers, keyed by the GGUF `tokenizer.ggml.pre` name.
 *
 * llama.cpp (`llm_tokenizer_bpe` in src/llama-vocab.cpp) gives each pre type a list of regexes; `unicode_regex_split`
 * (src/unicode.cpp) applies them in sequence, each one splitting every piece the previous one produced. Within a
 * piece, matches become pieces and so does the text between matches: nothing is ever dropped.
 *
 * The regexes below are llama.cpp's, written in its own dialect, and translated to JavaScript by `toJs` so that the
 * JavaScript engine reproduces what llama.cpp observably does rather than what the original Hugging Face regex says:
 * - llama.cpp's whitespace is Python's `\s`: ASCII `\t\n\v\f\r `, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
 *   U+2029, U+202F, U+205F, U+3000. That differs from JavaScript's `\s` (which adds U+FEFF and lacks U+0085), and
 *   every llama.cpp path (its hand-written splitters, its category-collapsed std::regex, its std::wregex) treats a
 *   non-ASCII whitespace character as nothing but whitespace: not a letter, not in any literal range. So we do what
 *   llama.cpp does: replace non-ASCII whitespace by `\v` (all are single UTF-16 units, so offsets do not move) and
 *   make `\s` the six ASCII characters.
 * - llama.cpp's std::regex cannot see Unicode categories, so it "collapses" every non-ASCII character to one byte
 *   per category. `\p{Lu}`, `\p{Ll}`, `\p{Lt}`, `\p{Lm}`, `\p{Lo}` all collapse to "letter": we translate them to
 *   `\p{L}`. Its ASCII table for `\p{S}` forgets `~`: we exclude `~` from `\p{S}`.
 * - Each regex runs on one piece at a time, so `$`, `\b` and lookaheads see the piece's end, not the text's.
 */
import type { PreTokenizer, RestartRule } from '../types';

const ASCII_WS = String.raw`\t\n\v\f\r `;
/** Non-ASCII characters llama.cpp counts as whitespace (its `unicode_set_whitespace`). All are BMP. */
const NON_ASCII_WS = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

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
const AFMOE_DIGITS = '<afmoe-digits>';

interface PreType {
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
const NAMES: Readonly<Record<string, PreType>> = {
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

export const KNOWN_LLAMA_CPP_PRE: readonly string[] = Object.freeze(Object.keys(NAMES).sort());

/** Tokenizer models whose vocabularies llama.cpp splits with these regexes. */
const BPE_MODELS = new Set(['gpt2', 'gemma4', 'hybriddna', 'whitespace']);

export interface LlamaCppPreInfo {
  /** The pre name after llama.cpp's defaults (missing → 'default', model gemma4 → 'gemma4'). */
  readonly name: string;
  /** The regexes as JavaScript sources (flags `gu`), in order. AFMoE's digit step appears as `<afmoe-digits>`. */
  readonly jsRegexes: readonly string[];
  readonly ignoreMerges: boolean;
  readonly byteEncode: boolean;
  readonly escapeWhitespaces: boolean;
  readonly restartRule: RestartRule;
}

function resolve(pre: string | undefined, model: string): { name: string; type: PreType } {
  if (!BPE_MODELS.has(model)) {
    throw new Error(`llama.cpp applies no regex pre-tokenizer to '${model}' vocabularies (only to BPE models)`);
  }
  // llama.cpp: gemma4 vocabularies always use the gemma4 pre type; a missing pre name means 'default'.
  const name = model === 'gemma4' ? 'gemma4' : pre === undefined || pre === '' ? 'default' : pre;
  const type = NAMES[name];
  if (type === undefined) {
    throw new Error(`unknown llama.cpp pre-tokenizer type '${name}'; known: ${KNOWN_LLAMA_CPP_PRE.join(', ')}`);
  }
  return { name, type };
}

export function llamaCppPreInfo(pre: string | undefined, model: string): LlamaCppPreInfo {
  const { name, type } = resolve(pre, model);
  return {
    name,
    jsRegexes: type.regexes.map((r) => (r === AFMOE_DIGITS ? r : toJs(r))),
    ignoreMerges: type.ignoreMerges ?? false,
    byteEncode: type.byteEncode ?? true,
    escapeWhitespaces: type.escapeWhitespaces ?? false,
    restartRule: type.restartRule ?? 'none',
  };
}

/**
 * Translates a llama.cpp regex to a JavaScript one (flags `gu`) that behaves as llama.cpp does on text whose
 * non-ASCII whitespace has been replaced by `\v` (see the file comment).
 */
export function toJs(src: string): string {
  const usesCategories = /\\p\{/.test(src);
  let out = '';
  let classStart = -1; // index in `out` of the '[' of the class we are in, or -1
  let classHasSymbol = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1];
      if (next === 's') {
        out += classStart >= 0 ? ASCII_WS : `[${ASCII_WS}]`;
        i++;
      } else if (next === 'S') {
        if (classStart >= 0) throw new Error(`\\S inside a character class is not supported: ${src}`);
        out += `[^${ASCII_WS}]`;
        i++;
      } else if (next === 'p' && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        let cat = src.slice(i + 3, close);
        // llama.cpp collapses every letter subcategory to "letter".
        if (usesCategories && /^L[ultmo]$/.test(cat)) cat = 'L';
        if (cat === 'S') {
          if (classStart >= 0) classHasSymbol = true;
          else {
            out += '(?:(?!~)\\p{S})';
            i = close;
            continue;
          }
        }
        out += `\\p{${cat}}`;
        i = close;
      } else {
        out += c + next;
        i++;
      }
    } else if (c === '[' && classStart < 0) {
      classStart = out.length;
      classHasSymbol = false;
      out += c;
    } else if (c === ']' && classStart >= 0) {
      out += c;
      if (classHasSymbol) {
        // llama.cpp's ASCII table for \p{S} lacks '~': take '~' out of a positive class, put it into a negated one.
        const cls = out.slice(classStart);
        if (cls.includes('~')) throw new Error(`\\p{S} next to '~' in one class is not supported: ${src}`);
        out = out.slice(0, classStart) + (cls.startsWith('[^') ? `(?:~|${cls})` : `(?:(?!~)${cls})`);
      }
      classStart = -1;
    } else {
      out += c;
    }
  }
  return out;
}

type Step = RegExp | 'afmoeDigits';

function compile(type: PreType): Step[] {
  return type.regexes.map((r) => (r === AFMOE_DIGITS ? 'afmoeDigits' : new RegExp(toJs(r), 'gu')));
}

/** Splits `[start, end)` of `text` by `re`: matches and the gaps between them all become pieces. */
function splitByRegex(re: RegExp, text: string, start: number, end: number, out: number[]): void {
  const piece = start === 0 && end === text.length ? text : text.slice(start, end);
  re.lastIndex = 0;
  let prev = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(piece)) !== null) {
    const at = m.index;
    const len = m[0].length;
    if (at > prev) out.push(start + prev, start + at);
    if (len > 0) out.push(start + at, start + at + len);
    prev = at + len;
    // An empty match still splits (llama.cpp emits it as an empty piece); step past it by one code point.
    if (len === 0) re.lastIndex = at + (piece.codePointAt(at)! > 0xffff ? 2 : 1);
  }
  if (prev < piece.length) out.push(start + prev, end);
}

/**
 * AFMoE's digit step, as llama.cpp's `unicode_regex_split_custom_afmoe` does it: a run of digits (`\p{N}`) is cut
 * into a leading group of (length mod 3) digits and then groups of three; the text before a run stays glued to the
 * run's first group, and what follows the last run is one piece.
 */
const IS_NUMBER = /\p{N}/u;
function splitAfmoeDigits(text: string, start: number, end: number, out: number[]): void {
  let prevEnd = start;
  const add = (to: number): void => {
    if (to > prevEnd) out.push(prevEnd, to);
    prevEnd = to;
  };
  let pos = start;
  while (pos < end) {
    const cp = text.codePointAt(pos)!;
    const w = cp > 0xffff ? 2 : 1;
    if (!IS_NUMBER.test(String.fromCodePoint(cp))) {
      pos += w;
      continue;
    }
    const digits: number[] = []; // UTF-16 offset after each digit
    while (pos < end) {
      const d = text.codePointAt(pos)!;
      if (!IS_NUMBER.test(String.fromCodePoint(d))) break;
      pos += d > 0xffff ? 2 : 1;
      digits.push(pos);
    }
    let k = digits.length % 3;
    if (k > 0) add(digits[k - 1]);
    for (k += 3; k <= digits.length; k += 3) add(digits[k - 1]);
  }
  if (prevEnd < end) add(end);
}

class LlamaCppPreTokenizer implements PreTokenizer {
  constructor(private readonly steps: readonly Step[]) {}

  split(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
    if (from >= to) return;
    let fragment = text.slice(from, to);
    // See the file comment: llama.cpp's non-ASCII whitespace is whitespace and nothing else.
    NON_ASCII_WS.lastIndex = 0;
    if (NON_ASCII_WS.test(fragment)) fragment = fragment.replace(NON_ASCII_WS, '\v');
    let pieces = [0, fragment.length];
    for (const step of this.steps) {
      const next: number[] = [];
      for (let i = 0; i < pieces.length; i += 2) {
        if (step === 'afmoeDigits') splitAfmoeDigits(fragment, pieces[i], pieces[i + 1], next);
        else splitByRegex(step, fragment, pieces[i], pieces[i + 1], next);
      }
      pieces = next;
    }
    for (let i = 0; i < pieces.length; i += 2) emit(from + pieces[i], from + pieces[i + 1]);
  }
}

const cache = new Map<PreType, LlamaCppPreTokenizer>();

/**
 * The pre-tokenizer llama.cpp uses for a BPE vocabulary with this `tokenizer.ggml.pre` (undefined or '' means
 * llama.cpp's 'default'). Throws for an unknown name, listing the known ones, and for non-BPE models.
 */
export function llamaCppPreTokenizer(pre: string | undefined, model: string): PreTokenizer {
  const { type } = resolve(pre, model);
  let p = cache.get(type);
  if (p === undefined) {
    p = new LlamaCppPreTokenizer(compile(type));
    cache.set(type, p);
  }
  return p;
}
