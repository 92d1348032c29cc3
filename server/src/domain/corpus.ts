/**
 * The legal corpus (`../shared/data/legal`, 16 public-domain US documents) and its fixed split. Held out for
 * evaluation, never trained on: two whole documents (a statute compilation and a public law), and the last fifth of
 * the lines of the two documents that are the only ones of their kind (the CFR volume and the Federal Register issue).
 * Everything else is training text. The split is by name and line count, so it is the same on every machine.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HELD_OUT_FILES = ['COMPS-1649.txt', '113publ67-uslm.txt'];
export const TAIL_HELD_OUT_FILES = ['CFR-2018-title27-vol3-uslm.txt', 'FR-2018-05-10-uslm.txt'];
/** The share of a tail-split file's lines held out (its last lines). */
export const TAIL_SHARE = 0.2;

export interface CorpusFile {
  name: string;
  sha256: string;
  /** Training text and held-out text of this file (either may be ''). */
  train: string;
  heldOut: string;
}

export function readLegalCorpus(dir: string): CorpusFile[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.txt')).sort();
  if (names.length === 0) throw new Error(`${dir}: no .txt files to train on`);
  return names.map((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    const sha256 = createHash('sha256').update(text).digest('hex');
    if (HELD_OUT_FILES.includes(name)) return { name, sha256, train: '', heldOut: text };
    if (TAIL_HELD_OUT_FILES.includes(name)) {
      const lines = text.split('\n');
      const cut = Math.floor(lines.length * (1 - TAIL_SHARE));
      return { name, sha256, train: lines.slice(0, cut).join('\n') + '\n', heldOut: lines.slice(cut).join('\n') };
    }
    return { name, sha256, train: text, heldOut: '' };
  });
}

export function trainingText(files: CorpusFile[]): string[] {
  return files.map((f) => f.train).filter(Boolean);
}

export function heldOutText(files: CorpusFile[]): string[] {
  return files.map((f) => f.heldOut).filter(Boolean);
}
