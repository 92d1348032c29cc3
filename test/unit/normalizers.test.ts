import { rng } from './support';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Normalized, Normalizer } from '../../server/src/tokenizers/types';
import { allocAlign, composeAlign, type Alignment } from '../../server/src/tokenizers/normalizers/align';
import { normalizerFromJson } from '../../server/src/tokenizers/normalizers/fromJson';
import { alignFine, COMBINES_BACKWARD, UnicodeNormalizer, type UnicodeForm } from '../../server/src/tokenizers/normalizers/unicode';
import { isWhiteSpace } from '../../server/src/tokenizers/normalizers/strip';
import { BYTE_TO_CHAR } from '../../server/src/tokenizers/normalizers/byteLevel';
import { compileUserRegex } from '../../server/src/tokenizers/regexGuard';

// References, loaded from the project root rather than imported so that the bundle runs wherever it is written:
// tokenizers.js (text only: it has no offsets, and its Lowercase/Prepend/Strip differ from HF's in documented ways)
// and the native binding of HF's Rust `tokenizers` (text and offsets: the real thing).
const requireFromRoot = createRequire(join(process.cwd(), 'package.json'));
type HfJs = typeof import('@huggingface/tokenizers');
const hfJs = requireFromRoot('@huggingface/tokenizers') as HfJs;
type HfRust = typeof import('tokenizers');
let hfRust: HfRust | null = null;
try {
  hfRust = requireFromRoot('tokenizers') as HfRust;
} catch {
  hfRust = null; // the Rust comparisons are skipped where the binding is not installed
}

/** tokenizers.js applied to the same `normalizer` config. */
function jsNormalize(config: unknown, text: string): string {
  const normalizer = new hfJs.SequenceNormalizer({ type: 'Sequence', normalizers: [config] } as never);
  return normalizer.normalize(text);
}

/**
 * HF Rust's normalised text and, for every normalised character, its offsets in the original (in code points): a
 * pre-tokenizer isolating each character makes each one a token, whose offsets HF maps back through its alignments.
 */
async function rustNormalize(config: unknown, text: string): Promise<{ text: string; offsets: Array<[number, number]> }> {
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: config,
    pre_tokenizer: { type: 'Split', pattern: { Regex: '.|\\n' }, behavior: 'Isolated', invert: false },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  };
  const tokenizer = (hfRust as HfRust).Tokenizer.fromString(JSON.stringify(json));
  const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
  return { text: tokenizer.getNormalizer()?.normalizeString(text) ?? text, offsets: encoding.getOffsets() as Array<[number, number]> };
}

/** Our alignment per normalised code point, converted to code point offsets like HF reports them. */
function codePointOffsets(input: string, result: Normalized): Array<[number, number]> {
  const index = new Int32Array(input.length + 1);
  for (let i = 0, c = 0; i <= input.length; i++) {
    index[i] = c;
    const x = input.charCodeAt(i);
    if (!(x >= 0xd800 && x < 0xdc00 && (input.charCodeAt(i + 1) & 0xfc00) === 0xdc00)) c++;
  }
  const out: Array<[number, number]> = [];
  for (let u = 0; u < result.text.length; ) {
    const width = (result.text.codePointAt(u) as number) > 0xffff ? 2 : 1;
    out.push(result.align ? [index[result.align.start[u]], index[result.align.end[u + width - 1]]] : [index[u], index[u + width]]);
    u += width;
  }
  return out;
}

