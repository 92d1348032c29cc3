/**
 * `tokscope/fimComplete`: an inline FIM completion at a position, from the completion service (fim/service.ts) under
 * the document's `tokscope.fim.*` settings. Failures the user can act on come back as `error` (one message, shown in
 * the status bar), never as a JSON-RPC error; a cancelled request ends with RequestCancelled.
 */
import { basename } from 'node:path';
import type { CancellationToken } from 'vscode-languageserver';
import { FimService, FimUnavailable } from '../fim/service';
import { BackendError } from '../fim/types';
import type { FimCompleteParams, FimCompleteResult } from '../protocol';
import { registryOptions } from '../settings';
import { getTokenizer } from '../tokenizers/registry';
import { openDocument, throwIfCancelled, type ServerContext } from './common';

/** Characters of context read on each side per token of budget: generous for code (~4 per token), bounded. */
const CHARS_PER_TOKEN = 8;
/** Other open files looked at for context, most recently edited first. */
const MAX_EXTRA_FILES = 4;
/** Characters read from each other file (the prompt builder cuts it to the token budget). */
const MAX_EXTRA_CHARS = 16_384;

/** The hover's line about the last completion made on this line, if any. */
export function fimHoverLine(ctx: ServerContext, uri: string, line: number): string | undefined {
  const last = ctx.fimLast;
  if (!last || last.uri !== uri || last.line !== line) return undefined;
  const r = last.report;
  const cost = r.cached ? 'from the type-ahead cache' : `${r.modelCalls} model call${r.modelCalls === 1 ? '' : 's'}, ${r.ms.toFixed(0)} ms`;
  return `**FIM** — last completion on this line: \`${r.mode}\`, ${r.reason} (${r.backend}; ${cost})`;
}

/** The service, created on first use with the context's tokenizer lookup (trust and the KL3M folders applied). */
export function fimService(ctx: ServerContext): FimService {
  ctx.fim ??= new FimService({ getTokenizer: (name) => getTokenizer(name, ctx.lastRegistryOptions ?? {}) });
  return ctx.fim;
}

function fileName(uri: string): string {
  try {
    return basename(decodeURIComponent(new URL(uri).pathname)) || 'untitled';
  } catch {
    return 'untitled';
  }
}

export async function fimComplete(ctx: ServerContext, params: FimCompleteParams, token: CancellationToken): Promise<FimCompleteResult> {
  const doc = openDocument(ctx, params.textDocument?.uri);
  const settings = await ctx.settings.get(doc.uri);
  throwIfCancelled(token);
  if (!settings.fim.enabled && params.manual !== true) return { items: [], disabled: true };
  if (doc.looksBinary) return { items: [], error: 'binary document: no completions' };
  ctx.lastRegistryOptions = registryOptions(settings, ctx.kl3mStorage);
  const svc = fimService(ctx);
  svc.configure(settings.fim);
  const offset = doc.offsetAt(params.position);
  const f = settings.fim;
  const from = Math.max(0, offset - CHARS_PER_TOKEN * f.prefixTokens);
  const to = Math.min(doc.length, offset + CHARS_PER_TOKEN * Math.max(f.suffixTokens, 64));
  const extra = f.contextTokens > 0
    ? ctx.documents.recent().filter((d) => d.uri !== doc.uri && !d.looksBinary).sort((a, b) => Number(b.languageId === doc.languageId) - Number(a.languageId === doc.languageId)).slice(0, MAX_EXTRA_FILES)
      .map((d) => ({ filename: fileName(d.uri), text: d.slice(0, Math.min(d.length, MAX_EXTRA_CHARS)) }))
    : undefined;
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    const r = await svc.complete({ prefix: doc.slice(from, offset), suffix: doc.slice(offset, to), offset, filename: fileName(doc.uri), extra }, controller.signal);
    const range = { start: params.position, end: params.position };
    ctx.fimLast = { uri: doc.uri, line: params.position.line, report: r.report };
    return { items: r.text ? [{ insertText: r.text, range }] : [], report: r.report };
  } catch (e) {
    if (e instanceof BackendError && e.kind === 'cancelled') throwIfCancelled(token);
    if (e instanceof FimUnavailable || e instanceof BackendError) return { items: [], error: e.message };
    throw e;
  } finally {
    sub.dispose();
  }
}
