/** Split by token budget, without `vscode` so that it can be unit-tested (the command is in commands.ts). */

export interface Chunk {
  text: string;
  tokens: number;
}

/**
 * Token starts as offsets within [from, to): one per token, in order, a token that starts before `from` clamped to it.
 * A character split over several tokens gives them equal starts.
 */
export function tokenStarts(offsets: readonly number[], from: number, to: number): number[] {
  const starts: number[] = [];
  for (const o of offsets) {
    const s = Math.max(from, o);
    if (s < to) starts.push(s);
  }
  return starts;
}

/**
 * Cuts `text` from `starts[0]` to `to` into chunks of at most `budget` tokens, never between tokens with equal starts,
 * ending a chunk after the last token that holds a line break where there is one within the budget. A single split
 * character wider than the budget makes one chunk over it (it cannot be cut). The chunks' tokens add up to
 * `starts.length` and their texts to the text cut.
 */
export function splitByBudget(text: string, starts: readonly number[], budget: number, to: number): Chunk[] {
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`the budget must be a positive whole number, not ${budget}`);
  const cuttable = (k: number) => k >= starts.length || starts[k] > starts[k - 1];
  const chunks: Chunk[] = [];
  let first = 0; // index into starts of the chunk's first token
  while (first < starts.length) {
    let last = Math.min(starts.length, first + budget); // exclusive
    while (last > first + 1 && !cuttable(last)) last--;
    // Tokens of one split character wider than the budget: take them all rather than cut the character.
    while (!cuttable(last)) last++;
    if (last < starts.length) {
      for (let k = last; k > first + 1; k--) {
        if (cuttable(k) && text.slice(starts[k - 1], starts[k]).includes('\n')) {
          last = k;
          break;
        }
      }
    }
    const end = last < starts.length ? starts[last] : to;
    chunks.push({ text: text.slice(starts[first], end), tokens: last - first });
    first = last;
  }
  return chunks;
}
