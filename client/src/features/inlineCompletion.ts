import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FimCompleteRequest, type FimCompleteResult } from '../../../server/src/protocol';
import { fimStatus } from '../fimText';
import { log } from '../log';

/** How long typing must pause before an automatic completion is asked for (a manual trigger does not wait). */
export const FIM_DEBOUNCE_MS = 250;

/**
 * When tokscope: Trigger FIM Completion last asked. With FIM off, only that command's request is answered: VS Code's
 * own Alt+\ (shared with other completion extensions) then asks tokscope nothing.
 */
let armedAt = -Infinity;
export function armManualTrigger(): void {
  armedAt = Date.now();
}

/**
 * Inline FIM completions: VS Code asks on every keystroke and cancels the previous request's token; the provider waits
 * out the debounce (a cancelled wait asks nothing), then asks the server, passing the token on so that a stale request
 * is cancelled in the server too. The server caps each completion in time and reuses completions the user types into.
 * A status bar item shows which de-biasing ran and why (or the one message of a failure).
 */
export class InlineCompletions implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tokscope.fim', vscode.StatusBarAlignment.Right, 99);
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastError: string | undefined;
  /** The last result (for the status bar and tests), and how many requests reached the server. */
  last: FimCompleteResult | undefined;
  requests = 0;

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'tokscope FIM';
    this.subscriptions.push(
      // The documents the language server is sent (client.ts's documentSelector): others it cannot complete.
      vscode.languages.registerInlineCompletionItemProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tokscope.fim')) this.draw();
      }),
    );
    this.draw();
  }

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration('tokscope').get<boolean>('fim.enabled') === true;
  }

  /** The status item's text (for tests). */
  get statusText(): string {
    return this.item.text;
  }

  get statusTooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '');
  }

  private draw(): void {
    const s = fimStatus(this.last, this.enabled);
    this.item.text = s.text;
    this.item.tooltip = new vscode.MarkdownString(s.tooltip);
    this.item.backgroundColor = s.warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = this.enabled ? 'tokscope.checkModelConnection' : 'tokscope.fimToggle';
    // Out of the way for those who do not use FIM: shown once it is on, or after a completion was asked for by hand.
    if (this.enabled || this.last) this.item.show();
    else this.item.hide();
  }

  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position, context: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | undefined> {
    const invoked = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    const armed = Date.now() - armedAt < 2000;
    if (armed) armedAt = -Infinity;
    const manual = invoked && (this.enabled || armed);
    if (!manual && !this.enabled) return undefined;
    if (!this.client.isRunning()) return undefined;
    if (!manual && !(await pause(FIM_DEBOUNCE_MS, token))) return undefined;
    let result: FimCompleteResult;
    try {
      this.requests++;
      result = await this.client.sendRequest(FimCompleteRequest.type, { textDocument: { uri: document.uri.toString() }, position: this.client.code2ProtocolConverter.asPosition(position), manual }, token);
    } catch (e) {
      // Cancelled (a newer keystroke) or the server restarting: nothing to show, nothing to report.
      if (!token.isCancellationRequested) log.warn(`FIM request failed: ${(e as Error).message}`);
      return undefined;
    }
    if (result.disabled) return undefined;
    this.last = result;
    this.draw();
    if (result.error && result.error !== this.lastError) log.warn(`FIM: ${result.error}`);
    this.lastError = result.error;
    if (result.report?.warning) log.warn(`FIM: ${result.report.warning}`);
    if (token.isCancellationRequested) return undefined;
    return result.items.map((i) => new vscode.InlineCompletionItem(i.insertText, this.client.protocol2CodeConverter.asRange(i.range)));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/** Waits `ms`, or answers false as soon as the token is cancelled. */
function pause(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  if (token.isCancellationRequested) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(true);
    }, ms);
    const sub = token.onCancellationRequested(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve(false);
    });
  });
}
