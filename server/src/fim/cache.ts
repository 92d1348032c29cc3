/**
 * Recent completions, reused while the user types ahead: when the text before the cursor is a cached request's prefix
 * plus the first characters of its completion (the user typed what was suggested), and the text after the cursor is
 * the same, the rest of that completion is the answer — no model call. Least recently used entries go first.
 *
 * Keys are the prefix's and suffix's windows (what the prompt was built from) plus everything else that changes the
 * answer (backend, model, mode, format), so that a settings change never serves a stale completion.
 */

export interface CachedCompletion<R> {
  /** The completion text, after post-processing. */
  text: string;
  /** Whatever the caller keeps with it (the report). */
  data: R;
}

interface Entry<R> extends CachedCompletion<R> {
  config: string;
  /** The last SIDE characters of the prefix, and where the prefix ends in the document (where the completion went). */
  prefix: string;
  prefixLength: number;
  suffix: string;
}

/** How much of each side is compared: the windows differ further out only when the prompt would too. */
const SIDE = 4096;
/** At least this much of the text before the completion must be compared for a type-ahead hit. */
const MIN_COMPARED = 256;

export class CompletionCache<R> {
  private entries: Entry<R>[] = [];

  constructor(private readonly capacity = 64) {}

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }

  /** `at`: where the prefix ends in the document (default its length; callers that pass a window pass the offset). */
  set(config: string, prefix: string, suffix: string, value: CachedCompletion<R>, at = prefix.length): void {
    const e: Entry<R> = { config, prefix: prefix.slice(-SIDE), prefixLength: at, suffix: suffix.slice(0, SIDE), ...value };
    this.entries = this.entries.filter((x) => !(x.config === e.config && x.prefixLength === e.prefixLength && x.prefix === e.prefix && x.suffix === e.suffix));
    this.entries.unshift(e);
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  /**
   * The completion for (prefix, suffix): an exact hit, or a type-ahead hit whose typed part is removed. Undefined when
   * nothing fits, or when the user typed the whole completion (nothing left to offer).
   */
  get(config: string, prefix: string, suffix: string, at = prefix.length): (CachedCompletion<R> & { typed: number }) | undefined {
    const s = suffix.slice(0, SIDE);
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e.config !== config || e.suffix !== s) continue;
      // The typed part is what the new prefix has beyond the entry's; it must start the entry's completion.
      const typedLen = typed(e, prefix, at);
      if (typedLen < 0 || typedLen >= e.text.length) continue;
      this.entries.splice(i, 1);
      this.entries.unshift(e);
      return { text: e.text.slice(typedLen), data: e.data, typed: typedLen };
    }
    return undefined;
  }
}

/** How many characters of `e.text` the new prefix adds to the entry's; −1 when it is not such a continuation. */
function typed<R>(e: Entry<R>, prefix: string, at: number): number {
  const t = at - e.prefixLength;
  if (t < 0 || t > e.text.length || t > prefix.length) return -1;
  const end = prefix.length - t;
  if (prefix.slice(end) !== e.text.slice(0, t)) return -1;
  // The caller's prefix may be a window that slid by what was typed: compare what both still hold (the position,
  // `at`, pins the rest).
  const w = Math.min(e.prefix.length, end);
  if (w < Math.min(e.prefix.length, MIN_COMPARED)) return -1;
  return prefix.slice(end - w, end) === e.prefix.slice(e.prefix.length - w) ? t : -1;
}
