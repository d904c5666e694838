// Turns the lines of ONE trace file into events: decides the format from the first telling line,
// resolves pids and timestamps, pairs unfinished/resumed calls (unfinished.ts), attaches -k frames,
// rejoins lines split by `strace: Process N attached`, and reports every unreadable line.

import { classifyLine } from './detect';
import { TraceSyscall, joinArgText, makeExit, makeFault, makeSignal, makeSummaryRow } from './events';
import { decorationLevel } from './fd-decoration';
import { indexIn, LineKind, ParsedLine, PidKind, TsKind } from './parsed-line';
import { parsePerfLine } from './perf-line';
import { parseStraceLine } from './strace-line';
import { summaryHeader, type SummaryLayout } from './strace-summary';
import { PendingCalls } from './unfinished';
import type {
  CallStart,
  DiagnosticSeverity,
  ExitEvent,
  SignalEvent,
  ParseDiagnostic,
  TimestampStyle,
  TraceEvent,
  TraceFlags,
  TraceFormat,
  TraceParseResult,
} from './types';

/** Where a file parser sends its output (the sink itself, or a queue for the -ff merge). */
export interface ParserOutput {
  event(event: TraceEvent): void;
  diagnostic(diagnostic: ParseDiagnostic): void;
  callStarted?(start: CallStart): void;
  /** Names callStarted is wanted for (undefined: all). */
  callStartedFor?: ReadonlySet<string>;
  ignoredLine?(fileIndex: number, line: number): void;
}

/** What all files of one trace share: the result being built. */
export class ParseState {
  format: TraceFormat | null = null;
  flags: TraceFlags = {
    pids: false,
    timestamps: 'none',
    durations: false,
    fdPaths: 'none',
    stacks: false,
    instructionPointers: false,
    pageFaults: false,
  };
  lines = 0;
  events = 0;
  readonly pids = new Set<number>();
  /** perf: each process's command, as its lines name it. */
  readonly commands = new Map<number, string>();
  /** The pids of summary rows (strace -c has none: 0): processes only when the trace has no calls (-c, not -C). */
  readonly summaryPids = new Set<number>();
  readonly diagnosticCounts: Record<DiagnosticSeverity, number> = { error: 0, warning: 0, info: 0 };
  mainPid: number | null = null;
  seq = 0;

  result(files: string[]): TraceParseResult {
    return {
      format: this.format ?? 'strace',
      files,
      lines: this.lines,
      events: this.events,
      processes: this.pids.size > 0 ? this.pids.size : this.summaryPids.size,
      flags: { ...this.flags },
      diagnosticCounts: { ...this.diagnosticCounts },
      mainPid: this.mainPid,
      ...(this.commands.size > 0 ? { commands: Object.fromEntries(this.commands) } : {}),
    };
  }
}

/** How many lines of program output may separate a call's entry part from its exit part (stderr captures). */
const MAX_CALL_GAP = 64;
const NO_RESULT_REASON = 'no closing parenthesis (cut or garbled line)';

/** Where a line continues a call cut by program output: the first `)` followed by `= ` (or a final `=`). */
function findExitPart(s: string, b: number, n: number): number {
  for (let i = b; i < n; i++) {
    if (s.charCodeAt(i) !== 41 /* ) */) continue;
    let k = i + 1;
    while (k < n && s.charCodeAt(k) === 32) k++;
    if (k < n && s.charCodeAt(k) === 61 /* = */ && (k + 1 === n || s.charCodeAt(k + 1) === 32)) return i;
  }
  return -1;
}

/**
 * stderr captures: when the traced program writes to the stream strace prints on, its text lands
 * right after the entry part `write(2, "...", 61` and before `) = 61`, so the count argument reads
 * `61524288 bytes (524 kB) copied, ...`. The count is the return value here (a complete write): cut
 * the program's text off the arguments.
 */
function trimProgramOutput(ev: TraceSyscall): void {
  if (ev.ret === null || ev.ret < 0) return;
  const args = ev.args;
  if (args.length < 3 || (args.length === 3 && /^\d+$/.test(args[2]))) return;
  const text = ev.argText;
  const bufEnd = text.indexOf(args[1]) + args[1].length;
  let countAt = bufEnd;
  while (countAt < text.length && (text.charCodeAt(countAt) === 44 || text.charCodeAt(countAt) === 32)) countAt++;
  const ret = String(ev.ret);
  if (bufEnd >= args[1].length && text.startsWith(ret, countAt)) ev.argText = text.slice(0, countAt + ret.length);
}

