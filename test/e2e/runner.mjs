// Runs test/e2e/suite.ts (built to out/test/e2e/suite.js) inside the extension host of a real VS Code: code-server
// from scripts/codeServer.mjs, driven headless by Debian's Chromium through playwright-core, with the extension
// loaded for development through the workbench URL's payload (see ../shared/docs/vscode-testing.md). A last session
// installs the packaged .vsix instead and checks from the page that it activates.
// Exit code: 0 when every test passed, 1 otherwise (or when anything in the setup failed).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startCodeServer } from '../../scripts/codeServer.mjs';
import { packageVsix } from '../../scripts/packageVsix.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const suite = join(root, 'out', 'test', 'e2e', 'suite');
const TIMEOUT_MS = 180_000;

/** A workspace whose settings try to point tokscope at files, opened untrusted. */
function untrustedWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'tokscope-untrusted-'));
  mkdirSync(join(dir, '.vscode'));
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({
    'tokscope.activeTokenizer': 'hf:/nonexistent/tokenizer.json',
    'tokscope.kl3mDir': '/nonexistent',
    'tokscope.fim.enabled': true,
    'tokscope.fim.backend': 'inProcess',
    'tokscope.fim.modelPath': '/nonexistent/model.gguf',
    'tokscope.fim.endpoint': 'http://10.9.9.9:8080',
  }));
  copyFileSync(join(root, 'samples', 'budget.ts'), join(dir, 'budget.ts'));
  return dir;
}

const launchBrowser = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

/** One VS Code session: the suite runs inside it; resolves with its exit code. */
async function session(workspace, trusted) {
  const cs = await startCodeServer({ workspace, trusted });
  const browser = await launchBrowser();
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

/**
 * The packaged extension: `vsix` installed with `--install-extension` into a fresh extensions folder, samples/ opened
 * with no development payload, and the page must show tokscope's status bar item with a count once a file is open.
 * Resolves with 0 or throws saying what was missing.
 */
async function vsixSession(vsix) {
  const samples = join(root, 'samples');
  const cs = await startCodeServer({ workspace: samples, install: [vsix] });
  const browser = await launchBrowser();
  try {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const installed = readdirSync(cs.extensionsDir);
    if (!installed.includes(`tokscope.tokscope-${version}`)) throw new Error(`the .vsix did not install: ${cs.extensionsDir} holds ${installed.join(', ') || 'nothing'}`);
    const page = await browser.newPage();
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(samples)}`);
    const deadline = { timeout: 60_000 };
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', deadline);
    // A plain-text file: a TypeScript one would start tsserver, which takes the CPU for seconds.
    await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="services-agreement-excerpt.txt"]').first().click();
    // The installed copy's status bar item: `N / 128k o200k_base`, drawn only once its server answered.
    const item = page.locator('.statusbar-item', { hasText: 'o200k_base' }).first();
    await item.waitFor(deadline);
    await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')].some((e) => /\d[\d,]* \/ 128k o200k_base/.test(e.textContent ?? '')), null, deadline);
    console.log(`ok - the installed .vsix activates: status bar "${(await item.textContent())?.trim()}"`);
    return 0;
  } finally {
    await browser.close();
    cs.stop();
  }
}

/** The .vsix to test: TOKSCOPE_VSIX if set (a release artifact), else one packed now from the checkout. */
async function vsixUnderTest() {
  if (process.env.TOKSCOPE_VSIX) return resolve(process.env.TOKSCOPE_VSIX);
  const started = Date.now();
  const vsix = await packageVsix();
  console.log(`e2e: packed ${vsix} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return vsix;
}

async function main() {
  if (!existsSync(join(root, 'dist', 'client.js')) || !existsSync(`${suite}.js`)) throw new Error('build first: npm run build');
  if (!existsSync('/usr/bin/chromium') && !process.env.CI) {
    // A developer machine without the Debian packages: say what is missing instead of failing the whole suite.
    console.log('e2e: skipped — /usr/bin/chromium is missing (apt-get install chromium ripgrep libkrb5-dev g++ make); CI installs them');
    return 0;
  }
  // Packing (a few seconds of CPU) overlaps the first session's start-up; its failure is reported by the last lane.
  const vsix = process.env.TOKSCOPE_E2E_ONLY ? Promise.reject(new Error('not packed')) : vsixUnderTest();
  vsix.catch(() => {});
  console.log('e2e: trusted workspace (samples/)');
  const trusted = await session(join(root, 'samples'), true);
  // TOKSCOPE_E2E_ONLY=<part of a test name>: that test alone, in the trusted session (for working on one test).
  if (process.env.TOKSCOPE_E2E_ONLY) return trusted;
  console.log('e2e: untrusted workspace');
  const untrusted = await session(untrustedWorkspace(), false);
  console.log('e2e: the packaged extension, installed');
  const started = Date.now();
  const packaged = await vsix.then(vsixSession).then(
    (code) => code,
    (e) => {
      console.log(`not ok - the installed .vsix activates\n  ${e.stderr || e.message}`);
      return 1;
    },
  );
  // A package packed here lives in a temporary folder of its own (about 37 MB): remove it.
  if (!process.env.TOKSCOPE_VSIX) await vsix.then((p) => rmSync(dirname(p), { recursive: true, force: true }), () => {});
  console.log(`e2e: .vsix session ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return trusted === 0 && untrusted === 0 && packaged === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code === 0 ? 0 : 1),
  (e) => {
    console.error(`e2e: ${e.message}`);
    process.exit(1);
  },
);
