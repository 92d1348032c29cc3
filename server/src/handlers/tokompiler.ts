/**
 * The Tokompiler in the server: `tokscope/tokompile` for the view, and the pieces the other handlers use when a
 * request names the tokenizer `tokompiler` (counts, spans, line counts, hover). Its tokens are not a tiling of the
 * text: a name's two tokens (`var`, `3`) both come from the name — the first gets its range, the second an empty
 * range at its end, as the later tokens of a split character do — and `[SEP]` ends a preprocessor or Fortran line.
 */
import type { CancellationToken } from 'vscode-languageserver';
import type { Document } from '../documents';
import type { TokompileParams, TokompileResponse } from '../protocol';
import type { Settings } from '../settings';
import type { TokompileResult } from '../tokompiler/index';
import { awaitOrCancel, invalidParams, openDocument, type ServerContext, throwIfCancelled } from './common';
import type { TokensIn } from './spans';

export const TOKOMPILER = 'tokompiler';
export const TOKOMPILER_NOTE = 'Tokompiler tokens: a closed vocabulary of code tokens (names anonymised by role), not a model’s tokens';

/**
 * The largest document the Tokompiler parses (UTF-16 units): it parses whole files (about 25 ms per 1,000 lines of C
 * here), so a hover on a huge file must not start a parse of it.
 */
export const TOKOMPILER_MAX_LENGTH = 4 * 1024 * 1024;

export function isTokompiler(name: unknown): boolean {
  return name === TOKOMPILER;
}

export async function tokompilerResult(doc: Document, settings: Settings, token: CancellationToken): Promise<TokompileResult> {
  if (doc.length > TOKOMPILER_MAX_LENGTH) throw invalidParams(`tokompiler: the document is over ${TOKOMPILER_MAX_LENGTH / 2 ** 20} MB of text, more than the Tokompiler parses`);
  try {
    return await awaitOrCancel(doc.tokompiler.get(doc.version, settings.tokompiler), token);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('tokompiler:')) throw invalidParams(e.message);
    throw e;
  }
}

export async function tokompileDocument(ctx: ServerContext, params: TokompileParams, token: CancellationToken): Promise<TokompileResponse> {
  const doc = openDocument(ctx, params?.textDocument?.uri);
  const settings = await ctx.settings.get(doc.uri);
  throwIfCancelled(token);
  const version = doc.version;
  const r = await tokompilerResult(doc, settings, token);
  return {
    version,
    language: r.language,
    scope: r.options.scope,
    comments: r.options.comments,
    code: r.code,
    tokenCount: r.tokens.length,
    unknown: r.unknown,
    overflow: r.overflow,
    errors: r.errors.map((e) => ({ start: doc.positionAt(e.start), end: doc.positionAt(e.end) })),
    mapping: r.mapping,
  };
}

/** The Tokompiler tokens overlapping [from, to) (or containing `from` when empty), as `tokensIn` gives them. */
export function tokompilerTokensIn(r: TokompileResult, from: number, to: number): TokensIn {
  const out: TokensIn = { starts: [], ends: [], ids: [], base: 0, firstLocal: -1 };
  let previousIn = false;
  for (let i = 0; i < r.tokens.length; i++) {
    let s = r.sourceRanges[2 * i];
    const e = r.sourceRanges[2 * i + 1];
    // The number after a class prefix comes from the same leaf: an empty range at its end, going with the prefix.
    const second = i > 0 && r.leafOfToken[i - 1] === r.leafOfToken[i];
    if (second) s = e;
    const inside: boolean = second ? previousIn : s === e ? from <= s && s < Math.max(to, from + 1) : from === to ? s <= from && from < e : s < to && e > from;
    previousIn = inside;
    if (inside) {
      if (out.firstLocal < 0) out.firstLocal = i;
      out.starts.push(s);
      out.ends.push(e);
      out.ids.push(r.ids[i]);
    } else if (s >= Math.max(to, from + 1)) break;
  }
  return out;
}

/** Tokompiler tokens starting on each line of [startLine, endLine]. */
export function tokompilerLineCounts(doc: Document, r: TokompileResult, startLine: number, endLine: number): number[] {
  const counts = new Array<number>(endLine - startLine + 1).fill(0);
  for (let i = 0; i < r.tokens.length; i++) {
    const line = doc.lines.lineAt(r.sourceRanges[2 * i]);
    if (line >= startLine && line <= endLine) counts[line - startLine]++;
  }
  return counts;
}

/** The leaf under `offset` when it is a name or literal: its Tokompiler form and class, for the hover. */
export function tokompilerFormAt(r: TokompileResult, offset: number): { form: string; cls: string; text: string } | undefined {
  const leaves = r.parsed.leaves;
  let lo = 0;
  let hi = leaves.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (leaves[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  const leaf = leaves[lo];
  if (!leaf || leaf.start > offset || (leaf.kind !== 'name' && leaf.kind !== 'literal')) return undefined;
  const placeholder = r.texts[lo];
  const m = placeholder ? /^([a-z]+)_(\d+)$/.exec(placeholder) : null;
  return m ? { form: `${m[1]} ${m[2]}`, cls: m[1], text: leaf.text } : undefined;
}
