// strace -c style figures: per syscall (calls, errors, bytes, time) and per process.

import type { SummaryRowEvent, SyscallEvent } from '../strace-parser/types';
import type { ProcessSummary, SyscallSummary } from './report-types';
import { movedBytes } from './event-args';
import { classifySyscall, syscallInfo, type SyscallInfo } from './syscall-classes';

interface ProcessTotals {
  calls: number;
  bytes: number;
  time: number;
  hasTime: boolean;
}

interface SyscallTotals {
  name: string;
  calls: number;
  errors: number;
  bytes: number;
  time: number;
  hasTime: boolean;
}

export class SyscallSummaryBuilder {
  /** Rows by SyscallInfo id (a sparse array: ids are shared by all analyses). */
  private readonly byId: Array<SyscallTotals | undefined> = [];
  /** The same rows in the order their names first appeared (sums over them keep that order). */
  private readonly bySyscall: SyscallTotals[] = [];
  private readonly byProcess = new Map<number, ProcessTotals>();
  calls = 0;
  /** Rows of `perf trace -s` / `strace -c` tables, by name: the figures of a trace that holds only its summary. */
  private readonly tableRows = new Map<string, SyscallTotals>();
  private tableCalls = 0;
  /** The row of the previous call's process (calls of one process come in runs). */
  private lastPid = -1;
  private lastProcess: ProcessTotals | undefined = undefined;

  add(event: SyscallEvent, info: SyscallInfo = syscallInfo(event.name)): void {
    this.calls++;
    let row = this.byId[info.id];
    if (row === undefined) {
      row = { name: info.name, calls: 0, errors: 0, bytes: 0, time: 0, hasTime: false };
      this.byId[info.id] = row;
      this.bySyscall.push(row);
    }
    row.calls++;
    if (event.errno !== null) row.errors++;
    const moved = info.messages ? movedBytes(event, true) : event.ret;
    const payload = moved !== null && moved > 0 && event.errno === null && info.payload ? moved : 0;
    row.bytes += payload;
    const duration = event.duration;
    if (duration !== null) {
      row.time += duration;
      row.hasTime = true;
    }
    let process = event.pid === this.lastPid ? this.lastProcess : this.byProcess.get(event.pid);
    if (process === undefined) {
      process = { calls: 0, bytes: 0, time: 0, hasTime: false };
      this.byProcess.set(event.pid, process);
    }
    this.lastPid = event.pid;
    this.lastProcess = process;
    process.calls++;
    process.bytes += payload;
    if (duration !== null) {
      process.time += duration;
      process.hasTime = true;
    }
  }

  /** A row of a summary table the tracer printed (perf trace -s prints one per thread: they add up). */
  addTableRow(row: SummaryRowEvent): void {
    let totals = this.tableRows.get(row.syscall);
    if (totals === undefined) {
      totals = { name: row.syscall, calls: 0, errors: 0, bytes: 0, time: 0, hasTime: false };
      this.tableRows.set(row.syscall, totals);
    }
    totals.calls += row.calls;
    totals.errors += row.errors;
    if (row.totalTime !== null) {
      totals.time += row.totalTime;
      totals.hasTime = true;
    }
    this.tableCalls += row.calls;
  }

  /** The calls the trace shows, or, for a trace that holds only the tracer's summary table, the calls that table counts. */
  get countedCalls(): number {
    return this.calls > 0 ? this.calls : this.tableCalls;
  }

  /** The rows the figures come from: the calls seen, else the summary table's (bytes unknown there: 0). */
  private rows(): SyscallTotals[] {
    return this.calls === 0 && this.tableRows.size > 0 ? [...this.tableRows.values()] : this.bySyscall;
  }

  /** Rows sorted by total time (then calls), like strace -c. */
  syscalls(): Record<string, SyscallSummary> {
    const rows = [...this.rows()].sort((a, b) => b.time - a.time || b.calls - a.calls || a.name.localeCompare(b.name));
    const result: Record<string, SyscallSummary> = {};
    for (const row of rows) {
      const name = row.name;
      result[name] = { calls: row.calls, errors: row.errors, bytes: row.bytes, timeUs: row.hasTime ? Math.round(row.time * 1e6) : null, class: classifySyscall(name) };
    }
    return result;
  }

  totalTimeUs(): number | null {
    let time = 0;
    let any = false;
    for (const row of this.rows()) {
      time += row.time;
      any ||= row.hasTime;
    }
    return any ? Math.round(time * 1e6) : null;
  }

  /** Per-process totals; transfer figures (mode switches, CPU bytes copied) are added by the caller. */
  processes(commands: ReadonlyMap<number, string>, perTransfer: ReadonlyMap<number, { modeSwitches: number; cpuBytesCopied: number }>): ProcessSummary[] {
    return [...this.byProcess.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([pid, totals]) => {
        const summary: ProcessSummary = {
          pid,
          calls: totals.calls,
          bytes: totals.bytes,
          modeSwitches: 2 * totals.calls,
          cpuBytesCopied: perTransfer.get(pid)?.cpuBytesCopied ?? 0,
          timeUs: totals.hasTime ? Math.round(totals.time * 1e6) : null,
        };
        const command = commands.get(pid);
        if (command !== undefined) summary.command = command;
        return summary;
      });
  }
}
