/**
 * What every handler shares: the server context, tokenizer lookup under the workspace's trust, cancellation, and the
 * wrapper that turns any failure into a JSON-RPC error instead of an unhandled rejection.
 */
import { type CancellationToken, type Connection, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Document, DocumentStore } from '../documents';
import type { FimCompletionReport, Unavailable } from '../protocol';
import { allowedTokenizerName, registryOptions, type Settings, type SettingsCache } from '../settings';
import { getTokenizer, listTokenizers, UnknownTokenizerError, type RegistryOptions } from '../tokenizers/registry';
import type { FimService } from '../fim/service';
import type { Tokenizer } from '../tokenizers/types';
import type { Timings } from '../timings';

export interface ServerContext {
  connection: Connection;
  documents: DocumentStore;
  settings: SettingsCache;
  /** From the client's initializationOptions; false unless the client says so. */
  trusted: boolean;
  /** The extension's KL3M download folder, from the client's initializationOptions (see `registryOptions`). */
  kl3mStorage?: string;
  timings: Timings;
  /** The FIM completion service, created on the first completion or check (handlers/fimComplete.ts). */
  fim?: FimService;
  /** Where the last FIM completion was asked for and how it was made (the hover on that line repeats it). */
  fimLast?: { uri: string; line: number; report: FimCompletionReport };
  /** The registry folders of the last settings read, for tokenizers the FIM service loads. */
  lastRegistryOptions?: RegistryOptions;
}

/** Thrown inside handlers to end a cancelled request; `guard` answers it with RequestCancelled. */
class Cancelled extends Error {}

export function isCancellation(e: unknown): boolean {
  return e instanceof Cancelled;
}

export function throwIfCancelled(token: CancellationToken): void {
  if (token.isCancellationRequested) throw new Cancelled();
}

/** Waits for `promise`, but gives up as soon as the request is cancelled (the work itself goes on in the background). */
export function awaitOrCancel<T>(promise: Promise<T>, token: CancellationToken): Promise<T> {
  throwIfCancelled(token);
  return new Promise<T>((resolve, reject) => {
    const sub = token.onCancellationRequested(() => reject(new Cancelled()));
    promise.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e: unknown) => {
        sub.dispose();
        reject(e);
      },
    );
  });
}

/** Wraps a handler: cancellations, bad parameters and bugs all become error responses; nothing escapes. */
export function guard<P, R>(ctx: ServerContext, name: string, fn: (params: P, token: CancellationToken) => Promise<R>) {
  return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
    const t0 = performance.now();
    try {
      return await fn(params, token);
    } catch (e) {
      if (e instanceof Cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      if (e instanceof ResponseError) return e as ResponseError<void>;
      ctx.connection.console.error(`tokscope: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      ctx.timings.record(name, performance.now() - t0);
    }
  };
}

export function invalidParams(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

export function openDocument(ctx: ServerContext, uri: unknown): Document {
  const doc = typeof uri === 'string' ? ctx.documents.get(uri) : undefined;
  if (!doc) throw invalidParams(`document not open: ${String(uri)}`);
  return doc;
}

/** Loads a tokenizer by name, refusing path-based names in an untrusted workspace. */
export function tokenizerFor(ctx: ServerContext, name: unknown, settings: Settings): Tokenizer {
  if (!allowedTokenizerName(name, ctx.trusted)) throw invalidParams(`tokenizer not allowed here: ${String(name)}`);
  try {
    return getTokenizer(name, registryOptions(settings, ctx.kl3mStorage));
  } catch (e) {
    throw e instanceof UnknownTokenizerError ? invalidParams(e.message) : invalidParams(`${name}: ${(e as Error).message}`);
  }
}

const exactness = new Map<string, boolean>();

/** Whether counts in this tokenizer are the model's own (the registry says; `hf:`/`gguf:` files are exact). */
export function isExact(name: string): boolean {
  if (exactness.size === 0) for (const info of listTokenizers()) exactness.set(info.name, info.exact);
  return exactness.get(name) ?? true;
}

/** Why a document gets counts but no spans, or undefined when it gets spans. */
export function spansUnavailable(doc: Document, settings: Settings): Unavailable | undefined {
  if (doc.length > settings.maxFileSize || doc.bytes > settings.maxFileSize) return 'tooLarge';
  if (doc.looksBinary) return 'binary';
  return undefined;
}

/** A note on the BOS token a model prepends and counts leave out, if it has one. */
export function bosNote(tok: Tokenizer): string | undefined {
  if (tok.bosId === undefined) return undefined;
  let text = `id ${tok.bosId}`;
  for (const [name, id] of tok.specialTokens) if (id === tok.bosId) text = name;
  return `the model prepends ${text}: add 1 for a prompt`;
}

/** Document offsets of an LSP range, ordered. */
export function offsetsOf(doc: Document, range: { start: { line: number; character: number }; end: { line: number; character: number } }): [number, number] {
  const a = doc.offsetAt(range.start);
  const b = doc.offsetAt(range.end);
  return a <= b ? [a, b] : [b, a];
}
