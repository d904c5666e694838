// The README's first command: copy a 1 MB file to a TCP socket twice, once with read/write and once
// with sendfile, trace both with strace, and write the I/O Lens reports and their comparison.
// Where strace (or a C compiler) is missing it reads the bundled real traces of the same programs.
//   node scripts/example.mjs [OUT_DIR]   (default ./iolens-example)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDir = path.resolve(process.argv[2] ?? 'iolens-example');
const cli = path.join(repo, 'dist', 'iolens.js');
fs.mkdirSync(outDir, { recursive: true });

function has(tool) {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

async function recordTraces() {
  const { liveWorkload, recordLiveWorkload } = require(path.join(repo, 'out/test/support/live-workloads.js'));
  const traces = {};
  for (const [name, workload] of [['rw_send', 'rw_send'], ['sendfile', 'sendfile_send']]) {
    const recording = await recordLiveWorkload(liveWorkload(workload));
    if (!recording.ok || recording.exitCode !== 0) throw new Error(`recording ${workload} failed: ${recording.ok ? recording.stderr : recording.reason}`);
    const target = path.join(outDir, `${name}.strace`);
    fs.copyFileSync(recording.tracePath, target);
    traces[name] = target;
  }
  return traces;
}

function bundledTraces() {
  const corpus = path.join(repo, 'test', 'fixtures', 'corpus', 'traces');
  return { rw_send: path.join(corpus, 'rw_send_c', 'f_ttt_T_yy.trace'), sendfile: path.join(corpus, 'sendfile_c', 'f_ttt_T_yy.trace') };
}

function iolens(...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`iolens ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

let traces;
if (has('strace') && has('gcc') && has('make')) {
  console.log('Tracing the example programs with strace -f -ttt -T -yy ...');
  traces = await recordTraces();
} else {
  console.log('strace or gcc is not installed: using the bundled real traces of the same programs.');
  traces = bundledTraces();
}
for (const [name, trace] of Object.entries(traces)) {
  const html = path.join(outDir, `${name}-report.html`);
  console.log(`\n== ${name}: ${trace}`);
  console.log(iolens('analyze', trace, '--html', html));
  console.log(`report: ${html}`);
}
console.log('\n== read/write -> sendfile');
console.log(iolens('compare', traces.rw_send, traces.sendfile, '--html', path.join(outDir, 'compare.html')));
console.log(`comparison: ${path.join(outDir, 'compare.html')}`);
console.log(`\nOpen ${path.join(outDir, 'rw_send-report.html')} and ${path.join(outDir, 'sendfile-report.html')} in a browser.`);
