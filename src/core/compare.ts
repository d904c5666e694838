// Two reports side by side: totals with absolute and relative change, transfers matched across the
// traces by their endpoints (pids differ between runs), per-syscall deltas, and the figures that
// cannot be compared because one trace lacks what they need.

import type { IoReport, SyscallSummary, Transfer } from './report-types';

export const COMPARISON_SCHEMA_VERSION = 1;

export interface Delta {
  before: number | null;
  after: number | null;
  /** after - before; null when either side is unknown. */
  change: number | null;
  /** change / before; null when unknown or before is 0. */
  relative: number | null;
}

export interface MatchedTransfer {
  /** How the pair was matched: `file:/srv/a.bin -> tcp`. */
  key: string;
  before: Transfer;
  after: Transfer;
  strategyChanged: boolean;
  bytes: Delta;
  modeSwitches: Delta;
  cpuCopies: Delta;
  cpuBytesCopied: Delta;
  durationUs: Delta;
}

export interface TraceSide {
  files: string[];
  format: IoReport['trace']['format'];
  flags: IoReport['trace']['flags'];
}

export interface TraceComparison {
  schemaVersion: typeof COMPARISON_SCHEMA_VERSION;
  before: TraceSide;
  after: TraceSide;
  totals: { bytes: Delta; cpuBytesCopied: Delta; modeSwitches: Delta; calls: Delta; timeUs: Delta };
  transfers: { matched: MatchedTransfer[]; added: Transfer[]; removed: Transfer[] };
  bySyscall: Record<string, { calls: Delta; errors: Delta; bytes: Delta; timeUs: Delta }>;
  /** Figures that cannot be compared, in words (a trace without -T has no durations, ...). */
  incomparable: string[];
}

export function delta(before: number | null | undefined, after: number | null | undefined): Delta {
  const b = before ?? null;
  const a = after ?? null;
  const change = a !== null && b !== null ? a - b : null;
  const relative = change !== null && b !== null && b !== 0 ? change / b : null;
  return { before: b, after: a, change, relative };
}

/** Files are matched by path; sockets and pipes by kind only (ports and pipe inodes change between runs). */
function endpointKey(transfer: Transfer, withPaths: boolean): string {
  const source = transfer.source.kind === 'file' && withPaths ? `file:${transfer.source.path}` : transfer.source.kind;
  const sink = transfer.sink.kind === 'file' && withPaths ? `file:${transfer.sink.path}` : transfer.sink.kind;
  return `${source} -> ${sink}`;
}

function matchTransfers(before: Transfer[], after: Transfer[]): TraceComparison['transfers'] {
  const matched: MatchedTransfer[] = [];
  const removed = [...before];
  const added = [...after];
  // First by path, then by kinds alone for what is left (perf trace prints no file names).
  for (const withPaths of [true, false]) {
    for (let i = 0; i < removed.length; ) {
      const old = removed[i] as Transfer;
      const key = endpointKey(old, withPaths);
      const j = added.findIndex((t) => endpointKey(t, withPaths) === key);
      if (j < 0) {
        i++;
        continue;
      }
      const now = added[j] as Transfer;
      added.splice(j, 1);
      removed.splice(i, 1);
      matched.push({
        key,
        before: old,
        after: now,
        strategyChanged: old.strategy !== now.strategy,
        bytes: delta(old.bytes, now.bytes),
        modeSwitches: delta(old.modeSwitches, now.modeSwitches),
        cpuCopies: delta(old.copies.cpu, now.copies.cpu),
        cpuBytesCopied: delta(old.cpuBytesCopied, now.cpuBytesCopied),
        durationUs: delta(old.durationUs, now.durationUs),
      });
    }
  }
  return { matched, added, removed };
}