/** Half a day: a -t/-tt stamp that falls back by more than this crossed midnight. */
const HALF_DAY = 43200;

/** The top of the box strace --tips draws as it ends: `  ____...____         ____`. */
const TIPS_BOX_TOP = /^ {2}_{20,} +_{3,} *$/;

export class FileParser {
  private format: TraceFormat | null = null;
  private readonly o = new ParsedLine();
  /** Last complete call (or signal/exit), held back one line so that -k frames below it can be attached. */
  private held: TraceSyscall | SignalEvent | ExitEvent | null = null;
  private readonly pending = new PendingCalls();
  private tsStyle: TimestampStyle | null = null;
  private dayOffset = 0;
  private lastTod = -1;
  private relSum = 0;
  private lastPid = -1;
  /** The layout of the `strace -c` table being read, if any. */
  private straceSummary: SummaryLayout | null = null;
  private summaryPid = 0;
  /** Start of a line cut by `strace: Process N attached` printed in its middle. */
  private fragment: string | null = null;
  private fragmentLine = 0;
  /**
   * strace captured from stderr shares the stream with the traced program: a `write(2, "x\n", 2`
   * entry part is followed by the program's own output, then by the exit part `) = 2`, possibly
   * lines later. The entry part waits here (with the lines of program output seen since) until a
   * line brings the exit part; if none does within MAX_CALL_GAP lines, they all become diagnostics.
   */
  private callFragment: string | null = null;
  private callFragmentLine = 0;
  private callFragmentGap: number[] = [];
  /** Lines carry a pid column (-o with -f) or come from -ff parts: no program output can be mixed in. */
  private pidColumn = false;
  // stderr captures (`[pid N]` prefixes): see resolvePid.
  private readonly attached = new Set<number>();
  private readonly live = new Set<number>();
  private sawUnprefixed = false;
  private mainAlias: number | null = null;
  /** perf: lines that were tracepoint events (said once, at the end), and the first of them. */
  private tracepointLines = 0;
  private firstTracepointLine = 0;
  /** strace --tips: its closing box began (TIPS_BOX_TOP); what does not parse after it is the box. */
  private inTipsBox = false;
  /** The last event line was a perf page fault (its --call-graph frames follow it). */
  private afterFault = false;
  /** strace: pid -> the thread whose execve replaced it (`+++ superseded by execve in pid N +++`). */
  private readonly execBy = new Map<number, number>();
  /** perf tids that already printed a syscall (a `[continued]` with no start is normal as a tid's first line). */
  private readonly perfTids = new Set<number>();

  constructor(
    readonly fileIndex: number,
    readonly fileName: string,
    private readonly out: ParserOutput,
    private readonly state: ParseState,
    /**
     * The pid of lines that print none: for a -ff part, the `.PID` suffix of its file name (a file whose
     * lines carry a pid column keeps those pids).
     */
    readonly defaultPid: number | null,
  ) {}

  /** The timestamp style seen so far in this file (null: none yet). */
  get timestampStyle(): TimestampStyle | null {
    return this.tsStyle;
  }

  /**
   * The reader is about to drop the current chunk string: calls still in flight copy their argument
   * text out of it (most resume within the same chunk and never pay for the copy).
   */
  endOfChunk(): void {
    this.pending.detachAll();
  }

  /** A line the reader had to drop (too long): counted, and reported. */
  skippedLine(lineNo: number, reason: string): void {
    this.state.lines++;
    this.flushHeld();
    this.diag(lineNo, 'warning', reason);
  }

  /** The next line is read as its head and tail (too long to keep whole): said at that line. */
  shortenedLine(lineNo: number, reason: string): void {
    this.diag(lineNo, 'info', reason);
  }

  /** The file's data ended badly (a cut or damaged .gz): said at the line where the trace stops. */
  endError(lineNo: number, message: string): void {
    this.flushHeld();
    this.diag(lineNo, 'error', message);
  }

