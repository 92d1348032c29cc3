/**
 * FIM prompts as token ids, laid out so that byte-level de-biasing applies (research.md §3, "Where it applies").
 *
 * De-biasing needs the generation to continue text that is directly before the generation point. In PSM layouts the
 * prefix is not (the suffix and the middle token come between), so the prefix's tail — its last line, or its last
 * ~64 bytes cut at a pre-token boundary when the line is long — moves to after the middle token:
 *
 *   context = <prefix> head <suffix> S <middle>        text = tail        (the model "writes" tail, then the middle)
 *
 * In SPM order (Codestral) the prefix already runs into the generation: context = [SUFFIX] S [PREFIX] head, text = tail.
 * `context` never contains the tail: the caller hands `text` to de-biasing, which covers it byte by byte.
 *
 * Special tokens go in by id; all text (prefix, suffix, file names, other files) is encoded with specials disallowed,
 * so a source file containing `<|fim_middle|>` stays text.
 */
import type { Tokenizer } from '../tokenizers/types';
import { FORMATS, fimTokenIds, type FimTokenIds } from './formats';
import type { FimFormatName } from './types';
import { keepEnd, keepStart } from './window';

export interface PromptBudget {
  /** Tokens of the kept prefix (head and tail together, counted as one text). */
  prefixTokens: number;
  suffixTokens: number;
  /** Tokens of everything other files add (headers and separators included). */
  extraTokens: number;
}

export interface PromptOptions {
  tokenizer: Tokenizer;
  format: FimFormatName;
  prefix: string;
  suffix: string;
  /** Other files' text, most relevant first: kept in order while the budget lasts. */
  extra?: { filename: string; text: string }[];
  budget: PromptBudget;
  /** Repository name and the current file's name, for layouts that name them when other files are given. */
  repo?: string;
  filename?: string;
  /** The format's ids, when already resolved (resolving throws when the vocabulary lacks a token). */
  ids?: FimTokenIds;
}

export interface FimPrompt {
  /** The prompt as ids, ending where generation starts (after the middle token, or after the head in SPM order). */
  context: Uint32Array;
  /** The prefix tail the generation continues directly, for de-biasing ('' when the prefix ends a line or is empty). */
  text: string;
  /** UTF-16 units cut from the prefix's start and the suffix's end to fit the budget. */
  dropped: { prefixChars: number; suffixChars: number };
}

/** The longest tail moved after the middle token, in UTF-8 bytes: de-biasing only looks back one token's length. */
export const MAX_TAIL_BYTES = 64;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): boolean {
  if (a.length + b.length !== c.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) return false;
  for (let i = 0; i < b.length; i++) if (b[i] !== c[a.length + i]) return false;
  return true;
}

/**
 * Where the tail starts: after the prefix's last line break, or — when that line is longer than MAX_TAIL_BYTES — at
 * the first token start within the last MAX_TAIL_BYTES bytes where encoding head and tail apart gives the same ids as
 * encoding them together (a pre-token boundary: the head's encoding cannot depend on the tail).
 */
export function tailStart(tok: Tokenizer, prefix: string): number {
  const lineStart = prefix.lastIndexOf('\n') + 1;
  if (bytes(prefix.slice(lineStart)) <= MAX_TAIL_BYTES) return lineStart;
  // Look at a bounded window of the line: enough context before the cut for the check to mean something.
  const from = Math.max(lineStart, prefix.length - 4 * MAX_TAIL_BYTES);
  const whole = tok.encode(prefix.slice(from));
  const plain = { allowSpecial: false };
  let last = prefix.length;
  for (let k = 0; k < whole.ids.length; k++) {
    const s = from + whole.offsets[2 * k];
    if (s === from || bytes(prefix.slice(s)) > MAX_TAIL_BYTES) continue;
    last = s;
    if (sameIds(tok.encodeIds(prefix.slice(from, s), plain), tok.encodeIds(prefix.slice(s), plain), whole.ids)) return s;
  }
  // No clean boundary (one long token run): cut before the last token anyway; de-biasing copes with any split.
  return last;
}

