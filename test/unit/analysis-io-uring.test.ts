// io_uring rings are their fd's object, not its number (test/workloads/uring_cases.c, traced here
// with real strace): a ring closed and another set up on the same number are two transfers; a file
// that takes the ring's old number is a file again (its mmap is no ring mapping); a ring set up by
// one thread and used by another is still that ring; plain writes of what the ring read count in
// the ring's transfer.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { IoReport } from '../../src/core/report-types';
import { recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';

const CHUNK = 65_536;

async function run(name: string, args: (dir: string) => string[]): Promise<{ dir: string; report: IoReport }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-uring-${name}-`));
  const bin = buildWorkload(dir, 'uring_cases', ['-pthread']);
  for (const [file, size] of [['a.bin', 1_048_576], ['b.bin', 300_000]] as const) {
    fs.writeFileSync(path.join(dir, file), Buffer.alloc(size, file));
  }
  const recording = await recordStrace([bin, ...args(dir)], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  return { dir, report };
}

function rows(report: IoReport): Array<[string, string, string, Record<string, number>]> {
  return report.transfers.map((t) => [t.strategy, path.basename(t.source.path), path.basename(t.sink.path), t.syscalls]);
}

test('two rings, one after the other on the same fd number: two io_uring transfers', async () => {
  const { report } = await run('reuse', (d) => ['reuse', ...['a.bin', 'b.bin', 'out_a', 'out_b'].map((f) => path.join(d, f))]);
  // a.bin: 16 chunks, a read and a write each, plus the EOF read; b.bin: 5 chunks.
  assert.deepEqual(rows(report), [
    ['io_uring', 'a.bin', 'out_a', { io_uring_setup: 1, mmap: 2, io_uring_enter: 2 * Math.ceil(1_048_576 / CHUNK) + 1 }],
    ['io_uring', 'b.bin', 'out_b', { io_uring_setup: 1, mmap: 2, io_uring_enter: 2 * Math.ceil(300_000 / CHUNK) + 1 }],
  ]);
});

test('a file mapped on the fd number a closed ring had: an mmap_write transfer of its own', async () => {
  const { dir, report } = await run('then-mmap', (d) => ['then_mmap', ...['a.bin', 'out_a', 'b.bin', 'out_b'].map((f) => path.join(d, f))]);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'out_b')), fs.readFileSync(path.join(dir, 'b.bin')));
  const mapped = report.transfers.find((t) => t.strategy === 'mmap_write');
  assert.ok(mapped, JSON.stringify(rows(report)));
  assert.deepEqual([path.basename(mapped.source.path), path.basename(mapped.sink.path), mapped.bytes, mapped.syscalls], ['b.bin', 'out_b', 300_000, { mmap: 1, write: 5 }]);
});

test('a ring set up by the main thread and used by another thread: its transfer', async () => {
  const { report } = await run('thread', (d) => ['thread', path.join(d, 'a.bin'), path.join(d, 'out_a')]);
  assert.deepEqual(rows(report), [['io_uring', 'a.bin', 'out_a', { io_uring_setup: 1, mmap: 2, io_uring_enter: 2 * Math.ceil(1_048_576 / CHUNK) + 1 }]]);
});

test('a thread that uses its parent\'s ring before strace prints the clone3 result: still that ring', async () => {
  // Recorded by the test above in a run under load (test/fixtures/recorded/README.md).
  const trace = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'recorded', 'strace_thread_uses_ring_before_clone3_result.trace');
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  assert.match(lines[46], /^11142 .* io_uring_enter\(5<anon_inode:\[io_uring\]>/);
  assert.match(lines[48], /<\.\.\. clone3 resumed> .* = 11142 /);
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(rows(report), [['io_uring', 'a.bin', 'out_a', { io_uring_setup: 1, mmap: 2, io_uring_enter: 2 * Math.ceil(1_048_576 / CHUNK) + 1 }]]);
  assert.equal(report.transfers[0]?.lines[0], 32, 'from the io_uring_setup');
});

test('reads through the ring, plain writes of them: the writes count in the ring transfer', async () => {
  const { report } = await run('mixed', (d) => ['mixed', path.join(d, 'a.bin'), path.join(d, 'out_a')]);
  const chunks = Math.ceil(1_048_576 / CHUNK);
  assert.deepEqual(rows(report), [['io_uring', 'a.bin', 'out_a', { io_uring_setup: 1, mmap: 2, io_uring_enter: chunks + 1, write: chunks }]]);
  assert.ok(report.transfers[0]?.assumptions.some((a) => a.startsWith('plain writes to the sink sent 1048576 bytes')));
});
