#!/usr/bin/env node
// Runs I/O Lens inside a real VS Code (code-server 4.139 = VS Code 1.139, offline) driven by
// headless Chromium.
//
//   node test/vscode/run.mjs test          the Mocha suite (out/test/suite/index.js) in the extension host
//   node test/vscode/run.mjs test-untrusted   out/test/suite-untrusted/index.js, the workspace in Restricted Mode
//   node test/vscode/run.mjs ui            the UI checks (ui-checks.mjs), dark and light theme, screenshots
//   node test/vscode/run.mjs ui --vsix F   the UI checks against F installed with --install-extension
//
// Environment:
//   IOLENS_EXT_PATH      extension to load in development mode (default: the repo root)
//   IOLENS_TESTS_PATH    extensionTestsPath (default: <repo>/out/test/suite/index.js)
//   IOLENS_WORKSPACE     folder to open, copied to a temp folder first (default: test/vscode/workspace)
//   EXT_DIR              (ui) an extensions folder where the extension is already installed: no dev mode
//   IOLENS_UI_THEMES     (ui) comma-separated, from: dark,light (default: both)
//   IOLENS_TIMEOUT_MS    overall bound of one run (default 300000)
//   VERBOSE=1 prints the browser console; KEEP_TMP=1 keeps the temp folders.
// Logs go to test/vscode/logs/<mode>/ (code-server output, VS Code's logs, the test output).
// Exit code: 0 all passed, 1 a test or check failed, 2 the harness could not run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import {
  HERE, REPO, SCREENSHOTS, HarnessError, devExtensionPath, freshLogDir, installVsix, openBrowser, requireHarness, startCodeServer, withPayload,
} from './harness.mjs';
import { THEMES, runUiChecks } from './ui-checks.mjs';
import { runStandaloneChecks } from './ui-standalone.mjs';

const usage = 'usage: node test/vscode/run.mjs test | test-untrusted | ui [--vsix file.vsix]';
const [mode, ...rest] = process.argv.slice(2);
if (mode !== 'test' && mode !== 'test-untrusted' && mode !== 'ui') {
  console.error(usage);
  process.exit(2);
}
const vsixArg = rest[0] === '--vsix' ? rest[1] : undefined;
if (rest.length > 0 && !vsixArg) {
  console.error(usage);
  process.exit(2);
}

const extPath = path.resolve(process.env.IOLENS_EXT_PATH ?? REPO);
const suiteDir = mode === 'test-untrusted' ? 'suite-untrusted' : 'suite';
const testsPath = path.resolve(process.env.IOLENS_TESTS_PATH ?? path.join(REPO, 'out', 'test', suiteDir, 'index.js'));
const workspace = path.resolve(process.env.IOLENS_WORKSPACE ?? path.join(HERE, 'workspace'));
const overallTimeoutMs = Number(process.env.IOLENS_TIMEOUT_MS ?? 300_000);

/** Workbench log lines that are not the suite's output (they stay in logs/test/output.log). */
const WORKBENCH_CHATTER = /^(Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|Resolv(ing|ed) connection token|Creating a socket|\[(reconnection-grace-time|Service Worker|AgentHost|AccountPolicyGate)\b)/;

/** Everything to undo on exit, newest first (servers, browsers, temp folders). */
const cleanups = [];
async function cleanup(downTo = 0) {
  while (cleanups.length > downTo) {
    const fn = cleanups.pop();
    try { await fn(); } catch (e) { console.error('cleanup:', e.message); }
  }
}
// Hard bound: whatever hangs, code-server is stopped and the run fails.
const watchdog = setTimeout(async () => {
  console.error(`FAILED: the ${mode} run took longer than ${overallTimeoutMs / 1000} s (IOLENS_TIMEOUT_MS)`);
  await cleanup();
  process.exit(1);
}, overallTimeoutMs);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await cleanup(); process.exit(130); });

function checkExtension() {
  const pkg = path.join(extPath, 'package.json');
  if (!fs.existsSync(pkg)) throw new HarnessError(`No extension at ${extPath} (no package.json). Set IOLENS_EXT_PATH?`);
  const main = JSON.parse(fs.readFileSync(pkg, 'utf8')).main;
  if (main && !fs.existsSync(path.resolve(extPath, main)) && !fs.existsSync(path.resolve(extPath, `${main}.js`))) {
    throw new HarnessError(`The extension's main ${main} does not exist in ${extPath}: run \`npm run build\` first.`);
  }
}

