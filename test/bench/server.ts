/**
 * The language server under load, driven over stdio by a real JSON-RPC client (test/server/lspClient.ts): keystrokes
 * in a 10,000-line file each followed by the requests the client sends for the visible range (token spans and line
 * counts), hovers, memory with four tokenizers loaded, and a 50 MB file and a 10 MB single line (every request must be
 * answered). Two times for each: the server's own time (from `tokscope/serverTimings`: the handlers' wall time, which
 * is what the targets are about) and the client-side round trip on loopback stdio (server time + JSON-RPC + IPC).
 */
import { readFileSync } from 'node:fs';
import { startServer } from '../server/lspClient';
import { fmt, median, now, table } from './measure';

export interface ServerBenchResult {
  /** Server time per keystroke: didChange + tokenSpans + lineCounts. */
  keystrokeMedianMs: number;
  keystrokeP95Ms: number;
  hoverMedianMs: number;
  hoverP95Ms: number;
  /** The same, as round trips seen by the client. */
  keystrokeRoundTripMedianMs: number;
  hoverRoundTripP95Ms: number;
  rssMB: number;
  bigFile: { mb: number; countMs: number; answered: boolean };
  longLine: { mb: number; countMs: number; answered: boolean };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function measureServer(code: string): Promise<ServerBenchResult> {
  const tokenizers = ['o200k_base', 'cl100k_base', 'llama3', 'qwen3'];
  const server = await startServer({ tokenizers, activeTokenizer: 'o200k_base', maxFileSize: 64 * 1024 * 1024 }, true);
  const c = server.connection;
  try {
    const lines = code.split('\n').slice(0, 10000);
    const text = lines.join('\n');
    const uri = await server.open('bench.ts', text);
    await c.sendRequest('tokscope/documentStats', { textDocument: { uri }, tokenizers });
    const timings = async () => (await c.sendRequest('tokscope/serverTimings', { clear: true })) as Record<string, number[]>;
    // Keystrokes in the middle: insert a character, then ask for what the client redraws (60 visible lines).
    const keystrokes: number[] = [];
    let version = 1;
    const line = 5000;
    for (let k = 0; k < 300; k++) {
      const ch = k % 2 === 0 ? { range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: 'x' } : { range: { start: { line, character: 4 }, end: { line, character: 5 } }, text: '' };
      const t0 = now();
      await c.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [ch] });
      const range = { start: { line: line - 30, character: 0 }, end: { line: line + 30, character: 0 } };
      await Promise.all([
        c.sendRequest('tokscope/tokenSpans', { textDocument: { uri }, range }),
        c.sendRequest('tokscope/lineCounts', { textDocument: { uri }, startLine: line - 30, endLine: line + 30 }),
      ]);
      if (k >= 20) keystrokes.push(now() - t0); // the first ones warm the JIT
      if (k === 19) await timings();
    }
    const kt = await timings();
    const keystrokeServer = kt['textDocument/didChange'].map((ms, i) => ms + kt['tokscope/tokenSpans'][i] + kt['tokscope/lineCounts'][i]);
    const hovers: number[] = [];
    for (let k = 0; k < 200; k++) {
      const t0 = now();
      await c.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 100 + k * 37, character: 8 } });
      if (k >= 20) hovers.push(now() - t0);
      if (k === 19) await timings();
    }
    const hoverServer = (await timings())['textDocument/hover'];
    const rss = rssMB(server.child.pid!);
    // A 50 MB file and a 10 MB single line: counted (in slices, the server keeps answering) without spans.
    const big = code.repeat(Math.ceil((50 << 20) / code.length)).slice(0, 50 << 20);
    const bigFile = await bigDocument(server, 'big.ts', big);
    const long = 'x'.repeat(10 << 20);
    const longLine = await bigDocument(server, 'long.txt', long);
    return {
      keystrokeMedianMs: median(keystrokeServer),
      keystrokeP95Ms: pct(keystrokeServer, 0.95),
      hoverMedianMs: median(hoverServer),
      hoverP95Ms: pct(hoverServer, 0.95),
      keystrokeRoundTripMedianMs: median(keystrokes),
      hoverRoundTripP95Ms: pct(hovers, 0.95),
      rssMB: rss,
      bigFile,
      longLine,
    };
  } finally {
    await server.stop();
  }
}

async function bigDocument(server: Awaited<ReturnType<typeof startServer>>, name: string, text: string) {
  const c = server.connection;
  const t0 = now();
  const uri = await server.open(name, text);
  // While it is counted, other requests keep being answered.
  const hover = c.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
  const stats = (await c.sendRequest('tokscope/documentStats', { textDocument: { uri }, tokenizers: ['o200k_base'] })) as { document: { count: number }[] };
  const answered = (await hover) !== undefined && stats.document[0].count > 0;
  await c.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return { mb: text.length / 2 ** 20, countMs: now() - t0, answered };
}

export function serverTable(lsp: ServerBenchResult): string {
  return [
    table(['measure (server time: handlers\' wall time, from tokscope/serverTimings)', 'value', 'target'], [
      ['keystroke → didChange + token spans + line counts of 60 visible lines, median', `${fmt(lsp.keystrokeMedianMs, 3)} ms`, '≤ 1 ms'],
      ['the same, p95', `${fmt(lsp.keystrokeP95Ms, 3)} ms`, ''],
      ['hover, median / p95', `${fmt(lsp.hoverMedianMs, 3)} / ${fmt(lsp.hoverP95Ms, 3)} ms`, 'p95 ≤ 5 ms'],
      ['client round trips (server + JSON-RPC + IPC): keystroke median / hover p95', `${fmt(lsp.keystrokeRoundTripMedianMs, 3)} / ${fmt(lsp.hoverRoundTripP95Ms, 3)} ms`, ''],
      ['server RSS with the four tokenizers loaded', `${fmt(lsp.rssMB, 0)} MB`, '≤ 250 MB'],
      [`${fmt(lsp.bigFile.mb, 0)} MB file: open → count (hover answered meanwhile: ${lsp.bigFile.answered ? 'yes' : 'NO'})`, `${fmt(lsp.bigFile.countMs, 0)} ms`, 'answered'],
      [`${fmt(lsp.longLine.mb, 0)} MB single line: open → count (answered: ${lsp.longLine.answered ? 'yes' : 'NO'})`, `${fmt(lsp.longLine.countMs, 0)} ms`, 'answered'],
    ]),
  ].join('\n');
}
