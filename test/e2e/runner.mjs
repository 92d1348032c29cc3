// Runs test/e2e/suite.ts (built to out/test/e2e/suite.js) inside the extension host of a real VS Code: code-server
// from scripts/codeServer.mjs, driven headless by Debian's Chromium through playwright-core, with the extension
// loaded for development through the workbench URL's payload (see ../shared/docs/vscode-testing.md).
// Exit code: 0 when every test passed, 1 otherwise (or when anything in the setup failed).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startCodeServer } from '../../scripts/codeServer.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const suite = join(root, 'out', 'test', 'e2e', 'suite');
const TIMEOUT_MS = 180_000;

async function main() {
  if (!existsSync(join(root, 'dist', 'client.js')) || !existsSync(`${suite}.js`)) throw new Error('build first: npm run build');
  if (!existsSync('/usr/bin/chromium') && !process.env.CI) {
    // A developer machine without the Debian packages: say what is missing instead of failing the whole suite.
    console.log('e2e: skipped — /usr/bin/chromium is missing (apt-get install chromium ripgrep libkrb5-dev g++ make); CI installs them');
    return 0;
  }
  const cs = await startCodeServer({ workspace: join(root, 'samples') });
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
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(join(root, 'samples'))}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error(`integration tests timed out after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS));
    return await Promise.race([result, timeout]);
  } finally {
    await browser.close();
    cs.stop();
  }
}

main().then(
  (code) => process.exit(code === 0 ? 0 : 1),
  (e) => {
    console.error(`e2e: ${e.message}`);
    process.exit(1);
  },
);
