// `npm start`: after the build, starts code-server on 127.0.0.1 with the samples/ workspace and tokscope loaded for
// development, and prints the URL to open. Ctrl+C stops it.
import { join, resolve } from 'node:path';
import { startCodeServer } from './codeServer.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const samples = join(root, 'samples');

try {
  const cs = await startCodeServer({ workspace: samples, port: Number(process.env.PORT ?? 0) });
  const host = new URL(cs.url).host;
  // The workbench takes the development extension from the URL (code-server refuses it on its command line).
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${host}${root}`], ['skipWelcome', 'true']]);
  const url = `${cs.url}/?folder=${encodeURIComponent(samples)}&payload=${encodeURIComponent(payload)}`;
  console.log(`\ntokscope is running in VS Code (code-server ${cs.url}). Open:\n\n  ${url}\n\nCtrl+C stops it.`);
  const stop = () => {
    cs.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  cs.child.on('exit', () => process.exit(1));
} catch (e) {
  console.error(`tokscope: ${e.message}`);
  process.exit(1);
}
