/** `tokscope tokompile` and `count -t tokompiler`: output shapes, --decode round trip, language errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../server/src/tokenizers/paths';

const cli = join(projectRoot(), 'dist', 'cli.js');
const jacobi = join(projectRoot(), 'test', 'fixtures', 'tokompiler', 'jacobi.c');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('tokompile prints the tokens; --json the code, tokens, ids and mapping; --decode gives the source back', () => {
  const plain = run(['tokompile', '--lang', 'c', '-'], 'int f(int n) { return n * 2; }\n');
  assert.equal(plain.code, 0, plain.err);
  assert.equal(plain.out.trim(), 'int func 0 ( int arg 0 ) { return arg 0 * num 0 ; }');
  const json = run(['tokompile', '--json', '--scope', 'function', jacobi]);
  assert.equal(json.code, 0, json.err);
  const r = JSON.parse(json.out) as { language: string; code: string; tokens: string[]; ids: number[]; mapping: { scope: string; functions: Record<string, string>[] } };
  assert.equal(r.language, 'c');
  assert.equal(r.tokens.length, r.ids.length);
  assert.equal(r.mapping.scope, 'function');
  assert.equal(r.mapping.functions[2].func_0, 'sweep');
  assert.match(r.code, /static double func_0\(const type_0 \*arg_0, type_0 \*arg_1\) {/);
  const back = run(['tokompile', '--decode', '-'], json.out);
  assert.equal(back.code, 0, back.err);
  assert.match(back.out, /static double sweep\(const grid_t \* in, grid_t \* out\)/);
  const again = run(['tokompile', '--json', '--scope', 'function', '--lang', 'c', '-'], back.out);
  assert.deepEqual((JSON.parse(again.out) as { tokens: string[] }).tokens, r.tokens);
});

test('count -t tokompiler counts the Tokompiler tokens beside the others; tokenizers lists it', () => {
  const r = run(['count', '-t', 'tokompiler', '-t', 'o200k_base', '--json', jacobi]);
  assert.equal(r.code, 0, r.err);
  const counts = JSON.parse(r.out) as Record<string, number>;
  const tokens = (JSON.parse(run(['tokompile', '--json', jacobi]).out) as { tokens: string[] }).tokens;
  assert.equal(counts.tokompiler, tokens.length);
  assert.ok(counts.o200k_base > 0);
  const list = JSON.parse(run(['tokenizers', '--json']).out) as Array<{ name: string; kind: string; note?: string }>;
  assert.match(list.find((t) => t.name === 'tokompiler')?.note ?? '', /closed-vocabulary/);
});

test('tokompile without a known language says which languages there are (exit 2)', () => {
  const r = run(['tokompile', '-'], 'x = 1');
  assert.equal(r.code, 2);
  assert.match(r.err, /no front end for stdin \(use --lang\); languages: c, cpp, fortran/);
  const bad = run(['tokompile', '--scope', 'module', '--lang', 'c', '-'], 'int x;');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--scope must be one of file, function/);
});
