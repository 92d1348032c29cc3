/** The block-list text behind documents, and what the document derives from it, against plain strings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codePoints, Document } from '../../server/src/documents';
import { TextStore } from '../../server/src/textStore';
import { getTokenizer } from '../../server/src/tokenizers/registry';

function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

const PIECES = ['\n', 'x', '😺', '\ud83d', '\ude3a', 'int main() {\n', '  return 0;\n}\n', 'é', ''];

function randomText(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

test('TextStore: slice, charCodeAt and toString equal a plain string across random edits, large ones included', () => {
  const random = prng(5);
  let text = randomText(random, 120_000);
  const store = new TextStore(text);
  for (let step = 0; step < 600; step++) {
    const big = step % 50 === 0;
    const s = Math.floor(random() * (text.length + 1));
    const e = Math.min(text.length, s + Math.floor(random() * (big ? 40_000 : 8)));
    const insert = randomText(random, big ? Math.floor(random() * 40_000) : Math.floor(random() * 4));
    text = text.slice(0, s) + insert + text.slice(e);
    store.edit(s, e, insert);
    assert.equal(store.length, text.length);
    for (let k = 0; k < 5; k++) {
      const a = Math.floor(random() * (text.length + 1));
      const b = Math.min(text.length, a + Math.floor(random() * 50_000));
      assert.equal(store.slice(a, b), text.slice(a, b), `step ${step}: slice(${a}, ${b})`);
      assert.equal(store.charCodeAt(a), text.charCodeAt(a));
    }
    if (step % 100 === 0) assert.equal(store.toString(), text);
  }
  assert.equal(store.toString(), text);
  assert.ok(Number.isNaN(store.charCodeAt(text.length)));
});

test('Document keeps its UTF-8 size and code-point count exact across edits that split and join surrogate pairs', () => {
  const random = prng(9);
  let text = randomText(random, 40_000);
  const doc = new Document('file:///t', 1, text);
  for (let step = 0; step < 800; step++) {
    const s = Math.floor(random() * (text.length + 1));
    const e = Math.min(text.length, s + Math.floor(random() * 4));
    const insert = randomText(random, Math.floor(random() * 3));
    const range = { start: doc.positionAt(s), end: doc.positionAt(e) };
    if (doc.offsetAt(range.start) !== s || doc.offsetAt(range.end) !== e) continue;
    text = text.slice(0, s) + insert + text.slice(e);
    doc.applyChange({ range, text: insert });
    assert.equal(doc.bytes, Buffer.byteLength(text, 'utf8'), `step ${step}`);
    assert.equal(doc.characters, codePoints(text), `step ${step}`);
  }
  assert.equal(doc.text, text);
});

test('a large document: range encodings (windows around the range) and token indices stay exact across edits', async () => {
  const tok = getTokenizer('o200k_base');
  const random = prng(21);
  const lines: string[] = [];
  // Long runs of lines that are not restart points (indented by a space and a slash, blank) make windows grow.
  for (let i = 0; i < 6000; i++) lines.push(i % 700 < 400 ? `  x${i} = f(${i});` : i % 3 ? '' : '/ not a restart point');
  let text = lines.join('\n');
  const doc = new Document('file:///big', 1, text);
  const state = doc.tokens(tok);
  assert.equal(await state.count(), tok.count(text));
  for (let step = 0; step < 40; step++) {
    const s = Math.floor(random() * text.length);
    const insert = ['x', '\n', ' ', '\n\n/'][step % 4];
    const range = { start: doc.positionAt(s), end: doc.positionAt(s) };
    text = text.slice(0, s) + insert + text.slice(s);
    doc.applyChange({ range, text: insert });
    const full = tok.encode(text);
    const from = Math.floor(random() * text.length);
    const { base, encoding } = state.encodeRange(from, from + 30);
    let k = 0;
    while (k < full.ids.length && full.offsets[2 * k] < base) k++;
    assert.equal(full.offsets[2 * k], base, `step ${step}: base is a token start`);
    assert.equal(state.tokensBefore(base), k, `step ${step}: token index of the base`);
    for (let i = 0; i < encoding.ids.length; i++) assert.equal(encoding.ids[i], full.ids[k + i], `step ${step} token ${i}`);
    assert.ok(base + encoding.offsets[2 * encoding.ids.length - 1] >= from + 30 || base + encoding.offsets[2 * encoding.ids.length - 1] >= text.length - 1);
  }
});
