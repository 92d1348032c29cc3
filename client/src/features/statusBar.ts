import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentStatsRequest, type TokenizerStats } from '../../../server/src/protocol';
import { config } from '../config';
import { ActiveEditorView } from './activeEditorView';

/**
 * The status bar item: the active tokenizer's count of the document (or of the selection) against the context window,
 * e.g. `12,480 / 128k o200k_base`; the tooltip lists every enabled tokenizer; a click picks the tokenizer.
 * Counts come from the server's maintained token streams, never from a full re-encode on the client.
 */
export class StatusBar extends ActiveEditorView {
  private readonly item = vscode.window.createStatusBarItem('tokscope.count', vscode.StatusBarAlignment.Right, 100);

  constructor(private readonly client: LanguageClient) {
    super('status bar', vscode.window.onDidChangeTextEditorSelection);
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
    const prefix = stats.selection ? `sel ${fmt(shown.count)} · ` : '';
    this.item.text = `$(symbol-numeric) ${prefix}${fmt(doc.count)} / ${window(stats.contextWindow)} ${active}`;
    this.item.tooltip = tooltip(stats.document, stats.selection, stats.contextWindow);
    this.item.show();
  }

  override dispose(): void {
    super.dispose();
    this.item.dispose();
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const window = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : fmt(n));

function tooltip(doc: TokenizerStats[], sel: TokenizerStats[] | undefined, contextWindow: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**tokscope** — click to choose the tokenizer\n\n| tokenizer | document | ${sel ? 'selection | ' : ''}of ${fmt(contextWindow)} |\n|---|---:|${sel ? '---:|' : ''}---:|\n`);
  for (const s of doc) {
    const pct = ((100 * s.count) / contextWindow).toFixed(1);
    const selCount = sel?.find((x) => x.tokenizer === s.tokenizer)?.count;
    const name = `${s.tokenizer}${s.exact ? '' : ' (estimate)'}${s.error ? ' ⚠' : ''}`;
    md.appendMarkdown(`| ${name} | ${fmt(s.count)} | ${sel ? `${selCount === undefined ? '' : fmt(selCount)} | ` : ''}${pct}% |\n`);
  }
  const bos = doc.find((s) => s.bosNote)?.bosNote;
  if (bos) md.appendMarkdown(`\n${bos}`);
  return md;
}
