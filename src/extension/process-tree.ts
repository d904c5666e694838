// The processes a run started that are no longer in its process group. A program can leave the group
// (setsid, a daemon's double fork); killing the group then misses it. Under strace every process of
// the run is a tracee (TracerPid in /proc/PID/status); under perf trace, which does not ptrace, the
// run's processes are found as descendants of the tracer; and every process that still has the run's
// marker in its environment (RUN_MARKER, set when the tracer is spawned: inherited by whatever the
// program starts, a daemon re-parented to init too, unless it clears its environment).
// Node only (reads /proc), no VS Code.

import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable that names a run: its processes inherit it. */
export const RUN_MARKER = 'IOLENS_RUN';

/** Whether /proc/PID/environ holds `RUN_MARKER=run` (only our own processes' is readable). */
function marked(pid: number, run: string, procRoot: string): boolean {
  try {
    // NUL-separated entries: one whole entry, wherever it is.
    return `\0${readFileSync(`${procRoot}/${pid}/environ`, 'latin1')}\0`.includes(`\0${RUN_MARKER}=${run}\0`);
  } catch {
    return false;
  }
}

/** A process as /proc names it: its pid plus its start time, so a reused pid is never taken for it. */
export interface ProcessId {
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks after boot). */
  startTicks: string;
}

interface ProcStat {
  /** A zombie: dead, waiting for its parent to reap it. */
  zombie: boolean;
  ppid: number;
  pgid: number;
  startTicks: string;
}

/** /proc/PID/stat's ppid, pgrp and starttime; null when the process is gone. */
function readStat(pid: number, procRoot: string): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': fields follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, pgrp 5, starttime 22.
  if (fields.length < 20) return null;
  // A thread-group leader that called pthread_exit() is a zombie while its other threads run on (field 20).
  return { zombie: fields[0] === 'Z' && Number(fields[17]) <= 1, ppid: Number(fields[1]), pgid: Number(fields[2]), startTicks: fields[19] };
}

function tracerOf(pid: number, procRoot: string): number {
  try {
    const m = /^TracerPid:\s+(\d+)/m.exec(readFileSync(`${procRoot}/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

/**
 * The processes of the run led by `tracerPid` (the leader of group `tracerPid`) that are outside that
 * group: tracees of the tracer, processes marked with `run` (RUN_MARKER), and descendants of these, of
 * the tracer or of `roots` (processes found before: once the tracer is gone, their children are found
 * through them). Empty where /proc cannot be read.
 */
export function escapedProcesses(tracerPid: number, roots: readonly number[] = [], run: string | null = null, procRoot = '/proc'): ProcessId[] {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return [];
  }
  const stats = new Map<number, ProcStat>();
  const children = new Map<number, number[]>();
  const traced: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === tracerPid) continue;
    const stat = readStat(pid, procRoot);
    if (stat === null) continue;
    stats.set(pid, stat);
    const siblings = children.get(stat.ppid);
    if (siblings === undefined) children.set(stat.ppid, [pid]);
    else siblings.push(pid);
    if (tracerOf(pid, procRoot) === tracerPid || (run !== null && stat.pgid !== tracerPid && marked(pid, run, procRoot))) traced.push(pid);
  }
  const found = new Set<number>(traced);
  const pending = [tracerPid, ...traced, ...roots];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop() as number) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      pending.push(child);
    }
  }
  const escaped: ProcessId[] = [];
  for (const pid of found) {
    const stat = stats.get(pid);
    if (stat !== undefined && !stat.zombie && stat.pgid !== tracerPid) escaped.push({ pid, startTicks: stat.startTicks });
  }
  return escaped.sort((a, b) => a.pid - b.pid);
}

/** Whether this is still the same process (alive, not a zombie, and its pid not reused since). */
export function stillRunning(target: ProcessId, procRoot = '/proc'): boolean {
  const stat = readStat(target.pid, procRoot);
  return stat !== null && !stat.zombie && stat.startTicks === target.startTicks;
}

/** Sends `signal` to each process that is still the one found (a reused pid is left alone). */
export function signalProcesses(processes: readonly ProcessId[], signal: NodeJS.Signals, procRoot = '/proc'): void {
  for (const p of processes) {
    if (!stillRunning(p, procRoot)) continue;
    try {
      process.kill(p.pid, signal);
    } catch {
      // gone meanwhile, or not ours to signal
    }
  }
}
