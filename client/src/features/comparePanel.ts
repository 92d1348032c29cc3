import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type FromWebview, isFromWebview, type ToWebview } from '../../../media/compareMessages';
import { CompareRequest, DomainReportRequest, type DomainReportResult } from '../../../server/src/protocol';
import { config } from '../config';
import { log, showError } from '../log';
import { type ExportFormat, reportCsv, reportMarkdown, reportView } from '../reportFormat';

/**
 * The compare panel: one webview (kept alive while hidden) showing the counts of the active document or selection in
 * every enabled tokenizer, or, in report mode, the domain savings report. Nonce CSP, no remote content, resources
 * only from media/ and dist/.
 */
export class ComparePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: { uri: vscode.Uri; range: vscode.Range | undefined } | undefined;
  private mode: 'compare' | 'report' = 'compare';
  /** The report last received, for the exports. */
  private report: { result: DomainReportResult; title: string } | undefined;
  /** How many rows the webview last reported rendered (the integration tests read it). */
  rendered = 0;
  /** How many report items the webview last rendered; 0 while a report is on its way. */
  reportRendered = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {}

  async show(): Promise<void> {
    await this.open('compare');
  }

  /** The domain savings report of the active document or selection. */
  async showReport(): Promise<void> {
    this.reportRendered = 0;
    await this.open('report');
  }

  private async open(mode: 'compare' | 'report'): Promise<void> {
    this.mode = mode;
    const editor = vscode.window.activeTextEditor;
    if (editor) this.target = { uri: editor.document.uri, range: editor.selection.isEmpty ? undefined : editor.selection };
    if (!this.panel) this.panel = this.create();
    else this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.panel.title = mode === 'report' ? 'tokscope: domain savings' : 'tokscope: compare';
    await this.update();
  }

  /** The last report (run first if there is none) in a new untitled editor; returns the text. */
  async exportReport(format: ExportFormat): Promise<string | undefined> {
    if (!this.report) await this.showReport();
    if (!this.report) return undefined;
    const { result, title } = this.report;
    const content = format === 'markdown' ? reportMarkdown(result, title) : reportCsv(result);
    // No CSV language ships with VS Code: plain text keeps the quoting visible.
    const doc = await vscode.workspace.openTextDocument({ content, language: format === 'markdown' ? 'markdown' : 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Active });
    return content;
  }

  private create(): vscode.WebviewPanel {
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('tokscope.compare', 'tokscope: compare', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [media, dist],
    });
    const nonce = randomBytes(16).toString('base64');
    const csp = `default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}';`;
    const css = panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'compare.css'));
    const js = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><link rel="stylesheet" href="${css}">
<title>tokscope: compare</title></head><body><button id="refresh">Refresh</button><div id="root">Counting…</div>
<script nonce="${nonce}" src="${js}"></script></body></html>`;
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m), undefined, this.context.subscriptions);
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.context.subscriptions);
    return panel;
  }

  private onMessage(m: unknown): void {
    if (!isFromWebview(m)) return log.warn('compare panel: ignored an unexpected message');
    const msg: FromWebview = m;
    if (msg.type === 'rendered') this.rendered = msg.rows;
    else if (msg.type === 'reportRendered') this.reportRendered = msg.items;
    else if (msg.type === 'export') void this.exportReport(msg.format).catch((e: unknown) => showError(`export failed: ${(e as Error).message}`));
    else void this.update().catch((e: unknown) => showError(`${this.mode} failed: ${(e as Error).message}`));
  }

  private async update(): Promise<void> {
    if (this.mode === 'report') return this.updateReport();
    if (!this.panel || !this.target) return;
    const { uri, range } = this.target;
    const res = await this.client.sendRequest(CompareRequest.type, {
      textDocument: { uri: uri.toString() },
      range: range ? this.client.code2ProtocolConverter.asRange(range) : undefined,
      tokenizers: config.tokenizers(),
    });
    const data: ToWebview = {
      type: 'data',
      title: `${vscode.workspace.asRelativePath(uri)}${range ? ' (selection)' : ''}`,
      characters: res.length,
      piecesOmitted: res.piecesOmitted,
      rows: res.entries.map((e) => ({ tokenizer: e.tokenizer, count: e.count, exact: e.exact, pieces: e.pieces, error: e.error })),
    };
    await this.panel.webview.postMessage(data);
  }

  private async updateReport(): Promise<void> {
    if (!this.panel || !this.target) return;
    const { uri, range } = this.target;
    const result = await this.client.sendRequest(DomainReportRequest.type, {
      textDocument: { uri: uri.toString() },
      range: range ? this.client.code2ProtocolConverter.asRange(range) : undefined,
    });
    const title = `${vscode.workspace.asRelativePath(uri)}${range ? ' (selection)' : ''}`;
    this.report = { result, title };
    // The panel may have been closed, or switched to compare, while the report was computed.
    if (this.panel && this.mode === 'report') await this.panel.webview.postMessage(reportView(result, title));
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
