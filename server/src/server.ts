/**
 * The tokscope language server: capabilities and handler registration only. Runs over stdio (`--stdio`) or IPC
 * (`--node-ipc`), as `dist/server.js` or `tokscope lsp --stdio`; it exits when its input closes.
 */
import { createConnection, type InitializeParams, type InitializeResult, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { DocumentStore } from './documents';
import { guard, type ServerContext } from './handlers/common';
import { compare } from './handlers/compare';
import { domainReport } from './handlers/domainReport';
import { dynamicReport } from './handlers/dynamicReport';
import { dynamicSuggestions } from './handlers/dynamicSuggestions';
import { hover } from './handlers/hover';
import { inlayHints } from './handlers/inlayHints';
import { lineCounts, tokenSpans } from './handlers/spans';
import { documentStats, listTokenizers } from './handlers/stats';
import { fimCheck } from './handlers/fimCheck';
import { fimComplete } from './handlers/fimComplete';
import { tokompileDocument } from './handlers/tokompiler';
import { CompareRequest, DocumentStatsRequest, DomainReportRequest, LineCountsRequest, ListTokenizersRequest, ServerTimingsRequest, TokenSpansRequest, TokompileRequest, FimCheckRequest, FimCompleteRequest } from './protocol';
import { DynamicReportRequest, DynamicSuggestionsRequest } from './protocol';
import { initOptions, SettingsCache } from './settings';
import { Timings } from './timings';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new DocumentStore();
  // Replaced in onInitialize, once the client has said what it supports and whether the workspace is trusted.
  const ctx: ServerContext = { connection, documents, settings: new SettingsCache(connection, false, false), trusted: false, timings: new Timings() };
  let canRefreshHints = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = initOptions(params.initializationOptions);
    ctx.trusted = init.trusted;
    ctx.kl3mStorage = init.kl3mStorage;
    ctx.settings = new SettingsCache(connection, params.capabilities.workspace?.configuration === true, ctx.trusted);
    canRefreshHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        inlayHintProvider: true,
      },
      serverInfo: { name: 'tokscope' },
    };
  });

  connection.onDidOpenTextDocument((p) => documents.open(p));
  connection.onDidChangeTextDocument((p) => ctx.timings.measure('textDocument/didChange', () => documents.change(p)));
  connection.onDidCloseTextDocument((p) => documents.close(p.textDocument.uri));
  connection.onDidChangeConfiguration((p) => {
    ctx.settings.clear(p.settings);
    ctx.fim?.retry();
    if (canRefreshHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  });

  connection.onHover(guard(ctx, 'textDocument/hover', (p, t) => hover(ctx, p, t)));
  connection.languages.inlayHint.on(guard(ctx, 'textDocument/inlayHint', (p, t) => inlayHints(ctx, p, t)));
  connection.onRequest(TokenSpansRequest.type, guard(ctx, TokenSpansRequest.method, (p, t) => tokenSpans(ctx, p, t)));
  connection.onRequest(LineCountsRequest.type, guard(ctx, LineCountsRequest.method, (p, t) => lineCounts(ctx, p, t)));
  connection.onRequest(DocumentStatsRequest.type, guard(ctx, DocumentStatsRequest.method, (p, t) => documentStats(ctx, p, t)));
  const list = guard(ctx, ListTokenizersRequest.method, (_: void, t) => listTokenizers(ctx, t));
  connection.onRequest(ListTokenizersRequest.type, (t) => list(undefined, t));
  connection.onRequest(CompareRequest.type, guard(ctx, CompareRequest.method, (p, t) => compare(ctx, p, t)));
  const check = guard(ctx, FimCheckRequest.method, (_: void, t) => fimCheck(ctx, t));
  connection.onRequest(FimCompleteRequest.type, guard(ctx, FimCompleteRequest.method, (p, t) => fimComplete(ctx, p, t)));
  connection.onRequest(FimCheckRequest.type, (t) => check(undefined, t));
  connection.onRequest(TokompileRequest.type, guard(ctx, TokompileRequest.method, (p, t) => tokompileDocument(ctx, p, t)));
  connection.onRequest(DomainReportRequest.type, guard(ctx, DomainReportRequest.method, (p, t) => domainReport(ctx, p, t)));
  connection.onRequest(DynamicSuggestionsRequest.type, guard(ctx, DynamicSuggestionsRequest.method, (p, t) => dynamicSuggestions(ctx, p, t)));
  connection.onRequest(DynamicReportRequest.type, guard(ctx, DynamicReportRequest.method, (p, t) => dynamicReport(ctx, p, t)));
  connection.onRequest(ServerTimingsRequest.type, (p) => ctx.timings.snapshot(p?.clear === true));

  // An in-process model holds memory and threads: free it when the client shuts the server down.
  connection.onShutdown(() => ctx.fim?.dispose());

  connection.listen();
}
