/**
 * Hover: the token(s) under the cursor in the active tokenizer, and the counts of the word, the line and the document
 * in every enabled tokenizer.
 */
import type { CancellationToken, Hover, HoverParams } from 'vscode-languageserver';
import type { Document } from '../documents';
import type { Settings } from '../settings';
import type { Tokenizer } from '../tokenizers/types';
import type { TokompileResult } from '../tokompiler/index';
import { awaitOrCancel, isCancellation, isExact, type ServerContext, spansUnavailable, throwIfCancelled, tokenizerFor } from './common';
import { isTokompiler, TOKOMPILER, TOKOMPILER_MAX_LENGTH, tokompilerFormAt, tokompilerLineCounts, tokompilerResult, tokompilerTokensIn } from './tokompiler';
import { tokensIn } from './spans';
import { domainItemCosts } from './domainReport';
import { fimHoverLine } from './fimComplete';

export async function hover(ctx: ServerContext, params: HoverParams, token: CancellationToken): Promise<Hover | null> {
  const doc = ctx.documents.get(params?.textDocument?.uri);
  if (!doc) return null;
  const settings = await ctx.settings.get(doc.uri);
  throwIfCancelled(token);
  const offset = doc.offsetAt(params.position);
  // The table first: it brings every tokenizer's incremental encoding up to date, which the token index then uses.
  const tokompiled = await tokompiledFor(doc, settings, token);
  const parts = [await countsTable(ctx, doc, settings, offset, token, tokompiled)];
  const domain = domainLine(ctx, doc, settings, offset);
  if (domain) parts.unshift(domain);
  const fim = fimHoverLine(ctx, doc.uri, params.position.line);
  if (fim) parts.push(fim);
  const form = tokompiled && tokompilerFormAt(tokompiled, offset);
  if (form) parts.unshift(`**Tokompiler** — ${codeSpan(form.text)} is \`${form.form}\` (class ${form.cls}); its cost in each tokenizer is the *word* column below`);
  let range: Hover['range'];
  throwIfCancelled(token);
  if (!spansUnavailable(doc, settings) && !isTokompiler(settings.activeTokenizer)) {
    const active = tokenizerFor(ctx, settings.activeTokenizer, settings);
    const under = tokenUnder(doc, active, offset);
    if (under) {
      parts.unshift(under.markdown);
      range = { start: doc.positionAt(under.start), end: doc.positionAt(under.end) };
    }
  }
  return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range };
}

/** The citation or financial/legal term under the cursor, priced in the general, domain and loaded KL3M tokenizers. */
function domainLine(ctx: ServerContext, doc: Document, settings: Settings, offset: number): string | undefined {
  if (doc.looksBinary) return undefined;
  const found = domainItemCosts(ctx, doc, settings, offset);
  if (!found) return undefined;
  const costs = found.costs.map((c) => `${c.tokenizer} ${c.count}`).join(' · ');
  const form = found.leadingSpace ? ' (with the space before it, as in the text)' : '';
  return `${found.item.kind} ${codeSpan(found.item.text)}: ${costs} tokens${form}`;
}

/** The tokens at `offset` (or, at the end of a token, the one just before it), described in markdown. */
function tokenUnder(doc: Document, tok: Tokenizer, offset: number) {
  let found = tokensIn(doc, tok, offset, offset);
  let where = 'inside';
  if (found.ids.length === 0 && offset > 0) {
    found = tokensIn(doc, tok, offset - 1, offset - 1);
    where = 'just after';
  }
  if (found.ids.length === 0) return undefined;
  if (where === 'inside' && found.starts[0] === offset) where = 'at the start of';
  // Counting the text before the restart point is exact: the full encoding splits there.
  const index = doc.tokens(tok).tokensBefore(found.base) + found.firstLocal;
  const lines = [`**${tok.name}** — cursor ${where} token #${index}`];
  for (let i = 0; i < found.ids.length; i++) {
    const piece = doc.slice(found.starts[i], found.ends[i]);
    const shown = piece ? codeSpan(escapePiece(piece)) : '(rest of the character above)';
    lines.push(`- #${index + i} id ${found.ids[i]}: ${shown} bytes \`${hex(tok.bytesOf(found.ids[i]))}\``);
  }
  return { markdown: lines.join('\n'), start: found.starts[0], end: found.ends[found.ends.length - 1] };
}

