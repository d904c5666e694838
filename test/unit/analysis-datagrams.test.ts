// Datagrams, traced here with real strace:
// - one sent on an unconnected UDP socket goes where its sendto says, not to the sender's own
//   address: test/workloads/udp_copy.c sends a file to a socket bound on 127.0.0.1, which writes it
//   out. Both transfers name the receiving address, both on loopback;
// - sendmmsg/recvmmsg return a count of messages: their bytes are the messages' msg_len
//   (test/workloads/udp_mmsg_copy.c), also past the 32 messages strace prints of a call;
// - a UDP echo (recvfrom, then sendto back to the sender) is a reply, not a transfer (udp_echo.py),
//   but a relay that forwards from the same socket to another address is one (udp_relay.py);
// - a UDP socket bound to port 0 is named by the port getsockname gives (udp_ephemeral.py);
// - batches moved with recvmmsg/sendmmsg on one unconnected socket (udp_mmsg_relay.c): forwarded to
//   another address, a transfer to that address (the first message's msg_name); sent back to where
//   they came from, replies;
// - nothing is recommended for datagrams: sendfile and splice cannot carry them.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { bothEnds, buildWorkload, workloadPath } from './support/programs';

const SIZE = 700_000; // 500 datagrams of 1,400 bytes

// -y names sockets by inode only (`socket:[60437]`): the socket() and bind() calls say more. -X raw
// prints numbers (`socket(0x2, 0x2, 0)`, `sin_port="\x26\xdf"`), -X verbose adds comments, -xx
// escapes the address text: the same sockets and addresses in every form.
const FLAG_SETS = [['-yy'], ['-y'], [], ['-X', 'raw'], ['-X', 'verbose'], ['-xx']].map((extra) => ['-f', '-ttt', '-T', ...extra]);
for (const [index, flags] of FLAG_SETS.entries()) {
  test(`sendto on an unconnected UDP socket: the sink is the address sent to (strace ${flags.join(' ')})`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-udp-'));
    const bin = buildWorkload(dir, 'udp_copy');
    const src = path.join(dir, 'src.bin');
    const dst = path.join(dir, 'dst.bin');
    fs.writeFileSync(src, Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 7 + (i >> 11)) & 0xff)));
    // A port of its own for each run (the kernel's ephemeral range is above 32768).
    const port = String(20_000 + (process.pid % 1_500) + 1_500 * index);
    const recording = await recordStrace([bin, src, dst, port], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src), 'every datagram arrived');
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    const { sent, received } = bothEnds(report.transfers, src, dst);
    assert.equal(report.transfers.length, 2);
    assert.deepEqual([sent.sink.kind, sent.sink.path, sent.sink.loopback], ['udp', `127.0.0.1:${port}`, true]);
    assert.equal(sent.bytes, SIZE);
    // 500 datagrams and the empty one that ends the stream; the reads and their EOF.
    assert.deepEqual(sent.syscalls, { read: 501, sendto: 501 });
    assert.equal(sent.copies.dma, 1, 'the source file: one disk DMA; the loopback sink: none');
    assert.equal(received.bytes, SIZE);
    assert.equal(received.strategy, 'recv_write');
    assert.deepEqual([received.source.kind, received.source.path, received.source.loopback], ['udp', `127.0.0.1:${port}`, true], 'the receiving socket is named by its bind');
    assert.equal(received.copies.dma, 1, 'the loopback source: no NIC DMA; the file sink: one');
    // sendfile into a UDP socket fails (EMSGSIZE; EDESTADDRREQ unconnected), splice needs a stream:
    // a datagram's size is the protocol's, no larger buffer either.
    assert.deepEqual([sent.recommendation, received.recommendation], [null, null]);
  });
}

for (const batch of [8, 64]) test(`sendmmsg and recvmmsg (${batch} per call): the bytes are the messages' msg_len, not the count of messages`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-mmsg-'));
  const bin = buildWorkload(dir, 'udp_mmsg_copy');
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  const size = 384_000; // 384 datagrams of 1,000 bytes: 48 sendmmsg calls of 8, or 6 of 64
  fs.writeFileSync(src, Buffer.from(Array.from({ length: size }, (_, i) => (i * 13 + (i >> 10)) & 0xff)));
  const port = String(40_000 + (process.pid % 5_000) + batch);
  const recording = await recordStrace([bin, src, dst, port, String(batch)], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src), 'every datagram arrived');
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const { sent, received } = bothEnds(report.transfers, src, dst);
  assert.equal(sent.bytes, size);
  assert.equal(sent.syscalls.sendmmsg, 384 / batch);
  assert.equal(received.bytes, size);
  assert.equal(received.syscalls.write, 384, 'every write of a received datagram is in the transfer');
  assert.equal(report.summary.bySyscall.sendmmsg?.bytes, size);
  assert.equal(report.summary.bySyscall.recvmmsg?.bytes, size);
});

