/**
 * `tokscope eval-fim --data FILE.jsonl[.gz] [--backend ngram|gguf:PATH|llama.cpp:URL|openai:URL|ollama:URL]
 * [--debias off,heal,exact[,infill]] [--tokenizer NAME|PATH] [--fim-format F] [--model NAME] [--top-k K] [--threads N]
 * [--cpu] [--max-bytes N] [--limit N] [--mid-word-only] [--chars N] [--no-exec] [--details FILE] [--json]`:
 * de-biasing modes compared on HumanEval infilling tasks (server/src/fim/evalFim.ts), pass@1 by python3 (passAtK.ts).
 *
 * `ngram` (the default) is a token n-gram model trained here on the Python files of --train (default: this machine's
 * Python standard library), prefix only. The other backends get the model's FIM prompt (prefix = the task's prompt,
 * suffix = its suffix) and need the model's vocabulary here for de-biasing: from the GGUF (gguf:), from --tokenizer,
 * or from the server (llama.cpp's /props `model_path`, vLLM's /v1/models `root`) when that is a readable local file.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InProcessBackend } from '../fim/backends/inProcess';
import { asArray, asObject, joinUrl, requestJson } from '../fim/backends/http';
import { LlamaCppBackend } from '../fim/backends/llamaCpp';
import { OllamaBackend } from '../fim/backends/ollama';
import { OpenAiCompatBackend } from '../fim/backends/openaiCompat';
import {
  compareModes, endsMidWord, readTasks, runFimTask, runTask, summarise, withEndTokens,
  type EvalMode, type FimSetup, type FimTask, type TaskResult,
} from '../fim/evalFim';
import { detectFormat, FORMATS, fimTokenIds } from '../fim/formats';
import { NgramModel } from '../fim/ngram';
import { canExecute, PassChecker, pythonVersion } from '../fim/passAtK';
import { BackendError, type FimBackend, type FimFormatName } from '../fim/types';
import { getTokenizer } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import { type Args, type ArgSpec, UsageError } from './args';

/** The command line eval-fim takes (`--tokenizer` arrives as `t`, the parser's alias). */
export const EVAL_FIM_ARGS: ArgSpec = {
  flags: ['json', 'mid-word-only', 'cpu', 'no-exec'],
  options: ['data', 'debias', 'backend', 'train', 'train-mb', 'order', 't', 'limit', 'chars', 'threads', 'max-bytes', 'fim-format', 'model', 'top-k', 'details'],
};

const MODES: EvalMode[] = ['off', 'heal', 'exact', 'infill'];
/** The longest middle to generate with a FIM backend (3 of the 1,640 RandomSpan middles are longer). */
const DEFAULT_MAX_BYTES = 512;
const log = (s: string): void => void process.stderr.write(`eval-fim: ${s}\n`);

