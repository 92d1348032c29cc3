/**
 * The dynamic-tokenization report's webview: the savings-vs-merges curve (inline SVG, in-batch and held out), the
 * steps table at 10/100/1000 merges, the tokenizer and boundary pickers, the suggestions found, the top merges with
 * their pieces, and the export button. Runs in the browser sandbox; talks to the extension only through the checked
 * messages of dynamicMessages.ts; builds DOM nodes, never HTML strings.
 */
import { BOUNDARIES, curveMaxPct, curvePoints, type DynamicView, type FromWebview, isBoundary, isToWebview, type ToWebview } from './dynamicMessages';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const n = (x: number) => x.toLocaleString('en-US');
/** A token's text with its blanks visible. */
const visible = (s: string) => s.replace(/ /g, '·').replace(/\t/g, '→').replace(/\n/g, '⏎');

/** A table in a box that scrolls sideways when the panel is narrow. */
function table(head: string[], rows: Array<Array<string | HTMLElement>>, numeric: (col: number) => boolean): HTMLElement {
  const box = el('div', 'scroll');
  const t = el('table');
  box.append(t);
  const tr = el('tr');
  for (const h of head) tr.append(el('th', undefined, h));
  t.append(tr);
  for (const row of rows) {
    const r = el('tr');
    row.forEach((cell, i) => {
      const td = el('td', numeric(i) ? 'num' : undefined);
      td.append(cell);
      r.append(td);
    });
    t.append(r);
  }
  return box;
}

/** Saving in % against merges (log scale): the batch itself, and the held-out part when there is one. */
function curve(view: DynamicView): SVGElement {
  const width = 520;
  const height = 200;
  const pad = { left: 44, bottom: 28, top: 10, right: 28 };
  const root = svg('svg', { viewBox: `0 0 ${width + pad.left + pad.right} ${height + pad.top + pad.bottom}`, class: 'curve', role: 'img' });
  const before = view.curve[0]?.tokens ?? 0;
  const maxPct = curveMaxPct(view.curve, before, view.heldOutBefore);
  const box = { width, height, maxPct };
  const g = svg('g', { transform: `translate(${pad.left},${pad.top})` });
  root.append(svg('title', {}, 'Token saving (%) against the number of merges (log scale)'), g);
  g.append(svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: height, class: 'axis' }));
  // maxPct is a multiple of 5: five steps give whole percents.
  for (let k = 0; k <= 5; k++) {
    const y = height - (height * k) / 5;
    g.append(svg('line', { x1: 0, y1: y, x2: width, y2: y, class: 'grid' }));
    g.append(svg('text', { x: -6, y: y + 4, 'text-anchor': 'end', class: 'label' }, `${(maxPct * k) / 5}%`));
  }
  const maxM = Math.max(1, ...view.curve.map((p) => p.merges));
  for (let m = 1; m <= maxM; m *= 10) {
    const x = (width * Math.log10(m + 1)) / Math.log10(maxM + 1);
    g.append(svg('text', { x, y: height + 18, 'text-anchor': 'middle', class: 'label' }, n(m)));
  }
  g.append(svg('polyline', { points: curvePoints(view.curve, before, (p) => p.tokens, box), class: 'series batch' }));
  if (view.heldOutBefore) g.append(svg('polyline', { points: curvePoints(view.curve, view.heldOutBefore, (p) => p.heldOutTokens, box), class: 'series heldout' }));
  return root;
}

function pickers(view: DynamicView): HTMLElement {
  const bar = el('div', 'actions');
  const tok = el('select');
  tok.id = 'tokenizer';
  for (const name of view.tokenizers) {
    const o = el('option', undefined, name);
    o.value = name;
    o.selected = name === view.tokenizer;
    tok.append(o);
  }
  const bnd = el('select');
  bnd.id = 'boundary';
  for (const b of BOUNDARIES) {
    const o = el('option', undefined, b);
    o.value = b;
    o.selected = b === view.boundary;
    bnd.append(o);
  }
  const changed = () => {
    if (isBoundary(bnd.value)) vscode.postMessage({ type: 'options', tokenizer: tok.value, boundary: bnd.value });
  };
  tok.addEventListener('change', changed);
  bnd.addEventListener('change', changed);
  const exp = el('button', undefined, 'Export merges…');
  exp.id = 'export';
  exp.disabled = !view.canExport;
  exp.title = 'Save the merges as a tokscope-dynamic/1 file with Hugging Face added_tokens';
  exp.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
  bar.append(el('label', undefined, 'tokenizer '), tok, el('label', undefined, 'boundary '), bnd, exp);
  return bar;
}

function render(view: DynamicView): number {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  root.append(el('h2', undefined, `Dynamic tokenization: ${view.title}`), pickers(view));
  for (const line of view.summary) root.append(el('p', undefined, line));
  root.append(curve(view));
  const legend = el('p', 'legend');
  legend.append(el('span', 'key batch', '— in the batch'), el('span', 'key heldout', view.heldOutBefore ? '— held out' : ''));
  root.append(legend);
  root.append(el('h3', undefined, 'Savings by number of merges'));
  root.append(
    table(
      ['merges', 'learned', 'tokens', 'saving', 'saving %', 'new entries', 'new bytes', 'definition tokens', 'net saving', 'held-out saving %'],
      view.steps.map((s) => [n(s.merges), n(s.learned), n(s.tokens), n(s.saving), s.savingPct.toFixed(2), n(s.newEntries), n(s.newBytes), n(s.definitionTokens), n(s.netSaving), s.heldOutPct === null ? '—' : s.heldOutPct.toFixed(2)]),
      () => true,
    ),
  );
  if (view.suggestionCounts.length) {
    root.append(el('h3', undefined, 'Suggestions found'));
    root.append(table(['rule', 'count'], view.suggestionCounts.map(([code, count]) => [code, n(count)]), (i) => i === 1));
  }
  root.append(el('h3', undefined, 'Top merges'));
  if (view.top.length === 0) root.append(el('p', 'note', 'No pair occurs twice: nothing to merge.'));
  else {
    const code = (s: string) => el('code', undefined, visible(s));
    const pieces = (l: string, r: string) => {
      const span = el('span');
      span.append(code(l), ' + ', code(r));
      return span;
    };
    root.append(table(['rank', 'new token', 'pieces', 'frequency (= tokens saved)', 'base tokens'], view.top.map((m) => [String(m.rank + 1), code(m.text), pieces(m.left, m.right), n(m.frequency), String(m.baseTokens)]), (i) => i === 0 || i >= 3));
  }
  for (const note of view.notes) root.append(el('p', 'note', note));
  return view.steps.length + view.top.length;
}

function show(msg: ToWebview): void {
  const status = document.getElementById('status')!;
  if (msg.type === 'report') {
    status.textContent = '';
    const rows = render(msg.view);
    vscode.setState(msg);
    vscode.postMessage({ type: 'rendered', rows });
    return;
  }
  // A run on its way, or one that failed: said above the last report, which stays.
  status.className = msg.type === 'error' ? 'error' : 'note';
  status.textContent = msg.message;
}

window.addEventListener('message', (event: MessageEvent) => {
  if (isToWebview(event.data)) show(event.data);
});
const saved = vscode.getState();
if (isToWebview(saved)) show(saved);
vscode.postMessage({ type: 'ready' });
