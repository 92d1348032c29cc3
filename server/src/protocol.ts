/**
 * The custom messages between the tokscope client and language server. Imports nothing but the protocol package so
 * that the client can import this file by relative path.
 *
 * Positions and ranges are LSP ones: zero-based lines and UTF-16 characters. Every result carries the document
 * `version` it was computed from, so the client can drop answers that arrive after a newer edit.
 */
import { Position, Range, RequestType, RequestType0, TextDocumentIdentifier } from 'vscode-languageserver-protocol';
import type { BoundaryMode } from './dynamic/segments';
import type { DynamicMergesFile } from './dynamic/dynamicTokenizer';
import type { BatchReport, MergeInfo, MergeStep } from './dynamic/types';

/** Present instead of data when a document is too large (`tokscope.maxFileSize`) or looks binary: counts only. */
export type Unavailable = 'tooLarge' | 'binary';

export interface TokenSpansParams {
  textDocument: TextDocumentIdentifier;
  range: Range;
  /** Default: `tokscope.activeTokenizer`. */
  tokenizer?: string;
}

/**
 * The tokens overlapping `range`, in document order, exactly as the full encoding of the document has them.
 * `positions` holds four numbers per token — startLine, startCharacter, endLine, endCharacter — which map straight
 * onto a decoration range without a round trip through offsets. A token may span lines (e.g. "\n\n"). A character
 * split across several tokens belongs to the first; the others have an empty range at the character's end.
 */
export interface TokenSpansResult {
  tokenizer: string;
  version: number;
  positions: number[];
  ids: number[];
  /** Set (and the arrays empty) when the document gets no spans. */
  unavailable?: Unavailable;
}

/** Sent by the client for the visible range, to draw token boundaries. */
export namespace TokenSpansRequest {
  export const method = 'tokscope/tokenSpans';
  export const type = new RequestType<TokenSpansParams, TokenSpansResult, void>(method);
}

export interface LineCountsParams {
  textDocument: TextDocumentIdentifier;
  startLine: number;
  /** Inclusive. */
  endLine: number;
  tokenizer?: string;
}

/**
 * `counts[i]` is the number of tokens whose start lies on line `startLine + i`. A token that crosses a line break
 * counts on the line it starts on, so the counts of all lines add up to the document's count.
 */
export interface LineCountsResult {
  tokenizer: string;
  version: number;
  startLine: number;
  counts: number[];
  unavailable?: Unavailable;
}

/** Sent by the client for the visible lines (gutter and end-of-line counts). */
export namespace LineCountsRequest {
  export const method = 'tokscope/lineCounts';
  export const type = new RequestType<LineCountsParams, LineCountsResult, void>(method);
}

export interface DocumentStatsParams {
  textDocument: TextDocumentIdentifier;
  /** Default: `tokscope.tokenizers`. */
  tokenizers?: string[];
  /** The selection, when there is one: its text is counted on its own as well. */
  range?: Range;
}

/** Counts of one text in one tokenizer. */
export interface TokenizerStats {
  tokenizer: string;
  /** Tokens, without any BOS token. */
  count: number;
  /** Unicode code points (not UTF-16 units). */
  characters: number;
  /** UTF-8 bytes. */
  bytes: number;
  /** `count / characters` (0 for empty text). */
  tokensPerCharacter: number;
  /** True when this is the model's own tokenizer, not an estimate. */
  exact: boolean;
  /** Set when the model prepends a BOS token that `count` leaves out. */
  bosNote?: string;
  /** What the count is of when it is not a model's tokens (the Tokompiler's closed-vocabulary code tokens). */
  note?: string;
  /** Set (and the numbers 0) when the tokenizer could not be loaded. */
  error?: string;
}

export interface DocumentStatsResult {
  version: number;
  contextWindow: number;
  document: TokenizerStats[];
  /** Present when `range` was given. */
  selection?: TokenizerStats[];
}

/** Sent by the client for the status bar and the stats view. Large documents are counted in the background first. */
export namespace DocumentStatsRequest {
  export const method = 'tokscope/documentStats';
  export const type = new RequestType<DocumentStatsParams, DocumentStatsResult, void>(method);
}

/** One tokenizer the server knows. */
export interface TokenizerDescription {
  name: string;
  kind: string;
  /** Null when unavailable or not loadable. */
  vocabSize: number | null;
  available: boolean;
  exact: boolean;
  /** Where the vocabulary comes from (package, file or folder). */
  source: string;
  note?: string;
}

/** Sent by the client to fill the tokenizer pickers; honours `tokscope.kl3mDir` only in a trusted workspace. */
export namespace ListTokenizersRequest {
  export const method = 'tokscope/listTokenizers';
  export const type = new RequestType0<TokenizerDescription[], void>(method);
}