function intOption(args: Args, name: string): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number (got ${v})`);
  return n;
}

/** The tasks to evaluate and the per-task generation, for the n-gram model or a FIM backend. */
interface Runner {
  modes: EvalMode[];
  describe: string;
  run(task: FimTask, mode: EvalMode, chars: number): Promise<TaskResult>;
  dispose(): Promise<void>;
}

export async function runEvalFim(args: Args): Promise<number> {
  const data = args.options.get('data');
  if (!data) throw new UsageError('eval-fim needs --data FILE.jsonl.gz (HumanEval infilling tasks)');
  const modes = (args.options.get('debias') ?? 'off,heal,exact').split(',') as EvalMode[];
  for (const m of modes) if (!MODES.includes(m)) throw new UsageError(`--debias takes off, heal, exact, infill (got ${m})`);
  const backend = args.options.get('backend') ?? 'ngram';
  const chars = intOption(args, 'chars') ?? 16;
  let tasks = readTasks(data);
  if (args.flags.has('mid-word-only')) tasks = tasks.filter(endsMidWord);
  const limit = intOption(args, 'limit');
  if (limit !== undefined) tasks = tasks.slice(0, limit);

  const runner = backend === 'ngram' ? ngramRunner(args, modes) : await fimRunner(backend, args, modes);
  log(`${runner.describe}; ${tasks.length} tasks`);

  // pass@1: started as each mode finishes, two programs at a time, awaited at the end.
  const python = args.flags.has('no-exec') || !tasks.some(canExecute) ? undefined : pythonVersion();
  const passNote = args.flags.has('no-exec') ? 'not run (--no-exec)'
    : !python ? 'not run (the tasks carry no tests)'
      : python.version ? `${python.version}, 10 s per task` : `skipped: ${python.problem}`;
  log(`pass@1: ${passNote}`);
  const checker = python?.version ? new PassChecker({ timeoutMs: 10_000, concurrency: 2 }) : undefined;
  const checks: Array<Promise<void>> = [];
  const reference = checker ? tasks.map((t) => checker.check(t, t.middle)) : [];

  const results = new Map<EvalMode, TaskResult[]>();
  try {
    for (const mode of runner.modes) {
      const list: TaskResult[] = [];
      const t0 = Date.now();
      for (const [i, task] of tasks.entries()) {
        list.push(await runner.run(task, mode, chars));
        // A model that answers synchronously (the n-gram) would otherwise hold the event loop for a whole mode, and the
        // test programs' exits and time caps (pass@1, running meanwhile) would be seen only after it.
        await new Promise((r) => setImmediate(r));
        if ((i + 1) % 200 === 0) log(`${mode} ${i + 1}/${tasks.length}`);
      }
      results.set(mode, list);
      const errors = list.filter((r) => r.error);
      log(`${mode} done in ${((Date.now() - t0) / 1000).toFixed(1)} s${errors.length ? `; ${errors.length} tasks failed: ${errors[0].error}` : ''}`);
      if (checker) {
        checks.push(...list.map(async (r, i) => {
          const p = checker.check(tasks[i], r.output);
          if (p) r.passed = (await p).passed;
        }));
      }
    }
  } finally {
    await runner.dispose();
  }
  await Promise.all(checks);
  const refAll = await Promise.all(reference);
  checker?.close();
  const ref = refAll.filter((r) => r !== undefined);
  const refPassed = ref.filter((r) => r.passed).length;
  const refFailed = refAll.flatMap((r, i) => (r && !r.passed ? [{ id: tasks[i].id, code: r.code, timedOut: r.timedOut, stderr: r.stderr }] : []));
  if (checker) log(`pass@1 of the canonical middles (the ceiling): ${refPassed}/${ref.length}`);
  for (const f of refFailed.slice(0, 5)) log(`  canonical ${f.id} failed (${f.timedOut ? 'timed out' : `exit ${f.code}`}): ${f.stderr.trim().split('\n').at(-1)}`);

  const ran = runner.modes;
  const summaries = ran.flatMap((m) => summarise(m, results.get(m)!));
  const pair = (a: EvalMode, b: EvalMode, metric: 'prefixMatch' | 'passed') => ({
    all: compareModes(results.get(a)!, results.get(b)!, false, metric),
    midWord: compareModes(results.get(a)!, results.get(b)!, true, metric),
  });
  const pairs = ran.flatMap((a, i) => ran.slice(i + 1).map((b) => ({ a, b, ...pair(a, b, 'prefixMatch'), ...(checker ? { passAt1: pair(a, b, 'passed') } : {}) })));
  const details = args.options.get('details');
  if (details) {
    const lines = ran.flatMap((m) => results.get(m)!.map((r) => JSON.stringify({ mode: m, ...r })));
    writeFileSync(details, lines.join('\n') + '\n');
  }
  if (args.flags.has('json')) {
    const passAt1 = { ran: checker !== undefined, note: passNote, ...(checker ? { canonicalPassed: refPassed, canonicalRun: ref.length, canonicalFailed: refFailed } : {}) };
    process.stdout.write(JSON.stringify({ backend, tasks: tasks.length, chars, modes: ran, passAt1, summaries, pairs }) + '\n');
    return 0;
  }
  const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${(100 * x).toFixed(2)}%`);
  process.stdout.write(`mode   subset     n     first ${chars} chars  whole middle  first byte  first word     pass@1  calls/task\n`);
  for (const s of summaries) {
    process.stdout.write(`${s.mode.padEnd(6)} ${s.subset.padEnd(9)} ${String(s.n).padStart(5)}  ${pct(s.prefixMatch).padStart(15)}  ${pct(s.fullMatch).padStart(12)}  ${pct(s.firstByte).padStart(10)}  ${pct(s.firstWord).padStart(10)}  ${pct(s.passAt1).padStart(9)}  ${s.callsPerTask.toFixed(1).padStart(10)}${s.errors ? `  (${s.errors} failed)` : ''}\n`);
  }
  const line = (what: string, p: ReturnType<typeof pair>) =>
    `${what}: all ${p.all.wins}–${p.all.losses} p=${p.all.p.toPrecision(2)}; mid-word ${p.midWord.wins}–${p.midWord.losses} p=${p.midWord.p.toPrecision(2)}`;
  for (const p of pairs) {
    process.stdout.write(`${p.a} vs ${p.b} ${line(`(first ${chars} chars)`, p)}${p.passAt1 ? `; ${line('pass@1', p.passAt1)}` : ''}\n`);
  }
  return 0;
}

