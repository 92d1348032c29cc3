/**
 * pass@1 for HumanEval infilling: a generated middle passes when prompt + middle + suffix, followed by the task's tests
 * and `check(entry_point)`, exits 0 under python3. No network is used.
 *
 * Starting python3 costs tens of milliseconds on an idle machine and seconds on a loaded one, and an evaluation runs
 * thousands of programs; so each worker is one long-lived interpreter (`-I`: no user site-packages, no PYTHON* variables)
 * that forks a child per program, as human-eval's own harness does. The child runs the program as `__main__` in a fresh
 * temporary folder and its own session, stdout discarded; the worker kills the child's process group at the time cap,
 * measured in Python, so a busy Node event loop cannot stretch or shorten it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** What pass@1 needs of a task (the HumanEval-infilling fields). */
export interface ExecutableTask {
  prompt: string;
  suffix?: string;
  test?: string;
  entryPoint?: string;
}

export interface ProgramResult {
  passed: boolean;
  timedOut: boolean;
  /** The exit code (null when killed). */
  code: number | null;
  /** The end of stderr (a traceback), for reports on why a program failed. */
  stderr: string;
}

export interface RunOptions {
  /** The interpreter (default python3). */
  python?: string;
  /** Per program (default 10 s). */
  timeoutMs?: number;
}

