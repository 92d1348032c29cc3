import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TokompileRequest, type TokompileResponse } from '../../../server/src/protocol';
import { config } from '../config';
import { log } from '../log';

/** The virtual documents' scheme: `tokscope-tokompiler:<source path>.tokompiler?<source uri>`. */
export const TOKOMPILER_SCHEME = 'tokscope-tokompiler';

/**
 * "Show Tokompiler view": a read-only virtual document beside the source with the code as the Tokompiler sees it
 * (names anonymised by role, in the modes of `tokscope.tokompiler.*`), rebuilt by the server as the source changes.
 */
export class TokompilerView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The last answer per view, for the tests and the title. */
  readonly last = new Map<string, TokompileResponse>();

  constructor(private readonly client: LanguageClient) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(TOKOMPILER_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.sourceChanged(e.document.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tokscope.tokompiler')) for (const view of this.openViews()) this.changed.fire(view);
      }),
      this.changed,
    );
  }

  /** Opens the view of the active editor's document beside it. */
  async show(): Promise<vscode.Uri | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme === TOKOMPILER_SCHEME) return undefined;
    const source = editor.document.uri;
    const view = vscode.Uri.from({ scheme: TOKOMPILER_SCHEME, path: `${source.path}.tokompiler`, query: source.toString() });
    const doc = await vscode.workspace.openTextDocument(view);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    // Same language as the source, for its colours.
    await vscode.languages.setTextDocumentLanguage(doc, editor.document.languageId).then(undefined, () => undefined);
    return view;
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const source = uri.query;
    try {
      const res = await this.client.sendRequest(TokompileRequest.type, { textDocument: { uri: source } }, token);
      this.last.set(uri.toString(), res);
      const header = `${res.tokenCount.toLocaleString('en-US')} Tokompiler tokens (${res.unknown} outside the vocabulary), scope ${res.scope}, comments ${res.comments}` +
        (res.errors.length ? `, ${res.errors.length} region(s) that did not parse, kept as written` : '') +
        (res.overflow ? `, ${res.overflow} names numbered past 1000 ([UNK])` : '');
      return `${commentFor(res.language)} ${header}\n${res.code}`;
    } catch (e) {
      log.warn(`tokompiler view: ${(e as Error).message}`);
      return `tokscope could not build the Tokompiler view of this document:\n${(e as Error).message}\n`;
    }
  }

  private sourceChanged(source: vscode.Uri): void {
    const key = source.toString();
    for (const view of this.openViews()) {
      if (view.query !== key) continue;
      clearTimeout(this.timers.get(key));
      this.timers.set(key, setTimeout(() => this.changed.fire(view), config.debounceMs()));
    }
  }

  private openViews(): vscode.Uri[] {
    return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === TOKOMPILER_SCHEME).map((d) => d.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

/** A line comment in the view's language, for the header. */
function commentFor(language: string): string {
  return language.startsWith('fortran') ? '!' : language === 'python' ? '#' : '//';
}