  line(text: string, start: number, end: number, lineNo: number): void {
    this.state.lines++;
    let s = text;
    let b = start;
    let n = end;
    let first = lineNo;
    const joined = this.fragment !== null;
    if (this.fragment !== null) {
      s = this.fragment + s.slice(b, n);
      b = 0;
      n = s.length;
      first = this.fragmentLine;
      this.fragment = null;
    }

    // `clone(...SIGCHLDstrace: Process 22808 attached` + next line `, child_tidptr=...) = 22808`.
    if (n - b > 24 && this.format !== 'perf' && s.charCodeAt(n - 1) === 100 /* d */ && (s.startsWith(' attached', n - 9) || s.startsWith(' detached', n - 9))) {
      const at = indexIn(s, 'strace: Process ', b, n);
      if (at > b && at < n) {
        const pid = Number(s.slice(at + 16, n - 9));
        if (Number.isInteger(pid) && s.startsWith(' attached', n - 9)) this.attached.add(pid);
        this.fragment = s.slice(b, at);
        this.fragmentLine = first;
        return;
      }
    }
    if (this.format === null) {
      const line = s.slice(b, n);
      if (line.trim().length === 0) {
        this.ignored(lineNo);
        return;
      }
      const f = classifyLine(line);
      if (f === null) {
        this.diag(lineNo, 'warning', line.startsWith(' > ') ? 'stack frame before any call' : `not a strace or perf trace line: ${preview(line)}`);
        return;
      }
      this.format = f;
      if (this.state.format === null) this.state.format = f;
      if (f === 'perf') this.state.flags.pids = true;
    }
    this.dispatch(s, b, n, first, lineNo, joined);
  }

