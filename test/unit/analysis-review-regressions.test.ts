// Programs the self-pipe rule (transfer-copies onWrite) and rsync's protocol-message rule
// (write-match sameMessage) must leave alone, recorded live with real strace:
// - a forked child that kept the pipe's read end (no close) copies a file into the pipe line by line:
//   every line is the file's, not just the first one strace's printed prefix shows;
// - a SOCKS5 relay reads the client's handshake (never sent on), then relays a short message to the
//   server: a transfer of its bytes, not a protocol message alike to one it received.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { describeTransfers } from './support/programs';

const FORK_COPY = `
import os
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    with open("lines.txt", "rb") as f:
        data = f.read(65536)
    for line in data.splitlines(keepends=True):
        os.write(w, line)
    os._exit(0)
os.close(w)
n = 0
while True:
    b = os.read(r, 65536)
    if not b: break
    n += len(b)
os.waitpid(pid, 0)
assert n == os.path.getsize("lines.txt"), n
`;

test('a forked child that kept the read end copies a file into the pipe in short lines: all of them are the transfer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-forkpipe-'));
  const text = Array.from({ length: 200 }, (_, i) => `line number ${i + 1}\n`).join('');
  fs.writeFileSync(path.join(dir, 'lines.txt'), text);
  const recording = await recordStrace(['python3', '-c', FORK_COPY], { outDir: dir, cwd: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  const copy = report.transfers.filter((t) => t.source.path.endsWith('/lines.txt'));
  assert.deepEqual(copy.map((t) => [t.strategy, t.sink.kind, t.bytes, t.syscalls.write]), [['read_write', 'pipe', text.length, 200]], describeTransfers(report.transfers));
});

const SOCKS_RELAY = `
import os, select, socket, threading
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
relay = socket.socket(); relay.bind(("127.0.0.1", 0)); relay.listen(1)
got = []
def serve():
    c, _ = server.accept()
    got.append(c.recv(100))
    c.close()
def client():
    s = socket.create_connection(relay.getsockname())
    s.sendall(b"\\x05\\x01\\x00"); s.recv(2)
    port = server.getsockname()[1]
    s.sendall(b"\\x05\\x01\\x00\\x01\\x7f\\x00\\x00\\x01" + port.to_bytes(2, "big")); s.recv(10)
    s.sendall(b"hello\\n")
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
threading.Thread(target=serve).start()
threading.Thread(target=client).start()
c, _ = relay.accept()
c.recv(1024); c.send(b"\\x05\\x00")
req = c.recv(1024)
up = socket.create_connection(("127.0.0.1", int.from_bytes(req[8:10], "big")))
c.send(b"\\x05\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00")
while True:
    select.select([c], [], [])
    data = os.read(c.fileno(), 1024)
    if not data: break
    os.write(up.fileno(), data)
up.close(); c.close()
`;

test('a SOCKS5 relay sends on a short message read behind the handshake it never sent on: a transfer of its 6 bytes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-socks-'));
  const recording = await recordStrace(['python3', '-c', SOCKS_RELAY], { outDir: dir, cwd: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  const relayed = report.transfers.filter((t) => t.source.kind === 'tcp' && t.sink.kind === 'tcp' && t.syscalls.write === 1);
  assert.deepEqual(relayed.map((t) => [t.strategy, t.bytes]), [['read_write', 6]], describeTransfers(report.transfers));
});
