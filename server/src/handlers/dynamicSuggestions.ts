/**
 * `tokscope/dynamicSuggestions`: the dynamic-tokenization hints of one open document (server/src/dynamic/suggest.ts)
 * with LSP ranges, for the client's diagnostics and quick fixes. Every count is exact in the tokenizer named (the
 * active one by default). A document over `tokscope.maxFileSize` or binary gets `unavailable` and no work is done.
 */
import type { CancellationToken } from 'vscode-languageserver';
import type { Document } from '../documents';
import { documentKind } from '../dynamic/context';
import { fixAllEdits, suggestDocument } from '../dynamic/suggest';
import type { SuggestionKind, TextEdit } from '../dynamic/types';
import type { DynamicEdit, DynamicSuggestion, DynamicSuggestionKind, DynamicSuggestionsParams, DynamicSuggestionsResult } from '../protocol';
import type { DynamicSettings, Settings } from '../settings';
import type { Tokenizer } from '../tokenizers/types';
import { invalidParams, openDocument, type ServerContext, spansUnavailable, throwIfCancelled, tokenizerFor } from './common';
import { DOMAIN, loadTokenizer, nextTurn } from './domainTokenizers';
import { isTokompiler } from './tokompiler';

export const DYNAMIC_FAMILIES: readonly DynamicSuggestionKind[] = ['number', 'identifier', 'whitespace', 'phrase'];

export async function dynamicSuggestions(ctx: ServerContext, params: DynamicSuggestionsParams, token: CancellationToken): Promise<DynamicSuggestionsResult> {
  const doc = openDocument(ctx, params?.textDocument?.uri);
  const settings = await ctx.settings.get(doc.uri);
  const name = params.tokenizer ?? settings.activeTokenizer;
  const languageId = doc.languageId || 'plaintext';
  const base = { version: doc.version, tokenizer: String(name), languageId, documentKind: documentKind(languageId), tokens: 0, suggestions: [], fixAll: [] };
  // The Tokompiler's tokens are no BPE: nothing to merge or regroup. Said once in the result, not as an error.
  if (isTokompiler(name)) return { ...base, error: 'the Tokompiler has no merges: dynamic suggestions need a BPE tokenizer' };
  const tok = tokenizerFor(ctx, name, settings);
  const families = familiesOf(settings.dynamic, params.families);
  const unavailable = spansUnavailable(doc, settings);
  if (unavailable) return { ...base, unavailable };
  if (!DYNAMIC_FAMILIES.some((k) => families[k])) return { ...base, tokens: await documentTokens(doc, tok) };
  const compare = compareTokenizers(ctx, settings, tok);
  // The work is synchronous: give a cancellation (a newer edit) already on its way the chance to arrive first.
  await nextTurn();
  throwIfCancelled(token);
  // Text and version are read together, after the last yield: the result describes one version.
  const version = doc.version;
  const res = suggestDocument(doc.text, { tokenizer: tok, languageId, families, compare });
  throwIfCancelled(token);
  return {
    version,
    tokenizer: tok.name,
    languageId,
    documentKind: res.kind,
    tokens: res.tokens,
    suggestions: res.suggestions.map((s) => {
      const out: DynamicSuggestion = { kind: s.kind, code: s.code, range: rangeOf(doc, s.start, s.end), message: s.message, tokensBefore: s.tokensBefore };
      if (s.tokensAfter !== undefined) out.tokensAfter = s.tokensAfter;
      if (s.edits) out.edits = editsOf(doc, s.edits);
      if (s.safe !== undefined) out.safe = s.safe;
      if (s.data) out.data = s.data;
      return out;
    }),
    fixAll: editsOf(doc, fixAllEdits(res.suggestions)),
  };
}

/**
 * The families to run: those the request names, and for the others the settings (`tokscope.dynamic.<family>` under
 * the master switch `tokscope.dynamic.enabled`).
 */
export function familiesOf(settings: DynamicSettings, asked: DynamicSuggestionsParams['families']): Record<SuggestionKind, boolean> {
  if (asked !== undefined && (asked === null || typeof asked !== 'object')) throw invalidParams('families: an object of booleans');
  const out = {} as Record<SuggestionKind, boolean>;
  for (const k of DYNAMIC_FAMILIES) {
    const a = asked?.[k];
    out[k] = typeof a === 'boolean' ? a : settings.enabled && settings[k];
  }
  return out;
}

/** The other tokenizers identifier findings quote: the enabled ones and the domain tokenizer, those that load. */
function compareTokenizers(ctx: ServerContext, settings: Settings, active: Tokenizer): Tokenizer[] {
  const out: Tokenizer[] = [];
  for (const n of new Set([...settings.tokenizers, DOMAIN])) {
    if (n === active.name || isTokompiler(n)) continue;
    try {
      out.push(loadTokenizer(ctx, n, settings));
    } catch {
      // Not installed here: the finding lists fewer tokenizers.
    }
  }
  return out;
}

async function documentTokens(doc: Document, tok: Tokenizer): Promise<number> {
  return doc.tokens(tok).readyCount ?? (await doc.tokens(tok).count());
}

function rangeOf(doc: Document, start: number, end: number) {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

function editsOf(doc: Document, edits: readonly TextEdit[]): DynamicEdit[] {
  return edits.map((e) => ({ range: rangeOf(doc, e.start, e.end), newText: e.newText }));
}
