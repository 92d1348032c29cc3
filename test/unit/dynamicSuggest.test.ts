/**
 * Per-document suggestions: every fix changes only its own range, its stated counts are a fresh encode of the lines
 * before and after, fix-all takes only safe edits, the skip rules hold (identifiers, hex, versions, dates, section
 * numbers, Markdown hard breaks, Python indentation, strings), and the work stays linear in the document.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, DocContext, languageOfPath } from '../../server/src/dynamic/context';
import { groupRight, numberSuggestions, separatorFor } from '../../server/src/dynamic/numbers';
import { findPhrases } from '../../server/src/dynamic/phrases';
import { fixAllEdits, suggestDocument } from '../../server/src/dynamic/suggest';
import type { Suggestion } from '../../server/src/dynamic/types';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import type { Tokenizer } from '../../server/src/tokenizers/types';

const o200k = () => getTokenizer('o200k_base');

/** Line-level recount of a suggestion's fix, independent of DocContext. */
function recount(tok: Tokenizer, text: string, s: Suggestion): { before: number; after: number } {
  const first = Math.min(...s.edits!.map((e) => e.start));
  const last = Math.max(...s.edits!.map((e) => e.end));
  const from = text.lastIndexOf('\n', first - 1) + 1;
  let to = text.indexOf('\n', Math.max(first, last - 1));
  to = to < 0 ? text.length : to + 1;
  const slice = text.slice(from, to);
  return { before: tok.count(slice), after: tok.count(applyEdits(slice, s.edits!, from)) };
}

test('numbers: right-to-left grouping only for plain, misaligned runs; separators by language', () => {
  assert.equal(groupRight('1234567', ','), '1,234,567');
  assert.equal(groupRight('123456', '_'), '123_456');
  assert.equal(separatorFor('python', 'code'), '_');
  assert.equal(separatorFor('c', 'code'), undefined);
  assert.equal(separatorFor('cpp', 'code'), "'");
  assert.equal(separatorFor('plaintext', 'prose'), ',');
  const tok = o200k();
  const text = [
    'pay 1234567 now', // misaligned: 123|456|7 → flagged
    'pay 123456 now', // 123|456 aligned → not flagged
    'id x12345678 v1.2.34567 0x12345 2018-05-10 12345678_9 call 555-123456',
    'see section 10101 and § 12345 and Pub. L. 1234567',
    'pi 3.14159265 and 98765.5',
  ].join('\n');
  const ctx = new DocContext(text, tok, 'plaintext');
  const found = numberSuggestions(ctx).map((s) => text.slice(s.start, s.end));
  assert.deepEqual(found, ['1234567', '98765']);
  const first = numberSuggestions(ctx)[0];
  assert.deepEqual(first.edits, [{ start: 4, end: 11, newText: '1,234,567' }]);
  const r = recount(tok, text, first);
  assert.equal(first.tokensBefore, r.before);
  assert.equal(first.tokensAfter, r.after);
  assert.equal(first.safe, false);
  // Qwen's one-digit pieces are never misaligned.
  const qwen = getTokenizer('qwen3');
  assert.deepEqual(numberSuggestions(new DocContext(text, qwen, 'plaintext')), []);
});

test('numbers in code: `_` where literals take it, none in strings, comments or C', () => {
  const tok = o200k();
  const text = 'x = 1234567\ns = "1234567"\ny = 7654321 # 1234567\n';
  const py = numberSuggestions(new DocContext(text, tok, 'python'));
  assert.equal(py.length, 4);
  assert.deepEqual(py[0].edits, [{ start: 4, end: 11, newText: '1_234_567' }]);
  assert.equal(py[1].edits, undefined); // in a string
  assert.ok(py[2].edits); // 7654321
  assert.equal(py[3].edits, undefined); // in a comment
  const c = numberSuggestions(new DocContext(text, tok, 'c'));
  assert.ok(c.every((s) => s.edits === undefined));
});

