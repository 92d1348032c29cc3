/**
 * llama.cpp's `llama-server` (research.md §4): the best local fit for exact de-biasing, since `/completion` takes the
 * prompt as token ids and returns the top-`n_probs` next tokens with their ids.
 *
 * Protocol relied on (llama.cpp tools/server README; the shape is shown in ggml-org/llama.cpp issue 11728):
 *   POST /completion {prompt: number[], n_predict: 1, n_probs: K, temperature: -1}
 *     → {content, completion_probabilities: [{id, token, logprob, top_logprobs: [{id, token, logprob}, …]}]}
 *     (with `post_sampling_probs: true` the lists are `top_probs: [{id, prob}]` instead; both are read).
 *     temperature < 0: greedy, and the probabilities are a plain softmax of the logits — the model's own distribution,
 *     untouched by top-k/top-p/penalties, which is what de-biasing needs.
 *   GET /props → {model_path?, model_alias?, default_generation_settings: {n_ctx}, chat_template?, eos_token?}
 *   POST /tokenize {content, parse_special: true} → {tokens: number[]} (ids of special-token texts: EOS, FIM tokens;
 *     /props names neither's ids, so a text that comes back as exactly one id is taken as that token)
 *   POST /infill {input_prefix, input_suffix, input_extra: [{filename, text}], n_predict, …} → {content}
 * Older servers (before the top_logprobs format) list `probs: [{tok_str, prob}]` without ids: reported as 'protocol'.
 */
import { BackendError, type BackendInfo, type FimBackend, type InfillRequest, type NextTokenDistribution, type TokenModel } from '../types';
import { detectFormat, FORMATS } from '../formats';
import { asArray, asNumber, asObject, asString, joinUrl, optNumber, requestJson } from './http';

export interface LlamaCppOptions {
  /** e.g. "http://127.0.0.1:8012". */
  baseUrl: string;
  /** Next-token list length `n_probs` (default 100): the de-biasing sees this many candidates per step. */
  topK?: number;
  /** Per-request time cap (default 10 s). */
  timeoutMs?: number;
  /** The end-of-generation id when known; otherwise `info()` looks it up from /props' `eos_token`. */
  eosId?: number;
}

/** Sorts (id, log-prob) pairs best first into a top-k NextTokenDistribution (duplicates keep their first entry). */
export function topKDistribution(pairs: Array<[number, number]>): NextTokenDistribution {
  const seen = new Set<number>();
  const unique = pairs.filter(([id]) => (seen.has(id) ? false : (seen.add(id), true)));
  unique.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return {
    ids: Uint32Array.from(unique, ([id]) => id),
    logProbs: Float64Array.from(unique, ([, lp]) => lp),
    complete: false,
  };
}

/** A token id: a non-negative integer (the Uint32Array would silently wrap anything else). */
export function asTokenId(v: unknown, url: string, what: string): number {
  const n = asNumber(v, url, what);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new BackendError(`${url}: unexpected answer (${what} is not a token id)`, 'protocol');
  return n;
}

export class LlamaCppBackend implements FimBackend {
  readonly label: string;
  readonly canScoreTokens = true;
  private readonly base: string;
  private readonly topK: number;
  private readonly timeoutMs: number | undefined;
  private eosId: number | undefined;

  constructor(options: LlamaCppOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.label = `llama.cpp server at ${this.base}`;
    this.topK = options.topK ?? 100;
    this.timeoutMs = options.timeoutMs;
    this.eosId = options.eosId;
  }

  async info(signal?: AbortSignal): Promise<BackendInfo> {
    const url = joinUrl(this.base, '/props');
    const props = asObject(await requestJson(url, { signal, timeoutMs: this.timeoutMs }), url, 'the answer');
    const settings = props.default_generation_settings;
    const nCtx = optNumber(props.n_ctx) ?? (settings && typeof settings === 'object' ? optNumber((settings as Record<string, unknown>).n_ctx) : undefined);
    const model = typeof props.model_alias === 'string' && props.model_alias ? props.model_alias
      : typeof props.model_path === 'string' ? props.model_path : undefined;
    if (this.eosId === undefined && typeof props.eos_token === 'string' && props.eos_token) {
      this.eosId = await this.singleToken(props.eos_token, signal);
    }
    const chatTemplate = typeof props.chat_template === 'string' ? props.chat_template : undefined;
    const fimFormat = detectFormat({ model, chatTemplate });
    const info: BackendInfo = { model, contextLength: nCtx };
    if (typeof props.model_path === 'string' && props.model_path) info.modelPath = props.model_path;
    if (fimFormat) {
      info.fimFormat = fimFormat;
      info.fimTokens = await this.fimTokens(fimFormat, signal);
    }
    return info;
  }

