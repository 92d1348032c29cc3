/**
 * `tokscope/dynamicReport`: batch merges (server/src/dynamic/workspace.ts) over one open document or a list of
 * workspace files — open buffers from the document store, the rest read from disk — with LSP work-done progress
 * (files encoded), cancellation (the analysis is aborted, its workers terminated) and, on request, the merges as a
 * `tokscope-dynamic/1` file for the export button.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CancellationToken, WorkDoneProgressReporter } from 'vscode-languageserver';
import { mergesFile } from '../dynamic/export';
import { preTokenizerOf } from '../dynamic/segments';
import { analyzeWorkspace, type WorkspaceFile } from '../dynamic/workspace';
import type { DynamicBoundary, DynamicMergesExport, DynamicReportParams, DynamicReportResult } from '../protocol';
import { DYNAMIC_BOUNDARIES, MAX_DYNAMIC_MERGES, registryOptions, type Settings } from '../settings';
import { invalidParams, isCancellation, openDocument, type ServerContext, throwIfCancelled, tokenizerFor } from './common';
import { nextTurn } from './domainTokenizers';
import { isTokompiler } from './tokompiler';

/** The most files one request analyses (the client caps its search lower). */
export const MAX_REPORT_FILES = 10_000;
const DEFAULT_CHECKPOINTS = [10, 100, 1000];

export async function dynamicReport(ctx: ServerContext, params: DynamicReportParams, token: CancellationToken): Promise<DynamicReportResult> {
  if (!params || typeof params !== 'object') throw invalidParams('parameters: { textDocument } or { uris }');
  const single = params.textDocument !== undefined;
  if (single === (params.uris !== undefined)) throw invalidParams('give either textDocument or uris');
  if (!single && (!Array.isArray(params.uris) || params.uris.some((u) => typeof u !== 'string'))) throw invalidParams('uris: a list of URIs');
  if (!single && params.uris!.length > MAX_REPORT_FILES) throw invalidParams(`at most ${MAX_REPORT_FILES} files`);
  const doc = single ? openDocument(ctx, params.textDocument!.uri) : undefined;
  const settings = await ctx.settings.get(doc?.uri ?? params.uris![0]);
  const name = params.tokenizer ?? settings.activeTokenizer;
  if (isTokompiler(name)) throw invalidParams('the Tokompiler has no merges: pick a BPE tokenizer for the report');
  const tok = tokenizerFor(ctx, name, settings);
  const boundary = boundaryOf(params.boundary, settings);
  if (boundary === 'pretoken' && !preTokenizerOf(tok)) throw invalidParams(`${tok.name}: boundary "pretoken" needs a tokenizer whose pre-tokenizer is known; use word or superword`);
  const maxMerges = mergesOf(params.merges, settings);
  const checkpoints = checkpointsOf(params.checkpoints, maxMerges);

  const skipped: DynamicReportResult['skipped'] = [];
  const files: WorkspaceFile[] = [];
  const uriOf = new Map<string, string>();
  let version: number | undefined;
  if (doc) {
    if (doc.looksBinary) throw invalidParams('the document looks binary: no report');
    // As for workspace files: a document over the size limit would hold the server for its whole fit.
    if (doc.bytes > settings.maxFileSize) throw invalidParams(`the document is over tokscope.maxFileSize (${settings.maxFileSize} bytes): run \`tokscope suggest\` on it`);
    version = doc.version;
    files.push({ path: pathOf(doc.uri) ?? doc.uri, text: doc.text });
    uriOf.set(files[0].path, doc.uri);
  } else {
    const add = (uri: string, file: WorkspaceFile) => {
      files.push(file);
      uriOf.set(file.path, uri);
    };
    for (const uri of new Set(params.uris!)) {
      const open = ctx.documents.get(uri);
      const path = pathOf(uri);
      if (open) add(uri, { path: path ?? uri, text: open.text });
      else if (!path) skipped.push({ uri, reason: 'not a file on disk (and not open)' });
      else if (tooLarge(path, settings)) skipped.push({ uri, reason: `over tokscope.maxFileSize (${settings.maxFileSize} bytes)` });
      else add(uri, { path });
    }
    if (files.length === 0) throw invalidParams('no file to analyse');
  }

  const progress = await progressFor(ctx, params, !single);
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  try {
    progress.begin('tokscope: dynamic tokenization', 0, `${files.length} file${files.length === 1 ? '' : 's'}`, true);
    await nextTurn();
    throwIfCancelled(token);
    const { report, fit } = await analyzeWorkspace(files, {
      tokenizer: String(name),
      boundary,
      maxMerges,
      checkpoints,
      registry: registryOptions(settings, ctx.kl3mStorage),
      signal: abort.signal,
      onProgress: (p) =>
        p.phase === 'fit'
          ? progress.report(99, `learning ${maxMerges} merges…`)
          : progress.report(Math.floor((99 * p.filesDone) / Math.max(1, p.filesTotal)), `${p.filesDone}/${p.filesTotal} files`),
    });
    throwIfCancelled(token);
    for (const s of report.skipped) skipped.push({ uri: uriOf.get(s.path) ?? s.path, reason: s.reason });
    const result: DynamicReportResult = {
      scope: single ? 'document' : 'workspace',
      files: report.files,
      bytes: report.bytes,
      tokens: report.tokens,
      report: report.merges,
      skipped,
      workers: report.workers,
    };
    if (version !== undefined) result.version = version;
    if (report.suggestions) result.suggestionCounts = report.suggestions;
    if (report.fixAllSaving !== undefined) result.fixAllSaving = report.fixAllSaving;
    if (params.includeExport) {
      const provenance = { command: `tokscope: Dynamic Tokenization Report (-t ${tok.name} --boundary ${boundary} --merges ${maxMerges})`, inputs: report.files, tokensBefore: report.merges.tokensBefore, tokensAfter: report.merges.final.tokens };
      result.export = mergesFile(tok, boundary, fit.merges, provenance) as DynamicMergesExport;
    }
    return result;
  } catch (e) {
    // An abort surfaces as the signal's reason: answer it as the cancellation it is.
    if (token.isCancellationRequested && !isCancellation(e)) throwIfCancelled(token);
    throw e;
  } finally {
    sub.dispose();
    progress.done();
  }
}

