// Compiles the built-in vocabularies into dist/vocab/*.bin (see scripts/compileVocab.ts), skipping the work when
// neither the compiler's sources nor the vocabulary packages changed since the last build.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

export async function buildVocabTables(outDir) {
  const inputs = [...filesUnder('server/src/tokenizers'), 'scripts/compileVocab.ts', 'package-lock.json'].sort();
  const hash = createHash('sha256');
  for (const f of inputs) hash.update(f).update(readFileSync(f));
  const stamp = hash.digest('hex');
  const stampFile = join(outDir, 'stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  await esbuild.build({
    entryPoints: ['scripts/compileVocab.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: 'out/compileVocab.js',
    logLevel: 'warning',
  });
  execFileSync(process.execPath, ['out/compileVocab.js', outDir], { stdio: 'inherit' });
  writeFileSync(stampFile, stamp);
}
