/**
 * When a crashed language server may be restarted, without `vscode` so that it can be unit-tested: at most
 * `maxRestarts` restarts within any `windowMs`; the crash after them stops it (a server that dies on every start
 * would otherwise spin, and pop up a message, forever).
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60_000,
  ) {}

  /** Records a crash at `now` (milliseconds); true when the server may be restarted. */
  crashed(now: number): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.maxRestarts;
  }

  /** Crashes within the window at `now`. */
  recent(now: number): number {
    return this.crashes.filter((t) => now - t < this.windowMs).length;
  }

  /** Forgets the crashes: the user restarted the server by hand. */
  reset(): void {
    this.crashes = [];
  }
}
