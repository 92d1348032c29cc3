/**
 * The `tokscope.*` settings as the server sees them: read per resource, sanitised against the defaults here (the one
 * place defaults live), cached until the client reports a configuration change.
 */
import { isAbsolute } from 'node:path';
import type { Connection } from 'vscode-languageserver';
import type { RegistryOptions } from './tokenizers/registry';

export interface Settings {
  /** Tokenizers counted everywhere (hover, stats). */
  tokenizers: string[];
  /** The tokenizer whose boundaries are drawn and described. */
  activeTokenizer: string;
  contextWindow: number;
  /** Documents over this many UTF-8 bytes are counted in the background and never get spans. */
  maxFileSize: number;
  inlayHints: { enabled: boolean };
  /** How the Tokompiler numbers names (per file or per function) and whether it keeps comments. */
  tokompiler: { scope: 'file' | 'function'; comments: 'drop' | 'keep' };
  /** Only set in a trusted workspace. */
  kl3mDir: string | undefined;
  fim: FimSettings;
  dynamic: DynamicSettings;
}

export type FimBackendSetting = 'auto' | 'llama.cpp' | 'openai' | 'ollama' | 'inProcess';
export const FIM_BACKENDS: readonly FimBackendSetting[] = ['auto', 'llama.cpp', 'openai', 'ollama', 'inProcess'];
export const FIM_FORMATS = ['auto', 'qwen2.5-coder', 'deepseek-coder', 'starcoder2', 'codellama', 'codestral'] as const;

/** `tokscope.fim.*`: inline fill-in-the-middle completions from a local model. */
export interface FimSettings {
  enabled: boolean;
  /** `auto`: the first server found on the loopback ports (llama.cpp 8012/8080, Ollama 11434, vLLM 8000). */
  backend: FimBackendSetting;
  /** The server's URL; '' = the backend's default loopback port. Only set in a trusted workspace. */
  endpoint: string;
  /** A `.gguf` file: the in-process model, and the vocabulary for de-biasing. Only set in a trusted workspace. */
  modelPath: string;
  /**
   * The model's vocabulary for de-biasing with a server backend: a tokenizer name (`qwen3`, `llama3`, …), or a path
   * to a tokenizer.json / .gguf. Paths only in a trusted workspace; '' = the model file when the server names one
   * that is on this machine.
   */
  tokenizer: string;
  debias: 'exact' | 'heal' | 'off';
  format: (typeof FIM_FORMATS)[number];
  /** The longest completion, in UTF-8 bytes. */
  maxLength: number;
  /** Hard cap on one completion, model calls included. */
  timeoutMs: number;
  prefixTokens: number;
  suffixTokens: number;
  /** Tokens of other open files put in the prompt (formats that take them); 0 = none. */
  contextTokens: number;
  /** In-process CPU threads; 0 = automatic. */
  threads: number;
}

/** `tokscope.dynamic.*`: dynamic-tokenization hints (per family) and the report's default boundary and merges. */
export interface DynamicSettings {
  /** Master switch of the hints (diagnostics and quick fixes); the report command works either way. */
  enabled: boolean;
  number: boolean;
  identifier: boolean;
  whitespace: boolean;
  phrase: boolean;
  boundary: 'pretoken' | 'word' | 'superword';
  /** The largest number of merges the report learns. */
  merges: number;
}

export const DYNAMIC_BOUNDARIES = ['pretoken', 'word', 'superword'] as const;
/** The report's merges are capped: each one is a pass over the batch's pairs. */
export const MAX_DYNAMIC_MERGES = 20000;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze<Settings>({
  tokenizers: ['o200k_base', 'cl100k_base', 'llama3'],
  activeTokenizer: 'o200k_base',
  contextWindow: 128000,
  maxFileSize: 5 * 1024 * 1024,
  inlayHints: { enabled: false },
  tokompiler: { scope: 'file', comments: 'drop' },
  kl3mDir: undefined,
  fim: {
    enabled: false,
    backend: 'auto',
    endpoint: '',
    modelPath: '',
    tokenizer: '',
    debias: 'exact',
    format: 'auto',
    maxLength: 256,
    timeoutMs: 5000,
    prefixTokens: 1024,
    suffixTokens: 256,
    contextTokens: 512,
    threads: 0,
  },
  dynamic: { enabled: true, number: true, identifier: true, whitespace: true, phrase: true, boundary: 'superword', merges: 1000 },
});