test('whitespace: exact costs, safe fix-all, hard breaks and Python indentation untouched', () => {
  const tok = getTokenizer('llama3');
  const md = 'Title\n\nline with hard break  \nnext line with junk   \t\n\n\n\n\n\nend  of     text\n';
  const res = suggestDocument(md, { tokenizer: tok, languageId: 'markdown' });
  const ws = res.suggestions.filter((s) => s.kind === 'whitespace');
  for (const s of ws) {
    const r = recount(tok, md, s);
    assert.equal(s.tokensBefore, r.before, s.code);
    assert.equal(s.tokensAfter, r.after, s.code);
    assert.ok(s.tokensAfter! < s.tokensBefore, s.code);
  }
  const codes = ws.map((s) => `${s.code}@${md.slice(s.start, s.end).replace(/\n/g, '\\n')}`);
  assert.ok(!codes.some((c) => c.startsWith('whitespace.trailing') && md.indexOf('break  \n') >= 0 && c.endsWith('@  ')), `hard break kept: ${codes}`);
  const fixed = applyEdits(md, fixAllEdits(res.suggestions));
  assert.ok(fixed.includes('hard break  \n'), 'the Markdown hard break stays');
  assert.ok(!fixed.includes('junk   \t'), 'trailing blanks go');
  assert.ok(!fixed.includes('\n\n\n\n'), 'long blank runs collapse');
  assert.ok(fixed.includes('end  of     text'), 'unsafe inner runs are not in the fix-all');
  assert.ok(tok.count(fixed) < tok.count(md));
  // Each fix changes only its range: applying one leaves everything outside it as it was.
  for (const s of ws) {
    const e = s.edits![0];
    const out = applyEdits(md, s.edits!);
    assert.equal(out.slice(0, e.start), md.slice(0, e.start));
    assert.equal(out.slice(e.start + e.newText.length), md.slice(e.end));
  }
  const py = 'def f():\n\t    return 1\n';
  const pres = suggestDocument(py, { tokenizer: o200k(), languageId: 'python' });
  const mixed = pres.suggestions.filter((s) => s.code === 'whitespace.mixedIndent');
  assert.equal(mixed.length, 1);
  assert.equal(mixed[0].edits, undefined);
  const js = 'function f() {\n  \treturn 1;\n  \treturn 2;\n  return 3;\n}\n';
  const jres = suggestDocument(js, { tokenizer: o200k(), languageId: 'javascript' });
  for (const s of jres.suggestions.filter((x) => x.code === 'whitespace.mixedIndent')) assert.equal(s.edits![0].newText, '      ');
});

test('identifiers: fertile names with other tokenizers\' counts; casing fix to the majority spelling', () => {
  const tok = o200k();
  const name = 'veryLongIdentifierNameForTheConfigurationObjectWithExtras';
  const code = `const ${name} = 1;\nlet a = b + c;\nfoo(bar, baz);\nreturn ${name};\nfunction parseHTTPHeaderValue() {}\nparseHttpHeaderValue(); parseHttpHeaderValue(); parseHTTPHeaderValue();\nparseHttpHeaderValue();\n`;
  const res = suggestDocument(code, { tokenizer: tok, languageId: 'typescript', compare: [getTokenizer('llama3')] });
  const fert = res.suggestions.find((s) => s.code === 'identifier.fertility' && code.slice(s.start, s.end) === name)!;
  assert.ok(fert);
  assert.equal(fert.data!.llama3, getTokenizer('llama3').count(name));
  assert.equal(fert.tokensBefore, 2 * tok.count(name));
  const casing = res.suggestions.filter((s) => s.code === 'identifier.casing');
  const hh = tok.count('parseHTTPHeaderValue') > tok.count('parseHttpHeaderValue');
  assert.equal(casing.length, hh ? 1 : 0);
  if (hh) {
    assert.equal(casing[0].edits!.length, 2);
    assert.ok(casing[0].edits!.every((e) => e.newText === 'parseHttpHeaderValue'));
    assert.equal(casing[0].safe, false);
    const fixed = applyEdits(code, casing[0].edits!);
    assert.equal(tok.count(code) - tok.count(fixed), casing[0].tokensBefore - casing[0].tokensAfter!);
  }
});

