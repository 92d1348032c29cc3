/**
 * The results the dynamic-tokenization engine returns: plain JSON (numbers, strings, arrays), so that the CLI prints
 * them with `--json` and the language server sends them as they are (protocol.ts mirrors them). Offsets are UTF-16
 * code units into the document's text; token counts are exact counts of the named tokenizer.
 */
import type { BoundaryMode } from './segments';

/** A text edit: replace `[start, end)` (UTF-16 offsets) with `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** Figures for one number of merges m. */
export interface MergeStep {
  /** The m asked for. */
  merges: number;
  /** Merges actually learned within m (fewer when no pair occurs twice any more). */
  learned: number;
  /** Exact tokens of the batch re-tokenised with the first `learned` merges. */
  tokens: number;
  saving: number;
  /** Percent of the tokens before, two decimals. */
  savingPct: number;
  /** Vocabulary cost: new entries and their total UTF-8 bytes. */
  newEntries: number;
  newBytes: number;
  /** What spelling every new entry once in base tokens costs (as if the vocabulary were sent with the text). */
  definitionTokens: number;
  /** saving − definitionTokens. */
  netSaving: number;
  /** Fit on the first part of the batch, measured on the rest (absent when the batch cannot be split). */
  heldOut?: { tokensBefore: number; tokens: number; saving: number; savingPct: number };
}

export interface CurvePoint {
  merges: number;
  tokens: number;
  heldOutTokens?: number;
}

/** One learned merge. `frequency` = joins it made = tokens it saved (exact, after the merges before it). */
export interface MergeInfo {
  rank: number;
  /** The new token's id: base vocabulary size + rank. */
  id: number;
  text: string;
  left: string;
  right: string;
  frequency: number;
  saving: number;
  /** How many base tokens the new token stands for. */
  baseTokens: number;
}

/** Batch merges for a document or a workspace, for one tokenizer and boundary mode. */
export interface BatchReport {
  tokenizer: string;
  boundary: BoundaryMode;
  tokensBefore: number;
  /** Merges learned (at most the maximum asked). */
  learned: number;
  /** The learner's own count after all its merges: equals `final.tokens` (a self-check, shown in --json). */
  trainerTokensAfter: number;
  /** The requested m values (e.g. 10, 100, 1000). */
  steps: MergeStep[];
  /** At the maximum m. */
  final: MergeStep;
  /** Tokens after m merges for m = 0, 1, 2, 5, 10, 20, 50, … (the savings-vs-merges curve). */
  curve: CurvePoint[];
  /** The merges that saved most. */
  top: MergeInfo[];
  /** Sizes of the split behind the held-out figures, when there is one. */
  heldOut?: { tokensBefore: number; trainTokens: number };
}

export type SuggestionKind = 'number' | 'identifier' | 'whitespace' | 'phrase';

/** One suggestion at a place in the document. */
export interface Suggestion {
  kind: SuggestionKind;
  /** A stable code per rule, e.g. `number.rightToLeft`, `whitespace.trailing` (diagnostic code, settings key). */
  code: string;
  /** UTF-16 range of the thing the suggestion is about. */
  start: number;
  end: number;
  message: string;
  /** Tokens now and after the fix (exact, by encoding the changed context), when there is a fix. */
  tokensBefore: number;
  tokensAfter?: number;
  /** The fix, when one keeps the meaning; `safe` fixes are what a fix-all applies. */
  edits?: TextEdit[];
  safe?: boolean;
  /** Extra figures: counts in other tokenizers, frequency, … */
  data?: Record<string, number | string | boolean>;
}
