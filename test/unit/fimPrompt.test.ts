/**
 * FIM prompt formats and prompts (server/src/fim/formats.ts, prompt.ts, window.ts): each layout decoded back to its
 * documented string, detection, missing tokens, token-sized windows at line boundaries, and the prefix tail moved
 * after the middle token (or left before the generation point in SPM order) for de-biasing.
 *
 * Vocabularies: the tiny GGUF (Qwen-style FIM tokens, a real GGUF tokenizer) and o200k with every format's tokens
 * added as specials (no real model's vocabulary is downloaded).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { detectFormat, fimTokenIds, FORMATS } from '../../server/src/fim/formats';
import { buildPrompt, MAX_TAIL_BYTES, type PromptOptions } from '../../server/src/fim/prompt';
import type { FimFormatName } from '../../server/src/fim/types';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import type { Tokenizer } from '../../server/src/tokenizers/types';
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';

const tmp = mkdtempSync(join(tmpdir(), 'tokscope-fimprompt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const ggufPath = join(tmp, 'tiny.gguf');
tinyLlamaGguf({ path: ggufPath });
const tiny = getTokenizer('gguf:' + ggufPath);
const o200k = getTokenizer('o200k_base');

/** `base` plus extra special tokens after its vocabulary (decoded as their text, `▁` shown as a space). */
function withSpecials(base: Tokenizer, texts: readonly string[], bosId?: number): Tokenizer {
  const specials = new Map(base.specialTokens);
  const byId = new Map<number, string>();
  let next = base.vocabSize;
  for (const t of texts) {
    if (specials.has(t)) continue;
    specials.set(t, next);
    byId.set(next++, t);
  }
  const decode = (ids: ArrayLike<number>): string => {
    let out = '';
    let run: number[] = [];
    for (const id of Array.from(ids)) {
      const t = byId.get(id);
      if (t === undefined) run.push(id);
      else {
        out += base.decode(run) + t.replace(/^▁/, ' ');
        run = [];
      }
    }
    return out + base.decode(run);
  };
  return {
    name: base.name + '+fim', kind: base.kind, vocabSize: next, specialTokens: specials, bosId, restartRule: base.restartRule,
    encode: (t, o) => base.encode(t, o), encodeIds: (t, o) => base.encodeIds(t, o), count: (t, o) => base.count(t, o),
    countUntil: (t, l, o) => base.countUntil(t, l, o), decode, decodeBytes: (ids) => new TextEncoder().encode(decode(ids)),
    bytesOf: (id) => base.bytesOf(id), isCanonical: (ids) => base.isCanonical(ids), tokensWithPrefix: (p) => base.tokensWithPrefix(p),
  };
}

const ALL_TOKENS = Object.values(FORMATS).flatMap((f) => [...Object.values(f.tokens).map((alts) => alts![0]), ...f.end]);
const wide = withSpecials(o200k, ALL_TOKENS);
const BIG = { prefixTokens: 10_000, suffixTokens: 10_000, extraTokens: 10_000 };

const PREFIX = 'def add(a, b):\n    ret';
const SUFFIX = '\n\nprint(add(1, 2))\n';

