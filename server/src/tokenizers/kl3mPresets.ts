/**
 * The KL3M tokenizers known by name. Each lives as `<folder>/<name>/tokenizer.json` (with `tokenizer_config.json`
 * beside it when the repository has one), the layout of its public repository huggingface.co/alea-institute/<name>.
 * No Node imports beyond fs/path: the client uses this too (its download command).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const KL3M_PRESETS = [
  'kl3m-001-32k',
  'kl3m-003-64k',
  'kl3m-004-char-4k-cased',
  'kl3m-004-char-8k-cased',
  'kl3m-004-char-16k-cased',
  'kl3m-005-multi-word-example-32k',
] as const;

export type Kl3mPreset = (typeof KL3M_PRESETS)[number];

export function isKl3mPreset(name: unknown): name is Kl3mPreset {
  return typeof name === 'string' && (KL3M_PRESETS as readonly string[]).includes(name);
}

/**
 * The first folder's `<name>/tokenizer.json` that exists, or undefined. Looked up on every call and never cached, so a
 * tokenizer downloaded while the server runs is found without a restart.
 */
export function findKl3m(name: string, folders: readonly string[]): string | undefined {
  for (const dir of folders) {
    const p = join(dir, name, 'tokenizer.json');
    if (existsSync(p)) return p;
  }
  return undefined;
}
