/** `tokscope/compare`: one text in several tokenizers, with the pieces for the compare panel when it is small. */
import type { CancellationToken } from 'vscode-languageserver';
import type { CompareEntry, CompareParams, CompareResult } from '../protocol';
import type { Document } from '../documents';
import type { Settings } from '../settings';
import { isTokompiler, TOKOMPILER, TOKOMPILER_NOTE, tokompilerResult } from './tokompiler';
import { awaitOrCancel, invalidParams, isCancellation, isExact, offsetsOf, openDocument, type ServerContext, throwIfCancelled, tokenizerFor } from './common';

/** Above this many UTF-16 units the panel gets counts only: tens of thousands of pieces would not be read anyway. */
export const COMPARE_PIECES_CAP = 20000;

export async function compare(ctx: ServerContext, params: CompareParams, token: CancellationToken): Promise<CompareResult> {
  const doc = openDocument(ctx, params?.textDocument?.uri);
  if (!Array.isArray(params.tokenizers) || params.tokenizers.length === 0) throw invalidParams('tokenizers: a non-empty list is required');
  const settings = await ctx.settings.get(doc.uri);
  const whole = !params.range;
  const text = whole ? doc.text : doc.slice(...offsetsOf(doc, params.range!));
  const version = doc.version;
  const piecesOmitted = text.length > COMPARE_PIECES_CAP;
  const entries: CompareEntry[] = [];
  for (const name of params.tokenizers) {
    throwIfCancelled(token);
    if (isTokompiler(name)) {
      entries.push(await tokompilerEntry(doc, settings, whole ? undefined : offsetsOf(doc, params.range!), piecesOmitted, token));
      continue;
    }
    try {
      const tok = tokenizerFor(ctx, name, settings);
      const entry: CompareEntry = { tokenizer: tok.name, count: 0, exact: isExact(tok.name) };
      if (!piecesOmitted) {
        const enc = tok.encode(text);
        entry.count = enc.ids.length;
        entry.ids = Array.from(enc.ids);
        entry.pieces = entry.ids.map((_, i) => text.slice(enc.offsets[2 * i], enc.offsets[2 * i + 1]));
      } else {
        // The whole document's count is kept up to date incrementally; a large selection is counted once.
        entry.count = whole ? await awaitOrCancel(doc.tokens(tok).count(), token) : tok.count(text);
      }
      entries.push(entry);
    } catch (e) {
      if (isCancellation(e)) throw e;
      entries.push({ tokenizer: String(name), count: 0, exact: false, error: (e as Error).message });
    }
  }
  return { version, length: text.length, piecesOmitted, entries };
}

/** The Tokompiler's tokens of the document, or of the leaves starting in the selection; its pieces are its tokens. */
async function tokompilerEntry(doc: Document, settings: Settings, range: [number, number] | undefined, piecesOmitted: boolean, token: CancellationToken): Promise<CompareEntry> {
  try {
    const r = await tokompilerResult(doc, settings, token);
    const keep: number[] = [];
    for (let i = 0; i < r.tokens.length; i++) if (!range || (r.sourceRanges[2 * i] >= range[0] && r.sourceRanges[2 * i] < range[1])) keep.push(i);
    const entry: CompareEntry = { tokenizer: TOKOMPILER, count: keep.length, exact: true, note: TOKOMPILER_NOTE };
    if (!piecesOmitted) {
      entry.ids = keep.map((i) => r.ids[i]);
      entry.pieces = keep.map((i) => r.tokens[i]);
    }
    return entry;
  } catch (e) {
    if (isCancellation(e)) throw e;
    return { tokenizer: TOKOMPILER, count: 0, exact: false, error: (e as Error).message };
  }
}