/** The documented prompt of each format with the prefix `p` (the tail already moved out of it) and suffix `s`. */
const DOCUMENTED: Record<FimFormatName, (p: string, s: string) => string> = {
  'qwen2.5-coder': (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
  'deepseek-coder': (p, s) => `<｜fim▁begin｜>${p}<｜fim▁hole｜>${s}<｜fim▁end｜>`,
  starcoder2: (p, s) => `<fim_prefix>${p}<fim_suffix>${s}<fim_middle>`,
  // The spaces before <SUF> and <MID> are CodeLlama's tokens (▁<SUF>, ▁<MID>); o200k adds no SentencePiece dummy prefix.
  codellama: (p, s) => ` <PRE>${p} <SUF>${s} <MID>`,
  codestral: (p, s) => `[SUFFIX]${s}[PREFIX]${p}`,
};

const build = (o: Partial<PromptOptions> & { format: FimFormatName }) =>
  buildPrompt({ tokenizer: wide, prefix: PREFIX, suffix: SUFFIX, budget: BIG, ...o });

for (const format of Object.keys(FORMATS) as FimFormatName[]) {
  test(`layout ${format}: decodes to the documented prompt; context + tail = the prompt continued by the tail`, () => {
    const p = build({ format });
    assert.equal(p.text, '    ret');
    assert.equal(wide.decode(p.context), DOCUMENTED[format]('def add(a, b):\n', SUFFIX));
    assert.equal(wide.decode([...p.context, ...wide.encodeIds(p.text)]), DOCUMENTED[format]('def add(a, b):\n', SUFFIX) + '    ret');
    assert.deepEqual(p.dropped, { prefixChars: 0, suffixChars: 0 });
  });
}

test('SPM order (codestral): suffix first, the head directly before the generation point', () => {
  const p = build({ format: 'codestral' });
  const ids = fimTokenIds(wide, 'codestral');
  assert.equal(p.context[0], ids.suffix);
  const head = wide.encodeIds('def add(a, b):\n');
  assert.deepEqual(Array.from(p.context.slice(-head.length - 1)), [ids.prefix, ...head]);
  assert.equal(FORMATS.codestral.order, 'spm');
});

test('tiny GGUF (Qwen tokens): real vocabulary ids, the middle token last, the tail after it', () => {
  const p = buildPrompt({ tokenizer: tiny, format: 'qwen2.5-coder', prefix: PREFIX, suffix: SUFFIX, budget: BIG });
  const ids = fimTokenIds(tiny, 'qwen2.5-coder');
  assert.equal(p.context[0], ids.prefix);
  assert.equal(p.context[p.context.length - 1], ids.middle);
  assert.equal(tiny.decode([...p.context, ...tiny.encodeIds(p.text)]), `<|fim_prefix|>def add(a, b):\n<|fim_suffix|>${SUFFIX}<|fim_middle|>    ret`);
  assert.ok(ids.end.includes(tiny.specialTokens.get('<|endoftext|>')!) && ids.end.includes(ids.sep!));
});

test('special-looking text stays text', () => {
  const prefix = 'x = "<|fim_middle|>"\n# <|fim_suffix|> <|endoftext|>\n';
  const suffix = 'y = "<|fim_prefix|>"\n';
  const p = buildPrompt({ tokenizer: tiny, format: 'qwen2.5-coder', prefix, suffix, budget: BIG });
  const ids = fimTokenIds(tiny, 'qwen2.5-coder');
  const specials = new Set(tiny.specialTokens.values());
  assert.deepEqual(Array.from(p.context).filter((id) => specials.has(id)), [ids.prefix, ids.suffix, ids.middle]);
  assert.equal(tiny.decode(p.context), `<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`);
});

test('detection: by vocabulary first, then chat template, then name', () => {
  assert.equal(detectFormat({ specialTokens: tiny.specialTokens }), 'qwen2.5-coder');
  assert.equal(detectFormat({ specialTokens: tiny.specialTokens, model: 'CodeLlama-7b' }), 'qwen2.5-coder');
  assert.equal(detectFormat({ specialTokens: ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'] }), 'deepseek-coder');
  assert.equal(detectFormat({ specialTokens: ['<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<|endoftext|>'] }), 'starcoder2');
  assert.equal(detectFormat({ specialTokens: ['▁<PRE>', '▁<SUF>', '▁<MID>', '▁<EOT>'] }), 'codellama');
  assert.equal(detectFormat({ specialTokens: ['[INST]', '[SUFFIX]', '[PREFIX]', '[MIDDLE]'] }), 'codestral');
  // An incomplete set does not count.
  assert.equal(detectFormat({ specialTokens: ['<|fim_prefix|>'] }), undefined);
  assert.equal(detectFormat({ chatTemplate: '{{ "<fim_prefix>" + p + "<fim_suffix>" + s + "<fim_middle>" }}' }), 'starcoder2');
  assert.equal(detectFormat({ model: 'Qwen2.5-Coder-1.5B-Q8_0.gguf' }), 'qwen2.5-coder');
  assert.equal(detectFormat({ model: 'deepseek-coder-6.7b-base' }), 'deepseek-coder');
  assert.equal(detectFormat({ model: 'bigcode/starcoder2-3b' }), 'starcoder2');
  assert.equal(detectFormat({ model: 'codellama:7b-code' }), 'codellama');
  assert.equal(detectFormat({ model: 'Codestral-22B-v0.1' }), 'codestral');
  assert.equal(detectFormat({ model: 'llama-3-8b', specialTokens: o200k.specialTokens }), undefined);
  assert.equal(detectFormat({}), undefined);
});

test('missing tokens: the error names the token and the format', () => {
  assert.throws(() => fimTokenIds(o200k, 'qwen2.5-coder'), /<\|fim_prefix\|>.*prefix token of the qwen2\.5-coder/);
  assert.throws(() => fimTokenIds(tiny, 'codestral'), /\[SUFFIX\]/);
  assert.throws(() => fimTokenIds(tiny, 'deepseek-coder'), /<｜fim▁begin｜>/);
  assert.throws(() => buildPrompt({ tokenizer: tiny, format: 'starcoder2', prefix: 'a', suffix: 'b', budget: BIG }), /<fim_prefix>/);
});

test('BOS: put first for formats trained with it, when the vocabulary has one', () => {
  const withBos = withSpecials(o200k, ALL_TOKENS, 7);
  assert.equal(buildPrompt({ tokenizer: withBos, format: 'deepseek-coder', prefix: 'a', suffix: 'b', budget: BIG }).context[0], 7);
  assert.notEqual(buildPrompt({ tokenizer: withBos, format: 'qwen2.5-coder', prefix: 'a', suffix: 'b', budget: BIG }).context[0], 7);
});

const LINES = Array.from({ length: 40 }, (_, i) => `value${i} = compute(${i}, "item ${i}") + 1\n`).join('');

test('windows: budgets respected exactly, cuts at line boundaries, kept text encoded as in the file, maximal', () => {
  const fullPrefix = o200k.encodeIds(LINES);
  const oneLine = o200k.count(LINES.slice(0, LINES.indexOf('\n') + 1)); // every line has about as many tokens
  assert.ok(oneLine > 5 && oneLine < 30, `${oneLine}`);
  for (const budget of [30, 31, 45, 100, 333]) {
    const p = build({ format: 'qwen2.5-coder', prefix: LINES, suffix: LINES, budget: { prefixTokens: budget, suffixTokens: budget, extraTokens: 0 } });
    const start = p.dropped.prefixChars;
    const kept = LINES.slice(start);
    assert.ok(o200k.count(kept) <= budget, `prefix ${budget}`);
    assert.ok(start === 0 || LINES[start - 1] === '\n', 'prefix cut at a line start');
    assert.deepEqual(Array.from(fullPrefix.slice(fullPrefix.length - o200k.count(kept))), Array.from(o200k.encodeIds(kept)));
    if (start > 0) assert.ok(o200k.count(LINES.slice(LINES.lastIndexOf('\n', start - 2) + 1)) > budget, 'one more line would not fit');
    const end = LINES.length - p.dropped.suffixChars;
    const keptS = LINES.slice(0, end);
    assert.ok(o200k.count(keptS) <= budget, `suffix ${budget}`);
    assert.ok(end === LINES.length || LINES[end - 1] === '\n', 'suffix cut after a line break');
    if (end < LINES.length) assert.ok(o200k.count(LINES.slice(0, LINES.indexOf('\n', end) + 1)) > budget);
    // The tail moved after the middle token is the kept prefix's last line: here none (it ends with "\n").
    assert.equal(p.text, '');
  }
  const none = build({ format: 'qwen2.5-coder', prefix: LINES, suffix: LINES, budget: { prefixTokens: 0, suffixTokens: 0, extraTokens: 0 } });
  assert.deepEqual(none.dropped, { prefixChars: LINES.length, suffixChars: LINES.length });
  assert.equal(wide.decode(none.context), DOCUMENTED['qwen2.5-coder']('', ''));
});

test('windows: a line longer than the budget is cut at a token boundary, still within budget', () => {
  const long = 'x = [' + Array.from({ length: 200 }, (_, i) => i).join(', ') + ']';
  for (const budget of [3, 10, 50]) {
    const p = build({ format: 'qwen2.5-coder', prefix: long, suffix: long, budget: { prefixTokens: budget, suffixTokens: budget, extraTokens: 0 } });
    const kept = long.slice(p.dropped.prefixChars);
    const n = o200k.count(kept);
    assert.ok(n <= budget && n >= budget - 2, `prefix ${budget}: ${n}`);
    const keptS = long.slice(0, long.length - p.dropped.suffixChars);
    const m = o200k.count(keptS);
    assert.ok(m <= budget && m >= budget - 2, `suffix ${budget}: ${m}`);
  }
});

test('tail: a long line is split at a pre-token boundary within the last 64 bytes', () => {
  const line = '    total = ' + Array.from({ length: 20 }, (_, i) => `weight${i} * item${i}`).join(' + ') + ' + wei';
  const prefix = 'def f():\n' + line;
  const p = build({ format: 'qwen2.5-coder', prefix });
  assert.ok(p.text.length > 0 && Buffer.byteLength(p.text) <= MAX_TAIL_BYTES, JSON.stringify(p.text));
  assert.ok(prefix.endsWith(p.text));
  const head = line.slice(0, line.length - p.text.length);
  assert.deepEqual([...o200k.encodeIds(head), ...o200k.encodeIds(p.text)], Array.from(o200k.encodeIds(line)));
  assert.equal(wide.decode([...p.context, ...wide.encodeIds(p.text)]), DOCUMENTED['qwen2.5-coder']('def f():\n' + head, SUFFIX) + p.text);
  assert.equal(build({ format: 'qwen2.5-coder', prefix: '' }).text, '');
  assert.equal(build({ format: 'qwen2.5-coder', prefix: 'a\n' }).text, '');
});

test('other files: Qwen repo/file_sep lines, DeepSeek comments, CodeLlama and Codestral leave them out; within budget', () => {
  const extra = [{ filename: 'a.py', text: 'A = 1\n' }, { filename: 'b.py', text: 'B = 2' }];
  const q = buildPrompt({ tokenizer: tiny, format: 'qwen2.5-coder', prefix: 'x', suffix: 'y', extra, repo: 'r', filename: 'c.py', budget: BIG });
  assert.equal(tiny.decode(q.context), '<|repo_name|>r\n<|file_sep|>a.py\nA = 1\n<|file_sep|>b.py\nB = 2\n<|file_sep|>c.py\n<|fim_prefix|><|fim_suffix|>y<|fim_middle|>');
  const d = build({ format: 'deepseek-coder', prefix: 'x', suffix: 'y', extra, filename: 'c.py' });
  assert.equal(wide.decode(d.context), '<｜fim▁begin｜>#a.py\nA = 1\n#b.py\nB = 2\n#c.py\n<｜fim▁hole｜>y<｜fim▁end｜>');
  for (const format of ['codellama', 'codestral'] as const) {
    assert.deepEqual(build({ format, extra }).context, build({ format }).context);
  }
  // A budget that holds the header, the first file and the current file's line, but not the second file.
  const plain = buildPrompt({ tokenizer: tiny, format: 'qwen2.5-coder', prefix: 'x', suffix: 'y', budget: BIG }).context.length;
  for (const budget of [0, 5, 12, 16, 20, 30]) {
    const b = buildPrompt({ tokenizer: tiny, format: 'qwen2.5-coder', prefix: 'x', suffix: 'y', extra, repo: 'r', filename: 'c.py', budget: { ...BIG, extraTokens: budget } });
    assert.ok(b.context.length - plain <= budget, `extra ${budget}: ${b.context.length - plain}`);
  }
});
