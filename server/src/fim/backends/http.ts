/**
 * JSON over HTTP for the model-server backends, on Node's global fetch. Every failure becomes ONE `BackendError`
 * (types.ts) with a kind the status bar can act on; nothing else escapes, and nothing hangs: each request has a hard time
 * cap, and the caller's AbortSignal ends it at once (fetch rejects on abort, also while the body is being read).
 */
import { BackendError } from '../types';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface JsonRequest {
  method?: 'GET' | 'POST';
  /** Sent as JSON (implies POST when `method` is absent). */
  body?: unknown;
  /** The hard cap on the whole request, headers and body (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra headers (e.g. an OpenAI-compatible server's `Authorization`). */
  headers?: Record<string, string>;
  /** The server program named in the "is … running?" hint when nothing answers (default "llama-server"). */
  serverName?: string;
}

/** Error codes (Node and undici) that mean "nothing is listening there": the user has to start the server. */
const NO_SERVER_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** The `code` of an error or of any error in its `cause` chain (fetch wraps the socket error as `cause`). */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The server's own error text from a JSON error body (llama.cpp/OpenAI `{error:{message}}`, vLLM `{message}`, Ollama `{error}`). */
function serverErrorText(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const e = v?.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
    if (typeof v?.message === 'string') return v.message;
  } catch {
    // Not JSON: the caller shows the status only (an HTML error page is no help in a status bar).
  }
  return undefined;
}

/**
 * Fetches `url` and parses the JSON answer. Rejects only with a BackendError:
 * unreachable (refused, DNS, connection dropped), timeout, http (non-2xx), protocol (not JSON), cancelled.
 */
/**
 * One request, retried once when the connection broke before any answer: a kept-alive socket the server closed while
 * idle (Node's and llama-server's idle timeouts) fails the next request that way, and these requests have no side
 * effects. A second break is reported.
 */
export async function requestJson(url: string, req: JsonRequest = {}): Promise<unknown> {
  try {
    return await requestOnce(url, req);
  } catch (e) {
    if (!(e instanceof BrokenBeforeAnswer) || req.signal?.aborted) throw e;
    return requestOnce(url, req);
  }
}

/** The connection was taken, then broke before a response started (see requestJson). */
class BrokenBeforeAnswer extends BackendError {}

async function requestOnce(url: string, req: JsonRequest): Promise<unknown> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (req.signal?.aborted) throw new BackendError(`request to ${url} cancelled`, 'cancelled');
  // One controller ends the request for either reason; `why` remembers which, since fetch reports both as AbortError.
  const controller = new AbortController();
  let why: 'timeout' | 'cancelled' | undefined;
  const timer = setTimeout(() => { why = 'timeout'; controller.abort(); }, timeoutMs);
  const onAbort = (): void => { why ??= 'cancelled'; controller.abort(); };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let stage: 'connect' | 'body' = 'connect';
  try {
    const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
    const res = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: controller.signal,
    });
    stage = 'body';
    const text = await res.text();
    if (!res.ok) {
      const detail = serverErrorText(text);
      throw new BackendError(`${url} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`, 'http');
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BackendError(`${url} answered with malformed JSON (${JSON.stringify(text.slice(0, 60))}…)`, 'protocol');
    }
  } catch (err) {
    if (err instanceof BackendError) throw err;
    if (why === 'timeout') throw new BackendError(`${url} did not answer within ${timeoutMs} ms`, 'timeout');
    if (why === 'cancelled') throw new BackendError(`request to ${url} cancelled`, 'cancelled');
    const code = errorCode(err);
    const suffix = code ? ` (${code})` : '';
    if (stage === 'connect' && (code === undefined || NO_SERVER_CODES.has(code))) {
      throw new BackendError(`no model server at ${url} — is ${req.serverName ?? 'llama-server'} running?${suffix}`, 'unreachable');
    }
    // The server took the connection, then it died (reset, crash mid-response): retrying later may help.
    if (stage === 'connect') throw new BrokenBeforeAnswer(`the connection to ${url} broke before an answer${suffix}`, 'unreachable');
    throw new BackendError(`the connection to ${url} broke mid-response${suffix}`, 'unreachable');
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
}

/** Joins a base URL ("http://127.0.0.1:8012" or with a trailing slash or path) and an endpoint path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

// --- Shape checks: a missing or mistyped field is a 'protocol' error naming the field, not a TypeError later. ---

export function protocolError(url: string, what: string): BackendError {
  return new BackendError(`${url}: unexpected answer (${what})`, 'protocol');
}

export function asObject(v: unknown, url: string, what: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw protocolError(url, `${what} is not an object`);
  return v as Record<string, unknown>;
}

export function asArray(v: unknown, url: string, what: string): unknown[] {
  if (!Array.isArray(v)) throw protocolError(url, `${what} is not a list`);
  return v;
}

export function asString(v: unknown, url: string, what: string): string {
  if (typeof v !== 'string') throw protocolError(url, `${what} is missing or not text`);
  return v;
}

export function asNumber(v: unknown, url: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw protocolError(url, `${what} is missing or not a number`);
  return v;
}

/** A number when present and finite, else undefined (optional metadata such as a context length). */
export function optNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Whether the URL's host is this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host) || host === '::ffff:127.0.0.1';
}

/** A warning for a plain-http endpoint on another machine (the user's code would cross the network unencrypted), else undefined. */
export function insecureEndpointWarning(url: string): string | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return undefined;
  }
  if (protocol !== 'http:' || isLoopback(url)) return undefined;
  return `${url} is another machine over plain http: your code is sent unencrypted. Use https, or a model server on this machine.`;
}