export interface CompareParams {
  textDocument: TextDocumentIdentifier;
  /** Default: the whole document. */
  range?: Range;
  tokenizers: string[];
}

export interface CompareEntry {
  tokenizer: string;
  count: number;
  exact: boolean;
  /** The token ids and each token's text (empty for the later tokens of a split character); absent over the cap. */
  ids?: number[];
  pieces?: string[];
  /** What the count is of when it is not a model's tokens (the Tokompiler's). */
  note?: string;
  error?: string;
}

export interface CompareResult {
  version: number;
  /** UTF-16 length of the compared text. */
  length: number;
  /** True when the text is over the cap for pieces (counts are still given). */
  piecesOmitted: boolean;
  entries: CompareEntry[];
}

/** Sent by the client's compare panel. */
export namespace CompareRequest {
  export const method = 'tokscope/compare';
  export const type = new RequestType<CompareParams, CompareResult, void>(method);
}

export interface ServerTimingsParams {
  /** Forget the samples after answering. */
  clear?: boolean;
}

/**
 * The server's own wall time, in milliseconds, for its most recent messages (at most 2,000 per method), keyed by
 * method (`textDocument/didChange`, `tokscope/tokenSpans`, `textDocument/hover`, …), oldest first. Measured from the
 * handler's start to its answer, so it excludes JSON-RPC transport and queueing. Sent by benchmarks and diagnostics.
 */
export type ServerTimingsResult = Record<string, number[]>;

export namespace ServerTimingsRequest {
  export const method = 'tokscope/serverTimings';
  export const type = new RequestType<ServerTimingsParams, ServerTimingsResult, void>(method);
}

export interface TokompileParams {
  textDocument: TextDocumentIdentifier;
}

/**
 * The document as the Tokompiler sees it, in the modes of `tokscope.tokompiler.*`: the anonymised code (the source's
 * layout, every name and literal replaced by `class_N`), the number of Tokompiler tokens, and the placeholder → name
 * mapping (`file` for names outside functions, `functions[i]` per function with `scope: function`).
 */
export interface TokompileResponse {
  version: number;
  language: string;
  scope: 'file' | 'function';
  comments: 'drop' | 'keep';
  code: string;
  tokenCount: number;
  /** Tokens outside the closed vocabulary ([UNK]). */
  unknown: number;
  /** Names numbered past 1000 (outside the vocabulary, so [UNK]). */
  overflow: number;
  /** Regions that did not parse (kept verbatim). */
  errors: Range[];
  mapping: { scope: 'file' | 'function'; file: Record<string, string>; functions: Record<string, string>[] };
}

/** Sent by the client's Tokompiler view. Fails with a message naming the languages when the document has none. */
export namespace TokompileRequest {
  export const method = 'tokscope/tokompile';
  export const type = new RequestType<TokompileParams, TokompileResponse, void>(method);
}

export interface DomainReportParams {
  textDocument: TextDocumentIdentifier;
  /** Default: the whole document. */
  range?: Range;
  /**
   * Default: `tokscope.tokenizers`, then `domain` and every KL3M tokenizer that loads (those not installed are left
   * out), without repeats. The Tokompiler is always left out: it counts code, not prose.
   */
  tokenizers?: string[];
}

/** One tokenizer's count of the whole document or selection. */
export interface DomainReportCount {
  tokenizer: string;
  /** Tokens, without any BOS token; 0 on error. */
  count: number;
  exact: boolean;
  /** Set when the tokenizer could not be loaded. */
  error?: string;
}

/** One distinct citation or term (occurrences with exactly the same text are one item). */
export interface DomainReportItem {
  text: string;
  /** A legal citation (`42 U.S.C. § 1983`, `Fed. R. Civ. P. 12(b)(6)`, `123 F.3d 456`, …) or a financial or legal term. */
  kind: 'citation' | 'term';
  /** Set for a defined term: a capitalised phrase defined in quotes or parentheses (`(the "Services")`) that recurs. */
  defined?: true;
  occurrences: number;
  /**
   * Which text `costs` are of. True: ` text`, with a leading space, because at least half of the occurrences follow a
   * space and a tokenizer sees them so, inside a sentence. False: `text` alone (at line starts, after `(`, …).
   */
  leadingSpace: boolean;
  /** Tokens per occurrence in each tokenizer that loaded, by name; `o200k_base` always. */
  costs: Record<string, number>;
  /** The domain-specific tokenizer (`domain` or a KL3M one) with the fewest tokens; absent when none loaded. */
  cheapest?: string;
  /** `occurrences × (costs.o200k_base − costs[cheapest])`: tokens saved; 0 without `cheapest`, negative if it costs more. */
  saving: number;
}

