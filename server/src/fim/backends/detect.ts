/**
 * Finds local model servers by probing their well-known loopback ports with short timeouts, all at once (the whole
 * detection takes one timeout at most). Each candidate is asked its server's signature endpoint, so that a llama.cpp
 * server (which also serves /v1/models) is not mistaken for vLLM on a shared port:
 *   llama.cpp: GET /props has `default_generation_settings`;  Ollama: GET /api/version has `version`;
 *   OpenAI-compatible: GET /v1/models has a `data` list.
 */
import type { FimBackend } from '../types';
import { requestJson } from './http';
import { LlamaCppBackend } from './llamaCpp';
import { OllamaBackend } from './ollama';
import { OpenAiCompatBackend } from './openaiCompat';

export type ServerKind = 'llama.cpp' | 'ollama' | 'openai';

export interface Candidate {
  kind: ServerKind;
  port: number;
}

/** llama.vscode's default 8012, llama-server's own 8080, Ollama 11434, vLLM 8000. */
export const DEFAULT_CANDIDATES: readonly Candidate[] = [
  { kind: 'llama.cpp', port: 8012 },
  { kind: 'llama.cpp', port: 8080 },
  { kind: 'ollama', port: 11434 },
  { kind: 'openai', port: 8000 },
];

export interface DetectOptions {
  candidates?: readonly Candidate[];
  host?: string;
  /** Per probe (default 300 ms: a local server answers these in a few ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Detected {
  kind: ServerKind;
  baseUrl: string;
  backend: FimBackend;
}

const SIGNATURE: Record<ServerKind, { path: string; check: (v: Record<string, unknown>) => boolean }> = {
  'llama.cpp': { path: '/props', check: (v) => typeof v.default_generation_settings === 'object' && v.default_generation_settings !== null },
  ollama: { path: '/api/version', check: (v) => typeof v.version === 'string' },
  openai: { path: '/v1/models', check: (v) => Array.isArray(v.data) },
};

/** The candidates that answered as their kind, in candidate order. Failures are silent: absence is the answer. */
export async function detectServers(options: DetectOptions = {}): Promise<Detected[]> {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 300;
  const probes = (options.candidates ?? DEFAULT_CANDIDATES).map(async ({ kind, port }): Promise<Detected | undefined> => {
    const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const sig = SIGNATURE[kind];
    try {
      const v = await requestJson(baseUrl + sig.path, { timeoutMs, signal: options.signal });
      if (!v || typeof v !== 'object' || !sig.check(v as Record<string, unknown>)) return undefined;
    } catch {
      return undefined;
    }
    const backend = kind === 'llama.cpp' ? new LlamaCppBackend({ baseUrl })
      : kind === 'ollama' ? new OllamaBackend({ baseUrl }) : new OpenAiCompatBackend({ baseUrl });
    return { kind, baseUrl, backend };
  });
  return (await Promise.all(probes)).filter((d): d is Detected => d !== undefined);
}

/** The kind of server at `baseUrl` (a user's endpoint): the first signature it answers, or undefined. */
export async function identifyServer(baseUrl: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ServerKind | undefined> {
  const base = baseUrl.replace(/\/+$/, '');
  const kinds = await Promise.all((Object.keys(SIGNATURE) as ServerKind[]).map(async (kind) => {
    const sig = SIGNATURE[kind];
    try {
      const v = await requestJson(base + sig.path, { timeoutMs: options.timeoutMs ?? 1000, signal: options.signal });
      return v && typeof v === 'object' && sig.check(v as Record<string, unknown>) ? kind : undefined;
    } catch {
      return undefined;
    }
  }));
  return kinds.find((k) => k !== undefined);
}