test('phrases: recurring multi-word phrases with exact savings on the document encoding', () => {
  const tok = o200k();
  const text = 'The Secretary shall act pursuant to section 5.\nIt was done pursuant to section 7, and pursuant to section 9.\nNothing pursuant to section 4 applies.\n';
  const ctx = new DocContext(text, tok, 'plaintext');
  const phrases = findPhrases(ctx);
  const p = phrases.find((x) => x.text === 'pursuant to section')!;
  assert.equal(p.occurrences, 4);
  const per = tok.count(' pursuant to section');
  assert.equal(p.tokens, per);
  assert.equal(p.saving, 4 * (per - 1));
});

test('the work is linear: characters encoded stay within a small multiple of the document', () => {
  const base = o200k();
  let encoded = 0;
  const counting: Tokenizer = new Proxy(base, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v === 'function' && ['encode', 'encodeIds', 'count'].includes(String(prop))) {
        return (text: string, ...rest: unknown[]) => {
          encoded += text.length;
          return (v as (...a: unknown[]) => unknown).call(target, text, ...rest);
        };
      }
      return v;
    },
  });
  const unit = 'export const value_1 = 1234567;   \n\tif (x) {  return "a    b"; }\n\n\n\n\nlet parseJSON = parseJson(1);\n';
  for (const reps of [100, 1000]) {
    encoded = 0;
    const text = unit.repeat(reps);
    const res = suggestDocument(text, { tokenizer: counting, languageId: 'typescript' });
    assert.ok(res.suggestions.length >= reps * 2);
    assert.ok(encoded <= 8 * text.length, `${reps}: ${encoded} chars encoded for ${text.length}`);
  }
});

test('language ids from file names', () => {
  assert.equal(languageOfPath('a/b.py'), 'python');
  assert.equal(languageOfPath('README.md'), 'markdown');
  assert.equal(languageOfPath('x.unknown'), 'plaintext');
});

test('long lines: the windowed cost equals a whole-line recount', () => {
  const tok = o200k();
  const unit = 'The amount of 1234567 dollars shall be paid pursuant to section 5 of the Act, as amended;   ';
  const line = unit.repeat(80); // ~7,000 characters, one line
  const text = `${line}   \nnext line 7654321 here\n`;
  const res = suggestDocument(text, { tokenizer: tok, languageId: 'plaintext' });
  const fixes = res.suggestions.filter((s) => s.edits && s.start < line.length + 3);
  assert.ok(fixes.length >= 80, `${fixes.length}`);
  for (const s of fixes) {
    const r = recount(tok, text, s);
    assert.equal(s.tokensBefore, r.before, s.code);
    assert.equal(s.tokensAfter, r.after, `${s.code} at ${s.start}`);
  }
});

test('trailing blanks inside multi-line strings are left alone', () => {
  const tok = getTokenizer('llama3');
  const trailing = (text: string, languageId: string) =>
    suggestDocument(text, { tokenizer: tok, languageId }).suggestions.filter((s) => s.code === 'whitespace.trailing').map((s) => text.slice(0, s.start).split('\n').length);
  const ts = 'const a = 1;   \nconst t = `line one;   \nline two;   \n`;   \nconst b = 2;   \n';
  // The control: in C (no backtick strings) the same lines are flagged.
  assert.ok(trailing(ts, 'c').includes(2) && trailing(ts, 'c').includes(3), String(trailing(ts, 'c')));
  for (const l of trailing(ts, 'typescript')) assert.ok(l === 1 || l === 4 || l === 5, `line ${l}`);
  const q = '"'.repeat(3);
  const py = `x = 1;   \ns = ${q}doc;   \nmore;   \n${q};   \ny = 2;   \n`;
  assert.ok(trailing(py, 'ruby').includes(2), String(trailing(py, 'ruby')));
  for (const l of trailing(py, 'python')) assert.ok(l === 1 || l === 4 || l === 5, `line ${l}`);
  const pres = suggestDocument(py, { tokenizer: tok, languageId: 'python' });
  const fixed = applyEdits(py, fixAllEdits(pres.suggestions));
  assert.ok(fixed.includes(`${q}doc;   \nmore;   \n${q}`));
  assert.ok(fixed.length < py.length);
});

