/**
 * Live recording smoke test: build test/workloads, record four workloads with real strace
 * (-f -ttt -T -yy -s 32) and check, with a grep-like scan of the data syscalls' return values on the
 * source/sink fds (no parser), that the bytes match the table's expectations.
 * Skipped when strace, make or gcc is missing.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, test } from 'node:test';
import { liveWorkload, recordLiveWorkload, type ExpectedTransfer, type LiveRecording } from '../support/live-workloads';
import { missingTools, prepareWorkloadEnv, type WorkloadEnv } from '../support/workloads';

interface DataCall {
  pid: number;
  name: string;
  /** -yy decorations of the fd arguments on the call line, in order ('/path', 'TCP:[a->b]', 'pipe:[n]') */
  fds: string[];
  ret: number;
}

const DECO = /\b\d+<((?:TCP|TCPv6|UDP|UNIX):\[[^\]]*\]|[^<>]*(?:<[^<>]*>)?)>/g;

/** Scan a `strace -f -ttt -T -yy` trace for completed syscalls: pid, name, fd decorations, return value.
 * `<unfinished ...>` lines are joined with their `<... NAME resumed>` line per pid. */
function scanCalls(tracePath: string): DataCall[] {
  const calls: DataCall[] = [];
  const pending = new Map<string, { name: string; fds: string[] }>();
  for (const line of fs.readFileSync(tracePath, 'latin1').split('\n')) {
    const m = /^(\d+)\s+\d+\.\d+\s+(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const rest = m[2];
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(rest);
    let name: string;
    let fds: string[];
    let tail: string;
    if (resumed) {
      const p = pending.get(`${pid}:${resumed[1]}`);
      pending.delete(`${pid}:${resumed[1]}`);
      if (!p) continue;
      name = p.name;
      fds = p.fds;
      tail = resumed[2];
    } else {
      const call = /^(\w+)\((.*)$/.exec(rest);
      if (!call) continue;
      name = call[1];
      const head = call[2].endsWith(' <unfinished ...>') ? call[2].slice(0, -' <unfinished ...>'.length) : call[2];
      // decorations appear on fd args; strings are printed in quotes, so drop them before matching
      fds = [...head.replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.)?/g, '""').matchAll(DECO)].map((d) => d[1]);
      if (head !== call[2]) {
        pending.set(`${pid}:${name}`, { name, fds });
        continue;
      }
      tail = call[2];
    }
    const ret = /\)\s+=\s+(-?\d+)(?:\s|$)/.exec(tail);
    if (ret) calls.push({ pid, name, fds, ret: Number(ret[1]) });
  }
  return calls;
}

function sumReturns(calls: DataCall[], names: string[], fdIndex: number, deco: (d: string) => boolean): { bytes: number; calls: number } {
  let bytes = 0;
  let n = 0;
  for (const c of calls) {
    if (!names.includes(c.name) || c.fds[fdIndex] === undefined || !deco(c.fds[fdIndex])) continue;
    n++;
    if (c.ret > 0) bytes += c.ret;
  }
  return { bytes, calls: n };
}

const isPath = (p: string | undefined) => (d: string) => p !== undefined && d === p;
const isTcp = (d: string) => d.startsWith('TCP:[');
const isPipe = (d: string) => d.startsWith('pipe:[');
const exact = (t: ExpectedTransfer, sc: string): number | undefined => (typeof t.syscalls[sc] === 'number' ? (t.syscalls[sc] as number) : undefined);

const missing = missingTools(['strace', 'make', 'gcc', 'python3']);

describe('live workloads recorded with strace', { skip: missing.length ? `missing: ${missing.join(', ')}` : false, timeout: 60_000 }, () => {
  let env: WorkloadEnv;
  before(async () => {
    env = await prepareWorkloadEnv();
  });

  async function record(name: string): Promise<Extract<LiveRecording, { ok: true }>> {
    const rec = await recordLiveWorkload(liveWorkload(name), { env, flags: ['-f', '-ttt', '-T', '-yy'], stringSize: 32 });
    assert.ok(rec.ok, 'recorded');
    assert.equal(rec.exitCode, 0, `exit code 0 (stderr: ${rec.stderr.slice(-500)})`);
    assert.deepEqual(rec.problems, []);
    assert.ok(fs.existsSync(rec.tracePath), 'trace file exists');
    assert.ok(fs.statSync(rec.tracePath).size > 0, 'trace file is not empty');
    assert.equal(rec.mainPid !== undefined, true, 'first line has a pid column');
    return rec;
  }

  test('rw_copy: read() from in.bin and write() to the output add up to the file size', async () => {
    const rec = await record('rw_copy');
    const [t] = rec.plan.expected;
    const calls = scanCalls(rec.tracePath).filter((c) => c.pid === rec.mainPid);
    const reads = sumReturns(calls, ['read'], 0, isPath(t.source.path));
    const writes = sumReturns(calls, ['write'], 0, isPath(t.sink.path));
    assert.equal(reads.bytes, t.bytes);
    assert.equal(writes.bytes, t.bytes);
    assert.equal(reads.calls, exact(t, 'read'));
    assert.equal(writes.calls, exact(t, 'write'));
  });

  test('sendfile_send: sendfile() return values on the TCP fd add up to the file size', async () => {
    const rec = await record('sendfile_send');
    const [t] = rec.plan.expected;
    const calls = scanCalls(rec.tracePath).filter((c) => c.pid === rec.mainPid);
    const sent = sumReturns(calls, ['sendfile'], 0, isTcp);
    assert.equal(sent.bytes, t.bytes);
    assert.equal(sent.calls, exact(t, 'sendfile'));
    // the in_fd argument names in.bin
    assert.equal(sumReturns(calls, ['sendfile'], 1, isPath(t.source.path)).bytes, t.bytes);
  });

  test('recv_write: recvfrom() on the accepted connection and write() to the file add up', async () => {
    const rec = await record('recv_write');
    const [t] = rec.plan.expected;
    const calls = scanCalls(rec.tracePath).filter((c) => c.pid === rec.mainPid);
    const recv = sumReturns(calls, ['recvfrom'], 0, isTcp);
    const writes = sumReturns(calls, ['write'], 0, isPath(t.sink.path));
    assert.equal(recv.bytes, t.bytes);
    assert.equal(writes.bytes, t.bytes);
    assert.equal(recv.calls, writes.calls + 1, 'one recv per write plus the EOF recv');
  });

  test('cat_pipe_cat: both cats move the whole file through the pipe, in child pids', async () => {
    const rec = await record('cat_pipe_cat');
    const [t1, t2] = rec.plan.expected;
    const calls = scanCalls(rec.tracePath).filter((c) => c.pid !== rec.mainPid);
    assert.equal(sumReturns(calls, ['read'], 0, isPath(t1.source.path)).bytes, t1.bytes);
    assert.equal(sumReturns(calls, ['write'], 0, isPipe).bytes, t1.bytes);
    assert.equal(sumReturns(calls, ['read'], 0, isPipe).bytes, t2.bytes);
    assert.equal(sumReturns(calls, ['write'], 0, isPath(t2.sink.path)).bytes, t2.bytes);
    const pids = new Set(calls.filter((c) => c.name === 'write' && c.ret > 0).map((c) => c.pid));
    assert.equal(pids.size, 2, 'two writer pids (cat #1 into the pipe, cat #2 into the file)');
  });
});
