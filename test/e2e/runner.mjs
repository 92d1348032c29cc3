// Runs test/e2e/suite.ts (built to out/test/e2e/suite.js) inside the extension host of a real VS Code: code-server
// from scripts/codeServer.mjs, driven headless by Debian's Chromium through playwright-core, with the extension
// loaded for development through the workbench URL's payload (see ../shared/docs/vscode-testing.md).
// Exit code: 0 when every test passed, 1 otherwise (or when anything in the setup failed).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startCodeServer } from '../../scripts/codeServer.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const suite = join(root, 'out', 'test', 'e2e', 'suite');
const TIMEOUT_MS = 180_000;

/** A workspace whose settings try to point tokscope at files, opened untrusted. */
function untrustedWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-untrusted-'));
  mkdirSync(join(dir, '.vscode'));
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'tokscope.activeTokenizer': 'hf:/nonexistent/tokenizer.json', 'tokscope.kl3mDir': '/nonexistent' }));
  copyFileSync(join(root, 'samples', 'budget.ts'), join(dir, 'budget.ts'));
  return dir;
}

/** One VS Code session: the suite runs inside it; resolves with its exit code. */
async function session(workspace, trusted) {
  const cs = await startCodeServer({ workspace, trusted });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const result = new Promise((done) => {
      void page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...(Array.isArray(args) ? args : [args])));
      void page.exposeFunction('codeAutomationExit', (code) => done(code));
    });
    const host = new URL(cs.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${host}${root}`],
      ['extensionTestsPath', `vscode-remote://${host}${suite}`],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error(`integration tests timed out after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS));
    return await Promise.race([result, timeout]);
  } finally {
    await browser.close();
    cs.stop();
  }
}

async function main() {
  if (!existsSync(join(root, 'dist', 'client.js')) || !existsSync(`${suite}.js`)) throw new Error('build first: npm run build');
  if (!existsSync('/usr/bin/chromium') && !process.env.CI) {
    // A developer machine without the Debian packages: say what is missing instead of failing the whole suite.
    console.log('e2e: skipped — /usr/bin/chromium is missing (apt-get install chromium ripgrep libkrb5-dev g++ make); CI installs them');
    return 0;
  }
  console.log('e2e: trusted workspace (samples/)');
  const trusted = await session(join(root, 'samples'), true);
  console.log('e2e: untrusted workspace');
  const untrusted = await session(untrustedWorkspace(), false);
  return trusted === 0 && untrusted === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code === 0 ? 0 : 1),
  (e) => {
    console.error(`e2e: ${e.message}`);
    process.exit(1);
  },
);
