/**
 * Downloads a KL3M tokenizer from its public Hugging Face repository into `<storage>/kl3m/<name>/`: `tokenizer.json`,
 * and `tokenizer_config.json` when the repository has one. No `vscode` here: the command (features/kl3mDownloads.ts)
 * adds the progress notification, and the unit tests point `baseUrl` at a local server.
 *
 * Nothing is ever half there: each file streams into a temporary file beside the folder, is checked, and is renamed
 * into place only when both are good, `tokenizer.json` last (its presence is what makes the preset available).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const KL3M_BASE_URL = 'https://huggingface.co/alea-institute';
/** The largest KL3M tokenizer.json is about 4 MB; anything over this is not one. */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 30_000;

/** One kind per thing that can go wrong, each with its own message. */
export type DownloadFailure = 'offline' | 'http' | 'tooLarge' | 'truncated' | 'notBpe' | 'cancelled' | 'write';

export class Kl3mDownloadError extends Error {
  constructor(
    readonly kind: DownloadFailure,
    message: string,
    /** The underlying cause, for the log (e.g. `getaddrinfo ENOTFOUND huggingface.co`). */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface DownloadProgress {
  file: 'tokenizer.json' | 'tokenizer_config.json';
  received: number;
  /** From Content-Length, when the server sent one. */
  total: number | undefined;
}

export interface DownloadOptions {
  /** The extension's global storage folder; files go to `<storage>/kl3m/<name>/`. */
  storage: string;
  /** Default `https://huggingface.co/alea-institute`; the tests use a local server. */
  baseUrl?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  maxBytes?: number;
  /** No answer, or no data, for this long counts as a failure. */
  idleTimeoutMs?: number;
}

export interface Downloaded {
  /** The folder now holding the tokenizer. */
  dir: string;
  /** The `tokenizer.json` path. */
  path: string;
  /** Bytes of tokenizer.json. */
  bytes: number;
  /** Whether a tokenizer_config.json was saved beside it. */
  config: boolean;
}

/** The folder the language server searches for downloaded tokenizers. */
export const kl3mFolder = (storage: string): string => join(storage, 'kl3m');

export function kl3mUrl(name: string, file: string, baseUrl = KL3M_BASE_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(name)}/resolve/main/${file}`;
}

type File = DownloadProgress['file'];

export async function downloadKl3m(name: string, options: DownloadOptions): Promise<Downloaded> {
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new Error(`not a KL3M tokenizer name: ${JSON.stringify(name)}`);
  const folder = kl3mFolder(options.storage);
  const dir = join(folder, name);
  const job = new Job(name, folder, options);
  await job.io(() => mkdir(folder, { recursive: true }));
  const temps: string[] = [];
  try {
    const tokenizer = (await job.fetchToTemp('tokenizer.json', temps))!;
    await job.checkBpe(tokenizer);
    // Optional (it can name the BOS): a 404 only means this repository has none.
    const config = await job.fetchToTemp('tokenizer_config.json', temps);
    const configOk = config !== undefined && (await isJsonObject(config.temp));
    job.throwIfCancelled();
    await job.io(() => mkdir(dir, { recursive: true }));
    if (configOk) await job.io(() => rename(config.temp, join(dir, 'tokenizer_config.json')));
    const path = join(dir, 'tokenizer.json');
    await job.io(() => rename(tokenizer.temp, path));
    return { dir, path, bytes: tokenizer.bytes, config: configOk };
  } finally {
    // Whatever was not renamed into place: a failure, a cancellation, or a config file that was not JSON.
    await Promise.all(temps.map((t) => rm(t, { force: true }).catch(() => undefined)));
  }
}

interface Fetched {
  temp: string;
  bytes: number;
}

/** One download's state, so that every failure can say which tokenizer and where it would have gone. */
class Job {
  private readonly baseUrl: string;
  private readonly host: string;
  private readonly max: number;
  private readonly idleMs: number;
  private readonly dir: string;

  constructor(
    private readonly name: string,
    private readonly folder: string,
    private readonly options: DownloadOptions,
  ) {
    this.dir = join(folder, name);
    this.baseUrl = options.baseUrl ?? KL3M_BASE_URL;
    this.host = new URL(this.baseUrl).host;
    this.max = options.maxBytes ?? MAX_DOWNLOAD_BYTES;
    this.idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  }

  /**
   * Streams one file into a temporary file (listed in `temps` at once, so it is removed whatever happens). Resolves
   * undefined for a missing (404) tokenizer_config.json.
   */
  async fetchToTemp(file: File, temps: string[]): Promise<Fetched | undefined> {
    const url = kl3mUrl(this.name, file, this.baseUrl);
    const outer = this.options.signal;
    this.throwIfCancelled();
    // One controller for the user's cancellation and for the idle timer; `timedOut` tells them apart.
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    outer?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        ctrl.abort();
      }, this.idleMs);
    };
    try {
      arm();
      let res: Response;
      try {
        // Identity encoding: Content-Length is then the size of what arrives, so a short body can be told apart.
        res = await fetch(url, { signal: ctrl.signal, redirect: 'follow', headers: { 'accept-encoding': 'identity', 'user-agent': 'tokscope' } });
      } catch (e) {
        if (outer?.aborted) throw this.cancelled();
        throw this.offline(url, timedOut ? `no answer from ${this.host} in ${this.idleMs / 1000} s` : describe(e));
      }
      if (!res.ok) {
        void res.body?.cancel().catch(() => undefined);
        if (file === 'tokenizer_config.json' && res.status === 404) return undefined;
        throw new Kl3mDownloadError('http', `${this.host} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${this.name}'s ${file} (${url}); nothing was saved`);
      }
      const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
      const length = encoded ? undefined : contentLength(res.headers.get('content-length'));
      if (length !== undefined && length > this.max) {
        void res.body?.cancel().catch(() => undefined);
        throw this.tooLarge(file, `announces ${length.toLocaleString('en-US')} bytes`);
      }
      // Beside the tokenizer's folder, on the same file system, so that the rename is atomic.
      const temp = join(this.folder, `.${this.name}.${file}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
      temps.push(temp);
      const fh = await this.io(() => open(temp, 'wx'));
      let received = 0;
      try {
        this.options.onProgress?.({ file, received, total: length });
        const reader = res.body?.getReader();
        for (;;) {
          let chunk: Awaited<ReturnType<NonNullable<typeof reader>['read']>> | undefined;
          try {
            chunk = await reader?.read();
          } catch (e) {
            if (outer?.aborted) throw this.cancelled();
            const why = timedOut ? `nothing arrived for ${this.idleMs / 1000} s` : describe(e);
            throw this.truncated(file, received, length, why);
          }
          if (!chunk || chunk.done) break;
          arm();
          received += chunk.value.byteLength;
          if (received > this.max) throw this.tooLarge(file, `sent more than ${size(this.max)}`);
          await this.io(() => fh.write(chunk!.value));
          this.options.onProgress?.({ file, received, total: length });
        }
      } finally {
        await fh.close();
      }
      if (length !== undefined && received < length) throw this.truncated(file, received, length, 'the body ended early');
      return { temp, bytes: received };
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      // Drops the connection if the body was left unread (a refusal); a no-op after a complete read.
      ctrl.abort();
    }
  }

  /** A tokenizer.json the language server can load is JSON whose model is BPE (as its loader decides). */
  async checkBpe(f: Fetched): Promise<void> {
    let json: { model?: { type?: unknown; merges?: unknown } } | undefined;
    try {
      json = JSON.parse(await readFile(f.temp, 'utf8'));
    } catch (e) {
      throw new Kl3mDownloadError('notBpe', `${this.name}'s tokenizer.json from ${this.host} is not JSON; nothing was saved`, (e as Error).message);
    }
    const model = json?.model;
    const type = model?.type ?? (model?.merges ? 'BPE' : undefined);
    if (type !== 'BPE') {
      const what = model ? `model.type is ${JSON.stringify(type ?? null)}` : 'it has no "model"';
      throw new Kl3mDownloadError('notBpe', `${this.name}'s tokenizer.json from ${this.host} is not a BPE tokenizer.json (${what}); nothing was saved`);
    }
  }

  /** Runs a file-system step; its failure (no space, no permission) becomes one message naming the folder. */
  async io<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      throw new Kl3mDownloadError('write', `could not save ${this.name}'s tokenizer into ${this.dir}: ${(e as Error).message}`);
    }
  }

  private offline(url: string, detail: string): Kl3mDownloadError {
    return new Kl3mDownloadError(
      'offline',
      `could not reach ${this.host} — offline? Download ${this.name}'s tokenizer.json (${url}) elsewhere and put it in ${this.dir}/, or set tokscope.kl3mDir`,
      detail,
    );
  }

  private tooLarge(file: File, what: string): Kl3mDownloadError {
    return new Kl3mDownloadError('tooLarge', `${this.name}'s ${file} from ${this.host} ${what}, over the ${size(this.max)} limit; refused, nothing was saved`);
  }

  private truncated(file: File, received: number, length: number | undefined, detail: string): Kl3mDownloadError {
    const of = length !== undefined ? ` of ${length}` : '';
    return new Kl3mDownloadError('truncated', `the download of ${this.name}'s ${file} from ${this.host} broke off after ${received}${of} bytes; nothing was saved — try again`, detail);
  }

  throwIfCancelled(): void {
    if (this.options.signal?.aborted) throw this.cancelled();
  }

  private cancelled(): Kl3mDownloadError {
    return new Kl3mDownloadError('cancelled', `the download of ${this.name} was cancelled; nothing was saved`);
  }
}

function contentLength(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

async function isJsonObject(path: string): Promise<boolean> {
  try {
    const v: unknown = JSON.parse(await readFile(path, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false; // the loader ignores a broken side file too; the tokenizer itself is still saved
  }
}

/** `fetch failed: getaddrinfo ENOTFOUND huggingface.co`: the error and its causes, which name the real reason. */
function describe(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
    const inner = c instanceof AggregateError ? c.errors.map((x: unknown) => (x instanceof Error ? x.message : String(x))).join('; ') : '';
    parts.push(inner || c.message);
  }
  return parts.join(': ') || String(e);
}

const MB = 1024 * 1024;
const size = (bytes: number): string => (bytes % MB === 0 ? `${bytes / MB} MB` : `${bytes.toLocaleString('en-US')} bytes`);
