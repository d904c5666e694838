// fd bookkeeping the analysis must follow from the calls alone (no -y decorations): fcntl F_DUPFD,
// close_range, a closed number reused by another file (test/workloads/fd_dance.c), descriptors
// received from another process over a unix socket (SCM_RIGHTS, test/workloads/pass_fd.c; two senders
// on sockets connected by path, pass_fds_two_senders.c: not swapped), the
// numbers of anonymous inodes (timerfd, signalfd: test/workloads/timer_log.c). Real
// programs built and traced here with real strace, with and without -yy.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';

const SIZE = 100_000; // 24 reads of 4096 + one of 1696, then EOF

async function traceFdDance(flags: string[]): Promise<{ trace: string; src: string; dst: string; junk: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-fd-'));
  const bin = buildWorkload(dir, 'fd_dance', ['-g']);
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  const junk = path.join(dir, 'junk.txt');
  fs.writeFileSync(src, Buffer.alloc(SIZE, 0x5a));
  fs.writeFileSync(junk, 'not payload\n');
  const recording = await recordStrace([bin, src, dst, junk], { flags, outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src), 'the program copied the file');
  return { trace: recording.tracePath, src, dst, junk };
}

for (const flags of [['-f'], ['-f', '-yy']]) {
  test(`F_DUPFD, close_range and a reused number, strace ${flags.join(' ')}`, async () => {
    const { trace, src, dst } = await traceFdDance(flags);
    const text = fs.readFileSync(trace, 'utf8');
    assert.match(text, /close_range\(3, 3, 0\)\s+= 0/, 'the trace shows close_range');
    assert.match(text, /F_DUPFD, 20\)\s+= 20/, 'the trace shows F_DUPFD');
    const report = await analyzeTraceFiles([trace]);
    assert.deepEqual(report.diagnostics, []);
    assert.equal(report.transfers.length, 1, JSON.stringify(report.transfers.map((t) => `${t.source.path} -> ${t.sink.path}`)));
    const [transfer] = report.transfers;
    assert.ok(transfer);
    assert.equal(transfer.strategy, 'read_write');
    assert.deepEqual([transfer.source.kind, transfer.source.path], ['file', src], 'fd 20 is the source file, not the junk file that took fd 3');
    assert.deepEqual([transfer.sink.kind, transfer.sink.path], ['file', dst]);
    assert.equal(transfer.bytes, SIZE);
    assert.deepEqual(transfer.syscalls, { read: 26, write: 25 });
  });
}

for (const flags of [['-f'], ['-f', '-y'], ['-f', '-yy']]) {
  test(`descriptors received with SCM_RIGHTS are the files their sender opened, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-scm-'));
    const bin = buildWorkload(dir, 'pass_fd');
    const src = path.join(dir, 'src.bin');
    const dst = path.join(dir, 'dst.bin');
    fs.writeFileSync(src, Buffer.alloc(SIZE, 'uvwxyz'));
    const recording = await recordStrace([bin, src, dst], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src), 'the child copied the file');
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    assert.match(text, /cmsg_type=SCM_RIGHTS, cmsg_data=\[\d+/, 'the trace shows the descriptors passed');

    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.equal(report.transfers.length, 1, JSON.stringify(report.transfers.map((t) => `${t.source.path} -> ${t.sink.path}`)));
    const [transfer] = report.transfers;
    assert.ok(transfer);
    assert.deepEqual([transfer.source.kind, transfer.source.path], ['file', src]);
    assert.deepEqual([transfer.sink.kind, transfer.sink.path], ['file', dst]);
    assert.deepEqual(transfer.copies, { cpu: 2, dma: 2 });
    assert.equal(transfer.bytes, SIZE);
    assert.deepEqual(transfer.syscalls, { read: 3, write: 2 });
  });
}

for (const flags of [['-f'], ['-f', '-yy']]) {
  test(`a timerfd's and a signalfd's 8-byte events logged to a file are no transfer, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-anon-'));
    const bin = buildWorkload(dir, 'timer_log');
    const log = path.join(dir, 'ticks.bin');
    const recording = await recordStrace([bin, log], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.equal(fs.statSync(log).size, 20 * 8 + 4, 'the program logged every tick and the signal');
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    assert.match(text, /timerfd_create\(CLOCK_MONOTONIC, TFD_CLOEXEC\) = \d+/);
    assert.match(text, /signalfd4\(-1, /);

    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(report.transfers.map((t) => `${t.source.path} -> ${t.sink.path}`), []);
    const reads = text.match(/^\d+ +read\(/gm)?.length ?? 0;
    assert.ok(reads >= 21, 'the ticks, the signal and the loader');
    assert.equal(report.summary.bySyscall.read?.calls, reads, 'the reads are still counted');
  });
}

test('two senders pass a file each over unix sockets connected by path, strace -f: no file is taken for the other', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-scm-two-'));
  const bin = buildWorkload(dir, 'pass_fds_two_senders');
  const [a, b, outA, outB] = ['alpha.bin', 'beta.bin', 'out_alpha.bin', 'out_beta.bin'].map((name) => path.join(dir, name));
  fs.writeFileSync(a, Buffer.alloc(50_000, 'alpha'));
  fs.writeFileSync(b, Buffer.alloc(70_000, 'beta'));
  const recording = await recordStrace([bin, path.join(dir, 'sock'), a, b, outA, outB], { flags: ['-f'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual([fs.statSync(outA).size, fs.statSync(outB).size], [50_000, 70_000]);
  const report = await analyzeTraceFiles([recording.tracePath]);
  for (const t of report.transfers.filter((x) => x.sink.path === outA || x.sink.path === outB)) {
    const wrong = t.sink.path === outA ? b : a;
    assert.notEqual(t.source.path, wrong, `${t.source.path} -> ${t.sink.path}`);
  }
  assert.deepEqual(report.transfers.filter((t) => t.sink.path === outA || t.sink.path === outB).map((t) => t.bytes).sort((x, y) => (x ?? 0) - (y ?? 0)), [50_000, 70_000]);
});
