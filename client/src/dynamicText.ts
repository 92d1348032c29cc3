/**
 * What the dynamic-tokenization surfaces say and choose, without `vscode` so that node's test runner checks it: quick
 * fix titles with their token cost, the client's `tokscope.dynamic.*` switches, the workspace file cap, and the
 * report as the webview draws it.
 */
import type { Boundary, DynamicView } from '../../media/dynamicMessages';
import type { DynamicReportResult, DynamicSuggestion, DynamicSuggestionKind } from '../../server/src/protocol';

/** The change in tokens a fix makes, e.g. `−1 token`, `+2 tokens`, `±0 tokens` (a real minus sign). */
export function tokenDelta(before: number, after: number): string {
  const d = after - before;
  const n = Math.abs(d);
  const unit = n === 1 ? 'token' : 'tokens';
  return d === 0 ? `±0 ${unit}` : `${d < 0 ? '−' : '+'}${n} ${unit}`;
}

/** Shown text of an edit: visible blanks, shortened. */
function shown(text: string): string {
  const s = text.replace(/\t/g, '→').replace(/ /g, '·').replace(/\r?\n/g, '⏎');
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** The quick fix's title: what it does and what it costs, e.g. "Group digits right to left: 1_000_000 (−1 token)". */
export function fixTitle(s: Pick<DynamicSuggestion, 'code' | 'tokensBefore' | 'tokensAfter' | 'edits'>): string {
  const cost = s.tokensAfter === undefined ? '' : ` (${tokenDelta(s.tokensBefore, s.tokensAfter)})`;
  const first = s.edits?.[0]?.newText ?? '';
  switch (s.code) {
    case 'number.rightToLeft':
      return `Group digits right to left: ${first}${cost}`;
    case 'identifier.casing':
      return `Use the spelling ${first}${cost}`;
    case 'whitespace.trailing':
      return `Remove trailing white space${cost}`;
    case 'whitespace.blankLines':
      return `Collapse blank lines to two${cost}`;
    case 'whitespace.mixedIndent':
      return first === '' ? `Remove the indentation${cost}` : `Indent consistently: ${shown(first)}${cost}`;
    case 'whitespace.innerRun':
      return `Collapse the run of blanks to one space${cost}`;
    default:
      return `Apply: ${s.code}${cost}`;
  }
}

/** The fix-all's title: how many edits, and the saving the safe suggestions state (per suggestion, exact). */
export function fixAllTitle(edits: number, suggestions: readonly Pick<DynamicSuggestion, 'safe' | 'tokensBefore' | 'tokensAfter'>[]): string {
  const saving = suggestions.filter((s) => s.safe && s.tokensAfter !== undefined).reduce((n, s) => n + s.tokensBefore - s.tokensAfter!, 0);
  return `Fix all safe tokscope suggestions (${edits} edit${edits === 1 ? '' : 's'}${saving > 0 ? `, about −${saving} token${saving === 1 ? '' : 's'}` : ''})`;
}

export const FAMILIES: readonly DynamicSuggestionKind[] = ['number', 'identifier', 'whitespace', 'phrase'];

/** The client's hint switches: booleans or their defaults (all on). */
export interface HintSwitches {
  enabled: boolean;
  families: Record<DynamicSuggestionKind, boolean>;
}

export function hintSwitches(get: (key: string) => unknown): HintSwitches {
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : true);
  const families = {} as Record<DynamicSuggestionKind, boolean>;
  for (const k of FAMILIES) families[k] = bool(get(k));
  const enabled = bool(get('enabled')) && FAMILIES.some((k) => families[k]);
  return { enabled, families };
}

/** Limits of a workspace report. */
export const WORKSPACE_MAX_FILES = 2000;
export const WORKSPACE_MAX_BYTES = 20 * 1024 * 1024;

/** Folders a workspace report never reads: dependencies, dot folders (.git, …) and build outputs, as `tokscope suggest`. */
export const SKIPPED_FOLDERS = ['node_modules', '.*', 'out', 'dist', 'build', 'target', '__pycache__'];

/**
 * The exclude glob for `workspace.findFiles`: the skipped folders and the user's `files.exclude` patterns that are on
 * (an explicit exclude replaces that setting in findFiles, so it is merged here).
 */
