import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { log } from './log';

/**
 * Starts the language server (dist/server.js, a Node child over IPC) for every file and untitled document. The
 * workspace's trust goes in the initialisation options: untrusted, the server honours no setting that names a file.
 */
export function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    synchronize: { configurationSection: 'tokscope' },
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    outputChannel: vscode.window.createOutputChannel('tokscope language server', { log: true }),
    traceOutputChannel: log,
  };
  return new LanguageClient('tokscope', 'tokscope', serverOptions, clientOptions);
}
