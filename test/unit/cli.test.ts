// The iolens command as a user runs it: the built bundle (dist/iolens.js), real traces, exit codes.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IoReport } from '../../src/core/report-types';
import { recordStrace } from '../support/record';
import { repoRoot } from './support/corpus';

const root = repoRoot();
const cli = path.join(root, 'dist', 'iolens.js');
const trace = (rel: string): string => path.join(root, 'test', 'fixtures', 'corpus', 'traces', rel);

function iolens(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(fs.existsSync(cli), `${cli} is built (npm run build)`);
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('analyze --json prints the documented schema', () => {
  const run = iolens('analyze', trace('sendfile_c/f_ttt_T_yy.trace'), '--json');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as IoReport;
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.trace.format, 'strace');
  assert.deepEqual(report.trace.flags, { ...report.trace.flags, pids: true, timestamps: 'ttt', durations: true, fdPaths: 'yy', stacks: false });
  assert.equal(report.transfers.length, 1);
  const [transfer] = report.transfers;
  assert.ok(transfer);
  assert.equal(transfer.strategy, 'sendfile');
  assert.equal(transfer.bytes, 1_000_000);
  assert.deepEqual(transfer.syscalls, { sendfile: 4 });
  assert.equal(transfer.modeSwitches, 8);
  assert.deepEqual(transfer.copies, { cpu: 0, dma: 1 });
  assert.equal(transfer.cpuBytesCopied, 0);
  assert.ok(transfer.assumptions.some((a) => a.includes('gathers')), 'the gather-NIC assumption is named');
  assert.ok(transfer.durationUs !== null && transfer.durationUs > 0);
  assert.equal(report.summary.bySyscall.sendfile?.bytes, 1_000_000);
  assert.equal(report.summary.totals.modeSwitches, 2 * (report.summary.totals.calls ?? 0));
});

test('analyze --no-gather-nic makes sendfile to a socket cost one CPU copy', () => {
  const run = iolens('analyze', trace('sendfile_c/f_ttt_T_yy.trace'), '--json', '--no-gather-nic');
  const report = JSON.parse(run.stdout) as IoReport;
  assert.equal(report.transfers[0]?.copies.cpu, 1);
  assert.equal(report.transfers[0]?.cpuBytesCopied, 1_000_000);
});

test('analyze --parse-thread (the bundled worker, dist/parse-worker.js) prints the same report, -ff parts too', () => {
  const ff = fs.readdirSync(trace('fork_server_c')).filter((f) => f.startsWith('ff.')).map((f) => trace(`fork_server_c/${f}`));
  assert.ok(ff.length >= 3, ff.join(' '));
  for (const files of [[trace('nginx_sendfile_on/f_ttt_T_yy.trace')], ff]) {
    const oneThread = iolens('analyze', ...files, '--json');
    const twoThreads = iolens('analyze', ...files, '--json', '--parse-thread');
    assert.equal(twoThreads.status, 0, twoThreads.stderr);
    assert.ok((JSON.parse(oneThread.stdout) as IoReport).transfers.length >= 1);
    assert.equal(twoThreads.stdout, oneThread.stdout);
  }
});

test('analyze prints a readable table by default', () => {
  const run = iolens('analyze', trace('rw_copy_c/f_ttt_T_yy.trace'));
  assert.equal(run.status, 0);
  assert.match(run.stdout, /read_write/);
  assert.match(run.stdout, /readx17 writex16/);
  assert.match(run.stdout, /copy_file_range/, 'the recommendation for file -> file');
});

test('a missing trace exits 1 with a message naming it; bad usage exits 2', () => {
  const missing = iolens('analyze', '/nonexistent/trace.strace');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /\/nonexistent\/trace\.strace: no such file/);
  assert.equal(iolens('analyze').status, 2);
  assert.equal(iolens('frobnicate').status, 2);
  assert.equal(iolens('compare', trace('sendfile_c/f.trace')).status, 2);
});