  /** Parses s[b, n) (physical lines first..lineNo) and acts on what it is. */
  private dispatch(s: string, b: number, n: number, first: number, lineNo: number, joined: boolean): void {
    const o = this.o;
    if (this.format === 'perf') {
      parsePerfLine(s, b, n, o);
      // perf names each line's command (execve's own line already the new one): the per-process table's names.
      if (o.commEnd > o.commStart && (o.name === 'execve' || !this.state.commands.has(o.pid))) this.state.commands.set(o.pid, s.slice(o.commStart, o.commEnd));
    } else parseStraceLine(s, b, n, o, this.straceSummary);
    if (o.kind !== LineKind.Frame) this.afterFault = false;
    if (o.kind === LineKind.Resumed && o.name === '') this.nameBareExitPart();
    switch (o.kind) {
      case LineKind.Call:
        this.onCall(first, lineNo);
        return;
      case LineKind.Unfinished:
        this.onUnfinished(first);
        if (joined && first !== lineNo) this.ignored(lineNo);
        return;
      case LineKind.Resumed:
        this.onResumed(first, lineNo);
        return;
      case LineKind.Detached: {
        this.flushHeld();
        const pid = this.resolvePid();
        const ev = this.newCall(first, pid, this.resolveTime());
        ev.endLine = lineNo;
        ev.incomplete = true;
        // A trace whose only call strace detached from (-p, then Ctrl-C) still shows how fds were printed.
        this.noteDecorations(o.src, o.a0, o.a1, -1, -1);
        this.held = ev;
        return;
      }
      case LineKind.Frame:
        if (this.held === null && this.afterFault) {
          // perf --call-graph with --pf: a page fault's own frames (where it was taken), not a call's.
          this.ignored(lineNo);
          return;
        }
        if (this.held !== null) {
          if (this.held.stack === null || this.held.stack === undefined) this.held.stack = [];
          this.held.stack.push(o.text1);
          this.held.endLine = lineNo;
          this.state.flags.stacks = true;
        } else {
          this.diag(lineNo, 'warning', 'stack frame with no call before it');
        }
        return;
      case LineKind.Signal: {
        this.flushHeld();
        const pid = this.resolvePid();
        this.held = makeSignal(this.fileIndex, first, pid, this.resolveTime(), ++this.state.seq, o.text1, o.text2);
        return;
      }
      case LineKind.Exit: {
        this.flushHeld();
        const pid = this.resolvePid();
        const time = this.resolveTime();
        const p = this.pending.take(pid);
        if (p !== null) this.emit(p);
        this.held = makeExit(this.fileIndex, first, pid, time, ++this.state.seq, o.num1 >= 0 ? o.num1 : null, o.text1.length > 0 ? o.text1 : null);
        if (o.num2 > 0) {
          // The process goes on under its pid; the thread whose execve it was is gone.
          this.execBy.set(pid, o.num2);
          this.live.delete(o.num2);
        } else this.live.delete(pid);
        return;
      }
      case LineKind.Fault: {
        this.flushHeld();
        const pid = this.resolvePid();
        const time = this.resolveTime();
        // A fault of a tid whose call perf printed as interrupted happened inside that call (a read
        // faulting on its buffer): the call goes on, its `[continued]` line comes later.
        this.state.flags.pageFaults = true;
        this.afterFault = true;
        this.emit(makeFault(this.fileIndex, first, pid, time, ++this.state.seq, o.flag, o.text1, o.text2, o.faultInKernel));
        return;
      }
      case LineKind.SummaryRow:
        this.flushHeld();
        this.state.summaryPids.add(this.summaryPid);
        this.emit(makeSummaryRow(this.fileIndex, first, this.summaryPid, ++this.state.seq, o.text1, o.num1, o.num2, o.num3), false);
        return;
      case LineKind.SummaryHeading:
        this.summaryPid = o.pid;
        this.ignored(first, lineNo);
        return;
      case LineKind.Ignored:
        if (o.text1 === 'summary-header') this.summaryTable(o.summaryLayout, first);
        // `strace -p PID` announces its target before any call: that process is the one whose
        // lines carry no pid at first, not a child, so it stays a candidate for mainAlias.
        else if (o.text1 === 'attached' && o.pid > 0 && (this.sawUnprefixed || this.live.size > 0)) this.attached.add(o.pid);
        else if (o.text1 === 'tracepoint' && this.tracepointLines++ === 0) this.firstTracepointLine = first;
        this.ignored(first, lineNo);
        return;
      case LineKind.StraceMessage:
        this.straceSummary = null;
        this.diag(first, 'info', o.text1);
        if (first !== lineNo) this.ignored(lineNo);
        return;
      default: {
        // A `strace -c -U ...` table whose header does not start with `% time`.
        const header = this.format === 'strace' ? summaryHeader(s.slice(b, n)) : null;
        if (header !== null) {
          this.summaryTable(header, first);
          this.ignored(first, lineNo);
          return;
        }
        this.straceSummary = null;
        if (this.format === 'strace' && (this.inTipsBox || TIPS_BOX_TOP.test(s.slice(b, n)))) {
          // strace --tips draws its mascot and a tip in a box as it ends, on its stderr: in a capture of
          // it, the rest of the file. Lines that still parse are read as usual.
          this.inTipsBox = true;
          this.ignored(first, lineNo);
          return;
        }
        if (this.callFragment !== null && !joined) {
          const exit = findExitPart(s, b, n);
          if (exit !== -1) {
            // The exit part of the call cut by program output: rejoin and parse the whole call.
            const whole = this.callFragment + s.slice(exit, n);
            const from = this.callFragmentLine;
            for (const l of this.callFragmentGap) this.ignored(l);
            this.callFragment = null;
            this.callFragmentGap = [];
            this.dispatch(whole, 0, whole.length, from, lineNo, true);
            return;
          }
          // Program output between a call's entry and exit parts.
          this.callFragmentGap.push(lineNo);
          if (this.callFragmentGap.length > MAX_CALL_GAP) this.dropCallFragment();
          return;
        }
        if (this.format === 'strace' && !this.pidColumn && o.pidKind !== PidKind.Column && !joined && o.reason === NO_RESULT_REASON) {
          this.callFragment = s.slice(b, n);
          this.callFragmentLine = first;
          return;
        }
        this.diag(first, 'warning', `${o.reason}: ${preview(s.slice(b, n))}`);
        if (first !== lineNo) this.diag(lineNo, 'warning', 'continuation of the line above');
        return;
      }
    }
  }