/**
 * The domain savings report of a document or selection. Items are the top 25 by `occurrences × costs.o200k_base`
 * (the tokens they take in o200k_base), ties by text.
 */
export interface DomainReportResult {
  version: number;
  /** UTF-16 length of the reported text. */
  length: number;
  /** In the order of the tokenizers asked for (the default order: settings, domain, KL3M). */
  counts: DomainReportCount[];
  items: DomainReportItem[];
  /** Distinct items found, before the top-25 cut. */
  distinctItems: number;
  /** UTF-16 units scanned for items, from the start: all of the text unless `truncated`. */
  scanned: number;
  /** True when the text is over 2 MiB of UTF-16 units: only its start (to a line break) was scanned; counts cover all. */
  truncated: boolean;
}

/** Sent by the client's Domain Savings Report (the compare panel's report mode). */
export namespace DomainReportRequest {
  export const method = 'tokscope/domainReport';
  export const type = new RequestType<DomainReportParams, DomainReportResult, void>(method);
}

/** One local model server that answered. */
export interface FoundModelServer {
  kind: 'llama.cpp' | 'ollama' | 'openai';
  baseUrl: string;
  model?: string;
  fimFormat?: string;
  contextLength?: number;
  /** Whether the server takes token-id prompts and gives next-token probabilities (what `exact` de-biasing needs). */
  exact: boolean;
  /** Set when the server answered the probe but not the questions about its model. */
  error?: string;
}

/**
 * The local model servers on loopback (llama.cpp 8012 and 8080, Ollama 11434, vLLM and other OpenAI-compatible
 * servers 8000) and what each says about its model. Sent by "tokscope: Check Model Connection".
 */
export interface FimCheckResult {
  servers: FoundModelServer[];
  /** The URLs probed. */
  probed: string[];
  /** What completions would use with the current settings (`tokscope.fim.*`), or why nothing can be used. */
  active?: FimActive;
}

/** The backend, model and path the completion service resolved for the current settings. */
export interface FimActive {
  backend?: string;
  model?: string;
  format?: string;
  /** The token path (prompt as ids, de-biasing as configured) runs; false: the server's plain FIM (see `reason`). */
  tokenPath?: boolean;
  /** Why the token path cannot run, or why nothing can run at all. */
  reason?: string;
  /** e.g. an unencrypted endpoint off this machine. */
  warning?: string;
}

export namespace FimCheckRequest {
  export const method = 'tokscope/fimCheck';
  export const type = new RequestType0<FimCheckResult, void>(method);
}

/** How one completion was made, for the status bar and the hover. */
export interface FimCompletionReport {
  /** The de-biasing that ran ('off' when the server generated plain FIM). */
  mode: 'exact' | 'heal' | 'off';
  /** e.g. "cursor inside a token: de-biased over 3 covers", "Ollama takes no token ids: plain FIM by the server, …". */
  reason: string;
  backend: string;
  model?: string;
  format?: string;
  /** Wall time of the request in the server, milliseconds. */
  ms: number;
  modelCalls: number;
  /** Bytes generated one at a time (exact mode) before plain token decoding took over. */
  byteSteps: number;
  /** Served from the type-ahead cache, no model call. */
  cached: boolean;
  finish: 'eos' | 'length' | 'stop' | 'none' | 'time' | 'server';
  /** What post-processing did to the raw completion. */
  notes: string[];
  warning?: string;
}

export interface FimCompleteParams {
  textDocument: { uri: string };
  position: Position;
  /** Asked for by the user (tokscope: Trigger Completion): answered even when automatic completions are off. */
  manual?: boolean;
}

export interface FimCompleteResult {
  /** The completion to insert at the position; none when there is nothing to offer. */
  items: { insertText: string; range: Range }[];
  report?: FimCompletionReport;
  /** Set when no completion could be made: the one message to show (server down, no format, time cap, …). */
  error?: string;
  /** True when `tokscope.fim.enabled` is off and the request was automatic. */
  disabled?: boolean;
}

/** Sent by the client's inline completion provider (debounced; a newer request cancels the older). */
export namespace FimCompleteRequest {
  export const method = 'tokscope/fimComplete';
  export const type = new RequestType<FimCompleteParams, FimCompleteResult, void>(method);
}

// ---------------------------------------------------------------------------------------------------------------------
// Dynamic tokenization (issue 7). Types only so far: the engine is server/src/dynamic/ (see its index.ts), the handlers
// come with the editor surfaces. Every count is exact in the named tokenizer; savings are measured by re-tokenising.
// ---------------------------------------------------------------------------------------------------------------------

/** Where dynamic merges may join tokens: inside a pre-token, inside a word (no white space), or across spaces (never lines). */
export type DynamicBoundary = BoundaryMode;

