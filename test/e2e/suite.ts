/**
 * Integration tests that run inside the extension host of a real VS Code (code-server), started by
 * test/e2e/runner.mjs. VS Code calls `run()`; a rejected promise fails the run. No fixed sleeps: every wait polls a
 * condition with a deadline.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false && v !== '') return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tests: Array<[string, () => Promise<void>]> = [];
const untrustedTests: Array<[string, () => Promise<void>]> = [];
const test = (name: string, fn: () => Promise<void>) => tests.push([name, fn]);
/** Runs instead of the others when the runner opens a workspace it did not trust (test/e2e/runner.mjs). */
const untrustedTest = (name: string, fn: () => Promise<void>) => untrustedTests.push([name, fn]);

untrustedTest('untrusted: workspace settings cannot point tokscope at files; counting still works', async () => {
  assert.equal(vscode.workspace.isTrusted, false);
  const ext = vscode.extensions.getExtension('tokscope.tokscope')!;
  const untrustedApi: { statusBar: () => string } = await ext.activate();
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  // The folder's .vscode/settings.json names hf:/… as the active tokenizer and a kl3mDir: both must be ignored.
  const doc = await vscode.workspace.openTextDocument(path.join(folder, 'budget.ts'));
  await vscode.window.showTextDocument(doc);
  const text = await until('a status bar count', () => untrustedApi.statusBar());
  assert.match(text, /\d[\d,]* \/ 128k o200k_base/);
  assert.doesNotMatch(text, /hf:/);
});

let api: { statusBar: () => string; compareRendered: () => number };
let samples: string;

test('the extension activates and starts its language server', async () => {
  const ext = vscode.extensions.getExtension('tokscope.tokscope');
  assert.ok(ext, 'the extension is installed');
  api = await ext.activate();
  samples = path.join(ext.extensionPath, 'samples');
});

test('the status bar shows the document count against the context window', async () => {
  const doc = await vscode.workspace.openTextDocument(path.join(samples, 'budget.ts'));
  await vscode.window.showTextDocument(doc);
  const text = await until('a status bar count', () => api.statusBar());
  assert.match(text, /\d[\d,]* \/ 128k o200k_base/);
});

test('hover describes the token under the cursor', async () => {
  const doc = vscode.window.activeTextEditor!.document;
  const pos = doc.positionAt(doc.getText().indexOf('batchByBudget') + 3);
  const hovers = await until('a hover', async () => {
    const h = (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos)) as vscode.Hover[];
    return h.length ? h : undefined;
  });
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /o200k_base/);
  assert.match(text, /\bid\b|token/i);
});

test('the compare panel renders a row per enabled tokenizer (webview message round trip)', async () => {
  await vscode.commands.executeCommand('tokscope.compare');
  const rows = await until('the compare panel to render', () => api.compareRendered() || undefined);
  assert.equal(rows, 3, 'o200k_base, cl100k_base and llama3 by default');
});

test('split by budget: chunks of at most N tokens that add up to the document', async () => {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(samples, 'tokens.py')));
  const counts = (await vscode.commands.executeCommand('tokscope.splitSelectionByBudget', 40)) as number[];
  assert.ok(counts.length > 1, `several chunks: ${counts}`);
  assert.ok(counts.every((n) => n > 0 && n <= 40), `each within the budget: ${counts}`);
  await vscode.window.showTextDocument(editor.document);
  await until('the status bar for tokens.py', () => api.statusBar().includes(` ${counts.reduce((a, b) => a + b, 0).toLocaleString('en-US')} / `) || undefined);
});

test('the overlay commands run', async () => {
  for (const c of ['tokscope.toggleBoundaries', 'tokscope.toggleHeat', 'tokscope.toggleOverlays', 'tokscope.toggleOverlays']) {
    await vscode.commands.executeCommand(c);
  }
});

export async function run(): Promise<void> {
  const failures: string[] = [];
  const suite = vscode.workspace.isTrusted ? tests : untrustedTests;
  for (const [name, fn] of suite) {
    try {
      await fn();
      console.log(`ok - ${name}`);
    } catch (e) {
      failures.push(name);
      console.log(`not ok - ${name}\n  ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`${suite.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} integration test(s) failed`);
}
