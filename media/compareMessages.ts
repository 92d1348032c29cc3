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

/** Extension → webview. */
export type ToWebview = { type: 'data'; title: string; characters: number; piecesOmitted: boolean; rows: CompareRow[] };

/** Webview → extension. */
export type FromWebview = { type: 'ready' } | { type: 'refresh' } | { type: 'rendered'; rows: number };

export function isFromWebview(m: unknown): m is FromWebview {
  if (m === null || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'ready' || t === 'refresh') return true;
  return t === 'rendered' && typeof (m as { rows?: unknown }).rows === 'number';
}

export function isToWebview(m: unknown): m is ToWebview {
  if (m === null || typeof m !== 'object') return false;
  const d = m as Partial<ToWebview>;
  return d.type === 'data' && typeof d.title === 'string' && typeof d.characters === 'number' && Array.isArray(d.rows);
}
