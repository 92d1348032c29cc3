import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ListTokenizersRequest, TokenSpansRequest } from '../../server/src/protocol';
import { config, type OverlayMode } from './config';
import type { ComparePanel } from './features/comparePanel';
import { log, showError } from './log';

type Command = (client: LanguageClient, features: Features) => Promise<void>;

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
};

async function toggleMode(mode: OverlayMode): Promise<void> {
  await config.set('overlays.mode', config.overlayMode() === mode ? 'counts' : mode);
}

export function registerCommands(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, features: Features): void {
  for (const [name, run] of Object.entries(COMMANDS)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(`tokscope.${name}`, async () => {
        const c = client();
        if (!c || !c.isRunning()) return showError('the language server is not running');
        try {
          await run(c, features);
        } catch (e) {
          await showError(`${name} failed: ${(e as Error).message}`);
        }
      }),
    );
  }
}
