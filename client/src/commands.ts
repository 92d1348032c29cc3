import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ListTokenizersRequest, TokenSpansRequest } from '../../server/src/protocol';
import { config, type OverlayMode } from './config';
import type { ComparePanel } from './features/comparePanel';
import { log, showError } from './log';

type Command = (client: LanguageClient, features: Features, ...args: unknown[]) => Promise<unknown>;

/** What commands can reach besides the server. */
export interface Features {
  compare: ComparePanel | undefined;
}

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
  async showTokenizerInfo(client) {
    const list = await client.sendRequest(ListTokenizersRequest.type);
    log.info('tokenizers:\n' + list.map((t) => `  ${t.name}  ${t.kind}  ${t.vocabSize ?? '-'}  ${t.available ? (t.exact ? 'exact' : 'estimate') : 'unavailable'}  ${t.source}${t.note ? `  (${t.note})` : ''}`).join('\n'));
    log.show(true);
  },
  async openLog() {
    log.show();
  },
  async compare(_client, features) {
    await features.compare?.show();
  },
  /**
   * Splits the selection (or the document) into chunks of at most N tokens of the active tokenizer, cutting at the
   * last line break inside the budget where there is one, and opens them in a new editor. Returns the chunks' token
   * counts. The budget comes from an input box, or from the first argument when called programmatically.
   */
  async splitSelectionByBudget(client, _features, budgetArg) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return [];
    let budget = typeof budgetArg === 'number' ? budgetArg : undefined;
    if (budget === undefined) {
      const input = await vscode.window.showInputBox({ title: 'tokscope: tokens per chunk', value: '1024', validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'a positive whole number') });
      if (!input) return [];
      budget = Number(input);
    }
    const doc = editor.document;
    const range = editor.selection.isEmpty ? new vscode.Range(0, 0, doc.lineCount, 0) : editor.selection;
    const res = await client.sendRequest(TokenSpansRequest.type, { textDocument: { uri: doc.uri.toString() }, range: client.code2ProtocolConverter.asRange(range) });
    if (res.unavailable) return showError(`cannot split this document (${res.unavailable})`);
    const chunks = splitByBudget(doc, res.positions, budget, doc.offsetAt(range.start), doc.offsetAt(range.end));
    const text = chunks.map((c, i) => `----- chunk ${i + 1}: ${c.tokens} ${res.tokenizer} tokens -----\n${c.text}`).join('\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text }), { preview: false, viewColumn: vscode.ViewColumn.Beside });
    return chunks.map((c) => c.tokens);
  },
};

/** Cuts token spans (positions as in TokenSpansResult) into chunks of at most `budget` tokens within [from, to). */
function splitByBudget(doc: vscode.TextDocument, p: number[], budget: number, from: number, to: number): Array<{ text: string; tokens: number }> {
  // Token starts, one per token (a character split over several tokens gives equal starts: never cut between them).
  const starts: number[] = [];
  for (let i = 0; i < p.length; i += 4) {
    const s = Math.max(from, doc.offsetAt(new vscode.Position(p[i], p[i + 1])));
    if (s < to) starts.push(s);
  }
  const cuttable = (k: number) => k >= starts.length || starts[k] > starts[k - 1];
  const chunks: Array<{ text: string; tokens: number }> = [];
  let first = 0; // index into starts of the chunk's first token
  const text = doc.getText();
  while (first < starts.length) {
    let last = Math.min(starts.length, first + budget); // exclusive
    while (last > first + 1 && !cuttable(last)) last--;
    if (last < starts.length) {
      // Prefer to end the chunk with a token that ends a line.
      for (let k = last; k > first + 1; k--) {
        if (cuttable(k) && text.slice(starts[k - 1], starts[k]).includes('\n')) {
          last = k;
          break;
        }
      }
    }
    const end = last < starts.length ? starts[last] : to;
    chunks.push({ text: text.slice(starts[first], end), tokens: last - first });
    first = last;
  }
  return chunks;
}

async function toggleMode(mode: OverlayMode): Promise<void> {
  await config.set('overlays.mode', config.overlayMode() === mode ? 'counts' : mode);
}

export function registerCommands(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, features: Features): void {
  for (const [name, run] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(`tokscope.${name}`, async (...args: unknown[]) => {
        const c = client();
        if (!c || !c.isRunning()) return showError('the language server is not running');
        try {
          return await run(c, features, ...args);
        } catch (e) {
          await showError(`${name} failed: ${(e as Error).message}`);
        }
      }),
    );
  }
}
