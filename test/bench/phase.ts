/**
 * One phase of `npm run bench` on its own, after `npm run build`: `node out/test/bench/phase.js lsp|tokompiler|domain|fim|dynamic`
 * (`npm run bench:phase -- tokompiler`).
 */
import { codeInput } from './inputs';
import { fmt, table } from './measure';
import { measureServer, serverTable } from './server';
import { domainTables, measureDomain } from './domain';
import { fimTable, measureFim } from './fim';
import { fimEditorTable, measureFimEditor } from './fimEditor';
import { dynamicTables, measureDynamic } from './dynamic';
import { measureTokompiler } from './tokompiler';

async function main(phase: string | undefined): Promise<string> {
  if (phase === 'lsp') return serverTable(await measureServer(codeInput().text));
  if (phase === 'tokompiler') {
    const tk = await measureTokompiler();
    return [
      `tokompile ${tk.c.lines} lines of C: ${fmt(tk.c.ms, 1)} ms; ${tk.fortran.lines} lines of Fortran: ${fmt(tk.fortran.ms, 1)} ms`,
      `scope function, one-character edit: ${fmt(tk.incremental.medianMs, 2)} ms (${tk.incremental.spliced}/${tk.incremental.edits} spliced) vs whole file ${fmt(tk.incremental.fullMs, 1)} ms`,
      table(['file', 'language', 'lines', 'tokompiler', 'o200k_base', 'llama3'], tk.perFile.map((r) => [r.file, r.language, String(r.lines), String(r.tokompiler), String(r.o200k), String(r.llama3)])),
    ].join('\n');
  }
  if (phase === 'domain') {
    const d = measureDomain();
    return d ? domainTables(d) : 'skipped — ../shared/data is absent (the legal corpus)';
  }
  if (phase === 'fim') return fimTable(await measureFim()) + '\n' + fimEditorTable(await measureFimEditor());
  if (phase === 'fim-editor') return fimEditorTable(await measureFimEditor());
  if (phase === 'dynamic') return dynamicTables(await measureDynamic());
  throw new Error('usage: phase.js lsp|tokompiler|domain|fim|dynamic');
}

main(process.argv[2]).then(
  (out) => process.stdout.write(out + '\n'),
  (e: unknown) => {
    process.stderr.write(`bench phase failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
