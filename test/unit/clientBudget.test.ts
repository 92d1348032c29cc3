/** Split by token budget: chunk sizes, line-end cuts, split characters, and what adds up. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitByBudget, tokenStarts } from '../../client/src/budget';
import { rng } from './support';

test('token starts are clamped to the range and stop at its end', () => {
  // The spans of a range hold at most one token that starts before it.
  assert.deepEqual(tokenStarts([3, 5, 5, 9, 12], 4, 10), [4, 5, 5, 9]);
  assert.deepEqual(tokenStarts([0, 3, 5], 0, 100), [0, 3, 5]);
  assert.deepEqual(tokenStarts([], 0, 10), []);
});

test('chunks of at most N tokens, cut after a line break where there is one', () => {
  // Tokens: "a", " b", "\n", "c", " d", " e", "\n", "f"
  const text = 'a b\nc d e\nf';
  const starts = [0, 1, 3, 4, 5, 7, 9, 10];
  const chunks = splitByBudget(text, starts, 5, text.length);
  // The first chunk ends at the line break within its 5 tokens; the rest fits in one.
  assert.deepEqual(chunks, [
    { text: 'a b\n', tokens: 3 },
    { text: 'c d e\nf', tokens: 5 },
  ]);
  assert.deepEqual(splitByBudget(text, starts, 4, text.length), [
    { text: 'a b\n', tokens: 3 },
    { text: 'c d e\n', tokens: 4 },
    { text: 'f', tokens: 1 },
  ]);
  assert.deepEqual(splitByBudget(text, starts, 100, text.length), [{ text, tokens: 8 }]);
  assert.deepEqual(
    splitByBudget(text, starts, 1, text.length).map((c) => c.text),
    ['a', ' b', '\n', 'c', ' d', ' e', '\n', 'f'],
  );
});

test('never cuts between the tokens of one split character', () => {
  // "x" then an emoji in three byte tokens (equal starts), then "y".
  const text = 'x😀y';
  const starts = [0, 1, 1, 1, 3];
  const two = splitByBudget(text, starts, 2, text.length);
  assert.ok(two.every((c) => c.text !== ''), JSON.stringify(two));
  assert.deepEqual(two, [
    { text: 'x', tokens: 1 },
    { text: '😀', tokens: 3 },
    { text: 'y', tokens: 1 },
  ]);
  assert.deepEqual(splitByBudget(text, starts, 3, text.length), two, 'x and the emoji are 4 tokens');
  assert.deepEqual(splitByBudget(text, starts, 4, text.length), [
    { text: 'x😀', tokens: 4 },
    { text: 'y', tokens: 1 },
  ]);
  // A budget below one character's tokens: that character alone, over the budget, rather than cut.
  assert.deepEqual(splitByBudget(text, starts, 1, text.length), two);
});

test('the budget must be a positive whole number', () => {
  for (const b of [0, -1, 1.5, NaN, Infinity]) assert.throws(() => splitByBudget('ab', [0, 1], b, 2), RangeError, String(b));
});

test('random token streams: chunks within budget, tokens and text add up', () => {
  const rand = rng(7);
  for (let round = 0; round < 300; round++) {
    let text = '';
    const starts: number[] = [];
    const n = 1 + Math.floor(rand() * 60);
    for (let i = 0; i < n; i++) {
      starts.push(text.length);
      if (rand() < 0.1) {
        // A split character: one to three more tokens with the same start.
        const extra = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < extra; k++) starts.push(text.length);
        text += '😀';
      } else text += rand() < 0.2 ? '\n' : 'ab '.slice(0, 1 + Math.floor(rand() * 3));
    }
    const budget = 4 + Math.floor(rand() * 10);
    const chunks = splitByBudget(text, starts, budget, text.length);
    assert.equal(chunks.map((c) => c.text).join(''), text);
    assert.equal(chunks.reduce((a, c) => a + c.tokens, 0), starts.length);
    for (const c of chunks) assert.ok(c.tokens >= 1 && c.tokens <= budget && c.text.length > 0, `${JSON.stringify(c)} budget ${budget}`);
  }
});
