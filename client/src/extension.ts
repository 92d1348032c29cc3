import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './client';
import { type Features, registerCommands } from './commands';
import { ComparePanel } from './features/comparePanel';
import { Overlays } from './features/overlays';
import { StatusBar } from './features/statusBar';
import { log, showError } from './log';

let client: LanguageClient | undefined;

/** What the extension returns from `activate`, for the integration tests. */
export interface TokscopeApi {
  statusBar(): string;
  compareRendered(): number;
}

/** Wiring only: start the server, then the features that draw what it computes. */
export async function activate(context: vscode.ExtensionContext): Promise<TokscopeApi> {
  context.subscriptions.push(log);
  client = createClient(context);
  const features: Features = { compare: undefined };
  registerCommands(context, () => client, features);
  try {
    await client.start();
  } catch (e) {
    await showError(`the language server did not start: ${(e as Error).message}`);
    return { statusBar: () => '', compareRendered: () => 0 };
  }
  const statusBar = new StatusBar(client);
  features.compare = new ComparePanel(context, client);
  context.subscriptions.push(statusBar, new Overlays(client), features.compare);
  log.info(`tokscope ${context.extension.packageJSON.version} active`);
  return { statusBar: () => statusBar.text, compareRendered: () => features.compare?.rendered ?? 0 };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
