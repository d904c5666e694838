// runUnderTracer against the real strace (skipped where strace is missing or ptrace is blocked):
// records a trace, counts its lines, reports ENOENT clearly, and on cancel leaves no process alive.

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildPerfArgs, buildStraceArgs, runUnderTracer, TracerStartError } from '../../src/extension/trace-runner';
import { buildWorkload } from './support/programs';

function straceWorks(): boolean {
  try {
    execFileSync('strace', ['-o', '/dev/null', 'true'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const skip = straceWorks() ? false : 'strace is not installed or cannot trace here';

function perfTraceWorks(): boolean {
  try {
    execFileSync('perf', ['trace', '-o', '/dev/null', '--', 'true'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const perfSkip = perfTraceWorks() ? false : 'perf trace is not installed or cannot trace here';

/**
 * Running: not a zombie (a killed process whose new parent, init, has not reaped it yet is dead), unless
 * it is a zombie leader whose other threads run on (field 20 of /proc/PID/stat: its threads).
 */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' || Number(fields[17]) > 1;
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

  for (const tracer of ['strace', 'perf'] as const) {
    for (const mode of ['forks', 'leader-exits', 'daemon'] as const) {
      const what = {
        forks: 'forks a child every 500 µs',
        'leader-exits': 'ended its main thread (a zombie leader whose thread runs on)',
        daemon: 'forked again and ended (a daemon re-parented to init, found by the run marker in its environment)',
      }[mode];
      test(`cancel ends a process outside the group that ${what}, and all it started, under ${tracer}`, { skip: tracer === 'strace' ? skip : perfSkip }, async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'iolens-run-forker-'));
        const trace = path.join(dir, 't.trace');
        const pidFile = path.join(dir, 'pids');
        const pids = (): number[] => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : []);
        try {
          const bin = buildWorkload(dir, 'setsid_forker', ['-pthread']);
          const abort = new AbortController();
          const run = runUnderTracer({
            kind: tracer, executable: tracer, cwd: dir, traceFile: trace, signal: abort.signal, graceMs: 300, pollMs: 50,
            args: tracer === 'strace' ? buildStraceArgs({ baseArgs: ['-f'], stringSize: 16, stacks: false }, trace, [bin, pidFile, mode]) : buildPerfArgs(trace, [bin, pidFile, mode]),
          });
          for (let waited = 0; pids().length < (mode === 'forks' ? 20 : 1); waited += 50) {
            assert.ok(waited < 10_000, `the program started (${pids().length} pids recorded)`);
            await new Promise((r) => setTimeout(r, 50));
          }
          if (mode !== 'forks') await new Promise((r) => setTimeout(r, 300));
          abort.abort();
          const r = await run;
          assert.equal(r.cancelled, true);
          await new Promise((r) => setTimeout(r, 200));
          const survivors = pids().filter(alive);
          assert.deepEqual(survivors, [], `${survivors.length} of ${pids().length} processes of the run outlived the cancel`);
        } finally {
          for (const pid of pids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
    test(`cancel also ends a process that left the group (setsid), under ${tracer}`, { skip: tracer === 'strace' ? skip : perfSkip }, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'iolens-run-setsid-'));
      const trace = path.join(dir, 't.trace');
      const pidFile = path.join(dir, 'pid');
      let escapee = 0;
      try {
        const abort = new AbortController();
        // A session of its own, SIGTERM ignored, children of its own: only a SIGKILL of each ends it.
        const program = ['sh', '-c', `setsid sh -c 'trap "" TERM; sleep 60 & echo $$ $! > ${pidFile}; wait' & wait`];
        const run = runUnderTracer({
          kind: tracer, executable: tracer, cwd: dir, traceFile: trace, signal: abort.signal, graceMs: 300, pollMs: 50,
          args: tracer === 'strace' ? buildStraceArgs({ baseArgs: ['-f'], stringSize: 16, stacks: false }, trace, program) : buildPerfArgs(trace, program),
        });
        for (let waited = 0; !existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim().split(/\s+/).length < 2; waited += 50) {
          assert.ok(waited < 10_000, 'the program wrote its pids');
          await new Promise((r) => setTimeout(r, 50));
        }
        const pids = readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
        escapee = pids[0];
        assert.ok(pids.every(alive), 'the setsid shell and its sleep run before the cancel');
        abort.abort();
        const r = await run;
        assert.equal(r.cancelled, true);
        for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} (outside the run's process group) still alive after the cancel`);
      } finally {
        if (escapee > 0 && alive(escapee)) process.kill(escapee, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
