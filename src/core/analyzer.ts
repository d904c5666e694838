// The analysis as a TraceSink: consumes parser events one by one (streaming, bounded state) and
// produces the report at the end.

import { parseFdArg } from '../strace-parser/args';
import { CHILD_RETURNS } from '../strace-parser/perf-line';
import type { CallStart, ParseDiagnostic, TraceEvent, TraceParseResult, TraceSink } from '../strace-parser/types';
import type { CostSettings } from './cost-model';
import { fdArg } from './event-args';
import { FdTracker } from './fd-tracker';
import { buildTransfers } from './report-builder';
import { REPORT_SCHEMA_VERSION, type IoReport, type ReportDiagnostic } from './report-types';
import { SyscallSummaryBuilder } from './summary';
import { syscallInfo, type SyscallInfo } from './syscall-classes';
import { TimelineSampler } from './timeline';
import { PerfOrder } from './perf-order';
import { keep } from './strings';
import { TransferBuilder } from './transfer-builder';

const ROLE_FD = 1;
const ROLE_TRANSFER = 2;
const CLOSE_FD = [0, 'fd'] as const;

/** Diagnostics beyond this many are counted, not kept: a binary file would otherwise fill memory. */
const MAX_DIAGNOSTICS = 500;

export class TraceAnalyzer implements TraceSink {
  private readonly fds: FdTracker;
  private readonly transfers: TransferBuilder;
  private readonly summary = new SyscallSummaryBuilder();
  private readonly timeline = new TimelineSampler();
  private readonly diagnostics: ReportDiagnostic[] = [];
  private diagnosticsOmitted = 0;

  /** roleOf() by SyscallInfo id. */
  private readonly roles: Array<number | undefined> = [];
  private sawSyscall = false;
  /** A close acts at its start; a clone's start says that a new tid may be its child (callStarted). */
  readonly callStartedFor: readonly string[] = ['close', ...CHILD_RETURNS];
  /** startSeq of close calls already applied at their `<unfinished ...>` line. */
  private readonly closesApplied = new Set<number>();
  /** perf trace: its events put back in the order the calls ended (perf-order.ts); null for strace, undefined until the first call. */
  private perfOrder: PerfOrder | null | undefined;

  constructor(
    private readonly settings: CostSettings,
    /** How many files make the trace (-ff parts): read one after another when they have no timestamps. */
    private readonly partCount = 1,
  ) {
    this.fds = new FdTracker();
    this.transfers = new TransferBuilder(this.fds);
  }

  event(event: TraceEvent): void {
    if (this.perfOrder === undefined && event.type === 'syscall') {
      this.perfOrder = event.argNames !== null ? new PerfOrder((e) => this.apply(e), (s) => this.applyStart(s)) : null;
    }
    if (this.perfOrder) this.perfOrder.event(event);
    else this.apply(event);
  }

  private apply(event: TraceEvent): void {
    switch (event.type) {
      case 'syscall':
        if (!this.sawSyscall) {
          this.sawSyscall = true;
          this.fds.decorationsAreTruth = event.argNames === null;
          this.fds.tables.shareOnCloneFiles = !(this.partCount > 1 && event.time === null);
        }
        // perf prints a new thread's or process's own return from clone as `... [continued]: clone())` (`= 0`
        // or no value) without a start: the parent's call, already counted, not a call of its own. (A
        // parent's `= TID` without a start is its call, whose start perf lost: it still says who the child is.)
        if (event.incomplete && event.argNames !== null && event.resumedLine === event.line && CHILD_RETURNS.has(event.name) && !(event.ret !== null && event.ret > 0)) return;
        if (this.fds.hasClonesInFlight) {
          if (CHILD_RETURNS.has(event.name) && event.startSeq !== undefined) this.fds.cloneReturned(event.startSeq);
          this.fds.claimNewTid(event.pid);
        }
        {
          const info = syscallInfo(event.name);
          this.summary.add(event, info);
          this.timeline.add(event, info);
          if (event.name === 'close') {
            if (event.startSeq !== undefined && this.closesApplied.delete(event.startSeq)) return;
            if (this.transfers.hasCredits(event.pid)) this.transfers.onClose(event.pid, fdArg(event, CLOSE_FD));
          }
          if (!this.fds.decorationsAreTruth && event.argText.includes('<')) this.fds.noteLateDecorations(event);
          // Most calls (brk, mprotect, futex, ...) are neither fd-lifecycle nor data calls: skip both.
          const role = this.roleOf(info);
          if ((role & ROLE_FD) !== 0) this.fds.apply(event);
          if ((role & ROLE_TRANSFER) !== 0) this.transfers.onSyscall(event);
          if (event.ret !== null && event.ret > 0 && CHILD_RETURNS.has(event.name)) this.transfers.adopt(event.ret);
        }
        return;
      case 'fault':
        this.transfers.onFault(event);
        return;
      case 'summary':
        this.summary.addTableRow(event);
        return;
      case 'exit':
        this.transfers.exited(event.pid);
        this.fds.exited(event.pid);
        return;
      default:
        return;
    }
  }

