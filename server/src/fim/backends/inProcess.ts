/**
 * A GGUF model run in process by node-llama-cpp (research.md §4): the exact case for de-biasing, since every call
 * returns the model's complete next-token distribution (all ids, a plain softmax at temperature 0), not a top-k list.
 *
 * node-llama-cpp is an optional dependency, loaded only when a model is first used (`import('node-llama-cpp')`, kept
 * external by every bundle): the packaged extension does not ship it, and then every call rejects with a BackendError
 * 'unsupported' that says how to install it. Its prebuilt binaries are used as they are (`build: 'never'`): a GPU one
 * when the machine has a GPU, else the CPU one.
 *
 * node-llama-cpp calls relied on (3.21.1): getLlama({gpu, build}), llama.loadModel({modelPath}),
 * model.createContext({contextSize, threads}), context.getSequence(); on the sequence: contextTokens,
 * eraseContextTokenRanges, clearHistory, evaluateWithoutGeneratingNewTokens(ids), and
 * controlledEvaluate([[id, {generateNext: {probabilities | token}}]]) → [{next: {probabilities: Map, token}}];
 * model.tokenize(text, false), model.detokenize(ids).
 *
 * One model at a time, one sequence: calls are queued, so that `next()` and `infill()` never interleave on the
 * sequence. `info()` reads the GGUF header with the project's own reader and needs no node-llama-cpp.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ggufInt, readGgufMetadata } from '../../tokenizers/formats/gguf';
import { ggufVocabFromMetadata, TOKEN_TYPE } from '../../tokenizers/formats/ggufVocab';
import { detectFormat, FORMATS } from '../formats';
import { BackendError, type BackendInfo, type FimBackend, type InfillRequest, type NextTokenDistribution, type TokenModel } from '../types';

export const NODE_LLAMA_CPP = 'node-llama-cpp@3.21.1';

export interface InProcessOptions {
  /** The `.gguf` model file. */
  modelPath: string;
  /** CPU threads (default 1 on machines with two cores or fewer, else cores − 1): unset, llama.cpp is far slower here. */
  threads?: number;
  /** Run on the CPU even when a GPU is available (default false: GPU when node-llama-cpp finds one). */
  cpuOnly?: boolean;
  /** Context size in tokens (default the model's training context, at most 4096). */
  contextSize?: number;
}

/** The part of node-llama-cpp's API used here (declared locally, so the project type-checks without the package). */
interface NlcSequence {
  readonly contextTokens: number[];
  clearHistory(): Promise<void>;
  eraseContextTokenRanges(ranges: Array<{ start: number; end: number }>): Promise<void>;
  evaluateWithoutGeneratingNewTokens(tokens: number[]): Promise<void>;
  controlledEvaluate(input: Array<number | [number, { generateNext?: { token?: boolean; probabilities?: boolean } }]>): Promise<Array<undefined | { next?: { token?: number | null; probabilities?: Map<number, number> } }>>;
}
interface NlcContext {
  getSequence(): NlcSequence;
  dispose(): Promise<void>;
}
interface NlcModel {
  readonly tokens: { readonly eos: number | null; readonly eot: number | null };
  tokenize(text: string, specialTokens?: boolean): number[];
  detokenize(tokens: readonly number[], specialTokens?: boolean): string;
  createContext(options: { contextSize?: number; threads?: number; sequences?: number }): Promise<NlcContext>;
  dispose(): Promise<void>;
}
interface NlcLlama {
  readonly gpu: string | false;
  loadModel(options: { modelPath: string }): Promise<NlcModel>;
  dispose(): Promise<void>;
}
interface NlcModule {
  getLlama(options: { gpu?: 'auto' | false; build?: 'never'; logLevel?: string }): Promise<NlcLlama>;
}

interface Loaded {
  llama: NlcLlama;
  model: NlcModel;
  context: NlcContext;
  seq: NlcSequence;
}

