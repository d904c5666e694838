// Names the trace gives late, recorded here with real strace:
// - strace's stderr (no -o) prints `[pid N]` only while several processes are traced: the traced
//   command's first lines carry no pid. The report still names that process by its real pid, learnt
//   from its later `[pid N]` lines (test/workloads/udp_copy.c: its main process forks a sender, then
//   receives and writes the file itself);
// - a server bound to port 0 learns its port from getsockname: without -yy that is the only place
//   the trace says which port its peers reach (test/workloads/tcp_ephemeral.c); with -y, whose
//   `socket:[N]` says nothing of the peer, the client's connect names its socket (loopback: no NIC DMA).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { bothEnds, buildWorkload } from './support/programs';

test("a capture of strace's stderr: the traced command's transfers carry its real pid, not 0", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-stderr-pid-'));
  const bin = buildWorkload(dir, 'udp_copy');
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  fs.writeFileSync(src, Buffer.alloc(140_000, 'abcdefghij'));
  const port = String(30_000 + (process.pid % 2_000));
  const run = spawnSync('strace', ['-f', '-tt', '-T', '-yy', '--', bin, src, dst, port], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const tracePath = path.join(dir, 'stderr.trace');
  fs.writeFileSync(tracePath, run.stderr);
  assert.match(run.stderr, /^\d\d:\d\d:\d\d\.\d+ execve\(/, 'the first line carries no pid');

  const report = await analyzeTraceFiles([tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const received = report.transfers.find((t) => t.sink.path === dst);
  assert.ok(received, JSON.stringify(report.transfers.map((t) => `${t.pid} ${t.source.path} -> ${t.sink.path}`)));
  // The main process receives once it has forked: its calls then carry `[pid N]` (its first recvfrom may
  // start before strace attached the child, unprefixed: `recvfrom(3, strace: Process N attached`).
  const lines = run.stderr.split('\n').slice(received.lines[0] - 1, received.lines[1]);
  const prefixed = lines.filter((l) => l.includes('recvfrom')).map((l) => /^\[pid +(\d+)\] /.exec(l)).find((m) => m !== null);
  assert.ok(prefixed, `the transfer's recvfrom lines are prefixed: ${lines.slice(0, 3).join('\n')}`);
  assert.equal(received.pid, Number(prefixed[1]));
  assert.ok(report.transfers.every((t) => t.pid !== 0), 'no transfer under pid 0');
  assert.ok(report.summary.byProcess?.every((p) => p.pid !== 0), 'no process row under pid 0');
  assert.ok(report.summary.byProcess?.some((p) => p.pid === received.pid), 'the main process has its row');
});

for (const flags of [['-f', '-ttt', '-T'], ['-f', '-ttt', '-T', '-y']]) test(`a server bound to port 0, traced with strace ${flags.join(' ')}: its socket is named by the port getsockname gives, the client's by connect`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-ephemeral-'));
  const bin = buildWorkload(dir, 'tcp_ephemeral');
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  fs.writeFileSync(src, Buffer.alloc(300_000, 'klmnopqrst'));
  const recording = await recordStrace([bin, src, dst], { flags, outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  // (-y decorates the socket with its inode: `bind(3<socket:[N]>, ...`.)
  assert.match(text, /bind\(\d+(?:<socket:\[\d+\]>)?, \{sa_family=AF_INET, sin_port=htons\(0\)/, 'bound to port 0');
  const port = /getsockname\(\d+(?:<socket:\[\d+\]>)?, \{sa_family=AF_INET, sin_port=htons\((\d+)\)/.exec(text)?.[1];
  assert.ok(port !== undefined && port !== '0', 'getsockname tells the port');

  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const { sent, received } = bothEnds(report.transfers, src, dst);
  assert.equal(sent.sink.kind, 'tcp');
  assert.ok(sent.sink.path.startsWith(`127.0.0.1:${port}<-`), sent.sink.path);
  assert.equal(received.source.path, `->127.0.0.1:${port}`);
  assert.equal(received.source.loopback, true, 'loopback: no NIC DMA');
  assert.equal(received.copies.dma, 1, 'the file only');
  assert.deepEqual([sent.bytes, received.bytes], [300_000, 300_000]);
});
