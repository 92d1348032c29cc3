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
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze<Settings>({
  tokenizers: ['o200k_base', 'cl100k_base', 'llama3'],
  activeTokenizer: 'o200k_base',
  contextWindow: 128000,
  maxFileSize: 5 * 1024 * 1024,
  inlayHints: { enabled: false },
  tokompiler: { scope: 'file', comments: 'drop' },
  kl3mDir: undefined,
});

/**
 * Whether a tokenizer name may be used. `hf:PATH` and `gguf:PATH` read files named by the workspace, so an untrusted
 * workspace cannot use them, just as it cannot move the KL3M folder.
 */
export function allowedTokenizerName(name: unknown, trusted: boolean): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 4096) return false;
  return trusted || !/^(hf|gguf):/.test(name);
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
