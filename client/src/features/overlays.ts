import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LineCountsRequest, TokenSpansRequest } from '../../../server/src/protocol';
import { config, type OverlayMode } from '../config';
import { ActiveEditorView } from './activeEditorView';
import { codePoints, HEAT_STEPS, heatBucket, heatRamp, heatValues, parseHexColor, resolveColor, type Rgba, type ThemeKindName } from './heatScale';

const HEAT_LOW = 'tokscope.heatLowBackground';
const HEAT_HIGH = 'tokscope.heatHighBackground';
/** Used only if package.json's defaults cannot be read. */
const FALLBACK_LOW = parseHexColor('#27ae6022') as Rgba;
const FALLBACK_HIGH = parseHexColor('#c0392b55') as Rgba;

const THEME_KINDS: Record<vscode.ColorThemeKind, ThemeKindName> = {
  [vscode.ColorThemeKind.Light]: 'light',
  [vscode.ColorThemeKind.Dark]: 'dark',
  [vscode.ColorThemeKind.HighContrast]: 'highContrast',
  [vscode.ColorThemeKind.HighContrastLight]: 'highContrastLight',
};

/**
 * Decorations on the visible lines only: per-line token counts after each line ('counts'), alternate colours on
 * token boundaries ('boundaries'), or tokens coloured by tokens per character on a continuous scale ('heat', see
 * heatScale.ts). Decoration types are created once and disposed together (heat's again only when its colours
 * change); refreshes are debounced and a newer one cancels the older request.
 */
export class Overlays extends ActiveEditorView {
  private readonly countType = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 1.5em', color: new vscode.ThemeColor('tokscope.lineCountForeground') },
  });
  private readonly tokenTypes = [
    vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('tokscope.tokenEvenBackground') }),
    vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('tokscope.tokenOddBackground') }),
  ];
  private heat: { colors: string[]; types: vscode.TextEditorDecorationType[] } | undefined;
  /** What the last redraw drew: the mode and the decorations per type (the integration tests read it). */
  drawn: { mode: OverlayMode; decorations: number[]; colors: string[] } = { mode: 'off', decorations: [], colors: [] };

  /** `contributedColors`: package.json's `contributes.colors`, for the defaults of heat mode's two end colours. */
  constructor(
    client: LanguageClient,
    private readonly contributedColors: unknown,
  ) {
    super('overlays', vscode.window.onDidChangeTextEditorVisibleRanges, client);
    this.subscriptions.push(
      vscode.window.onDidChangeActiveColorTheme(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('workbench.colorCustomizations') || e.affectsConfiguration('workbench.colorTheme')) && this.schedule()),
    );
  }

  protected async draw(editor: vscode.TextEditor, token: vscode.CancellationToken): Promise<void> {
    const mode: OverlayMode = config.overlayMode();
    const uri = editor.document.uri.toString();
    const visible = editor.visibleRanges;
    const all = () => [this.countType, ...this.tokenTypes, ...(this.heat?.types ?? [])];
    const show = (types: vscode.TextEditorDecorationType[], groups: Array<vscode.Range[] | vscode.DecorationOptions[]>) => {
      for (const t of all()) if (!types.includes(t)) editor.setDecorations(t, []);
      types.forEach((t, k) => editor.setDecorations(t, groups[k]));
      this.drawn = { mode, decorations: groups.map((g) => g.length), colors: mode === 'heat' ? (this.heat?.colors ?? []) : [] };
    };
    if (mode === 'off' || visible.length === 0) return show([], []);
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
      return show([this.countType], [decorations]);
    }
    const range = { start: { line: first, character: 0 }, end: { line: last + 1, character: 0 } };
    const res = await this.client.sendRequest(TokenSpansRequest.type, { textDocument: { uri }, range }, token);
    if (token.isCancellationRequested) return;
    const p = res.positions;
    const rangeOf = (i: number) => new vscode.Range(p[4 * i], p[4 * i + 1], p[4 * i + 2], p[4 * i + 3]);
    if (mode === 'boundaries') {
      const groups: vscode.Range[][] = [[], []];
      for (let i = 0; i < res.ids.length; i++) {
        const r = rangeOf(i);
        if (!r.isEmpty) groups[i % 2].push(r);
      }
      return show(this.tokenTypes, groups);
    }
    const doc = editor.document;
    const characters = (i: number) => {
      const r = rangeOf(i);
      return codePoints(r.isSingleLine ? doc.lineAt(r.start.line).text.slice(r.start.character, r.end.character) : doc.getText(r));
    };
    const groups: vscode.Range[][] = Array.from({ length: HEAT_STEPS }, () => []);
    for (const { token: i, value } of heatValues(p, characters)) groups[heatBucket(value)].push(rangeOf(i));
    show(this.heatTypes(), groups);
  }

  /** Heat mode's decoration types, made again only when the resolved end colours change (theme or customisation). */
  private heatTypes(): vscode.TextEditorDecorationType[] {
    const workbench = vscode.workspace.getConfiguration('workbench');
    const kind = THEME_KINDS[vscode.window.activeColorTheme.kind] ?? 'dark';
    const custom = workbench.get('colorCustomizations');
    const theme = workbench.get<string>('colorTheme');
    const low = resolveColor(HEAT_LOW, kind, this.contributedColors, custom, theme) ?? FALLBACK_LOW;
    const high = resolveColor(HEAT_HIGH, kind, this.contributedColors, custom, theme) ?? FALLBACK_HIGH;
    const colors = heatRamp(low, high);
    if (this.heat?.colors.join() !== colors.join()) {
      for (const t of this.heat?.types ?? []) t.dispose();
      this.heat = { colors, types: colors.map((backgroundColor) => vscode.window.createTextEditorDecorationType({ backgroundColor })) };
    }
    return this.heat.types;
  }

  override dispose(): void {
    super.dispose();
    for (const t of [this.countType, ...this.tokenTypes, ...(this.heat?.types ?? [])]) t.dispose();
  }
}
