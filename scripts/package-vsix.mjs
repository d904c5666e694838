#!/usr/bin/env node
// Packages the extension as dist/iolens.vsix (production bundles) and checks what went in: the
// bundles, the manifest and media, never sources, tests or node_modules.
//
//   node scripts/package-vsix.mjs            build:prod, vsce package, list and check
//   node scripts/package-vsix.mjs --no-build check an existing dist/iolens.vsix
//
// Prints one `ok` / `not ok` line per check and `# pass N` / `# fail M` (for scripts/test-all.mjs).
// That the .vsix installs and works in VS Code is checked by `node test/vscode/run.mjs ui --vsix dist/iolens.vsix`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VSIX = path.join(REPO, 'dist', 'iolens.vsix');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

/** The entries of a zip file (name and uncompressed size), read from its central directory. */
export function zipEntries(file) {
  const buf = fs.readFileSync(file);
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

let pass = 0;
let fail = 0;
function check(name, ok, detail = '') {
  if (ok) pass++; else fail++;
  console.log(`${ok ? 'ok' : 'not ok'} ${pass + fail} - ${name}${!ok && detail ? `\n  # ${detail}` : ''}`);
}

try {
  if (!process.argv.includes('--no-build')) {
    // A clean dist/: a development build leaves source maps that build:prod does not overwrite.
    fs.rmSync(path.join(REPO, 'dist'), { recursive: true, force: true });
    run(NPM, ['run', 'build:prod']);
    const vsce = path.join(REPO, 'node_modules', '.bin', 'vsce');
    // --no-rewrite-relative-links: the manifest's repository URL is a placeholder, so vsce cannot turn
    // README's relative links into absolute ones (and refuses to package when asked to).
    const args = ['package', '--no-dependencies', '--no-rewrite-relative-links', '-o', VSIX];
    // Without a LICENSE file vsce asks a question on stdin; packaging must not hang on it.
    if (!fs.existsSync(path.join(REPO, 'LICENSE')) && !fs.existsSync(path.join(REPO, 'LICENSE.md'))) {
      console.log('warning: no LICENSE file in the repo root: packaging with --skip-license');
      args.push('--skip-license');
    }
    run(vsce, args);
  }
  check(`${path.relative(REPO, VSIX)} was written`, fs.existsSync(VSIX));
  if (!fs.existsSync(VSIX)) throw new Error('no .vsix to check');

  const entries = zipEntries(VSIX);
  const files = entries.filter((e) => !e.name.endsWith('/'));
  console.log(`\n${path.relative(REPO, VSIX)}: ${kib(fs.statSync(VSIX).size)} (${files.length} files, ${kib(files.reduce((a, e) => a + e.size, 0))} unpacked)`);
  for (const e of files) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
  console.log('');

  // A .vsix holds the extension under extension/, next to [Content_Types].xml and extension.vsixmanifest.
  const forbidden = files.filter((e) => /^extension\/(src|test|node_modules)\//.test(e.name) || /(^|\/)(src|test|node_modules)\//.test(e.name));
  check('no src/, test/ or node_modules/ entries', forbidden.length === 0, forbidden.map((e) => e.name).slice(0, 10).join(', '));
  const sourceMaps = files.filter((e) => e.name.endsWith('.map') || e.name.endsWith('.ts'));
  check('no TypeScript sources or source maps', sourceMaps.length === 0, sourceMaps.map((e) => e.name).slice(0, 10).join(', '));
  const names = new Set(files.map((e) => e.name));
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  // dist/parse-worker.js: the extension and the CLI start it for big traces (src/strace-parser/parse-in-worker.ts).
  for (const required of ['extension/package.json', `extension/${path.posix.normalize(pkg.main)}`, `extension/${path.posix.normalize(pkg.bin.iolens)}`, 'extension/dist/parse-worker.js']) {
    check(`contains ${required}`, names.has(required));
  }
  check('contains the report webview bundle (extension/dist/webview/)', files.some((e) => e.name.startsWith('extension/dist/webview/')));
} catch (e) {
  check('packaging', false, e.message);
}
console.log(`# pass ${pass}`);
console.log(`# fail ${fail}`);
process.exit(fail === 0 ? 0 : 1);
