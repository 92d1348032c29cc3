/**
 * `tokscope eval-fim --backend …` end to end (the built CLI, dist/cli.js) on the tiny GGUF: in process (gguf:), and
 * against the real-engine llama.cpp, vLLM and Ollama test servers, the vocabulary found from the server (/props
 * model_path, /v1/models root). Two small tasks with tests, so pass@1 runs when python3 is here.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../server/src/tokenizers/paths';
import { tinyLlamaGguf } from '../fixtures/fim/gguf/writeGguf';
import { realEngine, startLlamaCppServer, startOllamaServer, startOpenAiServer, type RealServer } from '../fixtures/fim/servers/realServers';

const importEsm = (specifier: string): Promise<unknown> => import(specifier);
const cli = join(projectRoot(), 'dist', 'cli.js');

/** Runs the CLI without blocking this process's event loop (the test servers live in it). */
function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args]);
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    p.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const TASKS = [
  { task_id: 'tiny/0', prompt: 'def add(a, b):\n    ret', suffix: '\n', canonical_solution: 'urn a + b', test: 'def check(candidate):\n    assert candidate(1, 2) == 3\n', entry_point: 'add' },
  { task_id: 'tiny/1', prompt: 'def double(x):\n    return ', suffix: '\n', canonical_solution: 'x * 2', test: 'def check(candidate):\n    assert candidate(4) == 8\n', entry_point: 'double' },
];

interface Report {
  backend: string;
  tasks: number;
  modes: string[];
  passAt1: { ran: boolean; canonicalPassed?: number };
  summaries: Array<{ mode: string; subset: string; n: number; errors: number }>;
}

test('eval-fim with gguf:, llama.cpp:, openai: and ollama: backends on the tiny GGUF', async (t) => {
  try {
    await importEsm('node-llama-cpp');
  } catch (e) {
    const why = `node-llama-cpp cannot be imported (${(e as Error).message.split('\n')[0]})`;
    console.log(`# fimEvalBackends: SKIPPED — ${why}`);
    return t.skip(why);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'tokscope-evalfim-'));
  const model = join(tmp, 'tiny.gguf');
  tinyLlamaGguf({ path: model, logitScale: 3 });
  const data = join(tmp, 'tasks.jsonl');
  writeFileSync(data, TASKS.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const engine = await realEngine(model);
  const servers: RealServer[] = [];
  try {
    // The model loaded before any client waits on it (seconds on a loaded machine, against the clients' 10 s cap).
    await engine.next([1, 2, 3]);
    const [llama, openai, ollama] = await Promise.all([startLlamaCppServer(engine), startOpenAiServer(engine), startOllamaServer(engine)]);
    servers.push(llama, openai, ollama);
    const outputs = (file: string, mode: string) =>
      readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { mode: string; output: string }).filter((r) => r.mode === mode).map((r) => r.output);
    const common = ['eval-fim', '--data', data, '--max-bytes', '12', '--json'];

    // In process and through the servers, all at once; pass@1 only in process (it is tested on its own elsewhere).
    const [gguf, viaLlama, viaOpenai, viaOllama, wrong, bad, openaiInfill] = await Promise.all([
      run([...common, '--backend', 'gguf:' + model, '--threads', '1', '--cpu', '--details', join(tmp, 'gguf.jsonl')]),
      run([...common, '--no-exec', '--backend', 'llama.cpp:' + llama.url, '--details', join(tmp, 'llama.jsonl')]),
      run([...common, '--no-exec', '--backend', 'openai:' + openai.url, '--details', join(tmp, 'openai.jsonl')]),
      run([...common, '--no-exec', '--backend', 'ollama:' + ollama.url]),
      // Another vocabulary than the server's is refused, not used.
      run([...common, '--no-exec', '--backend', 'llama.cpp:' + llama.url, '--tokenizer', 'o200k_base']),
      run([...common, '--backend', 'vllm:' + openai.url]),
      // Plain FIM on vLLM needs no vocabulary here: the format's token texts go in a text prompt.
      run([...common, '--no-exec', '--backend', 'openai:' + openai.url, '--debias', 'infill', '--fim-format', 'qwen2.5-coder']),
    ]);
    for (const [name, r] of [['gguf', gguf], ['llama.cpp', viaLlama], ['openai', viaOpenai]] as const) {
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      const rep = JSON.parse(r.out) as Report;
      assert.deepEqual(rep.modes, ['off', 'heal', 'exact'], name);
      assert.equal(rep.tasks, 2);
      assert.deepEqual(rep.summaries.map((s) => [s.mode, s.subset, s.n, s.errors]).filter(([, sub]) => sub === 'all'), [['off', 'all', 2, 0], ['heal', 'all', 2, 0], ['exact', 'all', 2, 0]], `${name}: ${r.err}`);
      assert.ok(r.err.includes(`vocabulary gguf:${model}`), `${name}: the vocabulary comes from the model file`);
    }
    const ran = (JSON.parse(gguf.out) as Report).passAt1;
    if (ran.ran) assert.equal(ran.canonicalPassed, 2);
    // Greedy plain decoding is the same model on the same ids whichever way it is reached.
    const off = outputs(join(tmp, 'gguf.jsonl'), 'off');
    assert.deepEqual(outputs(join(tmp, 'llama.jsonl'), 'off'), off);
    assert.deepEqual(outputs(join(tmp, 'openai.jsonl'), 'off'), off);
    // Ollama takes no ids: plain FIM instead, said on stderr.
    assert.equal(viaOllama.code, 0, viaOllama.err);
    assert.deepEqual((JSON.parse(viaOllama.out) as Report).modes, ['infill']);
    assert.match(viaOllama.err, /takes no token ids, so exact, heal and off cannot run on it: running its plain FIM/);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /does not encode like the server/);
    assert.equal(bad.code, 2);
    assert.equal(openaiInfill.code, 0, openaiInfill.err);
    const inf = JSON.parse(openaiInfill.out) as Report;
    assert.deepEqual(inf.summaries.map((x) => [x.mode, x.subset, x.n, x.errors])[0], ['infill', 'all', 2, 0], openaiInfill.err);
    assert.match(bad.err, /--backend takes ngram, gguf:PATH, llama\.cpp:URL, openai:URL or ollama:URL/);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await engine.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
