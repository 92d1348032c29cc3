/**
 * Differential tests: each hand-written tiktoken scanner against the exact regex it replaces, on seeded random
 * strings built to hit the patterns' corner cases, plus known answers for the subtle cases (so that a bug shared by
 * regex and scanner is caught too).
 */

import { rng } from './support';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PreTokenizer } from '../../server/src/tokenizers/types';
import {
  CL100K_BASE_PATTERN,
  GPT2_PATTERN,
  O200K_BASE_PATTERN,
  TIKTOKEN_PATTERNS,
  classOf,
  C_OTHER,
  regexPreTokenizer,
} from '../../server/src/tokenizers/preTokenizers/tiktokenPatterns';
import { o200kScanner } from '../../server/src/tokenizers/preTokenizers/scanO200k';
import { cl100kScanner } from '../../server/src/tokenizers/preTokenizers/scanCl100k';
import { gpt2Scanner } from '../../server/src/tokenizers/preTokenizers/scanGpt2';

const ENCODINGS: { name: string; regex: PreTokenizer; scanner: PreTokenizer }[] = [
  { name: 'o200k_base', regex: regexPreTokenizer(O200K_BASE_PATTERN), scanner: o200kScanner },
  { name: 'cl100k_base', regex: regexPreTokenizer(CL100K_BASE_PATTERN), scanner: cl100kScanner },
  { name: 'r50k_base', regex: regexPreTokenizer(GPT2_PATTERN), scanner: gpt2Scanner },
];

function pieces(pt: PreTokenizer, text: string, from = 0, to = text.length): string[] {
  const out: string[] = [];
  let last = from;
  pt.split(text, from, to, (s, e) => {
    // Pieces must tile the range: contiguous, non-empty, inside [from, to).
    assert.equal(s, last, `gap or overlap at ${s} in ${JSON.stringify(text)}`);
    assert.ok(e > s && e <= to, `bad piece [${s}, ${e}) in ${JSON.stringify(text)}`);
    last = e;
    out.push(text.slice(s, e));
  });
  assert.equal(last, to, `range not covered in ${JSON.stringify(text)}`);
  return out;
}


const cps = (a: number, b: number): string[] => {
  const out: string[] = [];
  for (let c = a; c <= b; c++) out.push(String.fromCodePoint(c));
  return out;
};

/**
 * Pools of fragments. Code points come from blocks assigned long ago (Unicode ≤ 6), so Node's ICU and the Unicode
 * tables of tiktoken's Rust regex agree on them.
 */
const POOLS: string[][] = [
  cps(0x61, 0x7a), // a-z
  cps(0x41, 0x5a), // A-Z
  cps(0x30, 0x39),
  [...'!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'],
  ["'", "'", "'s", "'S", "'t", "'T", "'re", "'RE", "'rE", "'ve", "'Ve", "'m", "'M", "'ll", "'lL", "'d", "'D", "'ſ", "'r", "'l", "'v"],
  [' ', ' ', ' ', '  ', '   ', '\t', '\n', '\r', '\r\n', '\n\n', ' \n', '\n ', ' \t ', '\x0b', '\x0c'],
  ['/', '//', '\n/', '/\n', '\r\n/'],
  // Latin-1 and Latin Extended letters, including Lt (ǅ ǈ ǋ ǲ), Lo (ª º), Lm (ʰ ˆ), ſ and ß.
  ['é', 'É', 'ß', 'ñ', 'Ø', 'ø', 'ÿ', 'ǅ', 'ǈ', 'ǋ', 'ǲ', 'ª', 'º', 'ʰ', 'ˆ', 'ſ', 'ı', 'İ', 'ŉ', 'µ'],
  cps(0x391, 0x3a9).concat(cps(0x3b1, 0x3c9)), // Greek
  cps(0x410, 0x44f), // Cyrillic
  cps(0x621, 0x64a).concat(cps(0x64b, 0x652)), // Arabic letters and harakat (Mn)
  cps(0x5d0, 0x5ea).concat(['\u05b4', '\u05bc']), // Hebrew + points
  cps(0x915, 0x939).concat(cps(0x93e, 0x94d), cps(0x966, 0x96f)), // Devanagari: Lo, Mc/Mn, Nd
  cps(0xe01, 0xe30).concat(cps(0xe31, 0xe3a), cps(0xe50, 0xe59)), // Thai: Lo, Mn, Nd
  cps(0x4e00, 0x4e40).concat(cps(0x3041, 0x3060), ['\u30fc', '\u3005']), // CJK, Hiragana, ー (Lm), 々 (Lm)
  cps(0xac00, 0xac30), // Hangul syllables
  cps(0x300, 0x36f), // combining diacritics (Mn)
  ['\u20dd', '\u0488', '\u0903', '\u093f'], // Me, Mc
  ['😀', '👍', '👍🏽', '❤️', '👨‍👩‍👧', '🏳️‍🌈', '\u200d', '\ufe0f', '\u{1f3fb}', '🇫🇷'], // emoji, ZWJ, VS16 (Mn), skin tone (Sk)
  ['𝐀', '𝐚', '𝟎', '𝟗', '𠀀', '𠀋', '𐌰', '𐍁', '𝔘', '\u{e0041}', '\u{e0100}', '\u{f0000}'], // astral: Lu Ll Nd Lo Nl; tags (Cf), VS17 (Mn), private use
  ['²', '³', '½', 'Ⅻ', '٣', '①', '〇'], // No, Nl, Nd
  ['\ufeff', '\u00a0', '\u2028', '\u2029', '\u3000', '\u0085', '\u1680', '\u2002', '\u200a', '\u202f', '\u205f', '\u001c', '\u180e'],
  ['\ud800', '\udc00', '\udbff', '\udfff', '\udc00\ud800', '\ufffd'], // lone surrogates, reversed pair, U+FFFD
  ['\0', '\x01', '\x7f', '\x9f'],
];

