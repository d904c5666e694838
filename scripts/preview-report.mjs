// Renders a report fixture as the standalone HTML report and screenshots it in headless Chromium,
// to look at the webview without VS Code.
//   node scripts/preview-report.mjs [report.json ...] [--out DIR] [--light] [--dark] [--width N] [--parts HEIGHT]
// Builds dist/webview/report.js first when it is missing (or always with --build). Uses
// playwright-core from test/vscode/node_modules when installed (full-page screenshots, console
// capture, both colour schemes), else the chromium CLI.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : dflt; };
const flag = (name) => { const i = args.indexOf(name); if (i >= 0) args.splice(i, 1); return i >= 0; };
const outDir = path.resolve(opt('--out', '/tmp/iolens-preview'));
const width = Number(opt('--width', '1400'));
const schemes = [flag('--light') && 'light', flag('--dark') && 'dark'].filter(Boolean);
if (!schemes.length) schemes.push('dark', 'light');
const rebuild = flag('--build');
const parts = Number(opt('--parts', '0'));
// --trace a.trace[,b.trace] (repeatable): analyze real trace files (comma = -ff parts) instead of a JSON fixture.
const traces = [];
for (let t = opt('--trace'); t; t = opt('--trace')) traces.push(t.split(','));
const fixtures = args.length || traces.length ? args : [path.join(root, 'test/fixtures/reports/mixed-render.json')];
mkdirSync(outDir, { recursive: true });

const bundle = path.join(root, 'dist/webview/report.js');
if (rebuild || !existsSync(bundle)) {
  await esbuild.build({ entryPoints: { report: path.join(root, 'media/report/main.ts') }, outdir: path.join(root, 'dist/webview'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: 'linked', logLevel: 'warning' });
}
// The HTML builder is TypeScript: bundle it for Node on the fly.
const builder = path.join(outDir, 'standalone.cjs');
await esbuild.build({ entryPoints: [path.join(root, 'src/report-html/standalone.ts')], outfile: builder, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
const require = createRequire(import.meta.url);
const { buildStandaloneReportHtml, loadWebviewAssets } = require(builder);
const assets = loadWebviewAssets(path.join(root, 'dist'));

let playwright;
for (const p of [path.join(root, 'test/vscode/node_modules/playwright-core'), 'playwright-core']) {
  try { playwright = require(p); break; } catch { /* next */ }
}

const inputs = fixtures.map((f) => ({ name: path.basename(f, '.json'), load: async () => JSON.parse((await import('node:fs')).readFileSync(f, 'utf8')) }));
if (traces.length) {
  const analyzer = path.join(outDir, 'analyze.cjs');
  await esbuild.build({ entryPoints: [path.join(root, 'src/core/analyze.ts')], outfile: analyzer, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
  const { analyzeTraceFiles } = require(analyzer);
  for (const files of traces) {
    const parts = files[0].split('/');
    inputs.push({ name: `${parts[parts.length - 2]}-${path.basename(files[0]).replace(/\W+/g, '_')}`, load: () => analyzeTraceFiles(files) });
  }
}

for (const input of inputs) {
  const report = await input.load();
  const name = input.name;
  const html = path.join(outDir, `${name}.html`);
  writeFileSync(html, buildStandaloneReportHtml(report, assets));
  for (const scheme of schemes) {
    const png = path.join(outDir, `${name}-${scheme}.png`);
    if (playwright) {
      const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
      const page = await browser.newPage({ viewport: { width, height: 1000 }, colorScheme: scheme });
      const logs = [];
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 10000 });
      await page.waitForTimeout(300);
      const info = await page.evaluate(() => ({
        state: document.body.dataset.state,
        csp: document.body.dataset.cspViolations ?? '0',
        pwned: document.body.dataset.pwned ?? null,
        transfers: [...document.querySelectorAll('.transfer')].map((e) => e.getAttribute('data-strategy')),
        diagrams: document.querySelectorAll('svg.datapath').length,
        canvases: document.querySelectorAll('canvas').length,
      }));
      await page.screenshot({ path: png, fullPage: true });
      if (parts) {
        // Viewport-sized slices of the page, easier to look at than one very tall image.
        const total = await page.evaluate(() => document.documentElement.scrollHeight);
        for (let y = 0, i = 1; y < total; y += parts, i++) {
          await page.screenshot({ path: png.replace(/\.png$/, `-part${i}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(parts, total - y) } });
        }
      }
      await browser.close();
      console.log(`${png}: ${JSON.stringify(info)}${logs.length ? `\n  ${logs.join('\n  ')}` : ''}`);
    } else {
      execFileSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, `--window-size=${width},2000`, ...(scheme === 'dark' ? ['--force-dark-mode'] : []), `file://${html}`], { stdio: 'ignore' });
      console.log(png);
    }
  }
}