/**
 * Whether a tokenizer name may be used. `hf:PATH` and `gguf:PATH` read files named by the workspace, so an untrusted
 * workspace cannot use them, just as it cannot move the KL3M folder.
 */
export function allowedTokenizerName(name: unknown, trusted: boolean): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 4096) return false;
  return trusted || !/^(hf|gguf|dynamic):/.test(name);
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** Turns whatever the client sent into complete, valid settings. */
export function sanitizeSettings(raw: unknown, trusted: boolean): Settings {
  const r = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  let tokenizers = Array.isArray(r.tokenizers) ? r.tokenizers.filter((n): n is string => allowedTokenizerName(n, trusted)) : [];
  tokenizers = [...new Set(tokenizers)];
  if (tokenizers.length === 0) tokenizers = [...DEFAULT_SETTINGS.tokenizers];
  const activeTokenizer = allowedTokenizerName(r.activeTokenizer, trusted) ? r.activeTokenizer : DEFAULT_SETTINGS.activeTokenizer;
  const hints = (r.inlayHints !== null && typeof r.inlayHints === 'object' ? r.inlayHints : {}) as Record<string, unknown>;
  const tk = (r.tokompiler !== null && typeof r.tokompiler === 'object' ? r.tokompiler : {}) as Record<string, unknown>;
  const kl3mDir = trusted && typeof r.kl3mDir === 'string' && r.kl3mDir.trim() !== '' ? r.kl3mDir.trim() : undefined;
  return {
    tokenizers,
    activeTokenizer,
    contextWindow: positiveInt(r.contextWindow, DEFAULT_SETTINGS.contextWindow),
    maxFileSize: positiveInt(r.maxFileSize, DEFAULT_SETTINGS.maxFileSize),
    inlayHints: { enabled: typeof hints.enabled === 'boolean' ? hints.enabled : DEFAULT_SETTINGS.inlayHints.enabled },
    tokompiler: {
      scope: tk.scope === 'function' ? 'function' : 'file',
      comments: tk.comments === 'keep' ? 'keep' : 'drop',
    },
    kl3mDir,
    fim: sanitizeFim(r.fim, trusted),
    dynamic: sanitizeDynamic(r.dynamic),
  };
}

/** The dynamic-tokenization settings: booleans, one of the boundary modes, merges from 1 to MAX_DYNAMIC_MERGES. */
export function sanitizeDynamic(raw: unknown): DynamicSettings {
  const d = DEFAULT_SETTINGS.dynamic;
  const r = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
  return {
    enabled: bool(r.enabled, d.enabled),
    number: bool(r.number, d.number),
    identifier: bool(r.identifier, d.identifier),
    whitespace: bool(r.whitespace, d.whitespace),
    phrase: bool(r.phrase, d.phrase),
    boundary: DYNAMIC_BOUNDARIES.find((b) => b === r.boundary) ?? d.boundary,
    merges: intIn(r.merges, 1, MAX_DYNAMIC_MERGES, d.merges),
  };
}

function intIn(value: unknown, lo: number, hi: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= lo ? Math.min(hi, Math.floor(value)) : fallback;
}

/**
 * The FIM settings. In an untrusted workspace nothing that names a program, a file or an address is read: the
 * endpoint, model path and tokenizer path are dropped, and the in-process backend (which loads a file) becomes `auto`.
 */
