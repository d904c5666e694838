#!/usr/bin/env node
// THE test command (`npm test`): every layer in order, never stopping at the first failure.
//
//   lint        eslint                                   typecheck   tsc, extension + webview
//   unit        node --test over out/test/unit/          ext-host    Mocha inside VS Code (code-server)
//   ui          the UI checks in VS Code + screenshots   vsix        package dist/iolens.vsix, check its files
//   vsix-ui     the UI checks against the .vsix installed with code-server --install-extension
//
//   node scripts/test-all.mjs [layer ...]     (default: all, in the order above)
//
// Each layer's output streams through. Counts come from the `# pass N` / `# fail N` lines (node
// --test's TAP summary, the Mocha suite, the UI checks, the vsix check) or `ℹ pass N` (node --test's
// spec reporter); a layer without counts (lint, typecheck) counts as one check. A layer that exits
// non-zero without a counted failure counts one failure. Prints a table and, as its LAST line,
// `N passed, M failed` (what CI reads). Exit code 1 when anything failed or did not run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const LAYER_TIMEOUT_MS = Number(process.env.IOLENS_LAYER_TIMEOUT_MS ?? 20 * 60_000);

/** The layers; `harness` ones need test/vscode installed first. */
const LAYERS = [
  { name: 'lint', cmd: [NPM, 'run', 'lint'] },
  { name: 'typecheck', cmd: [NPM, 'run', 'typecheck'] },
  { name: 'unit', cmd: [NPM, 'run', 'test:unit'] },
  { name: 'ext-host', cmd: [NPM, 'run', 'test:ext'], harness: true },
  { name: 'ext-host-untrusted', cmd: [process.execPath, 'test/vscode/run.mjs', 'test-untrusted'], harness: true },
  { name: 'ui', cmd: [NPM, 'run', 'test:ui'], harness: true },
  { name: 'vsix', cmd: [process.execPath, 'scripts/package-vsix.mjs'] },
  // One theme is enough to show the packaged extension installs and works.
  { name: 'vsix-ui', cmd: [process.execPath, 'test/vscode/run.mjs', 'ui', '--vsix', 'dist/iolens.vsix'], harness: true, env: { IOLENS_UI_THEMES: 'dark' } },
];

const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!LAYERS.some((l) => l.name === w)) {
    console.error(`unknown layer ${w}; layers: ${LAYERS.map((l) => l.name).join(', ')}`);
    process.exit(2);
  }
}
const layers = wanted.length > 0 ? LAYERS.filter((l) => wanted.includes(l.name)) : LAYERS;

// eslint-disable-next-line no-control-regex -- colours in the child's output
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** The last `# pass N` / `ℹ pass N` and `# fail N` / `ℹ fail N` of an output, or null when absent. */
function counts(output) {
  const text = output.replace(ANSI, '');
  const last = (kind) => {
    const all = [...text.matchAll(new RegExp(`^\\s*(?:#|ℹ)\\s*${kind}\\s+(\\d+)\\s*$`, 'gm'))];
    return all.length > 0 ? Number(all[all.length - 1][1]) : null;
  };
  const pass = last('pass');
  const fail = last('fail');
  return pass === null && fail === null ? null : { pass: pass ?? 0, fail: fail ?? 0 };
}

/** Runs one command, streaming its output; resolves to { code, output }. */
function runStreaming(cmd, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    const onData = (stream) => (d) => { output += d; stream.write(d); };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    const timer = setTimeout(() => {
      output += `\ntest-all: ${cmd.join(' ')} took longer than ${LAYER_TIMEOUT_MS / 1000} s, stopped\n`;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, LAYER_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, output: `${output}\n${e.message}` }); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? (signal ? 128 : -1), output }); });
  });
}

/** Installs the code-server harness when it is missing (never skips the layers that need it). */
let harnessReady = null;
function ensureHarness() {
  if (harnessReady === null) {
    if (fs.existsSync(path.join(REPO, 'test', 'vscode', 'node_modules', '.iolens-harness-ok'))) {
      harnessReady = true;
    } else {
      console.log('\n=== the VS Code harness is not installed: running test/vscode/setup.sh ===');
      const r = spawnSync('bash', [path.join('test', 'vscode', 'setup.sh')], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
      harnessReady = r.status === 0;
      if (!harnessReady) console.error('test-all: installing the VS Code harness failed');
    }
  }
  return harnessReady;
}

const results = [];
const t0 = Date.now();
for (const layer of layers) {
  console.log(`\n=== ${layer.name}: ${layer.cmd.map((c) => (c === process.execPath ? 'node' : c)).join(' ')} ===`);
  const start = Date.now();
  let code;
  let output = '';
  if (layer.harness && !ensureHarness()) {
    code = -1;
    output = 'the VS Code harness could not be installed';
  } else {
    ({ code, output } = await runStreaming(layer.cmd, layer.env));
  }
  const seconds = (Date.now() - start) / 1000;
  const c = counts(output);
  let pass = c ? c.pass : code === 0 ? 1 : 0;
  let fail = c ? c.fail : code === 0 ? 0 : 1;
  if (code !== 0 && fail === 0) fail = 1; // it failed before (or without) counting
  if (code === 0 && c && pass + fail === 0) pass = 1; // ran, counted nothing, succeeded
  results.push({ name: layer.name, ok: code === 0 && fail === 0, code, pass, fail, seconds, counted: Boolean(c) });
}

const passed = results.reduce((a, r) => a + r.pass, 0);
const failed = results.reduce((a, r) => a + r.fail, 0);
const pad = (s, n) => String(s).padEnd(n);
const width = Math.max(10, ...results.map((r) => r.name.length));
console.log('\n=== summary ===');
console.log(`${pad('layer', width)} ${pad('result', 7)} ${pad('passed', 7)} ${pad('failed', 7)} ${pad('time', 8)} exit`);
for (const r of results) {
  console.log(`${pad(r.name, width)} ${pad(r.ok ? 'ok' : 'FAILED', 7)} ${pad(r.pass, 7)} ${pad(r.fail, 7)} ${pad(`${r.seconds.toFixed(1)} s`, 8)} ${r.code}${r.counted ? '' : ' (no counts: 1 check)'}`);
}
console.log(`total time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && results.every((r) => r.ok) ? 0 : 1);
