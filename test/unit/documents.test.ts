/** The server's document store without the LSP: line index, incremental counts and range spans against full encodes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Document } from '../../server/src/documents';
import { LineIndex } from '../../server/src/lineIndex';
import { getTokenizer, listTokenizers } from '../../server/src/tokenizers/registry';

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  return starts;
}

function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

const INSERTS = ['\n', ' ', '  ', '//', 'x', 'foo(bar)', '\n    ', '😺', '\r\n', '\r', '\t', 'é', '', '\n\n', '}', ' return 1;', 'a\nb\n\n  c'];
const START = 'function f(a, b) {\n  // 😺 comment\n\treturn a + b;\r\n}\n\n   \nrésumé 日本語\nend';

test('LineIndex keeps line starts right across edits, "\\r\\n" and astral characters included', () => {
  const random = prng(3);
  let text = START;
  const index = new LineIndex(text);
  for (let step = 0; step < 2000; step++) {
    const s = Math.floor(random() * (text.length + 1));
    const e = Math.min(text.length, s + Math.floor(random() * 5));
    const insert = INSERTS[Math.floor(random() * INSERTS.length)];
    text = text.slice(0, s) + insert + text.slice(e);
    index.edit(text, s, e, insert.length);
    const starts = lineStarts(text);
    assert.equal(index.lineCount, starts.length, `step ${step}`);
    for (let l = 0; l < starts.length; l++) assert.equal(index.lineStart(l), starts[l], `step ${step} line ${l}`);
  }
  const last = index.lineCount - 1;
  assert.deepEqual(index.positionAt(text.length), { line: last, character: text.length - index.lineStart(last) });
  assert.equal(index.offsetAt(text, { line: 0, character: 1e9 }), index.lineContentEnd(text, 0));
  assert.equal(index.offsetAt(text, { line: 1e9, character: 0 }), text.length);
});

// The KL3M multi-word tokenizer has no restart points ('none'): its ranges come from a cached full encoding.
const NONE_RULE = 'kl3m-005-multi-word-example-32k';
const haveNoneRule = listTokenizers().some((t) => t.name === NONE_RULE && t.available);

for (const name of ['o200k_base', 'cl100k_base', 'llama3', 'r50k_base', NONE_RULE]) {
  test(`${name}: counts and range encodings stay exact across random edits`, { skip: name === NONE_RULE && !haveNoneRule && 'KL3M data not installed' }, async () => {
    const tok = getTokenizer(name);
    const random = prng(11);
    // That example vocabulary has no unknown token and lacks most punctuation: give it plain words.
    const inserts = name === NONE_RULE ? ['\n', ' ', 'the ', 'a', 'cat', '\n\n', ''] : INSERTS;
    let text = name === NONE_RULE ? 'the cat sat\non the mat\n\nand then' : START;
    const doc = new Document('file:///t', 1, text);
    const state = doc.tokens(tok);
    assert.equal(await state.count(), tok.count(text));
    for (let step = 0; step < 400; step++) {
      const s = Math.floor(random() * (text.length + 1));
      const e = Math.min(text.length, s + Math.floor(random() * 6));
      const insert = inserts[Math.floor(random() * inserts.length)];
      if (step === 200) {
        // A change without a range replaces the whole text.
        text = text.slice(3) + insert;
        doc.applyChange({ text });
        assert.equal(await state.count(), tok.count(text));
        continue;
      }
      const range = { start: doc.positionAt(s), end: doc.positionAt(e) };
      // Offsets inside a "\r\n" have no LSP position: skip edits that would need one.
      if (doc.offsetAt(range.start) !== s || doc.offsetAt(range.end) !== e) continue;
      text = text.slice(0, s) + insert + text.slice(e);
      doc.applyChange({ range, text: insert });
      assert.equal(doc.text, text);
      assert.equal(await state.count(), tok.count(text), `step ${step}`);
      const full = tok.encode(text);
      const from = Math.floor(random() * (text.length + 1));
      const to = Math.min(text.length, from + Math.floor(random() * 40));
      const { base, encoding } = state.encodeRange(from, to);
      // The range encoding is a run of the full encoding's tokens, offsets shifted by base.
      let k = 0;
      while (k < full.ids.length && full.offsets[2 * k] < base) k++;
      assert.equal(k === full.ids.length ? text.length : full.offsets[2 * k], base, `step ${step}: base is a token start`);
      for (let i = 0; i < encoding.ids.length; i++) {
        assert.equal(encoding.ids[i], full.ids[k + i], `step ${step} token ${i}`);
        assert.equal(encoding.offsets[2 * i] + base, full.offsets[2 * (k + i)]);
      }
      const covered = encoding.ids.length ? base + encoding.offsets[2 * encoding.ids.length - 1] : base;
      assert.ok(covered >= to, `step ${step}: [${from}, ${to}) covered up to ${covered}`);
    }
  });
}

test('a large document is counted in slices while edits arrive', async () => {
  const tok = getTokenizer('o200k_base');
  let text = 'let x = 1; // some code here\n'.repeat(120000);
  const doc = new Document('file:///big', 1, text);
  const state = doc.tokens(tok);
  const pending = state.count();
  // Edits before the build finishes: inside the first slice, across its end, and near the end (not built yet).
  const edit = (s: number, e: number, insert: string) => {
    doc.applyChange({ range: { start: doc.positionAt(s), end: doc.positionAt(e) }, text: insert });
    text = text.slice(0, s) + insert + text.slice(e);
  };
  edit(10, 12, 'hello world\n');
  edit((1 << 20) - 5, (1 << 20) + 20, 'X\n  y');
  edit(text.length - 5, text.length - 2, '😺😺');
  await pending;
  assert.equal(await state.count(), tok.count(text));
});