/** Other files' context in the format's layout, within `budget` tokens; [] when the format leaves it out. */
function extraIds(o: PromptOptions, ids: FimTokenIds, budget: number): { before: number[]; inPrefix: number[] } {
  const f = FORMATS[o.format];
  const tok = o.tokenizer;
  const enc = (s: string): number[] => Array.from(tok.encodeIds(s, { allowSpecial: false }));
  const chunks = o.extra ?? [];
  if (chunks.length === 0 || budget <= 0 || f.extra === 'none') return { before: [], inPrefix: [] };
  const useTokens = f.extra === 'tokens' && ids.repo !== undefined && ids.sep !== undefined;
  if (f.extra === 'tokens' && !useTokens) return { before: [], inPrefix: [] };
  // Per file: a header (separator token and name line, or a `#name` comment line), then the text, ending a line.
  const header = (name: string): number[] => (useTokens ? [ids.sep!, ...enc(name + '\n')] : enc('#' + name + '\n'));
  const opening = useTokens ? [ids.repo!, ...enc((o.repo ?? 'project') + (f.repoEnd ?? ''))] : [];
  const closing = useTokens || o.filename !== undefined ? header(o.filename ?? 'untitled') : [];
  const out: number[] = [...opening];
  let added = 0;
  for (const c of chunks) {
    const room = budget - out.length - closing.length;
    const h = header(c.filename);
    const needsNl = !c.text.endsWith('\n');
    // A cut text ends at a line break (keepStart), so the extra "\n" is only needed for a whole one.
    let body = enc(c.text);
    if (h.length + body.length + (needsNl ? enc('\n').length : 0) > room) {
      const keep = c.text.slice(0, keepStart(tok, c.text, room - h.length - 1));
      if (keep.trim() === '') break;
      body = enc(keep);
      if (!keep.endsWith('\n')) body.push(...enc('\n'));
      if (h.length + body.length > room) break;
      out.push(...h, ...body);
      added++;
      break; // the budget is spent
    }
    out.push(...h, ...body, ...(needsNl ? enc('\n') : []));
    added++;
  }
  if (added === 0) return { before: [], inPrefix: [] };
  out.push(...closing);
  return useTokens ? { before: out, inPrefix: [] } : { before: [], inPrefix: out };
}

/** Builds the prompt: windows sized in the model's tokens, the tail split off for de-biasing, ids in the format's order. */
export function buildPrompt(o: PromptOptions): FimPrompt {
  const tok = o.tokenizer;
  const f = FORMATS[o.format];
  const ids = o.ids ?? fimTokenIds(tok, f);
  const pStart = keepEnd(tok, o.prefix, o.budget.prefixTokens);
  const sEnd = keepStart(tok, o.suffix, o.budget.suffixTokens);
  const prefix = o.prefix.slice(pStart);
  const suffix = o.suffix.slice(0, sEnd);
  const cut = tailStart(tok, prefix);
  const head = prefix.slice(0, cut);
  const enc = (s: string): Uint32Array => tok.encodeIds(s, { allowSpecial: false });
  const extra = extraIds(o, ids, o.budget.extraTokens);

  const out: number[] = [];
  if (ids.bos !== undefined) out.push(ids.bos);
  if (f.order === 'psm') {
    out.push(...extra.before, ids.prefix, ...extra.inPrefix, ...enc(head), ids.suffix, ...enc(suffix), ids.middle!);
  } else {
    // SPM: other files (none of the SPM formats take any today) would go before the suffix token.
    out.push(...extra.before, ids.suffix, ...enc(suffix), ids.prefix, ...extra.inPrefix, ...enc(head));
  }
  return {
    context: Uint32Array.from(out),
    text: prefix.slice(cut),
    dropped: { prefixChars: pStart, suffixChars: o.suffix.length - sEnd },
  };
}
