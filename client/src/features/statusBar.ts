import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentStatsRequest } from '../../../server/src/protocol';
import { config } from '../config';
import { ActiveEditorView } from './activeEditorView';
import { statusText, tooltipMarkdown } from './statusText';

/**
 * The status bar item: the active tokenizer's count of the document (or of the selection) against the context window,
 * e.g. `12,480 / 128k o200k_base`; the tooltip lists every enabled tokenizer; a click picks the tokenizer.
 * Counts come from the server's maintained token streams, never from a full re-encode on the client.
 */
export class StatusBar extends ActiveEditorView {
  private readonly item = vscode.window.createStatusBarItem('tokscope.count', vscode.StatusBarAlignment.Right, 100);

  constructor(client: LanguageClient) {
    super('status bar', vscode.window.onDidChangeTextEditorSelection, client);
    this.item.name = 'tokscope token count';
    this.item.command = 'tokscope.selectTokenizer';
  }

  /** The text currently shown (for tests). */
  get text(): string {
    return this.item.text;
  }

  protected override noEditor(): void {
    this.item.hide();
  }

  protected override serverStopped(): void {
    // A count that no longer follows edits must not look like one.
    this.item.text = '$(debug-disconnect) tokscope';
    this.item.tooltip = 'The tokscope language server is not running. Click for the log.';
    this.item.command = 'tokscope.openLog';
  }

  protected async draw(editor: vscode.TextEditor, token: vscode.CancellationToken): Promise<void> {
    const active = config.activeTokenizer();
    const tokenizers = [active, ...config.tokenizers().filter((t) => t !== active)];
    const selection = editor.selection.isEmpty ? undefined : this.client.code2ProtocolConverter.asRange(editor.selection);
    const stats = await this.client.sendRequest(
      DocumentStatsRequest.type,
      { textDocument: { uri: editor.document.uri.toString() }, tokenizers, range: selection },
      token,
    );
    if (token.isCancellationRequested) return;
    const shown = (stats.selection ?? stats.document).find((s) => s.tokenizer === active);
    const doc = stats.document.find((s) => s.tokenizer === active);
    if (!shown || !doc) return this.item.hide();
    this.item.text = statusText(active, doc.count, stats.selection ? shown.count : undefined, stats.contextWindow);
    this.item.tooltip = new vscode.MarkdownString(tooltipMarkdown(stats.document, stats.selection, stats.contextWindow), true);
    this.item.command = 'tokscope.selectTokenizer';
    this.item.show();
  }

  override dispose(): void {
    super.dispose();
    this.item.dispose();
  }
}
