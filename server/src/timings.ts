/**
 * The server's own time per message, kept for `tokscope/serverTimings`: what a benchmark or a curious user needs to
 * tell the server's work apart from the IPC and the client around it. Only the most recent samples are kept.
 */
const KEEP = 2000;

export class Timings {
  private readonly samples = new Map<string, number[]>();

  record(method: string, ms: number): void {
    let list = this.samples.get(method);
    if (!list) this.samples.set(method, (list = []));
    list.push(ms);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
  }

  /** Times `fn` (synchronous work, e.g. applying an edit) under `method`. */
  measure<T>(method: string, fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.record(method, performance.now() - t0);
    }
  }

  snapshot(clear: boolean): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [method, list] of this.samples) out[method] = [...list];
    if (clear) this.samples.clear();
    return out;
  }
}