/** The default thread count: 1 on ≤ 2 cores (the other core serves the editor), else all cores but one. */
export function defaultThreads(cores = availableParallelism()): number {
  return cores <= 2 ? 1 : cores - 1;
}

/**
 * `import('node-llama-cpp')` through a variable: esbuild keeps a dynamic import() of an external package as import()
 * (a CommonJS `require()` could not load this ES module), and tsc does not need the package's types to check this file.
 */
const importEsm = (specifier: string): Promise<unknown> => import(specifier);

async function loadModule(): Promise<NlcModule> {
  try {
    return (await importEsm('node-llama-cpp')) as NlcModule;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new BackendError(
      missing
        ? `in-process models need node-llama-cpp, which is not installed: run \`npm install ${NODE_LLAMA_CPP}\``
        : `node-llama-cpp could not be loaded (${(e as Error).message}); reinstall it with \`npm install ${NODE_LLAMA_CPP}\``,
      'unsupported',
    );
  }
}

export class InProcessBackend implements FimBackend {
  readonly label: string;
  readonly canScoreTokens = true;
  readonly threads: number;
  private readonly path: string;
  private readonly cpuOnly: boolean;
  private readonly contextSizeOption: number | undefined;
  private loading: Promise<Loaded> | undefined;
  private infoCache: (BackendInfo & { endIds: number[]; trainContext?: number }) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** Where the model ran: 'cpu', or the GPU type node-llama-cpp picked ('cuda', 'metal', 'vulkan'); undefined until loaded. */
  device: string | undefined;

  constructor(options: InProcessOptions) {
    this.path = options.modelPath;
    this.label = `in-process model ${basename(options.modelPath)}`;
    this.threads = Math.max(1, Math.floor(options.threads ?? defaultThreads()));
    this.cpuOnly = options.cpuOnly ?? false;
    this.contextSizeOption = options.contextSize;
  }

  private readInfo(): BackendInfo & { endIds: number[]; trainContext?: number } {
    if (this.infoCache) return this.infoCache;
    let meta;
    try {
      meta = readGgufMetadata(this.path);
    } catch (e) {
      throw new BackendError(`${this.path}: ${(e as Error).message}`, 'unsupported');
    }
    let vocab;
    try {
      vocab = ggufVocabFromMetadata(meta, this.path);
    } catch (e) {
      throw new BackendError((e as Error).message, 'unsupported');
    }
    // Special token texts: control and user-defined tokens (what llama.cpp parses as specials).
    const specials = new Map<string, number>();
    vocab.tokens.forEach((t, id) => {
      const type = vocab.tokenTypes?.[id];
      if ((type === TOKEN_TYPE.control || type === TOKEN_TYPE.userDefined) && !specials.has(t)) specials.set(t, id);
    });
    const model = vocab.modelName ?? basename(this.path);
    const trainContext = vocab.architecture ? ggufInt(meta, `${vocab.architecture}.context_length`) : undefined;
    const fimFormat = detectFormat({ model, specialTokens: specials, chatTemplate: vocab.chatTemplate });
    const info: BackendInfo & { endIds: number[]; trainContext?: number } = {
      model,
      contextLength: Math.min(this.contextSizeOption ?? 4096, trainContext ?? 4096),
      endIds: [],
      trainContext,
    };
    const end = new Set<number>();
    if (fimFormat) {
      const f = FORMATS[fimFormat];
      info.fimFormat = fimFormat;
      const tokens: NonNullable<BackendInfo['fimTokens']> = {};
      for (const [role, texts] of Object.entries(f.tokens) as Array<[keyof typeof f.tokens, readonly string[]]>) {
        const id = texts.map((t) => specials.get(t)).find((x) => x !== undefined);
        if (id !== undefined) tokens[role] = id;
      }
      for (const t of f.end) {
        const id = specials.get(t);
        if (id !== undefined) end.add(id);
      }
      const eot = f.end.map((t) => specials.get(t)).find((x) => x !== undefined);
      if (eot !== undefined) tokens.eot = eot;
      info.fimTokens = tokens;
    }
    for (const id of [vocab.eosId, vocab.eotId]) if (id !== undefined) end.add(id);
    info.endIds = [...end];
    this.infoCache = info;
    return info;
  }

