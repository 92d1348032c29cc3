import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentStatsRequest, type TokenizerStats } from '../../../server/src/protocol';
import { config } from '../config';
import { log } from '../log';

/**
 * The status bar item: the active tokenizer's count of the document (or of the selection) against the context window,
 * e.g. `12,480 / 128k o200k_base`; the tooltip lists every enabled tokenizer; a click picks the tokenizer.
 * Counts come from the server's maintained token streams, never from a full re-encode on the client.
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tokscope.count', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: vscode.CancellationTokenSource | undefined;

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'tokscope token count';
    this.item.command = 'tokscope.selectTokenizer';
    const schedule = () => this.schedule();
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(schedule),
      vscode.window.onDidChangeTextEditorSelection((e) => e.textEditor === vscode.window.activeTextEditor && schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tokscope') && schedule()),
    );
    schedule();
  }

  /** The text currently shown (for tests). */
  get text(): string {
    return this.item.text;
  }

  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), config.debounceMs());
  }

  async refresh(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return this.item.hide();
    this.pending?.cancel();
    const cts = (this.pending = new vscode.CancellationTokenSource());
    const active = config.activeTokenizer();
    const tokenizers = [active, ...config.tokenizers().filter((t) => t !== active)];
    const selection = editor.selection.isEmpty ? undefined : this.client.code2ProtocolConverter.asRange(editor.selection);
    try {
      const stats = await this.client.sendRequest(
        DocumentStatsRequest.type,
        { textDocument: { uri: editor.document.uri.toString() }, tokenizers, range: selection },
        cts.token,
      );
      if (cts.token.isCancellationRequested) return;
      const shown = (stats.selection ?? stats.document).find((s) => s.tokenizer === active);
      const doc = stats.document.find((s) => s.tokenizer === active);
      if (!shown || !doc) return this.item.hide();
      const prefix = stats.selection ? `sel ${fmt(shown.count)} · ` : '';
      this.item.text = `$(symbol-numeric) ${prefix}${fmt(doc.count)} / ${window(stats.contextWindow)} ${active}`;
      this.item.tooltip = tooltip(stats.document, stats.selection, stats.contextWindow);
      this.item.show();
    } catch (e) {
      if (!cts.token.isCancellationRequested) log.warn(`status bar: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    this.item.dispose();
    for (const d of this.subscriptions) d.dispose();
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
