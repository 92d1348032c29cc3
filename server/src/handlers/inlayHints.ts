/** Inlay hints: the token count of each line at its end, in the active tokenizer, when `tokscope.inlayHints.enabled`. */
import { type CancellationToken, type InlayHint, InlayHintKind, type InlayHintParams } from 'vscode-languageserver';
import { offsetsOf, type ServerContext, spansUnavailable, throwIfCancelled, tokenizerFor } from './common';
import { countLines } from './spans';
import { isTokompiler, TOKOMPILER, tokompilerLineCounts, tokompilerResult } from './tokompiler';

export async function inlayHints(ctx: ServerContext, params: InlayHintParams, token: CancellationToken): Promise<InlayHint[] | null> {
  const doc = ctx.documents.get(params?.textDocument?.uri);
  if (!doc) return null;
  const settings = await ctx.settings.get(doc.uri);
  throwIfCancelled(token);
  if (!settings.inlayHints.enabled || spansUnavailable(doc, settings)) return null;
  const [from, to] = offsetsOf(doc, params.range);
  const startLine = doc.lines.lineAt(from);
  const endLine = doc.lines.lineAt(to);
  const tompiled = isTokompiler(settings.activeTokenizer);
  const tok = tompiled ? undefined : tokenizerFor(ctx, settings.activeTokenizer, settings);
  const counts = tok ? countLines(doc, tok, startLine, endLine) : tokompilerLineCounts(doc, await tokompilerResult(doc, settings, token), startLine, endLine);
  const tokName = tok?.name ?? TOKOMPILER;
  const hints: InlayHint[] = [];
  for (let i = 0; i < counts.length; i++) {
    const line = startLine + i;
    const end = doc.lines.lineContentEnd(doc.source, line);
    if (end === doc.lines.lineStart(line) && counts[i] === 0) continue;
    hints.push({
      position: doc.positionAt(end),
      label: `${counts[i]} tok`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `${counts[i]} ${tokName} tokens start on this line`,
    });
  }
  return hints;
}
