/** Heat mode's scale: tokens per character → bucket, split characters, and the colour ramp between two colours. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  codePoints,
  formatHexColor,
  fromOklab,
  HEAT_STEPS,
  heatBucket,
  heatRamp,
  heatValues,
  mixOklch,
  parseHexColor,
  resolveColor,
  type Rgba,
  toOklab,
} from '../../client/src/features/heatScale';
import { projectRoot } from '../../server/src/tokenizers/paths';

const hex = (s: string): Rgba => parseHexColor(s) ?? assert.fail(`not a colour: ${s}`);

test('a token of n characters scores 1/n, on a log axis: n = 8 coolest, 1 character near the top, split characters hottest', () => {
  assert.equal(HEAT_STEPS, 10);
  const byLength = [16, 8, 7, 6, 5, 4, 3, 2, 1].map((n) => heatBucket(1 / n));
  assert.deepEqual(byLength, [0, 0, 0, 1, 1, 2, 3, 5, 7]);
  assert.equal(heatBucket(1.5), 8, '3 tokens over 2 characters');
  assert.equal(heatBucket(2), 9, 'one character in two tokens');
  assert.equal(heatBucket(4), 9, 'clamped');
  assert.equal(heatBucket(Infinity), 9);
  for (const v of [0, -1, NaN]) assert.equal(heatBucket(v), 0, String(v));
  assert.equal(heatBucket(1, 3), 2, 'fewer steps');
  let prev = 0;
  for (let v = 0.01; v < 3; v *= 1.01) {
    const b = heatBucket(v);
    assert.ok(b >= prev && b < HEAT_STEPS, `monotonic at ${v}`);
    prev = b;
  }
});

test('code points: astral characters count once, a lone surrogate counts once', () => {
  assert.equal(codePoints(''), 0);
  assert.equal(codePoints('abc'), 3);
  assert.equal(codePoints('a😀b'), 3);
  assert.equal(codePoints('\ud83d'), 1);
  assert.equal(codePoints('\ude00x\ud83d'), 3);
  assert.equal(codePoints('😀😀'), 2);
});

test('tokens per character: empty spans after a token add to it (a split character scores above 1)', () => {
  // "return" (0..6), " 😀" split into three byte tokens: [6, 9) then two empty spans at 9, then "x" [9, 10).
  const positions = [0, 0, 0, 6, 0, 6, 0, 9, 0, 9, 0, 9, 0, 9, 0, 9, 0, 9, 0, 10];
  const chars = [6, 2, 0, 0, 1];
  const values = heatValues(positions, (i) => chars[i]);
  assert.deepEqual(values, [
    { token: 0, value: 1 / 6 },
    { token: 1, value: 3 / 2 },
    { token: 4, value: 1 },
  ]);
  // An empty span first in the window belongs to a token outside it; a span over two lines is one token.
  assert.deepEqual(heatValues([3, 4, 3, 4, 3, 4, 4, 1], (i) => (i === 1 ? 3 : 0)), [{ token: 1, value: 1 / 3 }]);
  assert.deepEqual(heatValues([], () => 1), []);
});

test('hex colours parse in all four forms and format back', () => {
  assert.deepEqual(hex('#fff'), [1, 1, 1, 1]);
  assert.deepEqual(hex('#0f08'), [0, 1, 0, 0x88 / 255]);
  assert.deepEqual(hex('#FF0000'), [1, 0, 0, 1]);
  assert.equal(formatHexColor(hex('#27ae6022')), '#27ae6022');
  assert.equal(formatHexColor(hex(' #abc ')), '#aabbccff');
  for (const bad of ['', 'red', '#12', '#12345', '#1234567', '#gggggg', 'rgba(0,0,0,0)']) assert.equal(parseHexColor(bad), undefined, bad);
  assert.equal(formatHexColor([1.2, -0.1, 0.5, 1]), '#ff0080ff', 'clamped');
});

test('OKLab matches the published reference values and round-trips', () => {
  const close = (a: number[], b: number[], tol: number) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < tol, `${a} ≈ ${b}`));
  close(toOklab(hex('#ffffff')), [1, 0, 0], 1e-4);
  close(toOklab(hex('#000000')), [0, 0, 0], 1e-6);
  close(toOklab(hex('#ff0000')), [0.62796, 0.22486, 0.12585], 1e-4);
  close(toOklab(hex('#00ff00')), [0.86644, -0.23389, 0.1795], 1e-4);
  close(toOklab(hex('#0000ff')), [0.45201, -0.03246, -0.31153], 1e-4);
  for (const c of ['#27ae60', '#e74c3c', '#808080', '#123456', '#fedcba']) assert.equal(formatHexColor(fromOklab(toOklab(hex(c)))), `${c}ff`);
});

test('the ramp starts and ends on the two colours, and its steps are even in lightness', () => {
  const low = hex('#202020');
  const high = hex('#e0e0e0');
  const ramp = heatRamp(low, high);
  assert.equal(ramp.length, HEAT_STEPS);
  assert.equal(ramp[0], '#202020ff');
  assert.equal(ramp[HEAT_STEPS - 1], '#e0e0e0ff');
  const L = ramp.map((c) => toOklab(hex(c))[0]);
  const steps = L.slice(1).map((l, i) => l - L[i]);
  const mean = (L[L.length - 1] - L[0]) / (HEAT_STEPS - 1);
  // Evenly spaced up to the rounding to 8-bit channels (an sRGB-linear mix would be far off: its dark steps are wider).
  for (const s of steps) assert.ok(Math.abs(s - mean) < 0.004, `step ${s} vs ${mean}`);
  const naive = [0, 0.5, 1].map((t) => toOklab([0.125 + t * 0.75, 0.125 + t * 0.75, 0.125 + t * 0.75, 1])[0]);
  assert.ok(Math.abs(naive[1] - naive[0] - (naive[2] - naive[1])) > 0.01, 'the check can tell an uneven ramp');
});

test('the ramp takes the short way round the hue circle and interpolates alpha', () => {
  const green = hex('#27ae6022');
  const red = hex('#e74c3c66');
  const mid = mixOklch(green, red, 0.5);
  // Green to red the short way passes yellow/orange (high red and green, little blue), not blue or purple.
  assert.ok(mid[0] > 0.5 && mid[1] > 0.4 && mid[2] < 0.2, `midpoint ${formatHexColor(mid)}`);
  assert.ok(Math.abs(mid[3] - (0x22 + 0x66) / 2 / 255) < 1e-9);
  const alphas = heatRamp(green, red).map((c) => hex(c)[3]);
  alphas.slice(1).forEach((a, i) => assert.ok(a > alphas[i]));
  // A grey end takes the other end's hue instead of swinging through an arbitrary one.
  const toGrey = mixOklch(hex('#0000ff'), hex('#808080'), 0.5);
  assert.ok(toGrey[2] > toGrey[0] && toGrey[2] > toGrey[1], `${formatHexColor(toGrey)} is still bluish`);
});

test('end colours: theme-scoped customisation, then global, then the default for the theme kind', () => {
  const contributed = [{ id: 'x.low', defaults: { dark: '#111111', light: '#eeeeee', highContrast: '#00ff00' } }, { id: 'x.ref', defaults: { dark: 'editor.background' } }];
  assert.deepEqual(resolveColor('x.low', 'dark', contributed, undefined, undefined), hex('#111111'));
  assert.deepEqual(resolveColor('x.low', 'highContrastLight', contributed, {}, 'Any'), hex('#eeeeee'), 'falls back to light');
  assert.deepEqual(resolveColor('x.low', 'dark', contributed, { 'x.low': '#123' }, 'Dark+'), hex('#123'));
  const scoped = { 'x.low': '#123', '[Dark+]': { 'x.low': '#456' } };
  assert.deepEqual(resolveColor('x.low', 'dark', contributed, scoped, 'Dark+'), hex('#456'));
  assert.deepEqual(resolveColor('x.low', 'dark', contributed, scoped, 'Light+'), hex('#123'));
  assert.deepEqual(resolveColor('x.low', 'dark', contributed, { 'x.low': 'not a colour' }, undefined), hex('#111111'));
  assert.equal(resolveColor('x.ref', 'dark', contributed, {}, undefined), undefined, 'a default naming another colour');
  assert.equal(resolveColor('x.none', 'dark', contributed, {}, undefined), undefined);
  assert.equal(resolveColor('x.low', 'dark', 'garbage', null, undefined), undefined);
});

test("package.json contributes both heat end colours with hex defaults for every theme kind", () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8'));
  const colors = pkg.contributes.colors;
  for (const id of ['tokscope.heatLowBackground', 'tokscope.heatHighBackground']) {
    for (const kind of ['light', 'dark', 'highContrast', 'highContrastLight'] as const) {
      assert.ok(resolveColor(id, kind, colors, {}, undefined), `${id} for ${kind}`);
    }
  }
  // The hot end is more opaque than the cool one, so long tokens stay quiet in every theme kind.
  for (const kind of ['light', 'dark', 'highContrast'] as const) {
    const low = resolveColor('tokscope.heatLowBackground', kind, colors, {}, undefined)!;
    const high = resolveColor('tokscope.heatHighBackground', kind, colors, {}, undefined)!;
    assert.ok(high[3] > low[3], kind);
  }
});
