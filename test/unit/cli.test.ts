/** The CLI contract (../shared/docs/architecture.md): subcommands, JSON shapes, exit codes, stdin, streaming. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';

const cli = join(projectRoot(), 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'tokscope-cli-'));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('tokenizers --json lists the built-ins with kind, size, source and exactness', () => {
  const r = run(['tokenizers', '--json']);
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as Array<{ name: string; kind: string; vocabSize: number | null; exact: boolean; available: boolean }>;
  const o200k = rows.find((x) => x.name === 'o200k_base');
  assert.ok(o200k && o200k.available && o200k.exact);
  assert.equal(o200k.vocabSize, 200019);
  assert.equal(o200k.kind, 'tiktoken');
  assert.equal(rows.find((x) => x.name === 'llama3')?.vocabSize, 128256);
});

test('count: one input prints {name: count}, several print [{path, counts}]', () => {
  const a = join(dir, 'a.txt');
  const b = join(dir, 'b.txt');
  writeFileSync(a, 'hello world\n');
  writeFileSync(b, 'def f(x):\n    return x\n');
  const one = run(['count', '-t', 'o200k_base', '-t', 'cl100k_base', '--json', a]);
  assert.equal(one.code, 0, one.err);
  assert.deepEqual(JSON.parse(one.out), { o200k_base: 3, cl100k_base: 3 });
  const two = run(['count', '-t', 'o200k_base', '--json', a, b]);
  assert.deepEqual(JSON.parse(two.out), [
    { path: a, counts: { o200k_base: 3 } },
    { path: b, counts: { o200k_base: getTokenizer('o200k_base').count('def f(x):\n    return x\n') } },
  ]);
  assert.equal(run(['count', '-t', 'o200k_base', a]).out, '3\n');
});

test('count reads stdin, and --with-bos adds the BOS only where a model has one', () => {
  assert.deepEqual(JSON.parse(run(['count', '-t', 'llama3', '-t', 'o200k_base', '--with-bos', '--json', '-'], 'hello world').out), { llama3: 3, o200k_base: 2 });
  assert.deepEqual(JSON.parse(run(['count', '-t', 'llama3', '--json'], 'hello world').out), { llama3: 2 });
});

test('count streams large inputs and stays exact', () => {
  const big = join(dir, 'big.txt');
  const lines: string[] = [];
  for (let i = 0; i < 80000; i++) lines.push(`${'  '.repeat(i % 3)}line ${i}: value = compute(${i}); // ${'x'.repeat(i % 7)}`);
  const text = lines.join('\n');
  writeFileSync(big, text);
  assert.ok(text.length > 3 * (1 << 20), 'several megabytes: several flushes');
  const r = run(['count', '-t', 'o200k_base', '-t', 'r50k_base', '--json', big]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { o200k_base: getTokenizer('o200k_base').count(text), r50k_base: getTokenizer('r50k_base').count(text) });
});

test('encode --json gives ids and UTF-16 offsets; --byte-offsets gives bytes', () => {
  const r = run(['encode', '-t', 'o200k_base', '--json', '-'], 'a😺b');
  assert.equal(r.code, 0, r.err);
  const { ids, offsets } = JSON.parse(r.out);
  assert.deepEqual(ids, Array.from(getTokenizer('o200k_base').encodeIds('a😺b')));
  assert.deepEqual(offsets[0][0], 0);
  assert.deepEqual(offsets[offsets.length - 1][1], 4);
  const bytes = JSON.parse(run(['encode', '-t', 'o200k_base', '--json', '--byte-offsets', '-'], 'a😺b').out);
  assert.equal(bytes.offsets[bytes.offsets.length - 1][1], 6);
});

test('special-token text counts as text unless --allow-special', () => {
  const plain = JSON.parse(run(['encode', '-t', 'cl100k_base', '--json', '-'], '<|endoftext|>').out).ids;
  assert.ok(plain.length > 1);
  assert.deepEqual(JSON.parse(run(['encode', '-t', 'cl100k_base', '--json', '--allow-special', '-'], '<|endoftext|>').out).ids, [100257]);
});

test('exit codes: 2 with one stderr line on bad usage, 1 on other errors', () => {
  for (const args of [['count'], ['frobnicate'], ['count', '-t'], ['count', '--bogus', '-t', 'o200k_base'], ['encode', '-t', 'a', '-t', 'b', '-'], []]) {
    const r = run(args, '');
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    if (args.length) assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
  const unknown = run(['count', '-t', 'gpt-17', '-'], 'x');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /unknown tokenizer "gpt-17"; known: .*o200k_base/);
  const missing = run(['count', '-t', 'o200k_base', join(dir, 'nope.txt')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no such file/);
});

test('binary files are refused with a clear error', () => {
  const bin = join(dir, 'x.bin');
  writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 32)));
  const r = run(['count', '-t', 'o200k_base', bin]);
  assert.equal(r.code, 1);
  assert.match(r.err, /binary/);
});
