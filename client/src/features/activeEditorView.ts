import * as vscode from 'vscode';
import { config } from '../config';
import { log } from '../log';

/**
 * What the status bar and the overlays share: they redraw for the active editor after a debounce when it changes,
 * when its document changes, on `trigger` (selection or scrolling) and on a tokscope setting change; a newer redraw
 * cancels the request of the older one; errors are logged, never shown (the next redraw may well succeed).
 */
export abstract class ActiveEditorView implements vscode.Disposable {
  protected readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: vscode.CancellationTokenSource | undefined;

  constructor(
    private readonly label: string,
    trigger: (listener: (e: { textEditor: vscode.TextEditor }) => void) => vscode.Disposable,
  ) {
    const schedule = () => this.schedule();
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(schedule),
      trigger((e) => e.textEditor === vscode.window.activeTextEditor && schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tokscope') && schedule()),
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
    this.pending?.cancel();
    const cts = (this.pending = new vscode.CancellationTokenSource());
    try {
      await this.draw(editor, cts.token);
    } catch (e) {
      if (!cts.token.isCancellationRequested) log.warn(`${this.label}: ${(e as Error).message}`);
    }
  }

  /** Draws for `editor`; checks `token` after each request. */
  protected abstract draw(editor: vscode.TextEditor, token: vscode.CancellationToken): Promise<void>;

  protected noEditor(): void {}

  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    for (const d of this.subscriptions) d.dispose();
  }
}
