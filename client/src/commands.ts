import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FimCheckRequest, ListTokenizersRequest, TokenSpansRequest } from '../../server/src/protocol';
import { splitByBudget, tokenStarts } from './budget';
import type { ServerSupervisor } from './client';
import { config, type OverlayMode } from './config';
import type { ComparePanel } from './features/comparePanel';
import type { DynamicReportPanel } from './features/dynamicReportPanel';
import type { Kl3mDownloads } from './features/kl3mDownloads';
import type { TokompilerView } from './features/tokompilerView';
import { armManualTrigger } from './features/inlineCompletion';
import { log, showError } from './log';
import { modelCheckMessage } from './modelCheckText';
import { isExportFormat } from './reportFormat';

type Command = (client: LanguageClient, features: Features, ...args: unknown[]) => Promise<unknown>;

/** What commands can reach besides the server. */
export interface Features {
  compare: ComparePanel | undefined;
  tokompiler: TokompilerView | undefined;
  dynamicReport: DynamicReportPanel | undefined;
  supervisor: ServerSupervisor;
  kl3m: Kl3mDownloads;
}

/** Commands that work while the language server is not running. */
const WITHOUT_SERVER = new Set(['openLog', 'restartServer', 'downloadKl3mTokenizer']);

/** Every command of the palette (category tokscope), registered as `tokscope.<name>`. */
export const COMMANDS: Record<string, Command> = {
  async selectTokenizer(client) {
    const list = await client.sendRequest(ListTokenizersRequest.type);
    const active = config.activeTokenizer();
    const pick = await vscode.window.showQuickPick(
      list
        .filter((t) => t.available)
        .map((t) => ({
          label: t.name,
          description: `${t.kind}${t.vocabSize ? `, ${t.vocabSize.toLocaleString('en-US')} ids` : ''}${t.exact ? '' : ', estimate'}`,
          detail: t.note ?? t.source,
          picked: t.name === active,
        })),
      { title: 'tokscope: active tokenizer', placeHolder: active },
    );
    if (pick) await config.set('activeTokenizer', pick.label);
  },
  async toggleOverlays() {
    await config.set('overlays.mode', config.overlayMode() === 'off' ? 'counts' : 'off');
  },
  async toggleBoundaries() {
    await toggleMode('boundaries');
  },
  async toggleHeat() {
    await toggleMode('heat');
  },
  async copyTokenIds(client) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    const range = editor.selection.isEmpty ? whole : editor.selection;
    const res = await client.sendRequest(TokenSpansRequest.type, {
      textDocument: { uri: editor.document.uri.toString() },
      range: client.code2ProtocolConverter.asRange(range),
    });
    if (res.unavailable) return showError(`no token ids for this document (${res.unavailable})`);
    await vscode.env.clipboard.writeText(JSON.stringify(res.ids));
    vscode.window.setStatusBarMessage(`tokscope: copied ${res.ids.length} ${res.tokenizer} ids`, 3000);
  },
  /**
   * Downloads a KL3M tokenizer (picked, or named by the first argument) into the extension's storage. Returns
   * `{ ok, path }` or `{ ok: false, message }` (for tests), without waiting for the error pop-up to be closed.
   */
  async downloadKl3mTokenizer(client, features, name) {
    return features.kl3m.run(client, name);
  },
  async showTokenizerInfo(client) {
    const list = await client.sendRequest(ListTokenizersRequest.type);
    log.info('tokenizers:\n' + list.map((t) => `  ${t.name}  ${t.kind}  ${t.vocabSize ?? '-'}  ${t.available ? (t.exact ? 'exact' : 'estimate') : 'unavailable'}  ${t.source}${t.note ? `  (${t.note})` : ''}`).join('\n'));
    log.show(true);
  },
  async openLog() {
    log.show();
  },
  /** Which local model servers answer on loopback; returns the message (for tests) after showing it. */
  async checkModelConnection(client) {
    const result = await client.sendRequest(FimCheckRequest.type);
    const message = modelCheckMessage(result);
    log.info(`model connection: ${message}`);
    void vscode.window.showInformationMessage(`tokscope: ${message}`);
    return message;
  },
  /** Asks for an inline FIM completion at the cursor now (answered even when automatic completions are off). */
  async fimTrigger() {
    armManualTrigger();
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  },
  async fimToggle() {
    const cfg = vscode.workspace.getConfiguration('tokscope');
    const on = cfg.get<boolean>('fim.enabled') === true;
    // Written where the value in force comes from: a workspace that turns FIM on is turned off in the workspace.
    const i = cfg.inspect<boolean>('fim.enabled');
    const target = i?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update('fim.enabled', !on, target);
    vscode.window.setStatusBarMessage(`tokscope: FIM completions ${on ? 'off' : 'on'}`, 3000);
  },
  /** Accept the shown completion's next word / line only (VS Code's own partial accept). */
  async fimAcceptWord() {
    await vscode.commands.executeCommand('editor.action.inlineSuggest.acceptNextWord');
  },
  async fimAcceptLine() {
    await vscode.commands.executeCommand('editor.action.inlineSuggest.acceptNextLine');
  },
  async restartServer(_client, features) {
    await features.supervisor.restart();
    log.info('language server restarted by hand');
  },
  async compare(_client, features) {
    await features.compare?.show();
  },
  /** The compare panel in report mode: counts per tokenizer and the costliest citations and terms, with their savings. */
  async domainReport(_client, features) {
    await features.compare?.showReport();
  },
  /** The last domain report as 'markdown' or 'csv' (picked when not given) in a new untitled editor; returns the text. */
  async exportDomainReport(_client, features, formatArg) {
    let format = formatArg;
    if (format === undefined) format = await vscode.window.showQuickPick(['markdown', 'csv'], { title: 'tokscope: export the domain report as' });
    if (format === undefined) return undefined;
    if (!isExportFormat(format)) return showError(`the export format must be 'markdown' or 'csv', not ${String(format)}`);
    return features.compare?.exportReport(format);
  },
  /**
   * Batch merges for the active document or the workspace ('document' / 'workspace' as the first argument, else
   * asked) in the report panel; returns the result (for tests).
   */
  async dynamicReport(_client, features, scope) {
    return features.dynamicReport?.show(scope);
  },
  /** Opens the code as the Tokompiler sees it beside the active editor; returns the view's URI (for tests). */
  async showTokompilerView(_client, features) {
    return (await features.tokompiler?.show())?.toString();
  },
  /**
   * Splits the selection (or the document) into chunks of at most N tokens of the active tokenizer, cutting at the
   * last line break inside the budget where there is one, and opens them in a new editor. Returns the chunks' token
   * counts. The budget comes from an input box, or from the first argument when called programmatically.
   */
  async splitSelectionByBudget(client, _features, budgetArg) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return [];
    if (budgetArg !== undefined && !(typeof budgetArg === 'number' && Number.isInteger(budgetArg) && budgetArg >= 1)) {
      return showError(`the budget must be a positive whole number, not ${String(budgetArg)}`);
    }
    let budget = budgetArg as number | undefined;
    if (budget === undefined) {
      const input = await vscode.window.showInputBox({ title: 'tokscope: tokens per chunk', value: '1024', validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'a positive whole number') });
      if (!input) return [];
      budget = Number(input);
    }
    const doc = editor.document;
    const range = editor.selection.isEmpty ? new vscode.Range(0, 0, doc.lineCount, 0) : editor.selection;
    const res = await client.sendRequest(TokenSpansRequest.type, { textDocument: { uri: doc.uri.toString() }, range: client.code2ProtocolConverter.asRange(range) });
    if (res.unavailable) return showError(`cannot split this document (${res.unavailable})`);
    const offsets: number[] = [];
    for (let i = 0; i < res.positions.length; i += 4) offsets.push(doc.offsetAt(new vscode.Position(res.positions[i], res.positions[i + 1])));
    const to = doc.offsetAt(range.end);
    const chunks = splitByBudget(doc.getText(), tokenStarts(offsets, doc.offsetAt(range.start), to), budget, to);
    const text = chunks.map((c, i) => `----- chunk ${i + 1}: ${c.tokens} ${res.tokenizer} tokens -----\n${c.text}`).join('\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text }), { preview: false, viewColumn: vscode.ViewColumn.Beside });
    return chunks.map((c) => c.tokens);
  },
};

async function toggleMode(mode: OverlayMode): Promise<void> {
  await config.set('overlays.mode', config.overlayMode() === mode ? 'counts' : mode);
}

export function registerCommands(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, features: Features): void {
  for (const [name, run] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(`tokscope.${name}`, async (...args: unknown[]) => {
        const c = client();
        if (!c || (!c.isRunning() && !WITHOUT_SERVER.has(name))) return showError('the language server is not running (tokscope: Restart Language Server starts it)');
        try {
          return await run(c, features, ...args);
        } catch (e) {
          await showError(`${name} failed: ${(e as Error).message}`);
        }
      }),
    );
  }
}
