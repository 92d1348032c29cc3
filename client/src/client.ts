import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  type StateChangeEvent,
  TransportKind,
} from 'vscode-languageclient/node';
import { Kl3mDownloads } from './features/kl3mDownloads';
import { log, showError, showWarning } from './log';
import { RestartPolicy } from './restartPolicy';

/**
 * Starts the language server (dist/server.js, a Node child over IPC) for every file and untitled document. The
 * workspace's trust goes in the initialisation options: untrusted, the server honours no setting that names a file.
 * So does the folder where tokscope: Download KL3M Tokenizer saves tokenizers (in the extension's own storage, which
 * no workspace controls, so it is searched even in an untrusted workspace).
 */
export function createClient(context: vscode.ExtensionContext, supervisor: ServerSupervisor): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    synchronize: { configurationSection: 'tokscope' },
    initializationOptions: { trusted: vscode.workspace.isTrusted, kl3mStorage: Kl3mDownloads.folder(context.globalStorageUri) },
    outputChannel: vscode.window.createOutputChannel('tokscope language server', { log: true }),
    traceOutputChannel: log,
    errorHandler: supervisor,
  };
  const client = new LanguageClient('tokscope', 'tokscope', serverOptions, clientOptions);
  supervisor.attach(client);
  return client;
}

const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

/**
 * The client's error handler. A server process that dies is restarted, at most 4 times in 3 minutes, with one
 * message once it runs again; the crash after that stops it, with one message. Every result says `handled`, so the
 * LanguageClient only logs and never adds pop-ups of its own. Connection errors are logged only: with IPC, a broken
 * channel closes, and the close is where restarting is decided. The features redraw on their own when the client is
 * running again (ActiveEditorView).
 */
export class ServerSupervisor implements ErrorHandler, vscode.Disposable {
  /** Messages shown so far (the integration tests read them). */
  restartMessages = 0;
  stopMessages = 0;
  private readonly policy = new RestartPolicy(MAX_RESTARTS, RESTART_WINDOW_MS);
  private client: LanguageClient | undefined;
  private restarting = false;
  /** The last server process seen running: the LanguageClient forgets it before `closed` is called. */
  private lastPid: number | undefined;
  private stateListener: vscode.Disposable | undefined;

  attach(client: LanguageClient): void {
    this.client = client;
    this.stateListener = client.onDidChangeState((e) => this.onState(e));
  }

  /** The running server's process id (for the tests and the log). */
  get pid(): number | undefined {
    return this.client?.serverProcess?.pid;
  }

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    // Writes fail (EPIPE) while a dying server's channel closes, several in a row; shutting down here would pre-empt
    // the close that follows, and with it the restart. The close alone decides.
    log.warn(`language server connection error${count ? ` (${count} in a row)` : ''}: ${error.message}`);
    return { action: ErrorAction.Continue, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    if (this.policy.crashed(now)) {
      this.restarting = true;
      log.warn(`the language server (pid ${this.lastPid ?? '?'}) stopped unexpectedly; restarting it (restart ${this.policy.recent(now)} of at most ${MAX_RESTARTS} in 3 minutes)`);
      return { action: CloseAction.Restart, handled: true };
    }
    this.restarting = false;
    this.stopped(`the language server (pid ${this.lastPid ?? '?'}) stopped ${MAX_RESTARTS + 1} times in 3 minutes and was not restarted. tokscope: Restart Language Server starts it again`);
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  /** Restarts the server by hand (the command), forgetting earlier crashes. */
  async restart(): Promise<void> {
    this.policy.reset();
    this.restarting = false;
    await this.client?.restart();
  }

  private onState(e: StateChangeEvent): void {
    // A restart that failed to start: the LanguageClient says so itself.
    if (e.newState === State.StartFailed) this.restarting = false;
    if (e.newState !== State.Running) return;
    this.lastPid = this.pid;
    log.info(`language server running (pid ${this.lastPid ?? '?'})`);
    if (!this.restarting) return;
    // One message per crash, shown when it is true: the server runs again.
    this.restarting = false;
    this.restartMessages++;
    void showWarning('the language server stopped and was restarted');
  }

  private stopped(message: string): void {
    this.stopMessages++;
    void showError(message);
  }

  dispose(): void {
    this.stateListener?.dispose();
  }
}