/** The n-gram model trained on local Python files; prefix only, as before FIM backends existed. */
function ngramRunner(args: Args, modes: EvalMode[]): Runner {
  if (modes.includes('infill')) throw new UsageError('--debias infill needs a FIM backend (the n-gram model has no plain FIM)');
  const tokenizer = getTokenizer(args.options.get('t') ?? 'o200k_base');
  const eos = tokenizer.specialTokens.get('<|endoftext|>') ?? tokenizer.vocabSize - 1;
  const order = intOption(args, 'order') ?? 4;
  const model = new NgramModel({ vocabSize: tokenizer.vocabSize, eosId: eos, order });
  const trainDir = args.options.get('train') ?? '/usr/lib/python3.11';
  if (!existsSync(trainDir)) throw new Error(`${trainDir}: no such folder to train the n-gram model on (--train DIR)`);
  const budget = Number(args.options.get('train-mb') ?? 4) * 2 ** 20;
  let used = 0;
  for (const file of pythonFiles(trainDir)) {
    if (used >= budget) break;
    const text = readFileSync(file, 'utf8');
    used += text.length;
    model.train(tokenizer.encodeIds(text));
  }
  const maxBytes = intOption(args, 'max-bytes');
  return {
    modes,
    describe: `n-gram (order ${order}) trained on ${(used / 2 ** 20).toFixed(1)} MB of ${trainDir}, prefix only, ${maxBytes ?? `first ${intOption(args, 'chars') ?? 16} chars + 4`} bytes`,
    run: (task, mode, chars) => runTask(task, tokenizer, model, mode as Exclude<EvalMode, 'infill'>, chars, undefined, maxBytes),
    dispose: async () => undefined,
  };
}

/** A tokenizer by registry name, `hf:`/`gguf:` name, or a path to a tokenizer.json, a folder holding one, or a .gguf. */
export function resolveTokenizer(nameOrPath: string): Tokenizer {
  if (/^(hf|gguf):/.test(nameOrPath)) return getTokenizer(nameOrPath);
  if (existsSync(nameOrPath)) {
    if (statSync(nameOrPath).isDirectory()) {
      const json = join(nameOrPath, 'tokenizer.json');
      if (!existsSync(json)) throw new Error(`${nameOrPath}: no tokenizer.json in this folder`);
      return getTokenizer('hf:' + json);
    }
    return getTokenizer((nameOrPath.endsWith('.gguf') ? 'gguf:' : 'hf:') + nameOrPath);
  }
  return getTokenizer(nameOrPath);
}

