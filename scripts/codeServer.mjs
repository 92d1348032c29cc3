// Installs code-server 4.100.3 (VS Code 1.100.3's server and web workbench, the last release on Node 20) into a cache
// folder outside the project, the way ../shared/docs/vscode-testing.md describes, and starts it on 127.0.0.1.
// Used by `npm start` and the integration tests. `node scripts/codeServer.mjs install` installs only.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const DEBIAN_PACKAGES = 'chromium ripgrep libkrb5-dev g++ make';

export function cacheDir() {
  const base = process.env.TOKSCOPE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tokscope');
  return join(base, `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerEntry() {
  return join(cacheDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Installs code-server into the cache folder unless it is there; throws with the missing Debian packages named. */
export function ensureCodeServer(log = (s) => process.stderr.write(s + '\n')) {
  if (existsSync(codeServerEntry())) return codeServerEntry();
  for (const bin of ['/usr/bin/rg', '/usr/bin/chromium', '/usr/bin/g++', '/usr/bin/make']) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: install the Debian packages first (apt-get install ${DEBIAN_PACKAGES})`);
  }
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  log(`tokscope: installing code-server ${CODE_SERVER_VERSION} into ${dir} (about a minute, once)`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tokscope-code-server', private: true }, null, 2));
  // @vscode/ripgrep downloads rg in its postinstall unless its cache already holds the tarball: give it Debian's rg.
  const tmp = mkdtempSync(join(tmpdir(), 'tokscope-cs-'));
  const rgCache = join(tmp, RIPGREP_CACHE);
  mkdirSync(rgCache, { recursive: true });
  copyFileSync('/usr/bin/rg', join(tmp, 'rg'));
  execFileSync('tar', ['-czf', join(rgCache, RIPGREP_TARBALL), '-C', tmp, 'rg']);
  const env = { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  const npm = (args) => execFileSync('npm', args, { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  // npm 11 skips dependency install scripts until approved; code-server's native modules need theirs.
  npm(['install', '-E', `code-server@${CODE_SERVER_VERSION}`, '--foreground-scripts']);
  npm(['install-scripts', 'approve', '--all', '--all']);
  npm(['rebuild', '--foreground-scripts']);
  if (!existsSync(codeServerEntry())) throw new Error(`code-server did not install into ${dir}`);
  return codeServerEntry();
}

/**
 * Starts code-server with `workspace` open, in a fresh temporary home (the extension under test is loaded through the
 * workbench URL, see test/e2e/runner.mjs, unless `install` names .vsix files to install into the extensions folder
 * first; `settings` are added to the user settings). Resolves with its URL and a `stop()` that ends its whole process group.
 */
export function startCodeServer({ workspace, extensionsDir, port = 0, trusted = true, install = [], settings = {} } = {}) {
  const entry = ensureCodeServer();
  const home = mkdtempSync(join(tmpdir(), 'tokscope-home-'));
  const data = join(home, 'data');
  mkdirSync(join(data, 'User'), { recursive: true });
  writeFileSync(
    join(data, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      // The samples sit inside this repository; the prompt to open it would cover the editor.
      'git.openRepositoryInParentFolders': 'never',
      ...settings,
    }),
  );
  // Settings of scope machine / machine-overridable (paths, endpoints) are read from the remote's Machine settings.
  mkdirSync(join(data, 'Machine'), { recursive: true });
  writeFileSync(join(data, 'Machine', 'settings.json'), JSON.stringify(settings));
  writeFileSync(join(home, 'config.yaml'), 'auth: none\n');
  const env = { ...process.env, HOME: home, TMPDIR: home };
  const dirs = ['--config', join(home, 'config.yaml'), '--user-data-dir', data, '--extensions-dir', extensionsDir ?? join(home, 'exts')];
  for (const vsix of install) {
    // Installs and exits (about a second); the server started below then loads it like any installed extension.
    execFileSync(process.execPath, [entry, ...dirs, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  }
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    // A trusted run skips the trust prompt; an untrusted one is how the workspace-trust behaviour is tested.
    ...(trusted ? ['--disable-workspace-trust'] : []),
    ...dirs,
  ];
  if (workspace) args.push(workspace);
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`code-server did not start within 60 s:\n${out}`));
    }, 60_000);
    const onData = (buf) => {
      out += buf.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], home, extensionsDir: dirs[dirs.length - 1], child, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${out}`));
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const command = process.argv[2] ?? 'install';
  if (command === 'install') console.log(ensureCodeServer());
  else {
    console.error(`usage: node scripts/codeServer.mjs install`);
    process.exit(2);
  }
}
