/**
 * `tokscope suggest [--json] [--merges M] [--boundary pretoken|word|superword] [-t NAME] [--export FILE]
 * [--workers N] [--no-suggestions] PATH…`: dynamic-tokenization suggestions (server/src/dynamic). One input (a file or
 * `-` for stdin): the document's suggestions and its batch merges (held out: its last fifth of lines). Several files
 * or a folder: the workspace analysis (worker threads), merges over all files (held out: the last fifth of the files).
 */
import { closeSync, openSync, readdirSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { languageOfPath } from '../dynamic/context';
import { mergesFile } from '../dynamic/export';
import { readText, refuseBinary } from '../dynamic/fileWork';
import { BOUNDARY_MODES, type BoundaryMode, preTokenizerOf } from '../dynamic/segments';
import { suggestDocument } from '../dynamic/suggest';
import type { BatchReport } from '../dynamic/types';
import { analyzeWorkspace } from '../dynamic/workspace';
import { getTokenizer } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import { type Args, UsageError } from './args';
import { readInput } from './input';

const COMPARE = ['o200k_base', 'llama3', 'domain'];
/** Folders a workspace walk never enters. */
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', '__pycache__', 'target', 'build']);

export async function runSuggest(args: Args): Promise<number> {
  const names = args.multi.get('t') ?? [];
  if (names.length > 1) throw new UsageError('suggest takes one tokenizer (-t NAME)');
  const name = names[0] ?? 'o200k_base';
  if (name === 'tokompiler') throw new UsageError('suggest needs a byte-level tokenizer; the Tokompiler has no merges');
  const boundary = (args.options.get('boundary') ?? 'superword') as BoundaryMode;
  if (!BOUNDARY_MODES.includes(boundary)) throw new UsageError(`--boundary must be one of ${BOUNDARY_MODES.join(', ')}`);
  const maxMerges = args.options.has('merges') ? Number(args.options.get('merges')) : 1000;
  if (!Number.isInteger(maxMerges) || maxMerges < 1 || maxMerges > 100_000) throw new UsageError('--merges must be a whole number from 1 to 100000');
  const workers = args.options.has('workers') ? Number(args.options.get('workers')) : undefined;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new UsageError('--workers must be a whole number');
  const paths = args.positional.length ? args.positional : ['-'];
  const json = args.flags.has('json');
  const registry = { kl3mDir: args.options.get('kl3m-dir') };
  const tok = getTokenizer(name, registry);
  if (boundary === 'pretoken' && !preTokenizerOf(tok)) throw new Error(`${name}: boundary "pretoken" needs a tokenizer whose pre-tokenizer is known; use word or superword`);
  const checkpoints = [...new Set([10, 100, 1000, maxMerges].filter((m) => m <= maxMerges))].sort((a, b) => a - b);

  const files = expand(paths);
  let merges: BatchReport;
  let mergeList: Array<[number, number]>;
  let out: Record<string, unknown>;
  if (files.length === 1) {
    const path = files[0];
    const text = path === '-' ? await readInput('-') : readText(path);
    const languageId = path === '-' ? args.options.get('lang') ?? 'plaintext' : args.options.get('lang') ?? languageOfPath(path);
    const doc = args.flags.has('no-suggestions') ? undefined : suggestDocument(text, { tokenizer: tok, languageId, compare: others(tok, registry) });
    const { fitTexts } = await import('../dynamic/batch');
    const fitted = fitTexts(tok, [text], { boundary, maxMerges, checkpoints });
    merges = fitted.report;
    mergeList = fitted.fit.merges;
    out = { path, tokenizer: tok.name, boundary, merges, ...(doc ? { document: doc } : {}) };
    if (!json) {
      if (doc) printSuggestions(text, doc.suggestions, path);
      printMerges(merges, `${path === '-' ? 'stdin' : path}: ${merges.tokensBefore.toLocaleString('en-US')} tokens`);
    }
  } else {
    const started = Date.now();
    const { report, fit } = await analyzeWorkspace(
      files.map((path) => ({ path })),
      {
        tokenizer: name,
        boundary,
        maxMerges,
        checkpoints,
        workers,
        registry,
        suggestions: !args.flags.has('no-suggestions'),
        onProgress: json || !process.stderr.isTTY ? undefined : (p) => process.stderr.write(`\rsuggest: ${p.filesDone}/${p.filesTotal} files${p.phase === 'fit' ? ', learning merges…' : ''}`),
      },
    );
    if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    merges = report.merges;
    mergeList = fit.merges;
    out = { ...report, perFile: report.perFile };
    if (!json) {
      for (const s of report.skipped) process.stderr.write(`tokscope: skipped ${s.reason}\n`);
      const head = `${report.files} files, ${(report.bytes / 2 ** 20).toFixed(1)} MiB, ${report.tokens.toLocaleString('en-US')} tokens, ${((Date.now() - started) / 1000).toFixed(1)} s on ${report.workers || 1} thread${report.workers > 1 ? 's' : ''}`;
      if (report.suggestions && Object.keys(report.suggestions).length) {
        const list = Object.entries(report.suggestions).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
        process.stdout.write(`suggestions: ${list}; the safe fix-all saves ${report.fixAllSaving} tokens\n\n`);
      }
      printMerges(merges, head);
    }
  }
  const exportPath = args.options.get('export');
  if (exportPath) {
    const file = mergesFile(tok, boundary, mergeList, { command: `tokscope suggest -t ${name} --boundary ${boundary} --merges ${maxMerges}`, inputs: files.length, tokensBefore: merges.tokensBefore, tokensAfter: merges.final.tokens });
    writeFileSync(exportPath, JSON.stringify(file, null, 1) + '\n');
    if (!json) process.stdout.write(`\nwrote ${mergeList.length} merges to ${exportPath} (tokscope-dynamic/1, with Hugging Face added_tokens)\n`);
    out.exported = exportPath;
  }
  if (json) process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}

function others(tok: Tokenizer, registry: { kl3mDir?: string }): Tokenizer[] {
  const out: Tokenizer[] = [];
  for (const n of COMPARE) {
    if (n === tok.name) continue;
    try {
      out.push(getTokenizer(n, registry));
    } catch {
      // not installed here: the finding simply lists fewer tokenizers
    }
  }
  return out;
}

/** Files named, and the files under folders named (dot folders and build folders skipped), in a stable order. */
function expand(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) {
        if (!name.startsWith('.') && !SKIP_DIRS.has(name)) walk(p);
      } else if (s.isFile()) out.push(p);
    }
  };
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let s;
    try {
      s = statSync(p);
    } catch {
      throw new Error(`${p}: no such file`);
    }
    if (s.isDirectory()) walk(p);
    else {
      // A binary file named on the command line is an error; one found in a folder is skipped with a message.
      const fd = openSync(p, 'r');
      const head = Buffer.alloc(8192);
      const n = readSync(fd, head, 0, head.length, 0);
      closeSync(fd);
      refuseBinary(p, head.subarray(0, n));
      out.push(p);
    }
  }
  if (out.length === 0) throw new Error(`${paths.join(' ')}: no files`);
  return out;
}

