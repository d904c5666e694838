// A first in-kernel attempt that moves nothing is no transfer of its own. cat(1), mv(1) across
// filesystems and Go's io.Copy try copy_file_range first; the kernel refuses some pairs (EBADF into
// an O_APPEND file, EXDEV, EINVAL into a pipe) and the program falls back to read/write. The failed
// call belongs to the read/write transfer that follows (its mode switches count), that transfer's
// source is not "page cache warm" because of it, and copy_file_range is not advised to a program it
// just failed for. Recorded here with real strace and test/workloads/cfr_fallback.c.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';

const SIZE = 300_000; // 5 reads of 64 KiB (the last one short), then EOF

async function record(mode: 'append' | 'trunc' | 'splice', size: number, flags: string[]): Promise<{ trace: string; src: string; dst: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-fallback-'));
  const bin = buildWorkload(dir, 'cfr_fallback');
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  fs.writeFileSync(src, Buffer.alloc(size, 'fallback'));
  const recording = await recordStrace([bin, src, dst, mode], { flags, outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  return { trace: recording.tracePath, src, dst };
}

for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f']]) {
  test(`copy_file_range refused (EBADF, O_APPEND), then read/write: one read_write transfer, strace ${flags.join(' ')}`, async () => {
    const { trace, src, dst } = await record('append', SIZE, flags);
    assert.match(fs.readFileSync(trace, 'utf8'), /copy_file_range\(.*\) += -1 EBADF/, 'the kernel refused');
    const report = await analyzeTraceFiles([trace]);
    assert.deepEqual(report.diagnostics, []);
    assert.equal(report.transfers.length, 1, JSON.stringify(report.transfers.map((t) => `${t.strategy} ${t.source.path} -> ${t.sink.path} ${t.bytes}`)));
    const [transfer] = report.transfers;
    assert.ok(transfer);
    assert.deepEqual([transfer.strategy, transfer.source.path, transfer.sink.path, transfer.bytes], ['read_write', src, dst, SIZE]);
    assert.deepEqual(transfer.syscalls, { copy_file_range: 1, read: 6, write: 5 });
    assert.equal(transfer.modeSwitches, 24);
    assert.deepEqual(transfer.copies, { cpu: 2, dma: 2 }, 'page cache cold: nothing read the file before');
    assert.notEqual(transfer.recommendation?.strategy, 'copy_file_range');
    assert.ok(transfer.assumptions.some((a) => a.includes('tried copy_file_range first')), transfer.assumptions.join('; '));
  });
}

test('splice refused file -> file (EINVAL: neither end a pipe, as pv tries it), then read/write: one read_write transfer with the splice in it', async () => {
  const { trace, src, dst } = await record('splice', SIZE, ['-f', '-ttt', '-T', '-yy']);
  assert.match(fs.readFileSync(trace, 'utf8'), /splice\(.*\) += -1 EINVAL/, 'the kernel refused');
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(report.transfers.map((t) => [t.strategy, t.source.path, t.sink.path, t.bytes, t.syscalls]), [['read_write', src, dst, SIZE, { splice: 1, read: 6, write: 5 }]]);
  const [transfer] = report.transfers;
  assert.equal(transfer?.modeSwitches, 24);
  assert.ok(transfer?.assumptions.some((a) => a.includes('tried splice first')), transfer?.assumptions.join('; '));
});

test('copy_file_range of an empty file returns 0: no transfer, the call still counted', async () => {
  const { trace } = await record('trunc', 0, ['-f', '-ttt', '-T', '-yy']);
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(report.transfers.map((t) => `${t.strategy} ${t.source.path} -> ${t.sink.path}`), []);
  assert.deepEqual(report.summary.bySyscall.copy_file_range && [report.summary.bySyscall.copy_file_range.calls, report.summary.bySyscall.copy_file_range.errors], [1, 0]);
});

test('copy_file_range that works (not refused): its own transfer, as before', async () => {
  const { trace, src, dst } = await record('trunc', SIZE, ['-f', '-ttt', '-T', '-yy']);
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.transfers.map((t) => [t.strategy, t.source.path, t.sink.path, t.bytes, t.syscalls]), [['copy_file_range', src, dst, SIZE, { copy_file_range: 2 }]]);
});
