// Threads under perf trace. perf prints clone3's flags as a pointer, so whether glibc's clone3 made a
// thread (pthread_create) or a process (posix_spawn) is not printed: a clone3 child that has not called
// execve when its clone returns is taken for a thread (one fd table, one process). And perf drains each
// CPU's buffer in turn, so another thread's call may be printed after calls that ended later: the
// analysis puts perf's calls back in the order they ended (perf-order.ts).
// Programs: test/workloads/thread_handoff.c (reads on one thread, writes on another; with `late`, the
// threads made before the descriptors they copy between), one_write_two_sources.c (two threads
// pread halves, the main thread writes the whole buffer); each recorded here with real perf trace,
// and with strace for comparison. Plus two unedited recordings: Node's fs streams on libuv's pool and
// a Go io.Copy file -> TCP (sendfile on two threads).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { parseTraceFiles } from '../../src/strace-parser';
import type { Transfer } from '../../src/core/report-types';
import { PERF_RECORDING_ATTEMPTS, recordPerfTrace, recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';
import { repoRoot } from './support/corpus';

const SIZE = 1_000_000; // 15 reads of 65536 + one of 16960, then EOF

function rows(transfers: readonly Transfer[]): Array<[string, string, string, string, string, number | null, Record<string, number>]> {
  return transfers.map((t) => [t.strategy, t.source.kind, t.source.path, t.sink.kind, t.sink.path, t.bytes, t.syscalls]);
}

function source(dir: string): string {
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 131 + (i >> 9)) & 0xff)));
  return src;
}

/**
 * Records `argv` under perf trace until perf kept every call the check needs (perf drops events now and
 * then, and names an fd only if it still finds it in /proc when it prints): up to PERF_RECORDING_ATTEMPTS recordings.
 */
async function recordPerfUntil(argv: string[], dir: string, complete: (text: string) => boolean): Promise<string | null> {
  for (let attempt = 1; attempt <= PERF_RECORDING_ATTEMPTS; attempt++) {
    const recording = await recordPerfTrace(argv, { outDir: dir, name: `perf${attempt}` });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    if (complete(fs.readFileSync(recording.tracePath, 'utf8')) || attempt === PERF_RECORDING_ATTEMPTS) return recording.tracePath;
  }
  return null;
}

/** The perf calls of `name` on an fd perf named `nameText` (printed whole, or their start before another thread's line). */
function callsOn(text: string, name: string, nameText: string): number {
  return text.split('\n').filter((line) => line.includes(` ${name}(fd: `) && line.includes(nameText) && /(?:\) += \d+|\.\.\.)$/.test(line.trimEnd())).length;
}