test('trailing blanks are in the fix-all only where no line end can be inside an unseen string', () => {
  const tok = getTokenizer('o200k_base');
  const rust = 'fn main() {\n    let s = "line one\t \t \t \nline two";\n}\n';
  const yaml = 'key: |\n  hello\t \t \t \n  world\n';
  const ts = 'const a = 1;\t \t \t \nconst b = 2;\n';
  const safeTrailing = (text: string, languageId: string) => suggestDocument(text, { tokenizer: tok, languageId }).suggestions.filter((s) => s.code === 'whitespace.trailing').map((s) => s.safe === true);
  for (const [text, lang] of [[rust, 'rust'], [yaml, 'yaml']] as const) {
    const found = safeTrailing(text, lang);
    assert.ok(found.length > 0, `${lang}: the trailing blanks are still reported`);
    assert.ok(found.every((safe) => !safe), `${lang}: never in the fix-all`);
    assert.equal(fixAllEdits(suggestDocument(text, { tokenizer: tok, languageId: lang }).suggestions).length, 0);
  }
  assert.deepEqual(safeTrailing(ts, 'typescript'), [true]);
});

test('numbers: a zero-padded literal in code gets no separator fix (0_123 is a syntax error in JS/TS)', () => {
  const tok = getTokenizer('o200k_base');
  const found = (text: string, languageId: string) => suggestDocument(text, { tokenizer: tok, languageId, families: { number: true, identifier: false, whitespace: false, phrase: false } }).suggestions.filter((s) => s.code === 'number.rightToLeft');
  assert.equal(found('const a = 0123456789;\n', 'typescript').length, 0);
  // The same digits without the zero are still looked at (whether reported depends on the tokenizer's chunks).
  const control = found('const a = 1234567;\nconst b = 12345678901;\n', 'typescript');
  assert.ok(control.length > 0, 'control: plain long numbers are reported');
});

test('fix-all: a blank-line collapse wins over the blanks of the lines it removes; not inside a Markdown code fence', () => {
  const tok = getTokenizer('o200k_base');
  const run = (text: string, languageId: string) => {
    const r = suggestDocument(text, { tokenizer: tok, languageId });
    return applyEdits(text, fixAllEdits(r.suggestions));
  };
  const prose = 'First paragraph.\n \t \n \t \n \t \n \t \n \t \nSecond paragraph.\n';
  const fixed = run(prose, 'plaintext');
  assert.doesNotMatch(fixed, /\n\n\n\n/, 'at most two blank lines remain');
  assert.doesNotMatch(fixed, /[ \t]\n/, 'no blanks left at line ends');
  assert.ok(fixed.startsWith('First paragraph.\n') && fixed.endsWith('Second paragraph.\n'));
  const fenced = '# Title\n\n```python\nx = 1\n\n\n\n\n\ny = 2\n```\n\nText.\n';
  assert.equal(run(fenced, 'markdown'), fenced, 'the code in the fence keeps its blank lines');
  const outside = '# Title\n\n\n\n\n\nText.\n';
  assert.notEqual(run(outside, 'markdown'), outside, 'control: outside a fence they are collapsed');
});

test('identifiers: names with letters of any script are whole names (no fragment renamed)', () => {
  const tok = getTokenizer('o200k_base');
  // An ASCII-only scan would see `veParseTOKENS` inside `naïveParseTOKENS` and rename it to the majority spelling.
  const text = 'veParseTokens(a);\nveParseTokens(b);\nveParseTokens(c);\nnaïveParseTOKENS(d);\n';
  const r = suggestDocument(text, { tokenizer: tok, languageId: 'typescript', families: { number: false, identifier: true, whitespace: false, phrase: false } });
  for (const s of r.suggestions) for (const e of s.edits ?? []) assert.ok(!/[\p{L}]/u.test(text[e.start - 1] ?? ''), `edit at ${e.start} starts inside a name`);
  assert.ok(!r.suggestions.some((s) => s.code === 'identifier.casing'), 'no casing group: the names differ');
});
