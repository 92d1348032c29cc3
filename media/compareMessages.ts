/**
 * Messages between the compare panel's webview (media/compare.ts) and the extension (client/src/features/
 * comparePanel.ts). Both sides check what they receive with the guards below before using it.
 */
export interface CompareRow {
  tokenizer: string;
  count: number;
  exact: boolean;
  /** Each token's text, for the coloured token view; absent over the size cap or on error. */
  pieces?: string[];
  error?: string;
}

/** The compare view: counts and pieces per tokenizer. */
export type CompareData = { type: 'data'; title: string; characters: number; piecesOmitted: boolean; rows: CompareRow[] };

/** One citation or term of the domain savings report. */
export interface ReportItemRow {
  text: string;
  /** `citation`, `term` or `term (defined)`. */
  kind: string;
  occurrences: number;
  /** Whether the costs are of the text with the space before it. */
  leadingSpace: boolean;
  /** Tokens per occurrence, aligned with `ReportData.tokenizers` (null: not counted). */
  costs: Array<number | null>;
  saving: number;
  cheapest?: string;
}

/** The domain savings report: counts per tokenizer (bar chart) and the costliest citations and terms (table). */
export type ReportData = {
  type: 'report';
  title: string;
  characters: number;
  notes: string[];
  tokenizers: string[];
  counts: CompareRow[];
  items: ReportItemRow[];
};

/** Extension → webview. */
export type ToWebview = CompareData | ReportData;

export type ExportFormat = 'markdown' | 'csv';

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'rendered'; rows: number }
  | { type: 'reportRendered'; items: number }
  | { type: 'export'; format: ExportFormat };

export function isFromWebview(m: unknown): m is FromWebview {
  if (m === null || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'ready' || t === 'refresh') return true;
  if (t === 'rendered') return typeof (m as { rows?: unknown }).rows === 'number';
  if (t === 'reportRendered') return typeof (m as { items?: unknown }).items === 'number';
  const format = (m as { format?: unknown }).format;
  return t === 'export' && (format === 'markdown' || format === 'csv');
}

export function isToWebview(m: unknown): m is ToWebview {
  if (m === null || typeof m !== 'object') return false;
  const d = m as Partial<CompareData> | Partial<ReportData>;
  if (typeof d.title !== 'string' || typeof d.characters !== 'number') return false;
  if (d.type === 'data') return Array.isArray(d.rows);
  return d.type === 'report' && Array.isArray(d.notes) && Array.isArray(d.tokenizers) && Array.isArray(d.counts) && Array.isArray(d.items);
}
