/**
 * The per-file work of a workspace analysis, the same in a worker thread and in the calling thread: read the file
 * (binary files refused), base-encode and segment it into the training or the held-out bag, and optionally run the
 * per-document suggestions for a summary.
 */
import { readFileSync } from 'node:fs';
import { getTokenizer, type RegistryOptions } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import { SegmentBag } from './bag';
import { applyEdits, languageOfPath } from './context';
import { type BoundaryMode, segmentText } from './segments';
import { fixAllEdits, suggestDocument } from './suggest';

export interface FileJob {
  index: number;
  path: string;
  /** The text when the caller has it (an open editor buffer); otherwise read from `path`. */
  text?: string;
  role: 'train' | 'heldOut';
}

export interface FileSummary {
  path: string;
  bytes: number;
  tokens: number;
  /** Why the file was skipped (binary, unreadable). */
  skipped?: string;
  /** Suggestions per code (e.g. `whitespace.trailing`: 12). */
  suggestions?: Record<string, number>;
  /** Tokens the safe fix-all would save in this file (exact, whole-file recount). */
  fixAllSaving?: number;
}

export interface WorkSettings {
  tokenizer: string;
  boundary: BoundaryMode;
  registry?: RegistryOptions;
  /** Run the per-document suggestions for each file's summary. */
  suggestions: boolean;
}

export class FileWorker {
  readonly tok: Tokenizer;
  readonly train = new SegmentBag();
  readonly heldOut = new SegmentBag();

  constructor(private readonly settings: WorkSettings) {
    this.tok = getTokenizer(settings.tokenizer, settings.registry);
  }

  run(job: FileJob): FileSummary {
    let text: string;
    try {
      text = job.text ?? readText(job.path);
    } catch (e) {
      return { path: job.path, bytes: 0, tokens: 0, skipped: e instanceof Error ? e.message : String(e) };
    }
    const seg = segmentText(this.tok, this.settings.boundary, text);
    (job.role === 'train' ? this.train : this.heldOut).addSegmented(seg);
    const summary: FileSummary = { path: job.path, bytes: Buffer.byteLength(text), tokens: seg.ids.length };
    if (this.settings.suggestions) {
      const res = suggestDocument(text, { tokenizer: this.tok, languageId: languageOfPath(job.path), families: { phrase: false } });
      const counts: Record<string, number> = {};
      for (const s of res.suggestions) counts[s.code] = (counts[s.code] ?? 0) + 1;
      summary.suggestions = counts;
      const edits = fixAllEdits(res.suggestions);
      if (edits.length) {
        summary.fixAllSaving = seg.ids.length - this.tok.count(applyEdits(text, edits));
      } else summary.fixAllSaving = 0;
    }
    return summary;
  }
}

/** A file's text; binary files (NUL bytes and mostly control characters in the first 8 KB) are refused. */
export function readText(path: string): string {
  const buf = readFileSync(path);
  refuseBinary(path, buf.subarray(0, 8192));
  return buf.toString('utf8');
}

/** Throws for a binary file, judged by its first 8 KB. */
export function refuseBinary(path: string, head: Uint8Array): void {
  if (head.includes(0)) {
    const s = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
    let odd = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) odd++;
    }
    if (odd * 10 > s.length) throw new Error(`${path}: looks like a binary file (NUL bytes); not analysed`);
  }
}
