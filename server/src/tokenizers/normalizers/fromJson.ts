/**
 * Builds a normaliser from the `normalizer` object of a Hugging Face `tokenizer.json`. Supported: null, NFC, NFD,
 * NFKC, NFKD, Lowercase, Replace, Prepend, Strip, StripAccents, ByteLevel and (nested) Sequence. Anything else —
 * BertNormalizer, Precompiled, Nmt, … — throws `unsupported normalizer: <type>` rather than silently tokenizing
 * differently from the model.
 */
import type { Normalizer } from '../types';
import { ByteLevelNormalizer } from './byteLevel';
import { LowercaseNormalizer } from './lowercase';
import { PrependNormalizer } from './prepend';
import { ReplaceNormalizer, type ReplacePattern } from './replace';
import { SequenceNormalizer } from './sequence';
import { StripNormalizer } from './strip';
import { StripAccentsNormalizer } from './stripAccents';
import { UnicodeNormalizer } from './unicode';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(config: Json, key: string, check: (v: unknown) => v is T, what: string): T {
  const value = config[key];
  if (!check(value)) throw new Error(`normalizer ${String(config.type)}: '${key}' must be ${what}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

function replacePattern(config: Json): ReplacePattern {
  const pattern = config.pattern;
  if (isObject(pattern)) {
    if (typeof pattern.String === 'string') return { String: pattern.String };
    if (typeof pattern.Regex === 'string') return { Regex: pattern.Regex };
  }
  throw new Error(`normalizer Replace: 'pattern' must be {"String": …} or {"Regex": …}`);
}

export function normalizerFromJson(config: unknown): Normalizer | null {
  if (config === null || config === undefined) return null;
  if (!isObject(config) || typeof config.type !== 'string') throw new Error('normalizer: expected an object with a "type"');
  switch (config.type) {
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return new UnicodeNormalizer(config.type);
    case 'Lowercase':
      return new LowercaseNormalizer();
    case 'StripAccents':
      return new StripAccentsNormalizer();
    case 'ByteLevel':
      return new ByteLevelNormalizer();
    case 'Prepend':
      return new PrependNormalizer(field(config, 'prepend', isString, 'a string'));
    case 'Replace':
      return new ReplaceNormalizer(replacePattern(config), field(config, 'content', isString, 'a string'));
    case 'Strip': {
      // HF's serialised form names them strip_left/strip_right; both default to true in its constructor.
      const left = config.strip_left === undefined ? true : field(config, 'strip_left', isBoolean, 'a boolean');
      const right = config.strip_right === undefined ? true : field(config, 'strip_right', isBoolean, 'a boolean');
      return new StripNormalizer(left, right);
    }
    case 'Sequence': {
      const list = config.normalizers;
      if (!Array.isArray(list)) throw new Error("normalizer Sequence: 'normalizers' must be an array");
      const steps = list.map(normalizerFromJson).filter((n): n is Normalizer => n !== null);
      return steps.length === 0 ? null : steps.length === 1 ? steps[0] : new SequenceNormalizer(steps);
    }
    default:
      throw new Error(`unsupported normalizer: ${config.type}`);
  }
}
