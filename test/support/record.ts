/**
 * Record real traces for tests: `strace` and `perf trace` around a command, plus the untraced network peers
 * the workloads need (tcp_sink / tcp_send / tcp_fetch from test/workloads, on 127.0.0.1 only).
 *
 * Everything is spawned with argument arrays (no shell), in its own process group, with a bounded timeout,
 * and is killed by its own pid/process group when the timeout fires or the Node process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildWorkloads, removeAtExit } from './workloads';

// ---------------------------------------------------------------------------------------------------------
// process bookkeeping

const live = new Set<ChildProcess>();
let exitHook = false;

function track(p: ChildProcess): void {
  live.add(p);
  p.once('exit', () => live.delete(p));
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) killGroup(c, 'SIGKILL');
    });
  }
}

/** Signal the process group we created for `p` (spawned with detached: true), falling back to the pid. */
function killGroup(p: ChildProcess, sig: NodeJS.Signals): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try {
    process.kill(-p.pid, sig);
  } catch {
    try {
      p.kill(sig);
    } catch {
      /* already gone */
    }
  }
}

interface Finished {
  exitCode: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
const MAX_CAPTURE = 1 << 20;

/** Spawn argv (no shell) in a new process group; collect stdout/stderr (1 MiB each at most); kill on timeout. */
function spawnBounded(
  argv: string[],
  opts: { cwd?: string; timeoutMs: number; stdoutFile?: string; env?: NodeJS.ProcessEnv },
): { proc: ChildProcess; done: Promise<Finished> } {
  const outFd = opts.stdoutFile !== undefined ? fs.openSync(opts.stdoutFile, 'w') : undefined;
  const proc = spawn(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
  });
  if (outFd !== undefined) fs.closeSync(outFd);
  track(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => {
    if (stdout.length < MAX_CAPTURE) stdout += d.toString('latin1');
  });
  proc.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < MAX_CAPTURE) stderr += d.toString('latin1');
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(proc, 'SIGKILL');
  }, opts.timeoutMs);
  const done = new Promise<Finished>((resolve) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, extra = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const exitCode = code ?? (signal ? 128 + (SIGNALS[signal] ?? 0) : -1);
      resolve({ exitCode, signal, stdout, stderr: stderr + extra, timedOut });
    };
    proc.once('error', (e) => finish(127, null, `\nspawn ${argv[0]} failed: ${e.message}`));
    proc.once('close', (code, signal) => finish(code, signal));
  });
  return { proc, done };
}

