// A write is not a read's data when strace printed both and they begin differently (io-model.md:
// "where strace printed buffer contents, the printed prefixes agree"), even when the read is the
// only one waiting and its byte count would do. Recorded here with real strace:
// - test/workloads/request_log.c: a server reads a request and writes an access-log line about it
//   (nginx's access_log): other bytes, no transfer from the socket to the log;
// - gzip(1) compresses what it reads: no byte it writes was read, no transfer (and no advice to use
//   copy_file_range for it);
// - sha256sum under -s 0 writes a hash line after reading and closing the file: no copy;
// and the exceptions that keep header-framed copies paired: an HTTP client writes the body that
// followed the response header in its read (the corpus's curl traces), a server writes a header and
// the first body bytes in one write (Go's http.ServeFile: analysis-credits' Go test), a server stores
// an upload whose header came in the same read (upload_server.c), tar x writes members whose header
// it read with them (but tar tv's listing and a binary protocol's NUL-padded requests are no such
// header: binary_request_log.c), tar c writes each member's header and first bytes in one record, a
// reader scatters each frame into a header and a payload buffer (scatter_frames.c).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordPerfTrace, recordStrace } from '../support/record';
import { repoRoot } from './support/corpus';
import { buildWorkload, describeTransfers } from './support/programs';

/** Writes each member of `sizes` under dir/memberDir, its bytes made by `byte`. */
function writeMembers(dir: string, memberDir: string, sizes: Record<string, number>, byte: (i: number, name: string) => number): void {
  const members = path.join(dir, memberDir);
  fs.mkdirSync(members, { recursive: true });
  for (const [name, size] of Object.entries(sizes)) fs.writeFileSync(path.join(members, name), Buffer.from(Array.from({ length: size }, (_, i) => byte(i, name) & 0xff)));
}

/** dir/m archived as dir/arc.tar, and an empty dir/x to extract it into. */
function archiveOfM(dir: string): { archive: string; into: string } {
  const archive = path.join(dir, 'arc.tar');
  execFileSync('tar', ['cf', archive, '-C', dir, 'm']);
  const into = path.join(dir, 'x');
  fs.mkdirSync(into);
  return { archive, into };
}

for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f']]) {
  test(`a request read, a log line about it written: no transfer into the log, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-request-log-'));
    const bin = buildWorkload(dir, 'request_log');
    const log = path.join(dir, 'access.log');
    const port = String(35_000 + (process.pid % 2_000) + flags.length);
    const recording = await recordStrace([bin, port, log], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.match(fs.readFileSync(log, 'utf8'), /"GET \/index\.html HTTP\/1\.1" 200/);
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(report.transfers.filter((t) => t.sink.path === log).map((t) => t.source.path), [], describeTransfers(report.transfers));
  });
}

for (const content of ['zeros', 'text']) {
  test(`gzip compresses a file of ${content}: what it writes is not what it read, no transfer`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-gzip-'));
    const src = path.join(dir, 'src.bin');
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog\n`).join('');
    fs.writeFileSync(src, content === 'zeros' ? Buffer.alloc(1_000_000) : Buffer.from(lines));
    const recording = await recordStrace(['gzip', '-k', '-f', src], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    const gz = `${src}.gz`;
    assert.ok(fs.statSync(gz).size < fs.statSync(src).size / 10, 'gzip compressed it');
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(report.transfers.filter((t) => t.source.path === src || t.sink.path === gz).map((t) => t.strategy), [], describeTransfers(report.transfers));
    assert.ok((report.summary.bySyscall.read?.calls ?? 0) > 1, 'the reads are still counted');
  });
}

test('sha256sum under -s 0: its hash line is no copy of the file it read and closed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-sha-s0-'));
  const src = path.join(dir, 'in.bin');
  fs.writeFileSync(src, Buffer.alloc(100_000, 'sha'));
  const recording = await recordStrace(['sh', '-c', `sha256sum ${src} > ${path.join(dir, 'sum.txt')}`], { flags: ['-f', '-ttt', '-T', '-yy'], stringSize: 0, outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.transfers.filter((t) => t.source.path === src).map((t) => `${t.sink.path} ${t.bytes}`), []);
});

