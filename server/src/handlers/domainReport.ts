/**
 * `tokscope/domainReport`: the document or selection counted in the general, domain and KL3M tokenizers, and the
 * citations and terms that cost the most in o200k_base, each priced per tokenizer with what the cheapest domain
 * tokenizer saves. Also the hover's line for the citation or term under the cursor.
 */
import type { CancellationToken } from 'vscode-languageserver';
import type { Document } from '../documents';
import { type DomainItem, domainItemAt, type DomainMatch, findDomainItems, groupItems } from '../domain/terms';
import type { DomainReportCount, DomainReportItem, DomainReportParams, DomainReportResult } from '../protocol';
import type { Settings } from '../settings';
import { StreamCounter } from '../tokenizers/streamCount';
import type { Tokenizer } from '../tokenizers/types';
import { invalidParams, isCancellation, isExact, offsetsOf, openDocument, type ServerContext, throwIfCancelled } from './common';
import { BASELINE, DOMAIN, hoverTokenizers, isDomainSpecific, kl3mNames, loadTokenizer, nextTurn } from './domainTokenizers';
import { isTokompiler } from './tokompiler';

/** Only this many UTF-16 units from the start of the text are scanned for items (the counts cover all of it). */
export const DOMAIN_SCAN_CAP = 2 * 1024 * 1024;
/** How many items the report lists. */
export const DOMAIN_TOP_ITEMS = 25;
/** Text counted between yields to other messages. */
const COUNT_SLICE = 1 << 20;

export async function domainReport(ctx: ServerContext, params: DomainReportParams, token: CancellationToken): Promise<DomainReportResult> {
  const doc = openDocument(ctx, params?.textDocument?.uri);
  if (params.tokenizers !== undefined && !Array.isArray(params.tokenizers)) throw invalidParams('tokenizers: a list of names');
  const settings = await ctx.settings.get(doc.uri);
  const requested = params.tokenizers?.length ? params.tokenizers : [...settings.tokenizers, DOMAIN, ...kl3mNames()];
  const names = [...new Set(requested.map(String))].filter((n) => !isTokompiler(n));
  // The text and version are read together, before any yield, so that the result describes one version.
  const version = doc.version;
  const text = params.range ? doc.slice(...offsetsOf(doc, params.range)) : doc.text;

  const counts: DomainReportCount[] = [];
  const toks = new Map<string, Tokenizer>();
  for (const name of names) {
    throwIfCancelled(token);
    try {
      const tok = loadTokenizer(ctx, name, settings);
      toks.set(name, tok);
      counts.push({ tokenizer: name, count: await countText(tok, text, token), exact: isExact(name) });
    } catch (e) {
      if (isCancellation(e)) throw e;
      // A KL3M tokenizer that is not installed was only asked for by default: leave it out rather than report an error.
      if (!params.tokenizers?.length && name.startsWith('kl3m-')) continue;
      counts.push({ tokenizer: name, count: 0, exact: false, error: (e as Error).message });
    }
    await nextTurn();
  }

  const scanned = scanLength(text);
  const found = groupItems(text, findDomainItems(text.slice(0, scanned)));
  throwIfCancelled(token);
  const items = priceItems(found, toks, loadTokenizer(ctx, BASELINE, settings));
  return { version, length: text.length, counts, items, distinctItems: found.length, scanned, truncated: scanned < text.length };
}

/** Counts in slices with yields between them, exactly (see StreamCounter), so a large text does not block the server. */
async function countText(tok: Tokenizer, text: string, token: CancellationToken): Promise<number> {
  if (text.length <= COUNT_SLICE) return tok.count(text);
  const counter = new StreamCounter(tok);
  for (let i = 0; i < text.length; i += COUNT_SLICE) {
    counter.push(text.slice(i, i + COUNT_SLICE));
    await nextTurn();
    throwIfCancelled(token);
  }
  return counter.finish();
}

/** The whole text up to the cap; over it, up to the last line break before the cap (items never span lines). */
function scanLength(text: string): number {
  if (text.length <= DOMAIN_SCAN_CAP) return text.length;
  const lineEnd = text.lastIndexOf('\n', DOMAIN_SCAN_CAP - 1);
  if (lineEnd > DOMAIN_SCAN_CAP / 2) return lineEnd + 1;
  // One very long line: cut between characters, not inside a surrogate pair.
  const c = text.charCodeAt(DOMAIN_SCAN_CAP - 1);
  return c >= 0xd800 && c <= 0xdbff ? DOMAIN_SCAN_CAP - 1 : DOMAIN_SCAN_CAP;
}

/** The item's text as its occurrences are tokenized: with the space before it when most of them follow one. */
export function inContext(item: Pick<DomainItem, 'text' | 'occurrences' | 'afterSpace'>): string {
  return 2 * item.afterSpace >= item.occurrences && item.afterSpace > 0 ? ` ${item.text}` : item.text;
}

/** The top items by occurrences × baseline cost, priced in every tokenizer given. */
function priceItems(found: DomainItem[], toks: Map<string, Tokenizer>, baseline: Tokenizer): DomainReportItem[] {
  const weighted = found.map((item) => ({ item, form: inContext(item), base: 0 }));
  for (const w of weighted) w.base = baseline.count(w.form);
  weighted.sort((a, b) => b.item.occurrences * b.base - a.item.occurrences * a.base || (a.item.text < b.item.text ? -1 : 1));
  return weighted.slice(0, DOMAIN_TOP_ITEMS).map(({ item, form, base }) => {
    const costs: Record<string, number> = { [BASELINE]: base };
    let cheapest: string | undefined;
    for (const [name, tok] of toks) {
      costs[name] = name === BASELINE ? base : tok.count(form);
      if (isDomainSpecific(name) && (cheapest === undefined || costs[name] < costs[cheapest])) cheapest = name;
    }
    const out: DomainReportItem = {
      text: item.text,
      kind: item.kind,
      occurrences: item.occurrences,
      leadingSpace: form !== item.text,
      costs,
      saving: cheapest === undefined ? 0 : item.occurrences * (base - costs[cheapest]),
    };
    if (item.defined) out.defined = true;
    if (cheapest !== undefined) out.cheapest = cheapest;
    return out;
  });
}

/** The citation or term at `offset` and its cost in each hover tokenizer, or undefined when there is none. */
export function domainItemCosts(ctx: ServerContext, doc: Document, settings: Settings, offset: number): { item: DomainMatch; leadingSpace: boolean; costs: Array<{ tokenizer: string; count: number }> } | undefined {
  const line = doc.positionAt(offset).line;
  const lineStart = doc.lines.lineStart(line);
  // Only the cursor's neighbourhood is read: a hover does no document-wide work.
  const from = Math.max(lineStart, offset - 512);
  const to = Math.min(doc.lines.lineContentEnd(doc.source, line), offset + 512);
  const item = domainItemAt(doc.slice(from, to), offset - from);
  if (!item) return undefined;
  const leadingSpace = doc.slice(from + item.start - 1, from + item.start) === ' ' && from + item.start > 0;
  const form = leadingSpace ? ` ${item.text}` : item.text;
  return { item, leadingSpace, costs: hoverTokenizers(ctx, settings).map((tok) => ({ tokenizer: tok.name, count: tok.count(form) })) };
}
