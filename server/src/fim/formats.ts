/**
 * The FIM prompt layouts of the code models tokscope knows (research.md §4), as data, plus detection and resolution
 * of their special tokens in a model's own vocabulary.
 *
 *   qwen2.5-coder   <|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>        (+ <|repo_name|>, <|file_sep|> context)
 *   deepseek-coder  <｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>
 *   starcoder2      <fim_prefix>P<fim_suffix>S<fim_middle>              (+ <repo_name>, <file_sep> context)
 *   codellama       <PRE> P <SUF>S <MID>            ends with <EOT>
 *   codestral       [SUFFIX]S[PREFIX] P             suffix first (SPM)
 *
 * The spaces in the CodeLlama and Codestral forms are not text tokscope adds: the one before P is SentencePiece's dummy
 * prefix (the model's tokenizer adds it, or not, when encoding P), and those before <SUF> and <MID> are part of
 * CodeLlama's tokens (`▁<SUF>`, `▁<MID>`). Adding literal spaces would double them on the models themselves.
 */
import type { Tokenizer } from '../tokenizers/types';
import type { FimFormatName } from './types';

/** The roles of FIM special tokens, named as `BackendInfo.fimTokens` names them. */
export type FimRole = 'prefix' | 'suffix' | 'middle' | 'repo' | 'sep';

/**
 * How context chunks from other files are put in the prompt:
 * 'tokens' — `<repo>{repo}{repoEnd}` then `<sep>{filename}\n{text}` per file and `<sep>{current file}\n` before the
 *   prefix token (Qwen2.5-Coder's and StarCoder2's repository-level training format; llama.cpp's /infill does the same);
 * 'comments' — `#{filename}\n{text}` blocks at the start of the prefix text (DeepSeek-Coder's repository-level format);
 * 'none' — left out: CodeLlama and Codestral were not trained with other files' context, and text before their
 *   first FIM token would sit outside the layout they know.
 */
export type ExtraLayout = 'tokens' | 'comments' | 'none';

export interface FimFormat {
  name: FimFormatName;
  /** 'psm': prefix, suffix, middle — generation starts after the middle token. 'spm': suffix first, then the prefix, which runs straight into the generation. */
  order: 'psm' | 'spm';
  /** The token texts of each role, alternatives in order of preference (vocabularies spell some differently). */
  tokens: Partial<Record<FimRole, readonly string[]>>;
  /** Roles the layout cannot do without. */
  required: readonly FimRole[];
  /** Tokens that end a completion (whichever the vocabulary has). */
  end: readonly string[];
  /** Whether the model expects its BOS token before the prompt (those trained with one). */
  bos: boolean;
  extra: ExtraLayout;
  /** What follows the repository name in the 'tokens' layout. */
  repoEnd?: string;
}

export const FORMATS: Readonly<Record<FimFormatName, FimFormat>> = {
  'qwen2.5-coder': {
    name: 'qwen2.5-coder',
    order: 'psm',
    tokens: { prefix: ['<|fim_prefix|>'], suffix: ['<|fim_suffix|>'], middle: ['<|fim_middle|>'], repo: ['<|repo_name|>'], sep: ['<|file_sep|>'] },
    required: ['prefix', 'suffix', 'middle'],
    // llama.cpp ends FIM generation on all of these for Qwen: the model starts another file or pads after the middle.
    end: ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|repo_name|>', '<|im_end|>'],
    bos: false,
    extra: 'tokens',
    repoEnd: '\n',
  },
  'deepseek-coder': {
    name: 'deepseek-coder',
    order: 'psm',
    tokens: { prefix: ['<｜fim▁begin｜>'], suffix: ['<｜fim▁hole｜>'], middle: ['<｜fim▁end｜>'] },
    required: ['prefix', 'suffix', 'middle'],
    end: ['<｜end▁of▁sentence｜>', '<|EOT|>'],
    bos: true,
    extra: 'comments',
  },
  starcoder2: {
    name: 'starcoder2',
    order: 'psm',
    tokens: { prefix: ['<fim_prefix>'], suffix: ['<fim_suffix>'], middle: ['<fim_middle>'], repo: ['<repo_name>'], sep: ['<file_sep>'] },
    required: ['prefix', 'suffix', 'middle'],
    end: ['<|endoftext|>', '<file_sep>', '<fim_pad>'],
    bos: false,
    extra: 'tokens',
    repoEnd: '',
  },
  codellama: {
    name: 'codellama',
    order: 'psm',
    // Meta's SentencePiece vocabulary holds `▁<PRE>`, `▁<SUF>`, `▁<MID>`, `▁<EOT>`; GGUF conversions may show `▁` as a space.
    tokens: { prefix: ['▁<PRE>', '<PRE>', ' <PRE>'], suffix: ['▁<SUF>', ' <SUF>', '<SUF>'], middle: ['▁<MID>', ' <MID>', '<MID>'] },
    required: ['prefix', 'suffix', 'middle'],
    end: ['▁<EOT>', ' <EOT>', '<EOT>', '</s>'],
    bos: true,
    extra: 'none',
  },
  codestral: {
    name: 'codestral',
    order: 'spm',
    tokens: { prefix: ['[PREFIX]'], suffix: ['[SUFFIX]'], middle: ['[MIDDLE]'] },
    // SPM order never uses [MIDDLE]: the prefix runs straight into the generation.
    required: ['suffix', 'prefix'],
    end: ['</s>'],
    bos: true,
    extra: 'none',
  },
};

