/**
 * What the FIM status bar item says (pure, for tests): the mode that ran and why, from the server's report, or the one
 * message of a failure. Kept short in the bar; the tooltip carries the reason, the model and the timing.
 */
import type { FimCompleteResult } from '../../server/src/protocol';

export interface FimStatus {
  text: string;
  tooltip: string;
  /** A failure or a warning: the item is drawn with the warning colour. */
  warn: boolean;
}

/**
 * Text from a server or a file (model names, errors) shown as itself in the Markdown tooltip: no links, images,
 * emphasis, code or HTML. (Every line starts with tokscope's own words, so line-start markup cannot arise.)
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()<>]/g, (c) => '\\' + c);
}

export function fimStatus(result: FimCompleteResult | undefined, enabled: boolean): FimStatus {
  if (!enabled) return { text: '$(circle-slash) FIM', tooltip: 'tokscope FIM completions are off (tokscope.fim.enabled). Click to turn them on.', warn: false };
  if (!result) return { text: '$(sparkle) FIM', tooltip: 'tokscope FIM completions: waiting for the first completion.', warn: false };
  if (result.error) return { text: '$(warning) FIM', tooltip: `tokscope FIM: ${escapeMarkdown(result.error)}`, warn: true };
  const r = result.report;
  if (!r) return { text: '$(sparkle) FIM', tooltip: 'tokscope FIM completions', warn: false };
  const lines = [
    `**${r.mode}** — ${escapeMarkdown(r.reason)}`,
    escapeMarkdown(`${r.backend}${r.model ? ` · ${r.model}` : ''}${r.format ? ` · ${r.format} format` : ''}`),
    r.cached ? `from the type-ahead cache (${r.ms.toFixed(0)} ms)` : `${r.modelCalls} model call${r.modelCalls === 1 ? '' : 's'}${r.byteSteps ? `, ${r.byteSteps} byte${r.byteSteps === 1 ? '' : 's'} decoded byte by byte` : ''}, ${r.ms.toFixed(0)} ms, ended: ${finishText(r.finish)}`,
    ...r.notes.map((n) => `post-processing: ${escapeMarkdown(n)}`),
    ...(r.warning ? [`⚠ ${escapeMarkdown(r.warning)}`] : []),
  ];
  return { text: `$(sparkle) FIM ${r.mode}`, tooltip: lines.join('\n\n'), warn: r.warning !== undefined };
}

function finishText(f: NonNullable<FimCompleteResult['report']>['finish']): string {
  switch (f) {
    case 'eos': return 'the model ended it';
    case 'length': return 'tokscope.fim.maxLength';
    case 'stop': return 'end of line';
    case 'time': return 'time cap (tokscope.fim.timeoutMs)';
    case 'server': return 'the server ended it';
    case 'none': return 'no continuation';
  }
}
