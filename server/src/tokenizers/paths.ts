import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let root: string | undefined;

/** The project root (the folder whose package.json is named "tokscope"), found upwards from this bundle. */
export function projectRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'tokscope') return (root = dir);
      } catch {
        // not ours; keep looking
      }
    }
    if (dirname(dir) === dir) return (root = resolve(__dirname, '..'));
  }
}

/** `../shared/data` beside the checkout, where tests and benchmarks find third-party data, or undefined. */
export function sharedDataDir(): string | undefined {
  const dir = process.env.TOKSCOPE_SHARED_DATA ?? join(projectRoot(), '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}

/** A file inside an installed npm package, or undefined when the package is not installed. */
export function packageFile(pkg: string, file: string): string | undefined {
  // Packages with an "exports" map hide package.json from require.resolve, so look in node_modules folders directly.
  for (let dir = projectRoot(); ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', pkg, file);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return undefined;
  }
}