/** The client's progress token when it sent one; otherwise a server-initiated progress for a workspace (if supported). */
async function progressFor(ctx: ServerContext, params: DynamicReportParams, workspace: boolean): Promise<WorkDoneProgressReporter> {
  if (params.workDoneToken !== undefined) return ctx.connection.window.attachWorkDoneProgress(params.workDoneToken);
  const none = ctx.connection.window.attachWorkDoneProgress(undefined);
  if (!workspace) return none;
  return (await ctx.connection.window.createWorkDoneProgress().catch(() => undefined)) ?? none;
}

function boundaryOf(v: unknown, settings: Settings): DynamicBoundary {
  if (v === undefined) return settings.dynamic.boundary;
  const b = DYNAMIC_BOUNDARIES.find((x) => x === v);
  if (!b) throw invalidParams(`boundary must be one of ${DYNAMIC_BOUNDARIES.join(', ')}`);
  return b;
}

function mergesOf(v: unknown, settings: Settings): number {
  if (v === undefined) return settings.dynamic.merges;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_DYNAMIC_MERGES) throw invalidParams(`merges: a whole number from 1 to ${MAX_DYNAMIC_MERGES}`);
  return v;
}

/** The m values of the steps table: those asked (or 10, 100, 1000) up to the maximum, and the maximum itself. */
function checkpointsOf(v: unknown, max: number): number[] {
  if (v !== undefined && (!Array.isArray(v) || v.some((m) => typeof m !== 'number' || !Number.isInteger(m) || m < 1))) throw invalidParams('checkpoints: whole numbers ≥ 1');
  const asked = (v as number[] | undefined) ?? DEFAULT_CHECKPOINTS;
  return [...new Set([...asked.filter((m) => m <= max), max])].sort((a, b) => a - b);
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function tooLarge(path: string, settings: Settings): boolean {
  try {
    return statSync(path).size > settings.maxFileSize;
  } catch {
    // Unreadable: the analysis says why.
    return false;
  }
}
