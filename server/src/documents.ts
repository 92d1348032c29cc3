/**
 * Open documents: the full text (incremental `didChange` events applied here), a line index, and per tokenizer a
 * `TokenState` created on first request and updated on every change.
 */
import type { DidChangeTextDocumentParams, DidOpenTextDocumentParams, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineIndex, type Position } from './lineIndex';
import { TokenState } from './tokenState';
import type { Tokenizer } from './tokenizers/types';

/** How much of the start of a document is looked at for NUL characters to call it binary. */
const BINARY_PROBE = 8192;

export class Document {
  private _text: string;
  private _lines: LineIndex;
  private _bytes: number | undefined;
  private readonly states = new Map<Tokenizer, TokenState>();

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
  ) {
    this._text = text;
    this._lines = new LineIndex(text);
  }

  get text(): string {
    return this._text;
  }

  get lines(): LineIndex {
    return this._lines;
  }

  /** UTF-8 size, computed once per version. */
  get bytes(): number {
    this._bytes ??= Buffer.byteLength(this._text, 'utf8');
    return this._bytes;
  }

  get looksBinary(): boolean {
    return this._text.slice(0, BINARY_PROBE).includes('\0');
  }

  offsetAt(pos: Position): number {
    return this._lines.offsetAt(this._text, pos);
  }

  positionAt(offset: number): Position {
    return this._lines.positionAt(offset);
  }

  /** The token state of one tokenizer; tokenizers are cached by the registry, so identity is a fine key. */
  tokens(tokenizer: Tokenizer): TokenState {
    let state = this.states.get(tokenizer);
    if (!state) {
      state = new TokenState(tokenizer, () => this._text);
      this.states.set(tokenizer, state);
    }
    return state;
  }

  applyChange(change: TextDocumentContentChangeEvent): void {
    if (!('range' in change) || !change.range) {
      this.replaceAll(change.text);
      return;
    }
    const start = this.offsetAt(change.range.start);
    const end = Math.max(start, this.offsetAt(change.range.end));
    this._text = this._text.slice(0, start) + change.text + this._text.slice(end);
    this._bytes = undefined;
    this._lines.edit(this._text, start, end, change.text.length);
    for (const state of this.states.values()) state.edit(start, end, change.text);
  }

  dispose(): void {
    for (const state of this.states.values()) state.dispose();
    this.states.clear();
  }

  private replaceAll(text: string): void {
    for (const state of this.states.values()) state.reset();
    this._text = text;
    this._bytes = undefined;
    this._lines = new LineIndex(text);
  }
}

export class DocumentStore {
  private readonly docs = new Map<string, Document>();

  get(uri: string): Document | undefined {
    return this.docs.get(uri);
  }

  open(params: DidOpenTextDocumentParams): void {
    const { uri, version, text } = params.textDocument;
    this.docs.get(uri)?.dispose();
    this.docs.set(uri, new Document(uri, version, text));
  }

  change(params: DidChangeTextDocumentParams): void {
    const doc = this.docs.get(params.textDocument.uri);
    if (!doc) return;
    for (const change of params.contentChanges) doc.applyChange(change);
    doc.version = params.textDocument.version;
  }

  close(uri: string): void {
    this.docs.get(uri)?.dispose();
    this.docs.delete(uri);
  }
}