function syscallDeltas(before: Record<string, SyscallSummary>, after: Record<string, SyscallSummary>): TraceComparison['bySyscall'] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const result: TraceComparison['bySyscall'] = {};
  for (const name of names) {
    const b = before[name];
    const a = after[name];
    result[name] = {
      calls: delta(b?.calls ?? 0, a?.calls ?? 0),
      errors: delta(b?.errors ?? 0, a?.errors ?? 0),
      bytes: delta(b?.bytes ?? 0, a?.bytes ?? 0),
      timeUs: delta(b === undefined ? 0 : b.timeUs, a === undefined ? 0 : a.timeUs),
    };
  }
  return result;
}

function incomparableFigures(before: IoReport, after: IoReport): string[] {
  const notes: string[] = [];
  const side = (r: IoReport): string => r.trace.files.map((f) => f.slice(f.lastIndexOf('/') + 1)).join(', ');
  for (const [report, other] of [[before, after], [after, before]] as const) {
    if (!report.trace.flags.durations && other.trace.flags.durations) notes.push(`time: ${side(report)} was recorded without durations (-T), so times cannot be compared`);
    if (report.trace.flags.fdPaths === 'none' && report.trace.format === 'strace' && other.trace.flags.fdPaths !== 'none') notes.push(`endpoints: ${side(report)} has no fd paths (-y); its endpoints come from the fd table alone`);
  }
  if (before.trace.format !== after.trace.format) notes.push(`formats differ (${before.trace.format} vs ${after.trace.format}): perf trace prints no file names or socket addresses, so transfers are matched by endpoint kinds`);
  const ioUring = [...before.transfers, ...after.transfers].some((t) => t.strategy === 'io_uring');
  if (ioUring) notes.push('io_uring transfers show no bytes or copies in a trace: their deltas are unknown');
  return [...new Set(notes)];
}

export function compareReports(before: IoReport, after: IoReport): TraceComparison {
  const b = before.summary.totals;
  const a = after.summary.totals;
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    before: { files: before.trace.files, format: before.trace.format, flags: before.trace.flags },
    after: { files: after.trace.files, format: after.trace.format, flags: after.trace.flags },
    totals: {
      bytes: delta(b.bytes, a.bytes),
      cpuBytesCopied: delta(b.cpuBytesCopied, a.cpuBytesCopied),
      modeSwitches: delta(b.modeSwitches, a.modeSwitches),
      calls: delta(b.calls ?? null, a.calls ?? null),
      timeUs: delta(before.trace.flags.durations ? b.timeUs : null, after.trace.flags.durations ? a.timeUs : null),
    },
    transfers: matchTransfers(before.transfers, after.transfers),
    bySyscall: syscallDeltas(before.summary.bySyscall, after.summary.bySyscall),
    incomparable: incomparableFigures(before, after),
  };
}

export type RegressionMetric = 'cpu-bytes-copied' | 'mode-switches' | 'calls' | 'bytes';
export const REGRESSION_METRICS: readonly RegressionMetric[] = ['cpu-bytes-copied', 'mode-switches', 'calls', 'bytes'];

/** For CI: which of the chosen totals grew by more than `tolerance` (relative, 0.05 = 5%). */
export function regressions(comparison: TraceComparison, metrics: readonly RegressionMetric[], tolerance = 0): string[] {
  const byMetric: Record<RegressionMetric, Delta> = {
    'cpu-bytes-copied': comparison.totals.cpuBytesCopied,
    'mode-switches': comparison.totals.modeSwitches,
    calls: comparison.totals.calls,
    bytes: comparison.totals.bytes,
  };
  const found: string[] = [];
  for (const metric of metrics) {
    const d = byMetric[metric];
    if (d.change === null || d.before === null || d.after === null || d.change <= 0) continue;
    const limit = d.before * (1 + tolerance);
    if (d.after > limit) found.push(`${metric} grew from ${d.before} to ${d.after} (${d.relative === null ? 'new' : `+${(d.relative * 100).toFixed(1)}%`})`);
  }
  return found;
}
