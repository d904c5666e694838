// Builds the shipped bundles (extension, webview, iolens CLI, parser worker) plus the benchmark.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // The extension: runs in the (Node) extension host; `vscode` is provided by the host.
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  // The webview script: runs in the browser sandbox, chart.js bundled in (no CDN, the CSP allows only our script).
  { ...common, entryPoints: { report: 'media/report/main.ts', compare: 'media/compare/main.ts' }, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022' },
  // The iolens command-line tool: the same pure core as the extension, no VS Code.
  { ...common, entryPoints: ['src/cli/iolens.ts'], outfile: 'dist/iolens.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  // The trace parser's worker thread (src/strace-parser/parse-in-worker.ts finds it beside the bundle that starts it).
  { ...common, entryPoints: ['src/strace-parser/parse-worker.ts'], outfile: 'dist/parse-worker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The benchmark (not shipped).
  { ...common, entryPoints: ['scripts/bench.ts'], outfile: 'dist/bench.js', platform: 'node', format: 'cjs', target: 'node20', minify: false },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`esbuild: built ${builds.length} bundles (${production ? 'production' : 'development'})`);
}
