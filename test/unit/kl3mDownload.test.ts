/**
 * The KL3M downloader against a local HTTP server on 127.0.0.1 standing in for huggingface.co: a download in place
 * with progress, and every refusal (too large, cut short, 404, not BPE, offline, cancelled) leaving no file behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type DownloadOptions, type DownloadProgress, downloadKl3m, Kl3mDownloadError, kl3mFolder, kl3mUrl, MAX_DOWNLOAD_BYTES } from '../../client/src/kl3mDownload';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { readShared, SKIP_NO_SHARED } from './support';
import { TINY_BPE } from './tinyBpe';

const REAL = 'kl3m-004-char-4k-cased';
const realJson = readShared(`kl3m/${REAL}/tokenizer.json`);
const CONFIG = JSON.stringify({ bos_token: '<|start|>', add_bos_token: false });

/** What the fake Hugging Face answers for `/<repo>/resolve/main/<file>`. */
const ROUTES: Record<string, (file: string, res: ServerResponse) => void> = {
  tiny: (file, res) => send(res, file === 'tokenizer.json' ? TINY_BPE : CONFIG),
  'no-config': (file, res) => (file === 'tokenizer.json' ? send(res, TINY_BPE) : send(res, 'Entry not found', 404)),
  [REAL]: (file, res) => (file === 'tokenizer.json' && realJson ? send(res, realJson) : send(res, 'Entry not found', 404)),
  missing: (_file, res) => send(res, 'Repository not found', 404),
  wordpiece: (_file, res) => send(res, JSON.stringify({ model: { type: 'WordPiece', vocab: { a: 0 } } })),
  html: (_file, res) => send(res, '<!doctype html><title>Sign in</title>'),
  // Announces more than the limit, sends a byte and keeps the connection open.
  huge: (_file, res) => {
    res.writeHead(200, { 'content-length': String(MAX_DOWNLOAD_BYTES + 1) });
    res.write('{');
  },
  // No Content-Length: the size is only known as it arrives.
  endless: (_file, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"model": {"type": "BPE", "vocab": {"' + 'a'.repeat(5000));
    res.end('": 0}}}');
  },
  // Promises the whole file, sends half of it, and drops the connection.
  truncated: (_file, res) => {
    const body = Buffer.from(TINY_BPE);
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, body.length >> 1), () => res.destroy());
  },
  // Sends a little and then nothing: for cancellation and the idle timer.
  slow: (_file, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write('{"model": ');
  },
  silent: () => undefined,
};

