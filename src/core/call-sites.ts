// Per-call-site figures from a parsed trace: streams the events once and aggregates the calls by
// their user-code stack (strace -k), so the editor can show, for one line of source, the calls it
// made, their bytes and time, and the transfers they took part in. Also the "which transfer does
// this call belong to" lookup shared with the trace-file hovers. Pure: no VS Code.

import { parseTraceFiles, parseTraceText } from '../strace-parser';
import { parseFdArg } from '../strace-parser/args';
import type { ParseOptions, SyscallEvent, TraceEvent, TraceSink } from '../strace-parser/types';
import type { IoReport, Transfer } from './report-types';
import { returnsPayloadBytes } from './syscall-classes';

/** One parsed -k frame: ` > /tmp/ctx/bin/sendfile_send(main+0xed) [0x1599]`. */
export interface FrameRef {
  /** The frame as printed, without the leading ` > ` (the key frames are compared by). */
  text: string;
  /** The binary (or shared object) path. */
  binary: string;
  /** `main`, `copy_sendfile` (demangled by strace when it can), null when strace printed none. */
  symbol: string | null;
  /** Offset from the symbol (`+0xed`), null when none. */
  symbolOffset: number | null;
  /** The bracketed value: the address as an offset into the binary FILE (strace computes pc - map start + map offset). */
  fileOffset: number;
}

const FRAME = /^\s*>?\s*(.+?)\((.*)\)\s+\[(0x[0-9a-fA-F]+)\]\s*$/;
const FRAME_NO_SYMBOL = /^\s*>?\s*(\S.*?)\s+\[(0x[0-9a-fA-F]+)\]\s*$/;

/** Parses one -k frame line; null for `unexpected_backtracing_error` and other text. */
export function parseFrame(line: string): FrameRef | null {
  const m = FRAME.exec(line);
  if (m !== null) {
    const binary = m[1].trim();
    const inner = m[2];
    const plus = inner.lastIndexOf('+');
    const symbol = plus > 0 ? inner.slice(0, plus) : plus === 0 ? null : inner || null;
    const off = plus >= 0 ? Number.parseInt(inner.slice(plus + 1), 16) : NaN;
    return {
      text: line.trim().replace(/^>\s*/, ''),
      binary,
      symbol,
      symbolOffset: Number.isFinite(off) ? off : null,
      fileOffset: Number.parseInt(m[3], 16),
    };
  }
  const n = FRAME_NO_SYMBOL.exec(line);
  if (n !== null && n[1].startsWith('/')) {
    return { text: line.trim().replace(/^>\s*/, ''), binary: n[1], symbol: null, symbolOffset: null, fileOffset: Number.parseInt(n[2], 16) };
  }
  return null;
}

/**
 * System libraries, the loader, the vdso and language runtimes: their frames are never the
 * program's own source (interpreted code has no native frames of its own), so they are not resolved.
 */
const NOT_USER_CODE = /^(?:\/usr\/lib|\/lib|\/usr\/libexec|\/usr\/lib64|\/lib64|\/usr\/bin\/|\/bin\/|\/usr\/sbin\/|\/sbin\/|\[vdso\]|\[vsyscall\])|\/\.pyenv\/libexec\/|linux-vdso|ld-linux|\/libc[.-]|\/libpthread|\/libstdc\+\+|\/libgcc_s|\/libm[.-]|libpython[\d.]*\.so|\/libjvm\.so|\/libnode\.so|\/bin\/(?:python[\d.]*|node|java|ruby|perl)$/;

export function isUserFrame(frame: FrameRef): boolean {
  return !NOT_USER_CODE.test(frame.binary);
}

