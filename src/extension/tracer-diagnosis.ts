// Turns a tracer that could not start or could not trace into a message that says what happened
// and what to do: not installed, not allowed (Yama ptrace_scope, perf_event_paranoid), or failed.
// Node only (reads /proc), no VS Code.

import { readFileSync } from 'node:fs';

export type TracerKind = 'strace' | 'perf';

function readProcInt(path: string): number | null {
  try {
    const v = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

export interface KernelLimits {
  /** /proc/sys/kernel/yama/ptrace_scope, null when Yama is absent. */
  ptraceScope: number | null;
  /** /proc/sys/kernel/perf_event_paranoid. */
  perfEventParanoid: number | null;
}

export function readKernelLimits(procRoot = '/proc'): KernelLimits {
  return {
    ptraceScope: readProcInt(`${procRoot}/sys/kernel/yama/ptrace_scope`),
    perfEventParanoid: readProcInt(`${procRoot}/sys/kernel/perf_event_paranoid`),
  };
}

const INSTALL: Record<TracerKind, string> = {
  strace: 'Install it (Debian/Ubuntu: `sudo apt install strace`, Fedora: `sudo dnf install strace`) or set `iolens.stracePath` to its full path.',
  perf: 'Install it (Debian: `sudo apt install linux-perf`, Ubuntu: `sudo apt install linux-tools-$(uname -r)`, Fedora: `sudo dnf install perf`) or set `iolens.perfPath` to its full path.',
};

/** The message for a spawn() error (ENOENT, EACCES, ...). */
export function explainSpawnError(kind: TracerKind, executable: string, code: string | undefined, message: string): string {
  if (code === 'ENOENT') return `${kind} was not found ("${executable}"). ${INSTALL[kind]}`;
  if (code === 'EACCES') return `${kind} at "${executable}" cannot be executed (permission denied). Check the file's permissions or set \`iolens.${kind === 'strace' ? 'stracePath' : 'perfPath'}\`.`;
  return `${kind} could not be started ("${executable}"): ${message}`;
}

/** Lines of the tracer's own stderr that report a tracer problem (not the program's output). */
export function tracerErrorLines(kind: TracerKind, stderr: string): string[] {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  if (kind === 'strace') return lines.filter((l) => l.startsWith('strace: '));
  return lines.filter((l) => /^(?:Error:|perf: |Failed to |No permission|\s*Hint:|Couldn't|Cannot )/i.test(l) || /perf_event_paranoid|tracefs|debugfs/.test(l));
}

function permissionProblem(kind: TracerKind, text: string): boolean {
  if (kind === 'strace') return /Operation not permitted|EPERM|Permission denied|ptrace/.test(text);
  return /perf_event_paranoid|Permission denied|Operation not permitted|No permission|EACCES|tracefs|debugfs/i.test(text);
}

/**
 * Explains a tracer failure from its stderr lines. Returns null when nothing in them points at the
 * tracer (then the program itself failed, which is not the tracer's business).
 */
export function explainTracerFailure(kind: TracerKind, errorLines: string[], limits: KernelLimits = readKernelLimits()): string | null {
  if (errorLines.length === 0) return null;
  const said = errorLines.slice(0, 4).join(' ');
  if (!permissionProblem(kind, said)) return `${kind} failed: ${said}`;
  const why: string[] = [];
  if (kind === 'strace') {
    if (limits.ptraceScope !== null && limits.ptraceScope >= 1) {
      const meaning = ['', 'only a parent may trace its children', 'only processes with CAP_SYS_PTRACE may trace', 'no process may trace (until reboot)'][limits.ptraceScope] ?? 'ptrace is restricted';
      why.push(`kernel.yama.ptrace_scope is ${limits.ptraceScope} (${meaning}).`);
      if (limits.ptraceScope <= 2) why.push('strace starts the program itself, which scope 1 allows; if it still fails, a container or seccomp profile blocks ptrace: run the container with `--cap-add=SYS_PTRACE` (and `--security-opt seccomp=unconfined`), or lower the scope with `sudo sysctl kernel.yama.ptrace_scope=0`.');
      else why.push('Scope 3 cannot be lowered without a reboot.');
    } else {
      why.push('ptrace is blocked, often by a container or sandbox: run the container with `--cap-add=SYS_PTRACE` (and `--security-opt seccomp=unconfined`).');
    }
  } else {
    if (limits.perfEventParanoid !== null) why.push(`kernel.perf_event_paranoid is ${limits.perfEventParanoid}; perf trace needs -1 (or root / CAP_PERFMON), and read access to tracefs.`);
    why.push('Either run `sudo sysctl kernel.perf_event_paranoid=-1` and make /sys/kernel/tracing readable, or use "Run a command under strace" instead.');
  }
  return `${kind} is not allowed to trace here: ${said} ${why.join(' ')}`;
}
