// Packs tokscope.vsix exactly as `npm run package` does (the same two commands, read from package.json), but in a
// staging copy of the checkout, so that the development build in dist/ — which the other integration tests and a
// running `npm start` use — is left alone. The sources are linked, not copied; only the files the package holds are
// real copies by the time vsce runs. `node scripts/packageVsix.mjs [OUT.vsix]`; the integration tests import it.
import { exec } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(new URL('..', import.meta.url).pathname);
const run = promisify(exec);

/** What the build writes or the staging copy replaces: never linked into it. */
const NOT_LINKED = new Set(['.git', 'dist', 'out', 'media']);

/** Packs the extension into `out` (default: a fresh temporary folder); resolves with the .vsix path. */
export async function packageVsix(out) {
  const stage = mkdtempSync(join(tmpdir(), 'tokscope-vsix-'));
  const linked = [];
  try {
    for (const name of readdirSync(root)) {
      if (NOT_LINKED.has(name) || name.endsWith('.vsix')) continue;
      const from = join(root, name);
      // Top-level files are copied (vsce reads package.json, README.md, LICENSE, .vscodeignore); folders are linked.
      if (statSync(from).isDirectory()) {
        symlinkSync(from, join(stage, name));
        linked.push(join(stage, name));
      } else copyFileSync(from, join(stage, name));
    }
    cpSync(join(root, 'media'), join(stage, 'media'), { recursive: true });
    // The vocabulary tables take a while to compile: start from the ones built already (the build checks their stamp).
    if (existsSync(join(root, 'dist', 'vocab'))) cpSync(join(root, 'dist', 'vocab'), join(stage, 'dist', 'vocab'), { recursive: true });
    else mkdirSync(join(stage, 'dist'));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const [build, pack] = pkg.scripts.package.split(' && ');
    if (!build || !pack || !/^vsce /.test(pack)) throw new Error(`unexpected "package" script: ${pkg.scripts.package}`);
    const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` };
    await run(build, { cwd: stage, env });
    // vsce must not wander into the linked sources and node_modules.
    for (const l of linked) unlinkSync(l);
    linked.length = 0;
    await run(pack, { cwd: stage, env });
    const vsix = join(stage, pack.match(/--out (\S+)/)?.[1] ?? `${pkg.name}-${pkg.version}.vsix`);
    const dest = out ?? join(mkdtempSync(join(tmpdir(), 'tokscope-pkg-')), basename(vsix));
    copyFileSync(vsix, dest);
    return dest;
  } finally {
    for (const l of linked) unlinkSync(l);
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  packageVsix(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (p) => console.log(`${p} (${((Date.now() - started) / 1000).toFixed(1)} s)`),
    (e) => {
      console.error(`packageVsix: ${e.stderr || e.message}`);
      process.exit(1);
    },
  );
}
