/**
 * What a raw FIM completion becomes before the editor shows it:
 * - inside a line (text after the cursor), only the rest of the current line is offered: a multi-line insertion there
 *   would push the line's tail down and almost never be what the model meant;
 * - text that repeats what already follows the cursor is dropped (the model re-writing the suffix, typically a closing
 *   bracket the editor already inserted, or the next line it was shown);
 * - at a line end, trailing blank lines and whitespace go; the completion's own leading whitespace and indentation stay as
 *   the model wrote them (they are relative to the cursor, which is where the text goes).
 */

export interface PostprocessOptions {
  /** The text after the cursor, from the document (at least to the end of the next few lines). */
  suffix: string;
}

export interface Postprocessed {
  text: string;
  /** What was done, for the report (e.g. "dropped 1 character repeating the suffix"). */
  notes: string[];
}

/** Characters that end a construct: a completion ending in the one the line already has repeats it. */
const CLOSERS = ')]}>\'"`;,:';

/** The longest k ≤ limit such that the last k characters of `a` are the first k of `b`. */
export function overlap(a: string, b: string, limit = Infinity): number {
  const max = Math.min(a.length, b.length, limit);
  for (let k = max; k > 0; k--) if (a.endsWith(b.slice(0, k))) return k;
  return 0;
}

export function postprocess(raw: string, o: PostprocessOptions): Postprocessed {
  const notes: string[] = [];
  const eol = o.suffix.indexOf('\n');
  const lineRest = eol < 0 ? o.suffix : o.suffix.slice(0, eol);
  let text = raw;
  const inLine = lineRest.trim() !== '';
  if (inLine) {
    const nl = text.indexOf('\n');
    if (nl >= 0) {
      text = text.slice(0, nl).replace(/\r$/, '');
      notes.push('cut at the end of the line (text follows the cursor)');
    }
    // The model wrote the line's tail again (e.g. `foo(x)` before an existing `)`): keep only what is new.
    const rest = lineRest.trimEnd();
    let k = overlap(text, rest);
    // One shared character is a coincidence unless it closes something (a bracket or quote the editor inserted):
    // `ba|r.baz()` completed with `bar` must keep its `r`.
    if (k === 1 && !CLOSERS.includes(rest[0])) k = 0;
    if (k > 0) {
      text = text.slice(0, text.length - k);
      notes.push(`dropped ${k} character${k > 1 ? 's' : ''} repeating the text after the cursor`);
    }
  } else {
    // At a line end: the completion may span lines, but not re-write the lines that follow.
    const next = o.suffix.slice(eol < 0 ? o.suffix.length : eol + 1);
    const firstNext = next.split('\n').find((l) => l.trim() !== '');
    if (firstNext !== undefined) {
      const lines = text.split('\n');
      // Compared with their indentation: a nested `}` inside the completion is not the document's next `}`.
      const at = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && l.trimEnd() === firstNext.trimEnd());
      if (at > 0) {
        text = lines.slice(0, at).join('\n');
        notes.push('stopped where it repeats the next line');
      }
    }
  }
  // Trailing white space goes at a line end; inside a line it may be the space before the text that follows.
  if (inLine) return { text: text.trim() === '' ? '' : text, notes };
  return { text: text.replace(/\s+$/, ''), notes };
}
