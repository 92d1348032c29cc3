/**
 * `npm run bench`: ours against the other JavaScript tokenizers, all in one run on the same inputs, interleaved.
 * Prints tables and the targets, then one JSON blob (also written to out/bench/latest.json) for the README.
 * Run as `node --expose-gc out/test/bench/run.js` after `npm run build`; takes about three minutes on 2 cores.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { measureCountUntil, measureIncremental } from './editing';
import { measureServer, serverTable } from './server';
import { domainTables, measureDomain } from './domain';
import { fimTable, measureFim } from './fim';
import { fimEditorTable, measureFimEditor } from './fimEditor';
import { dynamicTables, measureDynamic } from './dynamic';
import { measureTokompiler } from './tokompiler';
import { base64Input, codeInput, legalInput, letterInput, proseInput, type BenchInput } from './inputs';
import { fmt, fmtMB, gc, now, table } from './measure';
import { GROUPS, loadEncoder, OURS, type Encoder } from './peers';
import { measureRssAll, nodeBaseline, oursCount, peerCount, timeCommands, type CommandTiming, type RssRow } from './processes';
import { commandTable, evaluateTargets, rssTable, targetsTable, throughputTable } from './report';
import { BUDGET_MS, FULL_CALL_CAP_MS, measureThroughput, PATHOLOGICAL_CALL_CAP_MS, type ThroughputRow } from './throughput';

const say = (s = '') => process.stdout.write(s + '\n');
const started = now();
const heading = (s: string) => say(`\n== ${s} ==  [t+${fmt((now() - started) / 1000, 0)} s]\n`);

async function loadAll(): Promise<Map<string, Encoder[]>> {
  const byEncoding = new Map<string, Encoder[]>();
  const rows: string[][] = [];
  for (const { encoding, libs } of GROUPS) {
    const list: Encoder[] = [];
    for (const lib of libs) {
      try {
        const enc = await loadEncoder(lib, encoding);
        list.push(enc);
        rows.push([encoding, lib, fmt(enc.loadMs, 0)]);
      } catch (e) {
        rows.push([encoding, lib, `unavailable: ${(e as Error).message.split('\n')[0]}`]);
      }
    }
    if (list.some((e) => e.lib === OURS)) byEncoding.set(encoding, list);
  }
  say(table(['encoding', 'library', 'load ms (in this process)'], rows));
  return byEncoding;
}

/** A process-level phase; a failing command (say dist/cli.js missing) is reported and leaves its figures out. */
function commands(what: string, f: () => CommandTiming[]): CommandTiming[] {
  try {
    return f();
  } catch (e) {
    say(`${what}: failed — ${(e as Error).message}`);
    return [];
  }
}

