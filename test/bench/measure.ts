/** Small helpers shared by the benchmark: clocks, medians, id comparison and plain-text tables. */

/** Sizes and throughputs use MB = 2^20 bytes of UTF-8. */
export const MB = 1 << 20;

/** Milliseconds, monotonic, sub-microsecond resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Full collection between phases, when node runs with --expose-gc (`npm run bench` does). */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `n` with `digits` decimals, or '–' for a missing figure. */
export function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);
}

export function fmtMB(bytes: number): string {
  return bytes >= MB / 4 ? `${(bytes / MB).toFixed(2)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Left-aligned text columns, right-aligned numeric ones, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+( ?[×%a-zA-Z/µ]+)?$|^–$/.test(r[c] ?? '')));
  const line = (r: string[]) =>
    r.map((cell, c) => (numeric[c] ? (cell ?? '').padStart(widths[c]) : (cell ?? '').padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
