import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ListTokenizersRequest } from '../../../server/src/protocol';
import { findKl3m, isKl3mPreset, KL3M_PRESETS } from '../../../server/src/tokenizers/kl3mPresets';
import { type DownloadProgress, downloadKl3m, Kl3mDownloadError, kl3mFolder, kl3mUrl } from '../kl3mDownload';
import { log, showError } from '../log';

/** What the command returns (the integration tests read it). */
export type DownloadResult = { ok: true; path: string } | { ok: false; message: string; cancelled?: boolean };

/**
 * tokscope: Download KL3M Tokenizer. Downloads into the extension's global storage, which the language server searches
 * (client.ts passes the folder at start), so the tokenizer is in the picker as soon as the download ends, no restart.
 * Errors are shown without waiting for the pop-up to close: the command returns at once with the result.
 */
export class Kl3mDownloads implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly storage: vscode.Uri) {}

  /** The download folder, or undefined where the global storage is not on a local disk. */
  static folder(storage: vscode.Uri): string | undefined {
    return storage.scheme === 'file' ? kl3mFolder(storage.fsPath) : undefined;
  }

  /** Downloads `nameArg` (tests), or the preset picked from those not yet available. Undefined when nothing is picked. */
  async run(client: LanguageClient, nameArg?: unknown): Promise<DownloadResult | undefined> {
    const folder = Kl3mDownloads.folder(this.storage);
    if (!folder) return fail(`the extension's storage (${this.storage.toString()}) is not a local folder: download the tokenizer by hand and set tokscope.kl3mDir`);
    if (nameArg !== undefined && !isKl3mPreset(nameArg)) return fail(`${String(nameArg)} is not a KL3M tokenizer (${KL3M_PRESETS.join(', ')})`);
    const name = nameArg ?? (await pick(client, folder));
    if (!name) return undefined;
    if (this.running.has(name)) return fail(`${name} is already being downloaded`);
    const ctrl = new AbortController();
    this.running.set(name, ctrl);
    try {
      const done = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `tokscope: downloading ${name}`, cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => ctrl.abort());
          try {
            return await downloadKl3m(name, { storage: this.storage.fsPath, signal: ctrl.signal, onProgress: reporter(progress) });
          } finally {
            sub.dispose();
          }
        },
      );
      log.info(`${name}: downloaded ${done.bytes.toLocaleString('en-US')} bytes from ${kl3mUrl(name, 'tokenizer.json')} into ${done.dir}${done.config ? ' (with tokenizer_config.json)' : ''}`);
      void vscode.window.showInformationMessage(`tokscope: ${name} downloaded to ${done.dir}; it is now in tokscope: Select Tokenizer`, 'Select Tokenizer').then((choice) => {
        if (choice) void vscode.commands.executeCommand('tokscope.selectTokenizer');
      });
      return { ok: true, path: done.path };
    } catch (e) {
      if (!(e instanceof Kl3mDownloadError)) return fail(`downloading ${name} failed: ${(e as Error).message}`);
      if (e.detail) log.warn(`${name}: ${e.detail}`);
      if (e.kind !== 'cancelled') return fail(e.message);
      log.info(e.message);
      return { ok: false, message: e.message, cancelled: true };
    } finally {
      this.running.delete(name);
    }
  }

  dispose(): void {
    for (const ctrl of this.running.values()) ctrl.abort();
  }
}

function fail(message: string): DownloadResult {
  void showError(message);
  return { ok: false, message };
}

/** The presets the server cannot find yet (or, with no server, those not in the download folder), as a quick pick. */
async function pick(client: LanguageClient, folder: string): Promise<string | undefined> {
  let available: Set<string>;
  try {
    if (!client.isRunning()) throw new Error('not running');
    available = new Set((await client.sendRequest(ListTokenizersRequest.type)).filter((t) => t.available).map((t) => t.name));
  } catch {
    available = new Set(KL3M_PRESETS.filter((p) => findKl3m(p, [folder])));
  }
  const missing = KL3M_PRESETS.filter((p) => !available.has(p));
  if (missing.length === 0) {
    void vscode.window.showInformationMessage('tokscope: every KL3M tokenizer is already available (tokscope: Select Tokenizer)');
    return undefined;
  }
  const item = await vscode.window.showQuickPick(
    missing.map((p) => ({ label: p, detail: kl3mUrl(p, 'tokenizer.json') })),
    { title: 'tokscope: download a KL3M tokenizer', placeHolder: `into ${folder}` },
  );
  return item?.label;
}

/** Progress in percent of tokenizer.json (tokenizer_config.json is a few kB), reported when the percentage moves. */
function reporter(progress: vscode.Progress<{ message?: string; increment?: number }>): (p: DownloadProgress) => void {
  let shown = 0;
  let lastBytes = 0;
  return ({ file, received, total }) => {
    if (file !== 'tokenizer.json') return progress.report({ message: file });
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    if (total) {
      const percent = Math.floor((received / total) * 100);
      if (percent > shown || received === 0) progress.report({ increment: percent - shown, message: `${mb(received)} of ${mb(total)} MB` });
      shown = Math.max(shown, percent);
    } else if (received - lastBytes >= 256 * 1024 || received === 0) {
      progress.report({ message: `${mb(received)} MB` });
      lastBytes = received;
    }
  };
}