export function excludeGlob(filesExclude: unknown): string {
  const user = filesExclude !== null && typeof filesExclude === 'object' ? Object.entries(filesExclude as Record<string, unknown>).filter(([k, v]) => v === true && !/[{}]/.test(k)).map(([k]) => k) : [];
  return `{${[...SKIPPED_FOLDERS.map((f) => `**/${f}/**`), ...user].join(',')}}`;
}

/** Files that look like text by their name: binary formats are not even sent (the server skips any that slip through). */
const BINARY_EXT = /\.(png|jpe?g|gif|bmp|ico|webp|pdf|zip|gz|tgz|bz2|xz|7z|tar|jar|class|exe|dll|so|dylib|o|a|obj|wasm|bin|gguf|safetensors|pt|onnx|woff2?|ttf|otf|mp[34]|mov|avi|webm|sqlite|db|vsix|pyc|lock)$/i;

/**
 * The files a workspace report takes: in order, text-like names only, stopping at `maxFiles` or before the total
 * passes `maxBytes` (a larger file is left out, later smaller ones still fit). Says how many were left out.
 */
export function selectFiles<T extends { path: string; size: number }>(files: readonly T[], maxFiles = WORKSPACE_MAX_FILES, maxBytes = WORKSPACE_MAX_BYTES): { chosen: T[]; bytes: number; leftOut: number } {
  const chosen: T[] = [];
  let bytes = 0;
  let leftOut = 0;
  for (const f of files) {
    if (BINARY_EXT.test(f.path) || chosen.length >= maxFiles || bytes + f.size > maxBytes) {
      leftOut++;
      continue;
    }
    chosen.push(f);
    bytes += f.size;
  }
  return { chosen, bytes, leftOut };
}

const n = (x: number) => x.toLocaleString('en-US');

/** The report as the webview draws it. */
export function dynamicView(result: DynamicReportResult, title: string, tokenizers: readonly string[], leftOut = 0): DynamicView {
  const r = result.report;
  const summary = [
    `${n(result.files)} file${result.files === 1 ? '' : 's'}, ${(result.bytes / 1024).toFixed(1)} KiB, ${n(r.tokensBefore)} ${r.tokenizer} tokens`,
    `${n(r.learned)} merges learned (boundary ${r.boundary}); with all of them ${n(r.final.tokens)} tokens: −${n(r.final.saving)} (${r.final.savingPct.toFixed(2)}%)` +
      (r.final.heldOut ? `, held out −${r.final.heldOut.savingPct.toFixed(2)}%` : ''),
  ];
  if (result.fixAllSaving) summary.push(`The safe fix-all (white space) would save ${n(result.fixAllSaving)} tokens.`);
  const notes = [
    'Counts are exact: the text re-tokenised with the first m merges, never a sum of pair counts. Vocabulary cost: the new entries, their bytes, and the base tokens that spell each once.',
    r.heldOut ? `Held out: merges fitted on ${n(r.heldOut.trainTokens)} tokens (${result.scope === 'document' ? 'the first 80% of the lines' : 'the first 80% of the files'}), measured on the other ${n(r.heldOut.tokensBefore)}.` : 'No held-out figures: the batch could not be split.',
  ];
  if (result.skipped.length) notes.push(`${result.skipped.length} file${result.skipped.length === 1 ? '' : 's'} skipped (${[...new Set(result.skipped.map((s) => s.reason.replace(/^.*: /, '')))].slice(0, 3).join('; ')}).`);
  if (leftOut) notes.push(`${n(leftOut)} file${leftOut === 1 ? '' : 's'} left out (binary by name, or over ${WORKSPACE_MAX_FILES} files / ${WORKSPACE_MAX_BYTES / 2 ** 20} MiB).`);
  const names = tokenizers.includes(r.tokenizer) ? [...tokenizers] : [r.tokenizer, ...tokenizers];
  return {
    title,
    scope: result.scope,
    tokenizer: r.tokenizer,
    boundary: r.boundary as Boundary,
    tokenizers: names,
    summary,
    steps: r.steps.map((s) => ({
      merges: s.merges,
      learned: s.learned,
      tokens: s.tokens,
      saving: s.saving,
      savingPct: s.savingPct,
      newEntries: s.newEntries,
      newBytes: s.newBytes,
      definitionTokens: s.definitionTokens,
      netSaving: s.netSaving,
      heldOutPct: s.heldOut ? s.heldOut.savingPct : null,
    })),
    curve: r.curve.map((p) => ({ ...p })),
    heldOutBefore: r.heldOut?.tokensBefore ?? null,
    top: r.top.map((m) => ({ rank: m.rank, text: m.text, left: m.left, right: m.right, frequency: m.frequency, baseTokens: m.baseTokens })),
    suggestionCounts: Object.entries(result.suggestionCounts ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    notes,
    canExport: result.export !== undefined && r.learned > 0,
  };
}
