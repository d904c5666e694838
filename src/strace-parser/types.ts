// The parser's public data model: what one line (or a merged unfinished/resumed pair) of
// strace or perf trace output becomes. Pure data, no VS Code, no Node-only types, so the
// CLI, the extension and the webview can all share it.

export type TraceFormat = 'strace' | 'perf';

/** How timestamps were recorded: strace -t/-tt/-ttt/-r, perf trace's relative ms, or none. */
export type TimestampStyle = 'none' | 't' | 'tt' | 'ttt' | 'r' | 'perf';

/** strace -y / -yy fd decorations (perf trace's `fd: 4</path>` counts as 'y'). */
export type FdPathStyle = 'none' | 'y' | 'yy';

/** What the trace was recorded with, as detected from its content. Later stages use it to say what cannot be known. */
export interface TraceFlags {
  /** Lines carry a pid/tid (strace -f with -o, `[pid N]` prefixes, -ff file suffixes, perf comm/tid). */
  pids: boolean;
  timestamps: TimestampStyle;
  /** strace -T `<0.000123>` or perf trace's `( 0.026 ms)`. */
  durations: boolean;
  fdPaths: FdPathStyle;
  /** strace -k stack frames. */
  stacks: boolean;
  /** strace -i instruction pointers. */
  instructionPointers: boolean;
  /** perf trace --pf page-fault lines. */
  pageFaults: boolean;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** A line that could not be read, or a fact about the trace worth telling (a resumed call with no start). */
export interface ParseDiagnostic {
  /** Path of the trace file, as given to the parser. */
  file: string;
  /** 1-based line number in that file; 0 when it is about the whole file (it cannot be opened). */
  line: number;
  severity: DiagnosticSeverity;
  message: string;
}

/** Where an event came from: index into the parser's file list, and 1-based line numbers. */
export interface EventOrigin {
  /** Index into `TraceParseResult.files` / the paths given to the parser. */
  fileIndex: number;
  /** First line of the event (the line of `<unfinished ...>` for merged calls). */
  line: number;
  /** Last line (the `<... resumed>` line, or the last `-k` frame); equals `line` for single-line events. */
  endLine: number;
}

interface EventBase extends EventOrigin {
  /**
   * (Added.) Position of the event's START in the trace: a counter that grows by one at every line
   * that starts an event (a complete call, an `<unfinished ...>` call, a signal, an exit, ...),
   * across all files of a -ff trace in the order the sink sees them.
   *
   * ORDERING CONTRACT. Events are emitted when they are COMPLETE, so a merged call
   * (`close(5 <unfinished ...>` ... `<... close resumed>) = 0`) arrives at the position of its
   * resumed line, after events of other pids that started later. Memory stays bounded (only one
   * pending call per pid is held), and the consumer can still apply a call at its start: compare
   * `startSeq` values. Example (thread_server_c/f): `close(5 <unfinished>` gets startSeq 10, another
   * thread's `openat(...) = 5` startSeq 11 (emitted first), then the merged close arrives with
   * startSeq 10: an fd table that remembers the startSeq of the call that bound fd 5 (11 > 10)
   * knows that this close happened BEFORE the reuse and must not drop the new fd 5.
   * For events that are not merged, startSeq increases in emission order.
   */
  startSeq?: number;
  /**
   * Thread/process id as printed. For traces with no pid column (strace without -f, or -f with one
   * process writing to stderr) it is 0; for -ff files it is the file name's suffix.
   */
  pid: number;
  /**
   * Start time in seconds. `-ttt`: seconds since the epoch. `-t`/`-tt`: seconds since the midnight
   * of the first line, growing past 86400 when the trace crosses midnight. `-r`: running sum of the
   * relative stamps from the first line. perf: perf's relative ms / 1000. null when the trace has none.
   */
  time: number | null;
}

/** One system call. An unfinished/resumed pair is merged into one event. */
export interface SyscallEvent extends EventBase {
  type: 'syscall';
  /** Syscall name as printed (`read`, `pread64`, `newfstatat`, ...). */
  name: string;
  /** Duration in seconds (strace -T, perf's ms / 1000); null when not recorded or unknown (`?`). */
  duration: number | null;
  /**
   * Raw argument text between the call's parentheses (for merged calls, the unfinished part and the
   * resumed part joined). Not decoded: use `args` or the helpers in args.ts.
   */
  argText: string;
  /**
   * Top-level arguments, split lazily on first access (commas inside strings, braces, brackets,
   * parentheses and fd decorations do not split). For perf each entry keeps its `name: ` prefix
   * stripped and the name goes to `argNames`.
   */
  readonly args: readonly string[];
  /** perf trace's argument names, parallel to `args` (perf omits zero/NULL arguments, so positions differ); null for strace. */
  readonly argNames: readonly string[] | null;
  /** The text after `= ` (return value plus errno and comment), or null for `= ?` / no result (killed mid-call). */
  resultText: string | null;
  /**
   * Numeric return value: decimal or hex (`0x7f...`, may lose precision past 2^53, which is fine for
   * addresses used as keys only when compared as text: see `resultText`). null for `?` or no result.
   */
  ret: number | null;
  /** Errno name for failures (`ENOENT`, `EAGAIN`, `ERESTARTSYS`, `EOPNOTSUPP`), else null. */
  errno: string | null;
  /** The call started but its end is not in the trace (`<unfinished ...>` never resumed, or `<... resumed>` with no start). */
  incomplete: boolean;
  /** strace -k frames (` > /path/bin(sym+0x1f) [0x1599]`) in order, innermost first; null when the trace has none. */
  stack: string[] | null;
  /** strace -i instruction pointer text (`[00007f...]`), else null. */
  ip: string | null;
  /**
   * (Added.) The line of the `<... NAME resumed>` (strace) or `... [continued]:` (perf) part of a
   * merged call; undefined for a call printed on one line. Lines `resumedLine..endLine` plus `line`
   * are this event's lines (-k frames follow the resumed line).
   */
  resumedLine?: number;
}

/** `--- SIGCHLD {si_signo=...} ---` */
export interface SignalEvent extends EventBase {
  type: 'signal';
  signal: string;
  /** The text between the braces, undecoded. */
  detail: string;
  /** (Added.) strace -k frames printed under the signal line (where the process was), else null/undefined. */
  stack?: string[] | null;
}

/** `+++ exited with 0 +++` / `+++ killed by SIGKILL +++` */
export interface ExitEvent extends EventBase {
  type: 'exit';
  /** Exit status, or null when killed. */
  code: number | null;
  /** Signal name when killed, else null. */
  signal: string | null;
  /** (Added.) strace -k prints the exit_group/exit stack AFTER `+++ exited`: those frames land here. */
  stack?: string[] | null;
}

/** perf trace --pf: `majfault [sym+off] => dso@0xoff (x.)` / `minfault ...` */
export interface PageFaultEvent extends EventBase {
  type: 'fault';
  major: boolean;
  /** The faulting code location as printed (`elf_load+0x28a`). */
  location: string;
  /** The target as printed (`0x557721306098` or `dso@0xoff`). */
  target: string;
  /** Taken by the kernel's own code (perf's level `k`: a call copying to or from user memory), not a crossing from user mode. */
  inKernel?: boolean;
}

/** One row of a `perf trace -s` (or `strace -c`) summary table. */
export interface SummaryRowEvent extends EventBase {
  type: 'summary';
  /** The process the table belongs to (perf prints `comm (pid)`), 0 when unknown. */
  syscall: string;
  calls: number;
  errors: number;
  /** Total time in seconds, null when not given. */
  totalTime: number | null;
}

export type TraceEvent = SyscallEvent | SignalEvent | ExitEvent | PageFaultEvent | SummaryRowEvent;

/** (Added.) What the parser knows when a call's `<unfinished ...>` (strace) or interrupted `...` (perf) line is read. */
export interface CallStart {
  fileIndex: number;
  line: number;
  pid: number;
  time: number | null;
  name: string;
  /** The arguments printed so far (the resumed line adds the rest). */
  argText: string;
  /** Equals the `startSeq` of the merged SyscallEvent that will follow. */
  startSeq: number;
}

/**
 * Receives the parser's output as it streams; events arrive in trace order (per file, merged for -ff
 * by time when possible). A call split over `<unfinished ...>`/`<... resumed>` arrives ONCE, when its
 * resumed line is read (see `startSeq` for how to apply it at its start).
 */
export interface TraceSink {
  event(event: TraceEvent): void;
  diagnostic(diagnostic: ParseDiagnostic): void;
  /**
   * (Added, optional.) Called at the line where a call starts but does not finish (`close(5 <unfinished ...>`),
   * before any later line is parsed. Lets a consumer act at the start (e.g. drop fd 5 now); the merged
   * SyscallEvent (same startSeq) still follows. Not called for calls printed on one line.
   */
  callStarted?(start: CallStart): void;
  /**
   * (Added, optional.) When set, callStarted is only called for calls of these names (the analysis only
   * acts on `close` at its start): the others cost nothing, which matters when a third of a big
   * trace's lines are `<unfinished ...>`.
   */
  readonly callStartedFor?: readonly string[];
  /**
   * (Added, optional.) A line that is known not to be an event and is not a problem: blank lines,
   * `strace: Process N attached`, perf's summary headers. With event lines and diagnostics it accounts
   * for every line read (the fuzz test checks that).
   */
  ignoredLine?(fileIndex: number, line: number): void;
}

/** What the parser knows when a whole trace has been read. */
export interface TraceParseResult {
  format: TraceFormat;
  files: string[];
  /** Lines read across all files. */
  lines: number;
  /** Events emitted (merged pairs count once). */
  events: number;
  /** Distinct pids seen. */
  processes: number;
  flags: TraceFlags;
  /** Diagnostics emitted, by severity. */
  diagnosticCounts: Record<DiagnosticSeverity, number>;
  /**
   * (Added.) strace output captured from stderr (no -o) prints no pid before the first child
   * attaches, so the traced command's own lines carry no pid at first. The parser reports that
   * process as pid 0 throughout (so its fd table stays one) and gives its real pid here once a
   * `[pid N]` prefix reveals it; null when never revealed or not applicable.
   */
  mainPid?: number | null;
  /** (Added.) perf trace: each process's command by pid, as its lines name it (`cat/1234 read(`). */
  commands?: Record<number, string>;
}

export interface ParseProgress {
  bytesRead: number;
  totalBytes: number;
  lines: number;
  events: number;
}

export interface ParseOptions {
  /** Cancels the parse: the promise rejects with an AbortError and the files are closed. */
  signal?: AbortSignal;
  /** Called every few MB with progress (never per line). */
  onProgress?: (progress: ParseProgress) => void;
  /** (Added.) Lines longer than this many bytes are skipped with a diagnostic instead of buffered (default 8 MiB). */
  maxLineBytes?: number;
  /**
   * (Added, for the parse worker.) Decode each read chunk in pieces of about this many bytes (at
   * line ends) instead of whole. Node makes strings of ~1 MB or more external, and V8 frees those
   * only at a full collection (up to ~80 MB of dead chunk text per thread); a smaller piece that
   * nothing keeps dies young. Only worth it where events do not outlive their chunk: in the worker,
   * which ships them at once. Default: whole chunks.
   */
  decodePieceBytes?: number;
}
