// Which read a write sends on (io-model.md: "the write follows the read, byte counts agree, and,
// where strace printed buffer contents, the printed prefixes agree"), on real programs traced here
// with real strace:
// - test/workloads/slurp_copy.c reads a whole file before writing it (in chunks, in one write, or
//   three reads per writev behind a header iovec): every unsent read is kept, in order (a file of
//   zeros, whose reads all print alike, too); under perf trace too, where a write is paired by its
//   buffer address (and a log line later written from the same buffer is not the data);
// - coreutils tee(1) writes each read to three sinks: the same bytes fanned out;
// - test/workloads/node_stream_copy.mjs copies on libuv's thread pool, whose threads wake the loop
//   with 8-byte eventfd counters: events, not data;
// - test/workloads/node_http_chunked.mjs serves a file over HTTP with chunked encoding and saves it
//   in the same process: the loop's thread reads the socket, the pool's threads write the file, and
//   the chunk-size lines the reads carry are never written (so a write never begins like its read);
// - test/workloads/go_http_fetch.go fetches a file over HTTP in one process: Go's runtime writes a
//   wake-up byte to a pipe between a read and its write, and moves goroutines between threads;
// - test/workloads/tcp_echo.c echoes an upload back on its own connection while the other end
//   still holds unsent bytes: the echo is a reply, not a transfer from the other end.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { Transfer } from '../../src/core/report-types';
import { PERF_RECORDING_ATTEMPTS, recordPerfTrace, recordStrace } from '../support/record';
import { buildWorkload, describeTransfers, workloadPath } from './support/programs';

const SIZE = 1_000_000; // 15 reads of 65,536 bytes and one of 16,960

