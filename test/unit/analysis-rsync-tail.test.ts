// Two programs that copy data through a user buffer in ways a plain prefix comparison does not see,
// recorded here with real strace (-yy, -y, and no -y):
// - rsync's local copy: a sender process reads the file and writes it to a socketpair as data
//   messages of rsync's multiplexed protocol (a 4-byte header, protocol bytes, then the file's bytes),
//   a receiver process reads the stream and writes the file's bytes out. Both halves are transfers with
//   the file's bytes, not the framing; the few-byte protocol messages the sender reads from its
//   generator and sends alike to the receiver (`\1\0\0\7\0`) are none.
// - tail -c N: from a file it seeks and copies (a transfer of N bytes); from a pipe it reads the whole
//   stream and writes its last N bytes from inside its reads, where strace -s 32 printed none of them:
//   the trace cannot tell, so no transfer out of the pipe is made up (README: "Printed prefixes cannot tell").

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { describeTransfers } from './support/programs';

const FLAG_SETS = [['-f', '-ttt', '-T', '-yy'], ['-f', '-ttt', '-T', '-y'], ['-f', '-ttt', '-T']];

/** One call of a trace, its unfinished and resumed halves joined: pid, name, its first argument's fd, result, line. */
interface Call {
  line: number;
  pid: number;
  name: string;
  fd: number;
  text: string;
  ret: number;
}

