/** `tokscope/documentStats` and `tokscope/listTokenizers`. */
import type { CancellationToken } from 'vscode-languageserver';
import { codePoints } from '../documents';
import type { DocumentStatsParams, DocumentStatsResult, TokenizerDescription, TokenizerStats } from '../protocol';
import { registryOptions } from '../settings';
import { getTokenizer, listTokenizers as registryList } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import type { Document } from '../documents';
import type { Settings } from '../settings';
import { vocabularyTokens } from '../tokompiler/vocab';
import { awaitOrCancel, bosNote, isCancellation, isExact, offsetsOf, openDocument, type ServerContext, throwIfCancelled, tokenizerFor } from './common';
import { isTokompiler, TOKOMPILER, TOKOMPILER_NOTE, tokompilerResult } from './tokompiler';

export async function documentStats(ctx: ServerContext, params: DocumentStatsParams, token: CancellationToken): Promise<DocumentStatsResult> {
  const doc = openDocument(ctx, params?.textDocument?.uri);
  const settings = await ctx.settings.get(doc.uri);
  const names = Array.isArray(params.tokenizers) && params.tokenizers.length ? params.tokenizers : settings.tokenizers;
  const loaded: Array<{ name: string; tok?: Tokenizer; error?: string }> = names.map((name) => {
    if (isTokompiler(name)) return { name: TOKOMPILER };
    try {
      return { name: String(name), tok: tokenizerFor(ctx, name, settings) };
    } catch (e) {
      return { name: String(name), error: (e as Error).message };
    }
  });
  // Counting a large document yields to other messages, edits included: wait until every count is ready at once,
  // then read counts and text together so that they describe the same version. Long counts show progress.
  const pending = loaded.filter(({ tok }) => tok && doc.tokens(tok).readyCount === undefined);
  const progress = pending.length && doc.length >= PROGRESS_MIN_LENGTH ? await countingProgress(ctx, doc, pending.map(({ tok }) => tok!)) : undefined;
  try {
    for (;;) {
      for (const { tok } of loaded) if (tok) await awaitOrCancel(doc.tokens(tok).count(), token);
      throwIfCancelled(token);
      if (loaded.every(({ tok }) => !tok || doc.tokens(tok).readyCount !== undefined)) break;
    }
  } finally {
    progress?.();
  }
  const docSize = { characters: doc.characters, bytes: doc.bytes };
  const selectionText = params.range ? doc.slice(...offsetsOf(doc, params.range)) : undefined;
  const selectionSize = selectionText === undefined ? undefined : textSize(selectionText);
  const result: DocumentStatsResult = { version: doc.version, contextWindow: settings.contextWindow, document: [] };
  if (selectionText !== undefined) result.selection = [];
  for (const { name, tok, error } of loaded) {
    if (!tok && isTokompiler(name)) {
      const entry = await tokompilerStats(doc, settings, selectionText !== undefined ? offsetsOf(doc, params.range!) : undefined, docSize, selectionSize, token);
      result.document.push(entry.document);
      if (entry.selection) result.selection?.push(entry.selection);
      continue;
    }
    if (!tok) {
      const failed = { tokenizer: name, count: 0, characters: 0, bytes: 0, tokensPerCharacter: 0, exact: false, error };
      result.document.push(failed);
      result.selection?.push(failed);
      continue;
    }
    result.document.push(stats(tok, doc.tokens(tok).readyCount!, docSize));
    if (selectionText !== undefined && selectionSize) result.selection!.push(stats(tok, tok.count(selectionText), selectionSize));
  }
  return result;
}

function stats(tok: Tokenizer, count: number, size: { characters: number; bytes: number }): TokenizerStats {
  const out: TokenizerStats = {
    tokenizer: tok.name,
    count,
    characters: size.characters,
    bytes: size.bytes,
    tokensPerCharacter: size.characters ? count / size.characters : 0,
    exact: isExact(tok.name),
  };
  const note = bosNote(tok);
  if (note) out.bosNote = note;
  return out;
}