  /** The format's FIM token ids in the served vocabulary (roles whose texts are not single special tokens are left out). */
  private async fimTokens(format: keyof typeof FORMATS, signal?: AbortSignal): Promise<NonNullable<BackendInfo['fimTokens']>> {
    const f = FORMATS[format];
    const roles: Array<[keyof NonNullable<BackendInfo['fimTokens']>, readonly string[]]> = [
      ...Object.entries(f.tokens).map(([role, texts]) => [role, texts] as [keyof NonNullable<BackendInfo['fimTokens']>, readonly string[]]),
      ['eot', f.end],
    ];
    const out: NonNullable<BackendInfo['fimTokens']> = {};
    // One request per role in parallel; within a role the spellings are tried in order of preference.
    await Promise.all(roles.map(async ([role, texts]) => {
      for (const text of texts) {
        const id = await this.singleToken(text, signal);
        if (id !== undefined) {
          out[role] = id;
          return;
        }
      }
    }));
    return out;
  }

  /** The id of a special token's text, when it tokenizes to exactly one id (else undefined). */
  private async singleToken(text: string, signal?: AbortSignal): Promise<number | undefined> {
    const url = joinUrl(this.base, '/tokenize');
    const body = asObject(await requestJson(url, { body: { content: text, add_special: false, parse_special: true }, signal, timeoutMs: this.timeoutMs }), url, 'the answer');
    const tokens = asArray(body.tokens, url, 'tokens');
    // `with_pieces` answers [{id, piece}]; plain answers are ids.
    const ids = tokens.map((t, i) => asTokenId(t && typeof t === 'object' ? (t as { id?: unknown }).id : t, url, `tokens[${i}]`));
    return ids.length === 1 ? ids[0] : undefined;
  }

  /** The model; its `eosId` is read live, since `info()` may learn the EOS id after this object was handed out. */
  model(): TokenModel {
    const eos = (): number | undefined => this.eosId;
    return {
      get eosId() {
        return eos();
      },
      next: (context, signal) => this.next(context, signal),
    };
  }

  private async next(context: Uint32Array, signal?: AbortSignal): Promise<NextTokenDistribution> {
    const url = joinUrl(this.base, '/completion');
    const body = {
      prompt: Array.from(context),
      n_predict: 1,
      n_probs: this.topK,
      temperature: -1,
      cache_prompt: true,
      stream: false,
    };
    const answer = asObject(await requestJson(url, { body, signal, timeoutMs: this.timeoutMs }), url, 'the answer');
    const steps = asArray(answer.completion_probabilities, url, 'completion_probabilities');
    if (steps.length === 0) throw new BackendError(`${url}: unexpected answer (completion_probabilities is empty)`, 'protocol');
    const step = asObject(steps[0], url, 'completion_probabilities[0]');
    const pairs: Array<[number, number]> = [];
    if (Array.isArray(step.top_logprobs)) {
      step.top_logprobs.forEach((e, i) => {
        const o = asObject(e, url, `top_logprobs[${i}]`);
        pairs.push([asTokenId(o.id, url, `top_logprobs[${i}].id`), asNumber(o.logprob, url, `top_logprobs[${i}].logprob`)]);
      });
    } else if (Array.isArray(step.top_probs)) {
      step.top_probs.forEach((e, i) => {
        const o = asObject(e, url, `top_probs[${i}]`);
        pairs.push([asTokenId(o.id, url, `top_probs[${i}].id`), Math.log(asNumber(o.prob, url, `top_probs[${i}].prob`))]);
      });
    } else {
      throw new BackendError(`${url}: no token ids in completion_probabilities (a llama.cpp server too old for top_logprobs?)`, 'protocol');
    }
    return topKDistribution(pairs);
  }

  async infill(request: InfillRequest, signal?: AbortSignal): Promise<string> {
    const url = joinUrl(this.base, '/infill');
    const body = {
      input_prefix: request.prefix,
      input_suffix: request.suffix,
      input_extra: (request.extra ?? []).map((c) => ({ filename: c.filename, text: c.text })),
      n_predict: request.maxTokens,
      ...(request.stop ? { stop: request.stop } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      cache_prompt: true,
      stream: false,
    };
    const answer = asObject(await requestJson(url, { body, signal, timeoutMs: this.timeoutMs }), url, 'the answer');
    return asString(answer.content, url, 'content');
  }
}
