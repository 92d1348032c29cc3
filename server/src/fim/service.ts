/**
 * Inline FIM completion as the editor asks for it: the configured backend found (or detected on loopback), the
 * model's vocabulary and FIM format resolved, the prompt built in the model's tokens, the completion generated with
 * the configured de-biasing under a time cap, post-processed, and cached for type-ahead. Knows nothing of LSP: the
 * handler (handlers/fimComplete.ts) and the tests drive it directly.
 *
 * Which path runs, and what the report says:
 * - token path (llama.cpp server, OpenAI-compatible, in process — when the model's vocabulary is on this machine and
 *   its FIM format is known): prompt as ids, `generate()` with `exact`, `heal` or `off`;
 * - text path (Ollama, which takes no token ids; or a server whose vocabulary is not available here): the server's
 *   own FIM generation, no de-biasing, and the report says why.
 */
import { existsSync } from 'node:fs';
import type { Tokenizer } from '../tokenizers/types';
import { CompletionCache } from './cache';
import { FORMATS, detectFormat, fimTokenIds, type FimTokenIds } from './formats';
import { generate } from './generate';
import { postprocess } from './postprocess';
import { buildPrompt, type PromptBudget } from './prompt';
import { BackendError, type BackendInfo, type DebiasMode, type FimBackend, type FimFormatName, type NextTokenDistribution, type TokenModel } from './types';
import { DEFAULT_CANDIDATES, detectServers, identifyServer, type ServerKind } from './backends/detect';
import { LlamaCppBackend } from './backends/llamaCpp';
import { OllamaBackend } from './backends/ollama';
import { OpenAiCompatBackend } from './backends/openaiCompat';
import { InProcessBackend } from './backends/inProcess';
import type { FimActive, FimCompletionReport } from '../protocol';
import type { FimSettings } from '../settings';

export interface CompletionRequest {
  /** The document's text before and after the cursor. */
  prefix: string;
  suffix: string;
  /** Other open files, most relevant first (used by formats that take them, within `contextTokens`). */
  extra?: { filename: string; text: string }[];
  filename?: string;
  /** Where the prefix ends in the document, when `prefix` is a window of it (default: prefix.length). */
  offset?: number;
}

/** How one completion was made (the protocol's type: the handler sends it as is). */
export type CompletionReport = FimCompletionReport;

export interface CompletionResult {
  /** '' when the model had nothing to add. */
  text: string;
  report: CompletionReport;
}

/** A completion cannot be made with this configuration now; the message says why and what to do. */
export class FimUnavailable extends Error {}

/** How a backend, vocabulary and format were resolved for the current settings. */
interface Resolved {
  backend: FimBackend;
  info: BackendInfo;
  /** Set when the token path can run. */
  token?: { tokenizer: Tokenizer; format: FimFormatName; ids: FimTokenIds; model: TokenModel };
  /** Why the token path cannot run (the text path's reason). */
  textReason?: string;
  /** The format for the text path (OpenAI-compatible servers need one to lay out the prompt). */
  format?: FimFormatName;
  warning?: string;
}

export interface ServiceDeps {
  /** Tokenizer lookup: registry names, `gguf:PATH`, `hf:PATH`. */
  getTokenizer: (name: string) => Tokenizer;
  /** Candidates for `auto` (tests point it at their own ports). */
  candidates?: typeof DEFAULT_CANDIDATES;
  /** A backend to use instead of the configured one (tests), with the vocabulary named by `tokscope.fim.tokenizer`. */
  backend?: FimBackend;
}

const DEFAULT_PORT: Record<ServerKind, number> = { 'llama.cpp': 8012, ollama: 11434, openai: 8000 };
/** A failed detection is not retried for this long: every keystroke would probe four ports otherwise. */
const RETRY_AFTER_MS = 10_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** A warning for an endpoint that sends the user's code off this machine unencrypted; undefined when it does not. */
export function endpointWarning(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' || LOOPBACK.has(u.hostname)) return undefined;
  return `tokscope.fim.endpoint ${u.origin} is not on this machine and is not encrypted (http:): your code is sent to it in clear text`;
}