/** The interpreter's version ("Python 3.11.7"), or why it cannot be used. */
export function pythonVersion(python = 'python3'): { version?: string; problem?: string } {
  // A generous cap: on a loaded machine even `--version` can take seconds.
  const r = spawnSync(python, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { problem: `${python} could not be started (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
  if (r.status !== 0) return { problem: `${python} --version exited with ${r.status ?? r.signal}` };
  return { version: (r.stdout || r.stderr).trim() || python };
}

/** Whether a task carries what its tests need. */
export function canExecute(task: ExecutableTask): boolean {
  return typeof task.test === 'string' && task.test.length > 0 && typeof task.entryPoint === 'string' && task.entryPoint.length > 0;
}

/** The program that tests one generated middle (HumanEval-infilling's own layout). */
export function buildProgram(task: ExecutableTask, middle: string): string {
  return `${task.prompt}${middle}${task.suffix ?? ''}\n${task.test ?? ''}\ncheck(${task.entryPoint})\n`;
}

/** The worker: one JSON job per stdin line ({source, timeout} in seconds), one JSON result per stdout line. */
const WORKER = String.raw`
import json, os, select, shutil, signal, sys, tempfile, time, traceback

def child(src, tmp, w):
    code = 1
    try:
        os.setsid()
        nul = os.open(os.devnull, os.O_RDWR)
        os.dup2(nul, 0)
        os.dup2(nul, 1)
        os.dup2(w, 2)
        os.chdir(tmp)
        sys.stdin = open(os.devnull)
        code = 0
        try:
            exec(compile(src, os.path.join(tmp, 'program.py'), 'exec'), {'__name__': '__main__', '__builtins__': __builtins__})
        except SystemExit as e:
            code = 0 if e.code is None else (e.code if isinstance(e.code, int) else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
    finally:
        os._exit(code & 0xFF)

def run(src, timeout):
    tmp = tempfile.mkdtemp(prefix='tokscope-pass1-')
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        child(src, tmp, w)
    os.close(w)
    deadline = time.monotonic() + timeout
    err = b''
    status = None
    timed_out = False
    open_pipe = True
    while True:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p:
            status = st
            break
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            _, status = os.waitpid(pid, 0)
            break
        if open_pipe:
            ready, _, _ = select.select([r], [], [], min(left, 0.02))
            if ready:
                chunk = os.read(r, 65536)
                if chunk:
                    err = (err + chunk)[-4000:]
                else:
                    open_pipe = False
        else:
            time.sleep(min(left, 0.005))
    while open_pipe:
        ready, _, _ = select.select([r], [], [], 0.05)
        chunk = os.read(r, 65536) if ready else b''
        if not chunk:
            break
        err = (err + chunk)[-4000:]
    os.close(r)
    shutil.rmtree(tmp, ignore_errors=True)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    return {'code': code, 'timedOut': timed_out, 'stderr': err.decode('utf-8', 'replace')}

for line in sys.stdin:
    job = json.loads(line)
    sys.stdout.write(json.dumps(run(job['source'], job['timeout'])) + '\n')
    sys.stdout.flush()
`;

/** One worker interpreter, one program at a time. */
class Worker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private pending: { resolve: (r: ProgramResult) => void; timer: NodeJS.Timeout } | undefined;
  private buffer = '';
  private stderr = '';
  dead = false;

  constructor(python: string) {
    this.proc = spawn(python, ['-I', '-B', '-c', WORKER], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONHASHSEED: '0' },
    });
    this.proc.stdout.on('data', (c: Buffer) => {
      this.buffer += c.toString('utf8');
      const nl = this.buffer.indexOf('\n');
      if (nl < 0) return;
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const r = JSON.parse(line) as { code: number | null; timedOut: boolean; stderr: string };
      this.settle({ passed: r.code === 0 && !r.timedOut, timedOut: r.timedOut, code: r.code, stderr: r.stderr.split('\n').slice(-8).join('\n') });
    });
    this.proc.stderr.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-2000);
    });
    const die = (why: string): void => {
      this.dead = true;
      this.settle({ passed: false, timedOut: false, code: null, stderr: `the python worker ${why}: ${this.stderr}` });
    };
    this.proc.on('error', (e) => die(`could not start (${e.message})`));
    this.proc.on('exit', (code, signal) => die(`exited (${code ?? signal})`));
    this.proc.stdin.on('error', () => undefined);
  }

  private settle(r: ProgramResult): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(r);
  }

  run(source: string, timeoutMs: number): Promise<ProgramResult> {
    return new Promise<ProgramResult>((resolve) => {
      if (this.dead) return resolve({ passed: false, timedOut: false, code: null, stderr: `the python worker is not running: ${this.stderr}` });
      // A backstop only: the worker enforces the cap itself; this catches a worker that stopped answering.
      const timer = setTimeout(() => {
        this.close();
        this.settle({ passed: false, timedOut: true, code: null, stderr: 'the python worker stopped answering' });
      }, timeoutMs + 60_000);
      this.pending = { resolve, timer };
      this.proc.stdin.write(JSON.stringify({ source, timeout: timeoutMs / 1000 }) + '\n');
    });
  }

  close(): void {
    this.dead = true;
    this.proc.stdin.end();
    if (this.pending) this.proc.kill('SIGKILL');
  }
}

/** Runs one program in a worker of its own; resolves (never rejects) with its outcome. */
export async function runProgram(source: string, options: RunOptions = {}): Promise<ProgramResult> {
  const w = new Worker(options.python ?? 'python3');
  try {
    return await w.run(source, options.timeoutMs ?? 10_000);
  } finally {
    w.close();
  }
}

/**
 * Runs the tests of each (task, middle) pair on `concurrency` workers (default 2); identical programs (two modes that
 * generated the same middle) run once. Tasks without tests give undefined. `close()` ends the workers.
 */
export class PassChecker {
  private readonly cache = new Map<string, Promise<ProgramResult>>();
  private readonly waiting: Array<() => void> = [];
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private running = 0;

  constructor(private readonly options: RunOptions & { concurrency?: number } = {}) {}

  check(task: ExecutableTask, middle: string): Promise<ProgramResult> | undefined {
    if (!canExecute(task)) return undefined;
    const source = buildProgram(task, middle);
    let p = this.cache.get(source);
    if (!p) {
      p = this.limited((w) => w.run(source, this.options.timeoutMs ?? 10_000));
      this.cache.set(source, p);
    }
    return p;
  }

  private async limited<T>(f: (w: Worker) => Promise<T>): Promise<T> {
    // A finishing program hands its slot straight to the next waiting one, so the limit is never exceeded.
    if (this.running >= (this.options.concurrency ?? 2)) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    let w = this.idle.pop();
    if (!w || w.dead) {
      w = new Worker(this.options.python ?? 'python3');
      this.all.push(w);
    }
    try {
      return await f(w);
    } finally {
      if (!w.dead) this.idle.push(w);
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  close(): void {
    for (const w of this.all) w.close();
  }
}