function outDirFor(outDir: string | undefined): string {
  if (outDir !== undefined) {
    fs.mkdirSync(outDir, { recursive: true });
    return outDir;
  }
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-trace-'));
  removeAtExit(d);
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// strace

/** Default strace flags (the same as the extension's `iolens.straceArgs` default). `-s` and `-o` are added. */
export const DEFAULT_STRACE_FLAGS = ['-f', '-ttt', '-T', '-yy'];

export interface RecordOptions {
  /** tracer flags before `-s`/`-o`; default DEFAULT_STRACE_FLAGS. Include '-ff' to get one file per pid. */
  flags?: string[];
  /** working directory of the traced program (default: the current one) */
  cwd?: string;
  /** where the trace goes (default: a fresh temp dir, removed at process exit) */
  outDir?: string;
  /** strace -s (default 32, as in the corpus) */
  stringSize?: number;
  /** trace file name without extension (default 'trace'); the file is `<outDir>/<name>.strace` */
  name?: string;
  /** redirect the traced program's stdout to this file (e.g. `cat in.bin > out`) */
  stdoutFile?: string;
  /** kill the tracer and the program after this long (default 60 s); the result then has exitCode 137 */
  timeoutMs?: number;
  /** strace executable (default 'strace') */
  stracePath?: string;
}

export interface StraceRecording {
  /** the trace file; with '-ff' the -o PREFIX (the files are `traceFiles`) */
  tracePath: string;
  /** every file written: [tracePath], or the PREFIX.<pid> files with '-ff' (sorted by pid) */
  traceFiles: string[];
  /** exit status of the traced program (strace passes it through); 128+N when killed by signal N */
  exitCode: number;
  /** strace's own stderr (and the program's stderr) */
  stderr: string;
  /** the program's stdout, unless redirected with stdoutFile (1 MiB at most) */
  stdout: string;
  timedOut: boolean;
}

/** Run `strace FLAGS -s N -o FILE -- argv` and wait for it. */
export async function recordStrace(argv: string[], options: RecordOptions = {}): Promise<StraceRecording> {
  const flags = options.flags ?? DEFAULT_STRACE_FLAGS;
  const dir = outDirFor(options.outDir);
  const ff = flags.includes('-ff');
  const tracePath = path.join(dir, ff ? (options.name ?? 'ff') : `${options.name ?? 'trace'}.strace`);
  const args = [options.stracePath ?? 'strace', ...flags, '-s', String(options.stringSize ?? 32), '-o', tracePath, '--', ...argv];
  const { done } = spawnBounded(args, { cwd: options.cwd, timeoutMs: options.timeoutMs ?? 60_000, stdoutFile: options.stdoutFile });
  const r = await done;
  let traceFiles: string[];
  if (ff) {
    const base = path.basename(tracePath) + '.';
    traceFiles = fs
      .readdirSync(dir)
      .filter((n) => n.startsWith(base) && /^\d+$/.test(n.slice(base.length)))
      .sort((a, b) => Number(a.slice(base.length)) - Number(b.slice(base.length)))
      .map((n) => path.join(dir, n));
  } else {
    traceFiles = fs.existsSync(tracePath) ? [tracePath] : [];
  }
  return { tracePath, traceFiles, exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout, timedOut: r.timedOut };
}

/** pid of the first line of a `strace -f -o` trace (the traced main process), or undefined. */
export function firstPid(tracePath: string): number | undefined {
  const fd = fs.openSync(tracePath, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const m = /^(\d+)\s/.exec(buf.subarray(0, n).toString('latin1'));
    return m ? Number(m[1]) : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------------------
// perf trace

export interface PerfRecordOptions {
  /** extra perf trace options before -o, e.g. ['-s'], ['--pf=all'], ['--syscalls', '--pf=all'] */
  perfArgs?: string[];
  cwd?: string;
  outDir?: string;
  /** file name without extension (default 'perf'); the file is `<outDir>/<name>.trace` */
  name?: string;
  stdoutFile?: string;
  timeoutMs?: number;
  /** perf executable (default 'perf') */
  perfPath?: string;
}

/**
 * Same shape as a StraceRecording (traceFiles = [tracePath]), except that `exitCode` is perf's own exit
 * status: perf trace does NOT pass the program's exit status through (a program that exits 3 still gives 0).
 */
export type PerfRecording = ({ ok: true } & StraceRecording) | { ok: false; reason: string };

const perfProbes = new Map<string, Promise<{ ok: true } | { ok: false; reason: string }>>();

/**
 * Whether `perf trace` really works here: runs `perf trace -o TMP -- true` once (cached per perf path) and
 * checks that it exited 0 and wrote syscall lines (it needs root or perf_event_paranoid <= -1, tracefs...).
 */
export function perfTraceAvailable(perfPath = 'perf'): Promise<{ ok: true } | { ok: false; reason: string }> {
  let p = perfProbes.get(perfPath);
  if (!p) {
    p = (async () => {
      const dir = outDirFor(undefined);
      const file = path.join(dir, 'probe.trace');
      const { done } = spawnBounded([perfPath, 'trace', '-o', file, '--', 'true'], { timeoutMs: 20_000 });
      const r = await done;
      if (r.timedOut) return { ok: false as const, reason: 'perf trace probe timed out' };
      if (r.exitCode !== 0) return { ok: false as const, reason: `perf trace exited ${r.exitCode}: ${r.stderr.trim().slice(0, 400)}` };
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : '';
      if (!/\): \S+\/\d+ \w+\(/.test(text)) {
        return { ok: false as const, reason: `perf trace wrote no syscall lines: ${(r.stderr.trim() || text.trim()).slice(0, 400)}` };
      }
      return { ok: true as const };
    })();
    perfProbes.set(perfPath, p);
  }
  return p;
}

/**
 * How many times a test records a program under perf trace before it judges the last recording: perf
 * drops events now and then and names an fd only if it still finds it in /proc when it prints, more
 * often on a loaded machine (a recording that lost what the test needs is redone, not judged).
 */
export const PERF_RECORDING_ATTEMPTS = 8;

/** Run `perf trace [perfArgs] -o FILE -- argv`; `{ ok: false, reason }` when perf trace cannot run here. */
export async function recordPerfTrace(argv: string[], options: PerfRecordOptions = {}): Promise<PerfRecording> {
  const perf = options.perfPath ?? 'perf';
  const probe = await perfTraceAvailable(perf);
  if (!probe.ok) return probe;
  const dir = outDirFor(options.outDir);
  const tracePath = path.join(dir, `${options.name ?? 'perf'}.trace`);
  const args = [perf, 'trace', ...(options.perfArgs ?? []), '-o', tracePath, '--', ...argv];
  const { done } = spawnBounded(args, { cwd: options.cwd, timeoutMs: options.timeoutMs ?? 60_000, stdoutFile: options.stdoutFile });
  const r = await done;
  if (!fs.existsSync(tracePath) || (r.exitCode !== 0 && fs.statSync(tracePath).size === 0)) {
    return { ok: false, reason: `perf trace exited ${r.exitCode} without a trace: ${r.stderr.trim().slice(0, 400)}` };
  }
  return { ok: true, tracePath, traceFiles: [tracePath], exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout, timedOut: r.timedOut };
}

// ---------------------------------------------------------------------------------------------------------
// network peers

/**
 * - 'tcp_sink':  `tcp_sink PORT NCONN [OUT]`: listens on 127.0.0.1:PORT, reads NCONN connections to EOF, prints
 *                the total byte count. Started BEFORE the traced program (which connects to it); startPeer
 *                resolves once the port listens.
 * - 'tcp_send':  `tcp_send PORT FILE`: connects to the traced program's listener and sends FILE. startPeer waits
 *                until the port listens, then starts it.
 * - 'tcp_fetch': `tcp_fetch PORT [OUT]` x `clients`, started concurrently once the port listens; each reads to
 *                EOF and prints its byte count.
 */
export type PeerKind = 'tcp_sink' | 'tcp_send' | 'tcp_fetch';

export interface PeerOptions {
  /** dir with the built programs (default: buildWorkloads()) */
  binDir?: string;
  /** tcp_send: the file to send (required) */
  file?: string;
  /** tcp_sink: connections to accept (default 1) */
  connections?: number;
  /** tcp_fetch: concurrent clients (default 1) */
  clients?: number;
  /** tcp_sink / tcp_fetch: also write the received bytes here (tcp_fetch with clients > 1: `<outFile>.<i>`) */
  outFile?: string;
  cwd?: string;
  /** how long to wait for the port to listen (default 10 s) */
  listenTimeoutMs?: number;
  /** each peer process is killed after this long (default 30 s) */
  timeoutMs?: number;
  /** client kinds: stop waiting for the port when this returns true (e.g. the traced program already exited) */
  gaveUp?: () => boolean;
}

export interface PeerResult {
  pid: number | undefined;
  exitCode: number;
  /** what the peer printed: tcp_sink / tcp_fetch print the byte count they received */
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface Peer {
  kind: PeerKind;
  port: number;
  pids: number[];
  /** resolves when every peer process has exited by itself (or was killed by its timeout / stop()) */
  wait(): Promise<PeerResult[]>;
  /** kill what is still running (SIGTERM, then SIGKILL after 2 s) and wait for it */
  stop(): Promise<PeerResult[]>;
}

/** A TCP port that was free on 127.0.0.1 a moment ago (ask the kernel for an ephemeral one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** Whether something listens on 127.0.0.1:port (or 0.0.0.0:port), read from /proc/net/tcp without connecting
 * (a probe connection would be accepted by a one-shot server as its client). */
export function isListening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  try {
    const lines = fs.readFileSync('/proc/net/tcp', 'latin1').split('\n');
    return lines.some((l) => {
      const f = l.trim().split(/\s+/);
      return (f[1] === `0100007F:${hexPort}` || f[1] === `00000000:${hexPort}`) && f[3] === '0A';
    });
  } catch {
    return false;
  }
}

/** Poll until 127.0.0.1:port listens; rejects after timeoutMs, or early when `gaveUp()` says so. */
export async function waitListening(port: number, timeoutMs = 10_000, gaveUp?: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!isListening(port)) {
    if (gaveUp?.()) throw new Error(`gave up waiting for 127.0.0.1:${port} to listen`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`127.0.0.1:${port} never listened (${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Start a network peer (see PeerKind). Always call stop() (e.g. in a finally) when done. */
export async function startPeer(kind: PeerKind, port: number, options: PeerOptions = {}): Promise<Peer> {
  const bin = options.binDir ?? (await buildWorkloads());
  const timeoutMs = options.timeoutMs ?? 30_000;
  const listenTimeout = options.listenTimeoutMs ?? 10_000;
  const argvs: string[][] = [];
  if (kind === 'tcp_sink') {
    const a = [path.join(bin, 'tcp_sink'), String(port), String(options.connections ?? 1)];
    if (options.outFile !== undefined) a.push(options.outFile);
    argvs.push(a);
  } else if (kind === 'tcp_send') {
    if (options.file === undefined) throw new Error('tcp_send needs options.file');
    argvs.push([path.join(bin, 'tcp_send'), String(port), options.file]);
  } else {
    const n = options.clients ?? 1;
    for (let i = 0; i < n; i++) {
      const a = [path.join(bin, 'tcp_fetch'), String(port)];
      if (options.outFile !== undefined) a.push(n > 1 ? `${options.outFile}.${i}` : options.outFile);
      argvs.push(a);
    }
  }
  if (kind !== 'tcp_sink') await waitListening(port, listenTimeout, options.gaveUp);
  const procs = argvs.map((a) => spawnBounded(a, { cwd: options.cwd, timeoutMs }));
  const results = (): Promise<PeerResult[]> =>
    Promise.all(procs.map(async ({ proc, done }) => {
      const r = await done;
      return { pid: proc.pid, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
    }));
  const peer: Peer = {
    kind,
    port,
    pids: procs.map((p) => p.proc.pid ?? -1),
    wait: results,
    async stop() {
      for (const { proc } of procs) killGroup(proc, 'SIGTERM');
      const hard = setTimeout(() => procs.forEach(({ proc }) => killGroup(proc, 'SIGKILL')), 2_000);
      try {
        return await results();
      } finally {
        clearTimeout(hard);
      }
    },
  };
  if (kind === 'tcp_sink') {
    try {
      const exited = { v: false };
      void procs[0].done.then(() => (exited.v = true));
      await waitListening(port, listenTimeout, () => exited.v);
    } catch (e) {
      const r = await peer.stop();
      throw new Error(`${(e as Error).message}; tcp_sink: ${r[0]?.stderr ?? ''}`);
    }
  }
  return peer;
}
