// What the kernel does with zero-copy calls in cases the common paths do not cover, on real programs
// traced here with real strace (test/workloads):
// - splice_fork.c: a parent splices a file into a pipe that its child drains: the parent's transfer
//   (file -> pipe) has the bytes it spliced;
// - sendfile_pipe.c: sendfile into a pipe takes the splice path (page references): no CPU copy;
// - epipe_copy.c: the read whose write then fails with EPIPE belongs to the transfer;
// - zc_modes.c: MSG_ZEROCOPY over UDP to an address (the completion and setsockopt belong to the
//   transfer to that address), over loopback TCP with no completion read (loopback copies), and by
//   sendmsg with four iovecs of a file read whole and closed (paired by the printed iovecs);
// - zc_memory.c: MSG_ZEROCOPY sends of a buffer made in memory (the kernel's selftest): from memory;
// - zc_refused.c: setsockopt(SO_ZEROCOPY) fails on an AF_UNIX socket, so the kernel ignores
//   MSG_ZEROCOPY: the sends copy like plain ones.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { IoReport, Transfer } from '../../src/core/report-types';
import { recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';

const MB = 1_048_576;

function setUp(name: string, size: number): { dir: string; bin: string; src: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-${name}-`));
  const src = path.join(dir, 'src.bin');
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + (i >> 9)) & 0xff;
  fs.writeFileSync(src, bytes);
  return { dir, bin: buildWorkload(dir, name), src };
}

async function traced(argv: string[], dir: string): Promise<IoReport> {
  const recording = await recordStrace(argv, { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir, cwd: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  return report;
}

function find(report: IoReport, predicate: (t: Transfer) => boolean): Transfer {
  const found = report.transfers.find(predicate);
  assert.ok(found, JSON.stringify(report.transfers.map((t) => `${t.strategy} ${t.source.path} -> ${t.sink.path} ${t.bytes} ${JSON.stringify(t.syscalls)}`)));
  return found;
}

test('a file spliced into a pipe that a child process drains: the parent transfer has its bytes', async () => {
  const { dir, bin, src } = setUp('splice_fork', MB);
  const dst = path.join(dir, 'dst.bin');
  const report = await traced([bin, src, dst], dir);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const fed = find(report, (t) => t.source.path === src);
  assert.deepEqual([fed.strategy, fed.sink.kind, fed.bytes, fed.syscalls], ['splice', 'pipe', MB, { splice: 17 }]);
  assert.equal(fed.chunks?.count, 16);
  const drained = find(report, (t) => t.sink.path === dst);
  assert.equal(drained.bytes, MB);
});

test('sendfile into a pipe: the splice path, no CPU copy', async () => {
  const { dir, bin, src } = setUp('sendfile_pipe', MB);
  const dst = path.join(dir, 'dst.bin');
  const report = await traced([bin, src, dst], dir);
  const toPipe = find(report, (t) => t.source.path === src && t.sink.kind === 'pipe');
  assert.deepEqual([toPipe.strategy, toPipe.bytes, toPipe.copies], ['sendfile', MB, { cpu: 0, dma: 1 }]);
  assert.ok(toPipe.assumptions.some((a) => a.includes('splice path')), toPipe.assumptions.join('; '));
  const toFile = find(report, (t) => t.source.path === src && t.sink.path === `${dst}.2`);
  assert.equal(toFile.copies.cpu, 1, 'sendfile into a file still copies page cache -> page cache');
});

test('a copy whose last write fails with EPIPE: the read before it is a call of the transfer', async () => {
  const { dir, bin, src } = setUp('epipe_copy', MB);
  const dst = path.join(dir, 'dst.bin');
  const report = await traced([bin, src, dst], dir);
  const text = fs.readFileSync(path.join(dir, 'trace.strace'), 'utf8');
  const reads = (text.match(new RegExp(`read\\(\\d+<${src.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}>`, 'g')) ?? []).length;
  assert.match(text, /= -1 EPIPE/, "the last write failed");
  const copy = find(report, (t) => t.source.path === src);
  assert.equal(copy.syscalls.read, reads, 'every read of the source');
  assert.equal(copy.modeSwitches, 2 * (reads + (copy.syscalls.write ?? 0)));
});

test('MSG_ZEROCOPY datagrams sent to an address: setsockopt and the completion (copied) are that transfer\'s', async () => {
  const { dir, bin, src } = setUp('zc_modes', 300_000);
  const port = String(31_000 + (process.pid % 2_000));
  const report = await traced([bin, 'udp', port, src], dir);
  const sent = find(report, (t) => t.source.path === src);
  assert.equal(sent.strategy, 'msg_zerocopy');
  assert.equal(sent.sink.path, `127.0.0.1:${port}`);
  assert.equal(sent.syscalls.setsockopt, 1);
  assert.ok((sent.syscalls.recvmsg ?? 0) >= 1, 'the completion read');
  assert.deepEqual(sent.copies, { cpu: 2, dma: 1 }, 'loopback: the completion says the kernel copied');
});

test('MSG_ZEROCOPY over loopback TCP with the error queue never read: loopback copies', async () => {
  const { dir, bin, src } = setUp('zc_modes', 300_000);
  const port = String(33_000 + (process.pid % 2_000));
  const report = await traced([bin, 'tcp-none', port, src], dir);
  const sent = find(report, (t) => t.source.path === src);
  assert.equal(sent.strategy, 'msg_zerocopy');
  assert.equal(sent.syscalls.recvmsg, undefined, 'no completion read');
  assert.deepEqual(sent.copies, { cpu: 2, dma: 1 });
  assert.ok(sent.assumptions.some((a) => a.startsWith('loopback: the kernel copies MSG_ZEROCOPY')), sent.assumptions.join('; '));
});

test('setsockopt(SO_ZEROCOPY) refused on an AF_UNIX socket: MSG_ZEROCOPY sends copy like plain ones', async () => {
  const { dir, bin, src } = setUp('zc_refused', 300_000);
  const report = await traced([bin, 'unix', src], dir);
  // (strace may split the call into `<unfinished ...>` and `<... setsockopt resumed>` lines.)
  assert.match(fs.readFileSync(path.join(dir, 'trace.strace'), 'utf8'), /setsockopt(?:\(| resumed>).*= -1 EOPNOTSUPP/);
  const sent = find(report, (t) => t.source.path === src);
  assert.equal(sent.strategy, 'read_write');
  assert.deepEqual(sent.copies, { cpu: 2, dma: 1 });
  assert.equal(sent.syscalls.setsockopt, 1);
  assert.ok(sent.assumptions.some((a) => a.includes('kernel ignored the flag')), sent.assumptions.join('; '));
});

test('sendmsg of four iovecs from a file read whole and closed: paired by the msghdr\'s printed iovecs', async () => {
  const { dir, bin, src } = setUp('zc_modes', 300_000);
  const port = String(37_000 + (process.pid % 2_000));
  const report = await traced([bin, 'tcp-iov', port, src], dir);
  const text = fs.readFileSync(path.join(dir, 'trace.strace'), 'utf8');
  assert.match(text, /sendmsg\(\d+<TCP:\[[^\]]*\]>, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="/, 'the msghdr is printed');
  const sent = find(report, (t) => t.source.path === src);
  assert.deepEqual([sent.strategy, sent.bytes, sent.syscalls.sendmsg], ['msg_zerocopy', 300_000, 5]);
});

test('MSG_ZEROCOPY sends of a buffer the program filled in memory: a transfer from memory', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-zc-memory-'));
  const bin = buildWorkload(dir, 'zc_memory');
  const port = String(41_000 + (process.pid % 2_000));
  const report = await traced([bin, port], dir);
  const sent = find(report, (t) => t.strategy === 'msg_zerocopy');
  assert.deepEqual([sent.source.kind, sent.sink.kind, sent.bytes, sent.syscalls.sendto], ['memory', 'tcp', MB, 16]);
  assert.equal(sent.copies.cpu, 1, 'loopback: the kernel copied the pinned pages after all');
});