/** Documents at least this long (UTF-16 units) report their first count as LSP work-done progress. */
export const PROGRESS_MIN_LENGTH = 2 * 1024 * 1024;

/**
 * A server-initiated work-done progress for counting `toks` over `doc` (a no-op when the client does not support
 * it): the share of the text counted, summed over the tokenizers. Returns the function that ends it.
 */
async function countingProgress(ctx: ServerContext, doc: Document, toks: Tokenizer[]): Promise<() => void> {
  const progress = await ctx.connection.window.createWorkDoneProgress().catch(() => undefined);
  if (!progress) return () => undefined;
  const name = doc.uri.slice(doc.uri.lastIndexOf('/') + 1);
  progress.begin('tokscope', 0, `counting ${name} (${(doc.length / 2 ** 20).toFixed(1)} MB) in ${toks.map((t) => t.name).join(', ')}`, false);
  let last = -1;
  const report = () => {
    const share = toks.reduce((sum, t) => sum + doc.tokens(t).progress, 0) / toks.length;
    const percent = Math.floor(share * 100);
    if (percent !== last) progress.report(percent);
    last = percent;
  };
  const unsubscribe = toks.map((t) => doc.tokens(t).onStep(report));
  return () => {
    for (const u of unsubscribe) u();
    progress.done();
  };
}

/** The Tokompiler's counts: of the document, and of the tokens whose leaves start inside the selection. */
async function tokompilerStats(doc: Document, settings: Settings, range: [number, number] | undefined, docSize: Size, selectionSize: Size | undefined, token: CancellationToken) {
  const base = { tokenizer: TOKOMPILER, exact: true, note: TOKOMPILER_NOTE };
  try {
    const r = await tokompilerResult(doc, settings, token);
    const count = r.tokens.length;
    const document: TokenizerStats = { ...base, count, ...docSize, tokensPerCharacter: docSize.characters ? count / docSize.characters : 0 };
    if (!range || !selectionSize) return { document };
    let inSelection = 0;
    for (let i = 0; i < count; i++) if (r.sourceRanges[2 * i] >= range[0] && r.sourceRanges[2 * i] < range[1]) inSelection++;
    const selection: TokenizerStats = { ...base, count: inSelection, ...selectionSize, tokensPerCharacter: selectionSize.characters ? inSelection / selectionSize.characters : 0 };
    return { document, selection };
  } catch (e) {
    if (isCancellation(e)) throw e;
    const failed: TokenizerStats = { ...base, count: 0, characters: 0, bytes: 0, tokensPerCharacter: 0, exact: false, error: (e as Error).message };
    return { document: failed, selection: range ? failed : undefined };
  }
}

type Size = { characters: number; bytes: number };

function textSize(text: string): { characters: number; bytes: number } {
  return { characters: codePoints(text), bytes: Buffer.byteLength(text, 'utf8') };
}

export async function listTokenizers(ctx: ServerContext, token: CancellationToken): Promise<TokenizerDescription[]> {
  const settings = await ctx.settings.get(undefined);
  const options = registryOptions(settings, ctx.kl3mStorage);
  const out: TokenizerDescription[] = [];
  for (const info of registryList(options)) {
    throwIfCancelled(token);
    const row: TokenizerDescription = { name: info.name, kind: info.kind, vocabSize: null, available: info.available, exact: info.exact, source: info.source };
    if (info.note) row.note = info.note;
    if (info.available) {
      try {
        row.vocabSize = getTokenizer(info.name, options).vocabSize;
      } catch (e) {
        row.available = false;
        row.note = (e as Error).message;
      }
      // Loading a vocabulary takes a while; let a cancellation through between them.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    out.push(row);
  }
  out.push({ name: TOKOMPILER, kind: 'tokompiler', vocabSize: vocabularyTokens().length - 1, available: true, exact: true, source: 'built in (tree-sitter WASM grammars; Fortran scanner)', note: TOKOMPILER_NOTE });
  return out;
}
