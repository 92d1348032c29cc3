import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LineCountsRequest, TokenSpansRequest } from '../../../server/src/protocol';
import { config, type OverlayMode } from '../config';
import { log } from '../log';

/**
 * Decorations on the visible lines only: per-line token counts after each line ('counts'), alternate colours on
 * token boundaries ('boundaries'), or tokens coloured by how many characters they cover ('heat': one-character
 * tokens hot, long ones cool). Decoration types are created once and disposed together; refreshes are debounced and
 * a newer one cancels the older request.
 */
export class Overlays implements vscode.Disposable {
  private readonly countType = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 1.5em', color: new vscode.ThemeColor('tokscope.lineCountForeground') },
  });
  private readonly tokenTypes = [
    vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('tokscope.tokenEvenBackground') }),
    vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('tokscope.tokenOddBackground') }),
  ];
  private readonly heatTypes = ['tokscope.heatHotBackground', 'tokscope.heatWarmBackground', 'tokscope.heatCoolBackground'].map((c) =>
    vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor(c) }),
  );
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: vscode.CancellationTokenSource | undefined;

  constructor(private readonly client: LanguageClient) {
    const schedule = () => this.schedule();
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(schedule),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => e.textEditor === vscode.window.activeTextEditor && schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tokscope') && schedule()),
    );
    schedule();
  }

  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), config.debounceMs());
  }

  async refresh(editor = vscode.window.activeTextEditor): Promise<void> {
    if (!editor) return;
    this.pending?.cancel();
    const cts = (this.pending = new vscode.CancellationTokenSource());
    const mode = config.overlayMode();
    try {
      await this.draw(editor, mode, cts.token);
    } catch (e) {
      if (!cts.token.isCancellationRequested) log.warn(`overlays: ${(e as Error).message}`);
    }
  }

  private async draw(editor: vscode.TextEditor, mode: OverlayMode, token: vscode.CancellationToken): Promise<void> {
    const uri = editor.document.uri.toString();
    const visible = editor.visibleRanges;
    const clearAll = () => [this.countType, ...this.tokenTypes, ...this.heatTypes].forEach((t) => editor.setDecorations(t, []));
    if (mode === 'off' || visible.length === 0) return clearAll();
    const first = visible[0].start.line;
    const last = visible[visible.length - 1].end.line;
    if (mode === 'counts') {
      const res = await this.client.sendRequest(LineCountsRequest.type, { textDocument: { uri }, startLine: first, endLine: last }, token);
      if (token.isCancellationRequested) return;
      const decorations: vscode.DecorationOptions[] = [];
      res.counts.forEach((n, i) => {
        const line = res.startLine + i;
        if (n === 0 || line >= editor.document.lineCount) return;
        const end = editor.document.lineAt(line).range.end;
        decorations.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: `${n}` } } });
      });
      clearAll();
      editor.setDecorations(this.countType, decorations);
      return;
    }
    const range = { start: { line: first, character: 0 }, end: { line: last + 1, character: 0 } };
    const res = await this.client.sendRequest(TokenSpansRequest.type, { textDocument: { uri }, range }, token);
    if (token.isCancellationRequested) return;
    const groups: vscode.Range[][] = mode === 'boundaries' ? [[], []] : [[], [], []];
    const p = res.positions;
    for (let i = 0; i < res.ids.length; i++) {
      const r = new vscode.Range(p[4 * i], p[4 * i + 1], p[4 * i + 2], p[4 * i + 3]);
      if (r.isEmpty) continue;
      if (mode === 'boundaries') groups[i % 2].push(r);
      else {
        const chars = r.isSingleLine ? r.end.character - r.start.character : 4;
        groups[chars <= 1 ? 0 : chars <= 3 ? 1 : 2].push(r);
      }
    }
    clearAll();
    const types = mode === 'boundaries' ? this.tokenTypes : this.heatTypes;
    types.forEach((t, k) => editor.setDecorations(t, groups[k]));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    for (const t of [this.countType, ...this.tokenTypes, ...this.heatTypes]) t.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}