for (const mode of ['file', 'tcp'] as const) {
  const args = (dir: string, src: string): string[] => [src, mode === 'file' ? path.join(dir, 'dst.bin') : 'tcp', 'late'];
  /** The one transfer expected: the sink a file (by its path) or a TCP connection of the program to itself (by its kind: perf prints no address). */
  const expected = (dir: string, src: string): unknown[] => [['read_write', 'file', src, mode, mode === 'file' ? path.join(dir, 'dst.bin') : '(any)', SIZE, { read: 17, write: 16 }]];
  const comparable = (transfers: readonly Transfer[]): unknown[] => rows(transfers).map((r) => (mode === 'tcp' ? [...r.slice(0, 4), '(any)', ...r.slice(5)] : r));

  test(`threads made before the descriptors they copy between (${mode} sink), strace: one transfer`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-late-fd-${mode}-`));
    const bin = buildWorkload(dir, 'thread_handoff', ['-pthread']);
    const src = source(dir);
    const recording = await recordStrace([bin, ...args(dir, src)], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    if (mode === 'file') assert.deepEqual(fs.readFileSync(path.join(dir, 'dst.bin')), fs.readFileSync(src));
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(comparable(report.transfers), expected(dir, src));
  });

  test(`threads made before the descriptors they copy between (${mode} sink), perf trace: one transfer, its sink the ${mode}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-late-fd-perf-${mode}-`));
    const bin = buildWorkload(dir, 'thread_handoff', ['-pthread']);
    const src = source(dir);
    const sinkName = mode === 'file' ? `<${path.join(dir, 'dst.bin')}>` : '<socket:[';
    const trace = await recordPerfUntil([bin, ...args(dir, src)], dir, (text) => callsOn(text, 'read', `<${src}>`) === 17 && callsOn(text, 'write', sinkName) === 16);
    assert.ok(trace !== null);
    const text = fs.readFileSync(trace, 'utf8');
    assert.match(text, /clone3\(uargs: 0x/, 'perf prints clone3\'s flags as a pointer');
    assert.equal(callsOn(text, 'read', `<${src}>`), 17, 'perf kept every read');
    const report = await analyzeTraceFiles([trace]);
    assert.deepEqual(comparable(report.transfers), expected(dir, src));
    // The transfer says what its threads were taken for.
    assert.ok(report.transfers[0]?.assumptions.some((a) => a.startsWith('perf trace prints clone3\'s flags as a pointer')), JSON.stringify(report.transfers[0]?.assumptions));
  });
}

test('reads on one thread, writes on another (descriptors opened first), perf trace: one transfer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-handoff-perf-'));
  const bin = buildWorkload(dir, 'thread_handoff', ['-pthread']);
  const src = source(dir);
  const dst = path.join(dir, 'dst.bin');
  const trace = await recordPerfUntil([bin, src, dst], dir, (text) => callsOn(text, 'read', `<${src}>`) === 17 && callsOn(text, 'write', `<${dst}>`) === 16);
  assert.ok(trace !== null);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(rows(report.transfers), [['read_write', 'file', src, 'file', dst, SIZE, { read: 17, write: 16 }]]);
});

test('two threads each pread half of a file, the main thread writes it whole, perf trace: all of it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-two-threads-perf-'));
  const bin = buildWorkload(dir, 'one_write_two_sources', ['-pthread']);
  const src = source(dir);
  const dst = path.join(dir, 'dst.bin');
  const trace = await recordPerfUntil([bin, 'threads', src, dst], dir, (text) => callsOn(text, 'pread64', `<${src}>`) === 2 && callsOn(text, 'write', `<${dst}>`) === 1);
  assert.ok(trace !== null);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(rows(report.transfers), [['read_write', 'file', src, 'file', dst, SIZE, { pread64: 2, write: 1 }]]);
});

const recorded = (name: string): string => path.join(repoRoot(), 'test', 'fixtures', 'recorded', name);

test('perf trace, Node fs streams on libuv\'s pool: a thread prints a number\'s old name, the file it writes keeps its own', async () => {
  const report = await analyzeTraceFiles([recorded('perf_node_pool_copy.trace')]);
  const dir = '/tmp/hunt7';
  assert.deepEqual(rows(report.transfers), [['read_write', 'file', `${dir}/big.bin`, 'file', `${dir}/out_p_node.bin`, SIZE, { read: 2, write: 1 }]]);
});

test('perf trace, Go io.Copy file -> TCP: sendfile on two threads made by clone3 is one transfer into a TCP socket', async () => {
  const report = await analyzeTraceFiles([recorded('perf_go_copy_sendfile_threads.trace.gz')]);
  assert.deepEqual(rows(report.transfers), [['sendfile', 'file', '/tmp/hunt16/w/rand.bin', 'tcp', 'tcp socket', 8_000_000, { sendfile: 10 }]]);
});

test("perf lost a clone3's start and printed only the parent's `... [continued]: clone3()) = TID`: that call still makes TID a thread (one transfer across threads)", async () => {
  const trace = recorded('perf_clone3_start_lost.trace');
  assert.match(fs.readFileSync(trace, 'utf8').split('\n')[37] ?? '', /thread_handoff\/14483 {2}\.\.\. \[continued\]: clone3\(\)\) += 14484$/);
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(rows(report.transfers), [['read_write', 'file', '/tmp/iolens-late-fd-perf-tcp-77kUDu/src.bin', 'tcp', 'tcp socket', SIZE, { read: 17, write: 16 }]]);
  assert.equal(report.summary.bySyscall.clone3?.calls, 3, 'three threads made');
  assert.deepEqual(report.diagnostics.map((d) => [d.line, d.message]), [[38, '[continued]: clone3() of tid 14483 without its start']]);
});

test('perf trace printed calls out of the order they ended (a close before another thread\'s last write, a write before its read): one transfer of every byte', async () => {
  const report = await analyzeTraceFiles([recorded('perf_threads_printed_out_of_order.trace')]);
  assert.deepEqual(rows(report.transfers), [['read_write', 'file', '/tmp/lf/src.bin', 'file', '/tmp/lf/dst2.bin', SIZE, { read: 17, write: 16 }]]);
});

// `cat`: posix_spawnp's failed execve calls (PATH) come before the clone returns; a path: one execve,
// which ends after the parent's clone3 returned (CLONE_VFORK wakes the parent during the exec).
for (const cat of ['cat', '/bin/cat']) test(`posix_spawn under perf trace (clone3 with CLONE_VFORK, file actions before execve), ${cat}: the child is a process of its own, its dup2 is not its parent's`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-spawn-perf-'));
  const bin = buildWorkload(dir, 'spawn_copy');
  const a = path.join(dir, 'a.bin');
  const b = path.join(dir, 'b.bin');
  const out = path.join(dir, 'out.bin');
  fs.writeFileSync(a, Buffer.alloc(300_000, 7));
  fs.writeFileSync(b, Buffer.alloc(200_000, 9));
  for (let attempt = 1; attempt <= PERF_RECORDING_ATTEMPTS; attempt++) {
    const stdout = path.join(dir, `stdout${attempt}.bin`);
    const recording = await recordPerfTrace([bin, cat, a, out, b], { outDir: dir, name: `perf${attempt}`, stdoutFile: stdout });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    assert.deepEqual(fs.readFileSync(out), fs.readFileSync(a));
    assert.deepEqual(fs.readFileSync(stdout), fs.readFileSync(b));
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    assert.match(text, /clone3\(uargs: 0x/);
    // perf kept the child's dup2 and the parent's four writes (it drops events now and then).
    if ((!/ dup2\(oldfd: \d+.*newfd: 1/.test(text) || (text.match(/ write\(fd: 1\b.*count: \d+\) += \d+$/gm) ?? []).length !== 4) && attempt < PERF_RECORDING_ATTEMPTS) continue;
    const report = await analyzeTraceFiles([recording.tracePath]);
    const parent = Number(/^\s*[\d.?]+ \([^)]*\): [^/]*\/(\d+) /m.exec(text)?.[1]);
    // perf names a descriptor from its per-thread cache: the sources' names may be stale, the sinks are
    // what this checks. The child's copy goes into out.bin (its fd 1 after dup2); the parent's into its
    // own stdout, never out.bin.
    const child = report.transfers.filter((t) => t.pid !== parent);
    const own = report.transfers.filter((t) => t.pid === parent);
    assert.deepEqual(child.map((t) => [t.sink.path, t.bytes]), [[out, 300_000]], JSON.stringify(rows(report.transfers)));
    assert.deepEqual(own.map((t) => t.bytes), [200_000], JSON.stringify(rows(report.transfers)));
    assert.notEqual(own[0]?.sink.path, out);
    assert.deepEqual(report.transfers.filter((t) => t.assumptions.some((a) => a.includes('clone3'))), [], 'the spawned child is no thread');
    return;
  }
});

