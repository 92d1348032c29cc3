/**
 * Messages between the dynamic-tokenization report's webview (media/dynamic.ts) and the extension
 * (client/src/features/dynamicReportPanel.ts), and the curve's geometry. Both sides check what they receive with
 * the guards below. No DOM and no Node: unit tests import it too.
 */

export type Boundary = 'pretoken' | 'word' | 'superword';
export const BOUNDARIES: readonly Boundary[] = ['pretoken', 'word', 'superword'];

/** One row of the steps table (m = 10, 100, 1000, …). */
export interface StepRow {
  merges: number;
  learned: number;
  tokens: number;
  saving: number;
  savingPct: number;
  newEntries: number;
  newBytes: number;
  definitionTokens: number;
  netSaving: number;
  /** Held-out saving in percent; null when the batch could not be split. */
  heldOutPct: number | null;
}

export interface MergeRow {
  rank: number;
  text: string;
  left: string;
  right: string;
  frequency: number;
  baseTokens: number;
}

export interface CurvePoint {
  merges: number;
  tokens: number;
  heldOutTokens?: number;
}

/** The report as the webview draws it. */
export interface DynamicView {
  title: string;
  scope: 'document' | 'workspace';
  tokenizer: string;
  boundary: Boundary;
  /** Tokenizers the picker offers (the current one among them). */
  tokenizers: string[];
  summary: string[];
  steps: StepRow[];
  curve: CurvePoint[];
  /** Held-out tokens before any merge, for the held-out curve's percentages. */
  heldOutBefore: number | null;
  top: MergeRow[];
  /** Rule code → suggestions found, over the files. */
  suggestionCounts: Array<[string, number]>;
  notes: string[];
  canExport: boolean;
}

/** Extension → webview. */
export type ToWebview = { type: 'report'; view: DynamicView } | { type: 'busy'; message: string } | { type: 'error'; message: string };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'rendered'; rows: number }
  | { type: 'export' }
  | { type: 'options'; tokenizer: string; boundary: Boundary };

export function isBoundary(v: unknown): v is Boundary {
  return BOUNDARIES.includes(v as Boundary);
}

export function isFromWebview(m: unknown): m is FromWebview {
  if (m === null || typeof m !== 'object') return false;
  const d = m as Record<string, unknown>;
  if (d.type === 'ready' || d.type === 'export') return true;
  if (d.type === 'rendered') return typeof d.rows === 'number';
  return d.type === 'options' && typeof d.tokenizer === 'string' && d.tokenizer.length > 0 && isBoundary(d.boundary);
}

export function isToWebview(m: unknown): m is ToWebview {
  if (m === null || typeof m !== 'object') return false;
  const d = m as Record<string, unknown>;
  if (d.type === 'busy' || d.type === 'error') return typeof d.message === 'string';
  if (d.type !== 'report' || d.view === null || typeof d.view !== 'object') return false;
  const v = d.view as Record<string, unknown>;
  return typeof v.title === 'string' && isBoundary(v.boundary) && Array.isArray(v.steps) && Array.isArray(v.curve) && Array.isArray(v.top) && Array.isArray(v.tokenizers);
}

/**
 * The curve as SVG polyline points: x = merges on a log scale (m + 1, so m = 0 is drawn), y = saving in percent of
 * the tokens before (0 at the bottom, `maxPct` at the top). `pick` chooses the series; points without it are left out.
 */
export function curvePoints(curve: readonly CurvePoint[], before: number, pick: (p: CurvePoint) => number | undefined, box: { width: number; height: number; maxPct: number }): string {
  if (curve.length === 0 || before <= 0) return '';
  const maxX = Math.log10(Math.max(...curve.map((p) => p.merges)) + 1) || 1;
  const out: string[] = [];
  for (const p of curve) {
    const tokens = pick(p);
    if (tokens === undefined) continue;
    const pct = (100 * (before - tokens)) / before;
    const x = (box.width * Math.log10(p.merges + 1)) / maxX;
    const y = box.height - (box.height * Math.max(0, pct)) / (box.maxPct || 1);
    out.push(`${round(x)},${round(y)}`);
  }
  return out.join(' ');
}

/** The top of the y axis: the largest saving on either curve, rounded up to a step of 5% (at least 5%). */
export function curveMaxPct(curve: readonly CurvePoint[], before: number, heldOutBefore: number | null): number {
  let max = 0;
  for (const p of curve) {
    if (before > 0) max = Math.max(max, (100 * (before - p.tokens)) / before);
    if (heldOutBefore && p.heldOutTokens !== undefined) max = Math.max(max, (100 * (heldOutBefore - p.heldOutTokens)) / heldOutBefore);
  }
  return Math.max(5, Math.ceil(max / 5) * 5);
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