/** A vocabulary setting as a registry name: paths become `gguf:` / `hf:` names. */
export function tokenizerRef(setting: string): string {
  if (/^(hf|gguf|dynamic):/.test(setting)) return setting;
  if (/\.gguf$/i.test(setting)) return 'gguf:' + setting;
  if (/\.json$/i.test(setting) || /[\\/]/.test(setting)) return 'hf:' + setting;
  return setting;
}

/**
 * The model over the format's end tokens merged into one: `generate()` knows one end token, and a Qwen model may end a
 * completion with any of five. Their probabilities are summed into the first (exact for complete distributions).
 */
function withEnds(model: TokenModel, end: readonly number[]): TokenModel {
  if (end.length === 0) return model;
  const first = end[0];
  const rest = new Set(end.slice(1));
  return {
    eosId: first,
    async next(context, signal): Promise<NextTokenDistribution> {
      const d = await model.next(context, signal);
      if (rest.size === 0) return d;
      const ids: number[] = [];
      const lps: number[] = [];
      let endP = 0;
      let firstAt = -1;
      for (let i = 0; i < d.ids.length; i++) {
        const id = d.ids[i];
        if (id === first || rest.has(id)) {
          endP += Math.exp(d.logProbs[i]);
          if (id !== first) continue;
          firstAt = ids.length;
        }
        ids.push(id);
        lps.push(d.logProbs[i]);
      }
      if (endP > 0) {
        if (firstAt < 0) {
          ids.push(first);
          lps.push(Math.log(endP));
        } else lps[firstAt] = Math.log(endP);
      }
      return { ids: Uint32Array.from(ids), logProbs: Float64Array.from(lps), complete: d.complete };
    },
  };
}

export class FimService {
  private settings: FimSettings | undefined;
  private key = '';
  private backendKey = '';
  private resolving: Promise<Resolved> | undefined;
  private failedAt = 0;
  private failure: Error | undefined;
  private readonly cache = new CompletionCache<CompletionReport>();
  /** The last report, for the hover and the status bar. */
  last: CompletionReport | undefined;

  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Applies settings. A change of what picks the backend and the model (backend, endpoint, model path, tokenizer,
   * format, threads) drops the backend and the failure memo; any change of what the answer depends on drops the cache.
   */
  configure(settings: FimSettings): void {
    const { enabled: _e, timeoutMs: _t, ...answer } = settings;
    const { backend, endpoint, modelPath, tokenizer, format, threads } = settings;
    const backendKey = JSON.stringify({ backend, endpoint, modelPath, tokenizer, format, threads });
    const key = JSON.stringify(answer);
    this.settings = settings;
    if (key !== this.key) this.cache.clear();
    this.key = key;
    if (backendKey === this.backendKey) return;
    this.backendKey = backendKey;
    void this.release();
  }

  get config(): FimSettings | undefined {
    return this.settings;
  }

  private async release(): Promise<void> {
    const old = this.resolving;
    this.resolving = undefined;
    this.failure = undefined;
    this.failedAt = 0;
    this.cache.clear();
    const r = await old?.catch(() => undefined);
    if (r?.backend instanceof InProcessBackend) await r.backend.dispose().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await this.release();
  }

  /** Forgets a failed detection (the user started a server, or asked to check again). */
  retry(): void {
    // After a failure nothing is resolving (the failure cleared it): a resolved backend is kept, never dropped undisposed.
    this.failure = undefined;
    this.failedAt = 0;
  }

  private resolve(signal: AbortSignal): Promise<Resolved> {
    if (this.failure && performance.now() - this.failedAt < RETRY_AFTER_MS) return Promise.reject(this.failure);
    if (!this.resolving) {
      const s = this.settings!;
      this.failure = undefined;
      this.failedAt = 0;
      const p = this.doResolve(s);
      this.resolving = p;
      p.catch((e: unknown) => {
        if (this.resolving !== p) return;
        this.resolving = undefined;
        // Remember a configuration failure; not a cancellation, which says nothing about the configuration.
        if (!(e instanceof BackendError && e.kind === 'cancelled')) {
          this.failure = e instanceof Error ? e : new Error(String(e));
          this.failedAt = performance.now();
        }
      });
    }
    return raceAbort(this.resolving, signal);
  }

