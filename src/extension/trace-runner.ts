// Runs a command under strace or perf trace: argv only (never a shell), the tracer in its own
// process group so cancelling kills the whole tree (SIGTERM, then SIGKILL after a grace period;
// processes that left the group, found by process-tree.ts, get the same signals),
// the program's output streamed to a callback, and the trace file's line count polled cheaply
// (only the bytes appended since the last poll are read). Node only, no VS Code.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { escapedProcesses, RUN_MARKER, signalProcesses, stillRunning, type ProcessId } from './process-tree';
import { explainSpawnError, explainTracerFailure, tracerErrorLines, type TracerKind } from './tracer-diagnosis';

export interface StraceOptions {
  /** iolens.straceArgs, e.g. -f -ttt -T -yy */
  baseArgs: readonly string[];
  stringSize: number;
  stacks: boolean;
  /** --seccomp-bpf with this -e trace= filter (lower overhead), or undefined. */
  seccompFilter?: string;
}

/** Syscall classes worth keeping with --seccomp-bpf: fd tables, data calls, mappings, processes. */
export const DEFAULT_SECCOMP_FILTER = '%desc,%file,%network,%memory,%process';

export function buildStraceArgs(o: StraceOptions, traceFile: string, argv: readonly string[]): string[] {
  // The run analyzes the one file it names with -o: -ff would write FILE.PID parts beside it and
  // leave FILE empty ("strace recorded nothing"), so it is read as -f (children followed, one file).
  const args = o.baseArgs.map((a) => (a === '-ff' ? '-f' : a));
  if (o.seccompFilter) {
    // --seccomp-bpf only works with -f and a trace filter.
    if (!args.includes('-f') && !args.includes('-ff')) args.unshift('-f');
    args.push('--seccomp-bpf', '-e', `trace=${o.seccompFilter}`);
  }
  if (o.stacks) args.push('-k');
  args.push('-s', String(o.stringSize), '-o', traceFile, '--', ...argv);
  return args;
}

export function buildPerfArgs(traceFile: string, argv: readonly string[]): string[] {
  return ['trace', '-o', traceFile, '--', ...argv];
}

export interface RunProgress {
  elapsedMs: number;
  /** Lines in the trace file so far (about one per call). */
  lines: number;
}

export interface RunOptions {
  kind: TracerKind;
  executable: string;
  args: string[];
  cwd: string;
  traceFile: string;
  /** The program's (and the tracer's) output, as it comes. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  onProgress?: (p: RunProgress) => void;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL (ms). */
  graceMs?: number;
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
  elapsedMs: number;
  lines: number;
  /** The tracer's own error lines from stderr. */
  tracerErrors: string[];
  /** A user-facing explanation when the tracer (not the program) failed, else null. */
  failure: string | null;
}

export class TracerStartError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

/** Counts newlines appended to a file since the last call. */
class LineCounter {
  private offset = 0;
  lines = 0;
  constructor(private readonly file: string) {}
  async poll(): Promise<number> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch {
      return this.lines;
    }
    if (size < this.offset) this.offset = 0; // truncated: recount
    if (size === this.offset) return this.lines;
    const fh = await open(this.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      while (this.offset < size) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (bytesRead <= 0) break;
        for (let i = 0; i < bytesRead; i++) if (buf[i] === 10) this.lines += 1;
        this.offset += bytesRead;
      }
    } finally {
      await fh.close();
    }
    return this.lines;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

/**
 * The processes found so far plus those they started since, stopped (SIGSTOP) so none forks again
 * before the SIGKILL: a child forked by a process that is killed first would be re-parented to init
 * and found by nothing. Rescans until nothing new turns up.
 */