/** Whether a server-reported model path is a file or folder this machine can read the vocabulary from. */
function localVocab(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path || !existsSync(path)) return undefined;
  const st = statSync(path);
  if (st.isFile() && path.endsWith('.gguf')) return path;
  if (st.isDirectory() && existsSync(join(path, 'tokenizer.json'))) return path;
  return undefined;
}

/**
 * The FIM layout as text, for OpenAI-compatible servers' plain infill (the server parses the special-token texts): the
 * spelling the vocabulary holds, or without one the format's usual spelling.
 */
function textLayout(tok: Tokenizer | undefined, format: FimFormatName): (prefix: string, suffix: string) => string {
  const f = FORMATS[format];
  const text = (role: 'prefix' | 'suffix' | 'middle'): string => (tok ? f.tokens[role]?.find((t) => tok.specialTokens.has(t)) : f.tokens[role]?.[0]) ?? '';
  return f.order === 'spm'
    ? (p, s) => `${text('suffix')}${s}${text('prefix')}${p}`
    : (p, s) => `${text('prefix')}${p}${text('suffix')}${s}${text('middle')}`;
}

/** Checks that the local vocabulary encodes like the llama.cpp server's (/tokenize): de-biasing with another one is garbage. */
async function checkAgainstServer(base: string, tok: Tokenizer): Promise<void> {
  const sample = 'def fibonacci(n: int) -> int:\n    """Return the n-th number."""\n    return n if n < 2 else fibonacci(n - 1)\n';
  const url = joinUrl(base, '/tokenize');
  const answer = asObject(await requestJson(url, { body: { content: sample, add_special: false, parse_special: false } }), url, 'the answer');
  const theirs = asArray(answer.tokens, url, 'tokens').map((t) => (t && typeof t === 'object' ? (t as { id: number }).id : t));
  const ours = Array.from(tok.encodeIds(sample, { allowSpecial: false }));
  if (theirs.length !== ours.length || theirs.some((id, i) => id !== ours[i])) {
    throw new Error(`the vocabulary ${tok.name} does not encode like the server at ${base} (/tokenize gave ${theirs.length} ids, ${ours.length} here): pass the model's own with --tokenizer`);
  }
}