export function sanitizeFim(raw: unknown, trusted: boolean): FimSettings {
  const d = DEFAULT_SETTINGS.fim;
  const r = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  let backend = FIM_BACKENDS.find((b) => b === r.backend) ?? d.backend;
  if (!trusted && backend === 'inProcess') backend = 'auto';
  const tokenizer = str(r.tokenizer);
  const tokenizerIsPath = /[\\/]|\.(json|gguf)$/i.test(tokenizer) || /^(hf|gguf|dynamic):/.test(tokenizer);
  return {
    enabled: typeof r.enabled === 'boolean' ? r.enabled : d.enabled,
    backend,
    endpoint: trusted ? str(r.endpoint) : '',
    modelPath: trusted ? str(r.modelPath) : '',
    tokenizer: trusted || !tokenizerIsPath ? tokenizer : '',
    debias: r.debias === 'heal' || r.debias === 'off' ? r.debias : 'exact',
    format: FIM_FORMATS.find((f) => f === r.format) ?? 'auto',
    maxLength: intIn(r.maxLength, 1, 8192, d.maxLength),
    timeoutMs: intIn(r.timeoutMs, 100, 60000, d.timeoutMs),
    prefixTokens: intIn(r.prefixTokens, 16, 32768, d.prefixTokens),
    suffixTokens: intIn(r.suffixTokens, 0, 32768, d.suffixTokens),
    contextTokens: intIn(r.contextTokens, 0, 32768, d.contextTokens),
    threads: intIn(r.threads, 0, 256, d.threads),
  };
}

/** What the client says once, in `initializationOptions`: not settings, so nothing the workspace can change. */
export interface InitOptions {
  /** Whether the workspace is trusted; false unless the client says so. */
  trusted: boolean;
  /** The extension's KL3M download folder (`<global storage>/kl3m`), an absolute path. */
  kl3mStorage: string | undefined;
}

export function initOptions(raw: unknown): InitOptions {
  const r = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const storage = typeof r.kl3mStorage === 'string' && isAbsolute(r.kl3mStorage) ? r.kl3mStorage : undefined;
  return { trusted: r.trusted === true, kl3mStorage: storage };
}

/**
 * The registry's folders: `tokscope.kl3mDir` (only ever set in a trusted workspace), then the download folder. The
 * download folder is honoured in an untrusted workspace too: the extension names it, from its own global storage, and
 * only the extension's download command writes there; the workspace can neither move it nor put files in it.
 */
export function registryOptions(settings: Settings, kl3mStorage?: string): RegistryOptions {
  const options: RegistryOptions = {};
  if (settings.kl3mDir) options.kl3mDir = settings.kl3mDir;
  if (kl3mStorage) options.kl3mStorage = kl3mStorage;
  return options;
}

/** Settings per resource, fetched with `workspace/configuration` when the client supports it. */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();

  constructor(
    private readonly connection: Connection,
    private readonly canAsk: boolean,
    private readonly trusted: boolean,
  ) {}

  get(uri: string | undefined): Promise<Settings> {
    const key = uri ?? '';
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.fetch(uri);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /**
   * Drops what is cached. A client that cannot answer `workspace/configuration` pushes its settings with the change
   * notification instead (`{ tokscope: {...} }`); those then apply to every resource.
   */
  clear(pushed?: unknown): void {
    this.cache.clear();
    if (!this.canAsk && pushed !== null && typeof pushed === 'object') this.pushed = (pushed as Record<string, unknown>).tokscope;
  }

  private pushed: unknown;

  private async fetch(uri: string | undefined): Promise<Settings> {
    if (!this.canAsk) return sanitizeSettings(this.pushed, this.trusted);
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'tokscope' });
      return sanitizeSettings(raw, this.trusted);
    } catch (e) {
      // A client that fails the request still gets a working server, on defaults.
      this.connection.console.warn(`tokscope: reading settings failed: ${(e as Error).message}`);
      return sanitizeSettings(undefined, this.trusted);
    }
  }
}