/** What is known about a model when choosing its format. */
export interface FormatHints {
  /** The model's name or file (server report, GGUF `general.name`, file name). */
  model?: string;
  /** The vocabulary's special token texts: a Tokenizer's `specialTokens`, or any list of texts. */
  specialTokens?: ReadonlyMap<string, number> | Iterable<string>;
  /** The model's chat template (GGUF `tokenizer.chat_template`), which sometimes names the FIM tokens. */
  chatTemplate?: string;
}

/** Formats checked by tokens in this order; no two share a prefix-token text, so the order only matters for speed. */
const ORDER: readonly FimFormatName[] = ['qwen2.5-coder', 'deepseek-coder', 'starcoder2', 'codellama', 'codestral'];

/** Model names of each family; names are checked only when the vocabulary does not settle it. */
const NAMES: ReadonlyArray<readonly [RegExp, FimFormatName]> = [
  [/qwen.*coder|coder.*qwen/i, 'qwen2.5-coder'],
  [/deepseek.*coder/i, 'deepseek-coder'],
  [/starcoder|star-coder/i, 'starcoder2'],
  [/code-?llama/i, 'codellama'],
  [/codestral/i, 'codestral'],
];

/**
 * The format of a model: by its special tokens first (they are what the prompt is built from, and a fine-tune's name
 * may say nothing), then FIM token texts named in its chat template, then its name. Undefined when nothing matches.
 */
export function detectFormat(hints: FormatHints): FimFormatName | undefined {
  if (hints.specialTokens !== undefined) {
    const texts = new Set<string>(hints.specialTokens instanceof Map ? hints.specialTokens.keys() : (hints.specialTokens as Iterable<string>));
    const found = ORDER.find((f) => FORMATS[f].required.every((role) => FORMATS[f].tokens[role]!.some((t) => texts.has(t))));
    if (found) return found;
  }
  if (hints.chatTemplate) {
    const template = hints.chatTemplate;
    const found = ORDER.find((f) => FORMATS[f].required.every((role) => FORMATS[f].tokens[role]!.some((t) => template.includes(t))));
    if (found) return found;
  }
  if (hints.model) return NAMES.find(([re]) => re.test(hints.model!))?.[1];
  return undefined;
}

/** The ids of a format's tokens in one model's vocabulary. */
export interface FimTokenIds {
  prefix: number;
  suffix: number;
  /** Absent for SPM layouts whose vocabulary lacks it (never used there). */
  middle?: number;
  repo?: number;
  sep?: number;
  /** Ids that end a completion, in the format's order (the first is the format's own end token). */
  end: number[];
  /** The BOS id to put first, when the format wants one and the vocabulary has one. */
  bos?: number;
}

/** A role's id: the first of the format's spellings the vocabulary holds as a special token. */
function idOf(tok: Tokenizer, texts: readonly string[] | undefined): number | undefined {
  for (const t of texts ?? []) {
    const id = tok.specialTokens.get(t);
    if (id !== undefined) return id;
  }
  return undefined;
}

/**
 * Resolves a format's tokens in `tok`'s vocabulary. Throws, naming the token, when a required one is missing (the wrong
 * format for this model, or a vocabulary that lost its FIM tokens in conversion).
 */
export function fimTokenIds(tok: Tokenizer, format: FimFormatName | FimFormat): FimTokenIds {
  const f = typeof format === 'string' ? FORMATS[format] : format;
  const get = (role: FimRole): number | undefined => idOf(tok, f.tokens[role]);
  for (const role of f.required) {
    if (get(role) === undefined) {
      throw new Error(`${tok.name} has no ${f.tokens[role]!.join(' / ')} token (the ${role} token of the ${f.name} FIM format)`);
    }
  }
  const end = [...new Set(f.end.map((t) => tok.specialTokens.get(t)).filter((id): id is number => id !== undefined))];
  return {
    prefix: get('prefix')!,
    suffix: get('suffix')!,
    middle: get('middle'),
    repo: get('repo'),
    sep: get('sep'),
    end,
    bos: f.bos ? tok.bosId : undefined,
  };
}
