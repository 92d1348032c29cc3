/**
 * Heat mode's scale, without `vscode` so that it can be unit-tested: a token's tokens-per-character value picks one
 * of HEAT_STEPS buckets on a logarithmic axis, and the buckets' colours are a ramp between two end colours, evenly
 * spaced in OKLCH (the polar form of the perceptual OKLab space).
 */

/** How many decoration types heat mode uses. */
export const HEAT_STEPS = 10;
/** Tokens per character at the cool end: a token of 8 characters or more. */
export const HEAT_MIN = 1 / 8;
/** Tokens per character at the hot end: one character split over 2 tokens or more. */
export const HEAT_MAX = 2;

/**
 * The bucket of a tokens-per-character value, 0 (cool) to `steps - 1` (hot). The axis is logarithmic, so 1/2 and 1/4
 * are as far apart as 1 and 1/2; values outside [HEAT_MIN, HEAT_MAX] are clamped, anything not positive is coolest.
 */
export function heatBucket(tokensPerChar: number, steps = HEAT_STEPS): number {
  if (!(tokensPerChar > 0)) return 0;
  const t = Math.log2(tokensPerChar / HEAT_MIN) / Math.log2(HEAT_MAX / HEAT_MIN);
  return Math.min(steps - 1, Math.max(0, Math.floor(t * steps)));
}

/** Unicode code points in `s` (a lone surrogate counts as one). */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) i++;
    }
    n++;
  }
  return n;
}

export interface HeatToken {
  /** Index of the token in the spans answer. */
  token: number;
  /** Tokens per character. */
  value: number;
}

/**
 * Tokens per character of every token with a non-empty range in `positions` (four numbers a token, as in
 * TokenSpansResult). The server gives a character split over several tokens to the first of them and empty ranges to
 * the rest: those add to the count of the token before them, so that a split character scores above 1.
 * `characters(i)` says how many code points token i covers.
 */
export function heatValues(positions: ArrayLike<number>, characters: (token: number) => number): HeatToken[] {
  const out: HeatToken[] = [];
  const tokens = Math.floor(positions.length / 4);
  let current: { token: number; chars: number; count: number } | undefined;
  const flush = () => current && current.chars > 0 && out.push({ token: current.token, value: current.count / current.chars });
  for (let i = 0; i < tokens; i++) {
    const p = 4 * i;
    const empty = positions[p] === positions[p + 2] && positions[p + 1] === positions[p + 3];
    if (empty) {
      // An empty token at the start of the window belongs to a token outside it: nothing to colour.
      if (current) current.count++;
      continue;
    }
    flush();
    current = { token: i, chars: characters(i), count: 1 };
  }
  flush();
  return out;
}

/** A colour as four numbers in [0, 1]: sRGB red, green, blue (not linear) and alpha. */
export type Rgba = [number, number, number, number];

/** Parses `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`; undefined for anything else. */
export function parseHexColor(s: string): Rgba | undefined {
  const m = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(s.trim());
  if (!m) return undefined;
  let h = m[1];
  if (h.length <= 4) h = [...h].map((c) => c + c).join('');
  if (h.length === 6) h += 'ff';
  return [0, 2, 4, 6].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as Rgba;
}

export function formatHexColor(c: Rgba): string {
  return '#' + c.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0')).join('');
}

const toLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const fromLinear = (v: number) => (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);

/** sRGB to OKLab (Björn Ottosson's matrices): [L, a, b]. */
export function toOklab([r, g, b]: Rgba): [number, number, number] {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** OKLab to sRGB, clamped into the gamut; alpha passes through. */
export function fromOklab([L, A, B]: [number, number, number], alpha = 1): Rgba {
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s = (L - 0.0894841775 * A - 1.291485548 * B) ** 3;
  const rgb = [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ].map((v) => Math.min(1, Math.max(0, fromLinear(Math.max(0, v)))));
  return [rgb[0], rgb[1], rgb[2], alpha];
}

/**
 * The colour a fraction `t` of the way from `a` to `b` in OKLCH: lightness and chroma linearly, hue the short way round
 * (a grey end takes the other end's hue), alpha linearly.
 */
export function mixOklch(a: Rgba, b: Rgba, t: number): Rgba {
  const [La, Aa, Ba] = toOklab(a);
  const [Lb, Ab, Bb] = toOklab(b);
  const Ca = Math.hypot(Aa, Ba);
  const Cb = Math.hypot(Ab, Bb);
  let ha = Math.atan2(Ba, Aa);
  let hb = Math.atan2(Bb, Ab);
  if (Ca < 1e-4) ha = hb;
  if (Cb < 1e-4) hb = ha;
  let dh = hb - ha;
  if (dh > Math.PI) dh -= 2 * Math.PI;
  if (dh < -Math.PI) dh += 2 * Math.PI;
  const L = La + (Lb - La) * t;
  const C = Ca + (Cb - Ca) * t;
  const h = ha + dh * t;
  return fromOklab([L, C * Math.cos(h), C * Math.sin(h)], a[3] + (b[3] - a[3]) * t);
}

/** `steps` colours from `low` (bucket 0) to `high` (the last bucket), as `#rrggbbaa`. */
export function heatRamp(low: Rgba, high: Rgba, steps = HEAT_STEPS): string[] {
  return Array.from({ length: steps }, (_, k) => formatHexColor(mixOklch(low, high, steps === 1 ? 1 : k / (steps - 1))));
}

/** The theme kinds colour contributions have defaults for. */
export type ThemeKindName = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

/**
 * A contributed colour's value as the user sees it, as far as an extension can tell (the API does not read theme
 * colours): `workbench.colorCustomizations` for the current theme (`"[Theme Name]": {…}`), then the global ones, then
 * the default from package.json's `contributes.colors` for the theme's kind. Undefined when none is a hex colour
 * (a default that names another colour, for one).
 */
export function resolveColor(id: string, kind: ThemeKindName, contributed: unknown, customizations: unknown, themeName: string | undefined): Rgba | undefined {
  const custom = isRecord(customizations) ? customizations : {};
  const scoped = themeName !== undefined ? custom[`[${themeName}]`] : undefined;
  for (const v of [isRecord(scoped) ? scoped[id] : undefined, custom[id]]) {
    const c = typeof v === 'string' ? parseHexColor(v) : undefined;
    if (c) return c;
  }
  const entry = Array.isArray(contributed) ? contributed.find((c) => isRecord(c) && c.id === id) : undefined;
  const defaults = isRecord(entry) && isRecord(entry.defaults) ? entry.defaults : {};
  const v = defaults[kind] ?? (kind === 'highContrastLight' ? defaults.light : undefined);
  return typeof v === 'string' ? parseHexColor(v) : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