function freezeEscaped(pgid: number, run: string | null, known: readonly ProcessId[]): ProcessId[] {
  const all = [...known];
  signalProcesses(all, 'SIGSTOP');
  for (let round = 0; round < 50; round++) {
    // Only roots that are still the process found (a dead one's pid may be another process's now).
    const more = escapedProcesses(pgid, all.filter((p) => stillRunning(p)).map((p) => p.pid), run).filter((p) => !all.some((e) => e.pid === p.pid));
    if (more.length === 0) break;
    signalProcesses(more, 'SIGSTOP');
    all.push(...more);
  }
  return all;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Process groups of the runs under way (the tracer leads each: it is spawned detached). */
const runningGroups = new Set<number>();
/** Each run's RUN_MARKER value, by its process group. */
const runMarkers = new Map<number, string>();
let runsStarted = 0;

/**
 * Ends every run under way (the extension is deactivated: a window reload or close). The tracer is
 * spawned detached, so without this it and the program would go on, re-parented to init.
 */
export function stopAllRuns(): void {
  for (const pgid of runningGroups) {
    const run = runMarkers.get(pgid) ?? null;
    signalProcesses(freezeEscaped(pgid, run, escapedProcesses(pgid, [], run)), 'SIGKILL');
    killGroup(pgid, 'SIGKILL');
  }
  runningGroups.clear();
  runMarkers.clear();
}

/**
 * Spawns the tracer and waits for it. Rejects with TracerStartError when it cannot start
 * (ENOENT...); resolves otherwise, with `failure` set when the tracer reported a problem.
 * When cancelled, every process of the group is gone when the promise resolves.
 */
export function runUnderTracer(o: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const counter = new LineCounter(o.traceFile);
  const grace = o.graceMs ?? 2000;
  return new Promise<RunResult>((resolve, reject) => {
    // The marker names the run in the environment every process of it inherits (found again on Cancel).
    // Random too: a pid repeats across restarts (a container's host), and a run's survivor must not be taken for a new run's.
    const run = `${process.pid}-${++runsStarted}-${randomBytes(6).toString('hex')}`;
    const env = { ...(o.env ?? process.env), [RUN_MARKER]: run };
    const child = spawn(o.executable, o.args, { cwd: o.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env, shell: false });
    let stderr = '';
    let cancelled = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => o.onOutput?.(d, 'stdout'));
    child.stderr?.on('data', (d: string) => {
      if (stderr.length < 1 << 20) stderr += d;
      o.onOutput?.(d, 'stderr');
    });

    const pgid = child.pid;
    if (pgid !== undefined) {
      runningGroups.add(pgid);
      runMarkers.set(pgid, run);
    }
    /** Processes of the run outside its group (setsid): found before the tracer goes, which hides its tracees. */
    let escaped: ProcessId[] = [];
    const cancel = (): void => {
      if (cancelled || pgid === undefined) return;
      cancelled = true;
      // Stopped while they are collected (a child forked after the scan by a process SIGTERM ends would be lost).
      escaped = freezeEscaped(pgid, run, escapedProcesses(pgid, [], run));
      signalProcesses(escaped, 'SIGTERM');
      signalProcesses(escaped, 'SIGCONT');
      killGroup(pgid, 'SIGTERM');
      killTimer = setTimeout(() => {
        escaped = freezeEscaped(pgid, run, escaped);
        signalProcesses(escaped, 'SIGKILL');
        killGroup(pgid, 'SIGKILL');
      }, grace);
    };
    if (o.signal) {
      if (o.signal.aborted) cancel();
      else o.signal.addEventListener('abort', cancel, { once: true });
    }

    const tick = async (): Promise<void> => {
      const lines = await counter.poll().catch(() => counter.lines);
      o.onProgress?.({ elapsedMs: Date.now() - started, lines });
    };
    const timer = setInterval(() => void tick(), o.pollMs ?? 500);

    const forget = (): void => {
      if (pgid === undefined) return;
      runningGroups.delete(pgid);
      runMarkers.delete(pgid);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      forget();
      if (settled) return;
      settled = true;
      clearInterval(timer);
      clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', cancel);
      reject(new TracerStartError(explainSpawnError(o.kind, o.executable, err.code, err.message), err.code));
    });

    // The tracer has exited; its stdout and stderr close when the last process holding them does,
    // which a program that left the group (setsid) may never do: 'close' is not waited for past a second.
    let exited: { code: number | null; sig: NodeJS.Signals | null } | undefined;
    child.on('exit', (code, sig) => {
      exited = { code, sig };
      setTimeout(() => {
        if (settled) return;
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, sig);
      }, 1000);
    });
    child.on('close', (code, sig) => finish(exited?.code ?? code, exited?.sig ?? sig));

    const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
      forget();
      if (settled) return;
      settled = true;
      clearInterval(timer);
      o.signal?.removeEventListener('abort', cancel);
      void (async () => {
        // The tracer is gone; make sure nothing of its group outlives it (a tracee it detached from).
        if (pgid !== undefined && groupAlive(pgid)) {
          if (cancelled) {
            killGroup(pgid, 'SIGTERM');
            for (let waited = 0; groupAlive(pgid) && waited < grace; waited += 50) await sleep(50);
          }
          if (cancelled || groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
          for (let waited = 0; groupAlive(pgid) && waited < 2000; waited += 20) await sleep(20);
        }
        if (cancelled && pgid !== undefined) {
          // Also what the processes found at the cancel started since (the tracer, gone now, hides its tracees).
          const left = freezeEscaped(pgid, run, escaped);
          signalProcesses(left, 'SIGKILL');
          for (let waited = 0; left.some((p) => stillRunning(p)) && waited < 2000; waited += 20) await sleep(20);
        }
        clearTimeout(killTimer);
        const lines = await counter.poll().catch(() => counter.lines);
        const tracerErrors = tracerErrorLines(o.kind, stderr);
        const failure = cancelled ? null : explainTracerFailure(o.kind, tracerErrors);
        resolve({ exitCode: code, signal: sig, cancelled, elapsedMs: Date.now() - started, lines, tracerErrors, failure });
      })();
    };
  });
}
