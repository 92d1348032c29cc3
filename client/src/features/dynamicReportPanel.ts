import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { type LanguageClient, WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import { type Boundary, type FromWebview, isBoundary, isFromWebview, type ToWebview } from '../../../media/dynamicMessages';
import { DynamicReportRequest, type DynamicReportResult } from '../../../server/src/protocol';
import { config } from '../config';
import { dynamicView, excludeGlob, selectFiles, WORKSPACE_MAX_BYTES, WORKSPACE_MAX_FILES } from '../dynamicText';
import { log, showError } from '../log';

type Target = { scope: 'document'; uri: vscode.Uri } | { scope: 'workspace'; uris: string[]; leftOut: number };

/**
 * "tokscope: Dynamic Tokenization Report": batch merges over the active document or the workspace's files in a
 * webview (curve, steps, top merges, pickers) with progress and cancellation in a notification, and the merges'
 * export through a save dialog. Nonce CSP, no remote content, resources only from media/ and dist/.
 */
export class DynamicReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: Target | undefined;
  private options: { tokenizer: string; boundary: Boundary } | undefined;
  private last: { result: DynamicReportResult; title: string } | undefined;
  private running: vscode.CancellationTokenSource | undefined;
  /** Rows (steps + top merges) the webview last rendered; 0 while a report is on its way (the e2e tests read it). */
  rendered = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {}

  /** Runs the report for 'document' or 'workspace' (asked when not given); resolves with the result shown. */
  async show(scopeArg?: unknown): Promise<DynamicReportResult | undefined> {
    const editor = vscode.window.activeTextEditor;
    let scope: Target['scope'] | undefined = scopeArg === 'document' || scopeArg === 'workspace' ? scopeArg : undefined;
    if (!scope) {
      const items = [
        ...(editor ? [{ label: 'Active document', description: vscode.workspace.asRelativePath(editor.document.uri), scope: 'document' as const }] : []),
        ...(vscode.workspace.workspaceFolders?.length ? [{ label: 'Workspace', description: `up to ${WORKSPACE_MAX_FILES} files / ${WORKSPACE_MAX_BYTES / 2 ** 20} MiB`, scope: 'workspace' as const }] : []),
      ];
      if (items.length === 0) return void showError('open a document or a folder for a dynamic tokenization report');
      scope = items.length === 1 ? items[0].scope : (await vscode.window.showQuickPick(items, { title: 'tokscope: dynamic tokenization report for' }))?.scope;
      if (!scope) return undefined;
    }
    if (scope === 'document') {
      if (!editor) return void showError('no active document for a dynamic tokenization report');
      this.target = { scope, uri: editor.document.uri };
    } else {
      const found = await this.workspaceFiles();
      if (!found) return undefined;
      if (found.uris.length === 0) return void showError('no text files found in the workspace');
      this.target = { scope, ...found };
    }
    const dyn = vscode.workspace.getConfiguration('tokscope.dynamic');
    const boundary = dyn.get('boundary');
    this.options = { tokenizer: this.options?.tokenizer ?? this.defaultTokenizer(), boundary: isBoundary(boundary) ? boundary : 'superword' };
    this.rendered = 0;
    if (!this.panel) this.panel = this.create();
    else this.panel.reveal(vscode.ViewColumn.Beside, true);
    return this.run();
  }

  private defaultTokenizer(): string {
    const active = config.activeTokenizer();
    return active === 'tokompiler' ? 'o200k_base' : active;
  }

  /** Text files of the workspace, capped, found with progress and cancellation. */
  private async workspaceFiles(): Promise<{ uris: string[]; leftOut: number } | undefined> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'tokscope: finding files', cancellable: true }, async (_p, token) => {
      // Twice the cap is found, so that a binary or oversized file does not shrink the report much.
      const exclude = excludeGlob(vscode.workspace.getConfiguration('files').get('exclude'));
      const uris = await vscode.workspace.findFiles('**/*', exclude, 2 * WORKSPACE_MAX_FILES, token);
      if (token.isCancellationRequested) return undefined;
      uris.sort((a, b) => (a.fsPath < b.fsPath ? -1 : a.fsPath > b.fsPath ? 1 : 0));
      const files: Array<{ uri: vscode.Uri; path: string; size: number }> = [];
      for (let i = 0; i < uris.length; i += 64) {
        if (token.isCancellationRequested) return undefined;
        const stats = await Promise.all(uris.slice(i, i + 64).map((u) => Promise.resolve(vscode.workspace.fs.stat(u)).then((s) => s, () => undefined)));
        stats.forEach((s, k) => s && s.type === vscode.FileType.File && files.push({ uri: uris[i + k], path: uris[i + k].path, size: s.size }));
      }
      const { chosen, leftOut } = selectFiles(files);
      return { uris: chosen.map((f) => f.uri.toString()), leftOut: leftOut + Math.max(0, uris.length - files.length) };
    });
  }

  private async run(): Promise<DynamicReportResult | undefined> {
    const target = this.target;
    const options = this.options;
    if (!target || !options || !this.panel) return undefined;
    this.running?.cancel();
    const cts = (this.running = new vscode.CancellationTokenSource());
    const title = target.scope === 'document' ? vscode.workspace.asRelativePath(target.uri) : `workspace (${target.uris.length} files)`;
    void this.post({ type: 'busy', message: `Analysing ${title} in ${options.tokenizer} (boundary ${options.boundary})…` });
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'tokscope: dynamic tokenization', cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => cts.cancel());
        const workDoneToken = `tokscope-dynamic-${randomBytes(6).toString('hex')}`;
        let done = 0;
        const sub = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind === 'end') return;
          const p = (v as WorkDoneProgressBegin | WorkDoneProgressReport).percentage ?? done;
          progress.report({ message: v.message, increment: Math.max(0, p - done) });
          done = Math.max(done, p);
        });
        try {
          return await this.client.sendRequest(
            DynamicReportRequest.type,
            {
              ...(target.scope === 'document' ? { textDocument: { uri: target.uri.toString() } } : { uris: target.uris }),
              tokenizer: options.tokenizer,
              boundary: options.boundary,
              includeExport: true,
              workDoneToken,
            },
            cts.token,
          );
        } finally {
          sub.dispose();
        }
      });
      if (cts.token.isCancellationRequested) return undefined;
      const view = dynamicView(result, title, this.tokenizerChoices(), target.scope === 'workspace' ? target.leftOut : 0);
      this.last = { result, title };
      await this.post({ type: 'report', view });
      log.info(`dynamic report for ${title}: ${result.report.tokensBefore} → ${result.report.final.tokens} ${result.report.tokenizer} tokens with ${result.report.learned} merges (${result.workers} workers)`);
      return result;
    } catch (e) {
      if (cts.token.isCancellationRequested) {
        void this.post({ type: 'busy', message: 'Cancelled.' });
        return undefined;
      }
      void this.post({ type: 'error', message: (e as Error).message });
      throw e;
    } finally {
      if (this.running === cts) this.running = undefined;
      cts.dispose();
    }
  }

  /** The tokenizers the picker offers: the enabled ones, the active one and `domain`; never the Tokompiler. */
  private tokenizerChoices(): string[] {
    return [...new Set([config.activeTokenizer(), ...config.tokenizers(), 'domain'])].filter((t) => t !== 'tokompiler');
  }

  /** Writes the last report's merges to `uri`, or to a file picked in a save dialog. Returns where it wrote. */
  async exportMerges(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const exp = this.last?.result.export;
    if (!exp) return void showError('no merges to export: run tokscope: Dynamic Tokenization Report first');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `tokscope-dynamic-${exp.base.replace(/[^\w.-]+/g, '_')}-${exp.boundary}.json`;
    const to = uri ?? (await vscode.window.showSaveDialog({ title: 'tokscope: export the merges', defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { 'tokscope merges': ['json'] } }));
    if (!to) return undefined;
    await vscode.workspace.fs.writeFile(to, Buffer.from(JSON.stringify(exp, null, 1) + '\n', 'utf8'));
    vscode.window.setStatusBarMessage(`tokscope: wrote ${exp.merges.length} merges to ${vscode.workspace.asRelativePath(to)}`, 4000);
    return to;
  }

  private create(): vscode.WebviewPanel {
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('tokscope.dynamicReport', 'tokscope: dynamic tokenization', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [media, dist],
    });
    const nonce = randomBytes(16).toString('base64');
    const csp = `default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}';`;
    const css = panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'dynamic.css'));
    const js = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dynamicWebview.js'));
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><link rel="stylesheet" href="${css}">
<title>tokscope: dynamic tokenization</title></head><body><p id="status" class="note"></p><div id="root"></div>
<script nonce="${nonce}" src="${js}"></script></body></html>`;
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m), undefined, this.context.subscriptions);
    panel.onDidDispose(
      () => {
        this.panel = undefined;
        this.running?.cancel();
      },
      undefined,
      this.context.subscriptions,
    );
    return panel;
  }

  private onMessage(m: unknown): void {
    if (!isFromWebview(m)) return log.warn('dynamic report panel: ignored an unexpected message');
    const msg: FromWebview = m;
    if (msg.type === 'rendered') this.rendered = msg.rows;
    else if (msg.type === 'export') void this.exportMerges().catch((e: unknown) => showError(`export failed: ${(e as Error).message}`));
    else if (msg.type === 'options') {
      this.options = { tokenizer: msg.tokenizer, boundary: msg.boundary };
      this.rendered = 0;
      void this.run().catch((e: unknown) => showError(`dynamic report failed: ${(e as Error).message}`));
    } else if (this.last && !this.running) {
      // A webview that was reloaded asks again: the last report (unless a newer one is on its way).
      void this.post({ type: 'report', view: dynamicView(this.last.result, this.last.title, this.tokenizerChoices(), this.target?.scope === 'workspace' ? this.target.leftOut : 0) });
    }
  }

  private async post(msg: ToWebview): Promise<void> {
    await this.panel?.webview.postMessage(msg);
  }

  dispose(): void {
    this.running?.cancel();
    this.panel?.dispose();
  }
}