function tracedCalls(tracePath: string): Call[] {
  const calls: Call[] = [];
  const started = new Map<number, { line: number; text: string }>();
  const lines = fs.readFileSync(tracePath, 'latin1').split('\n');
  lines.forEach((raw, i) => {
    const m = /^(\d+)\s+(?:[\d.]+\s+)?(.*)$/.exec(raw);
    if (m === null) return;
    const pid = Number(m[1]);
    let text = m[2];
    let line = i + 1;
    if (text.endsWith('<unfinished ...>')) {
      started.set(pid, { line, text: text.slice(0, -'<unfinished ...>'.length) });
      return;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(text);
    if (resumed !== null) {
      const first = started.get(pid);
      if (first === undefined) return;
      started.delete(pid);
      text = first.text + resumed[1];
      line = first.line;
    }
    const call = /^(\w+)\((\d+)?/.exec(text);
    const ret = /\)\s+=\s+(-?\d+)/.exec(text);
    if (call === null || ret === null) return;
    calls.push({ line, pid, name: call[1], fd: call[2] === undefined ? -1 : Number(call[2]), text, ret: Number(ret[1]) });
  });
  return calls;
}

/** The pid and fd of the call that opened a file whose name ends with `name` (an openat's result), with the flag given. */
function opener(calls: Call[], name: RegExp, flag: string): { pid: number; fd: number; line: number } {
  const open = calls.find((c) => c.name === 'openat' && name.test(c.text) && c.text.includes(flag) && c.ret >= 0);
  assert.ok(open !== undefined, `an openat of ${name} with ${flag}`);
  return { pid: open.pid, fd: open.ret, line: open.line };
}

for (const flags of FLAG_SETS) {
  test(`rsync copies a 1 MiB file locally: the sender's file -> socket and the receiver's socket -> file, each the file's bytes; no protocol message is a transfer, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-rsync-'));
    const size = 1 << 20;
    fs.writeFileSync(path.join(dir, 'src.bin'), crypto.randomBytes(size));
    const recording = await recordStrace(['rsync', 'src.bin', 'dst.bin'], { flags, outDir: dir, cwd: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.ok(fs.readFileSync(path.join(dir, 'dst.bin')).equals(fs.readFileSync(path.join(dir, 'src.bin'))), 'rsync copied it');

    const calls = tracedCalls(recording.tracePath);
    const sender = opener(calls, /"src\.bin", O_RDONLY/, 'O_RDONLY');
    const senderReads = calls.filter((c) => c.pid === sender.pid && c.name === 'read' && c.fd === sender.fd && c.line > sender.line);
    // The sender's data messages: every write of its that carries more than the protocol's few bytes.
    const senderWrites = calls.filter((c) => c.pid === sender.pid && c.name === 'write' && c.ret > 1024);
    const receiver = opener(calls, /"\.dst\.bin\.\w+", O_RDWR\|O_CREAT/, 'O_CREAT');
    const fileWrites = calls.filter((c) => c.pid === receiver.pid && c.name === 'write' && c.fd === receiver.fd && c.line > receiver.line);
    const lastWrite = fileWrites[fileWrites.length - 1].line;
    const streamReads = calls.filter((c) => c.pid === receiver.pid && c.name === 'read' && c.fd === 0 && c.ret > 0 && c.line < lastWrite);
    assert.equal(senderReads.reduce((sum, c) => sum + c.ret, 0), size);
    assert.equal(fileWrites.reduce((sum, c) => sum + c.ret, 0), size);

    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    const all = describeTransfers(report.transfers);
    const sent = report.transfers.filter((t) => t.pid === sender.pid);
    assert.equal(sent.length, 1, all);
    assert.equal(sent[0].strategy, 'read_write', all);
    assert.equal(sent[0].source.kind, 'file');
    assert.match(sent[0].source.path, /src\.bin$/);
    assert.equal(sent[0].sink.kind, 'unix');
    assert.equal(sent[0].bytes, size, all);
    assert.deepEqual(sent[0].syscalls, { read: senderReads.length, write: senderWrites.length }, all);
    const received = report.transfers.filter((t) => t.pid === receiver.pid);
    assert.equal(received.length, 1, all);
    assert.equal(received[0].strategy, 'recv_write', all);
    assert.equal(received[0].source.kind, 'unix');
    assert.equal(received[0].sink.kind, 'file');
    assert.match(received[0].sink.path, /\.dst\.bin\.\w+$/);
    assert.equal(received[0].bytes, size, all);
    assert.deepEqual(received[0].syscalls, { read: streamReads.length, write: fileWrites.length }, all);
    // The protocol's messages between the three processes (the 5-byte end of the file list among them) are no transfer.
    assert.deepEqual(report.transfers.filter((t) => t.source.kind === 'unix' && t.sink.kind === 'unix').map((t) => t.bytes), [], all);
    assert.equal(report.transfers.length, 2, all);
  });

  test(`rsync -a copies a directory of three files: each file's bytes on both sides, nothing between sockets, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-rsync-a-'));
    const sizes: Record<string, number> = { a: 300_000, b: 70_000, c: 6 };
    fs.mkdirSync(path.join(dir, 'in'));
    for (const [name, n] of Object.entries(sizes)) fs.writeFileSync(path.join(dir, 'in', name), name === 'c' ? 'hello\n' : crypto.randomBytes(n));
    const recording = await recordStrace(['rsync', '-a', 'in/', 'out/'], { flags, outDir: dir, cwd: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    for (const name of Object.keys(sizes)) assert.ok(fs.readFileSync(path.join(dir, 'out', name)).equals(fs.readFileSync(path.join(dir, 'in', name))));

    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    const all = describeTransfers(report.transfers);
    for (const [name, n] of Object.entries(sizes)) {
      const sent = report.transfers.filter((t) => t.source.kind === 'file' && (t.source.path.endsWith(`/in/${name}`) || t.source.path === name));
      assert.deepEqual(sent.map((t) => [t.strategy, t.sink.kind, t.bytes]), [['read_write', 'unix', n]], `${name}: ${all}`);
      const received = report.transfers.filter((t) => t.sink.kind === 'file' && new RegExp(`(^|/)\\.${name}\\.\\w+$`).test(t.sink.path));
      assert.deepEqual(received.map((t) => [t.strategy, t.source.kind, t.bytes]), [['recv_write', 'unix', n]], `${name}: ${all}`);
    }
    assert.deepEqual(report.transfers.filter((t) => t.source.kind === 'unix' && t.sink.kind === 'unix').map((t) => t.bytes), [], all);
    assert.equal(report.transfers.length, 6, all);
  });

  test(`tail -c N: from a file a transfer of N bytes; from a pipe (writes from inside reads, no printed byte in common) no transfer out of the pipe, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-tail-'));
    const size = 1_000_000;
    const n = 100_000;
    const big = path.join(dir, 'big');
    fs.writeFileSync(big, crypto.randomBytes(size));
    const fromFile = await recordStrace(['sh', '-c', `tail -c ${n} big > out.f`], { flags, outDir: dir, cwd: dir, name: 'file' });
    assert.equal(fromFile.exitCode, 0, fromFile.stderr);
    const fromPipe = await recordStrace(['sh', '-c', `cat big | tail -c ${n} > out.p`], { flags, outDir: dir, cwd: dir, name: 'pipe' });
    assert.equal(fromPipe.exitCode, 0, fromPipe.stderr);
    const last = fs.readFileSync(big).subarray(size - n);
    assert.ok(fs.readFileSync(path.join(dir, 'out.f')).equals(last));
    assert.ok(fs.readFileSync(path.join(dir, 'out.p')).equals(last));

    const calls = tracedCalls(fromFile.tracePath);
    const tail = opener(calls, /"big", O_RDONLY/, 'O_RDONLY');
    const reads = calls.filter((c) => c.pid === tail.pid && c.name === 'read' && c.fd === tail.fd && c.line > tail.line);
    const writes = calls.filter((c) => c.pid === tail.pid && c.name === 'write' && c.fd === 1);
    assert.equal(reads.reduce((sum, c) => sum + c.ret, 0), n);
    const report = await analyzeTraceFiles([fromFile.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(
      report.transfers.map((t) => [t.pid, t.strategy, t.source.kind, path.basename(t.source.path), t.sink.kind, path.basename(t.sink.path), t.bytes, t.syscalls]),
      [[tail.pid, 'read_write', 'file', 'big', 'file', 'out.f', n, { read: reads.length, write: writes.length }]],
    );

    const pipeCalls = tracedCalls(fromPipe.tracePath);
    const pipeReport = await analyzeTraceFiles([fromPipe.tracePath]);
    assert.deepEqual(pipeReport.diagnostics, []);
    const cat = opener(pipeCalls, /"big", O_RDONLY/, 'O_RDONLY');
    // cat's copy into the pipe is there; tail's writes start inside its 8 KiB reads, never where one began.
    assert.deepEqual(
      pipeReport.transfers.map((t) => [t.pid, t.strategy, path.basename(t.source.path), t.sink.kind, t.bytes]),
      [[cat.pid, 'read_write', 'big', 'pipe', size]],
      describeTransfers(pipeReport.transfers),
    );
  });
}

// rsync must be installed for these tests: fail loudly rather than skip.
test('rsync is installed', () => {
  assert.match(execFileSync('rsync', ['--version']).toString(), /rsync\s+version/);
});