/** The document's Tokompiler result when its language has a front end (else undefined, quietly). */
async function tokompiledFor(doc: Document, settings: Settings, token: CancellationToken): Promise<TokompileResult | undefined> {
  if (!doc.tokompiler.language || spansUnavailable(doc, settings) || doc.length > TOKOMPILER_MAX_LENGTH) return undefined;
  // A hover answers at once: on a large document whose Tokompiler view is not up to date, start it and go without.
  const ready = doc.tokompiler.cached(doc.version, settings.tokompiler);
  if (ready) return ready;
  if (doc.length > HOVER_TOKOMPILE_MAX_LENGTH) {
    void tokompilerResult(doc, settings, token).catch(() => undefined);
    return undefined;
  }
  try {
    return await tokompilerResult(doc, settings, token);
  } catch (e) {
    if (isCancellation(e)) throw e;
    return undefined;
  }
}

async function countsTable(ctx: ServerContext, doc: Document, settings: Settings, offset: number, token: CancellationToken, tokompiled: TokompileResult | undefined): Promise<string> {
  const pos = doc.positionAt(offset);
  const lineText = doc.slice(doc.lines.lineStart(pos.line), doc.lines.lineContentEnd(doc.source, pos.line));
  const word = wordAt(lineText, pos.character);
  const rows = ['| tokenizer | word | line | document | |', '| --- | ---: | ---: | ---: | --- |'];
  for (const name of settings.tokenizers) {
    throwIfCancelled(token);
    if (isTokompiler(name)) {
      rows.push(tokompilerRow(doc, tokompiled, offset, pos.line));
      continue;
    }
    let tok: Tokenizer;
    try {
      tok = tokenizerFor(ctx, name, settings);
    } catch (e) {
      rows.push(`| ${name} | | | | unavailable |`);
      continue;
    }
    const state = doc.tokens(tok);
    let count = state.readyCount;
    if (count === undefined && spansUnavailable(doc, settings)) {
      // A large document still being counted is not waited for (the hover would stall), but the count is started.
      void state.count().catch(() => undefined);
    } else if (count === undefined) {
      count = await awaitOrCancel(state.count(), token);
    }
    const docCount = count === undefined ? 'counting…' : String(count);
    // A hover must answer at once: a line or word too long to count quickly shows its length instead.
    const lineCount = lineText.length > HOVER_COUNT_CAP ? `${lineText.length.toLocaleString('en-US')} chars` : String(tok.count(lineText));
    const wordCount = !word ? '0' : word.length > HOVER_COUNT_CAP ? '—' : String(tok.count(word));
    rows.push(`| ${name} | ${wordCount} | ${lineCount} | ${docCount} | ${isExact(name) ? 'exact' : 'estimate'} |`);
  }
  return (word ? `word ${codeSpan(word)}\n\n` : '') + rows.join('\n');
}

/** The Tokompiler's row: the tokens of the leaf under the cursor, of the line, of the document. */
function tokompilerRow(doc: Document, r: TokompileResult | undefined, offset: number, line: number): string {
  if (!r) return `| ${TOKOMPILER} | | | | not for this language |`;
  const under = tokompilerTokensIn(r, offset, offset).ids.length;
  const onLine = tokompilerLineCounts(doc, r, line, line)[0];
  return `| ${TOKOMPILER} | ${under} | ${onLine} | ${r.tokens.length} | closed vocabulary |`;
}

/** Documents up to this length (UTF-16 units) are tokompiled for a hover when their view is out of date. */
const HOVER_TOKOMPILE_MAX_LENGTH = 100_000;

/** Lines and words longer than this (UTF-16 units) are not counted on hover. */
const HOVER_COUNT_CAP = 100_000;
/** How far the word around the cursor is looked for on each side. */
const WORD_SCAN_CAP = 4096;

/** The run of letters, digits and underscores around a UTF-16 column (at most WORD_SCAN_CAP on each side). */
function wordAt(line: string, column: number): string {
  const isWord = (i: number) => i >= 0 && i < line.length && /[\p{L}\p{N}_]/u.test(line.slice(i, i + 1));
  let a = column;
  let b = column;
  if (!isWord(a) && isWord(a - 1)) a = b = column - 1;
  if (!isWord(a)) return '';
  while (isWord(a - 1) && column - a < WORD_SCAN_CAP) a--;
  while (isWord(b) && b - column < WORD_SCAN_CAP) b++;
  return line.slice(a, b);
}

/** Makes white space and control characters visible: ␠ for a space, \n, \t, \r, \u{…} for the rest. */
export function escapePiece(piece: string): string {
  let out = '';
  for (const ch of piece) {
    const c = ch.codePointAt(0)!;
    if (ch === ' ') out += '␠';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 32 || c === 127 || (c >= 0x80 && c < 0xa0)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out;
}

/** A markdown code span that survives backticks inside. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
