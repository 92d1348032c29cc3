/**
 * `tokscope suggest`: the CLI contract (exit codes 0/1/2, one line on stderr, stdin with `-`, binary files refused),
 * the --json shape, and --export writing a merges file that loads and reproduces the reported count.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDynamicTokenizer } from '../../server/src/dynamic/dynamicTokenizer';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { getTokenizer } from '../../server/src/tokenizers/registry';

const cli = join(projectRoot(), 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'tokscope-suggest-'));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TEXT = 'The Secretary shall pay 1234567 dollars pursuant to section 5.   \n'.repeat(3) + 'Pursuant to section 6 and pursuant to section 7.\n\n\n\n\nEnd.\n';

test('suggest --json on one file: suggestions and merges with exact counts; --export loads back', () => {
  const file = join(dir, 'doc.txt');
  writeFileSync(file, TEXT);
  const out = join(dir, 'merges.json');
  const r = run(['suggest', '--json', '--merges', '20', '--boundary', 'superword', '-t', 'o200k_base', '--export', out, file]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  const tok = getTokenizer('o200k_base');
  assert.equal(j.merges.tokensBefore, tok.count(TEXT));
  assert.equal(j.document.tokens, tok.count(TEXT));
  assert.ok(j.document.suggestions.some((s: { code: string }) => s.code === 'number.rightToLeft'));
  assert.deepEqual(j.merges.steps.map((s: { merges: number }) => s.merges), [10, 20]);
  const loaded = loadDynamicTokenizer(out);
  assert.equal(loaded.count(TEXT), j.merges.final.tokens);
  assert.ok(j.merges.final.tokens < j.merges.tokensBefore);
  // The export is a tokenizer name everywhere: `dynamic:PATH` in the registry, the CLI and the editor.
  assert.equal(getTokenizer('dynamic:' + out).count(TEXT), j.merges.final.tokens);
  const counted = run(['count', '-t', 'dynamic:' + out, file]);
  assert.equal(counted.code, 0, counted.err);
  assert.match(counted.out, new RegExp(`^${j.merges.final.tokens}\\b`));
});

test('suggest reads stdin with -, and folders; human output is a table', () => {
  const r = run(['suggest', '--merges', '10', '-'], TEXT);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /stdin:1:25 +number\.rightToLeft/);
  assert.match(r.out, /^merges +tokens +saving/m);
  const folder = join(dir, 'ws');
  mkdirSync(folder);
  for (let i = 0; i < 5; i++) writeFileSync(join(folder, `f${i}.md`), TEXT.replace('1234567', String(1234567 + i)));
  writeFileSync(join(folder, 'blob.bin'), Buffer.from([0, 0, 0, 1, 2, 0, 0, 0]));
  const w = run(['suggest', '--json', '--merges', '10', '--workers', '0', folder]);
  assert.equal(w.code, 0, w.err);
  const j = JSON.parse(w.out);
  assert.equal(j.files, 5);
  assert.equal(j.skipped.length, 1);
  assert.equal(j.merges.tokensBefore, 5 * getTokenizer('o200k_base').count(TEXT));
  assert.ok(j.merges.steps[0].heldOut.tokensBefore > 0);
});

test('suggest: usage errors exit 2, missing and binary files exit 1, one line each', () => {
  const bin = join(dir, 'x.bin');
  writeFileSync(bin, Buffer.from([0, 0, 0, 1, 2, 0, 0, 0]));
  for (const args of [['--boundary', 'sentence'], ['--merges', '0'], ['--merges', 'many'], ['--frobnicate'], ['-t', 'tokompiler'], ['-t', 'a', '-t', 'b']]) {
    const r = run(['suggest', ...args, '-'], 'x');
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.err.trim().split('\n').length, 1);
  }
  const missing = run(['suggest', join(dir, 'nope.txt')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no such file/);
  const binary = run(['suggest', bin]);
  assert.equal(binary.code, 1);
  assert.match(binary.err, /binary/);
  const unknown = run(['suggest', '-t', 'nope', '-'], 'x');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /unknown tokenizer/);
});
