// A copy that moves between threads of one process (a Go goroutine, a pooled task) is one transfer
// (io-model.md: "inside one process (or thread group)"). test/workloads/thread_handoff.c reads on
// one thread and writes on another, turn by turn; built and traced here with real strace, with and
// without -yy. (Go moves a goroutine to another thread now and then: the ext-host Go hover test
// split its read/write loop in two and lost a chunk in about one run in fifteen before this.)
// A worker that reads a file and ends leaves its bytes to the process (thread_reads_then_exits.c),
// and so do four that each read a part (parallel_reads.c).
// A response header one thread writes belongs to the sendfile a pool thread makes next (nginx with
// `aio threads`: test/workloads/header_then_thread_sendfile.c).
// And the other way round, test/workloads/thread_turns.c: threads whose calls interleave but whose
// bytes do not cross (a thread pool) keep their own transfers.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';
import { repoRoot } from './support/corpus';

const SIZE = 1_000_000; // 15 reads of 65536 + one of 16960, then EOF

/** The tids that made each call of `name` in a `strace -f` trace (first column). */
function tidsOf(traceText: string, name: string): Set<number> {
  const tids = new Set<number>();
  // strace pads the pid column (`5863  1795326577.585220 read(`).
  for (const m of traceText.matchAll(new RegExp(`^(\\d+) +[\\d.]+ (?:${name}\\(|<\\.\\.\\. ${name} resumed>)`, 'gm'))) tids.add(Number(m[1]));
  return tids;
}