/** `size` pseudo-random bytes (no two chunks print alike). */
function pseudoRandomBytes(size: number, seed = 12345): Buffer {
  const bytes = Buffer.alloc(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** A folder with `src.bin` for one test: `size` pseudo-random bytes. */
function workdir(prefix: string, size = SIZE): { dir: string; src: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-${prefix}-`));
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, pseudoRandomBytes(size));
  return { dir, src };
}

async function traceAndAnalyze(argv: string[], dir: string): Promise<Transfer[]> {
  const recording = await recordStrace(argv, { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir, cwd: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  return report.transfers;
}

const SLURP_CASES: Array<{ mode: string; syscalls: Record<string, number> }> = [
  { mode: 'chunks', syscalls: { read: 16, write: 16 } },
  { mode: 'whole', syscalls: { read: 16, write: 1 } },
  // 17 rounds of three reads (10,000 + 20,000 + 30,000 bytes, the last round 10,000 + 20,000 + 10,000),
  // each sent by one writev, then the EOF read.
  { mode: 'gather', syscalls: { read: 52, writev: 17 } },
];

for (const { mode, syscalls } of SLURP_CASES) {
  test(`reads the whole file, then writes it (${mode}): one transfer of every byte`, async () => {
    const { dir, src } = workdir(`slurp-${mode}`);
    const bin = buildWorkload(dir, 'slurp_copy');
    const dst = path.join(dir, 'dst.bin');
    const transfers = await traceAndAnalyze([bin, mode, src, dst], dir);
    const expected = mode === 'gather' ? Buffer.concat(chunksWithHeaders(fs.readFileSync(src))) : fs.readFileSync(src);
    assert.deepEqual(fs.readFileSync(dst), expected, 'the program copied the file');
    assert.equal(transfers.length, 1, describeTransfers(transfers));
    const [transfer] = transfers;
    assert.ok(transfer);
    assert.equal(transfer.strategy, 'read_write');
    assert.deepEqual([transfer.source.path, transfer.sink.path], [src, dst]);
    assert.equal(transfer.bytes, SIZE, 'every byte read is sent on (the header iovecs are not payload)');
    assert.ok(!transfer.assumptions.some((a) => a.includes('-s 0')), transfer.assumptions.join('; '));
    // The chunks and whole modes also count their EOF read (a 17th read) in the transfer.
    const counted = { ...transfer.syscalls };
    if (mode !== 'gather') counted.read = (counted.read ?? 0) - 1;
    assert.deepEqual(counted, syscalls);
  });
}

for (const mode of ['whole', 'chunks']) {
  test(`reads the whole file, closes it, then writes it (${mode}), traced with -s 0: paired by byte counts`, async () => {
    const { dir, src } = workdir(`slurp-s0-${mode}`);
    const bin = buildWorkload(dir, 'slurp_copy');
    const dst = path.join(dir, 'dst.bin');
    const recording = await recordStrace([bin, mode, src, dst], { flags: ['-f', '-ttt', '-T', '-yy'], stringSize: 0, outDir: dir, cwd: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    assert.match(text, /write\(\d+<[^>]*>, ""\.\.\., \d+\)/, '-s 0 prints no byte');
    const report = await analyzeTraceFiles([recording.tracePath]);
    const fromSource = report.transfers.filter((t) => t.source.path === src);
    assert.deepEqual(fromSource.map((t) => [t.sink.path, t.bytes, t.syscalls.write]), [[dst, SIZE, mode === 'whole' ? 1 : 16]], describeTransfers(report.transfers));
    // No printed byte shows the pairing: the transfer says what it rests on.
    assert.ok(fromSource[0].assumptions.some((a) => a.startsWith('strace printed none of the bytes written (-s 0)')), fromSource[0].assumptions.join('; '));
  });
}

test('reads the whole file, then writes it, under perf trace: the writes pair with the reads by buffer address', async () => {
  const { dir, src } = workdir('slurp-perf');
  const bin = buildWorkload(dir, 'slurp_copy');
  const dst = path.join(dir, 'dst.bin');
  // perf trace drops events now and then: a recording that misses one of the program's 16 writes is redone.
  for (let attempt = 1; ; attempt++) {
    const recording = await recordPerfTrace([bin, 'chunks', src, dst], { outDir: dir, name: `perf${attempt}` });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    const writes = (text.match(/ write\(fd: \d+[^)]*count: (?:65536|16960)\) +=/g) ?? []).length;
    // perf names an fd only when it still finds it in /proc as it prints (late): a recording where it
    // named the source nowhere (the program had ended) is redone too.
    if ((writes !== 16 || !text.includes(`<${src}>`)) && attempt < PERF_RECORDING_ATTEMPTS) continue;
    assert.equal(writes, 16, 'perf trace recorded every write');
    const report = await analyzeTraceFiles([recording.tracePath]);
    const fromSource = report.transfers.filter((t) => t.source.path === src);
    assert.equal(fromSource.length, 1, describeTransfers(report.transfers));
    const [transfer] = fromSource;
    assert.ok(transfer);
    assert.equal(transfer.strategy, 'read_write');
    assert.equal(transfer.bytes, SIZE);
    assert.equal(transfer.syscalls.write, 16);
    return;
  }
});

test('a file of zeros read whole, then written in 10,000-byte pieces: every write goes on from the oldest unsent byte', async () => {
  const { dir } = workdir('slurp-zeros');
  const src = path.join(dir, 'zeros.bin');
  fs.writeFileSync(src, Buffer.alloc(SIZE));
  const bin = buildWorkload(dir, 'slurp_copy');
  const dst = path.join(dir, 'dst.bin');
  const transfers = await traceAndAnalyze([bin, 'pieces', src, dst], dir);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  assert.equal(transfers.length, 1, describeTransfers(transfers));
  assert.equal(transfers[0]?.bytes, SIZE, describeTransfers(transfers));
  assert.equal(transfers[0]?.syscalls.write, 100);
});

test('under perf trace, a log line formatted into the buffer a copy used is not a fan-out of the copied bytes', async () => {
  const { dir, src } = workdir('copy-log');
  const bin = buildWorkload(dir, 'copy_then_log');
  const [dst, log] = [path.join(dir, 'dst.bin'), path.join(dir, 'copy.log')];
  // perf trace drops an event now and then (a write's return: the call stays `...` with no result, and
  // its read looks unsent): a recording that lost one of the program's 245 writes to DST is redone.
  for (let attempt = 1; ; attempt++) {
    const recording = await recordPerfTrace([bin, src, dst, log], { outDir: dir, name: `perf${attempt}` });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    assert.equal(fs.readFileSync(log, 'utf8'), `copied ${SIZE} bytes\n`);
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    const writes = (text.match(/ write\(fd: \d+<[^>]*dst\.bin>[^)]*\) += (?:4096|576)$/gm) ?? []).length;
    if (writes !== 245 && attempt < PERF_RECORDING_ATTEMPTS) continue;
    assert.equal(writes, 245, 'perf trace recorded every write to DST with its result');
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.transfers.filter((t) => t.sink.path === log), [], describeTransfers(report.transfers));
    return;
  }
});

/** What slurp_copy's gather mode writes: each round's 60,000 bytes (less at the end) behind `HDR:`. */
function chunksWithHeaders(data: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += 60_000) parts.push(Buffer.from('HDR:'), data.subarray(at, Math.min(at + 60_000, data.length)));
  return parts;
}

test('tee(1) writes each read to three sinks: three transfers of every byte, the read counted once', async () => {
  const { dir, src } = workdir('tee');
  const [one, two] = [path.join(dir, 'one.bin'), path.join(dir, 'two.bin')];
  const transfers = await traceAndAnalyze(['sh', '-c', 'tee one.bin two.bin < src.bin > /dev/null'], dir);
  assert.deepEqual(fs.readFileSync(one), fs.readFileSync(src));
  assert.deepEqual(fs.readFileSync(two), fs.readFileSync(src));
  assert.equal(transfers.length, 3, describeTransfers(transfers));
  const bySink = new Map(transfers.map((t) => [t.sink.path, t]));
  const first = bySink.get('/dev/null');
  assert.ok(first, describeTransfers(transfers));
  const writes = first.syscalls.write ?? 0;
  assert.ok(writes > 1, 'tee copies in several chunks');
  assert.deepEqual([first.source.path, first.bytes, first.copies.cpu], [src, SIZE, 2]);
  assert.equal(first.syscalls.read, writes + 1, 'the reads (and the EOF) are in the first sink transfer');
  for (const sink of [one, two]) {
    const fanned = bySink.get(sink);
    assert.ok(fanned, `${sink}: ${describeTransfers(transfers)}`);
    assert.equal(fanned.source.path, src);
    assert.equal(fanned.bytes, SIZE);
    assert.deepEqual(fanned.syscalls, { write: writes });
    assert.equal(fanned.copies.cpu, 1, 'only the write copies: the read was counted once, in the first transfer');
    assert.ok(fanned.assumptions.some((a) => a.includes('fan-out')), fanned.assumptions.join('; '));
  }
});

test('tee(1) under perf trace: the fan-out is seen by buffer address', async () => {
  const { dir, src } = workdir('tee-perf');
  for (let attempt = 1; ; attempt++) {
    const recording = await recordPerfTrace(['sh', '-c', 'tee one.bin two.bin < src.bin > /dev/null'], { outDir: dir, cwd: dir, name: `perf${attempt}` });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'two.bin')), fs.readFileSync(src));
    const report = await analyzeTraceFiles([recording.tracePath]);
    const sinks = new Map(report.transfers.map((t) => [path.basename(t.sink.path), t]));
    const writes = sinks.get('null')?.syscalls.write;
    // perf trace drops an event now and then: a recording whose three sinks disagree, or that lost a read
    // of stdin (perf leaves its `fd: 0` out), is redone.
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    let readBytes = 0;
    for (const m of text.matchAll(/ read\((?:fd: 0, )?buf: [^)]*\) += (\d+)$/gm)) readBytes += Number(m[1]);
    // (Under load perf also reorders or drops the events of tee's locale-file mappings, which perf names
    // late with the output's name: one write in ~25 such recordings then goes astray; seen in CI.)
    const complete = readBytes === SIZE && writes !== undefined && ['one.bin', 'two.bin'].every((name) => sinks.get(name)?.syscalls.write === writes && sinks.get(name)?.bytes === sinks.get('null')?.bytes);
    if (!complete && attempt < PERF_RECORDING_ATTEMPTS) continue;
    assert.deepEqual([...sinks.keys()].sort(), ['null', 'one.bin', 'two.bin'], describeTransfers(report.transfers));
    for (const name of ['null', 'one.bin', 'two.bin']) assert.equal(sinks.get(name)?.bytes, SIZE, name);
    assert.equal(sinks.get('one.bin')?.copies.cpu, 1);
    return;
  }
});

test('tee(1) with a log line on stderr after each write: still three transfers', async () => {
  const { dir, src } = workdir('tee-log');
  const script = "import os,sys\nsrc=os.open(sys.argv[1],os.O_RDONLY)\nouts=[os.open(p,os.O_WRONLY|os.O_CREAT|os.O_TRUNC,0o644) for p in sys.argv[2:]]\nwhile True:\n c=os.read(src,65536)\n if not c: break\n for fd in outs:\n  os.write(fd,c); os.write(2,b'wrote %d\\n'%len(c))\n";
  const sinks = ['a.bin', 'b.bin', 'c.bin'].map((name) => path.join(dir, name));
  const transfers = await traceAndAnalyze(['python3', '-c', script, src, ...sinks], dir);
  for (const sink of sinks) assert.deepEqual(fs.readFileSync(sink), fs.readFileSync(src));
  const mine = transfers.filter((t) => t.source.path === src);
  assert.deepEqual(mine.map((t) => [path.basename(t.sink.path), t.bytes]).sort(), [['a.bin', SIZE], ['b.bin', SIZE], ['c.bin', SIZE]], describeTransfers(transfers));
});

test("Node's stream copy on libuv's thread pool: one transfer, the eventfd wake-ups are not data", async () => {
  const { dir, src } = workdir('node-pool');
  const dst = path.join(dir, 'dst.bin');
  const transfers = await traceAndAnalyze([process.execPath, workloadPath('node_stream_copy.mjs'), src, dst], dir);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const trace = fs.readFileSync(path.join(dir, 'trace.strace'), 'utf8');
  assert.match(trace, /write\(\d+<anon_inode:\[eventfd\]>, "\\1\\0\\0\\0\\0\\0\\0\\0", 8/, 'the pool wakes the loop through an eventfd');
  assert.equal(transfers.length, 1, describeTransfers(transfers));
  const [transfer] = transfers;
  assert.ok(transfer);
  assert.deepEqual([transfer.strategy, transfer.source.path, transfer.sink.path, transfer.bytes], ['read_write', src, dst, SIZE]);
  // Node reads 64 KiB at a time: 16 reads with data, the EOF, and a write for each chunk.
  assert.deepEqual(transfer.syscalls, { read: 17, write: 16 });
});

/** The trace's calls `name(FD<DECORATION>, ...` (complete or unfinished): a count independent of the analysis. */
function countCalls(trace: string, names: string, decoration: string): number {
  const escaped = decoration.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return trace.match(new RegExp(`\\b(?:${names})\\(\\d+<${escaped}>`, 'g'))?.length ?? 0;
}

for (const stringSize of [32, 64]) {
  test(`Node's HTTP server sends a file with chunked encoding, its client in the same process saves it: both transfers whole, the chunk-size lines read and not written, strace -s ${stringSize}`, async () => {
    const { dir, src } = workdir('node-chunked');
    const dst = path.join(dir, 'dst.bin');
    const recording = await recordStrace([process.execPath, workloadPath('node_http_chunked.mjs'), src, dst], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir, cwd: dir, stringSize });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    const transfers = report.transfers;
    const trace = fs.readFileSync(recording.tracePath, 'utf8');
    assert.match(trace, /(?:read\(\d+<TCP:\[[^\]]*\]>, |<\.\.\. read resumed>)"(?:\\r\\n)?10000\\r\\n/, 'the body comes in chunks of 64 KiB, each behind its size line');
    assert.equal(transfers.length, 2, describeTransfers(transfers));
    // The server: the pool's threads read the file, the loop's thread writes each chunk behind its size line.
    const sent = transfers.find((t) => t.source.path === src);
    assert.ok(sent, describeTransfers(transfers));
    assert.deepEqual([sent.strategy, sent.sink.kind, sent.bytes], ['read_write', 'tcp', SIZE], describeTransfers(transfers));
    assert.deepEqual(sent.syscalls, { read: 17, writev: 16 });
    // The client: the loop's thread reads the socket (status line, header, chunk-size lines and all),
    // the pool's threads write the body: every byte of the file, every read of the socket, every write.
    const received = transfers.find((t) => t.sink.path === dst);
    assert.ok(received, describeTransfers(transfers));
    assert.deepEqual([received.strategy, received.source.kind, received.bytes], ['recv_write', 'tcp', SIZE], describeTransfers(transfers));
    const expected: Record<string, number> = { read: countCalls(trace, 'read', `TCP:[${received.source.path}]`) };
    // fs.WriteStream writes a chunk with write, several it holds with writev.
    for (const name of ['write', 'writev']) if (countCalls(trace, name, dst) > 0) expected[name] = countCalls(trace, name, dst);
    assert.deepEqual(received.syscalls, expected, describeTransfers(transfers));
  });
}

test("Go's HTTP server and client in one process: the fetched body is one transfer, the runtime's wake-up byte is not data", async () => {
  const { dir, src } = workdir('go-http');
  const bin = path.join(dir, 'go_http_fetch');
  // A shared build cache: net/http takes a while to build the first time only.
  const env = { ...process.env, GOCACHE: path.join(os.tmpdir(), 'iolens-test-gocache'), GOPATH: path.join(dir, '.gopath'), GO111MODULE: 'off' };
  execFileSync('go', ['build', '-o', bin, workloadPath('go_http_fetch.go')], { env, timeout: 300_000 });
  const dst = path.join(dir, 'dst.bin');
  const transfers = await traceAndAnalyze([bin, src, dst], dir);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const intoFile = transfers.filter((t) => t.sink.path === dst);
  assert.equal(intoFile.length, 1, describeTransfers(transfers));
  const [body] = intoFile;
  assert.ok(body);
  assert.equal(body.strategy, 'recv_write');
  assert.equal(body.source.kind, 'tcp');
  assert.equal(body.bytes, SIZE, describeTransfers(transfers));
  const trace = fs.readFileSync(path.join(dir, 'trace.strace'), 'utf8');
  const bodyWrites = [...trace.matchAll(new RegExp(`write\\(\\d+<${dst.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>`, 'g'))].length;
  assert.equal(body.syscalls.write, bodyWrites, 'every write into the file is in the transfer');
  assert.deepEqual(
    transfers.filter((t) => t.sink.kind === 'pipe' || t.source.kind === 'pipe' || t.sink.path.startsWith('anon_inode:')),
    [],
    'no transfer into the runtime wake-up pipe or an eventfd',
  );
  // The server sends the file's bytes, no more: the first 512 (sniffed, read again, written behind the
  // header) and the rest with sendfile.
  const served = transfers.filter((t) => t.source.path === src && t.sink.kind === 'tcp');
  assert.equal(served.reduce((sum, t) => sum + (t.bytes ?? 0), 0), SIZE, describeTransfers(transfers));
});

test("a wake-up byte into a pipe the process reads itself is no data, even when a read's unsent rest shows no bytes to contradict it", async () => {
  // Recorded by the Go test above in a run under load (test/fixtures/recorded/README.md).
  const trace = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'recorded', 'strace_go_http_wakeup_after_sniff.trace');
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  assert.match(lines[787] ?? '', /write\(7<pipe:\[8725070\]>, "\\0", 1 <unfinished \.\.\.>$/);
  assert.match(lines[375] ?? '', /pipe2\(\[6<pipe:\[8725070\]>, 7<pipe:\[8725070\]>\]/);
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.transfers.filter((t) => t.sink.kind === 'pipe' || t.source.kind === 'pipe'), [], describeTransfers(report.transfers));
  const body = report.transfers.filter((t) => t.sink.path.endsWith('/dst.bin'));
  assert.deepEqual(body.map((t) => [t.strategy, t.bytes]), [['recv_write', 1_000_000]], describeTransfers(report.transfers));
});

test("a file's bytes read again while their first read is unsent (Go's content sniffing) are sent once: the server's transfers are the file's size", async () => {
  // The same recording: http.ServeContent reads src.bin's first 512 bytes (line 543), seeks back (545),
  // reads them again (548) and writes them behind its 189-byte header in one 701-byte write (549); sendfile
  // sends the rest (555).
  const trace = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'recorded', 'strace_go_http_wakeup_after_sniff.trace');
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  assert.match(lines[544] ?? '', /lseek\(9<[^>]*src\.bin>, 0, SEEK_SET/);
  assert.match(lines[548] ?? '', /write\(8<TCP:.*?>, "HTTP\/1\.1 200 OK\\r\\n.*, 701 <unfinished/);
  const report = await analyzeTraceFiles([trace]);
  const served = report.transfers.filter((t) => t.source.path.endsWith('/src.bin'));
  assert.deepEqual(served.map((t) => [t.strategy, t.bytes, t.sink.kind]), [['read_write', 512, 'tcp'], ['sendfile', 999_488, 'tcp']], describeTransfers(report.transfers));
});

test('an echo back on the connection the bytes came from is a reply, even while another socket has unsent bytes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-echo-'));
  const bin = buildWorkload(dir, 'tcp_echo');
  const [src, dst, up] = ['src.bin', 'dst.bin', 'up.bin'].map((name) => path.join(dir, name));
  fs.writeFileSync(src, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 29 + (i >> 8)) & 0xff)));
  fs.writeFileSync(up, Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 53 + (i >> 7) + 1) & 0xff)));
  const transfers = await traceAndAnalyze([bin, src, dst, up], dir);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src).subarray(0, 99_900));
  const shapes = transfers.map((t) => `${t.source.kind}:${path.basename(t.source.path)} -> ${t.sink.kind}:${path.basename(t.sink.path)} ${t.bytes}`);
  assert.equal(transfers.length, 3, JSON.stringify(shapes));
  assert.ok(shapes.some((shape) => shape.startsWith('file:src.bin -> tcp:') && shape.endsWith(' 100000')), JSON.stringify(shapes));
  assert.ok(shapes.some((shape) => shape.startsWith('tcp:') && shape.endsWith('-> file:dst.bin 99900')), JSON.stringify(shapes));
  assert.ok(shapes.some((shape) => shape.startsWith('file:up.bin -> tcp:') && shape.endsWith(' 40000')), JSON.stringify(shapes));
  assert.ok(transfers.every((t) => t.source.kind !== 'tcp' || t.sink.kind !== 'tcp'), 'no socket-to-socket transfer');
});

