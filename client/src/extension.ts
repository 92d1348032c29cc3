import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './client';
import { registerCommands } from './commands';
import { Overlays } from './features/overlays';
import { StatusBar } from './features/statusBar';
import { log, showError } from './log';

let client: LanguageClient | undefined;

/** Wiring only: start the server, then the features that draw what it computes. */
export async function activate(context: vscode.ExtensionContext): Promise<{ statusBar: () => string }> {
  context.subscriptions.push(log);
  client = createClient(context);
  registerCommands(context, () => client);
  try {
    await client.start();
  } catch (e) {
    await showError(`the language server did not start: ${(e as Error).message}`);
    return { statusBar: () => '' };
  }
  const statusBar = new StatusBar(client);
  context.subscriptions.push(statusBar, new Overlays(client));
  log.info(`tokscope ${context.extension.packageJSON.version} active`);
  // Returned for the integration tests, which read what the status bar shows.
  return { statusBar: () => statusBar.text };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