/** A FIM backend from `--backend KIND:WHERE`, with the model's vocabulary and FIM layout resolved here. */
async function fimRunner(spec: string, args: Args, requested: EvalMode[]): Promise<Runner> {
  const m = /^(gguf|llama\.cpp|openai|ollama):(.+)$/.exec(spec);
  if (!m) throw new UsageError(`--backend takes ngram, gguf:PATH, llama.cpp:URL, openai:URL or ollama:URL (got ${spec})`);
  const [, kind, where] = m;
  const tokenizerOption = args.options.get('t');
  const topK = intOption(args, 'top-k');
  const formatOption = args.options.get('fim-format');
  if (formatOption && !(formatOption in FORMATS)) throw new UsageError(`--fim-format takes ${Object.keys(FORMATS).join(', ')} (got ${formatOption})`);
  let backend: FimBackend;
  let tokenizer: Tokenizer | undefined;
  let layout: ((prefix: string, suffix: string) => string) | undefined;
  let dispose = async (): Promise<void> => undefined;
  if (kind === 'gguf') {
    if (!existsSync(where)) throw new Error(`${where}: no such model file`);
    const threads = intOption(args, 'threads');
    const b = new InProcessBackend({ modelPath: where, threads: threads || undefined, cpuOnly: args.flags.has('cpu') });
    backend = b;
    dispose = () => b.dispose();
    // The model's own vocabulary, from the GGUF (what the engine runs on: the tests check both encode alike).
    tokenizer = resolveTokenizer(tokenizerOption ?? 'gguf:' + where);
  } else if (kind === 'llama.cpp') {
    backend = new LlamaCppBackend({ baseUrl: where, topK });
    if (tokenizerOption) tokenizer = resolveTokenizer(tokenizerOption);
    else {
      const url = joinUrl(where, '/props');
      const props = asObject(await requestJson(url), url, 'the answer');
      const path = localVocab(props.model_path);
      if (!path) throw new UsageError(`${where}: the server's model (${String(props.model_path)}) is not a readable file here; pass its vocabulary with --tokenizer NAME|PATH (tokenizer.json or .gguf)`);
      tokenizer = resolveTokenizer(path);
    }
    await checkAgainstServer(where, tokenizer);
  } else if (kind === 'openai') {
    let vocab = tokenizerOption;
    if (!vocab && requested.some((r) => r !== 'infill')) {
      // vLLM names the model's folder as `root`: usable when the server runs on this machine.
      const url = joinUrl(where.replace(/\/v1\/?$/, ''), '/v1/models');
      const list = asArray(asObject(await requestJson(url), url, 'the answer').data, url, 'data');
      const entry = list.map((e) => e as Record<string, unknown>).find((e) => !args.options.has('model') || e.id === args.options.get('model'));
      vocab = localVocab(entry?.root);
      if (!vocab) throw new UsageError(`${where}: exact, heal and off need the model's vocabulary here: pass --tokenizer NAME|PATH (tokenizer.json or .gguf)`);
    }
    tokenizer = vocab ? resolveTokenizer(vocab) : undefined;
    // The layout is known once the format is (below, after info()).
    const fimPrompt = (p: string, s: string): string => {
      if (!layout) throw new BackendError('no FIM format known for the served model: set one with --fim-format', 'unsupported');
      return layout(p, s);
    };
    backend = new OpenAiCompatBackend({ baseUrl: where, model: args.options.get('model'), topK, fimPrompt });
  } else {
    backend = new OllamaBackend({ baseUrl: where, model: args.options.get('model') });
  }

  let modes = requested;
  if (!backend.canScoreTokens && modes.some((r) => r !== 'infill')) {
    log(`${backend.label} takes no token ids, so exact, heal and off cannot run on it: running its plain FIM (reported as 'infill') instead`);
    modes = ['infill'];
  }
  const info = await backend.info();
  const format = (formatOption as FimFormatName | undefined) ?? info.fimFormat
    ?? (tokenizer ? detectFormat({ specialTokens: tokenizer.specialTokens, model: info.model }) : undefined);
  if (format) layout = textLayout(tokenizer, format);
  const maxBytes = intOption(args, 'max-bytes') ?? DEFAULT_MAX_BYTES;
  const setup: FimSetup = { backend, maxBytes };
  if (modes.some((r) => r !== 'infill')) {
    if (!tokenizer) throw new UsageError(`${backend.label}: pass the model's vocabulary with --tokenizer NAME|PATH`);
    if (!format) throw new UsageError(`${backend.label}: no FIM format found for ${info.model ?? 'the model'}; set one with --fim-format (${Object.keys(FORMATS).join(', ')})`);
    const ids = fimTokenIds(tokenizer, format);
    // The prompt gets what the context leaves after the generation (a token is at least a byte) and a margin.
    const room = (info.contextLength ?? 4096) - maxBytes - 16;
    if (room < 64) throw new UsageError(`a context of ${info.contextLength} tokens leaves no room for prompts with --max-bytes ${maxBytes}`);
    const prefixTokens = Math.floor(room * 0.75);
    const budget = { prefixTokens, suffixTokens: room - prefixTokens, extraTokens: 0 };
    setup.prompt = { tokenizer, format, ids, budget, model: withEndTokens(backend.model()!, ids.end) };
  }
  return {
    modes,
    describe: `${backend.label} (${info.model ?? 'model'}${format ? `, ${format} FIM` : ''}${tokenizer ? `, vocabulary ${tokenizer.name}` : ''}), up to ${maxBytes} bytes per middle`,
    run: (task, mode, chars) => runFimTask(task, setup, mode, chars),
    dispose,
  };
}

/** Python files under `dir` in a fixed order, test suites left out. */
function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!/^(test|tests|idlelib|site-packages|dist-packages|__pycache__)$/.test(name)) walk(p);
      } else if (name.endsWith('.py')) out.push(p);
    }
  };
  walk(dir);
  return out;
}