/** Figures of one syscall name at one call site. */
export interface SiteCallStats {
  calls: number;
  errors: number;
  /** Payload bytes returned (data calls only). */
  bytes: number;
  /** Calls that returned payload bytes (> 0): the mean chunk is bytes / payloadCalls. */
  payloadCalls: number;
  /** Sum of -T durations in microseconds, null when the trace has none. */
  durationUs: number | null;
  /** Transfers (report ids) these calls took part in. */
  transferIds: string[];
  /** First trace line of such a call, with its file index (for "show in trace"). */
  firstLine: number;
  fileIndex: number;
}

/** One distinct user-code stack and the calls made from it. */
export interface StackSite {
  /** The user-code frames of the stack, innermost first (library frames left out). */
  frames: FrameRef[];
  bySyscall: Record<string, SiteCallStats>;
  pids: number[];
}

export interface CallSiteIndex {
  /** The trace has -k stacks. */
  stacks: boolean;
  /** Syscall events read. */
  events: number;
  /** Events that had a stack but no user-code frame (all in libraries). */
  eventsWithoutUserFrame: number;
  sites: StackSite[];
}

export interface CollectOptions extends ParseOptions {
  /** The report of the same trace: gives each call the transfer it belongs to. */
  report?: IoReport;
  /** Stop keeping new stacks past this many (deep recursion traces); calls still count on known ones. */
  maxSites?: number;
}

/** The fd decorations of an event's arguments and result (`/tmp/in.bin`, `TCP:[...]`). */
export function eventFdPaths(event: SyscallEvent): string[] {
  const out: string[] = [];
  for (const a of event.args) {
    if (a.indexOf('<') < 0) continue;
    const fd = parseFdArg(a);
    if (fd?.path) out.push(fd.path);
  }
  return out;
}

/**
 * Finds the transfer(s) of the report a call belongs to: same pid, same trace file, a line inside
 * the transfer's [first, last] lines, and a call name the transfer counts. When several match
 * (two transfers of one process interleave), the fd decorations decide where they can.
 */
export class TransferLocator {
  private readonly byPid = new Map<number, Transfer[]>();
  private readonly folded: Transfer[] = [];

  constructor(report: IoReport) {
    for (const t of report.transfers) {
      if (t.instances !== undefined && t.instances > 1) {
        this.folded.push(t);
        continue;
      }
      const list = this.byPid.get(t.pid);
      if (list) list.push(t);
      else this.byPid.set(t.pid, [t]);
    }
  }

  find(event: Pick<SyscallEvent, 'pid' | 'fileIndex' | 'line' | 'name'>, fdPaths?: () => string[]): Transfer[] {
    const candidates: Transfer[] = [];
    const consider = (t: Transfer): void => {
      if ((t.fileIndex ?? 0) !== event.fileIndex && t.fileIndex !== undefined) return;
      if (event.line < t.lines[0] || event.line > t.lines[1]) return;
      if (!Object.prototype.hasOwnProperty.call(t.syscalls, event.name)) return;
      candidates.push(t);
    };
    for (const t of this.byPid.get(event.pid) ?? []) consider(t);
    for (const t of this.folded) if (t.pid === event.pid || t.pids?.includes(event.pid)) consider(t);
    if (candidates.length <= 1 || fdPaths === undefined) return candidates;
    const paths = fdPaths();
    if (paths.length === 0) return candidates;
    const touches = (t: Transfer): boolean => [t.source, t.sink, t.via].some((e) => e !== undefined && e.path.length > 0 && paths.some((p) => p === e.path || p.includes(e.path)));
    const narrowed = candidates.filter(touches);
    return narrowed.length > 0 ? narrowed : candidates;
  }
}

function addCall(stats: SiteCallStats, event: SyscallEvent, transfers: Transfer[]): void {
  stats.calls++;
  if (event.errno !== null || (event.ret !== null && event.ret < 0)) stats.errors++;
  else if (event.ret !== null && event.ret > 0 && returnsPayloadBytes(event.name)) {
    stats.bytes += event.ret;
    stats.payloadCalls++;
  }
  if (event.duration !== null) stats.durationUs = (stats.durationUs ?? 0) + event.duration * 1e6;
  for (const t of transfers) if (!stats.transferIds.includes(t.id)) stats.transferIds.push(t.id);
  if (event.fileIndex < stats.fileIndex || (event.fileIndex === stats.fileIndex && event.line < stats.firstLine)) {
    stats.firstLine = event.line;
    stats.fileIndex = event.fileIndex;
  }
}

