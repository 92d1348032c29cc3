/**
 * OpenAI-compatible completion servers (vLLM first; research.md §4). Token-id prompts and next-token log-probabilities
 * come from the legacy `/v1/completions` endpoint:
 *   POST /v1/completions {model, prompt: number[], max_tokens: 1, logprobs: K, temperature: 0, return_tokens_as_token_ids: true}
 *     → {choices: [{text, logprobs: {tokens, token_logprobs, top_logprobs: [{"<token>": logprob, …}]}}]}
 *   OpenAI's `top_logprobs` are keyed by token TEXT, which cannot name an id (many ids can share a text, and byte-level
 *   pieces are not valid UTF-8). vLLM's `return_tokens_as_token_ids` renders every key as "token_id:<id>" — the only
 *   form accepted here; a server that ignores it is reported as 'protocol' (it cannot serve exact de-biasing).
 *   vLLM caps K at its `--max-logprobs` (default 20), hence the default topK of 20.
 *   GET /v1/models → {data: [{id, max_model_len?}]} (max_model_len is vLLM's extension).
 * Infill: the OpenAI API has no FIM endpoint (vLLM rejects `suffix`), so `infill` sends a plain prompt string built by
 * the caller's `fimPrompt` (the model's FIM layout, research.md §4); without one it reports 'unsupported'.
 */
import { BackendError, type BackendInfo, type FimBackend, type InfillRequest, type NextTokenDistribution, type TokenModel } from '../types';
import { detectFormat } from '../formats';
import { asArray, asNumber, asObject, asString, joinUrl, optNumber, requestJson } from './http';
import { topKDistribution } from './llamaCpp';

export interface OpenAiCompatOptions {
  /** The server root, e.g. "http://127.0.0.1:8000" (the `/v1` paths are added). */
  baseUrl: string;
  /** The model name to request; default: the first of /v1/models. */
  model?: string;
  apiKey?: string;
  /** Next-token list length (default 20, vLLM's default `max_logprobs`). */
  topK?: number;
  timeoutMs?: number;
  eosId?: number;
  /** Lays out a FIM prompt as text for `infill` (e.g. "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>"). */
  fimPrompt?: (prefix: string, suffix: string) => string;
}

export class OpenAiCompatBackend implements FimBackend {
  readonly label: string;
  readonly canScoreTokens = true;
  private readonly base: string;
  private modelName: string | undefined;

  constructor(private readonly options: OpenAiCompatOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.label = `OpenAI-compatible server at ${this.base}`;
    this.modelName = options.model;
  }

  private post(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {};
    return requestJson(joinUrl(this.base, path), { body, signal, headers, timeoutMs: this.options.timeoutMs, serverName: 'the OpenAI-compatible server (vLLM)' });
  }

  /** /v1/models: the served models; the first one is used when no name was configured. */
  private async models(signal?: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const url = joinUrl(this.base, '/v1/models');
    const headers: Record<string, string> = this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {};
    const answer = asObject(await requestJson(url, { signal, headers, timeoutMs: this.options.timeoutMs, serverName: 'the OpenAI-compatible server (vLLM)' }), url, 'the answer');
    return asArray(answer.data, url, 'data').map((m, i) => asObject(m, url, `data[${i}]`));
  }

  private async resolveModel(signal?: AbortSignal): Promise<string> {
    if (this.modelName) return this.modelName;
    const url = joinUrl(this.base, '/v1/models');
    const list = await this.models(signal);
    if (list.length === 0) throw new BackendError(`${url}: the server serves no model`, 'protocol');
    this.modelName = asString(list[0].id, url, 'data[0].id');
    return this.modelName;
  }

  async info(signal?: AbortSignal): Promise<BackendInfo> {
    const url = joinUrl(this.base, '/v1/models');
    const list = await this.models(signal);
    const entry = list.find((m) => m.id === this.modelName) ?? list[0];
    if (!entry) return { model: this.modelName };
    this.modelName ??= asString(entry.id, url, 'data[0].id');
    const model = asString(entry.id, url, 'id');
    const info: BackendInfo = { model };
    const ctx = optNumber(entry.max_model_len);
    if (ctx !== undefined) info.contextLength = ctx;
    // Only the name is known here (no template, no vocabulary): the format by the model family's name.
    const fimFormat = detectFormat({ model });
    if (fimFormat) info.fimFormat = fimFormat;
    return info;
  }

  model(): TokenModel {
    return { eosId: this.options.eosId, next: (context, signal) => this.next(context, signal) };
  }

  private async next(context: Uint32Array, signal?: AbortSignal): Promise<NextTokenDistribution> {
    const url = joinUrl(this.base, '/v1/completions');
    const model = await this.resolveModel(signal);
    const answer = asObject(await this.post('/v1/completions', {
      model,
      prompt: Array.from(context),
      max_tokens: 1,
      logprobs: this.options.topK ?? 20,
      temperature: 0,
      return_tokens_as_token_ids: true,
    }, signal), url, 'the answer');
    const choice = asObject(asArray(answer.choices, url, 'choices')[0], url, 'choices[0]');
    const logprobs = asObject(choice.logprobs, url, 'choices[0].logprobs');
    const top = asObject(asArray(logprobs.top_logprobs, url, 'top_logprobs')[0], url, 'top_logprobs[0]');
    const pairs: Array<[number, number]> = [];
    for (const [key, value] of Object.entries(top)) {
      const m = /^token_id:(\d+)$/.exec(key);
      if (!m) throw new BackendError(`${url}: log-probabilities keyed by text, not ids ("${key}"): the server needs vLLM's return_tokens_as_token_ids`, 'protocol');
      // vLLM writes -inf as -9999.0 or a very negative number; JSON has no -Infinity.
      pairs.push([Number(m[1]), asNumber(value, url, `top_logprobs[0]["${key}"]`)]);
    }
    return topKDistribution(pairs);
  }

  async infill(request: InfillRequest, signal?: AbortSignal): Promise<string> {
    const layout = request.layout ?? this.options.fimPrompt;
    if (!layout) {
      throw new BackendError(`${this.label} has no FIM endpoint and no FIM prompt format was given`, 'unsupported');
    }
    const url = joinUrl(this.base, '/v1/completions');
    const model = await this.resolveModel(signal);
    const answer = asObject(await this.post('/v1/completions', {
      model,
      prompt: layout(request.prefix, request.suffix),
      max_tokens: request.maxTokens,
      ...(request.stop ? { stop: request.stop } : {}),
      temperature: request.temperature ?? 0,
    }, signal), url, 'the answer');
    const choice = asObject(asArray(answer.choices, url, 'choices')[0], url, 'choices[0]');
    return asString(choice.text, url, 'choices[0].text');
  }
}
