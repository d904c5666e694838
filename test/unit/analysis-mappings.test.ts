// Which mapping a write sends from (io-model.md, mmap_write): strace prints no buffer address, so a
// write that no read explains is taken from the process's newest read-only mapping of another file.
// Recorded here with real strace:
// - test/workloads/shm_state_log.c keeps its state in POSIX shared memory mapped PROT_WRITE and
//   MAP_SHARED (PostgreSQL's /dev/shm segments) and writes a log of its own making: a writable shared
//   mapping is memory the program writes through, no file it sends from (every write of a PostgreSQL
//   server was an mmap_write from /dev/shm, 14 MB of WAL from a 1 MiB segment);
// - test/workloads/mmap_socketpair_send.c sends a mapped file on one end of a socketpair while a
//   thread receives on the other end: strace prints the thread's recv, with the send's first bytes,
//   before the send's result, and that read is no source of the send (it was a 1.2 MiB relay
//   between the two ends plus a short mmap_write); mapped read-write and shared (Python's mmap of a
//   file opened "r+b"), a file that was there is still the source: only a file the program created
//   (O_CREAT/O_TRUNC) or shared memory under /dev/shm is memory it writes through.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { buildWorkload, describeTransfers } from './support/programs';

test('a log written while a POSIX shared-memory segment is mapped read-write: no mmap_write from the segment', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-shm-'));
  const bin = buildWorkload(dir, 'shm_state_log');
  const log = path.join(dir, 'server.log');
  const segment = `/iolens-test-${process.pid}`;
  const recording = await recordStrace([bin, segment, log, '3000'], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.equal(fs.readFileSync(log, 'utf8').split('\n').length - 1, 3000);
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  assert.match(text, /mmap\(NULL, 1048576, PROT_READ\|PROT_WRITE, MAP_SHARED, \d+<\/dev\/shm\/iolens-test-/, 'the segment is mapped shared and writable');
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(report.transfers, [], describeTransfers(report.transfers));
});

for (const mapping of ['read-only', 'read-write shared'] as const) {
  test(`a file mapped ${mapping} sent on a socketpair while a thread receives on the other end: one mmap_write, the peer is no source`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-mmap-pair-'));
    const bin = buildWorkload(dir, 'mmap_socketpair_send', ['-pthread']);
    const src = path.join(dir, 'src.bin');
    const size = 2_000_000;
    fs.writeFileSync(src, Buffer.from(Array.from({ length: size }, (_, i) => (i * 7919 + (i >> 9)) & 0xff)));
    const chunk = 262_144;
    // Read-write and shared, as Python's mmap.mmap(f.fileno(), 0) maps a file opened "r+b": a file that was there is still a source.
    const mode = mapping === 'read-only' ? [] : ['rw'];
    const recording = await recordStrace([bin, src, String(chunk), ...mode], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    if (mapping !== 'read-only') assert.match(fs.readFileSync(recording.tracePath, 'utf8'), /mmap\(NULL, 2000000, PROT_READ\|PROT_WRITE, MAP_SHARED, /);
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(
      report.transfers.map((t) => [t.strategy, t.source.path, t.sink.kind, t.bytes, t.syscalls]),
      [['mmap_write', src, 'unix', size, { mmap: 1, sendto: Math.ceil(size / chunk) }]],
      describeTransfers(report.transfers),
    );
  });
}
