/**
 * The client's settings sanitised against their defaults, without `vscode` so that it can be unit-tested (config.ts
 * reads the values; the server sanitises its own). A value of the wrong type or out of range gives the default, so a
 * hand-edited settings.json never reaches a feature as `NaN`, a string or a negative delay.
 */

export type OverlayMode = 'off' | 'counts' | 'boundaries' | 'heat';

export const OVERLAY_MODES: readonly OverlayMode[] = ['off', 'counts', 'boundaries', 'heat'];

export interface ClientSettings {
  activeTokenizer: string;
  tokenizers: string[];
  contextWindow: number;
  overlayMode: OverlayMode;
  debounceMs: number;
}

export const CLIENT_DEFAULTS: Readonly<ClientSettings> = Object.freeze({
  activeTokenizer: 'o200k_base',
  tokenizers: ['o200k_base', 'cl100k_base', 'llama3'],
  contextWindow: 128000,
  overlayMode: 'counts',
  debounceMs: 150,
});

/** Longer delays would look like a hang; the setting is a debounce, not a way to switch refreshes off. */
export const MAX_DEBOUNCE_MS = 5000;

/** A tokenizer name the client may send: a non-empty string; `hf:`/`gguf:` paths only in a trusted workspace. */
export function tokenizerName(v: unknown, trusted: boolean): string | undefined {
  if (typeof v !== 'string') return undefined;
  const name = v.trim();
  if (name === '' || name.length > 4096) return undefined;
  return trusted || !/^(hf|gguf|dynamic):/.test(name) ? name : undefined;
}

export function activeTokenizer(v: unknown, trusted: boolean): string {
  return tokenizerName(v, trusted) ?? CLIENT_DEFAULTS.activeTokenizer;
}

/** The enabled tokenizers: valid names, first occurrence kept; the default list when none is left. */
export function tokenizers(v: unknown, trusted: boolean): string[] {
  const names = Array.isArray(v) ? v.map((n) => tokenizerName(n, trusted)).filter((n): n is string => n !== undefined) : [];
  const unique = [...new Set(names)];
  return unique.length ? unique : [...CLIENT_DEFAULTS.tokenizers];
}

export function contextWindow(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : CLIENT_DEFAULTS.contextWindow;
}

export function overlayMode(v: unknown): OverlayMode {
  return OVERLAY_MODES.find((m) => m === v) ?? CLIENT_DEFAULTS.overlayMode;
}

export function debounceMs(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(MAX_DEBOUNCE_MS, Math.round(v)) : CLIENT_DEFAULTS.debounceMs;
}

