// runUnderTracer against the real strace (skipped where strace is missing or ptrace is blocked):
// records a trace, counts its lines, reports ENOENT clearly, and on cancel leaves no process alive.

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildStraceArgs, runUnderTracer, TracerStartError } from '../../src/extension/trace-runner';

function straceWorks(): boolean {
  try {
    execFileSync('strace', ['-o', '/dev/null', 'true'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const skip = straceWorks() ? false : 'strace is not installed or cannot trace here';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runUnderTracer', () => {
  test('records a trace and streams the program output', { skip }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-run-'));
    try {
      const trace = path.join(dir, 't.trace');
      let out = '';
      const r = await runUnderTracer({
        kind: 'strace', executable: 'strace', cwd: dir, traceFile: trace,
        args: buildStraceArgs({ baseArgs: ['-f', '-ttt', '-T', '-yy'], stringSize: 32, stacks: false }, trace, ['sh', '-c', 'echo hello; head -c 100000 /dev/zero | cat > out.bin']),
        onOutput: (t) => { out += t; },
      });
      assert.equal(r.exitCode, 0);
      assert.equal(r.cancelled, false);
      assert.equal(r.failure, null);
      assert.match(out, /hello/);
      const lines = readFileSync(trace, 'utf8').split('\n').filter(Boolean).length;
      assert.equal(r.lines, lines);
      assert.ok(lines > 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing tracer rejects with an explanation', async () => {
    await assert.rejects(
      runUnderTracer({ kind: 'strace', executable: '/nonexistent/strace', args: ['true'], cwd: tmpdir(), traceFile: path.join(tmpdir(), 'none.trace') }),
      (err: unknown) => err instanceof TracerStartError && err.code === 'ENOENT' && /not found/.test(err.message),
    );
  });

  test('a tracer error is explained', { skip }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-run-'));
    try {
      const trace = path.join(dir, 't.trace');
      const r = await runUnderTracer({ kind: 'strace', executable: 'strace', cwd: dir, traceFile: trace, args: ['-o', trace, '--', './no-such-program'] });
      assert.ok(r.failure, 'failure explained');
      assert.match(r.failure ?? '', /strace failed: strace: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('cancel kills the whole process tree (tracer, program, its children)', { skip }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-run-'));
    try {
      const trace = path.join(dir, 't.trace');
      const pidFile = path.join(dir, 'pids');
      const abort = new AbortController();
      const progress: number[] = [];
      // A parent that ignores SIGTERM and a child that sleeps: only SIGKILL of the group ends both.
      const script = `trap '' TERM; sleep 60 & echo $$ $! > ${pidFile}; while :; do sleep 0.05; done`;
      const started = Date.now();
      const run = runUnderTracer({
        kind: 'strace', executable: 'strace', cwd: dir, traceFile: trace, signal: abort.signal, graceMs: 300, pollMs: 50,
        args: buildStraceArgs({ baseArgs: ['-f'], stringSize: 16, stacks: false }, trace, ['sh', '-c', script]),
        onProgress: (p) => progress.push(p.lines),
      });
      await new Promise((r) => setTimeout(r, 700));
      const pids = readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
      assert.equal(pids.length, 2);
      assert.ok(pids.every(alive));
      abort.abort();
      const r = await run;
      assert.equal(r.cancelled, true);
      assert.ok(Date.now() - started < 10_000);
      for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still alive`);
      assert.ok(progress.length > 0 && progress[progress.length - 1] > 0, 'line count progressed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('cancel, when a program left the group (setsid) holding the output pipe: the run still ends', { skip }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-run-setsid-'));
    const trace = path.join(dir, 't.trace');
    try {
      const abort = new AbortController();
      const run = runUnderTracer({
        kind: 'strace', executable: 'strace', cwd: dir, traceFile: trace, signal: abort.signal, graceMs: 300, pollMs: 50,
        // The setsid child keeps stdout (the run's pipe) open after the group is killed; it ends by itself in 8 s.
        args: buildStraceArgs({ baseArgs: ['-f'], stringSize: 16, stacks: false }, trace, ['sh', '-c', 'setsid sleep 8 & wait']),
      });
      await new Promise((r) => setTimeout(r, 700));
      const cancelledAt = Date.now();
      abort.abort();
      const r = await run;
      assert.equal(r.cancelled, true);
      assert.ok(Date.now() - cancelledAt < 5_000, `ended ${Date.now() - cancelledAt} ms after the cancel`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
