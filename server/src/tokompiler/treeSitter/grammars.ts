/**
 * tree-sitter through its WASM build (no native addon): the runtime and each language's grammar load lazily, once,
 * from `dist/grammars/` (copied there by the build, and what the packaged extension ships) or from the grammar's npm
 * package in a development checkout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { packageFile, projectRoot } from '../../tokenizers/paths';

/** The languages with a tree-sitter grammar, and where each grammar's WASM comes from. */
export const GRAMMARS = {
  c: { pkg: 'tree-sitter-c', file: 'tree-sitter-c.wasm' },
  cpp: { pkg: 'tree-sitter-cpp', file: 'tree-sitter-cpp.wasm' },
  python: { pkg: 'tree-sitter-python', file: 'tree-sitter-python.wasm' },
  javascript: { pkg: 'tree-sitter-javascript', file: 'tree-sitter-javascript.wasm' },
  typescript: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-typescript.wasm' },
  tsx: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-tsx.wasm' },
  go: { pkg: 'tree-sitter-go', file: 'tree-sitter-go.wasm' },
  rust: { pkg: 'tree-sitter-rust', file: 'tree-sitter-rust.wasm' },
  java: { pkg: 'tree-sitter-java', file: 'tree-sitter-java.wasm' },
} as const;
export type TreeSitterLanguage = keyof typeof GRAMMARS;

/** The runtime's own WASM and the grammars, as the build lays them out. */
export const RUNTIME = { pkg: 'web-tree-sitter', file: 'tree-sitter.wasm' };

export function wasmPath(pkg: string, file: string): string {
  const built = join(projectRoot(), 'dist', 'grammars', file);
  if (existsSync(built)) return built;
  const installed = packageFile(pkg, file);
  if (!installed) throw new Error(`the tree-sitter file ${file} is missing: run npm run build (or npm install)`);
  return installed;
}

let runtime: Promise<void> | undefined;
const languages = new Map<TreeSitterLanguage, Promise<Language>>();

export function loadLanguage(lang: TreeSitterLanguage): Promise<Language> {
  let loading = languages.get(lang);
  if (!loading) {
    runtime ??= Parser.init({ locateFile: () => wasmPath(RUNTIME.pkg, RUNTIME.file) });
    const { pkg, file } = GRAMMARS[lang];
    loading = runtime.then(() => Language.load(wasmPath(pkg, file)));
    // A failed load is not cached: the next request tries again (and reports again).
    loading.catch(() => languages.delete(lang));
    languages.set(lang, loading);
  }
  return loading;
}

export async function createParser(lang: TreeSitterLanguage): Promise<Parser> {
  const language = await loadLanguage(lang);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
