/**
 * Dynamic tokenization (issue 7): the engine's public API, for the CLI (`tokscope suggest`) and the language server.
 * Nothing here imports vscode or the LSP; offsets are UTF-16 code units of the text given; counts are exact.
 *
 * Per document (on a debounced change; ~50 ms for 10,000 lines of code, a few hundred for 10,000 lines of prose):
 *   suggestDocument(text, { tokenizer, languageId, families?, compare?, signal? }) → { tokens, suggestions, … }
 *   fixAllEdits(suggestions) → the safe edits (trailing blanks, blank-line runs in prose), non-overlapping
 *   applyEdits(text, edits) → the text after them
 *   Each Suggestion: kind ('number' | 'identifier' | 'whitespace' | 'phrase'), code (the rule), [start, end),
 *   message, tokensBefore/tokensAfter (exact, of the lines a fix touches), edits (the quick fix) and safe.
 *
 * Batch merges (Retrofitting): the report panel and `suggest` —
 *   fitTexts(tokenizer, texts, { boundary, maxMerges, checkpoints?, top? }) → { report: BatchReport, fit }
 *     one text: held out = its last 20% of lines; several: the last 20% of the texts.
 *   analyzeWorkspace(files, { tokenizer: name, boundary, maxMerges, onProgress?, signal?, workers? })
 *     → { report: WorkspaceReport (merges: BatchReport, per-file suggestion counts), fit } on worker threads.
 *   mergesFile(tokenizer, boundary, fit.merges, provenance) → a `tokscope-dynamic/1` JSON object (with Hugging Face
 *   `added_tokens`); loadDynamicTokenizer(path) loads it back as a Tokenizer (reproduces the reported counts).
 *
 * protocol.ts mirrors these types for `tokscope/dynamicSuggestions` and `tokscope/dynamicReport` (with LSP ranges).
 */
export { applyEdits, DocContext, documentKind, type DocumentKind, languageOfPath } from './context';
export { suggestDocument, fixAllEdits, type DocumentSuggestions, type DocumentSuggestOptions } from './suggest';
export { fitTexts, type Fit, type FitOptions, splitForHeldOut } from './batch';
export { analyzeWorkspace, resolveWorkerScript, type WorkspaceFile, type WorkspaceOptions, type WorkspaceProgress, type WorkspaceReport } from './workspace';
export { DynamicTokenizer, DYNAMIC_FORMAT, type DynamicMergesFile, loadDynamicTokenizer } from './dynamicTokenizer';
export { addedTokens, mergesFile } from './export';
export { type BoundaryMode, BOUNDARY_MODES, BoundaryUnsupportedError, preTokenizerOf } from './segments';
export type { BatchReport, CurvePoint, MergeInfo, MergeStep, Suggestion, SuggestionKind, TextEdit } from './types';
