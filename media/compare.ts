/**
 * The compare panel's webview: a table and a bar chart of token counts per tokenizer for the document or selection,
 * tokens per character, and the text coloured token by token in each tokenizer. Runs in the browser sandbox; talks to
 * the extension only through the checked messages of compareMessages.ts; builds DOM nodes, never HTML strings.
 */
import { type FromWebview, isToWebview, type ToWebview } from './compareMessages';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(data: ToWebview): void {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  root.append(el('h2', undefined, data.title));
  const max = Math.max(1, ...data.rows.map((r) => r.count));
  const table = el('table');
  const head = el('tr');
  for (const h of ['tokenizer', 'tokens', 'tokens / char', '']) head.append(el('th', undefined, h));
  table.append(head);
  for (const r of data.rows) {
    const tr = el('tr');
    tr.append(el('td', undefined, r.exact ? r.tokenizer : `${r.tokenizer} (estimate)`));
    tr.append(el('td', 'num', r.error ? '—' : r.count.toLocaleString('en-US')));
    tr.append(el('td', 'num', r.error || data.characters === 0 ? '—' : (r.count / data.characters).toFixed(3)));
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
  root.append(table);
  if (data.piecesOmitted) root.append(el('p', 'note', 'The text is too long to show token by token; select a part of it.'));
  for (const r of data.rows) {
    if (!r.pieces) continue;
    root.append(el('h3', undefined, r.tokenizer));
    const view = el('pre', 'tokens');
    r.pieces.forEach((p, i) => view.append(el('span', i % 2 ? 'odd' : 'even', p)));
    root.append(view);
  }
  vscode.setState(data);
  vscode.postMessage({ type: 'rendered', rows: data.rows.length });
}

window.addEventListener('message', (event: MessageEvent) => {
  if (isToWebview(event.data)) render(event.data);
});
document.getElementById('refresh')?.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
const saved = vscode.getState();
if (isToWebview(saved)) render(saved);
vscode.postMessage({ type: 'ready' });
