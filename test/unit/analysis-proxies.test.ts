// Reverse proxies, recorded with real strace and nginx 1.22 (test/fixtures/recorded/README.md): a proxy
// reads the upstream's response header and writes a header of its own, which begins alike (both
// `HTTP/1.1 200 OK\r\nServer: nginx...`) but is not the same bytes; and a backend that sends a file with
// chunked encoding writes each chunk's size line, data and CRLF in one call. The relay carries the
// body's bytes; the headers are each program's own; the chunk framing is not the file's.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { Transfer } from '../../src/core/report-types';
import { recordStrace } from '../support/record';
import { repoRoot } from './support/corpus';
import { describeTransfers } from './support/programs';

const SIZE = 300_000;

async function transfers(name: string): Promise<Transfer[]> {
  const report = await analyzeTraceFiles([path.join(repoRoot(), 'test', 'fixtures', 'recorded', name)]);
  assert.deepEqual(report.diagnostics, []);
  return report.transfers;
}

/** The proxy's relay: upstream socket -> client socket. */
function relay(list: readonly Transfer[], proxyPort: number): Transfer | undefined {
  return list.find((t) => t.source.kind === 'tcp' && t.sink.kind === 'tcp' && t.sink.path.startsWith(`127.0.0.1:${proxyPort}->`));
}

test('nginx proxying to nginx: its own header iovec is not the upstream header it read, and no body read is skipped: the relay is the file', async () => {
  const list = await transfers('strace_nginx_proxy_to_nginx.trace.gz');
  assert.equal(relay(list, 9251)?.bytes, SIZE, describeTransfers(list));
  assert.deepEqual(list.filter((t) => t.bytes === SIZE).map((t) => t.strategy), ['sendfile', 'read_write', 'recv_write'], describeTransfers(list));
});

test('nginx with proxy_buffering off: the header it writes alone is no byte of the upstream header it read alone: the relay is the file', async () => {
  const list = await transfers('strace_nginx_proxy_buffering_off.trace.gz');
  assert.equal(relay(list, 9211)?.bytes, SIZE, describeTransfers(list));
});

test('a backend sending a file with chunked encoding (size line + data + CRLF per write): the file -> socket transfer is the file', async () => {
  const list = await transfers('strace_nginx_proxy_chunked_backend.trace.gz');
  const sent = list.find((t) => t.source.path.endsWith('/small.bin'));
  assert.ok(sent, describeTransfers(list));
  assert.deepEqual([sent.strategy, sent.sink.kind, sent.bytes, sent.syscalls], ['read_write', 'tcp', SIZE, { read: 13, sendto: 7 }]);
});

test('CRLF text of numbers copied by sort (its 4 KiB writes begin like `610\\r\\n`, no chunk-size line): every byte counts', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-crlf-numbers-'));
  const src = path.join(dir, 'sorted.txt');
  const dst = path.join(dir, 'out.txt');
  // Already sorted: sort writes what it read, in its own 4 KiB pieces cut anywhere in a line.
  fs.writeFileSync(src, Array.from({ length: 30_000 }, (_, i) => `${i}\r\n`).join(''));
  const recording = await recordStrace(['sort', '-n', src, '-o', dst], { flags: ['-f', '-ttt', '-T', '-yy'], stringSize: 64, outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const copy = report.transfers.filter((t) => t.source.path === src && t.sink.path === dst);
  assert.deepEqual(copy.map((t) => [t.strategy, t.bytes]), [['read_write', fs.statSync(src).size]], describeTransfers(report.transfers));
});