function send(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

let server: Server;
let baseUrl: string;
const requests: string[] = [];

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '');
    const m = /^\/([^/]+)\/resolve\/main\/([^/]+)$/.exec(req.url ?? '');
    const route = m ? ROUTES[decodeURIComponent(m[1])] : undefined;
    if (!route) return send(res, 'not found', 404);
    route(m![2], res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const storage = () => mkdtempSync(join(tmpdir(), 'tokscope-dl-'));

/** Runs a download expected to fail; checks its kind and that nothing was left in the download folder. */
async function refused(name: string, kind: string, message: RegExp, options: Partial<DownloadOptions> = {}): Promise<Kl3mDownloadError> {
  const dir = options.storage ?? storage();
  const err = await downloadKl3m(name, { baseUrl, ...options, storage: dir }).then(
    () => assert.fail(`${name}: the download succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof Kl3mDownloadError, String(err));
  assert.equal(err.kind, kind, err.message);
  assert.match(err.message, message);
  assert.deepEqual(existsSync(kl3mFolder(dir)) ? readdirSync(kl3mFolder(dir)) : [], [], 'no file, temporary or final, is left');
  return err;
}

test('a download streams into <storage>/kl3m/<name>/ with progress, tokenizer_config.json beside it', async () => {
  const dir = storage();
  const seen: DownloadProgress[] = [];
  const done = await downloadKl3m('tiny', { storage: dir, baseUrl, onProgress: (p) => seen.push({ ...p }) });
  assert.equal(done.path, join(dir, 'kl3m', 'tiny', 'tokenizer.json'));
  assert.equal(readFileSync(done.path, 'utf8'), TINY_BPE);
  assert.equal(readFileSync(join(done.dir, 'tokenizer_config.json'), 'utf8'), CONFIG);
  assert.equal(done.bytes, Buffer.byteLength(TINY_BPE));
  assert.equal(done.config, true);
  const tok = seen.filter((p) => p.file === 'tokenizer.json');
  assert.deepEqual(tok[0], { file: 'tokenizer.json', received: 0, total: done.bytes });
  assert.deepEqual(tok.at(-1), { file: 'tokenizer.json', received: done.bytes, total: done.bytes });
  assert.ok(seen.some((p) => p.file === 'tokenizer_config.json'));
  assert.deepEqual(readdirSync(join(dir, 'kl3m')), ['tiny'], 'no temporary file is left');
});

test('a real KL3M tokenizer.json downloads in chunks and then loads from the download folder', async (t) => {
  if (!realJson) return t.skip(SKIP_NO_SHARED);
  const dir = storage();
  const seen: number[] = [];
  const done = await downloadKl3m(REAL, { storage: dir, baseUrl, onProgress: (p) => seen.push(p.received) });
  assert.equal(readFileSync(done.path, 'utf8'), realJson);
  assert.equal(done.config, false, 'a 404 for tokenizer_config.json is fine');
  assert.ok(seen.length > 2, `several progress reports: ${seen}`);
  assert.ok(seen.every((n, i) => i === 0 || n >= seen[i - 1]), 'progress only grows');
  const kl3mDir = join(mkdtempSync(join(tmpdir(), 'tokscope-empty-')), 'nothing-here');
  const tok = getTokenizer(REAL, { kl3mDir, kl3mStorage: kl3mFolder(dir) });
  assert.ok(tok.vocabSize >= 4000, `vocabulary of ${tok.vocabSize}`);
  assert.ok(tok.count('Section 2(a) of the Agreement') > 0);
});

test('a missing tokenizer_config.json (404) is fine; the tokenizer alone is saved', async () => {
  const dir = storage();
  const done = await downloadKl3m('no-config', { storage: dir, baseUrl });
  assert.equal(done.config, false);
  assert.deepEqual(readdirSync(done.dir), ['tokenizer.json']);
});

test('a Content-Length over 64 MB is refused before the body is read', async () => {
  await refused('huge', 'tooLarge', /huge's tokenizer\.json from 127\.0\.0\.1:\d+ announces 67,108,865 bytes, over the 64 MB limit; refused, nothing was saved/);
});

test('a body without Content-Length that grows over the limit is refused as it arrives', async () => {
  await refused('endless', 'tooLarge', /endless's tokenizer\.json from .* sent more than 1,000 bytes, over the 1,000 bytes limit/, { maxBytes: 1000 });
});

test('a body shorter than its Content-Length is refused, never saved as a half file', async () => {
  const err = await refused('truncated', 'truncated', /broke off after \d+ of \d+ bytes; nothing was saved — try again/);
  assert.ok(err.detail, 'the cause goes to the log');
});

test('an HTTP error names the status and the URL', async () => {
  await refused('missing', 'http', /127\.0\.0\.1:\d+ answered 404 Not Found for missing's tokenizer\.json \(http:\/\/127\.0\.0\.1:\d+\/missing\/resolve\/main\/tokenizer\.json\)/);
});

test('JSON that is not a BPE tokenizer.json, or not JSON at all, is refused', async () => {
  await refused('wordpiece', 'notBpe', /wordpiece's tokenizer\.json from .* is not a BPE tokenizer\.json \(model\.type is "WordPiece"\)/);
  await refused('html', 'notBpe', /html's tokenizer\.json from .* is not JSON/);
});

test('a connection refused gives the offline message, naming where to put the file by hand', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const dir = storage();
  const err = await refused('kl3m-001-32k', 'offline', /^could not reach 127\.0\.0\.1:\d+ — offline\? Download kl3m-001-32k's tokenizer\.json \(http:\/\/.*\/kl3m-001-32k\/resolve\/main\/tokenizer\.json\) elsewhere and put it in .*kl3m-001-32k\/, or set tokscope\.kl3mDir$/, {
    storage: dir,
    baseUrl: `http://127.0.0.1:${port}`,
  });
  assert.ok(err.message.includes(join(dir, 'kl3m', 'kl3m-001-32k')), err.message);
  assert.match(err.detail ?? '', /ECONNREFUSED/);
});

test('a host that does not resolve (DNS) gives the offline message; the default base URL is huggingface.co/alea-institute', async () => {
  // An unresolvable host stands in for a machine without a network: same failure before any answer.
  const err = await refused('kl3m-003-64k', 'offline', /^could not reach nothing\.invalid — offline\?/, { baseUrl: 'http://nothing.invalid/alea-institute' });
  assert.match(err.message, /http:\/\/nothing\.invalid\/alea-institute\/kl3m-003-64k\/resolve\/main\/tokenizer\.json/);
  assert.equal(kl3mUrl('kl3m-003-64k', 'tokenizer.json'), 'https://huggingface.co/alea-institute/kl3m-003-64k/resolve/main/tokenizer.json');
});

test('cancelling mid-body stops the download and leaves no file', async () => {
  const ctrl = new AbortController();
  await refused('slow', 'cancelled', /the download of slow was cancelled; nothing was saved/, {
    signal: ctrl.signal,
    onProgress: (p) => {
      if (p.received > 0) ctrl.abort();
    },
  });
  // Cancelled before it starts: nothing is requested.
  const before = requests.length;
  await refused('tiny', 'cancelled', /cancelled/, { signal: AbortSignal.abort() });
  assert.equal(requests.length, before);
});

test('a server that stops sending is given up on after the idle timeout', async () => {
  await refused('slow', 'truncated', /broke off after 10 of 100000 bytes/, { idleTimeoutMs: 300 });
  const err = await refused('silent', 'offline', /could not reach 127\.0\.0\.1:\d+ — offline\?/, { idleTimeoutMs: 300 });
  assert.match(err.detail ?? '', /no answer .* in 0\.3 s/);
});

test('a name that is not a plain folder name is rejected before anything is fetched', async () => {
  await assert.rejects(downloadKl3m('../etc', { storage: storage(), baseUrl }), /not a KL3M tokenizer name/);
});
