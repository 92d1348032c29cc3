import { compileUserRegex } from '../regexGuard';
import type { BpeSpec } from '../spec';
import type { PreTokenizer } from '../types';
import { KNOWN_SPLIT_PATTERNS } from './knownPatterns';
import { gpt2Scanner } from './scanGpt2';
import { RegexSplit, SequencePreTokenizer, type SplitBehavior } from './split';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/**
 * What a `tokenizer.json` `pre_tokenizer` amounts to in this engine: the splitting part, plus the text changes some
 * pre-tokenizers make (Metaspace's `▁`, ByteLevel's prefix space), which the pipeline applies right after the
 * normaliser, and whether the vocabulary is byte-level.
 */
export interface PreTokenizerPlan {
  preTokenizer: PreTokenizer | null;
  byteLevel: boolean;
  spaceReplacement?: string;
  prefix?: BpeSpec['prefix'];
}

const BEHAVIORS = new Set(['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous']);

export function preTokenizerFromJson(config: Json, name: string): PreTokenizerPlan {
  const plan: PreTokenizerPlan = { preTokenizer: null, byteLevel: false };
  if (!config) return plan;
  const stages: PreTokenizer[] = [];
  const list: Json[] = config.type === 'Sequence' ? config.pretokenizers : [config];
  list.forEach((c, index) => {
    const stage = stageFromJson(c, name, plan, index === 0);
    if (stage) stages.push(stage);
  });
  plan.preTokenizer = stages.length === 0 ? null : stages.length === 1 ? stages[0] : new SequencePreTokenizer(stages);
  return plan;
}

function stageFromJson(c: Json, name: string, plan: PreTokenizerPlan, first: boolean): PreTokenizer | null {
  switch (c?.type) {
    case 'ByteLevel':
      plan.byteLevel = true;
      if (c.add_prefix_space) {
        // A prefix applied per piece of an earlier stage would need text changes inside the split; no known model does it.
        if (!first) throw new Error(`${name}: ByteLevel with add_prefix_space after another pre-tokenizer is not supported`);
        plan.prefix = { text: ' ', when: 'always', unlessStartsWith: ' ' };
      }
      return c.use_regex === false ? null : gpt2Scanner;
    case 'Split': {
      const behavior = c.behavior ?? 'Isolated';
      if (!BEHAVIORS.has(behavior)) throw new Error(`${name}: unknown Split behavior "${behavior}"`);
      const p = c.pattern ?? {};
      const known = p.Regex !== undefined && behavior === 'Isolated' && !c.invert ? KNOWN_SPLIT_PATTERNS.get(String(p.Regex)) : undefined;
      if (known) return known.scanner;
      const re = p.Regex !== undefined ? compileUserRegex(String(p.Regex), 'gu') : new RegExp(escapeRegex(String(p.String ?? '')), 'gu');
      return new RegexSplit(re, behavior as SplitBehavior, !!c.invert);
    }
    case 'Metaspace': {
      if (!first) throw new Error(`${name}: Metaspace after another pre-tokenizer is not supported`);
      const repl: string = c.replacement ?? '\u2581';
      plan.spaceReplacement = repl;
      const scheme: string = c.prepend_scheme ?? (c.add_prefix_space === false ? 'never' : 'always');
      if (scheme !== 'never') plan.prefix = { text: repl, when: scheme === 'first' ? 'first' : 'always', unlessStartsWith: repl };
      return c.split === false ? null : new RegexSplit(new RegExp(escapeRegex(repl), 'gu'), 'MergedWithNext');
    }
    case 'Digits':
      return new RegexSplit(/\p{N}/gu, c.individual_digits ? 'Isolated' : 'Contiguous');
    case 'Whitespace':
      return new RegexSplit(/[\p{L}\p{N}\p{M}\p{Pc}]+|[^\p{L}\p{N}\p{M}\p{Pc}\p{White_Space}]+/gu, 'Removed', true);
    case 'WhitespaceSplit':
      return new RegexSplit(/\p{White_Space}+/gu, 'Removed');
    case 'Punctuation':
      return new RegexSplit(/[\p{P}!-\/:-@\[-`{-~]/gu, c.behavior ?? 'Isolated');
    case 'BertPreTokenizer':
      return new SequencePreTokenizer([new RegexSplit(/\p{White_Space}+/gu, 'Removed'), new RegexSplit(/[\p{P}!-\/:-@\[-`{-~]/gu, 'Isolated')]);
    case 'Sequence':
      return preTokenizerFromJson(c, name).preTokenizer;
    default:
      throw new Error(`${name}: unsupported pre-tokenizer "${c?.type}"`);
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');
}