/** The sink that aggregates events by user-code stack. Use it directly to piggy-back on another parse. */
export class CallSiteCollector implements TraceSink {
  private readonly sites = new Map<string, StackSite>();
  private readonly locator: TransferLocator | undefined;
  private readonly frameCache = new Map<string, FrameRef | null>();
  private events = 0;
  private withoutUser = 0;
  private sawStack = false;

  constructor(report?: IoReport, private readonly maxSites = 20_000) {
    this.locator = report ? new TransferLocator(report) : undefined;
  }

  event(event: TraceEvent): void {
    if (event.type !== 'syscall') return;
    this.events++;
    if (event.stack === null || event.stack.length === 0) return;
    this.sawStack = true;
    const frames: FrameRef[] = [];
    for (const line of event.stack) {
      let f = this.frameCache.get(line);
      if (f === undefined) {
        f = parseFrame(line);
        if (f !== null && !isUserFrame(f)) f = null;
        if (this.frameCache.size < 200_000) this.frameCache.set(line, f);
      }
      if (f !== null) frames.push(f);
    }
    if (frames.length === 0) {
      this.withoutUser++;
      return;
    }
    const key = frames.map((f) => f.text).join('\n');
    let site = this.sites.get(key);
    if (site === undefined) {
      if (this.sites.size >= this.maxSites) return;
      site = { frames, bySyscall: {}, pids: [] };
      this.sites.set(key, site);
    }
    if (!site.pids.includes(event.pid) && site.pids.length < 64) site.pids.push(event.pid);
    let stats = site.bySyscall[event.name];
    if (stats === undefined) {
      stats = { calls: 0, errors: 0, bytes: 0, payloadCalls: 0, durationUs: null, transferIds: [], firstLine: event.line, fileIndex: event.fileIndex };
      site.bySyscall[event.name] = stats;
    }
    const transfers = this.locator ? this.locator.find(event, () => eventFdPaths(event)) : [];
    addCall(stats, event, transfers);
  }

  diagnostic(): void {
    // Parse problems are the analysis' business; call sites just skip what they cannot read.
  }

  result(): CallSiteIndex {
    const sites = [...this.sites.values()];
    for (const s of sites) {
      for (const st of Object.values(s.bySyscall)) if (st.durationUs !== null) st.durationUs = Math.round(st.durationUs);
    }
    return { stacks: this.sawStack, events: this.events, eventsWithoutUserFrame: this.withoutUser, sites };
  }
}

export type CallSiteInput = string[] | { text: string; fileName: string };

/**
 * Streams a trace (paths: the -ff parts of one trace; or text held in memory) and aggregates the
 * calls by user-code stack. Give the report of the same trace to get transfer ids.
 */
export async function collectCallSites(input: CallSiteInput, options: CollectOptions = {}): Promise<CallSiteIndex> {
  const collector = new CallSiteCollector(options.report, options.maxSites);
  if (Array.isArray(input)) await parseTraceFiles(input, collector, options);
  else parseTraceText(input.text, input.fileName, collector);
  return collector.result();
}

/** Every distinct user frame of an index, grouped by binary (what the resolver needs). */
export function framesByBinary(index: CallSiteIndex): Map<string, FrameRef[]> {
  const out = new Map<string, Map<number, FrameRef>>();
  for (const site of index.sites) {
    for (const f of site.frames) {
      let m = out.get(f.binary);
      if (!m) out.set(f.binary, (m = new Map()));
      if (!m.has(f.fileOffset)) m.set(f.fileOffset, f);
    }
  }
  return new Map([...out].map(([b, m]) => [b, [...m.values()]]));
}
