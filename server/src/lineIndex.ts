/**
 * Line starts of a text, kept up to date across edits, to turn LSP positions (line, UTF-16 character) into UTF-16
 * offsets and back. Line breaks are "\n", "\r\n" and a lone "\r", as LSP defines them.
 */
import type { TextSource } from './textStore';

export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  /** Offset of each line's first character; `starts[0] === 0`. */
  private starts: number[] = [0];

  constructor(text: TextSource) {
    this.insertStarts(text, 1, text.length);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset just past the last character of `line` that is not part of its line break. */
  lineContentEnd(text: TextSource, line: number): number {
    if (line >= this.starts.length - 1) return text.length;
    let end = this.starts[line + 1];
    if (end > 0 && text.charCodeAt(end - 1) === 10) end--;
    if (end > this.starts[line] && text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Offset of a position; out-of-range lines and characters are clamped, as LSP asks. */
  offsetAt(text: TextSource, pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return text.length;
    const start = this.starts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineContentEnd(text, pos.line));
  }

  positionAt(offset: number): Position {
    const line = Math.max(0, this.firstAbove(offset) - 1);
    return { line, character: offset - this.starts[line] };
  }

  /** Index of the first line start greater than `offset`. */
  private firstAbove(offset: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Line of an offset (the line a token starting there is counted on). */
  lineAt(offset: number): number {
    return this.positionAt(offset).line;
  }

  /**
   * Updates the index after `newText` was made by replacing old `[start, end)` with `inserted` characters. Whether
   * offset p starts a line depends on the characters at p-1 and p, so the old starts in [start, end] are dropped and
   * the new ones in [start, start + inserted] recomputed; those after shift.
   */
  edit(newText: TextSource, start: number, end: number, inserted: number): void {
    const delta = inserted - (end - start);
    const a = Math.max(1, this.firstAbove(start - 1));
    const b = Math.max(a, this.firstAbove(end));
    const tail = this.starts.slice(b);
    for (let i = 0; i < tail.length; i++) tail[i] += delta;
    this.starts.length = a;
    this.insertStarts(newText, Math.max(1, start), start + inserted);
    for (const s of tail) this.starts.push(s);
  }

  private insertStarts(text: TextSource, from: number, to: number): void {
    for (let p = from; p <= to; p++) {
      const prev = text.charCodeAt(p - 1);
      if (prev === 10 || (prev === 13 && text.charCodeAt(p) !== 10)) this.starts.push(p);
    }
  }
}
