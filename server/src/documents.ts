/**
 * Open documents: the full text (incremental `didChange` events applied here), a line index, and per tokenizer a
 * `TokenState` created on first request and updated on every change.
 */
import type { DidChangeTextDocumentParams, DidOpenTextDocumentParams, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineIndex, type Position } from './lineIndex';
import { TextStore } from './textStore';
import { TokenState } from './tokenState';
import { TokompilerState } from './tokompilerState';
import type { Tokenizer } from './tokenizers/types';

/** How much of the start of a document is looked at for NUL characters to call it binary. */
const BINARY_PROBE = 8192;

export class Document {
  private readonly store: TextStore;
  private _lines: LineIndex;
  private _bytes: number;
  private _characters: number;
  private readonly states = new Map<Tokenizer, TokenState>();
  private tokompilerState: TokompilerState | undefined;

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
    /** The client's language id (`c`, `fortran`, …); '' when unknown. */
    readonly languageId = '',
  ) {
    this.store = new TextStore(text);
    this._lines = new LineIndex(text);
    this._bytes = Buffer.byteLength(text, 'utf8');
    this._characters = codePoints(text);
  }

  /** The whole text as one string: joined once per version, so whole-document work only. */
  get text(): string {
    return this.store.toString();
  }

  /** The text, for reads of a window (slice, charCodeAt) that must not flatten the document. */
  get source(): TextStore {
    return this.store;
  }

  get length(): number {
    return this.store.length;
  }

  slice(start: number, end: number): string {
    return this.store.slice(start, end);
  }

  get lines(): LineIndex {
    return this._lines;
  }

  /** UTF-8 size, kept up to date across edits. */
  get bytes(): number {
    return this._bytes;
  }

  /** Unicode code points (a surrogate pair is one), kept up to date across edits. */
  get characters(): number {
    return this._characters;
  }

  get looksBinary(): boolean {
    return this.store.slice(0, BINARY_PROBE).includes('\0');
  }

  offsetAt(pos: Position): number {
    return this._lines.offsetAt(this.store, pos);
  }

  positionAt(offset: number): Position {
    return this._lines.positionAt(offset);
  }

  /** The token state of one tokenizer; tokenizers are cached by the registry, so identity is a fine key. */
  tokens(tokenizer: Tokenizer): TokenState {
    let state = this.states.get(tokenizer);
    if (!state) {
      state = new TokenState(tokenizer, this.store);
      this.states.set(tokenizer, state);
    }
    return state;
  }

  /** The document as the Tokompiler sees it (created on first use). */
  get tokompiler(): TokompilerState {
    this.tokompilerState ??= new TokompilerState(this.store, this.uri, this.languageId);
    return this.tokompilerState;
  }

  applyChange(change: TextDocumentContentChangeEvent): void {
    if (!('range' in change) || !change.range) {
      this.replaceAll(change.text);
      return;
    }
    const start = this.offsetAt(change.range.start);
    const end = Math.max(start, this.offsetAt(change.range.end));
    // One unit more on each side, so a surrogate pair that the edit splits or joins is counted right.
    const a = Math.max(0, start - 1);
    const b = Math.min(this.store.length, end + 1);
    const before = this.store.slice(a, b);
    const after = before.slice(0, start - a) + change.text + before.slice(end - a);
    this._bytes += Buffer.byteLength(after, 'utf8') - Buffer.byteLength(before, 'utf8');
    this._characters += codePoints(after) - codePoints(before);
    this.store.edit(start, end, change.text);
    this._lines.edit(this.store, start, end, change.text.length);
    for (const state of this.states.values()) state.edit(start, end, change.text);
    this.tokompilerState?.edit({ start, end, inserted: change.text.length });
  }

  dispose(): void {
    for (const state of this.states.values()) state.dispose();
    this.states.clear();
  }

  private replaceAll(text: string): void {
    for (const state of this.states.values()) state.reset();
    this.tokompilerState?.reset();
    this.store.reset(text);
    this._bytes = Buffer.byteLength(text, 'utf8');
    this._characters = codePoints(text);
    this._lines = new LineIndex(text);
  }
}

/** Code points of a UTF-16 string: units less the low halves of well-formed pairs. */
export function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800) pairs++;
  }
  return text.length - pairs;
}

export class DocumentStore {
  private readonly docs = new Map<string, Document>();

  /** Increases with every open and change: which documents were edited last. */
  private clock = 0;
  private readonly touched = new Map<string, number>();

  get(uri: string): Document | undefined {
    return this.docs.get(uri);
  }

  /** The open documents, most recently opened or changed first. */
  recent(): Document[] {
    return [...this.docs.values()].sort((a, b) => (this.touched.get(b.uri) ?? 0) - (this.touched.get(a.uri) ?? 0));
  }

  open(params: DidOpenTextDocumentParams): void {
    const { uri, version, text, languageId } = params.textDocument;
    this.docs.get(uri)?.dispose();
    this.docs.set(uri, new Document(uri, version, text, languageId));
    this.touched.set(uri, ++this.clock);
  }

  change(params: DidChangeTextDocumentParams): void {
    const doc = this.docs.get(params.textDocument.uri);
    if (!doc) return;
    for (const change of params.contentChanges) doc.applyChange(change);
    doc.version = params.textDocument.version;
    this.touched.set(doc.uri, ++this.clock);
  }

  close(uri: string): void {
    this.docs.get(uri)?.dispose();
    this.docs.delete(uri);
    this.touched.delete(uri);
  }
}