/** HF Rust cannot hold lone surrogates, and its Unicode tables predate Kirat Rai. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const rustCanTake = (text: string): boolean => !LONE_SURROGATE.test(text) && !/[\u{16d40}-\u{16d7f}]/u.test(text);

async function compareWithRust(t: { skip(message: string): void }, configs: unknown[], texts: string[]): Promise<void> {
  if (hfRust === null) return t.skip('the tokenizers binding is not installed');
  for (const config of configs) {
    const normalizer = normalizerFromJson(config) as Normalizer;
    for (const text of texts.filter(rustCanTake)) {
      const ours = normalizer.normalize(text);
      const ref = await rustNormalize(config, text);
      const label = `${JSON.stringify(config)} on ${JSON.stringify(text)}`;
      assert.equal(ours.text, ref.text, label);
      assert.deepEqual(codePointOffsets(text, ours), ref.offsets, label);
    }
  }
}


const cp = String.fromCodePoint;
type Gen = (r: () => number) => string;
const pick = (items: string[]): Gen => (r) => items[Math.floor(r() * items.length)];
const range = (lo: number, count: number): Gen => (r) => cp(lo + Math.floor(r() * count));

const POOLS: Gen[] = [
  pick([...'abcXYZ019 .,;!?-_"\'', 'the ', 'Hello ', '\r\n', '\n', '\t', '\r']),
  pick(['e\u0301', 'a\u0308\u0323', 'o\u0302\u0300', 'u\u0308\u0304', '\u0301', '\u0323\u0301', 'A\u030a', 'x\u0345', 'e\u0301\u0323']),
  pick(['é', 'Å', 'ǖ', 'ệ', 'ñ', 'Ω', '\u212b', '\u212a', 'ﬀ', 'Ǆ']),
  range(0xac00, 11172),
  range(0x1100, 19),
  range(0x1161, 21),
  range(0x11a8, 27),
  range(0xff01, 94),
  range(0xff66, 58),
  pick(['ﬁ', 'ﬂ', 'ﬃ', 'ﬄ', 'ﬅ', 'ǅ', 'Ǉ', 'ĳ', '²', '³', '¹', 'ⁿ', '₂', '½', '㎏', '™', '㍿', '…']),
  range(0xfb50, 0x2b0),
  range(0xfe70, 0x8c),
  pick(['😀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️', '\ufdfa']),
  pick(['\ud800', '\udc00', '\udbff', '\ud83d']),
  pick(['Σ', 'ΑΣ', 'ς', 'İ', 'ß', 'ẞ', 'ΌΣΟΣ', 'ǅ']),
  pick(['\u0b47\u0b3e', '\u0b47', '\u0b3e', '\u0dd9\u0dcf', '\u0915\u093c', '\u0958', '\u0f73', '\u0344', '\u0f77']),
  pick(['\u{1d15e}', '\u{1d160}', '\uf900', '\u2126', '\u{16d63}\u{16d67}', '\u{16d67}', 'か\u3099', '\u3099', '\uff9e']),
  pick([' ', '\u3000', '\u00a0', '\t', '\u2028', '  ']),
  range(0x300, 0x70),
  range(0x591, 0x2c),
];

function randomText(r: () => number, maxPieces = 40): string {
  const n = Math.floor(r() * maxPieces);
  let s = '';
  for (let i = 0; i < n; i++) s += POOLS[Math.floor(r() * POOLS.length)](r);
  return s;
}

function randomTexts(seed: number, count: number): string[] {
  const r = rng(seed);
  const out = ['', 'plain ascii', 'e\u0301', '\u0301x', 'ﬁ', '가\u11a8', '\u1100\u1161\u11a8', '\ud800', 'ΣΑΣ'];
  for (let i = 0; i < count; i++) out.push(randomText(r));
  return out;
}

/** Checks the alignment contract of `types.ts` plus monotonicity; `cover`: no input unit may be left out. */
function checkAlign(input: string, result: Normalized, cover: boolean): void {
  const label = JSON.stringify(input);
  if (result.align === null) {
    assert.equal(result.text, input, `${label}: align null but text changed`);
    return;
  }
  const { start, end } = result.align;
  const m = result.text.length;
  const n = input.length;
  assert.equal(start.length, m + 1, label);
  assert.equal(end.length, m + 1, label);
  assert.equal(start[m], n, label);
  assert.equal(end[m], n, label);
  let covered = 0;
  for (let k = 0; k < m; k++) {
    assert.ok(start[k] >= 0 && start[k] <= end[k] && end[k] <= n, `${label}: bad range at ${k}`);
    if (k > 0) assert.ok(start[k] >= start[k - 1] && end[k] >= end[k - 1], `${label}: not monotone at ${k}`);
    if (cover) assert.ok(start[k] <= covered, `${label}: input ${covered}..${start[k]} not covered`);
    covered = Math.max(covered, end[k]);
  }
  if (cover) assert.equal(covered, n, `${label}: input tail not covered`);
}


const FORMS: UnicodeForm[] = ['NFC', 'NFD', 'NFKC', 'NFKD'];

/**
 * Every ASCII character the normaliser kept maps to itself, and the text before it normalises to the output before
 * it: the alignment is anchored where the input can be cut.
 */