  private dropCallFragment(): void {
    if (this.callFragment === null) return;
    this.diag(this.callFragmentLine, 'warning', `call never finished: ${preview(this.callFragment)}`);
    for (const l of this.callFragmentGap) this.diag(l, 'warning', 'not a trace line');
    this.callFragment = null;
    this.callFragmentGap = [];
  }

  /**
   * A strace -c table starts. Its rows are the trace's figures only when it has no calls (-c, not -C):
   * then what its columns leave out is said.
   */
  private summaryTable(layout: SummaryLayout | null, lineNo: number): void {
    this.straceSummary = layout;
    const limits = layout?.limits;
    if (limits && this.state.pids.size === 0) this.diag(lineNo, limits.severity, limits.message);
  }

  /** End of the file: emit what is still held or pending (unfinished calls never resumed, incomplete=true). */
  finish(): void {
    if (this.tracepointLines > 0) {
      this.diag(this.firstTracepointLine, 'info', `${this.tracepointLines} perf tracepoint event${this.tracepointLines === 1 ? '' : 's'} (like this line's): not system calls, not analyzed`);
    }
    this.dropCallFragment();
    if (this.fragment !== null) {
      this.diag(this.fragmentLine, 'warning', `line cut by a strace message and never continued: ${preview(this.fragment)}`);
      this.fragment = null;
    }
    this.flushHeld();
    for (const p of this.pending.drain()) this.emit(p);
  }

  private onCall(first: number, lineNo: number): void {
    this.flushHeld();
    const o = this.o;
    const pid = this.resolvePid();
    const time = this.resolveTime();
    if (this.pending.size > 0) {
      if (this.format === 'perf') this.flushPerfPending(pid);
      else {
        const p = this.pending.take(pid);
        if (p !== null) {
          this.diag(p.line, 'warning', `${p.name}(... <unfinished ...> of pid ${pid} never resumed before its next call`);
          this.emit(p);
        }
      }
    }
    if (this.format === 'perf') this.perfTids.add(pid);
    const ev = this.newCall(first, pid, time);
    ev.endLine = lineNo;
    ev.setResultRange(o.r0, o.r1);
    this.fillResult(ev);
    if (!this.pidColumn && ev.name === 'write' && this.format === 'strace') trimProgramOutput(ev);
    this.held = ev;
  }

  private onUnfinished(first: number): void {
    this.flushHeld();
    const o = this.o;
    const pid = this.resolvePid();
    const time = this.resolveTime();
    const old = this.pending.take(pid);
    if (old !== null) {
      if (this.format !== 'perf') this.diag(old.line, 'warning', `${old.name}(... <unfinished ...> of pid ${pid} never resumed`);
      this.emit(old);
    }
    if (this.format === 'perf') this.perfTids.add(pid);
    const ev = this.newCall(first, pid, time);
    ev.incomplete = true;
    this.pending.put(pid, ev);
    this.noteDecorations(o.src, o.a0, o.a1, -1, -1);
    const wanted = this.out.callStartedFor;
    if (this.out.callStarted !== undefined && (wanted === undefined || wanted.has(ev.name))) {
      // A slice, not ev.argText: that would cache the head text and the resumed part could not stay a range.
      this.out.callStarted({ fileIndex: this.fileIndex, line: first, pid, time, name: ev.name, argText: o.src.slice(o.a0, o.a1), startSeq: ev.startSeq });
    }
  }

  /**
   * strace -z prints some calls' exit part bare (strace-line.ts: no name, no pid): it ends the call
   * that went in flight last. With none in flight, or when it is the rest of a call the program's own
   * output cut (stderr captures: dispatch's default case), it is no resumed call.
   */
  private nameBareExitPart(): void {
    const o = this.o;
    const latest = this.callFragment === null ? this.pending.latestPid() : null;
    const call = latest === null ? null : this.pending.peek(latest);
    if (latest === null || call === null) {
      o.bad('not a trace line');
      return;
    }
    o.name = call.name;
    o.pid = latest;
    o.pidKind = latest === 0 ? PidKind.None : this.pidColumn ? PidKind.Column : PidKind.Bracket;
  }

