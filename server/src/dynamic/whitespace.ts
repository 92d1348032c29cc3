/**
 * White space that costs tokens. Each finding states its exact cost (the touched lines encoded before and after the
 * fix, see context.ts) and is reported only when the fix saves at least one token: o200k, for one, spends no token on
 * most trailing blanks (`"  \n"` is one token, like `"\n"`).
 *
 * - `whitespace.trailing`: blanks at a line's end. Skipped for Markdown hard breaks (two or more spaces before the
 *   line break) and lines ending inside a multi-line string (JS/TS/Go backticks, Python triple quotes: a cheap scan,
 *   see `linesInsideStrings`), which carry meaning. Safe (fix-all) only in prose and those languages; in others
 *   (Rust, Kotlin, C++ raw strings, YAML blocks, shell heredocs) a line end may be inside a string: a quick fix only.
 * - `whitespace.blankLines`: more than two blank lines in a row, collapsed to two. Safe in prose; offered in code.
 * - `whitespace.mixedIndent`: indentation mixing tabs and spaces, rewritten in the document's majority style (tab =
 *   4 columns). Never in Python (indentation is syntax there: reported without an edit). Not safe.
 * - `whitespace.innerRun`: runs of three or more blanks inside a line (alignment), collapsed to one space. Skipped in
 *   code strings and line comments (a cheap per-line scan; strings across lines are the documented limit). Not safe.
 */
import { type DocContext, inStringOrComment, linesInsideStrings, multiLineStringsScanned } from './context';
import type { Suggestion, TextEdit } from './types';

const TAB = 4;

export function whitespaceSuggestions(ctx: DocContext): Suggestion[] {
  const out: Suggestion[] = [];
  const { text } = ctx;
  const markdown = ctx.languageId === 'markdown';
  const python = ctx.languageId === 'python';
  const prose = ctx.kind === 'prose';
  const inString = linesInsideStrings(ctx);
  const trailingSafe = prose || multiLineStringsScanned(ctx.languageId);
  const push = (code: string, start: number, end: number, edits: TextEdit[] | undefined, safe: boolean, what: string, extra?: Suggestion['data']) => {
    if (!edits) {
      out.push({ kind: 'whitespace', code, start, end, message: what, tokensBefore: ctx.linesTokens(ctx.lineOf(start), ctx.lineOf(start)), data: extra });
      return;
    }
    const c = ctx.cost(edits);
    if (c.after >= c.before) return;
    out.push({
      kind: 'whitespace',
      code,
      start,
      end,
      message: `${what}: ${c.before - c.after} token${c.before - c.after === 1 ? '' : 's'} (${ctx.tok.name})`,
      tokensBefore: c.before,
      tokensAfter: c.after,
      edits,
      safe,
      data: extra,
    });
  };

  // Indentation style of the document: lines indented by a tab vs by spaces.
  let tabs = 0;
  let spaces = 0;
  for (let k = 0; k < ctx.lineCount; k++) {
    const c = text.charCodeAt(ctx.lineStarts[k]);
    if (c === 9) tabs++;
    else if (c === 32) spaces++;
  }
  const useTabs = tabs > spaces;

  let blankRun = 0;
  let blankFrom = 0;
  let inFence = false;
  for (let k = 0; k <= ctx.lineCount; k++) {
    const line = k < ctx.lineCount ? ctx.lineText(k) : 'x';
    const start = k < ctx.lineCount ? ctx.lineStarts[k] : text.length;
    // The empty "line" after a final line break is no line.
    const pseudo = k === ctx.lineCount - 1 && start === text.length;
    const blank = k < ctx.lineCount && !pseudo && /^[ \t]*$/.test(line);
    if (blank) {
      if (line.length > 0 && !(markdown && /^ {2,}$/.test(line)) && !inString[k] && !(k > 0 && inString[k - 1])) {
        push('whitespace.trailing', start, start + line.length, [{ start, end: start + line.length, newText: '' }], trailingSafe, 'white space on a blank line');
      }
      if (blankRun === 0) blankFrom = k;
      blankRun++;
      continue;
    }
    if (blankRun > 2) {
      const s = ctx.lineStarts[blankFrom + 2];
      const e = ctx.lineStarts[blankFrom + blankRun] ?? text.length;
      // Inside a Markdown code fence the blank lines are the code's: offered, not in the fix-all.
      push('whitespace.blankLines', s, e, [{ start: s, end: e, newText: '' }], prose && !inFence, `${blankRun} blank lines in a row`, { lines: blankRun });
    }
    blankRun = 0;
    if (markdown && k < ctx.lineCount && /^ {0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (k === ctx.lineCount) break;
    if (pseudo) continue;

    // Trailing blanks.
    const trail = /[ \t]+$/.exec(line);
    if (trail) {
      const hardBreak = markdown && /^ {2,}$/.test(trail[0]);
      // Inside a multi-line string the blanks are part of the value.
      // Safe (in the fix-all) only where no line end can be inside a string unseen: prose, and the languages whose
      // multi-line strings are scanned; elsewhere (Rust, Kotlin, C++ raw strings, YAML blocks, heredocs) a quick fix only.
      if (!hardBreak && !inString[k]) push('whitespace.trailing', start + trail.index, start + line.length, [{ start: start + trail.index, end: start + line.length, newText: '' }], trailingSafe, 'trailing white space');
    }

    // Mixed indentation.
    const indent = /^[ \t]*/.exec(line)![0];
    if (indent.includes('\t') && indent.includes(' ') && indent.length < line.length) {
      let cols = 0;
      for (const ch of indent) cols = ch === '\t' ? (Math.floor(cols / TAB) + 1) * TAB : cols + 1;
      const fixed = useTabs ? '\t'.repeat(Math.floor(cols / TAB)) + ' '.repeat(cols % TAB) : ' '.repeat(cols);
      if (python) push('whitespace.mixedIndent', start, start + indent.length, undefined, false, 'indentation mixes tabs and spaces (Python: not changed, indentation is syntax)');
      else if (fixed !== indent) push('whitespace.mixedIndent', start, start + indent.length, [{ start, end: start + indent.length, newText: fixed }], false, `indentation mixes tabs and spaces (as ${useTabs ? 'tabs' : 'spaces'})`);
    }

    // Runs of blanks inside the line.
    const body = line.slice(indent.length, trail && trail.index > 0 ? trail.index : line.length);
    const runs = /[ \t]{3,}/g;
    for (let m = runs.exec(body); m; m = runs.exec(body)) {
      const col = indent.length + m.index;
      if (ctx.kind === 'code' && inStringOrComment(line, col, ctx.languageId)) continue;
      push('whitespace.innerRun', start + col, start + col + m[0].length, [{ start: start + col, end: start + col + m[0].length, newText: ' ' }], false, `a run of ${m[0].length} blanks`);
    }
  }
  return out;
}
