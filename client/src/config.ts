import * as vscode from 'vscode';

/** Typed reads of the `tokscope.*` settings the client itself uses (the server reads the rest). */
export type OverlayMode = 'off' | 'counts' | 'boundaries' | 'heat';

const section = () => vscode.workspace.getConfiguration('tokscope');

export const config = {
  activeTokenizer: (): string => section().get<string>('activeTokenizer', 'o200k_base'),
  tokenizers: (): string[] => section().get<string[]>('tokenizers', ['o200k_base', 'cl100k_base', 'llama3']),
  contextWindow: (): number => section().get<number>('contextWindow', 128000),
  overlayMode: (): OverlayMode => section().get<OverlayMode>('overlays.mode', 'counts'),
  debounceMs: (): number => Math.max(0, section().get<number>('debounceMs', 150)),
  async set(key: string, value: unknown): Promise<void> {
    await section().update(key, value, vscode.ConfigurationTarget.Global);
  },
};

/** Settings whose change needs a server restart rather than a refresh. */
export const RESTART_KEYS = ['tokscope.trace.server'];
