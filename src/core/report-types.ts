// The analysis report: the JSON document `iolens analyze --json` prints (schemaVersion 1) and the
// data the webview draws. Pure types shared by the core, the CLI, the extension and the webview.

import type { DiagnosticSeverity, TraceFlags, TraceFormat } from '../strace-parser/types';

export const REPORT_SCHEMA_VERSION = 1;

export type EndpointKind = 'file' | 'tcp' | 'udp' | 'unix' | 'pipe' | 'tty' | 'dev' | 'memory' | 'other';

export interface Endpoint {
  kind: EndpointKind;
  /** File path, `127.0.0.1:57706->127.0.0.1:15507`, `pipe:[61613]`, `/dev/zero`, `user buffer`, ... */
  path: string;
  /** Loopback sockets have no NIC: no DMA copy is counted for them. */
  loopback?: boolean;
  /** A file on tmpfs (/dev/shm): its pages are its storage, so no disk DMA is counted for it. */
  inMemory?: boolean;
  /** A block device (a disk, a partition, a loop device): storage, one DMA per byte like a file's disk. */
  storage?: boolean;
  /** Opened with O_DIRECT (or set by fcntl): the device moves its bytes to and from the user buffer, no page cache. */
  direct?: boolean;
}

export const STRATEGIES = [
  'read_write', 'pread_pwrite', 'readv_writev', 'recv_write', 'mmap_write', 'sendfile', 'splice',
  'copy_file_range', 'vmsplice', 'tee', 'msg_zerocopy', 'io_uring',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface CopiesPerByte {
  /** CPU copies (the kernel's memcpy) per payload byte; null when the trace cannot tell (io_uring). */
  cpu: number | null;
  /** DMA copies (a device moves the data) per payload byte; null when unknown. */
  dma: number | null;
}

export interface Recommendation {
  strategy: Strategy | 'larger_buffers';
  modeSwitches: number;
  copies: { cpu: number; dma: number };
  why: string;
}

export interface ChunkStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Histogram by power of two: key = floor(log2(size)) (0 for 0-byte calls), value = calls. */
  log2Histogram: Record<string, number>;
}

export interface Transfer {
  /** Stable id within one report (`t1`, `t2`, ...), used by the webview and hovers to refer to it. */
  id: string;
  pid: number;
  source: Endpoint;
  sink: Endpoint;
  /** The intermediate object, e.g. the pipe of a splice pair. */
  via?: Endpoint;
  strategy: Strategy;
  /** Payload bytes moved: the sum of the data calls' results (null when the trace cannot show it: io_uring). */
  bytes: number | null;
  /** Calls that made the transfer, by name, including the EOF read and failed attempts. */
  syscalls: Record<string, number>;
  /** 2 x the calls above (enter + return), measured. */
  modeSwitches: number;
  /** Page faults on the mapped range when a perf --pf trace shows them, else null. */
  pageFaults?: number | null;
  copies: CopiesPerByte;
  /** bytes x CPU copies per byte, null when either is unknown. */
  cpuBytesCopied: number | null;
  /** Sum of -T durations, else the span of timestamps, else null. */
  durationUs: number | null;
  /** Start time (seconds, in the trace's own clock), null without timestamps. */
  startTime?: number | null;
  /** [first, last] trace line (in the first file for -ff parts: see `fileIndex`). */
  lines: [number, number];
  fileIndex?: number;
  chunks?: ChunkStats;
  /** Every assumption a figure of this transfer depends on, in words. */
  assumptions: string[];
  /** -k frames of the program's own code that issued the calls (deduplicated). */
  frames?: string[];
  recommendation: Recommendation | null;
  /**
   * Large traces: how many transfers of this shape (source, sink kind, strategy) this record sums,
   * when there were too many to list one by one; absent for a single transfer.
   */
  instances?: number;
  /** With `instances`: the first few pids. */
  pids?: number[];
}

export interface SyscallSummary {
  calls: number;
  errors: number;
  /** Bytes returned by data calls (read/write-like, sendfile, splice, ...), 0 for others. */
  bytes: number;
  /** Sum of durations in microseconds, null when the trace has none. */
  timeUs: number | null;
  /** How the call is classified: read, write, mmap, zero-copy, fd, io_uring, other. */
  class?: SyscallClass;
}

export type SyscallClass = 'read' | 'write' | 'mmap' | 'zerocopy' | 'fd' | 'io_uring' | 'process' | 'other';

export interface ProcessSummary {
  pid: number;
  /** Program name when known (from execve or perf's comm). */
  command?: string;
  calls: number;
  bytes: number;
  modeSwitches: number;
  cpuBytesCopied: number;
  timeUs: number | null;
}

export interface ReportDiagnostic {
  file: string;
  line: number;
  severity: DiagnosticSeverity;
  message: string;
}

/** A decimated sample of calls for the timeline chart: never every call of a large trace. */
export interface TimelinePoint {
  /** Seconds since the first event. */
  t: number;
  pid: number;
  class: SyscallClass;
  name: string;
  durationUs: number | null;
  line: number;
  /** Which file of a -ff trace `line` is in (index into trace.files). */
  fileIndex?: number;
}

export interface IoReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  trace: {
    format: TraceFormat;
    files: string[];
    lines: number;
    events: number;
    processes: number;
    flags: Pick<TraceFlags, 'pids' | 'timestamps' | 'durations' | 'fdPaths' | 'stacks'> & Partial<TraceFlags>;
  };
  diagnostics: ReportDiagnostic[];
  /** Diagnostics beyond the first few hundred are counted, not listed. */
  diagnosticsOmitted?: number;
  transfers: Transfer[];
  summary: {
    bySyscall: Record<string, SyscallSummary>;
    byProcess?: ProcessSummary[];
    totals: {
      bytes: number;
      modeSwitches: number;
      cpuBytesCopied: number;
      calls?: number;
      timeUs?: number | null;
    };
  };
  timeline?: TimelinePoint[];
  /** Settings the figures depend on (the gather-NIC assumption, ...). */
  settings?: { assumeGatherNic: boolean };
}
