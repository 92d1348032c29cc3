// Builds everything with esbuild: the CLI and language server bundles, the precompiled vocabulary tables, and the tests.
// `node scripts/build.mjs [--production]`. Type checking is separate (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildVocabTables } from './vocabTables.mjs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // web-tree-sitter's ESM build finds itself through import.meta.url, which a CommonJS bundle does not have.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

function testEntries(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testEntries(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The tree-sitter runtime and grammars (WASM) that the Tokompiler loads at run time, and the packaged extension ships. */
function copyGrammars(dir) {
  mkdirSync(dir, { recursive: true });
  const files = [['web-tree-sitter', 'tree-sitter.wasm'], ['tree-sitter-c', 'tree-sitter-c.wasm'], ['tree-sitter-cpp', 'tree-sitter-cpp.wasm'],
    ['tree-sitter-python', 'tree-sitter-python.wasm'], ['tree-sitter-javascript', 'tree-sitter-javascript.wasm'],
    ['tree-sitter-typescript', 'tree-sitter-typescript.wasm'], ['tree-sitter-typescript', 'tree-sitter-tsx.wasm'],
    ['tree-sitter-go', 'tree-sitter-go.wasm'], ['tree-sitter-rust', 'tree-sitter-rust.wasm'], ['tree-sitter-java', 'tree-sitter-java.wasm']];
  for (const [pkg, file] of files) {
    const from = join('node_modules', pkg, file);
    if (existsSync(from)) copyFileSync(from, join(dir, file));
  }
}

await buildVocabTables('dist/vocab');
copyGrammars('dist/grammars');
await Promise.all([
  // The CLI is minified (not its names, for readable stack traces): less to parse on every cold start.
  esbuild.build({
    ...common,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    minifyWhitespace: true,
    minifySyntax: true,
  }),
  // The language server: a tiny entry that starts it, so that server.ts stays importable (the CLI's `lsp` command).
  esbuild.build({
    ...common,
    stdin: { contents: "import { startServer } from './server/src/server';\nstartServer();\n", resolveDir: '.', loader: 'ts', sourcefile: 'serverMain.ts' },
    outfile: 'dist/server.js',
  }),
  // The VS Code client: `vscode` is provided by the extension host.
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  // The compare panel's webview script runs in the browser sandbox.
  esbuild.build({ ...common, platform: 'browser', format: 'iife', entryPoints: ['media/compare.ts'], outfile: 'dist/webview.js' }),
  esbuild.build({
    ...common,
    entryPoints: testEntries('test').filter((p) => !p.includes('fixtures')),
    outdir: 'out/test',
    outbase: 'test',
    packages: 'external',
  }),
]);
