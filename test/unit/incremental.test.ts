/** Incremental encoding must always equal a full re-encode, over random edit sequences, for every tokenizer. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IncrementalEncoding, restartPoints } from '../../server/src/tokenizers/incremental';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { randomText, rng, sharedData } from './support';

const LINES = ['    return x;', '\t\tfoo(bar);', '  // indented comment', ' \t x',  '}', '', '  ', '// comment', '/* block */', 'def f(a, b):', '\tif (a) {', 'The court held;', '  \t', '12345678', "it's", ';', '/', '#include <x.h>', 'ÜBER straße', '😺 emoji', '\r'];

function randomDoc(rand: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(rand() < 0.7 ? LINES[Math.floor(rand() * LINES.length)] : randomText(rand, 1 + Math.floor(rand() * 40)));
  return out.join(rand() < 0.2 ? '\r\n' : '\n');
}

const NAMES = ['o200k_base', 'cl100k_base', 'r50k_base', 'llama3', 'qwen3', 'kl3m-003-64k'];

for (const name of NAMES) {
  test(`${name}: incremental == full re-encode over random edits`, (t) => {
    if (name.startsWith('kl3m') && !sharedData('kl3m')) return t.skip('../shared/data is absent');
    const tok = getTokenizer(name);
    assert.notEqual(tok.restartRule, 'none', `${name} supports line restarts`);
    const rand = rng(name.length);
    for (let docNo = 0; docNo < 6; docNo++) {
      const doc = new IncrementalEncoding(tok, randomDoc(rand, 40), {}, 0);
      for (let e = 0; e < 60; e++) {
        const text = doc.value;
        const start = Math.floor(rand() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(rand() * (rand() < 0.8 ? 3 : 60)));
        const r = rand();
        const insert = r < 0.3 ? '' : r < 0.5 ? '\n' : r < 0.6 ? '/' : r < 0.7 ? ' ' : randomText(rand, 1 + Math.floor(rand() * 12));
        doc.edit(start, end, insert);
        const full = tok.encodeIds(doc.value);
        assert.equal(doc.count, full.length, `count after edit ${e}`);
        assert.deepEqual(doc.allIds(), full, `ids after edit ${e} on ${JSON.stringify(doc.value)}`);
      }
    }
  });
}

test('an edit re-encodes only the chunks it touches, indented code included', () => {
  const tok = getTokenizer('o200k_base');
  const text = Array.from({ length: 10000 }, (_, i) => `${'  '.repeat(i % 4)}const value${i} = compute(${i}); // line ${i}`).join('\n');
  const doc = new IncrementalEncoding(tok, text);
  assert.ok(doc.chunkCount > 100 && doc.chunkCount < 10000, `lines joined into chunks of a few kilobytes: ${doc.chunkCount}`);
  const at = text.indexOf('value5000');
  assert.ok(doc.edit(at, at, 'x') <= 2);
  assert.deepEqual(doc.allIds(), tok.encodeIds(doc.value));
});

test('restart points: line starts (after indentation) with an ASCII non-space, not an unindented /', () => {
  // pairs of [point, anchor length]
  assert.deepEqual(restartPoints('a\nb\n c\n/d\n\ne\n  \n\t// x', 0, 100, 'line'), [2, 1, 4, 2, 11, 1, 16, 2]);
  assert.deepEqual(restartPoints('a\nb \nc\r\nd\ne\n f', 0, 100, 'lineAfterText'), [2, 1, 10, 1]);
  assert.deepEqual(restartPoints('a\nb', 0, 100, 'none'), []);
});

test('tokenizers without known restart points fall back to one chunk, still exact', (t) => {
  const file = sharedData('kl3m/kl3m-005-multi-word-example-32k/tokenizer.json');
  if (!file) return t.skip('../shared/data is absent');
  const tok = getTokenizer(`hf:${file}`);
  assert.equal(tok.restartRule, 'none');
  const doc = new IncrementalEncoding(tok, 'line one\nline two\nline three');
  assert.equal(doc.chunkCount, 1);
  doc.edit(3, 4, 'X');
  assert.deepEqual(doc.allIds(), tok.encodeIds(doc.value));
});