/** The suggestion families; each can be switched off (`tokscope.dynamic.<family>`, say). */
export type DynamicSuggestionKind = 'number' | 'identifier' | 'whitespace' | 'phrase';

export interface DynamicEdit {
  range: Range;
  newText: string;
}

/** One suggestion: a diagnostic at hint severity, with a quick fix when `edits` is set. */
export interface DynamicSuggestion {
  kind: DynamicSuggestionKind;
  /**
   * The rule: `number.rightToLeft`, `identifier.fertility`, `identifier.casing`, `whitespace.trailing`,
   * `whitespace.blankLines`, `whitespace.mixedIndent`, `whitespace.innerRun`, `phrase.superword` (the diagnostic code).
   */
  code: string;
  range: Range;
  message: string;
  /** Tokens now (of the lines the fix touches, or of the item's occurrences for findings without a fix). */
  tokensBefore: number;
  /** Tokens of the same lines after the fix. */
  tokensAfter?: number;
  /** The quick fix; absent for information (fertility, phrases, numbers where the language has no separator). */
  edits?: DynamicEdit[];
  /** Part of the fix-all (trailing white space; blank-line runs in prose). Nothing is applied without the user. */
  safe?: boolean;
  /** Extra figures: counts in other tokenizers (by name), occurrences, frequency, saving. */
  data?: Record<string, number | string | boolean>;
}

export interface DynamicSuggestionsParams {
  textDocument: TextDocumentIdentifier;
  /** Default: `tokscope.activeTokenizer`. */
  tokenizer?: string;
  /** Families to run; all by default. */
  families?: Partial<Record<DynamicSuggestionKind, boolean>>;
}

export interface DynamicSuggestionsResult {
  version: number;
  tokenizer: string;
  languageId: string;
  /** Prose (plaintext, markdown, …) gets phrases and `,` separators; code gets `_` where its literals accept them. */
  documentKind: 'code' | 'prose';
  /** Tokens of the whole document. */
  tokens: number;
  /** In document order. */
  suggestions: DynamicSuggestion[];
  /** The edits of the fix-all: the safe suggestions' edits, non-overlapping, in order. */
  fixAll: DynamicEdit[];
  /** Set instead of suggestions for a document that is too large or binary. */
  unavailable?: Unavailable;
  error?: string;
}

/** Sent by the client on a debounced change of the visible document (diagnostics and code actions). */
export namespace DynamicSuggestionsRequest {
  export const method = 'tokscope/dynamicSuggestions';
  export const type = new RequestType<DynamicSuggestionsParams, DynamicSuggestionsResult, void>(method);
}

/**
 * The engine's own result types, sent as they are (plain JSON): figures for one number of merges m (re-tokenised
 * counts, not sums of n-gram counts), one learned merge, and the whole batch report (server/src/dynamic/types.ts).
 */
export type DynamicMergeStep = MergeStep;
export type DynamicMergeInfo = MergeInfo;
export type DynamicBatchReport = BatchReport;

export interface DynamicReportParams {
  /** One document (its open text) … */
  textDocument?: TextDocumentIdentifier;
  /** … or workspace files (URIs; open documents are read from their buffers, the rest from disk). */
  uris?: string[];
  /** Default: `tokscope.activeTokenizer`. */
  tokenizer?: string;
  /** Default 'superword'. */
  boundary?: DynamicBoundary;
  /** The largest m (default 1000). */
  merges?: number;
  /** The m values of `steps` (default 10, 100, 1000). */
  checkpoints?: number[];
  /** Also return the merges as a `tokscope-dynamic/1` file (with Hugging Face `added_tokens`) for the export button. */
  includeExport?: boolean;
  /** LSP work-done progress (a ProgressToken: files encoded); the request honours cancellation. */
  workDoneToken?: number | string;
}

/** A `tokscope-dynamic/1` file: loads with the engine's `loadDynamicTokenizer`, reproduces the reported counts. */
export type DynamicMergesExport = DynamicMergesFile;

export interface DynamicReportResult {
  scope: 'document' | 'workspace';
  /** The document's version (scope 'document'). */
  version?: number;
  files: number;
  bytes: number;
  tokens: number;
  report: DynamicBatchReport;
  /** Workspace: suggestions per rule code over all files, and what the safe fix-all would save in all. */
  suggestionCounts?: Record<string, number>;
  fixAllSaving?: number;
  skipped: { uri: string; reason: string }[];
  /** Worker threads used (0: the server's own thread). */
  workers: number;
  export?: DynamicMergesExport;
  error?: string;
}

/** Sent by "tokscope: Dynamic Tokenization Report" for the document or the workspace. */
export namespace DynamicReportRequest {
  export const method = 'tokscope/dynamicReport';
  export const type = new RequestType<DynamicReportParams, DynamicReportResult, void>(method);
}
