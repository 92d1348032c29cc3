import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normalizerFromJson } from '../normalizers/fromJson';
import { preTokenizerFromJson, type PreTokenizerPlan } from '../preTokenizers/fromJson';
import { KNOWN_SPLIT_PATTERNS } from '../preTokenizers/knownPatterns';
import type { AddedTokenSpec, BpeSpec } from '../spec';
import type { RestartRule } from '../types';
import type { TokenStore } from '../bpe/tokenStore';
import { byteLevelToBytes } from './byteLevelAlphabet';

const encoder = new TextEncoder();

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** Reads a Hugging Face `tokenizer.json` file (BPE models only) into a `BpeSpec`. */
export function huggingFaceSpecFromFile(path: string, name: string): BpeSpec {
  let json: Json;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${name}: cannot read ${path}: ${(e as Error).message}`);
  }
  return huggingFaceSpec(json, name, undefined, readTokenizerConfig(path));
}

/** The `tokenizer_config.json` beside a `tokenizer.json`, if any (it names the BOS some models add). */
export function readTokenizerConfig(tokenizerJsonPath: string): Json {
  const p = join(dirname(tokenizerJsonPath), 'tokenizer_config.json');
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return undefined; // a broken side file must not stop the tokenizer itself from loading
  }
}

/** Vocabulary tables already derived (from a compiled table file), so the vocab and merges need no parsing. */
export interface HfPrebuilt {
  tokenBytes: TokenStore;
  byteFallbackIds: number[];
  unreachableIds: number[];
  unkId: number | undefined;
}

export function huggingFaceSpec(json: Json, name: string, prebuilt?: HfPrebuilt, tokenizerConfig?: Json): BpeSpec {
  const model = json?.model;
  if (!model || typeof model !== 'object') throw new Error(`${name}: not a tokenizer.json (no "model")`);
  const type = model.type ?? (model.merges ? 'BPE' : undefined);
  if (type !== 'BPE') throw new Error(`${name}: unsupported tokenizer model "${type}" (only BPE is supported)`);
  if (model.dropout) throw new Error(`${name}: BPE dropout is not supported (it makes encoding random)`);
  if (model.continuing_subword_prefix || model.end_of_word_suffix) {
    throw new Error(`${name}: BPE with continuing_subword_prefix/end_of_word_suffix is not supported`);
  }

  const plan: PreTokenizerPlan = preTokenizerFromJson(json.pre_tokenizer, name);
  const byteLevel = plan.byteLevel || hasType(json.decoder, 'ByteLevel');
  const vocab: Record<string, number> = prebuilt ? {} : (model.vocab ?? {});
  const tokenBytes: (Uint8Array | undefined)[] = [];
  const byteFallbackIds = new Set<number>(prebuilt?.byteFallbackIds);
  const unreachableIds = new Set<number>(prebuilt?.unreachableIds);
  for (const [piece, id] of Object.entries(vocab)) {
    if (byteLevel) {
      // Tokens outside the byte alphabet cannot come out of byte-level BPE; keep their plain text for decoding.
      const bytes = byteLevelToBytes(piece);
      if (!bytes) unreachableIds.add(id);
      tokenBytes[id] = bytes ?? encoder.encode(piece);
    } else {
      const m = model.byte_fallback ? /^<0x([0-9A-Fa-f]{2})>$/.exec(piece) : null;
      if (m) {
        tokenBytes[id] = Uint8Array.of(parseInt(m[1], 16));
        byteFallbackIds.add(id);
      } else tokenBytes[id] = encoder.encode(piece);
    }
  }

  const merges: Array<[number, number]> = [];
  for (const m of prebuilt ? [] : (model.merges ?? [])) {
    const [a, b] = Array.isArray(m) ? m : splitMerge(String(m));
    const l = vocab[a];
    const r = vocab[b];
    if (l === undefined || r === undefined) throw new Error(`${name}: merge "${a} ${b}" uses a token missing from the vocabulary`);
    merges.push([l, r]);
  }

  const addedTokens: AddedTokenSpec[] = (json.added_tokens ?? []).map((t: Json) => ({
    id: t.id,
    content: t.content,
    special: !!t.special,
    normalized: !!t.normalized,
    lstrip: !!t.lstrip,
    rstrip: !!t.rstrip,
    singleWord: !!t.single_word,
  }));
  // Non-special added tokens can be generated, so they need bytes (compiled tables already include them).
  if (!prebuilt) for (const t of addedTokens) if (!t.special && !tokenBytes[t.id]) tokenBytes[t.id] = encoder.encode(t.content);

  const unkId = prebuilt ? prebuilt.unkId : model.unk_token != null ? vocab[model.unk_token] : undefined;
  const bos = findBos(json, addedTokens) ?? configBos(tokenizerConfig, addedTokens);
  const metaspaceDecoder = !byteLevel && (hasType(json.decoder, 'Metaspace') || hasReplace(json.decoder));
  return {
    name,
    kind: 'huggingface',
    tokenBytes: prebuilt ? prebuilt.tokenBytes : tokenBytes,
    mergeMode: 'merges',
    merges,
    symbols: byteLevel ? 'bytes' : 'chars',
    byteFallback: !!model.byte_fallback,
    byteFallbackIds,
    unreachableIds,
    unkId,
    fuseUnk: !!model.fuse_unk,
    ignoreMerges: !!model.ignore_merges,
    normalizer: normalizerFromJson(json.normalizer),
    spaceReplacement: plan.spaceReplacement,
    prefix: plan.prefix,
    preTokenizer: plan.preTokenizer,
    addedTokens,
    decoder: metaspaceDecoder ? 'metaspace' : 'bytes',
    stripLeadingSpace: metaspaceDecoder && (hasStrip(json.decoder) || plan.prefix !== undefined || hasType(json.decoder, 'Metaspace')),
    bosId: bos,
    restartRule: restartRuleOf(json),
  };
}

const LINE_SAFE_NORMALIZERS = new Set(['NFC', 'NFD', 'NFKC', 'NFKD', 'Lowercase']);

/** The restart points this tokenizer.json guarantees (see `Tokenizer.restartRule`). */
function restartRuleOf(json: Json): RestartRule {
  const norms: Json[] = !json.normalizer ? [] : json.normalizer.type === 'Sequence' ? json.normalizer.normalizers : [json.normalizer];
  if (!norms.every((n) => LINE_SAFE_NORMALIZERS.has(n?.type))) return 'none';
  const pre = json.pre_tokenizer;
  if (!pre) return 'none';
  const stages: Json[] = pre.type === 'Sequence' ? pre.pretokenizers : [pre];
  let rule: RestartRule = 'none';
  for (const st of stages) {
    if (st.type === 'ByteLevel') {
      if (st.add_prefix_space) return 'none';
      if (st.use_regex !== false && rule === 'none') rule = 'lineAfterText';
    } else if (st.type === 'Split' && st.behavior === 'Isolated' && !st.invert && KNOWN_SPLIT_PATTERNS.has(st.pattern?.Regex)) {
      rule = KNOWN_SPLIT_PATTERNS.get(st.pattern.Regex)!.restartRule;
    }
    else return 'none';
  }
  return rule;
}

/** Old-style merges are "left right"; the left part never contains a space in a valid file. */
function splitMerge(m: string): [string, string] {
  const i = m.indexOf(' ', 1);
  if (i < 0) throw new Error(`malformed merge "${m}"`);
  return [m.slice(0, i), m.slice(i + 1)];
}

function hasType(node: Json, type: string): boolean {
  if (!node) return false;
  if (node.type === type) return true;
  const kids = node.decoders ?? node.pretokenizers ?? node.normalizers;
  return Array.isArray(kids) && kids.some((k) => hasType(k, type));
}

function hasReplace(node: Json): boolean {
  if (!node) return false;
  if (node.type === 'Replace' && node.pattern?.String === '\u2581') return true;
  return Array.isArray(node.decoders) && node.decoders.some(hasReplace);
}

function hasStrip(node: Json): boolean {
  if (!node) return false;
  if (node.type === 'Strip' && (node.start ?? 0) > 0) return true;
  return Array.isArray(node.decoders) && node.decoders.some(hasStrip);
}

/** The BOS named by tokenizer_config.json, unless it says `add_bos_token: false`. */
function configBos(config: Json, added: AddedTokenSpec[]): number | undefined {
  if (!config || config.add_bos_token === false) return undefined;
  const bos = typeof config.bos_token === 'string' ? config.bos_token : config.bos_token?.content;
  return typeof bos === 'string' ? added.find((t) => t.content === bos)?.id : undefined;
}

/** The BOS a post-processor adds (TemplateProcessing's first special), if any. Never added silently by encode. */
function findBos(json: Json, added: AddedTokenSpec[]): number | undefined {
  const single = json.post_processor?.single ?? json.post_processor?.processors?.find((p: Json) => p.single)?.single;
  const first = Array.isArray(single) ? single[0] : undefined;
  const id = first?.SpecialToken?.id;
  if (typeof id === 'string') return added.find((t) => t.content === id)?.id;
  return undefined;
}