test('perf trace printed a negative duration as an unsigned one (18446744073708.906 ms): no duration, and the order is kept for the calls after it', async () => {
  const file = recorded('perf_forks_then_threads.trace.gz');
  const clones: Array<number | null> = [];
  await parseTraceFiles([file], {
    event: (e) => {
      if (e.type === 'syscall' && e.line === 833) clones.push(e.duration);
      if (e.type === 'syscall' && e.duration !== null) assert.ok(e.duration < 1e6, `line ${e.line}: ${e.duration} s`);
    },
    diagnostic: () => undefined,
  });
  assert.deepEqual(clones, [null], 'the clone of line 833 has no duration');
  const report = await analyzeTraceFiles([file]);
  const w = '/tmp/rev22/w';
  // late_fd_threads (thread_handoff.c's `late` mode, as it was named then), then gonet: three files served over TCP (sendfile) to three clients that save
  // them (recv_write), and two goroutines copying a file each.
  const bySink = report.transfers.filter((t) => t.sink.kind === 'file').map((t) => [t.sink.path, t.strategy, t.bytes]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  assert.deepEqual(bySink, [
    [`${w}/o_go_ff3.bin`, 'read_write', 3_000_000],
    [`${w}/o_go_ff4.bin`, 'read_write', 4_000_000],
    [`${w}/o_go_tcp1.bin`, 'recv_write', 1_000_000],
    [`${w}/o_go_tcp2.bin`, 'recv_write', 2_000_000],
    [`${w}/o_go_tcp3.bin`, 'recv_write', 3_000_000],
    [`${w}/o_lf.bin`, 'read_write', SIZE],
  ], JSON.stringify(rows(report.transfers)));
  assert.deepEqual(report.transfers.filter((t) => t.sink.kind === 'tcp').map((t) => [t.strategy, t.bytes]).sort(), [['sendfile', 1_000_000], ['sendfile', 2_000_000], ['sendfile', 3_000_000]]);
});

test('perf trace of nginx: the loader\'s reads of a library (mapped PROT_EXEC after), named by perf as the error log that later took its number, are no transfer', async () => {
  const report = await analyzeTraceFiles([recorded('perf_nginx_proxy_buffering_off.trace.gz')]);
  const fromLog = report.transfers.filter((t) => t.source.path.endsWith('.err'));
  assert.deepEqual(fromLog.map((t) => [t.sink.path, t.bytes, t.syscalls]), [], JSON.stringify(rows(report.transfers)));
  assert.deepEqual(report.transfers.filter((t) => t.source.path === '/tmp/hunt19/www/big.bin').map((t) => [t.strategy, t.bytes]), [['read_write', 3_000_000]]);
});