for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f', '-ttt', '-T', '-X', 'raw']]) {
  test(`a UDP echo sent back with sendto is a reply, not a transfer (strace ${flags.join(' ')})`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-udp-echo-'));
    const port = String(50_000 + (process.pid % 5_000) + flags.length);
    const recording = await recordStrace(['python3', workloadPath('udp_echo.py'), port], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    const udp = report.transfers.filter((t) => t.source.kind === 'udp' || t.sink.kind === 'udp' || t.source.kind === 'other' || t.sink.kind === 'other');
    assert.deepEqual(udp.map((t) => `${t.source.kind}:${t.source.path} -> ${t.sink.kind}:${t.sink.path}`), []);
    assert.equal(report.summary.bySyscall.sendto?.calls, 200, 'the client sends 100 datagrams and the server echoes 100');
  });
}

test('a UDP socket bound to port 0, traced without -yy: named by the port getsockname gives', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-udp-port0-'));
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 3 + (i >> 9)) & 0xff)));
  const recording = await recordStrace(['python3', workloadPath('udp_ephemeral.py'), src, dst], { flags: ['-f', '-ttt', '-T'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  const port = /getsockname\(\d+, \{sa_family=AF_INET, sin_port=htons\((\d+)\)/.exec(text)?.[1];
  assert.ok(port !== undefined && port !== '0', 'getsockname tells the port');
  const report = await analyzeTraceFiles([recording.tracePath]);
  const { sent, received } = bothEnds(report.transfers, src, dst);
  assert.deepEqual([received.source.kind, received.source.path, received.source.loopback], ['udp', `127.0.0.1:${port}`, true]);
  assert.equal(sent.sink.path, `127.0.0.1:${port}`);
  assert.deepEqual([sent.bytes, received.bytes], [50_000, 50_000]);
});

test('a single-socket UDP relay: forwarding to another address from the same socket is a transfer, not a reply', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-udp-relay-'));
  const base = 30_000 + (process.pid % 5_000) * 2;
  const recording = await recordStrace(['python3', workloadPath('udp_relay.py'), String(base), String(base + 1)], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const forwarded = report.transfers.filter((t) => t.source.kind === 'udp' && t.sink.path === `127.0.0.1:${base + 1}`);
  assert.equal(forwarded.length, 1, JSON.stringify(report.transfers.map((t) => `${t.source.path} -> ${t.sink.path} ${t.bytes}`)));
  assert.equal(forwarded[0]?.bytes, 100_000, 'the 100 datagrams of 1,000 bytes the relay forwarded');
});

for (const [index, mode] of ['relay', 'echo'].entries()) {
  test(`recvmmsg/sendmmsg on one unconnected socket, ${mode}: sendmmsg's msg_name is where the datagrams go`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-mmsg-${mode}-`));
    const bin = buildWorkload(dir, 'udp_mmsg_relay');
    const src = path.join(dir, 'src.bin');
    const dst = path.join(dir, 'dst.bin');
    fs.writeFileSync(src, Buffer.from(Array.from({ length: 64_000 }, (_, i) => (i * 11 + (i >> 8)) & 0xff)));
    const port = 26_000 + (process.pid % 1_000) * 2 + 2_000 * index;
    const recording = await recordStrace([bin, mode, src, dst, String(port)], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    const between = report.transfers.filter((t) => t.source.kind === 'udp' && t.sink.kind === 'udp');
    if (mode === 'relay') {
      assert.deepEqual(
        between.map((t) => [t.source.path, t.sink.path, t.sink.loopback, t.bytes, t.copies.dma]),
        [[`127.0.0.1:${port}`, `127.0.0.1:${port + 1}`, true, 64_000, 0]],
        'from the server\'s socket to the address its sendmmsg names, on loopback',
      );
    } else {
      assert.deepEqual(between, [], 'sent back where they came from: replies');
    }
    assert.equal(report.transfers.find((t) => t.sink.path === dst)?.bytes, 64_000);
  });
}