// -xx prints every byte as \xNN: the request still begins like one (`\x50\x4f\x53\x54\x20`: POST).
for (const hex of [false, true]) {
  test(`an HTTP upload whose header and first body bytes come in one read: the body stored is one transfer${hex ? ' (strace -xx)' : ''}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-upload-'));
    const bin = buildWorkload(dir, 'upload_server');
    const out = path.join(dir, 'upload.bin');
    const port = String(43_000 + (process.pid % 2_000) + (hex ? 1 : 0));
    const recording = await recordStrace([bin, port, out], { flags: ['-f', '-ttt', '-T', '-yy', ...(hex ? ['-xx'] : [])], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.equal(fs.statSync(out).size, 200_000);
    assert.match(fs.readFileSync(recording.tracePath, 'utf8'), hex ? /recvfrom\([^"]*"\\x50\\x4f\\x53\\x54\\x20\\x2f\\x75/ : /recvfrom\([^"]*"POST \/upload HTTP\/1\.1/);
    const report = await analyzeTraceFiles([recording.tracePath]);
    const stored = report.transfers.filter((t) => t.sink.path === out);
    assert.deepEqual(stored.map((t) => [t.strategy, t.source.kind, t.bytes]), [['recv_write', 'tcp', 200_000]], describeTransfers(report.transfers));
  });
}

test('tar x: each member is a transfer from the archive, its header read with its data', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tarx-'));
  const sizes: Record<string, number> = { 'a.bin': 5_000, 'b.bin': 3_000, 'c.bin': 20_000 };
  writeMembers(dir, 'm', sizes, (i, name) => i * 31 + name.charCodeAt(0));
  const { archive, into } = archiveOfM(dir);
  const recording = await recordStrace(['tar', 'xf', archive, '-C', into], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  const rows = report.transfers.filter((t) => t.source.path === archive).map((t) => [path.basename(t.sink.path), t.bytes]);
  assert.deepEqual(rows.sort(), Object.entries(sizes).sort(), describeTransfers(report.transfers));
});

for (const bytes of [62, 512]) {
  test(`binary requests padded with NULs to ${bytes} bytes, a log line written per request: no transfer into the log`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-binlog-'));
    const bin = buildWorkload(dir, 'binary_request_log');
    const log = path.join(dir, 'requests.log');
    const recording = await recordStrace([bin, log, String(bytes)], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    // strace prints each request as a name, then NULs: like a tar member's header (512 bytes: a tar block).
    assert.match(fs.readFileSync(recording.tracePath, 'utf8'), new RegExp(`"GET key00(\\\\0)+"\\.\\.\\., ${bytes}\\) = ${bytes}`));
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.transfers.filter((t) => t.sink.path === log).map((t) => [t.strategy, t.bytes]), [], describeTransfers(report.transfers));
  });
}

test('tar x: a one-line text member after another member is still its file\'s data, not a listing line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tarnote-'));
  fs.writeFileSync(path.join(dir, 'bin.dat'), Buffer.from(Array.from({ length: 3_000 }, (_, i) => (i * 7) & 0xff)));
  fs.writeFileSync(path.join(dir, 'note.txt'), 'just one line of config text\n');
  const archive = path.join(dir, 'd.tar');
  execFileSync('tar', ['cf', archive, '-C', dir, 'bin.dat', 'note.txt']);
  const into = path.join(dir, 'x');
  fs.mkdirSync(into);
  const recording = await recordStrace(['tar', 'xf', archive, '-C', into], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  const rows = report.transfers.filter((t) => t.source.path === archive).map((t) => [path.basename(t.sink.path), t.bytes]);
  assert.deepEqual(rows.sort(), [['bin.dat', 3_000], ['note.txt', 29]], describeTransfers(report.transfers));
});

test('tar xf - reading the archive from a TCP socket: each member whole, its header read with its first bytes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tarsock-'));
  fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 13 + (i >> 9)) & 0xff)));
  const archive = execFileSync('tar', ['cf', '-', '-C', dir, 'big.bin'], { maxBuffer: 1 << 22 });
  const server = net.createServer((socket) => socket.end(archive));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const into = path.join(dir, 'x');
  fs.mkdirSync(into);
  try {
    const recording = await recordStrace(['bash', '-c', `exec tar xf - -C "$1" < /dev/tcp/127.0.0.1/${port}`, 'bash', into], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.equal(fs.statSync(path.join(into, 'big.bin')).size, 200_000);
    const report = await analyzeTraceFiles([recording.tracePath]);
    const rows = report.transfers.filter((t) => t.sink.path === path.join(into, 'big.bin')).map((t) => [t.source.kind, t.bytes]);
    assert.deepEqual(rows, [['tcp', 200_000]], describeTransfers(report.transfers));
  } finally {
    server.close();
  }
});

for (const verbose of ['tvf', 'xvf']) {
  test(`tar ${verbose}: the listing written after each member header read is no copy of the archive`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tarv-'));
    const sizes: Record<string, number> = { 'a.bin': 30_000, 'b.bin': 20_000, 'c.bin': 5_000 };
    writeMembers(dir, 'm', sizes, (i, name) => i * 3 + name.charCodeAt(0));
    const { archive, into } = archiveOfM(dir);
    const listing = path.join(dir, 'listing.txt');
    const recording = await recordStrace(['sh', '-c', `exec tar ${verbose} "$1" -C "$2" > "$3"`, 'sh', archive, into, listing], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.match(fs.readFileSync(listing, 'utf8'), /m\/b\.bin$/m);
    const report = await analyzeTraceFiles([recording.tracePath]);
    const fromArchive = report.transfers.filter((t) => t.source.path === archive).map((t) => [path.basename(t.sink.path), t.bytes]);
    // tar tv extracts nothing; tar xv extracts each member whole, and its listing is no member.
    assert.deepEqual(fromArchive.sort(), verbose === 'tvf' ? [] : Object.entries(sizes).sort(), describeTransfers(report.transfers));
  });
}

// GNU format (the default), pax (`--format=posix`: a `m/PaxHeaders/a.bin` header first) and a name
// longer than 100 bytes (GNU's `././@LongLink` header first).
for (const [label, args, memberDir] of [
  ['gnu', [], 'm'],
  ['posix', ['--format=posix'], 'm'],
  ['long names', [], `m/${'d'.repeat(60)}/${'e'.repeat(60)}`],
] as const) {
  test(`tar c (${label}): each member file is a transfer into the archive, whole, its first record behind its header`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tarc-'));
    // Sizes past one 10 KiB record, so that each member's first bytes share a record with its header.
    const sizes: Record<string, number> = { 'a.bin': 300_000, 'b.bin': 200_000, 'c.bin': 50_000 };
    writeMembers(dir, memberDir, sizes, (i, name) => i * 7 + (i >> 9) + name.charCodeAt(0));
    const archive = path.join(dir, 'arc.tar');
    const names = Object.keys(sizes).map((name) => `${memberDir}/${name}`);
    const recording = await recordStrace(['tar', ...args, '-cf', archive, '-C', dir, ...names], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.match(fs.readFileSync(recording.tracePath, 'utf8'), /write\([^"]*"(m\/a\.bin|m\/PaxHeaders\/a\.bin|\.\/\.\/@LongLink)\\0\\0/);
    const report = await analyzeTraceFiles([recording.tracePath]);
    const rows = report.transfers.filter((t) => t.sink.path === archive).map((t) => [path.basename(t.source.path), t.bytes]);
    assert.deepEqual(rows.sort(), Object.entries(sizes).sort(), describeTransfers(report.transfers));
  });
}

// -xx prints every byte as \xNN: a member's header is still its name, then NULs, once decoded.
test('tar c, then tar x, traced with -xx: each member a transfer into the archive and out of it, whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tar-xx-'));
  const sizes: Record<string, number> = { 'a.bin': 300_000, 'b.bin': 20_000 };
  writeMembers(dir, 'm', sizes, (i, name) => i * 7 + (i >> 9) + name.charCodeAt(0));
  const archive = path.join(dir, 'arc.tar');
  const flags = ['-f', '-ttt', '-T', '-yy', '-xx'];
  const created = await recordStrace(['tar', '-cf', archive, '-C', dir, 'm/a.bin', 'm/b.bin'], { flags, outDir: dir, name: 'c' });
  assert.equal(created.exitCode, 0, created.stderr);
  // `m/a.bin`, then NULs, in hex.
  assert.match(fs.readFileSync(created.tracePath, 'utf8'), /write\([^"]*"\\x6d\\x2f\\x61\\x2e\\x62\\x69\\x6e\\x00\\x00/);
  const into = path.join(dir, 'x');
  fs.mkdirSync(into);
  const extracted = await recordStrace(['tar', 'xf', archive, '-C', into], { flags, outDir: dir, name: 'x' });
  assert.equal(extracted.exitCode, 0, extracted.stderr);
  for (const name of Object.keys(sizes)) assert.deepEqual(fs.readFileSync(path.join(into, 'm', name)), fs.readFileSync(path.join(dir, 'm', name)));
  const c = await analyzeTraceFiles([created.tracePath]);
  assert.deepEqual(c.transfers.filter((t) => t.sink.path === archive).map((t) => [path.basename(t.source.path), t.bytes]).sort(), Object.entries(sizes).sort(), describeTransfers(c.transfers));
  const x = await analyzeTraceFiles([extracted.tracePath]);
  assert.deepEqual(x.transfers.filter((t) => t.source.path === archive).map((t) => [path.basename(t.sink.path), t.bytes]).sort(), Object.entries(sizes).sort(), describeTransfers(x.transfers));
});

test('an archive copied whole (tar cf - m | cat > copy.tar): cat\'s writes begin like its reads, headers and all', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tarcat-'));
  fs.mkdirSync(path.join(dir, 'm'));
  fs.writeFileSync(path.join(dir, 'm', 'a.bin'), Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 5 + (i >> 8)) & 0xff)));
  const recording = await recordStrace(['sh', '-c', 'tar cf - m | cat > copy.tar'], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir, cwd: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const size = fs.statSync(path.join(dir, 'copy.tar')).size;
  const report = await analyzeTraceFiles([recording.tracePath]);
  const copied = report.transfers.filter((t) => t.source.kind === 'pipe' && t.sink.path.endsWith('copy.tar')).map((t) => t.bytes);
  assert.deepEqual(copied, [size], describeTransfers(report.transfers));
});

test('pages read with pread64, then a new file zero-filled with one pwritev (a WAL segment made ready): the zeros are no copy of the pages', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-zero-fill-'));
  const bin = buildWorkload(dir, 'zero_fill_after_reads');
  const src = path.join(dir, 'relation.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: 3 * 8192 }, (_, i) => 1 + (i % 251))));
  const wal = path.join(dir, 'wal.bin');
  const recording = await recordStrace([bin, src, wal], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.equal(fs.statSync(wal).size, 32 * 8192);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(report.transfers, [], describeTransfers(report.transfers));
});

test('openssl s_client saving a file fetched over TLS (recorded, test/fixtures/recorded): it writes the plaintext of what it read, no copy', async () => {
  // Recorded by a helper's hunt (test/fixtures/recorded/README.md).
  const trace = path.join(repoRoot(), 'test', 'fixtures', 'recorded', 'strace_openssl_s_client_www.trace.gz');
  const report = await analyzeTraceFiles([trace]);
  assert.deepEqual(report.diagnostics, []);
  assert.ok(report.summary.bySyscall.write && report.summary.bySyscall.write.bytes > 3_000_000, 'the client wrote the whole file');
  assert.deepEqual(report.transfers.filter((t) => t.sink.path.endsWith('/cli_recv2.bin')), [], describeTransfers(report.transfers));
});

test('wc -l under perf trace: its count line, written from a buffer no read filled, is no copy of the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-wc-perf-'));
  fs.writeFileSync(path.join(dir, 'src.txt'), Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
  const recording = await recordPerfTrace(['sh', '-c', 'wc -l src.txt > count.txt'], { outDir: dir, cwd: dir });
  assert.ok(recording.ok, recording.ok ? '' : recording.reason);
  assert.equal(fs.readFileSync(path.join(dir, 'count.txt'), 'utf8'), '20000 src.txt\n');
  // perf prints buffers as addresses: the reads fill one buffer, the count is written from another.
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.transfers.map((t) => [t.source.path, t.sink.path, t.bytes]), [], describeTransfers(report.transfers));
});

test('frames read with readv into a header and a payload buffer, the payload written: one transfer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-scatter-'));
  const bin = buildWorkload(dir, 'scatter_frames');
  const out = path.join(dir, 'payload.bin');
  const recording = await recordStrace([bin, out], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.transfers.filter((t) => t.sink.path === out).map((t) => [t.source.kind, t.bytes, t.syscalls]), [['pipe', 20 * 4096, { readv: 21, write: 20 }]], describeTransfers(report.transfers));
});