/** Mode `test`: the extension in development mode + the Mocha suite in its extension host. */
async function runExtensionTests(chromium) {
  checkExtension();
  if (!fs.existsSync(testsPath)) {
    throw new HarnessError(`No test suite at ${path.relative(REPO, testsPath)}: run \`npm run compile-tests\` first.`);
  }
  const logDir = freshLogDir(mode);
  const output = fs.createWriteStream(path.join(logDir, 'output.log'));
  cleanups.push(() => new Promise((r) => output.end(r)));
  const server = await startCodeServer({ workspace, logDir, trusted: mode !== 'test-untrusted' });
  cleanups.push(server.stop);
  const { browser, page } = await openBrowser(chromium);
  cleanups.push(() => browser.close());

  // The workbench reports the extension host's console (Mocha's report) and the runner's exit
  // code through these two page globals, the hooks @vscode/test-web uses too.
  let exitCode;
  let finished = false; // after the exit call only the workbench's shutdown noise follows
  const exited = new Promise((resolve) => { exitCode = resolve; });
  // The workbench's own log lines come the same way: all go to output.log, the known chatter of a
  // workbench without marketplace is left off the console.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = format(...(Array.isArray(args) ? args : [args]));
    output.write(`${line}\n`);
    if (!finished && !WORKBENCH_CHATTER.test(line)) (type === 'error' ? console.error : console.log)(line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => { finished = true; exitCode(code); });

  const t0 = Date.now();
  await page.goto(withPayload(server.url, [
    ['extensionDevelopmentPath', server.remote(devExtensionPath(extPath, server.tmp))],
    ['extensionTestsPath', server.remote(testsPath)],
  ]));
  const code = await exited;
  await page.waitForTimeout(500); // the last log lines can trail the exit call
  console.log(`extension-host tests finished in ${((Date.now() - t0) / 1000).toFixed(1)} s, exit code ${code}`);
  return code === 0 ? 0 : 1;
}

/** Mode `ui`: one code-server per theme, the checks of ui-checks.mjs in each. */
async function runUi(chromium) {
  let extensionsDir = process.env.EXT_DIR ? path.resolve(process.env.EXT_DIR) : undefined;
  const label = vsixArg ? 'ui-vsix' : extensionsDir ? 'ui-extdir' : 'ui';
  const logRoot = freshLogDir(label);
  if (vsixArg) {
    const vsix = path.resolve(vsixArg);
    if (!fs.existsSync(vsix)) throw new HarnessError(`No ${vsixArg}: run \`node scripts/package-vsix.mjs\` first.`);
    extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-ext-'));
    if (!process.env.KEEP_TMP) cleanups.push(() => fs.rmSync(extensionsDir, { recursive: true, force: true }));
    console.log(installVsix(vsix, extensionsDir, path.join(logRoot, 'install-extension.log')));
    const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('iolens.iolens-'));
    if (installed.length !== 1) throw new HarnessError(`--install-extension left no iolens.iolens-* folder in ${extensionsDir}`);
    console.log(`installed ${path.basename(vsix)} as ${installed[0]}`);
  } else if (!extensionsDir) {
    checkExtension();
  }
  // The committed screenshots come from the dev-mode run; other runs keep theirs with the logs.
  const shotsDir = label === 'ui' ? SCREENSHOTS : path.join(logRoot, 'screenshots');
  const themes = (process.env.IOLENS_UI_THEMES ?? 'dark,light').split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of themes) if (!THEMES[t]) throw new HarnessError(`Unknown theme ${t} in IOLENS_UI_THEMES (known: ${Object.keys(THEMES)})`);

  const results = [];
  for (const theme of themes) {
    const mark = cleanups.length;
    const logDir = path.join(logRoot, theme);
    const server = await startCodeServer({ workspace, logDir, extensionsDir, stablePath: true, settings: { 'workbench.colorTheme': THEMES[theme].id } });
    cleanups.push(server.stop);
    const { browser, page } = await openBrowser(chromium);
    cleanups.push(() => browser.close());
    const url = extensionsDir ? server.url : withPayload(server.url, [['extensionDevelopmentPath', server.remote(devExtensionPath(extPath, server.tmp))]]);
    const t0 = Date.now();
    await page.goto(url);
    results.push(...await runUiChecks(page, { theme, shotsDir, firstNumber: results.length + 1 }));
    console.log(`UI checks (${theme}) took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await cleanup(mark); // this theme's browser and server
  }
  // The standalone HTML report and comparison of a big trace (no VS Code needed: the same webview code).
  {
    const mark = cleanups.length;
    const { browser, page } = await openBrowser(chromium);
    cleanups.push(() => browser.close());
    results.push(...await runStandaloneChecks(page, { shotsDir, firstNumber: results.length + 1 }));
    await cleanup(mark);
  }
  const failed = results.filter((r) => !r.ok).length;
  // Countable lines for scripts/test-all.mjs (same form as node --test's TAP summary).
  console.log(`# pass ${results.length - failed}`);
  console.log(`# fail ${failed}`);
  return failed === 0 ? 0 : 1;
}

let rc;
const t0 = Date.now();
try {
  const chromium = await requireHarness();
  rc = mode === 'ui' ? await runUi(chromium) : await runExtensionTests(chromium);
} catch (e) {
  console.error(e instanceof HarnessError ? `FAILED: ${e.message}` : e);
  rc = e instanceof HarnessError ? 2 : 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
console.log(`${mode}: ${rc === 0 ? 'OK' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s; logs in ${path.relative(process.cwd(), path.join(HERE, 'logs')) || '.'}`);
process.exit(rc);