test('a file that is not a trace is still analyzed: diagnostics with file and line, exit 0', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-cli-'));
  const garbage = path.join(dir, 'garbage.bin');
  fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
  const run = iolens('analyze', garbage, '--json');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as IoReport;
  assert.ok(report.diagnostics.length > 0);
  for (const d of report.diagnostics) {
    assert.equal(d.file, garbage);
    assert.ok(d.line >= 1);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('compare --fail-if exits 3 when the second trace copies more, 0 when it copies less', () => {
  const rw = trace('rw_send_c/f_ttt_T_yy.trace');
  const sf = trace('sendfile_c/f_ttt_T_yy.trace');
  const better = iolens('compare', rw, sf, '--fail-if', 'cpu-bytes-copied,mode-switches');
  assert.equal(better.status, 0, better.stderr);
  assert.match(better.stdout, /read_write -> sendfile/);
  const worse = iolens('compare', sf, rw, '--fail-if', 'cpu-bytes-copied');
  assert.equal(worse.status, 3);
  assert.match(worse.stderr, /regression: cpu-bytes-copied grew from 0 to 2000000/);
  const json = JSON.parse(iolens('compare', rw, sf, '--json').stdout) as { totals: { modeSwitches: { before: number; after: number } } };
  assert.ok(json.totals.modeSwitches.after < json.totals.modeSwitches.before);
});

test('--html writes one self-contained file; hostile file names from a real trace stay text', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-xss-'));
  // Real file names a program opened: they reach the report through strace's own output.
  const hostileDir = path.join(dir, '<script>alert(1)<');
  fs.mkdirSync(hostileDir);
  const hostile = path.join(hostileDir, '<img src=x onerror=alert(2)>.bin');
  fs.writeFileSync(hostile, Buffer.alloc(200_000, 7));
  const recording = await recordStrace(['cp', hostile, path.join(dir, 'copy.bin')], { outDir: dir });
  assert.equal(recording.exitCode, 0);
  const out = path.join(dir, 'report.html');
  const run = iolens('analyze', recording.tracePath, '--html', out, '--json');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as IoReport;
  assert.ok(report.transfers.some((t) => t.source.path === hostile), 'the hostile path is the transfer source');
  const html = fs.readFileSync(out, 'utf8');
  assert.ok(!html.includes('<img src=x'), 'no raw <img> from the trace in the HTML');
  assert.ok(!/<script>alert/.test(html), 'no raw <script> from the trace in the HTML');
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('compare --html writes the comparison page with both reports embedded, no network', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-cmp-'));
  const out = path.join(dir, 'compare.html');
  const run = iolens('compare', trace('rw_send_c/f_ttt_T_yy.trace'), trace('sendfile_c/f_ttt_T_yy.trace'), '--html', out);
  assert.equal(run.status, 0, run.stderr);
  const html = fs.readFileSync(out, 'utf8');
  assert.match(html, /id="iolens-compare-data"/);
  const embedded = /<script type="application\/json" id="iolens-compare-data">([^<]*)<\/script>/.exec(html)?.[1];
  assert.ok(embedded !== undefined);
  const data = JSON.parse(embedded) as { comparison: { transfers: { matched: Array<{ before: { strategy: string }; after: { strategy: string } }> } } };
  assert.deepEqual(data.comparison.transfers.matched.map((m) => [m.before.strategy, m.after.strategy]), [['read_write', 'sendfile']]);
  assert.doesNotMatch(html, /<script[^>]+src=/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('analyze: file names with a newline, a tab or an ESC sequence neither split the table nor reach the terminal raw', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-cli-names-'));
  const src = path.join(dir, 'new\nline\tand \x1b[31mred.txt');
  fs.writeFileSync(src, Buffer.alloc(50_000, 'n'));
  const recording = await recordStrace(['cp', '--reflink=never', src, path.join(dir, 'copy.txt')], { flags: ['-f', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const run = iolens('analyze', recording.tracePath);
  assert.equal(run.status, 0, run.stderr);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(run.stdout.replaceAll('\n', ''), /[\x00-\x1f\x7f]/, 'no control character but the line ends');
  const row = run.stdout.split('\n').find((l) => l.startsWith('t1 '));
  assert.ok(row, run.stdout);
  assert.ok(row.includes('new\\nline\\tand \\x1b[31mred.txt') && row.includes('copy.txt'), row);
});

test('analyze piped into a reader that stops early (`| head`): exits quietly, no EPIPE stack trace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-cli-epipe-'));
  const trace = path.join(dir, 'big.trace');
  // A trace replayed from the corpus's real ones: its JSON report is far bigger than a pipe's buffer.
  execFileSync('bash', [path.join(root, 'scripts', 'big', 'make_big.sh'), trace, String(3_000_000)], { stdio: 'ignore' });
  const child = spawn(process.execPath, [cli, 'analyze', trace, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // Read the first chunk, then close the pipe as `head -c` does.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|at /);
});
