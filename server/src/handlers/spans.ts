/** `tokscope/tokenSpans` and `tokscope/lineCounts`: token boundaries and per-line counts for the visible range. */
import { type CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Document } from '../documents';
import type { LineCountsParams, LineCountsResult, TokenSpansParams, TokenSpansResult } from '../protocol';
import type { Tokenizer } from '../tokenizers/types';
import { invalidParams, offsetsOf, openDocument, type ServerContext, spansUnavailable, throwIfCancelled, tokenizerFor } from './common';
import { isTokompiler, TOKOMPILER, tokompilerLineCounts, tokompilerResult, tokompilerTokensIn } from './tokompiler';

export interface TokensIn {
  starts: number[];
  ends: number[];
  ids: number[];
  /** Where the encoding started (a restart point) and the index in it of the first token returned. */
  base: number;
  firstLocal: number;
}

/** Token ranges (document offsets) overlapping [from, to) (or containing `from` when empty), and their ids. */
export function tokensIn(doc: Document, tok: Tokenizer, from: number, to: number): TokensIn {
  const { base, encoding } = doc.tokens(tok).encodeRange(from, to);
  const starts: number[] = [];
  const ends: number[] = [];
  const ids: number[] = [];
  const { offsets } = encoding;
  // A split character's later tokens are empty ranges; they go with the token before them.
  let previousIn = false;
  let firstLocal = -1;
  for (let i = 0; i < encoding.ids.length; i++) {
    const s = base + offsets[2 * i];
    const e = base + offsets[2 * i + 1];
    const inside: boolean = s === e ? previousIn : from === to ? s <= from && from < e : s < to && e > from;
    if (inside) {
      if (firstLocal < 0) firstLocal = i;
      starts.push(s);
      ends.push(e);
      ids.push(encoding.ids[i]);
    } else if (s !== e && s >= Math.max(to, from + 1)) break;
    previousIn = inside;
  }
  return { starts, ends, ids, base, firstLocal };
}

/**
 * What a visible-range request starts with: the document, its settings and version, and the tokenizer it names (or
 * the active one) — undefined for the Tokompiler, which is not a byte-level tokenizer.
 */
async function requestTarget(ctx: ServerContext, params: { textDocument?: { uri?: unknown }; tokenizer?: string }, token: CancellationToken) {
  const doc = openDocument(ctx, params?.textDocument?.uri);
  const settings = await ctx.settings.get(doc.uri);
  throwIfCancelled(token);
  const name = params.tokenizer ?? settings.activeTokenizer;
  const tok = isTokompiler(name) ? undefined : tokenizerFor(ctx, name, settings);
  return { doc, settings, version: doc.version, tok };
}

export async function tokenSpans(ctx: ServerContext, params: TokenSpansParams, token: CancellationToken): Promise<TokenSpansResult> {
  const { doc, settings, version, tok } = await requestTarget(ctx, params, token);
  const result: TokenSpansResult = { tokenizer: tok?.name ?? TOKOMPILER, version, positions: [], ids: [] };
  const unavailable = spansUnavailable(doc, settings);
  if (unavailable) return { ...result, unavailable };
  if (!params.range) throw invalidParams('range is required');
  const [from, to] = offsetsOf(doc, params.range);
  throwIfCancelled(token);
  const { starts, ends, ids } = tok ? tokensIn(doc, tok, from, to) : tokompilerTokensIn(await tokompilerResult(doc, settings, token), from, to);
  if (doc.version !== version) throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed');
  for (let i = 0; i < ids.length; i++) {
    const a = doc.positionAt(starts[i]);
    const b = doc.positionAt(ends[i]);
    result.positions.push(a.line, a.character, b.line, b.character);
  }
  result.ids = ids;
  return result;
}

export async function lineCounts(ctx: ServerContext, params: LineCountsParams, token: CancellationToken): Promise<LineCountsResult> {
  const { doc, settings, version, tok } = await requestTarget(ctx, params, token);
  const lastLine = doc.lines.lineCount - 1;
  const startLine = clampLine(params.startLine, lastLine);
  const endLine = Math.max(startLine, clampLine(params.endLine, lastLine));
  const result: LineCountsResult = { tokenizer: tok?.name ?? TOKOMPILER, version, startLine, counts: [] };
  const unavailable = spansUnavailable(doc, settings);
  if (unavailable) return { ...result, unavailable };
  if (tok) result.counts = countLines(doc, tok, startLine, endLine);
  else {
    const r = await tokompilerResult(doc, settings, token);
    if (doc.version !== version) throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed');
    result.counts = tokompilerLineCounts(doc, r, startLine, endLine);
  }
  return result;
}

/** Tokens starting on each line of [startLine, endLine]; shared with the inlay hints. */
export function countLines(doc: Document, tok: Tokenizer, startLine: number, endLine: number): number[] {
  const from = doc.lines.lineStart(startLine);
  const to = endLine + 1 < doc.lines.lineCount ? doc.lines.lineStart(endLine + 1) : doc.length;
  const counts = new Array<number>(endLine - startLine + 1).fill(0);
  const { base, encoding } = doc.tokens(tok).encodeRange(from, to);
  let line = startLine;
  for (let i = 0; i < encoding.ids.length; i++) {
    const s = base + encoding.offsets[2 * i];
    if (s < from) continue;
    if (s >= to && to < doc.length) break;
    while (line + 1 < doc.lines.lineCount && doc.lines.lineStart(line + 1) <= s) line++;
    if (line > endLine) break;
    counts[line - startLine]++;
  }
  return counts;
}

function clampLine(value: unknown, lastLine: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.min(lastLine, Math.floor(value))) : 0;
}
