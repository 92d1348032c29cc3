/**
 * The compare panel's webview: a table and a bar chart of token counts per tokenizer for the document or selection,
 * tokens per character, and the text coloured token by token in each tokenizer; in report mode, the domain savings
 * report (counts, and the costliest citations and terms with export buttons). Runs in the browser sandbox; talks to
 * the extension only through the checked messages of compareMessages.ts; builds DOM nodes, never HTML strings.
 */
import { type CompareData, type CompareRow, type FromWebview, isToWebview, type ReportData, type ToWebview } from './compareMessages';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Counts per tokenizer: a table with a bar per row, scaled to the largest count. */
function countsTable(rows: CompareRow[], characters: number): HTMLTableElement {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const table = el('table');
  const head = el('tr');
  for (const h of ['tokenizer', 'tokens', 'tokens / char', '']) head.append(el('th', undefined, h));
  table.append(head);
  for (const r of rows) {
    const tr = el('tr');
    tr.append(el('td', undefined, r.exact ? r.tokenizer : `${r.tokenizer} (estimate)`));
    tr.append(el('td', 'num', r.error ? '—' : r.count.toLocaleString('en-US')));
    tr.append(el('td', 'num', r.error || characters === 0 ? '—' : (r.count / characters).toFixed(3)));
    const barCell = el('td', 'bar');
    if (r.error) barCell.append(el('span', 'error', r.error));
    else {
      const bar = el('div', 'fill');
      bar.style.width = `${(100 * r.count) / max}%`;
      barCell.append(bar);
    }
    tr.append(barCell);
    table.append(tr);
  }
  return table;
}

function renderCompare(root: HTMLElement, data: CompareData): void {
  root.append(el('h2', undefined, data.title));
  root.append(countsTable(data.rows, data.characters));
  if (data.piecesOmitted) root.append(el('p', 'note', 'The text is too long to show token by token; select a part of it.'));
  for (const r of data.rows) {
    if (!r.pieces) continue;
    root.append(el('h3', undefined, r.tokenizer));
    const view = el('pre', 'tokens');
    r.pieces.forEach((p, i) => view.append(el('span', i % 2 ? 'odd' : 'even', p)));
    root.append(view);
  }
  vscode.postMessage({ type: 'rendered', rows: data.rows.length });
}

function renderReport(root: HTMLElement, data: ReportData): void {
  root.append(el('h2', undefined, `Domain savings: ${data.title}`));
  const actions = el('div', 'actions');
  for (const [label, format] of [['Export Markdown', 'markdown'], ['Export CSV', 'csv']] as const) {
    const button = el('button', undefined, label);
    button.addEventListener('click', () => vscode.postMessage({ type: 'export', format }));
    actions.append(button);
  }
  root.append(actions, countsTable(data.counts, data.characters));
  if (data.items.length === 0) root.append(el('p', 'note', 'No citations or financial or legal terms found.'));
  else {
    const table = el('table', 'items');
    const head = el('tr');
    for (const h of ['item', 'kind', 'occurrences', ...data.tokenizers, 'saving']) head.append(el('th', undefined, h));
    table.append(head);
    for (const item of data.items) {
      const tr = el('tr');
      const text = el('td');
      if (item.leadingSpace) {
        const space = el('span', 'space', '␠');
        space.title = 'counted with the space before it, as in the text';
        text.append(space);
      }
      text.append(el('code', undefined, item.text));
      tr.append(text, el('td', undefined, item.kind), el('td', 'num', String(item.occurrences)));
      for (const cost of item.costs) tr.append(el('td', 'num', cost === null ? '—' : String(cost)));
      tr.append(el('td', 'num', item.cheapest ? `${item.saving} (${item.cheapest})` : String(item.saving)));
      table.append(tr);
    }
    root.append(table);
  }
  for (const note of data.notes) root.append(el('p', 'note', note));
  vscode.postMessage({ type: 'reportRendered', items: data.items.length });
}

function render(data: ToWebview): void {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  if (data.type === 'report') renderReport(root, data);
  else renderCompare(root, data);
  vscode.setState(data);
}

window.addEventListener('message', (event: MessageEvent) => {
  if (isToWebview(event.data)) render(event.data);
});
document.getElementById('refresh')?.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
const saved = vscode.getState();
if (isToWebview(saved)) render(saved);
vscode.postMessage({ type: 'ready' });
