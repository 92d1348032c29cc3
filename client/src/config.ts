import * as vscode from 'vscode';
import * as values from './configValues';

/** Typed, sanitised reads of the `tokscope.*` settings the client itself uses (the server reads the rest). */
export type { OverlayMode } from './configValues';

const section = () => vscode.workspace.getConfiguration('tokscope');

export const config = {
  activeTokenizer: (): string => values.activeTokenizer(section().get('activeTokenizer'), vscode.workspace.isTrusted),
  tokenizers: (): string[] => values.tokenizers(section().get('tokenizers'), vscode.workspace.isTrusted),
  contextWindow: (): number => values.contextWindow(section().get('contextWindow')),
  overlayMode: (): values.OverlayMode => values.overlayMode(section().get('overlays.mode')),
  debounceMs: (): number => values.debounceMs(section().get('debounceMs')),
  async set(key: string, value: unknown): Promise<void> {
    await section().update(key, value, vscode.ConfigurationTarget.Global);
  },
};

/** Settings whose change needs a server restart rather than a refresh. */
export const RESTART_KEYS = ['tokscope.trace.server'];