function printSuggestions(text: string, list: ReturnType<typeof suggestDocument>['suggestions'], path: string): void {
  let line = 0;
  let lineStart = 0;
  let at = 0;
  for (const s of list) {
    while (at < s.start) {
      if (text.charCodeAt(at) === 10) {
        line++;
        lineStart = at + 1;
      }
      at++;
    }
    const fix = s.tokensAfter !== undefined ? ` [${s.tokensBefore}→${s.tokensAfter}${s.safe ? ', safe' : ''}]` : '';
    process.stdout.write(`${path === '-' ? 'stdin' : path}:${line + 1}:${s.start - lineStart + 1}  ${s.code.padEnd(22)} ${s.message}${fix}\n`);
  }
  if (list.length) process.stdout.write('\n');
}

function printMerges(r: BatchReport, head: string): void {
  const n = (x: number) => x.toLocaleString('en-US');
  process.stdout.write(`${head} · ${r.tokenizer} · boundary ${r.boundary} · ${r.learned} merges learned\n`);
  const rows = [['merges', 'tokens', 'saving', '%', 'held-out %', 'new bytes', 'net']];
  for (const s of r.steps) {
    rows.push([String(s.merges), n(s.tokens), n(s.saving), s.savingPct.toFixed(2), s.heldOut ? s.heldOut.savingPct.toFixed(2) : '–', n(s.newBytes), n(s.netSaving)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) process.stdout.write(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ') + '\n');
  if (r.top.length) {
    process.stdout.write('top merges: ');
    process.stdout.write(r.top.slice(0, 10).map((m) => `${JSON.stringify(m.text)} ×${n(m.frequency)}`).join(', ') + '\n');
  }
}
