/**
 * Per-document suggestions: the entry point the language server calls on a (debounced) change, and the CLI per file.
 * Pure and synchronous; `signal` is checked between rule families so that a newer edit can cancel the work.
 */
import type { Tokenizer } from '../tokenizers/types';
import { applyEdits, DocContext, type DocumentKind } from './context';
import { fertilitySuggestions } from './fertility';
import { numberSuggestions } from './numbers';
import { phraseSuggestions } from './phrases';
import type { Suggestion, SuggestionKind, TextEdit } from './types';
import { whitespaceSuggestions } from './whitespace';

export interface DocumentSuggestOptions {
  /** The active tokenizer: every count is in it. */
  tokenizer: Tokenizer;
  /** VS Code language id (`languageOfPath` derives one from a file name). Decides code vs prose and the number separator. */
  languageId: string;
  /** Families to run (all by default). */
  families?: Partial<Record<SuggestionKind, boolean>>;
  /** Tokenizers whose counts identifier findings also show (e.g. o200k_base, llama3, domain). */
  compare?: readonly Tokenizer[];
  /** How many phrases to list (default 20). */
  maxPhrases?: number;
  signal?: AbortSignal;
}

export interface DocumentSuggestions {
  tokenizer: string;
  languageId: string;
  kind: DocumentKind;
  /** Tokens of the whole document. */
  tokens: number;
  /** Sorted by start offset. */
  suggestions: Suggestion[];
  /** Milliseconds per family, for the bench and the log. */
  timings: Partial<Record<SuggestionKind, number>>;
}

export function suggestDocument(text: string, options: DocumentSuggestOptions): DocumentSuggestions {
  const ctx = new DocContext(text, options.tokenizer, options.languageId);
  const on = (k: SuggestionKind) => options.families?.[k] !== false;
  const timings: DocumentSuggestions['timings'] = {};
  const suggestions: Suggestion[] = [];
  const run = (k: SuggestionKind, f: () => Suggestion[]) => {
    if (!on(k)) return;
    options.signal?.throwIfAborted();
    const t0 = performance.now();
    suggestions.push(...f());
    timings[k] = Math.round(performance.now() - t0);
  };
  run('whitespace', () => whitespaceSuggestions(ctx));
  run('number', () => numberSuggestions(ctx));
  run('identifier', () => fertilitySuggestions(ctx, options.compare ?? []));
  // The phrases need the document's encoding with offsets; its length is then the document's count too.
  let tokens: number | undefined;
  if (ctx.kind === 'prose') {
    run('phrase', () => {
      const enc = options.tokenizer.encode(text);
      tokens = enc.ids.length;
      return phraseSuggestions(ctx, options.maxPhrases, enc);
    });
  }
  suggestions.sort((a, b) => a.start - b.start || a.end - b.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { tokenizer: options.tokenizer.name, languageId: options.languageId, kind: ctx.kind, tokens: tokens ?? options.tokenizer.count(text), suggestions, timings };
}

/**
 * The edits of a fix-all: the safe suggestions' edits, in order, dropping any that would overlap one already taken.
 * Apply them with `applyEdits(text, edits)`.
 */
export function fixAllEdits(suggestions: readonly Suggestion[]): TextEdit[] {
  // At one start the larger edit first: a blank-line collapse wins over the trailing blanks of a line it removes.
  const edits = suggestions.filter((s) => s.safe && s.edits).flatMap((s) => s.edits!).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: TextEdit[] = [];
  let end = -1;
  for (const e of edits) {
    if (e.start < end) continue;
    out.push(e);
    end = Math.max(e.end, e.start + (e.start === e.end ? 1 : 0));
  }
  return out;
}

export { applyEdits };