// test/workloads/reverse_pwrite_copy.c: preads every 16 KiB block, pwrites them last to first at
// their own offsets (a database backing up its pages), then writes a 12-byte header of its own to
// a journal file: every block is in the copy, the header is none of it.
const BLOCK = 16_384;
const BLOCKS = Math.ceil(SIZE / BLOCK);

test('blocks pwritten last to first (a backup of pages): every block counts, the journal header is no copy', async () => {
  const { dir, src } = workdir('reverse-pwrite');
  const bin = buildWorkload(dir, 'reverse_pwrite_copy');
  const [dst, journal] = ['dst.bin', 'journal.bin'].map((f) => path.join(dir, f));
  const recording = await recordStrace([bin, src, dst, String(BLOCK), journal], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(
    report.transfers.map((t) => [t.strategy, t.source.path, t.sink.path, t.bytes, t.syscalls]),
    [['pread_pwrite', src, dst, SIZE, { pread64: BLOCKS, pwrite64: BLOCKS }]],
    describeTransfers(report.transfers),
  );
});

test('blocks pwritten last to first, under perf trace: paired by buffer address, every block counts', async () => {
  const { dir, src } = workdir('reverse-pwrite-perf');
  const bin = buildWorkload(dir, 'reverse_pwrite_copy');
  const [dst, journal] = ['dst.bin', 'journal.bin'].map((f) => path.join(dir, f));
  for (let attempt = 1; ; attempt++) {
    const recording = await recordPerfTrace([bin, src, dst, String(BLOCK), journal], { outDir: dir, name: `perf${attempt}` });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    // perf trace drops events now and then: a recording without every pread and pwrite is redone.
    // (A call whose start it lost shows as `... [continued]: pwrite64()) = N` alone, with no fd.)
    if (((text.match(/ pread64\(fd: /g) ?? []).length < BLOCKS || (text.match(/ pwrite64\(fd: /g) ?? []).length !== BLOCKS + 1) && attempt < PERF_RECORDING_ATTEMPTS) continue;
    const report = await analyzeTraceFiles([recording.tracePath]);
    const copies = report.transfers.filter((t) => t.strategy === 'pread_pwrite');
    assert.deepEqual(copies.map((t) => [t.bytes, t.syscalls.pwrite64]), [[SIZE, BLOCKS]], describeTransfers(report.transfers));
    return;
  }
});

test('a buffer printed whole in a line over 8 MiB (strace -s 8 MiB, one write of 4 MiB of binary bytes): read as head and tail, the copy is there', async () => {
  const size = 4 << 20; // slurp_copy's buffer
  const { dir, src } = workdir('long-lines', size);
  const bytes = fs.readFileSync(src);
  const dst = path.join(dir, 'dst.bin');
  const bin = buildWorkload(dir, 'slurp_copy');
  const recording = await recordStrace([bin, 'whole', src, dst], { flags: ['-f', '-ttt', '-T', '-yy'], stringSize: 8 << 20, outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), bytes);
  const longest = Math.max(...fs.readFileSync(recording.tracePath, 'latin1').split('\n').map((l) => l.length));
  assert.ok(longest > 8 << 20, `the write's line is over 8 MiB (${longest})`);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics.map((d) => [d.severity, /read as its first and last/.test(d.message)]), [['info', true]]);
  assert.deepEqual(
    report.transfers.map((t) => [t.strategy, t.source.path, t.sink.path, t.bytes, t.syscalls.write]),
    [['read_write', src, dst, size, 1]],
    describeTransfers(report.transfers),
  );
});

test('awk dealing the lines of each read out to two files it has open (short writes printed whole): every line is in its file\'s copy', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-awk-deal-'));
  const text = path.join(dir, 'text');
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(`line ${i} ${'x'.repeat(i % 41)}`);
  fs.writeFileSync(text, lines.join('\n') + '\n');
  const program = '{ if (NR % 2) { print > "odd"; fflush("odd") } else { print > "even"; fflush("even") } }';
  const recording = await recordStrace(['awk', program, text], { flags: ['-f', '-y'], cwd: dir, outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  const bySink = new Map(report.transfers.filter((t) => t.source.path === text).map((t) => [path.basename(t.sink.path), [t.bytes, t.syscalls.write]]));
  assert.deepEqual(
    Object.fromEntries(bySink),
    { odd: [fs.statSync(path.join(dir, 'odd')).size, 10_000], even: [fs.statSync(path.join(dir, 'even')).size, 10_000] },
    describeTransfers(report.transfers),
  );
});

test('perf: a write whose start perf lost (`... [continued]: pwrite64()) = 16384` alone) has an unknown fd, not fd 0', async () => {
  // Recorded by the perf test above in a run under load (test/fixtures/recorded/README.md).
  const trace = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'recorded', 'perf_pwrite_start_lost.trace');
  assert.match(fs.readFileSync(trace, 'utf8').split('\n')[153] ?? '', /\.\.\. \[continued\]: pwrite64\(\)\) += 16384$/);
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.transfers.map((t) => [path.basename(t.sink.path), t.syscalls.pwrite64]), [['dst.bin', 61]], describeTransfers(report.transfers));
});