function checkAsciiAnchors(input: string, result: Normalized, form: UnicodeForm): void {
  if (result.align === null) return;
  const { start, end } = result.align;
  for (let k = 0; k < result.text.length; k++) {
    const c = result.text.charCodeAt(k);
    if (c >= 0x80 || end[k] !== start[k] + 1 || input.charCodeAt(start[k]) !== c) continue;
    const before = input.slice(0, start[k]).normalize(form);
    assert.equal(before, result.text.slice(0, k), `${form} ${JSON.stringify(input)}: ASCII at output ${k}`);
  }
}

test('NFC/NFD/NFKC/NFKD: text equals tokenizers.js; alignment invariants on random text', () => {
  const texts = randomTexts(1, 1500);
  for (const form of FORMS) {
    const normalizer = normalizerFromJson({ type: form }) as Normalizer;
    for (const text of texts) {
      const result = normalizer.normalize(text);
      assert.equal(result.text, jsNormalize({ type: form }, text), `${form} ${JSON.stringify(text)}`);
      // Composition drops the marks it absorbs from the alignment (as HF does); decomposition covers everything.
      checkAlign(text, result, form === 'NFD' || form === 'NFKD');
      checkAsciiAnchors(text, result, form);
      if (result.align === null) continue;
      // Each output character maps to exactly one input character (its units may map unit by unit).
      const { start, end } = result.align;
      for (let k = 0; k < result.text.length; ) {
        const units = (result.text.codePointAt(k) as number) > 0xffff ? 2 : 1;
        const s = start[k];
        const width = (text.codePointAt(s) as number) > 0xffff ? 2 : 1;
        assert.equal(end[k + units - 1] - s, width, `${form} ${JSON.stringify(text)} unit ${k}`);
        assert.ok(!(s > 0 && (text.charCodeAt(s) & 0xfc00) === 0xdc00 && (text.charCodeAt(s - 1) & 0xfc00) === 0xd800));
        k += units;
      }
    }
  }
});

test('NFC/NFD/NFKC/NFKD: text and offsets equal HF tokenizers (Rust) on random text', async (t) => {
  await compareWithRust(t, FORMS.map((type) => ({ type })), randomTexts(11, 400));
});

