import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LineCountsRequest, TokenSpansRequest } from '../../../server/src/protocol';
import { config, type OverlayMode } from '../config';
import { ActiveEditorView } from './activeEditorView';

/**
 * Decorations on the visible lines only: per-line token counts after each line ('counts'), alternate colours on
 * token boundaries ('boundaries'), or tokens coloured by how many characters they cover ('heat': one-character
 * tokens hot, long ones cool). Decoration types are created once and disposed together; refreshes are debounced and
 * a newer one cancels the older request.
 */
export class Overlays extends ActiveEditorView {
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

  constructor(private readonly client: LanguageClient) {
    super('overlays', vscode.window.onDidChangeTextEditorVisibleRanges);
  }

  protected async draw(editor: vscode.TextEditor, token: vscode.CancellationToken): Promise<void> {
    const mode: OverlayMode = config.overlayMode();
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

  override dispose(): void {
    super.dispose();
    for (const t of [this.countType, ...this.tokenTypes, ...this.heatTypes]) t.dispose();
  }
}