  private async backendFor(s: FimSettings): Promise<{ backend: FimBackend; kind: ServerKind | 'inProcess' }> {
    if (this.deps.backend) return { backend: this.deps.backend, kind: 'llama.cpp' };
    const openai = (baseUrl: string) => new OpenAiCompatBackend({ baseUrl, fimPrompt: textPrompt(s.format === 'auto' ? undefined : s.format) });
    const make = (kind: ServerKind, baseUrl: string): FimBackend => (kind === 'llama.cpp' ? new LlamaCppBackend({ baseUrl }) : kind === 'ollama' ? new OllamaBackend({ baseUrl }) : openai(baseUrl));
    if (s.backend === 'inProcess' || (s.backend === 'auto' && s.modelPath && !s.endpoint)) {
      if (!s.modelPath) throw new FimUnavailable('tokscope.fim.backend is inProcess but tokscope.fim.modelPath names no .gguf file');
      if (!existsSync(s.modelPath)) throw new FimUnavailable(`tokscope.fim.modelPath: ${s.modelPath} does not exist`);
      return { backend: new InProcessBackend({ modelPath: s.modelPath, threads: s.threads || undefined }), kind: 'inProcess' };
    }
    if (s.endpoint) {
      const kind = s.backend === 'auto' ? await identifyServer(s.endpoint) : s.backend;
      if (!kind) throw new FimUnavailable(`tokscope.fim.endpoint ${s.endpoint}: no llama.cpp, Ollama or OpenAI-compatible server answers there`);
      return { backend: make(kind, s.endpoint), kind };
    }
    const candidates = (this.deps.candidates ?? DEFAULT_CANDIDATES).filter((c) => s.backend === 'auto' || c.kind === s.backend);
    const found = await detectServers({ candidates });
    if (found.length) return { backend: found[0].backend, kind: found[0].kind };
    if (s.backend !== 'auto') return { backend: make(s.backend, `http://127.0.0.1:${DEFAULT_PORT[s.backend]}`), kind: s.backend };
    const ports = candidates.map((c) => `${c.port} (${c.kind})`).join(', ');
    throw new FimUnavailable(`no model server answers on 127.0.0.1 ports ${ports}: start one, or set tokscope.fim.modelPath to a .gguf file`);
  }

  private async doResolve(s: FimSettings): Promise<Resolved> {
    const { backend, kind } = await this.backendFor(s);
    const warning = s.endpoint ? endpointWarning(s.endpoint) : undefined;
    let info: BackendInfo;
    try {
      info = await backend.info(AbortSignal.timeout(Math.max(1000, s.timeoutMs)));
      // The model is loaded here, outside any completion's time cap (seconds for a real model).
      if (backend instanceof InProcessBackend) await backend.warm();
    } catch (e) {
      throw new FimUnavailable(`${backend.label}: ${(e as Error).message}`);
    }
    const r: Resolved = { backend, info, warning };
    if (!backend.canScoreTokens) {
      r.format = s.format === 'auto' ? info.fimFormat : s.format;
      r.textReason = `${kind === 'ollama' ? 'Ollama' : backend.label} takes no token ids: plain FIM by the server, not de-biased`;
      return r;
    }
    // The model's vocabulary: the setting, the in-process file, or the file the server names when it is here.
    const ref = s.tokenizer ? tokenizerRef(s.tokenizer)
      : kind === 'inProcess' ? 'gguf:' + s.modelPath
        : info.modelPath && /\.gguf$/i.test(info.modelPath) && existsSync(info.modelPath) ? 'gguf:' + info.modelPath : undefined;
    let tokenizer: Tokenizer | undefined;
    if (ref) {
      try {
        tokenizer = this.deps.getTokenizer(ref);
      } catch (e) {
        r.textReason = `the model's vocabulary could not be loaded (${(e as Error).message}): plain FIM by the server, not de-biased`;
      }
    } else {
      r.textReason = "the model's vocabulary is not on this machine (set tokscope.fim.tokenizer): plain FIM by the server, not de-biased";
    }
    const format = s.format !== 'auto' ? s.format : (info.fimFormat ?? (tokenizer ? detectFormat({ model: info.model, specialTokens: tokenizer.specialTokens }) : undefined));
    r.format = format;
    if (!format) throw new FimUnavailable(`${backend.label}: no FIM format known for ${info.model ?? 'this model'}: set tokscope.fim.format`);
    if (tokenizer) {
      try {
        const ids = fimTokenIds(tokenizer, format);
        r.token = { tokenizer, format, ids, model: withEnds(backend.model()!, ids.end) };
      } catch (e) {
        r.textReason = `${(e as Error).message}: plain FIM by the server, not de-biased`;
      }
    }
    return r;
  }

