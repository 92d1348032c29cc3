import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient, ServerSupervisor } from './client';
import { type Features, registerCommands } from './commands';
import { ComparePanel } from './features/comparePanel';
import { DynamicHints } from './features/dynamicDiagnostics';
import { DynamicReportPanel } from './features/dynamicReportPanel';
import { InlineCompletions } from './features/inlineCompletion';
import { Kl3mDownloads } from './features/kl3mDownloads';
import { Overlays } from './features/overlays';
import { StatusBar } from './features/statusBar';
import { TokompilerView } from './features/tokompilerView';
import { log, showError } from './log';

let client: LanguageClient | undefined;

/** What the extension returns from `activate`, for the integration tests. */
export interface TokscopeApi {
  statusBar(): string;
  compareRendered(): number;
  /** How many items the domain savings report last rendered (0 while one is on its way). */
  domainReportRendered(): number;
  /** The language server's process id while it runs. */
  serverPid(): number | undefined;
  serverRunning(): boolean;
  /** Messages shown about a server that was restarted, and about one that was stopped for good. */
  restartMessages(): number;
  stopMessages(): number;
  /** The overlays' last redraw (mode, decorations per type, heat colours) and how many redraws completed. */
  overlays(): { mode: string; decorations: number[]; colors: string[]; draws: number };
  /** The Tokompiler view's last token count for a view URI. */
  tokompilerTokens(view: string): number | undefined;
  /** The FIM status item and how many completion requests reached the server. */
  fim(): { status: string; tooltip: string; requests: number; lastInsert: string | undefined };
  /** Dynamic-tokenization hints on a document now, hint answers applied, and rows the report panel last rendered. */
  dynamic(uri?: string): { hints: number; updates: number; reportRows: number };
  /** Writes the last dynamic report's merges to a path (the Export button without its save dialog). */
  dynamicExport(path: string): Promise<string | undefined>;
}

/** Wiring only: start the server, then the features that draw what it computes. */
export async function activate(context: vscode.ExtensionContext): Promise<TokscopeApi> {
  context.subscriptions.push(log);
  const supervisor = new ServerSupervisor();
  context.subscriptions.push(supervisor);
  client = createClient(context, supervisor);
  const features: Features = { compare: undefined, tokompiler: undefined, dynamicReport: undefined, supervisor, kl3m: new Kl3mDownloads(context.globalStorageUri) };
  context.subscriptions.push(features.kl3m);
  registerCommands(context, () => client, features);
  const server = {
    serverPid: () => supervisor.pid,
    serverRunning: () => client?.isRunning() ?? false,
    restartMessages: () => supervisor.restartMessages,
    stopMessages: () => supervisor.stopMessages,
  };
  try {
    await client.start();
  } catch (e) {
    await showError(`the language server did not start: ${(e as Error).message}`);
    return { ...server, statusBar: () => '', compareRendered: () => 0, domainReportRendered: () => 0, overlays: () => ({ mode: 'off', decorations: [], colors: [], draws: 0 }), tokompilerTokens: () => undefined, fim: () => ({ status: '', tooltip: '', requests: 0, lastInsert: undefined }), dynamic: () => ({ hints: 0, updates: 0, reportRows: 0 }), dynamicExport: async () => undefined };
  }
  const statusBar = new StatusBar(client);
  const overlays = new Overlays(client, context.extension.packageJSON?.contributes?.colors);
  features.compare = new ComparePanel(context, client);
  features.tokompiler = new TokompilerView(client);
  const completions = new InlineCompletions(client);
  const hints = new DynamicHints(client);
  features.dynamicReport = new DynamicReportPanel(context, client);
  context.subscriptions.push(statusBar, overlays, features.compare, features.tokompiler, completions, hints, features.dynamicReport);
  log.info(`tokscope ${context.extension.packageJSON.version} active`);
  return {
    ...server,
    statusBar: () => statusBar.text,
    compareRendered: () => features.compare?.rendered ?? 0,
    domainReportRendered: () => features.compare?.reportRendered ?? 0,
    overlays: () => ({ ...overlays.drawn, draws: overlays.draws }),
    tokompilerTokens: (view) => features.tokompiler?.last.get(view)?.tokenCount,
    fim: () => ({ status: completions.statusText, tooltip: completions.statusTooltip, requests: completions.requests, lastInsert: completions.last?.items[0]?.insertText }),
    dynamic: (uri) => ({ hints: uri ? hints.count(vscode.Uri.parse(uri)) : 0, updates: hints.updates, reportRows: features.dynamicReport?.rendered ?? 0 }),
    dynamicExport: async (path) => (await features.dynamicReport?.exportMerges(vscode.Uri.file(path)))?.fsPath,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
