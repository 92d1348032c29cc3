// `npm run screenshots`: PNGs of the real run for the README (docs/screenshots/): the status bar and line counts,
// token boundaries, the heat map, a hover, the compare panel, the Tokompiler view, the domain savings report, a FIM
// completion with its status (the test suite's tiny random-weight GGUF in process: the completion's text is noise, the
// picture is of how the editor shows it) and the dynamic tokenization report. code-server + headless Chromium, as in the integration tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startCodeServer } from './codeServer.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const samples = join(root, 'samples');
const out = join(root, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const model = join(mkdtempSync(join(tmpdir(), 'tokscope-shots-')), 'tiny.gguf');
execFileSync(process.execPath, [join(root, 'out', 'test', 'tools', 'writeTinyGguf.js'), model]);
// Word suggestions off: their list would cover the inline completion in the FIM picture.
const fim = { 'files.autoSave': 'off', 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' }, 'editor.wordBasedSuggestions': 'off', 'tokscope.fim.enabled': true, 'tokscope.fim.backend': 'inProcess', 'tokscope.fim.modelPath': model, 'tokscope.fim.threads': 1, 'tokscope.fim.maxLength': 40 };
const cs = await startCodeServer({ workspace: samples, settings: fim });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  const host = new URL(cs.url).host;
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${host}${root}`], ['skipWelcome', 'true']]);
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(samples)}&payload=${encodeURIComponent(payload)}`);
  await page.waitForSelector('.explorer-folders-view', { timeout: 60000 });
  const open = async (name) => {
    await page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first().click();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30000 });
  };
  const command = async (title) => {
    await page.keyboard.press('F1');
    await page.keyboard.type(`>${title}`);
    await page.waitForTimeout(400);
    await page.keyboard.press('Enter');
  };
  const statusReady = () => page.waitForFunction(() => /\d \/ 128k/.test(document.querySelector('#tokscope\\.count')?.textContent ?? document.body.innerText), null, { timeout: 60000 });
  await open('budget.ts');
  await statusReady();
  await page.waitForTimeout(1500); // let the debounced overlays land before the picture
  await page.screenshot({ path: join(out, 'counts.png') });
  await command('tokscope: Toggle Token Boundaries');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(out, 'boundaries.png') });
  await command('tokscope: Toggle Token Heat Map');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(out, 'heat.png') });
  await command('tokscope: Toggle Token Heat Map'); // back to counts
  await open('services-agreement-excerpt.txt');
  await page.waitForTimeout(1500);
  const word = page.locator('.view-line span', { hasText: 'indemnification' }).first();
  await word.hover();
  await page.waitForSelector('.monaco-hover:not(.hidden) .monaco-hover-content', { timeout: 20000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(out, 'hover.png') });
  await page.mouse.move(10, 700);
  await open('quarterly-note.md');
  await page.keyboard.press('Escape');
  await command('tokscope: Compare Tokenizers');
  await page.waitForTimeout(3000); // the webview renders inside its own frames
  await page.screenshot({ path: join(out, 'compare.png') });
  await page.keyboard.press('Escape');
  await open('saxpy_omp.c');
  await statusReady();
  await command('tokscope: Show Tokompiler View');
  await page.waitForSelector('.tab[aria-label*="tokompiler"], .tab[title*="tokompiler"]', { timeout: 30000 }).catch(() => undefined);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: join(out, 'tokompiler.png') });
  await open('services-agreement-excerpt.txt');
  await statusReady();
  await command('tokscope: Domain Savings Report');
  await page.waitForTimeout(6000); // the first report loads the domain and KL3M tokenizers
  await page.screenshot({ path: join(out, 'report.png') });
  await page.keyboard.press('Escape');
  await command('View: Close All Editors');
  await page.waitForTimeout(800);
  await open('tokens.py');
  await statusReady();
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n\ndef summa', { delay: 40 });
  await page.waitForSelector('.ghost-text-decoration, .ghost-text', { timeout: 30000 }).catch(() => undefined);
  await page.locator('.statusbar-item', { hasText: 'FIM' }).first().hover();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(out, 'fim.png') });
  await command('File: Revert File'); // the sample stays as it is in the repository
  await page.waitForTimeout(800);
  await command('View: Close All Editors');
  await open('dynamic-sample.md');
  await statusReady();
  await page.waitForTimeout(2500); // the hints come 500 ms after the document settles
  await command('tokscope: Dynamic Tokenization Report');
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter'); // the first choice: this document
  await page.waitForTimeout(6000);
  await page.screenshot({ path: join(out, 'dynamic.png') });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  cs.stop();
}
