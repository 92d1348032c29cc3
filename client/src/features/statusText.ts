/**
 * What the status bar item says, without `vscode` so that it can be unit-tested: the text
 * (`12,480 / 128k o200k_base`) and the tooltip's Markdown table.
 */
import type { TokenizerStats } from '../../../server/src/protocol';

/** The fields of a tokenizer's stats the status bar shows. */
export type CountRow = Pick<TokenizerStats, 'tokenizer' | 'count' | 'exact' | 'error' | 'bosNote'>;

/** `12480` → `12,480`. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** A context window the way model cards write it: `128k` for 128,000, `32K` for 32,768, else the number. */
export function formatWindow(n: number): string {
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return formatCount(n);
}

/**
 * The item's text: the document's count of the active tokenizer against the window, preceded by the selection's
 * count when there is a selection.
 */
export function statusText(tokenizer: string, documentCount: number, selectionCount: number | undefined, contextWindow: number): string {
  const prefix = selectionCount === undefined ? '' : `sel ${formatCount(selectionCount)} · `;
  return `$(symbol-numeric) ${prefix}${formatCount(documentCount)} / ${formatWindow(contextWindow)} ${tokenizer}`;
}

/** The share of the window, one decimal: `9.8%`; `-` for a window that is not a positive number. */
export function share(count: number, contextWindow: number): string {
  return contextWindow > 0 && Number.isFinite(contextWindow) ? `${((100 * count) / contextWindow).toFixed(1)}%` : '-';
}

/**
 * Escapes what would end a table cell or start Markdown formatting (tokenizer names can be `hf:` paths). An underscore
 * inside a word (`o200k_base`) cannot start emphasis and stays as it is.
 */
export function escapeCell(s: string): string {
  return s.replace(/[\\`*[\]<>|#]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, (c) => `\\${c}`);
}

/** One row of the tooltip's table per tokenizer, in the order given. */
export function tooltipRows(doc: CountRow[], sel: CountRow[] | undefined, contextWindow: number): string[] {
  return doc.map((s) => {
    const name = `${escapeCell(s.tokenizer)}${s.exact ? '' : ' (estimate)'}${s.error ? ' ⚠' : ''}`;
    const selCount = sel?.find((x) => x.tokenizer === s.tokenizer)?.count;
    const selCell = sel ? `${selCount === undefined ? '' : formatCount(selCount)} | ` : '';
    return `| ${name} | ${formatCount(s.count)} | ${selCell}${share(s.count, contextWindow)} |`;
  });
}

/** The whole tooltip: a heading, the table, and the BOS note of the first tokenizer that has one. */
export function tooltipMarkdown(doc: CountRow[], sel: CountRow[] | undefined, contextWindow: number): string {
  const head = `| tokenizer | document | ${sel ? 'selection | ' : ''}of ${formatCount(contextWindow)} |\n|---|---:|${sel ? '---:|' : ''}---:|`;
  const bos = doc.find((s) => s.bosNote)?.bosNote;
  return `**tokscope** — click to choose the tokenizer\n\n${head}\n${tooltipRows(doc, sel, contextWindow).join('\n')}\n${bos ? `\n${bos}` : ''}`;
}
