/**
 * Ollama (research.md §4): plain FIM only. It takes no token-id prompts and applies no logit bias, so exact de-biasing
 * cannot run on it (`canScoreTokens: false`, `model()` undefined); the engine falls back to token healing or plain FIM.
 *
 * Protocol relied on (ollama docs/api.md):
 *   GET  /api/tags → {models: [{name, model, details}]}           (the installed models; the first one by default)
 *   POST /api/show {model} → {template, model_info: {"general.architecture": "qwen2", "qwen2.context_length": 32768,
 *     "tokenizer.ggml.fim_pre_token_id"?: …}}  (the GGUF's scalar keys; the template of a FIM model names its tokens)
 *   POST /api/generate {model, prompt, suffix, raw: false, stream: false, options: {num_predict, temperature, stop}}
 *     → {response, done}. `suffix` needs the model's template (which knows its FIM layout), hence raw: false.
 */
import { BackendError, type BackendInfo, type FimBackend, type InfillRequest, type TokenModel } from '../types';
import { detectFormat } from '../formats';
import { asArray, asObject, asString, joinUrl, optNumber, requestJson } from './http';

export interface OllamaOptions {
  /** e.g. "http://127.0.0.1:11434". */
  baseUrl: string;
  /** e.g. "qwen2.5-coder:1.5b-base"; default: the first installed model. */
  model?: string;
  timeoutMs?: number;
}

export class OllamaBackend implements FimBackend {
  readonly label: string;
  readonly canScoreTokens = false;
  private readonly base: string;
  private modelName: string | undefined;

  constructor(private readonly options: OllamaOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.label = `Ollama at ${this.base}`;
    this.modelName = options.model;
  }

  private async resolveModel(signal?: AbortSignal): Promise<string> {
    if (this.modelName) return this.modelName;
    const url = joinUrl(this.base, '/api/tags');
    const tags = asObject(await requestJson(url, { signal, timeoutMs: this.options.timeoutMs, serverName: 'Ollama' }), url, 'the answer');
    const models = asArray(tags.models, url, 'models');
    if (models.length === 0) throw new BackendError(`${this.label} has no model installed (ollama pull …)`, 'protocol');
    this.modelName = asString(asObject(models[0], url, 'models[0]').name, url, 'models[0].name');
    return this.modelName;
  }

  async info(signal?: AbortSignal): Promise<BackendInfo> {
    const model = await this.resolveModel(signal);
    const url = joinUrl(this.base, '/api/show');
    const show = asObject(await requestJson(url, { body: { model }, signal, timeoutMs: this.options.timeoutMs, serverName: 'Ollama' }), url, 'the answer');
    const result: BackendInfo = { model };
    const template = typeof show.template === 'string' ? show.template : undefined;
    const fimFormat = detectFormat({ model, chatTemplate: template });
    if (fimFormat) result.fimFormat = fimFormat;
    const mi = show.model_info;
    if (mi && typeof mi === 'object') {
      const keys = mi as Record<string, unknown>;
      // The GGUF keys are namespaced by architecture: "<arch>.context_length".
      const arch = typeof keys['general.architecture'] === 'string' ? keys['general.architecture'] : undefined;
      const ctx = arch ? optNumber(keys[`${arch}.context_length`]) : undefined;
      if (ctx !== undefined) result.contextLength = ctx;
      // llama.cpp's GGUF FIM keys, when the model carries them (informational: Ollama takes no ids).
      const fimKeys = { prefix: 'fim_pre', suffix: 'fim_suf', middle: 'fim_mid', pad: 'fim_pad', repo: 'fim_rep', sep: 'fim_sep', eot: 'eot' } as const;
      const tokens: NonNullable<BackendInfo['fimTokens']> = {};
      for (const [role, key] of Object.entries(fimKeys) as Array<[keyof typeof fimKeys, string]>) {
        const id = optNumber(keys[`tokenizer.ggml.${key}_token_id`]);
        if (id !== undefined) tokens[role] = id;
      }
      if (Object.keys(tokens).length) result.fimTokens = tokens;
    }
    return result;
  }

  model(): TokenModel | undefined {
    return undefined;
  }

  async infill(request: InfillRequest, signal?: AbortSignal): Promise<string> {
    const model = await this.resolveModel(signal);
    const url = joinUrl(this.base, '/api/generate');
    const body = {
      model,
      prompt: request.prefix,
      suffix: request.suffix,
      raw: false,
      stream: false,
      options: {
        num_predict: request.maxTokens,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.stop ? { stop: request.stop } : {}),
      },
    };
    const answer = asObject(await requestJson(url, { body, signal, timeoutMs: this.options.timeoutMs, serverName: 'Ollama' }), url, 'the answer');
    return asString(answer.response, url, 'response');
  }
}
