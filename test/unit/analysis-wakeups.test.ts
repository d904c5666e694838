// Event loops that wake themselves through a pipe or socketpair they read themselves (transfer-copies
// onWrite and onRead: wake-up bytes), recorded live with real strace:
// - an asyncio server reads an MP4 file in its executor's thread and sends each chunk to its clients:
//   the worker's wake-up byte (`sendto(5<UNIX-STREAM:[...]>, "\0", 1, ...)` into the loop's
//   socketpair) agrees with the first byte the file read printed (an MP4's size field begins with
//   zeros), and the loop's drain of those bytes with the file's first bytes it sends on. The file's
//   bytes all go to the clients, none into the socketpair or out of it.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { firstPid, recordStrace } from '../support/record';
import { describeTransfers } from './support/programs';

const ASYNCIO_EXECUTOR = `
import asyncio, os, sys
FILE = "movie.mp4"
CLIENT = """
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /\\\\n")
n = 0
while True:
    b = s.recv(65536)
    if not b: break
    n += len(b)
assert n == int(sys.argv[2]), n
"""
async def handle(reader, writer):
    await reader.readline()
    loop = asyncio.get_running_loop()
    with open(FILE, "rb") as f:
        while True:
            chunk = await loop.run_in_executor(None, f.read, 65536)
            if not chunk: break
            writer.write(chunk)
            await writer.drain()
    writer.close()
    await writer.wait_closed()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    clients = [await asyncio.create_subprocess_exec(sys.executable, "-c", CLIENT, str(port), str(os.path.getsize(FILE))) for _ in range(3)]
    for c in clients: assert await c.wait() == 0
    server.close()
    await server.wait_closed()
asyncio.run(main())
`;

test("an asyncio server's executor reads an MP4 its loop sends to 3 clients: no wake-up byte is the file's", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-asyncio-wake-'));
  // An MP4's first box: a 4-byte size that begins with zeros, then random bytes.
  const header = Buffer.from('\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1');
  const size = header.length + 300_000;
  fs.writeFileSync(path.join(dir, 'movie.mp4'), Buffer.concat([header, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919 + 13) % 251 + 1))]));
  const recording = await recordStrace(['python3', '-c', ASYNCIO_EXECUTOR], { outDir: dir, cwd: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  const server = firstPid(recording.tracePath);
  const own = report.transfers.filter((t) => t.pid === server || t.source.path.endsWith('/movie.mp4'));
  // Nothing into or out of the loop's socketpair.
  const wakeUps = own.filter((t) => t.source.kind === 'unix' || t.sink.kind === 'unix');
  assert.deepEqual(wakeUps.map((t) => t.bytes), [], describeTransfers(report.transfers));
  // Each client gets the whole file from it.
  const bySink = new Map<string, number>();
  for (const t of own) {
    assert.ok(t.source.path.endsWith('/movie.mp4') && t.sink.kind === 'tcp', describeTransfers(report.transfers));
    bySink.set(t.sink.path, (bySink.get(t.sink.path) ?? 0) + (t.bytes ?? 0));
  }
  assert.deepEqual([...bySink.values()], [size, size, size], describeTransfers(report.transfers));
});