test('unicode alignment: fine cuts, exact per character, at any output offset', () => {
  for (const form of FORMS) {
    for (const text of randomTexts(2, 500)) {
      const full = text.normalize(form);
      if (full === text) continue;
      const fine = allocAlign(full.length, text.length);
      assert.ok(alignFine(text, 0, text.length, full, form, fine, 0), `${form} fine cuts failed on ${JSON.stringify(text)}`);
      // normalize() works stretch by stretch; it must reach the same alignment as one pass over the whole text.
      const { align } = new UnicodeNormalizer(form).normalize(text);
      assert.deepEqual(align, fine, `${form} alignment of ${JSON.stringify(text)}`);
      const shifted = allocAlign(full.length + 3, text.length);
      assert.ok(alignFine(text, 0, text.length, full, form, shifted, 3));
      assert.deepEqual(shifted.start.subarray(3, full.length + 3), fine.start.subarray(0, full.length));
    }
  }
  // A changed stretch far into the text; the e absorbs U+032D, the other marks are reordered and take the
  // positions' ranges (HF's positional rule), the absorbed mark's position is skipped.
  const long = 'a'.repeat(100) + 'x1§\u0660-The\u032d\u0358\u0337\u032f\u0345\u0362' + 'b'.repeat(100);
  const l = new UnicodeNormalizer('NFKC').normalize(long);
  assert.deepEqual(Array.from(l.align!.start.subarray(100, 112)), [100, 101, 102, 103, 104, 105, 106, 107, 109, 110, 111, 112]);
  const r = new UnicodeNormalizer('NFKC').normalize('xＡﬁ가²');
  assert.equal(r.text, 'xAfi가2');
  assert.deepEqual(Array.from(r.align!.start), [0, 1, 2, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(r.align!.end), [1, 2, 3, 3, 4, 5, 5]);
  const c = new UnicodeNormalizer('NFC').normalize('abe\u0301c');
  assert.deepEqual(Array.from(c.align!.start), [0, 1, 2, 4, 5]);
  assert.deepEqual(Array.from(c.align!.end), [1, 2, 3, 5, 5]);
  const j = new UnicodeNormalizer('NFC').normalize('a\u1100\u1161\u11a8b');
  assert.deepEqual(Array.from(j.align!.start), [0, 1, 4, 5]);
  assert.equal(new UnicodeNormalizer('NFKC').normalize('ascii only').align, null);
  assert.equal(new UnicodeNormalizer('NFC').normalize('déjà vu').align, null);
});

test('cut rule: every starter that combines backward is in COMBINES_BACKWARD, and none is ASCII', () => {
  const isNonStarter = (c: string): boolean =>
    ('\u0301' + c).normalize('NFD') !== '\u0301' + c || (c + '\u0334').normalize('NFD') !== c + '\u0334';
  const seconds = new Set<string>();
  for (let c = 0x80; c < 0x110000; c++) {
    if (c >= 0xd800 && c < 0xe000) continue;
    const s = cp(c);
    const d = s.normalize('NFD');
    if (d === s) continue;
    const parts = [...d];
    for (let i = 1; i < parts.length; i++) seconds.add(parts[i]);
  }
  for (const s of seconds) {
    assert.ok(s.charCodeAt(0) >= 0x80, `ASCII ${s} is the second half of a canonical pair`);
    if (!isNonStarter(s)) assert.ok(COMBINES_BACKWARD.test(s), `U+${s.codePointAt(0)!.toString(16)} combines backward`);
  }
});

test('Lowercase: per-char Rust semantics (no final sigma), alignment per source char', async (t) => {
  const normalizer = normalizerFromJson({ type: 'Lowercase' }) as Normalizer;
  const texts = randomTexts(3, 1500);
  for (const text of texts) {
    const result = normalizer.normalize(text);
    checkAlign(text, result, true);
    assert.equal(result.text, Array.from(text, (ch) => ch.toLowerCase()).join(''), JSON.stringify(text));
    // tokenizers.js lowercases the whole string, so Σ becomes ς at the end of a word there.
    if (!text.includes('Σ')) assert.equal(result.text, jsNormalize({ type: 'Lowercase' }, text), JSON.stringify(text));
  }
  const sigma = normalizer.normalize('ΟΔΟΣ ΣΑΣ');
  assert.equal(sigma.text, 'οδοσ σασ');
  const dotted = normalizer.normalize('Iİx');
  assert.equal(dotted.text, 'ii\u0307x');
  assert.deepEqual(Array.from(dotted.align!.start), [0, 1, 1, 2, 3]);
  assert.deepEqual(Array.from(dotted.align!.end), [1, 2, 2, 3, 3]);
  assert.equal(normalizer.normalize('already lower 😀').align, null);
  await compareWithRust(t, [{ type: 'Lowercase' }], [...texts.slice(0, 300), 'ΟΔΟΣ ΣΑΣ İ']);
});

test('Strip: Unicode White_Space; text equals tokenizers.js where JS trim agrees, offsets equal HF', async (t) => {
  for (let c = 0; c < 0x10000; c++) assert.equal(isWhiteSpace(c), /\p{White_Space}/u.test(cp(c)), `U+${c.toString(16)}`);
  const configs = [
    { type: 'Strip', strip_left: true, strip_right: true },
    { type: 'Strip', strip_left: true, strip_right: false },
    { type: 'Strip', strip_left: false, strip_right: true },
  ];
  const texts = randomTexts(4, 500);
  for (const config of configs) {
    const normalizer = normalizerFromJson(config) as Normalizer;
    for (const text of texts) {
      const result = normalizer.normalize(text);
      checkAlign(text, result, false);
      assert.equal(result.text, jsNormalize(config, text), JSON.stringify(text));
    }
  }
  const both = normalizerFromJson(configs[0]) as Normalizer;
  const r = both.normalize('\u0085 a b \ufeff');
  assert.equal(r.text, 'a b \ufeff'); // NEL is White_Space, BOM is not (JS trim says the opposite)
  assert.deepEqual(Array.from(r.align!.start), [2, 3, 4, 5, 6, 7]);
  assert.equal(both.normalize('   ').text, '');
  await compareWithRust(t, configs, [...texts.slice(0, 200), '\u0085 a b \ufeff', '   ']);
});

const REPLACES = [
  { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
  { type: 'Replace', pattern: { String: 'ﬁ' }, content: '' },
  { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
  { type: 'Replace', pattern: { Regex: '\\s+' }, content: '_' },
  { type: 'Replace', pattern: { Regex: '[0-9]' }, content: '<d>' },
  { type: 'Replace', pattern: { String: '.' }, content: '' },
];

test('Replace: text equals tokenizers.js; replacement takes the match’s last character, as in HF', () => {
  for (const config of REPLACES) {
    const normalizer = normalizerFromJson(config) as Normalizer;
    for (const text of randomTexts(5, 400)) {
      const result = normalizer.normalize(text);
      checkAlign(text, result, false);
      // tokenizers.js's \s is JavaScript's (with U+FEFF, without U+0085); the pools contain neither.
      assert.equal(result.text, jsNormalize(config, text), `${JSON.stringify(config)} ${JSON.stringify(text)}`);
    }
  }
  const squeeze = normalizerFromJson(REPLACES[2]) as Normalizer;
  const r = squeeze.normalize('a   b');
  assert.equal(r.text, 'a b');
  assert.deepEqual(Array.from(r.align!.start), [0, 3, 4, 5]);
  assert.deepEqual(Array.from(r.align!.end), [1, 4, 5, 5]);
  // Oniguruma's \s includes U+0085 and excludes U+FEFF.
  assert.equal((normalizerFromJson(REPLACES[3]) as Normalizer).normalize('a\u0085b\ufeffc').text, 'a_b\ufeffc');
  // Empty matches: none right after a match (Rust find_iter); at the start the insertion is zero-width.
  const empty = normalizerFromJson({ type: 'Replace', pattern: { Regex: 'x*' }, content: '-' }) as Normalizer;
  const e = empty.normalize('axxb');
  assert.equal(e.text, '-a-b-');
  assert.deepEqual(Array.from(e.align!.start), [0, 0, 2, 3, 3, 4]);
  assert.deepEqual(Array.from(e.align!.end), [0, 1, 3, 4, 4, 4]);
  // Content is literal.
  assert.equal((normalizerFromJson({ type: 'Replace', pattern: { String: '$' }, content: '$1' }) as Normalizer).normalize('a$b').text, 'a$1b');
});

test('Replace: text and offsets equal HF tokenizers (Rust), Oniguruma patterns included', async (t) => {
  const onig = [
    { type: 'Replace', pattern: { Regex: 'x*' }, content: '-' },
    { type: 'Replace', pattern: { Regex: '(?=e)' }, content: '<' },
    { type: 'Replace', pattern: { Regex: "(?i:the|'s)|\\d+" }, content: '#' },
    { type: 'Replace', pattern: { Regex: '^ +| +$' }, content: '' },
    { type: 'Replace', pattern: { Regex: '\\w+' }, content: 'w' },
    { type: 'Replace', pattern: { Regex: '\\bthe\\b|.\\r' }, content: '@' },
    { type: 'Replace', pattern: { Regex: '[[:digit:]\\h]+' }, content: 'h' },
    { type: 'Replace', pattern: { Regex: '(e)' }, content: '[$1]' },
  ];
  await compareWithRust(t, [...REPLACES, ...onig], randomTexts(12, 150));
});

test('Prepend: non-empty text only; prepended units take the first character’s range, as in HF', async (t) => {
  const config = { type: 'Prepend', prepend: '▁' };
  const normalizer = normalizerFromJson(config) as Normalizer;
  const texts = randomTexts(6, 300);
  for (const text of texts) {
    const result = normalizer.normalize(text);
    checkAlign(text, result, true);
    if (text !== '') assert.equal(result.text, jsNormalize(config, text));
  }
  assert.deepEqual(normalizer.normalize(''), { text: '', align: null }); // tokenizers.js would give '▁'
  const r = normalizer.normalize('Hi');
  assert.deepEqual(Array.from(r.align!.start), [0, 0, 1, 2]);
  assert.deepEqual(Array.from(r.align!.end), [1, 1, 2, 2]);
  await compareWithRust(t, [config], [...texts.slice(0, 100), '😀x']);
});

test('StripAccents and ByteLevel', async (t) => {
  const strip = normalizerFromJson({ type: 'StripAccents' }) as Normalizer;
  const texts = randomTexts(7, 300);
  for (const text of texts) {
    const result = strip.normalize(text);
    checkAlign(text, result, false);
    assert.equal(result.text, jsNormalize({ type: 'StripAccents' }, text));
  }
  const byteLevel = normalizerFromJson({ type: 'ByteLevel' }) as Normalizer;
  const r = byteLevel.normalize('a é\n');
  assert.equal(r.text, 'aĠÃ©Ċ');
  assert.deepEqual(Array.from(r.align!.start), [0, 1, 2, 2, 3, 4]);
  const encoder = new TextEncoder();
  for (const text of randomTexts(8, 300)) {
    const result = byteLevel.normalize(text);
    checkAlign(text, result, true);
    assert.equal(result.text, Array.from(encoder.encode(text), (b) => BYTE_TO_CHAR[b]).join(''), JSON.stringify(text));
  }
  await compareWithRust(t, [{ type: 'StripAccents' }, { type: 'ByteLevel' }], texts.slice(0, 150));
});

const SEQUENCES = [
  { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] },
  { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
  {
    type: 'Sequence',
    normalizers: [
      { type: 'NFC' },
      { type: 'Strip', strip_left: true, strip_right: true },
      { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: '--' }] },
      { type: 'Prepend', prepend: '▁' },
      { type: 'NFKD' },
    ],
  },
];

test('Sequence: text equals tokenizers.js and offsets equal HF (Rust), composing the steps’ alignments', async (t) => {
  const texts = randomTexts(9, 400);
  for (const config of SEQUENCES) {
    const normalizer = normalizerFromJson(config) as Normalizer;
    for (const text of texts) {
      const result = normalizer.normalize(text);
      checkAlign(text, result, config === SEQUENCES[1]);
      // tokenizers.js lowercases Σ in context and prepends to empty text; HF (Rust) does neither.
      if (!text.includes('Σ') && result.text !== '') assert.equal(result.text, jsNormalize(config, text), JSON.stringify(text));
    }
  }
  // NFKD, StripAccents, Lowercase: Å → A + ring → A → a, over the original character.
  const r = (normalizerFromJson(SEQUENCES[0]) as Normalizer).normalize('xÅy');
  assert.equal(r.text, 'xay');
  assert.deepEqual(Array.from(r.align!.start), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(r.align!.end), [1, 2, 3, 3]);
  await compareWithRust(t, SEQUENCES, texts.slice(0, 200));
});

test('composeAlign: null handling, insertions between overlapping ranges stay monotone', () => {
  const a = (s: number[], e: number[]): Alignment => ({ start: Int32Array.from(s), end: Int32Array.from(e) });
  const inner = a([0, 0, 2], [2, 2, 2]); // two units from one original char of 2 units
  assert.equal(composeAlign(null, null), null);
  assert.equal(composeAlign(null, inner), inner);
  assert.equal(composeAlign(inner, null), inner);
  // outer inserts one unit between the two (zero-width at 1) and keeps both.
  const outer = a([0, 1, 1, 3], [1, 1, 2, 3]);
  const c = composeAlign(outer, inner)!;
  assert.deepEqual(Array.from(c.start), [0, 0, 0, 2]);
  assert.deepEqual(Array.from(c.end), [2, 2, 2, 2]);
});

test('normalizerFromJson: supported types, errors for the rest', () => {
  assert.equal(normalizerFromJson(null), null);
  assert.equal(normalizerFromJson({ type: 'Sequence', normalizers: [] }), null);
  for (const type of ['BertNormalizer', 'Precompiled', 'Nmt', 'Whatever']) {
    assert.throws(() => normalizerFromJson({ type }), new RegExp(`unsupported normalizer: ${type}`));
  }
  assert.throws(() => normalizerFromJson({ type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Precompiled' }] }), /Precompiled/);
  assert.throws(() => normalizerFromJson({ type: 'Replace', pattern: { Regex: '(a+)+' }, content: '' }), /\(a\+\)\+/);
  assert.throws(() => normalizerFromJson({ type: 'Replace', pattern: {}, content: '' }), /pattern/);
  assert.throws(() => normalizerFromJson({ type: 'Prepend' }), /prepend/);
});

test('regex guard: rejects hazards and unsupported syntax, naming the pattern', () => {
  for (const bad of ['(a+)+', '(a*)*', '(a|a)*', '(a|ab)+', '(?:\\s|x)+', '(a?b)+', '(x+){5}', '((ab)*c)+']) {
    assert.throws(() => compileUserRegex(bad, 'gu'), (e: Error) => e.message.includes(JSON.stringify(bad)) && /backtrack/.test(e.message), bad);
  }
  for (const bad of ['a++', 'a*+', '(?>ab)', 'a{2}+', '[a&&b]', '\\G', '(?x) a', '[[:graph:]]', '[[:^alnum:]]', '\\p{NoSuchThing}', '(a', 'a)']) {
    assert.throws(() => compileUserRegex(bad, 'gu'), (e: Error) => e.message.includes(JSON.stringify(bad)), bad);
  }
  assert.throws(() => compileUserRegex('a'.repeat(1001), 'gu'), /limit is 1000/);
  for (const ok of ['(ab)+', "(?:'s|'t|'re)+", '(a)\\1+', '(?:\\r\\n|\\n)+', "(?i:'s|'t)?", '(ab{2})+', '\\s+(?!\\S)', '[^\\r\\n\\p{L}\\p{N}]?\\p{L}+']) {
    assert.ok(compileUserRegex(ok, 'gu') instanceof RegExp, ok);
  }
});

test('regex translation: Oniguruma meanings', () => {
  const all = (pattern: string, text: string): string[] => Array.from(text.matchAll(compileUserRegex(pattern, 'gu')), (m) => m[0]);
  const gpt2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  assert.deepEqual(all(gpt2, "Hello world's 123  x"), ['Hello', ' world', "'s", ' 123', ' ', ' x']);
  const llama3 =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  assert.deepEqual(all(llama3, "I'M 12345\n"), ['I', "'M", ' ', '123', '45', '\n']);
  assert.deepEqual(all("(?i:'s)", "'S 'ſ 's"), ["'S", "'ſ", "'s"]);
  assert.deepEqual(all('\\s', 'a\u0085b\ufeffc d'), ['\u0085', ' ']);
  assert.deepEqual(all('\\d+', 'x12٣4'), ['12٣4']);
  assert.deepEqual(all('\\w+', 'é_x²\u200dy₂z'), ['é_x²', 'y', 'z']); // ² is a word character, ZWJ and ₂ are not
  assert.deepEqual(all('[[:word:]]+', 'a²b'), ['a', 'b']);
  assert.deepEqual(all('[[:punct:]]+|[[:alpha:]]+', 'ab$,+c'), ['ab', '$,+', 'c']);
  // No match in the middle of a surrogate pair (V8 would report one here without the guard).
  assert.deepEqual(Array.from('a\u{10000}b'.matchAll(compileUserRegex('\\B', 'gu')), (m) => m.index), [1, 3]);
  assert.deepEqual(all('.', 'a\r\nb'), ['a', '\r', 'b']);
  assert.deepEqual(all('^x', 'x\nx\rx'), ['x', 'x']);
  assert.deepEqual(all('x$', 'x\nx\rx'), ['x', 'x']);
  assert.deepEqual(all('\\Ax|x\\z', 'x\nx\nx'), ['x', 'x']);
  assert.deepEqual(all('\\bé', 'é xé'), ['é']);
  assert.deepEqual(all('\\p{Han}+', 'ab漢字c'), ['漢字']);
  assert.deepEqual(all('[[:digit:]]+|\\x{41}', 'A12'), ['A', '12']);
  assert.deepEqual(all('[a[bc]]+', 'xabcx'), ['abc']);
  assert.deepEqual(all('a{,2}b', 'aaab'), ['aab']);
  assert.deepEqual(all("x\\'\\-", "x'-"), ["x'-"]);
  assert.deepEqual(all('a(?i)b|c', 'aB aC c ab'), ['aB', 'aC', 'ab']); // Oniguruma: a(?i:b|c)
  assert.deepEqual(all('[(?i:x)]', '(?:x)'), ['(', '?', ':', 'x', ')']);
  assert.deepEqual(all('(?i:[a-c])+', 'xAbCz'), ['AbC']);
  assert.deepEqual(all('a{', 'a{'), ['a{']);
  assert.deepEqual(all('(a)\\1+', 'aaaa'), ['aaaa']);
  assert.deepEqual(all("(?:'s|'t)+", "'s't'x"), ["'s't"]);
});
