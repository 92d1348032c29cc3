/**
 * Drives the built language server (dist/server.js) over stdio with a real JSON-RPC connection, answering its
 * `workspace/configuration` requests with the settings a test gives. No sleeps: every step waits on a response.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { projectRoot } from '../../server/src/tokenizers/paths';

export interface TestServer {
  connection: MessageConnection;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Opens a document (version 1) and returns its uri. */
  open(name: string, text: string): Promise<string>;
  stop(): Promise<number | null>;
}

/** `args` defaults to the server bundle; the CLI's `lsp --stdio` starts the same server. */
export async function startServer(
  settings: Record<string, unknown>,
  trusted = false,
  args = [join(projectRoot(), 'dist', 'server.js'), '--stdio'],
  /** Client capabilities beyond configuration and markdown hovers (e.g. `window.workDoneProgress`). */
  extra: Record<string, unknown> = {},
  /** Initialisation options beyond `trusted` (e.g. `kl3mStorage`). */
  init: Record<string, unknown> = {},
): Promise<TestServer> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: null,
    rootUri: null,
    capabilities: { workspace: { configuration: true }, textDocument: { hover: { contentFormat: ['markdown'] } }, ...extra },
    initializationOptions: { trusted, ...init },
  });
  await connection.sendNotification('initialized', {});
  const server: TestServer = {
    connection,
    child,
    exited,
    async open(name, text) {
      const uri = `file:///test/${name}`;
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text } });
      return uri;
    },
    async stop() {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
  return server;
}

/** Line starts as LSP sees them ("\n", "\r\n", lone "\r"), to turn offsets into positions independently of the server. */
export function positions(text: string) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  const positionAt = (offset: number) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
    return { line, character: offset - starts[line] };
  };
  return { starts, positionAt };
}
