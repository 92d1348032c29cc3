/** `npm run bench:lsp`: only the language-server phase of `npm run bench` (after `npm run build`). */
import { codeInput } from './inputs';
import { measureServer, serverTable } from './server';

measureServer(codeInput().text).then(
  (r) => process.stdout.write(serverTable(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`bench:lsp failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