/** Weights favour ASCII so that the interesting interactions (word + space + punctuation) are frequent. */
const WEIGHTS = [8, 5, 4, 4, 3, 6, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 2, 1, 1];

function randomString(rand: () => number, maxFragments: number): string {
  const total = WEIGHTS.reduce((a, b) => a + b, 0);
  const n = Math.floor(rand() * maxFragments);
  let s = '';
  for (let i = 0; i < n; i++) {
    let r = rand() * total;
    let k = 0;
    while (r >= WEIGHTS[k]!) r -= WEIGHTS[k++]!;
    const pool = POOLS[k]!;
    // Repeat the fragment sometimes: long runs of one class are where greedy/backtracking differences show.
    const times = rand() < 0.15 ? 1 + Math.floor(rand() * 5) : 1;
    s += pool[Math.floor(rand() * pool.length)]!.repeat(times);
  }
  return s;
}

/** Replaces lone surrogates with U+FFFD (same length), what the byte-level core encodes them as. */
function withReplacement(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

test('POOLS weights line up', () => {
  assert.equal(WEIGHTS.length, POOLS.length);
});

for (const { name, regex, scanner } of ENCODINGS) {
  test(`${name}: scanner equals regex on random strings`, () => {
    const rand = rng(0x5eed + name.length);
    for (let iter = 0; iter < 20000; iter++) {
      const s = randomString(rand, iter < 10000 ? 12 : 60);
      const expected = pieces(regex, s);
      const actual = pieces(scanner, s);
      assert.deepEqual(actual, expected, `input ${JSON.stringify(s)}`);
    }
  });

  test(`${name}: scanner equals regex on sub-ranges (the range end is the input end)`, () => {
    const rand = rng(0xab + name.length);
    for (let iter = 0; iter < 5000; iter++) {
      const s = randomString(rand, 30);
      const from = Math.floor(rand() * (s.length + 1));
      const to = from + Math.floor(rand() * (s.length - from + 1));
      const expected = pieces(regex, s, from, to);
      assert.deepEqual(pieces(scanner, s, from, to), expected, `input ${JSON.stringify(s)} [${from}, ${to})`);
      // And the regex on a sub-range is the regex on the substring.
      assert.deepEqual(expected, pieces(regex, s.slice(from, to)));
    }
  });

  test(`${name}: lone surrogates split exactly like U+FFFD`, () => {
    const rand = rng(0xfffd + name.length);
    for (let iter = 0; iter < 3000; iter++) {
      const s = randomString(rand, 30);
      const r = withReplacement(s);
      const bounds = (pt: PreTokenizer, t: string): number[] => {
        const out: number[] = [];
        pt.split(t, 0, t.length, (a) => out.push(a));
        return out;
      };
      assert.deepEqual(bounds(scanner, s), bounds(scanner, r), `scanner, input ${JSON.stringify(s)}`);
      assert.deepEqual(bounds(regex, s), bounds(regex, r), `regex, input ${JSON.stringify(s)}`);
    }
  });

  test(`${name}: long runs of one class`, () => {
    for (const unit of ['a', 'A', '1', ' ', '\n', '\t', '.', "'s", '\u0301', 'Aa', 'a ', ' a', '\r\n ', '😀', '\ud800', 'ǅ', 'ª']) {
      for (const n of [1, 2, 3, 4, 7, 100]) {
        for (const s of [unit.repeat(n), 'x' + unit.repeat(n), unit.repeat(n) + 'x', ' ' + unit.repeat(n) + ' ']) {
          assert.deepEqual(pieces(scanner, s), pieces(regex, s), `input ${JSON.stringify(s)}`);
        }
      }
    }
  });
}

test('every encoding name has a pattern', () => {
  for (const n of ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base']) assert.ok(TIKTOKEN_PATTERNS[n]);
});

test('lone surrogates are classified like U+FFFD', () => {
  assert.equal(classOf(0xd800), C_OTHER);
  assert.equal(classOf(0xdfff), C_OTHER);
  assert.equal(classOf(0xfffd), C_OTHER);
});

/** Known answers, checked on the regex and the scanner, for the cases where JS and tiktoken could diverge. */
const CASES: [encoding: string, input: string, expected: string[]][] = [
  // Plain text.
  ['o200k_base', "Hello world, it's 12345 o'clock!\n", ['Hello', ' world', ',', " it's", ' ', '123', '45', ' o', "'clock", '!\n']],
  ['cl100k_base', "Hello world, it's 12345 o'clock!\n", ['Hello', ' world', ',', ' it', "'s", ' ', '123', '45', ' o', "'clock", '!\n']],
  ['r50k_base', "Hello world, it's 12345 o'clock!\n", ['Hello', ' world', ',', ' it', "'s", ' 12345', ' o', "'", 'clock', '!', '\n']],
  // Contractions: case-insensitive in cl100k/o200k (ſ folds to s), case-sensitive in GPT-2.
  ['cl100k_base', "'Sup", ["'S", 'up']],
  ['cl100k_base', "'ſx", ["'ſ", 'x']],
  ['o200k_base', "IT'S", ["IT'S"]],
  ['o200k_base', "doesn'ſ", ["doesn'ſ"]],
  ['r50k_base', "'Sup", ["'", 'Sup']],
  ['r50k_base', "'ſx", ["'", 'ſx']],
  // Whitespace: the run gives its last character to the next piece unless it ends the input.
  ['cl100k_base', 'a  b', ['a', ' ', ' b']],
  ['cl100k_base', 'a  ', ['a', '  ']],
  ['cl100k_base', 'a\t\tb', ['a', '\t', '\tb']],
  ['r50k_base', 'a\t\tb', ['a', '\t', '\t', 'b']],
  ['r50k_base', 'a \n b', ['a', ' \n', ' b']],
  // `\s*[\r\n]+` ends at the last line break of the run; the original cl100k pattern (not tiktoken's later `\s++$`).
  ['cl100k_base', '\n  ', ['\n', '  ']],
  ['cl100k_base', 'a \n\n  b', ['a', ' \n\n', ' ', ' b']],
  ['o200k_base', 'x;\r\n/\n/y', ['x', ';\r\n/\n/', 'y']],
  ['cl100k_base', 'x;\r\n/y', ['x', ';\r\n', '/y']],
  // U+FEFF is not White_Space (JS `\s` says it is); U+0085 is (JS `\s` says it is not).
  ['r50k_base', '\ufeff\ufeffx', ['\ufeff\ufeff', 'x']],
  ['r50k_base', 'a\u0085\u0085b', ['a', '\u0085', '\u0085', 'b']],
  ['cl100k_base', 'a \ufeff', ['a', ' \ufeff']],
  ['cl100k_base', 'a\u0085\u0085', ['a', '\u0085\u0085']],
  // Digits: runs of three code points in cl100k/o200k, unbounded in GPT-2; astral digits count once.
  ['o200k_base', '1234567', ['123', '456', '7']],
  ['o200k_base', '𝟎𝟏𝟐𝟑', ['𝟎𝟏𝟐', '𝟑']],
  ['r50k_base', ' 1234567', [' 1234567']],
  // o200k words: capitals then lower case; Lm/Lo/M belong to both sides; a mark may lead a word.
  ['o200k_base', 'HelloWorld', ['Hello', 'World']],
  ['o200k_base', 'HTMLParser', ['HTMLParser']],
  ['o200k_base', 'XMLHttpRequest', ['XMLHttp', 'Request']],
  ['o200k_base', 'ABC def', ['ABC', ' def']],
  ['o200k_base', '\u0301ABC', ['\u0301', 'ABC']],
  ['o200k_base', '\u0301abc', ['\u0301abc']],
  ['o200k_base', 'AªBC', ['Aª', 'BC']],
  ['o200k_base', 'e\u0301t\u00e9', ['e\u0301t\u00e9']],
  ['cl100k_base', 'e\u0301t', ['e', '\u0301t']],
  ['o200k_base', "don't stop", ["don't", ' stop']],
  ['cl100k_base', "don't stop", ['don', "'t", ' stop']],
  ['o200k_base', '<a href="x">', ['<a', ' href', '="', 'x', '">']],
  // A lone surrogate is a symbol, like U+FFFD.
  ['o200k_base', 'a\ud800b', ['a', '\ud800b']],
  ['o200k_base', 'a\ud800\ud800b', ['a', '\ud800\ud800', 'b']],
  ['r50k_base', 'a \udc00\ud800b', ['a', ' \udc00\ud800', 'b']],
  // Astral letters are one code point, not two units.
  ['cl100k_base', ' 𠀀𠀋', [' 𠀀𠀋']],
  ['o200k_base', '𝐀𝐚𝐚', ['𝐀𝐚𝐚']],
];

test('known answers (regex and scanner)', () => {
  for (const [enc, input, expected] of CASES) {
    const e = ENCODINGS.find((x) => x.name === enc)!;
    assert.deepEqual(pieces(e.regex, input), expected, `${enc} regex ${JSON.stringify(input)}`);
    assert.deepEqual(pieces(e.scanner, input), expected, `${enc} scanner ${JSON.stringify(input)}`);
  }
});

/**
 * The ground truth: tiktoken's own Rust regex (fancy-regex, in the `tiktoken` npm package's WASM). Our pieces are
 * BPE-encoded one by one with a pattern that matches a whole piece, and the ids must equal tiktoken's ids for the
 * whole string. This is what catches a JS regex that is self-consistent but not what Rust does (`\s` vs U+FEFF,
 * `(?i)` and `ſ`, Unicode tables).
 */
type TiktokenModule = typeof import('tiktoken');
/** Resolved from the working directory too, so a bundle written outside the repository still finds the package. */
function requireDev(id: string): unknown {
  return require(require.resolve(id, { paths: [process.cwd(), __dirname] }));
}
function loadTiktoken(): TiktokenModule | undefined {
  try {
    return requireDev('tiktoken') as TiktokenModule;
  } catch {
    return undefined;
  }
}
const tiktoken = loadTiktoken();

for (const { name, scanner } of ENCODINGS) {
  test(`${name}: scanner pieces give tiktoken's (Rust regex) ids`, { skip: tiktoken === undefined && 'tiktoken not installed' }, () => {
    const { Tiktoken } = tiktoken!;
    const spec = requireDev(`tiktoken/encoders/${name}.json`) as { bpe_ranks: string; special_tokens: Record<string, number>; pat_str: string };
    const truth = new Tiktoken(spec.bpe_ranks, spec.special_tokens, spec.pat_str);
    const perPiece = new Tiktoken(spec.bpe_ranks, spec.special_tokens, '(?s:.+)');
    try {
      const rand = rng(0x7100 + name.length);
      for (let iter = 0; iter < 3000; iter++) {
        const s = randomString(rand, 40);
        const ids: number[] = [];
        scanner.split(s, 0, s.length, (a, b) => {
          for (const id of perPiece.encode_ordinary(s.slice(a, b))) ids.push(id);
        });
        assert.deepEqual(ids, [...truth.encode_ordinary(s)], `input ${JSON.stringify(s)}`);
      }
    } finally {
      truth.free();
      perPiece.free();
    }
  });
}
