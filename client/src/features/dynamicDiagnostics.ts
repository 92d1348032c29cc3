import * as vscode from 'vscode';
import { type LanguageClient, State } from 'vscode-languageclient/node';
import { type DynamicEdit, type DynamicSuggestion, DynamicSuggestionsRequest, type DynamicSuggestionsResult } from '../../../server/src/protocol';
import { fixAllTitle, fixTitle, hintSwitches } from '../dynamicText';
import { log } from '../log';

/** Pause after the last edit before a document's hints are asked for again. */
const DEBOUNCE_MS = 500;
const SCHEMES = new Set(['file', 'untitled']);
/**
 * `source.tokscope.fixAll`, deliberately not under `source.fixAll`: an editor set to run every `source.fixAll` on save
 * (a common linter setup) must not start rewriting white space; the user opts in by naming this kind.
 */
export const FIX_ALL_KIND = vscode.CodeActionKind.Source.append('tokscope').append('fixAll');

interface Hints {
  version: number;
  result: DynamicSuggestionsResult;
  /** The suggestion behind each diagnostic, for its quick fix. */
  byDiagnostic: Map<vscode.Diagnostic, DynamicSuggestion>;
}

/**
 * Dynamic-tokenization hints: the server's suggestions for each visible document as diagnostics at Hint severity
 * (source `tokscope`, code = the rule), refreshed 500 ms after the last edit (a newer request cancels the older), and
 * their quick fixes — one per suggestion that has one, plus the fix-all of the safe ones (also as
 * `source.tokscope.fixAll`). Nothing is applied unless the user picks the action (or names the kind in codeActionsOnSave).
 */
export class DynamicHints implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND] };
  private readonly collection = vscode.languages.createDiagnosticCollection('tokscope');
  private readonly hints = new Map<string, Hints>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Map<string, vscode.CancellationTokenSource>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Answers applied (the integration tests wait on it). */
  updates = 0;

  constructor(private readonly client: LanguageClient) {
    this.subscriptions.push(
      this.collection,
      vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this, DynamicHints.metadata),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshVisible()),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.isVisible(e.document) && this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('tokscope.dynamic') || e.affectsConfiguration('tokscope.activeTokenizer')) && this.refreshVisible(true)),
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.refreshVisible(true);
        else for (const cts of this.pending.values()) cts.cancel();
      }),
    );
    this.refreshVisible();
  }

  /** How many hints a document has now (the integration tests read it). */
  count(uri: vscode.Uri): number {
    return this.collection.get(uri)?.length ?? 0;
  }

  private isVisible(doc: vscode.TextDocument): boolean {
    return vscode.window.visibleTextEditors.some((e) => e.document === doc);
  }

  /** Asks for every visible document not yet (or, with `all`, again) hinted; drops the hints of the others. */
  private refreshVisible(all = false): void {
    const visible = new Set<string>();
    for (const editor of vscode.window.visibleTextEditors) {
      const doc = editor.document;
      if (!SCHEMES.has(doc.uri.scheme)) continue;
      const key = doc.uri.toString();
      visible.add(key);
      if (all || this.hints.get(key)?.version !== doc.version) this.schedule(doc, all ? DEBOUNCE_MS : 0);
    }
    for (const key of [...this.hints.keys()]) if (!visible.has(key)) this.forget(vscode.Uri.parse(key));
  }

  private schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    if (!SCHEMES.has(doc.uri.scheme)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.pending.get(key)?.cancel();
    this.timers.set(key, setTimeout(() => void this.update(doc), delay));
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    this.timers.delete(key);
    const switches = hintSwitches((k) => vscode.workspace.getConfiguration('tokscope.dynamic', doc.uri).get(k));
    if (!switches.enabled || doc.isClosed) return this.forget(doc.uri);
    if (!this.client.isRunning()) return;
    this.pending.get(key)?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.pending.set(key, cts);
    const version = doc.version;
    try {
      const result = await this.client.sendRequest(DynamicSuggestionsRequest.type, { textDocument: { uri: key }, families: switches.families }, cts.token);
      // A later edit is on its way (its own request follows): these ranges would be off.
      if (cts.token.isCancellationRequested || doc.isClosed || doc.version !== version || result.version !== version) return;
      this.apply(doc, result);
    } catch (e) {
      if (!cts.token.isCancellationRequested) log.warn(`dynamic hints for ${vscode.workspace.asRelativePath(doc.uri)}: ${(e as Error).message}`);
    } finally {
      if (this.pending.get(key) === cts) this.pending.delete(key);
      cts.dispose();
    }
  }

  private apply(doc: vscode.TextDocument, result: DynamicSuggestionsResult): void {
    const byDiagnostic = new Map<vscode.Diagnostic, DynamicSuggestion>();
    const p2c = this.client.protocol2CodeConverter;
    for (const s of result.suggestions) {
      const d = new vscode.Diagnostic(p2c.asRange(s.range), s.message, vscode.DiagnosticSeverity.Hint);
      d.source = 'tokscope';
      d.code = s.code;
      byDiagnostic.set(d, s);
    }
    if (result.error) log.info(`dynamic hints: ${result.error}`);
    this.hints.set(doc.uri.toString(), { version: result.version, result, byDiagnostic });
    this.collection.set(doc.uri, [...byDiagnostic.keys()]);
    this.updates++;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.pending.get(key)?.cancel();
    this.hints.delete(key);
    this.collection.delete(uri);
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const hints = this.hints.get(doc.uri.toString());
    // Edits computed for another version would land in the wrong place.
    if (!hints || hints.version !== doc.version) return [];
    const out: vscode.CodeAction[] = [];
    const only = context.only;
    const fixAll = () => {
      if (hints.result.fixAll.length === 0) return undefined;
      const action = new vscode.CodeAction(fixAllTitle(hints.result.fixAll.length, hints.result.suggestions), FIX_ALL_KIND);
      action.edit = this.edit(doc.uri, hints.result.fixAll);
      return action;
    };
    const quick = vscode.CodeActionKind.QuickFix;
    const wantsQuick = !only || only.contains(quick) || quick.contains(only);
    if (!wantsQuick) {
      // `source.tokscope.fixAll` (on save, when the user named it in codeActionsOnSave) or the Source Action menu.
      const a = only && (only.contains(FIX_ALL_KIND) || FIX_ALL_KIND.contains(only)) ? fixAll() : undefined;
      return a ? [a] : [];
    }
    let ours = false;
    for (const [d, s] of hints.byDiagnostic) {
      if (!d.range.intersection(range)) continue;
      ours = true;
      if (!s.edits) continue;
      const action = new vscode.CodeAction(fixTitle(s), quick);
      action.edit = this.edit(doc.uri, s.edits);
      action.diagnostics = [d];
      action.isPreferred = s.safe === true;
      out.push(action);
    }
    // Next to any tokscope hint, the fix-all of the safe ones as a quick fix too.
    if (ours) {
      const a = fixAll();
      if (a) {
        a.kind = quick.append('tokscope.fixAll');
        out.push(a);
      }
    }
    return out;
  }

  private edit(uri: vscode.Uri, edits: readonly DynamicEdit[]): vscode.WorkspaceEdit {
    const w = new vscode.WorkspaceEdit();
    const p2c = this.client.protocol2CodeConverter;
    for (const e of edits) w.replace(uri, p2c.asRange(e.range), e.newText);
    return w;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const cts of this.pending.values()) cts.cancel();
    for (const d of this.subscriptions) d.dispose();
  }
}