  async info(signal?: AbortSignal): Promise<BackendInfo> {
    this.check(signal);
    const { endIds: _e, trainContext: _t, ...info } = this.readInfo();
    return { ...info, ...(info.fimTokens ? { fimTokens: { ...info.fimTokens } } : {}) };
  }

  private check(signal?: AbortSignal): void {
    if (this.disposed) throw new BackendError(`${this.label} was disposed`, 'unsupported');
    if (signal?.aborted) throw new BackendError('cancelled', 'cancelled');
  }

  /** Loads the model now (the service does so while resolving, outside any completion's time cap). */
  async warm(): Promise<void> {
    this.check();
    await this.load();
  }

  /** Loads the model once (the first call); a failed load is retried by the next call. */
  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const info = this.readInfo();
      const nlc = await loadModule();
      let llama: NlcLlama;
      try {
        llama = this.cpuOnly ? await nlc.getLlama({ gpu: false, build: 'never' }) : await nlc.getLlama({ gpu: 'auto', build: 'never' });
      } catch {
        // No usable GPU binary here: the prebuilt CPU one.
        try {
          llama = await nlc.getLlama({ gpu: false, build: 'never' });
        } catch (e) {
          throw new BackendError(`node-llama-cpp has no prebuilt binary for this machine (${(e as Error).message})`, 'unsupported');
        }
      }
      let model: NlcModel;
      try {
        model = await llama.loadModel({ modelPath: this.path });
      } catch (e) {
        await llama.dispose().catch(() => undefined);
        throw new BackendError(`${this.path}: the model could not be loaded (${(e as Error).message})`, 'unsupported');
      }
      let context: NlcContext;
      try {
        context = await model.createContext({ contextSize: info.contextLength, threads: this.threads, sequences: 1 });
      } catch (e) {
        await model.dispose().catch(() => undefined);
        await llama.dispose().catch(() => undefined);
        throw new BackendError(`${this.path}: no context of ${info.contextLength} tokens (${(e as Error).message})`, 'unsupported');
      }
      this.device = llama.gpu === false ? 'cpu' : llama.gpu;
      return { llama, model, context, seq: context.getSequence() };
    })();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  /** Runs `f` after every earlier call: one sequence, one user at a time. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The model's end-of-generation id: the format's own end token, else the vocabulary's EOS. */
  private eos(): number | undefined {
    try {
      const info = this.readInfo();
      return info.fimTokens?.eot ?? info.endIds[0];
    } catch {
      return undefined;
    }
  }

  model(): TokenModel {
    const eos = (): number | undefined => this.eos();
    return {
      get eosId() {
        return eos();
      },
      next: (context, signal) => this.serial(() => this.next(context, signal)),
    };
  }

  /**
   * Puts `context` minus its last id in the sequence, keeping the longest cached prefix (erasing what follows it), and
   * evaluates the last id for its next-token result.
   */
  private async evaluate<T>(l: Loaded, context: ArrayLike<number>, generateNext: { token?: boolean; probabilities?: boolean }, signal: AbortSignal | undefined, pick: (next: { token?: number | null; probabilities?: Map<number, number> }) => T): Promise<T> {
    const n = context.length;
    if (n === 0) throw new BackendError(`${this.label}: empty context (the prompt needs at least one token)`, 'protocol');
    const size = this.readInfo().contextLength!;
    if (n >= size) throw new BackendError(`${this.label}: the prompt (${n} tokens) does not fit the context of ${size}`, 'unsupported');
    const cached = l.seq.contextTokens;
    let k = 0;
    while (k < cached.length && k < n - 1 && cached[k] === context[k]) k++;
    try {
      if (k < cached.length) {
        if (k === 0) await l.seq.clearHistory();
        else await l.seq.eraseContextTokenRanges([{ start: k, end: cached.length }]);
      }
      if (k < n - 1) await l.seq.evaluateWithoutGeneratingNewTokens(Array.from({ length: n - 1 - k }, (_, i) => context[k + i]));
      this.check(signal);
      const res = await l.seq.controlledEvaluate([[context[n - 1], { generateNext }]]);
      const next = res[0]?.next;
      if (!next) throw new BackendError(`${this.label}: node-llama-cpp returned no next-token result`, 'protocol');
      return pick(next);
    } catch (e) {
      if (e instanceof BackendError) throw e;
      // The sequence's state is unknown after a failure: start afresh next time.
      await l.seq.clearHistory().catch(() => undefined);
      throw new BackendError(`${this.label}: evaluation failed (${(e as Error).message})`, 'protocol');
    }
  }

  private async next(context: Uint32Array, signal?: AbortSignal): Promise<NextTokenDistribution> {
    this.check(signal);
    const l = await this.load();
    this.check(signal);
    return this.evaluate(l, context, { probabilities: true }, signal, (next) => {
      const probs = next.probabilities;
      if (!probs) throw new BackendError(`${this.label}: node-llama-cpp returned no probabilities`, 'protocol');
      const ids: number[] = [];
      const lps: number[] = [];
      for (const [id, p] of probs) {
        if (p > 0) {
          ids.push(id);
          lps.push(Math.log(p));
        }
      }
      return { ids: Uint32Array.from(ids), logProbs: Float64Array.from(lps), complete: true };
    });
  }

  /** The format's FIM prompt as ids, in the model's own tokenization (PSM or SPM; BOS first when the format wants it). */
  private promptIds(l: Loaded, request: InfillRequest): number[] {
    const info = this.readInfo();
    if (!info.fimFormat || !info.fimTokens) throw new BackendError(`${this.label}: no FIM format known for this model`, 'unsupported');
    const f = FORMATS[info.fimFormat];
    const t = info.fimTokens;
    const enc = (s: string): number[] => (s ? Array.from(l.model.tokenize(s, false)) : []);
    const bos = f.bos ? ggufVocabFromMetadata(readGgufMetadata(this.path), this.path).bosId : undefined;
    const head = bos !== undefined ? [bos] : [];
    if (f.order === 'spm') return [...head, t.suffix!, ...enc(request.suffix), t.prefix!, ...enc(request.prefix)];
    return [...head, t.prefix!, ...enc(request.prefix), t.suffix!, ...enc(request.suffix), t.middle!];
  }

  async infill(request: InfillRequest, signal?: AbortSignal): Promise<string> {
    return this.serial(async () => {
      this.check(signal);
      const l = await this.load();
      const ids = this.promptIds(l, request);
      const end = new Set(this.readInfo().endIds);
      const out: number[] = [];
      let text = '';
      for (let i = 0; i < request.maxTokens; i++) {
        this.check(signal);
        // Greedy: node-llama-cpp samples at temperature 0 by default.
        const t = await this.evaluate(l, [...ids, ...out], { token: true }, signal, (next) => next.token);
        if (t === undefined || t === null || end.has(t)) break;
        out.push(t);
        text = l.model.detokenize(out);
        const stop = request.stop?.map((s) => (s ? text.indexOf(s) : -1)).filter((x) => x >= 0);
        if (stop?.length) return text.slice(0, Math.min(...stop));
      }
      return text;
    });
  }

  /** Frees the model, its context and the llama.cpp instance; later calls reject. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const loading = this.loading;
    this.loading = undefined;
    await this.queue;
    if (!loading) return;
    const l = await loading.catch(() => undefined);
    if (!l) return;
    await l.context.dispose().catch(() => undefined);
    await l.model.dispose().catch(() => undefined);
    await l.llama.dispose().catch(() => undefined);
  }
}
