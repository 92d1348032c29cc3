/**
 * Rebuilds C or C++ source from lexicalised tokens (placeholders already joined back, `[SEP]` ending preprocessor
 * lines): one statement per line, four-space indentation by brace depth, spaces only where two tokens could merge or
 * where they read better. The output compiles when the tokens came from code that compiled; its layout is ours.
 */
import { EOL_TOKEN } from './lexicalise';

const NO_SPACE_AFTER = new Set(['(', '[', '.', '->', '::', '~', '!']);
const NO_SPACE_BEFORE = new Set([')', ']', ',', ';', '.', '->', '::']);
const IS_WORD = /^[A-Za-z_0-9]/;

export function formatC(tokens: string[]): string {
  const lines: string[] = [];
  let line = '';
  let indent = 0;
  let parens = 0;
  let directive = false;
  let prev = '';
  const newline = () => {
    if (line.trim()) lines.push(line);
    line = '';
    prev = '';
  };
  const put = (t: string) => {
    if (!line) line = directive ? '' : '    '.repeat(indent);
    else if (needsSpace(prev, t)) line += ' ';
    line += t;
    prev = t;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === EOL_TOKEN) {
      if (directive) {
        directive = false;
        newline();
      }
      continue;
    }
    if (t.startsWith('#') && !directive) {
      newline();
      directive = true;
      put(t);
      // `#define NAME(a, b)`: a function-like macro's parameter list must touch its name.
      if (t === '#define' && tokens[i + 2] === '(' && isMacroParams(tokens, i + 2)) {
        put(tokens[++i]);
        line += tokens[++i];
        prev = '(';
      }
      continue;
    }
    if (directive) {
      put(t);
      continue;
    }
    if (t.startsWith('//')) {
      put(t);
      newline();
      continue;
    }
    if (t === '}') {
      newline();
      indent = Math.max(0, indent - 1);
      put(t);
      const next = tokens[i + 1];
      if (next !== ';' && next !== ',' && next !== ')' && next !== 'else' && next !== 'while') newline();
      continue;
    }
    if (t === '(') parens++;
    if (t === ')') parens = Math.max(0, parens - 1);
    put(t);
    if (t === '{') {
      indent++;
      newline();
    } else if (t === ';' && parens === 0) newline();
  }
  newline();
  return lines.join('\n') + '\n';
}

function needsSpace(prev: string, next: string): boolean {
  if (!prev) return false;
  if (NO_SPACE_AFTER.has(prev) || NO_SPACE_BEFORE.has(next)) return false;
  // A call or declarator: `f(`, `a[`.
  if ((next === '(' || next === '[') && (IS_WORD.test(prev) || prev === ')' || prev === ']')) return false;
  // Postfix increment after an operand.
  if ((next === '++' || next === '--') && (IS_WORD.test(prev) || prev === ')' || prev === ']')) return false;
  return true;
}

/** Whether tokens from `open` are `( name, name, … )` or `( … )`: the parameters of a function-like macro. */
function isMacroParams(tokens: string[], open: number): boolean {
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === ')') return true;
    if (t === EOL_TOKEN) return false;
    if (t !== ',' && t !== '...' && !/^arg_\d+$/.test(t)) return false;
  }
  return false;
}