  /** What completions would use now (for Check Model Connection): resolves afresh, never throws. */
  async describe(signal: AbortSignal): Promise<FimActive> {
    if (!this.settings) return { reason: 'FIM is not configured' };
    this.retry();
    try {
      const r = await this.resolve(signal);
      return {
        backend: r.backend.label,
        model: r.info.model,
        format: r.token?.format ?? r.format,
        tokenPath: r.token !== undefined,
        ...(r.textReason && !r.token ? { reason: r.textReason } : {}),
        ...(r.warning ? { warning: r.warning } : {}),
      };
    } catch (e) {
      return { reason: (e as Error).message };
    }
  }

  /**
   * One completion. Rejects with FimUnavailable (configuration, server down), BackendError 'cancelled' when `signal`
   * aborts, or BackendError 'timeout' when the hard cap passes; resolves otherwise, possibly with ''.
   */
  async complete(req: CompletionRequest, signal: AbortSignal): Promise<CompletionResult> {
    const s = this.settings;
    if (!s) throw new FimUnavailable('FIM is not configured');
    if (signal.aborted) throw new BackendError('cancelled', 'cancelled');
    // Resolving (detection, the server's props, loading an in-process model) is done once and shared: only the
    // request's own cancellation ends the wait for it; the time cap covers the completion.
    const r = await this.resolve(signal).catch((e: unknown) => {
      throw signal.aborted ? new BackendError('cancelled', 'cancelled') : e;
    });
    const t0 = performance.now();
    const cap = new AbortController();
    const timer = setTimeout(() => cap.abort(new BackendError(`no completion within ${s.timeoutMs} ms (tokscope.fim.timeoutMs)`, 'timeout')), s.timeoutMs);
    const onAbort = () => cap.abort(new BackendError('cancelled', 'cancelled'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      const config = `${this.key}|${r.backend.label}`;
      const hit = this.cache.get(config, req.prefix, req.suffix, req.offset);
      if (hit) {
        const report: CompletionReport = { ...hit.data, ms: performance.now() - t0, modelCalls: 0, cached: true, reason: `${hit.data.reason} (typed ahead ${hit.typed} character${hit.typed === 1 ? '' : 's'}: reused)` };
        this.last = report;
        return { text: hit.text, report };
      }
      // Soft deadline a little before the hard cap, so that a slow generation returns what it has.
      const deadline = t0 + s.timeoutMs - Math.min(1000, s.timeoutMs / 4);
      const out = r.token ? await this.tokenPath(s, r, req, cap.signal, deadline) : await this.textPath(s, r, req, cap.signal);
      const post = postprocess(out.text, { suffix: req.suffix });
      const report: CompletionReport = {
        ...out.report,
        backend: r.backend.label,
        model: r.info.model,
        format: r.token?.format ?? r.format,
        ms: performance.now() - t0,
        cached: false,
        notes: post.notes,
        ...(r.warning ? { warning: r.warning } : {}),
      };
      if (post.text) this.cache.set(config, req.prefix, req.suffix, { text: post.text, data: report }, req.offset);
      this.last = report;
      return { text: post.text, report };
    } catch (e) {
      if (cap.signal.aborted) throw cap.signal.reason instanceof BackendError ? cap.signal.reason : new BackendError('cancelled', 'cancelled');
      throw e;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async tokenPath(s: FimSettings, r: Resolved, req: CompletionRequest, signal: AbortSignal, deadline: number) {
    const t = r.token!;
    const prompt = buildPrompt({
      tokenizer: t.tokenizer,
      format: t.format,
      prefix: req.prefix,
      suffix: req.suffix,
      extra: req.extra,
      filename: req.filename,
      ids: t.ids,
      budget: fitBudget(s, r.info.contextLength),
    });
    const inLine = /^[^\n]*\S/.test(req.suffix);
    const run = (mode: DebiasMode) => generate({
      tokenizer: t.tokenizer,
      model: t.model,
      context: prompt.context,
      text: prompt.text,
      mode,
      maxBytes: s.maxLength,
      stopAt: inLine ? ['\n'] : undefined,
      signal,
      deadline,
    });
    let g = await run(s.debias);
    let reason = g.report.reason;
    let calls = g.report.modelCalls;
    // A server's top-k lists can leave out every cover of the text (a rare text, a short list): exact has nothing to
    // go on, and token healing is the next best.
    if (g.report.mode === 'exact' && g.report.covers === 0 && g.finish !== 'time') {
      const h = await run('heal');
      calls += h.report.modelCalls;
      reason = `no cover of the text is in the model's next-token lists, so exact could not run: ${h.report.reason}`;
      g = h;
    }
    return { text: g.text, report: { mode: g.report.mode, reason, modelCalls: calls, byteSteps: g.report.byteSteps, finish: g.finish } satisfies Partial<CompletionReport> };
  }

  private async textPath(s: FimSettings, r: Resolved, req: CompletionRequest, signal: AbortSignal) {
    // Without the vocabulary, windows are cut by characters (about 4 per token in code).
    const prefix = req.prefix.slice(-4 * s.prefixTokens);
    const suffix = req.suffix.slice(0, 4 * s.suffixTokens);
    const inLine = /^[^\n]*\S/.test(req.suffix);
    const layout = textPrompt(r.format);
    const text = await r.backend.infill({ prefix, suffix, maxTokens: Math.max(1, Math.ceil(s.maxLength / 3)), stop: inLine ? ['\n'] : undefined, temperature: 0, ...(layout ? { layout } : {}) }, signal);
    const bytes = Buffer.from(text, 'utf8');
    const capped = bytes.length > s.maxLength ? new TextDecoder().decode(bytes.subarray(0, s.maxLength)).replace(/\uFFFD$/, '') : text;
    return { text: capped, report: { mode: 'off' as DebiasMode, reason: r.textReason!, modelCalls: 1, byteSteps: 0, finish: 'server' as const } };
  }
}

/**
 * The prompt's token budget within the model's context: the generation's room (maxLength bytes is at most as many
 * tokens) and the format's own tokens are kept free; when the settings ask for more than is left, other files' context
 * gives way first, then the suffix, then the prefix.
 */
export function fitBudget(s: Pick<FimSettings, 'prefixTokens' | 'suffixTokens' | 'contextTokens' | 'maxLength'>, contextLength: number | undefined): PromptBudget {
  const want = { prefixTokens: s.prefixTokens, suffixTokens: s.suffixTokens, extraTokens: s.contextTokens };
  if (!contextLength) return want;
  const FORMAT_TOKENS = 16;
  let room = Math.max(0, contextLength - Math.min(s.maxLength, Math.floor(contextLength / 4)) - FORMAT_TOKENS);
  const extraTokens = Math.min(want.extraTokens, Math.max(0, room - want.prefixTokens - want.suffixTokens));
  room -= extraTokens;
  const suffixTokens = Math.min(want.suffixTokens, Math.max(0, room - Math.min(want.prefixTokens, Math.floor(room * 0.75))));
  room -= suffixTokens;
  return { prefixTokens: Math.min(want.prefixTokens, room), suffixTokens, extraTokens };
}

/** A FIM prompt as text in a format's layout, for OpenAI-compatible servers' plain generation. */
function textPrompt(format: FimFormatName | undefined): ((prefix: string, suffix: string) => string) | undefined {
  if (!format) return undefined;
  const f = FORMATS[format];
  const t = (role: 'prefix' | 'suffix' | 'middle') => f.tokens[role]?.[0] ?? '';
  return f.order === 'spm' ? (p, x) => `${t('suffix')}${x}${t('prefix')}${p}` : (p, x) => `${t('prefix')}${p}${t('suffix')}${x}${t('middle')}`;
}

/** `promise`, or a rejection as soon as `signal` aborts (the work itself goes on, shared by the next request). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