async function main(): Promise<void> {
  const outDir = join(projectRoot(), 'out', 'bench');
  mkdirSync(outDir, { recursive: true });
  say(`tokscope bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`);
  say('MB = 2^20 bytes of UTF-8; medians; us/peer = our MB/s ÷ the peer\'s (same encoding, same input).');
  if (!(globalThis as { gc?: unknown }).gc) say('note: run with --expose-gc for a collection between phases');

  heading('inputs');
  const legal = legalInput();
  const inputs: BenchInput[] = [codeInput(), proseInput(), ...(legal ? [legal] : []), base64Input(), letterInput()];
  if (!legal) say('legal: skipped — ../shared/data/legal is absent (a checkout outside the team machines)');
  say(table(['input', 'size', 'source'], inputs.map((i) => [i.key, fmtMB(i.bytes), i.source])));
  const codeFile = join(outDir, 'code-5MB.txt');
  const tinyFile = join(outDir, 'tiny.txt');
  writeFileSync(codeFile, inputs[0].text);
  writeFileSync(tinyFile, 'Hello, world! Counting tokens of a tiny file.\n');

  heading('loading');
  const encoders = await loadAll();

  say('\nEncode throughput: every round runs each library once, in rotating order; a library leaves the rotation once its');
  say(`timed calls on that input pass ${BUDGET_MS / 1000} s (hence "runs").`);
  if (Number.isFinite(FULL_CALL_CAP_MS)) {
    say(`A peer projected to need over ${FULL_CALL_CAP_MS / 1000} s for a whole ordinary input encodes a prefix of it (≥ 1 MB; these`);
    say('libraries are linear on such text); TOKSCOPE_BENCH_FULL=1 makes every peer encode the whole of every ordinary input.');
  }
  say('ids equal: the peer\'s ids on the text it encoded equal ours on that text.');
  say('Merge caches stay warm between rounds on ordinary inputs, as in a long-lived process.');
  const throughput: ThroughputRow[] = [];
  for (const input of inputs) {
    heading(`encode throughput: ${input.key} (${fmtMB(input.bytes)})`);
    if (input.peerCapBytes) {
      const cap = fmtMB(input.peerCapBytes);
      say(`Quadratic for the tiktoken family: peers encode a prefix of at most ${cap}, doubled from 1 KB while a call`);
      say(`stays under ~${PATHOLOGICAL_CALL_CAP_MS} ms, with their merge caches cleared before each call; ours encodes all of it.`);
      say("A peer's MB/s on a prefix flatters it where it is superlinear: on the whole input it would be slower still.\n");
    }
    const rows: ThroughputRow[] = [];
    for (const list of encoders.values()) rows.push(...(await measureThroughput(input, list)));
    throughput.push(...rows);
    say(throughputTable(rows));
    gc();
  }

  heading('count until a limit (o200k, 5 MB of code)');
  const countUntil = measureCountUntil(inputs[0].text, 8192, 50);
  say(table(['call', 'median ms'], [
    ['ours countUntil(text, 8192)', fmt(countUntil.oursMs, 3)],
    ['gpt-tokenizer isWithinTokenLimit(text, 8192)', fmt(countUntil.peerMs, 3)],
  ]));
  const cuRatio = fmt(countUntil.peerMs / countUntil.oursMs, 2);
  say(`ratio ${cuRatio}× over ${countUntil.runs} runs each; both say "over the limit": ${countUntil.agree ? 'yes' : 'NO'}`);
  gc();

  heading('incremental update (o200k)');
  const incremental = measureIncremental(inputs[0].text, 200);
  const inc = incremental;
  say(`${inc.lines} lines (${fmtMB(inc.bytes)}, the start of the code input), ${inc.edits} one-character edits mid-file`);
  say(`edit + updated count: median ${fmt(inc.medianEditUs, 1)} µs, p90 ${fmt(inc.p90EditUs, 1)} µs`);
  say(`full count of the same text: ${fmt(inc.fullCountMs, 2)} ms (${fmt((inc.fullCountMs * 1000) / inc.medianEditUs, 0)}× the edit)`);
  say(`incremental count equals a full recount: ${inc.exact ? 'yes' : 'NO'}`);
  gc();

  heading('cold start (tiny file, wall time spawn → exit)');
  const coldStart = commands('cold start', () => timeCommands([oursCount(tinyFile), peerCount(tinyFile), nodeBaseline], 7));
  const baseline = coldStart[2]?.medianMs;
  if (coldStart.length) say(commandTable(coldStart, baseline));

  heading('whole-process count of the 5 MB code input');
  const wholeProcess = commands('whole-process count', () => timeCommands([oursCount(codeFile), peerCount(codeFile)], 3));
  if (wholeProcess.length) {
    say(commandTable(wholeProcess, baseline));
    const same = wholeProcess[0].output === wholeProcess[1].output;
    say(`gpt-tokenizer time / ours: ${fmt(wholeProcess[1].medianMs / wholeProcess[0].medianMs, 2)}×; counts equal: ${same ? 'yes' : 'NO'}`);
  }

  heading('peak memory: a fresh process loads one library and encodes the 5 MB code input');
  const jobs = [{ lib: 'none', encoding: '-' }];
  for (const { encoding, libs } of GROUPS) if (encoding !== 'cl100k_base') for (const lib of libs) jobs.push({ lib, encoding });
  const rss: RssRow[] = await measureRssAll(jobs, codeFile);
  say(rssTable(rss));
  say("('none': Node, the bench harness and the text, no library; peak is VmHWM, the process's own high-water mark)");

  heading('language server over LSP (stdio): o200k_base, cl100k_base, llama3, qwen3 enabled');
  const lsp = await measureServer(inputs[0].text);
  say(serverTable(lsp));
  gc();

  heading('Tokompiler');
  const tk = await measureTokompiler();
  say(table(['measure', 'value', 'target'], [
    [`tokompile ${tk.c.lines} lines of C (${tk.c.tokens} tokens), median`, `${fmt(tk.c.ms, 1)} ms`, '≤ 100 ms'],
    [`tokompile ${tk.fortran.lines} lines of Fortran (${tk.fortran.tokens} tokens), median`, `${fmt(tk.fortran.ms, 1)} ms`, '≤ 100 ms'],
    [`scope function: one-character edit → re-tokompile the edited function (${tk.incremental.spliced}/${tk.incremental.edits} spliced)`, `${fmt(tk.incremental.medianMs, 2)} ms`, ''],
    ['  the same edit, whole file re-tokompiled', `${fmt(tk.incremental.fullMs, 1)} ms`, ''],
  ]));
  say('\ntokens per file (test/fixtures/tokompiler):');
  say(table(['file', 'language', 'lines', 'tokompiler', 'o200k_base', 'llama3'], tk.perFile.map((r) => [r.file, r.language, String(r.lines), String(r.tokompiler), String(r.o200k), String(r.llama3)])));
  gc();

  heading('domain tokenizer (legal)');
  const domain = measureDomain();
  say(domain ? domainTables(domain) : 'skipped — ../shared/data is absent (the legal corpus)');
  gc();

  heading('FIM de-biasing cost');
  const fim = await measureFim();
  say(fimTable(fim));
  const fimEditor = await measureFimEditor();
  say(fimEditorTable(fimEditor));
  gc();

  heading('dynamic tokenization (batch merges, workspace, per-document suggestions)');
  say(dynamicTables(await measureDynamic()));
  gc();

  heading('targets (from the performance issue)');
  const targets = evaluateTargets({ throughput, coldStart, wholeProcess, countUntil, incremental });
  say(targetsTable(targets));
  const seconds = (now() - started) / 1000;
  say(`\nbench took ${fmt(seconds, 0)} s`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    unit: 'MB = 2^20 bytes',
    seconds: Math.round(seconds),
    inputs: inputs.map((i) => ({ key: i.key, bytes: i.bytes, source: i.source, peerCapBytes: i.peerCapBytes })),
    throughput,
    countUntil,
    incremental,
    coldStart,
    wholeProcess,
    rss,
    lsp,
    tokompiler: tk,
    domain,
    fim,
    fimEditor,
    targets,
  };
  const json = JSON.stringify(result, (_, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v));
  writeFileSync(join(outDir, 'latest.json'), json + '\n');
  heading('JSON (also in out/bench/latest.json)');
  say(json);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
