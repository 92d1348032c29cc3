/**
 * The domain savings report as the compare panel shows it and as it is exported (a Markdown table, CSV). Pure: no
 * `vscode`, so node's test runner checks it headless.
 */
import type { ExportFormat, ReportData } from '../../media/compareMessages';
import type { DomainReportItem, DomainReportResult } from '../../server/src/protocol';

export type { ExportFormat };

export function isExportFormat(value: unknown): value is ExportFormat {
  return value === 'markdown' || value === 'csv';
}

/** The cost columns: every tokenizer that was counted without error, in the report's order (o200k_base always). */
export function costColumns(report: DomainReportResult): string[] {
  const names = report.counts.filter((c) => !c.error).map((c) => c.tokenizer);
  return names.includes('o200k_base') ? names : ['o200k_base', ...names];
}

function kindLabel(item: DomainReportItem): string {
  return item.defined ? `${item.kind} (defined)` : item.kind;
}

/** What the numbers mean, and what was left out; one sentence each. */
export function reportNotes(report: DomainReportResult): string[] {
  const notes = [
    'Costs are tokens per occurrence, counted as the text occurs: with the space before it where marked ␠. ' +
      'Saving = occurrences × (o200k_base − the cheapest of domain and the KL3M tokenizers).',
  ];
  if (report.distinctItems > report.items.length) notes.push(`The ${report.items.length} costliest of ${report.distinctItems} distinct items, by occurrences × o200k_base cost.`);
  if (report.truncated) notes.push(`Only the first ${report.scanned.toLocaleString('en-US')} of ${report.length.toLocaleString('en-US')} characters were scanned for items; the counts cover all of them.`);
  return notes;
}

/** What the webview renders: plain rows, costs aligned with `tokenizers`. */
export function reportView(report: DomainReportResult, title: string): ReportData {
  const tokenizers = costColumns(report);
  return {
    type: 'report',
    title,
    characters: report.length,
    notes: reportNotes(report),
    tokenizers,
    counts: report.counts.map((c) => ({ tokenizer: c.tokenizer, count: c.count, exact: c.exact, error: c.error })),
    items: report.items.map((i) => ({
      text: i.text,
      kind: kindLabel(i),
      occurrences: i.occurrences,
      leadingSpace: i.leadingSpace,
      costs: tokenizers.map((t) => i.costs[t] ?? null),
      saving: i.saving,
      cheapest: i.cheapest,
    })),
  };
}

/** A code span for a Markdown table cell: survives backticks inside, and escapes the cell separator. */
export function markdownCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`.replace(/\|/g, '\\|');
}

export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

export function reportMarkdown(report: DomainReportResult, title: string): string {
  const columns = costColumns(report);
  const lines = [`# Domain savings report: ${markdownCell(title)}`, '', row(['tokenizer', 'tokens']), row(['---', '---:'])];
  for (const c of report.counts) lines.push(row([markdownCell(c.tokenizer), c.error ? `— (${markdownCell(c.error)})` : c.count]));
  lines.push('', row(['item', 'kind', 'occurrences', ...columns.map(markdownCell), 'saving']), row(['---', '---', '---:', ...columns.map(() => '---:'), '---:']));
  for (const i of report.items) {
    const saving = i.cheapest ? `${i.saving} (${markdownCell(i.cheapest)})` : String(i.saving);
    lines.push(row([`${i.leadingSpace ? '␠' : ''}${markdownCode(i.text)}`, kindLabel(i), i.occurrences, ...columns.map((t) => i.costs[t] ?? '—'), saving]));
  }
  if (report.items.length === 0) lines.push('', 'No citations or financial or legal terms found.');
  lines.push('', ...reportNotes(report));
  return lines.join('\n') + '\n';
}

/** One CSV field (RFC 4180): quoted when it holds a quote, a comma or a line break, quotes doubled. */
export function csvField(value: string | number | boolean): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The items as CSV (RFC 4180, CRLF line ends), one column per tokenizer's cost; the header names them. */
export function reportCsv(report: DomainReportResult): string {
  const columns = costColumns(report);
  const lines = [['item', 'kind', 'defined', 'occurrences', 'leading_space', ...columns, 'cheapest', 'saving']];
  for (const i of report.items) {
    lines.push([i.text, i.kind, String(i.defined === true), String(i.occurrences), String(i.leadingSpace), ...columns.map((t) => (i.costs[t] === undefined ? '' : String(i.costs[t]))), i.cheapest ?? '', String(i.saving)]);
  }
  return lines.map((cells) => cells.map(csvField).join(',')).join('\r\n') + '\r\n';
}