// -X raw prints clone3's flags as a number (`flags=0x3d0f00`): CLONE_THREAD is its bit 0x10000.
for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f', '-ttt', '-T'], ['-f', '-ttt', '-T', '-X', 'raw']]) {
  test(`reads on one thread, writes on another: one transfer, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-threads-'));
    const bin = buildWorkload(dir, 'thread_handoff', ['-g', '-pthread']);
    const src = path.join(dir, 'src.bin');
    const dst = path.join(dir, 'dst.bin');
    fs.writeFileSync(src, Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 131) & 0xff)));
    const recording = await recordStrace([bin, src, dst], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src), 'the program copied the file');

    const text = fs.readFileSync(recording.tracePath, 'utf8');
    // The main thread (first line) reads only the loader's files; the two threads it makes do the copy.
    const leader = Number(/^\d+/.exec(text)?.[0]);
    const readers = [...tidsOf(text, 'read')].filter((tid) => tid !== leader);
    const writers = [...tidsOf(text, 'write')].filter((tid) => tid !== leader);
    assert.equal(readers.length, 1, `one thread reads: ${readers}`);
    assert.equal(writers.length, 1, `one thread writes: ${writers}`);
    const [readerTid] = readers;
    const [writerTid] = writers;
    assert.ok(readerTid !== undefined && writerTid !== undefined && readerTid !== writerTid, 'reads and writes on two threads');
    if (flags.includes('raw')) {
      const raw = /clone3\(\{flags=(0x[0-9a-f]+)/.exec(text)?.[1];
      assert.ok(raw !== undefined && (Number(raw) & 0x10000) !== 0, `the threads are made with CLONE_THREAD (${raw})`);
    } else assert.match(text, /clone3?\([^\n]*CLONE_THREAD/, 'the threads are made with CLONE_THREAD');
    assert.match(text, new RegExp(`(?:clone3?\\(|<\\.\\.\\. clone3? resumed>)[^\\n]*= ${writerTid}\\b`), 'the writer is a thread the trace shows created');

    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.equal(report.transfers.length, 1, JSON.stringify(report.transfers.map((t) => `${t.pid} ${t.source.path} -> ${t.sink.path} ${t.bytes}`)));
    const [transfer] = report.transfers;
    assert.ok(transfer);
    assert.equal(transfer.strategy, 'read_write');
    assert.deepEqual([transfer.source.kind, transfer.source.path], ['file', src]);
    assert.deepEqual([transfer.sink.kind, transfer.sink.path], ['file', dst]);
    assert.equal(transfer.bytes, SIZE);
    // Every read, the EOF one too, and every write: all of them made on two threads.
    assert.deepEqual(transfer.syscalls, { read: 17, write: 16 });
    assert.ok([readerTid, writerTid].includes(transfer.pid), `the transfer is under one of the two threads (pid ${transfer.pid})`);
    assert.equal(transfer.instances ?? 1, 1, 'one transfer, not two folded together');
  });
}

/** Builds test/workloads/thread_turns.c, runs it under strace with `args` (file names relative to its folder), and analyzes the trace. */
async function traceTurns(args: string[], files: Record<string, Buffer>): Promise<{ dir: string; transfers: Array<{ pid: number; strategy: string; bytes: number | null; syscalls: Record<string, number>; from: string; to: string }> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-turns-'));
  const bin = buildWorkload(dir, 'thread_turns', ['-g', '-pthread']);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const recording = await recordStrace([bin, args[0] ?? '', ...args.slice(1).map((a) => path.join(dir, a))], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const transfers = report.transfers.map((t) => ({ pid: t.pid, strategy: t.strategy, bytes: t.bytes, syscalls: t.syscalls, from: path.basename(t.source.path), to: path.basename(t.sink.path) }));
  return { dir, transfers };
}

test('a thread pool: a reply written back where the request came from takes no other thread\'s bytes', async () => {
  // Thread 1 reads a request, thread 2 reads a file, thread 1 replies on the request's descriptor,
  // thread 2 writes the file's bytes out: one transfer, the file's, whole.
  const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff));
  const { dir, transfers } = await traceTurns(['reply', 'req.txt', 'data.bin', 'out.bin'], { 'req.txt': Buffer.from('GET /a HTTP/1.1\r\n\r\n'), 'data.bin': data });
  assert.deepEqual(fs.readFileSync(path.join(dir, 'out.bin')), data);
  assert.deepEqual(
    transfers.map(({ strategy, bytes, syscalls, from, to }) => ({ strategy, bytes, syscalls, from, to })),
    [{ strategy: 'read_write', bytes: 4096, syscalls: { read: 2, write: 1 }, from: 'data.bin', to: 'out.bin' }],
  );
});

test('a thread pool: a thread writing from its own mapping is not given another thread\'s read', async () => {
  const { transfers } = await traceTurns(['mmap', 'a.bin', 'c.bin', 'out1.bin', 'out2.bin'], { 'a.bin': Buffer.alloc(4096, 0x41), 'c.bin': Buffer.alloc(4096, 0x43) });
  assert.deepEqual(
    transfers.map(({ strategy, bytes, syscalls, from, to }) => ({ strategy, bytes, syscalls, from, to })),
    [
      { strategy: 'mmap_write', bytes: 4096, syscalls: { mmap: 1, write: 1 }, from: 'a.bin', to: 'out1.bin' },
      { strategy: 'read_write', bytes: 4096, syscalls: { read: 2, write: 1 }, from: 'c.bin', to: 'out2.bin' },
    ],
  );
  assert.notEqual(transfers[0]?.pid, transfers[1]?.pid, 'each under its own thread');
});

test('a worker thread reads the file and ends; the main thread writes it: one transfer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-thread-exits-'));
  const bin = buildWorkload(dir, 'thread_reads_then_exits', ['-g', '-pthread']);
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 151 + (i >> 10)) & 0xff)));
  const recording = await recordStrace([bin, src, dst], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  const leader = Number(/^\d+/.exec(text)?.[0]);
  assert.deepEqual([...tidsOf(text, 'write')].filter((tid) => tid === leader), [leader], 'the main thread writes');
  assert.ok([...tidsOf(text, 'read')].some((tid) => tid !== leader), 'another thread reads');
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  assert.equal(report.transfers.length, 1, JSON.stringify(report.transfers.map((t) => `${t.source.path} -> ${t.sink.path} ${t.bytes}`)));
  assert.deepEqual([report.transfers[0]?.source.path, report.transfers[0]?.sink.path, report.transfers[0]?.bytes], [src, dst, SIZE]);
});

test('four threads pread parts of a file and end; the main thread writes it: one transfer of every byte', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-parallel-reads-'));
  const bin = buildWorkload(dir, 'parallel_reads', ['-g', '-pthread']);
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 157 + (i >> 11)) & 0xff)));
  const recording = await recordStrace([bin, src, dst], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  assert.equal(report.transfers.length, 1, JSON.stringify(report.transfers.map((t) => `${t.source.path} -> ${t.sink.path} ${t.bytes}`)));
  assert.deepEqual([report.transfers[0]?.bytes, report.transfers[0]?.syscalls.write], [1 << 20, 16]);
});

test('a thread that ends before strace prints the clone3 result making it one: its unsent bytes are still its process\'s', async () => {
  // Recorded by the test above in a CI run under load (test/fixtures/recorded/README.md).
  const trace = path.join(repoRoot(), 'test', 'fixtures', 'recorded', 'strace_thread_exits_before_clone3_result.trace');
  const text = fs.readFileSync(trace, 'utf8');
  assert.ok(text.indexOf('17039 1795354397.414587 +++ exited with 0 +++') < text.indexOf('<... clone3 resumed> => {parent_tid=[0]}, 88) = 17039'));
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(report.transfers.map((t) => [t.pid, t.strategy, t.bytes, t.syscalls]), [[17035, 'read_write', 1 << 20, { pread64: 4, write: 16 }]]);
});

test('a header written by one thread, the file sent by a pool thread: the header is in the sendfile transfer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-aio-threads-'));
  const bin = buildWorkload(dir, 'header_then_thread_sendfile', ['-pthread']);
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, Buffer.alloc(2_000_000, 'aio threads'));
  const port = String(39_000 + (process.pid % 2_000));
  const recording = await recordStrace([bin, port, src], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.match(recording.stderr + fs.readFileSync(recording.tracePath, 'utf8'), /client got 2000\d\d\d bytes/);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const sent = report.transfers.filter((t) => t.source.path === src);
  assert.equal(sent.length, 1, JSON.stringify(report.transfers.map((t) => `${t.strategy} ${t.source.path} -> ${t.sink.path}`)));
  const [transfer] = sent;
  assert.ok(transfer);
  assert.deepEqual([transfer.strategy, transfer.bytes, transfer.syscalls.writev], ['sendfile', 2_000_000, 1]);
  assert.equal(transfer.modeSwitches, 2 * (1 + (transfer.syscalls.sendfile ?? 0)), 'the header writev counts');
});

test('-ff parts: an open that gets the number another thread\'s close freed while it ran keeps its file (merged by when calls take effect)', async () => {
  // Recorded by a helper's hunt (test/fixtures/recorded/README.md).
  const dir = path.join(repoRoot(), 'test', 'fixtures', 'recorded', 'strace_ff_open_during_close');
  const parts = fs.readdirSync(dir).filter((f) => /^t\.\d+$/.test(f)).map((f) => path.join(dir, f));
  assert.equal(parts.length, 65);
  assert.match(fs.readFileSync(path.join(dir, 't.405'), 'utf8'), /^14:29:58\.410704 openat\(AT_FDCWD, "thr\/out9", .*\) = 3 <0\.000313>$/m);
  assert.match(fs.readFileSync(path.join(dir, 't.396'), 'utf8'), /^14:29:58\.410795 close\(3\) /m);
  const report = await analyzeTraceFiles(parts);
  assert.deepEqual(report.diagnostics, []);
  const wrong = report.transfers.filter((t) => t.sink.path !== t.source.path.replace('/in', '/out'));
  assert.deepEqual(wrong.map((t) => [t.pid, t.source.path, t.sink.path]), []);
  assert.equal(report.transfers.length, 64);
});

test('-ff parts: a thread\'s call that ends before the clone making it returns still uses its parent\'s files (a clone takes effect at its start)', async () => {
  // Recorded by a helper's review (test/fixtures/recorded/README.md).
  const dir = path.join(repoRoot(), 'test', 'fixtures', 'recorded', 'strace_ff_thread_ends_call_before_clone_returns');
  const parts = fs.readdirSync(dir).filter((f) => /^tr\.\d+$/.test(f)).map((f) => path.join(dir, f));
  assert.equal(parts.length, 65);
  assert.match(fs.readFileSync(path.join(dir, 'tr.2950'), 'utf8'), /^1795360355\.390768 pread64\(3, .*<0\.000020>$/m);
  const report = await analyzeTraceFiles(parts);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(
    report.transfers.map((t) => [path.basename(t.source.path), path.basename(t.sink.path), t.bytes, t.syscalls]),
    [['rand1m', 'thr64_out', 262_144, { pread64: 64, pwrite64: 64 }]],
  );
});