  private onResumed(first: number, lineNo: number): void {
    this.flushHeld();
    const o = this.o;
    const pid = this.resolvePid();
    this.resolveTime();
    const perf = this.format === 'perf';
    let p = this.pending.take(pid);
    if (p !== null && p.name !== o.name) {
      if (!perf) this.diag(p.line, 'warning', `${p.name}(... <unfinished ...> of pid ${pid} never resumed (next: <... ${o.name} resumed>)`);
      this.emit(p);
      p = null;
    }
    if (p === null && o.name === 'execve' && this.execBy.size > 0) {
      // `+++ superseded by execve in pid N +++`: the execve a thread N started ends under this pid.
      const by = this.execBy.get(pid);
      if (by !== undefined) {
        this.execBy.delete(pid);
        p = this.pending.take(by);
        if (p !== null && p.name !== 'execve') {
          this.emit(p);
          p = null;
        }
        if (p === null && !perf) {
          // -ff: the start is in N's part, which counts the call (`<pid changed to ...>`).
          this.ignored(first, lineNo);
          return;
        }
      }
    }
    if (p === null) {
      // The start is not in the trace: report it, and keep the call (incomplete) rather than lose it.
      const firstForTid = perf && !this.perfTids.has(pid);
      if (!firstForTid) {
        this.diag(first, 'warning', perf ? `[continued]: ${o.name}() of tid ${pid} without its start` : `<... ${o.name} resumed> of pid ${pid} without its <unfinished ...> start`);
      }
      if (perf) this.perfTids.add(pid);
      p = this.newCall(first, pid, this.o.tsKind === TsKind.None ? null : this.lastTime);
      p.setResultRange(o.r0, o.r1);
      p.incomplete = true;
    } else {
      p.incomplete = false;
      if (p.src === o.src && p.argCache === null && p.t0 < 0) {
        // Both lines in this chunk (the usual case): ranges, cut and joined only if asked for.
        p.setResultRange(o.r0, o.r1);
        if (o.a1 > o.a0) p.setTailRange(o.a0, o.a1);
      } else {
        p.resultText = o.r0 < 0 ? null : o.src.slice(o.r0, o.r1);
        if (o.a1 > o.a0) p.argText = joinArgText(p.argText, o.src.slice(o.a0, o.a1), perf);
      }
    }
    p.endLine = lineNo;
    p.resumedLine = first;
    this.fillResult(p);
    this.held = p;
  }

  private fillResult(ev: TraceSyscall): void {
    const o = this.o;
    ev.duration = o.duration < 0 ? null : o.duration;
    ev.ret = o.ret;
    ev.errno = o.errno;
    if (o.ip !== null) {
      ev.ip = o.ip;
      this.state.flags.instructionPointers = true;
    }
    if (o.duration >= 0) this.state.flags.durations = true;
    this.noteDecorations(o.src, o.a0, o.a1, o.r0, o.r1);
  }

  private noteDecorations(src: string, a0: number, a1: number, r0: number, r1: number): void {
    // Once -yy is seen there is nothing left to learn (the usual case). Only this check is inlined
    // into each line's handler (the engine's inlining budget is better spent there); the look is a call.
    if (this.state.flags.fdPaths !== 'yy') this.lookForDecorations(src, a0, a1, r0, r1);
  }

  private lookForDecorations(src: string, a0: number, a1: number, r0: number, r1: number): void {
    const flags = this.state.flags;
    let level = decorationLevel(src, a0, a1);
    if (level < 2 && r0 >= 0) {
      const r = decorationLevel(src, r0, r1);
      if (r > level) level = r;
    }
    if (level === 2 && this.format !== 'perf') flags.fdPaths = 'yy';
    else if (level >= 1 && flags.fdPaths === 'none') flags.fdPaths = 'y';
  }

  private newCall(line: number, pid: number, time: number | null): TraceSyscall {
    const o = this.o;
    return new TraceSyscall(this.fileIndex, line, pid, time, ++this.state.seq, o.name, o.src, o.a0, o.a1, this.format === 'perf');
  }

  private flushHeld(): void {
    const h = this.held;
    if (h !== null) {
      this.held = null;
      this.emit(h);
    }
  }

  /** perf: a new event of a tid ends its interrupted call for good (rt_sigreturn and exit never continue). */
  private flushPerfPending(pid: number): void {
    if (this.format !== 'perf' || this.pending.size === 0) return;
    const p = this.pending.take(pid);
    if (p !== null) this.emit(p);
  }

