import * as vscode from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import { config } from '../config';
import { log } from '../log';

/**
 * What the status bar and the overlays share: they redraw for the active editor after a debounce when it changes,
 * when its document changes, on `trigger` (selection or scrolling), on a tokscope setting change and when the
 * language server runs again after a restart; a newer redraw cancels the request of the older one; errors are
 * logged, never shown (the next redraw may well succeed).
 */
export abstract class ActiveEditorView implements vscode.Disposable {
  protected readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: vscode.CancellationTokenSource | undefined;
  /** Redraws that completed (the integration tests read it to see a feature recover). */
  draws = 0;

  constructor(
    private readonly label: string,
    trigger: (listener: (e: { textEditor: vscode.TextEditor }) => void) => vscode.Disposable,
    protected readonly client: LanguageClient,
  ) {
    const schedule = () => this.schedule();
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(schedule),
      trigger((e) => e.textEditor === vscode.window.activeTextEditor && schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tokscope') && schedule()),
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) return schedule();
        this.pending?.cancel();
        if (e.newState !== State.Starting) this.serverStopped();
      }),
    );
    schedule();
  }

  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), config.debounceMs());
  }

  async refresh(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return this.noEditor();
    if (!this.client.isRunning()) return;
    this.pending?.cancel();
    const cts = (this.pending = new vscode.CancellationTokenSource());
    try {
      await this.draw(editor, cts.token);
      if (!cts.token.isCancellationRequested) this.draws++;
    } catch (e) {
      if (!cts.token.isCancellationRequested) log.warn(`${this.label}: ${(e as Error).message}`);
    }
  }

  /** Draws for `editor`; checks `token` after each request. */
  protected abstract draw(editor: vscode.TextEditor, token: vscode.CancellationToken): Promise<void>;

  protected noEditor(): void {}

  /** The server stopped (it may be restarting); what is drawn stays until the next redraw. */
  protected serverStopped(): void {}

  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    for (const d of this.subscriptions) d.dispose();
  }
}