  /** Which of the fd tracker and the transfer builder act on calls of this name (cached by name). */
  private roleOf(info: SyscallInfo): number {
    let role = this.roles[info.id];
    if (role === undefined) {
      role = (FdTracker.handles(info.name) ? ROLE_FD : 0) | (TransferBuilder.handles(info.name) ? ROLE_TRANSFER : 0);
      this.roles[info.id] = role;
    }
    return role;
  }

  /**
   * A close takes effect when it starts: another thread can get the same number from open() before
   * strace prints `<... close resumed>` (io-model.md, "Reading the trace").
   */
  callStarted(start: CallStart): void {
    if (this.perfOrder) this.perfOrder.callStarted(start);
    else this.applyStart(start);
  }

  private applyStart(start: CallStart): void {
    if (CHILD_RETURNS.has(start.name)) {
      this.fds.cloneStarted(start.pid, start.startSeq, start.name, start.argText);
      return;
    }
    if (start.name !== 'close') return;
    const ref = parseFdArg(start.argText.trim());
    if (ref === null) return;
    this.transfers.onClose(start.pid, ref);
    this.fds.closeFd(start.pid, ref.fd);
    this.closesApplied.add(start.startSeq);
  }

  diagnostic(diagnostic: ParseDiagnostic): void {
    if (this.diagnostics.length < MAX_DIAGNOSTICS) this.diagnostics.push({ ...diagnostic, file: keep(diagnostic.file), message: keep(diagnostic.message) });
    else this.diagnosticsOmitted++;
  }

  report(parse: TraceParseResult): IoReport {
    this.perfOrder?.flush();
    // perf prints a program's path as a pointer: its lines' command names name the processes.
    for (const [pid, command] of Object.entries(parse.commands ?? {})) if (!this.fds.commands.has(Number(pid))) this.fds.commands.set(Number(pid), command);
    const transfers = buildTransfers(this.transfers.drain(), this.settings);
    const perProcess = new Map<number, { modeSwitches: number; cpuBytesCopied: number }>();
    let bytes = 0;
    let cpuBytesCopied = 0;
    for (const transfer of transfers) {
      bytes += transfer.bytes ?? 0;
      cpuBytesCopied += transfer.cpuBytesCopied ?? 0;
      const totals = perProcess.get(transfer.pid) ?? { modeSwitches: 0, cpuBytesCopied: 0 };
      totals.modeSwitches += transfer.modeSwitches;
      totals.cpuBytesCopied += transfer.cpuBytesCopied ?? 0;
      perProcess.set(transfer.pid, totals);
    }
    const report: IoReport = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      trace: {
        format: parse.format,
        files: parse.files,
        lines: parse.lines,
        events: parse.events,
        processes: parse.processes,
        flags: { ...parse.flags },
      },
      diagnostics: this.diagnostics,
      transfers,
      summary: {
        bySyscall: this.summary.syscalls(),
        byProcess: this.summary.processes(this.fds.commands, perProcess),
        totals: {
          bytes,
          // Every call crosses into the kernel and back, transfer or not.
          modeSwitches: 2 * this.summary.countedCalls,
          cpuBytesCopied,
          calls: this.summary.countedCalls,
          timeUs: this.summary.totalTimeUs(),
        },
      },
      timeline: this.timeline.result(),
      settings: { assumeGatherNic: this.settings.assumeGatherNic },
    };
    if (this.diagnosticsOmitted > 0) report.diagnosticsOmitted = this.diagnosticsOmitted;
    const mainPid = parse.mainPid;
    if (mainPid !== undefined && mainPid !== null) nameMainProcess(report, mainPid);
    return report;
  }
}

/**
 * A capture of strace's stderr shows the traced command's pid only from its first `[pid N]` line on:
 * the parser keeps that process as pid 0 throughout (one fd table) and learns its real pid. The
 * report gives the real one.
 */
function nameMainProcess(report: IoReport, mainPid: number): void {
  const real = (pid: number): number => (pid === 0 ? mainPid : pid);
  for (const transfer of report.transfers) {
    transfer.pid = real(transfer.pid);
    if (transfer.pids !== undefined) transfer.pids = transfer.pids.map(real);
  }
  const byProcess = report.summary.byProcess ?? [];
  for (const row of byProcess) row.pid = real(row.pid);
  byProcess.sort((a, b) => a.pid - b.pid);
  for (const point of report.timeline ?? []) point.pid = real(point.pid);
}