  /** `isProcess` false: a summary row, whose pid counts as a process only in a trace without calls (ParseState). */
  private emit(ev: TraceEvent, isProcess = true): void {
    this.state.events++;
    if (isProcess && ev.pid !== this.lastPid) {
      this.lastPid = ev.pid;
      this.state.pids.add(ev.pid);
    }
    this.out.event(ev);
  }

  /** The time of the last line that had one (a number, not number | null: stored in place, not boxed per line). */
  private lastTime = 0;

  private resolveTime(): number | null {
    const o = this.o;
    if (o.tsKind === TsKind.None) return null;
    let v = o.tsValue;
    if (this.format === 'perf') {
      if (this.tsStyle === null) this.setStyle('perf');
      this.lastTime = v;
      return v;
    }
    if (this.tsStyle === null) {
      this.setStyle(o.tsKind === TsKind.T ? 't' : o.tsKind === TsKind.TT ? 'tt' : v >= 1e5 ? 'ttt' : 'r');
    }
    switch (this.tsStyle) {
      case 't':
      case 'tt':
        v += this.dayOffset;
        if (this.lastTod >= 0 && v < this.lastTod - HALF_DAY) {
          this.dayOffset += 86400;
          v += 86400;
        }
        this.lastTod = v;
        break;
      case 'r':
        this.relSum += v;
        v = this.relSum;
        break;
      default:
        break;
    }
    this.lastTime = v;
    return v;
  }

  private setStyle(style: TimestampStyle): void {
    this.tsStyle = style;
    if (this.state.flags.timestamps === 'none') this.state.flags.timestamps = style;
  }

  /**
   * The pid of the current line. `-o` traces print a pid column (or none at all: pid 0). Captures of
   * stderr print `[pid N]` only while several processes are traced, so the command's own first lines
   * carry none: that process is reported as pid 0 throughout (its real pid, learnt from its first
   * `[pid N]` line, goes to `mainPid`), and an unprefixed line later belongs to the one process left.
   */
  private resolvePid(): number {
    const o = this.o;
    // The pid column of a -f -o trace (the usual case) here, its flags set by the first such line;
    // the rest in resolveOtherPid, so that this stays small enough to be inlined into each line's handler.
    if (o.pidKind === PidKind.Column && this.pidColumn) return o.pid;
    return this.resolveOtherPid();
  }

  private resolveOtherPid(): number {
    const o = this.o;
    switch (o.pidKind) {
      case PidKind.Column:
      case PidKind.Perf:
        if (o.pidKind === PidKind.Column) {
          this.state.flags.pids = true;
          this.pidColumn = true;
        }
        return o.pid;
      case PidKind.Bracket: {
        this.state.flags.pids = true;
        let p = o.pid;
        if (this.mainAlias === null && this.sawUnprefixed && !this.attached.has(p)) {
          this.mainAlias = p;
          if (this.state.mainPid === null) this.state.mainPid = p;
        }
        if (p === this.mainAlias) p = 0;
        this.live.add(p);
        return p;
      }
      default: {
        if (this.defaultPid !== null) {
          this.state.flags.pids = true;
          this.pidColumn = true;
          return this.defaultPid;
        }
        this.sawUnprefixed = true;
        if (this.live.size === 1) {
          for (const p of this.live) return p;
        }
        if (this.live.size === 0) this.live.add(0);
        return 0;
      }
    }
  }

  private ignored(first: number, last = first): void {
    const cb = this.out.ignoredLine;
    if (cb === undefined) return;
    for (let l = first; l <= last; l++) cb.call(this.out, this.fileIndex, l);
  }

  diag(line: number, severity: DiagnosticSeverity, message: string): void {
    this.state.diagnosticCounts[severity]++;
    this.out.diagnostic({ file: this.fileName, line, severity, message });
  }
}

function preview(s: string): string {
  const t = s.length > 120 ? s.slice(0, 120) + '…' : s;
  // Control characters (binary garbage) would garble a diagnostic list; show them escaped.
  // eslint-disable-next-line no-control-regex
  return t.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
