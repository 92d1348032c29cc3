/**
 * `tokscope eval-fim --data FILE.jsonl[.gz] [--debias off,heal,exact] [--backend ngram] [--train DIR] [--train-mb N]
 * [--order N] [--tokenizer NAME] [--limit N] [--mid-word-only] [--chars N] [--json]`: de-biasing modes compared on
 * HumanEval infilling tasks (see server/src/fim/evalFim.ts). The `ngram` backend is a token n-gram model trained here
 * on the Python files of --train (default: this machine's Python standard library).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareModes, endsMidWord, readTasks, runTask, summarise, type TaskResult } from '../fim/evalFim';
import { NgramModel } from '../fim/ngram';
import type { DebiasMode } from '../fim/types';
import { getTokenizer } from '../tokenizers/registry';
import { type Args, UsageError } from './args';

const MODES: DebiasMode[] = ['off', 'heal', 'exact'];

export async function runEvalFim(args: Args): Promise<number> {
  const data = args.options.get('data');
  if (!data) throw new UsageError('eval-fim needs --data FILE.jsonl.gz (HumanEval infilling tasks)');
  const modes = (args.options.get('debias') ?? 'off,heal,exact').split(',') as DebiasMode[];
  for (const m of modes) if (!MODES.includes(m)) throw new UsageError(`--debias takes off, heal, exact (got ${m})`);
  const backend = args.options.get('backend') ?? 'ngram';
  if (backend !== 'ngram') throw new UsageError(`--backend ${backend}: only the built-in ngram model is available in this version`);
  const tokenizer = getTokenizer(args.options.get('tokenizer') ?? 'o200k_base');
  const eos = tokenizer.specialTokens.get('<|endoftext|>') ?? tokenizer.vocabSize - 1;
  const model = new NgramModel({ vocabSize: tokenizer.vocabSize, eosId: eos, order: Number(args.options.get('order') ?? 4) });
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
  let tasks = readTasks(data);
  if (args.flags.has('mid-word-only')) tasks = tasks.filter(endsMidWord);
  if (args.options.has('limit')) tasks = tasks.slice(0, Number(args.options.get('limit')));
  const chars = Number(args.options.get('chars') ?? 16);
  process.stderr.write(`eval-fim: n-gram (order ${Number(args.options.get('order') ?? 4)}) trained on ${(used / 2 ** 20).toFixed(1)} MB of ${trainDir}; ${tasks.length} tasks\n`);
  const results = new Map<DebiasMode, TaskResult[]>();
  for (const mode of modes) {
    const list: TaskResult[] = [];
    for (const task of tasks) list.push(await runTask(task, tokenizer, model, mode, chars));
    results.set(mode, list);
    process.stderr.write(`eval-fim: ${mode} done\n`);
  }
  const summaries = modes.flatMap((m) => summarise(m, results.get(m)!));
  const pairs = modes.flatMap((a, i) => modes.slice(i + 1).map((b) => ({ a, b, all: compareModes(results.get(a)!, results.get(b)!, false), midWord: compareModes(results.get(a)!, results.get(b)!, true) })));
  if (args.flags.has('json')) {
    process.stdout.write(JSON.stringify({ tasks: tasks.length, chars, summaries, pairs }) + '\n');
    return 0;
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(`mode   subset     n     first ${chars} chars  whole middle  first byte  first word  calls/task\n`);
  for (const s of summaries) {
    process.stdout.write(`${s.mode.padEnd(6)} ${s.subset.padEnd(9)} ${String(s.n).padStart(5)}  ${pct(s.prefixMatch).padStart(15)}  ${pct(s.fullMatch).padStart(12)}  ${pct(s.firstByte).padStart(10)}  ${pct(s.firstWord).padStart(10)}  ${s.callsPerTask.toFixed(1).padStart(10)}\n`);
  }
  for (const p of pairs) {
    process.stdout.write(`${p.a} vs ${p.b} (first ${chars} chars): all ${p.all.wins}–${p.all.losses} p=${p.all.p.toPrecision(2)}; mid-word ${p.midWord.wins}–${p.midWord.losses} p=${p.midWord.p.toPrecision(2)}\n`);
  }
  return 0;
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
