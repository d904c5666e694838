// Event classes. SyscallEvent's `args`/`argNames` are lazy getters: the parser stores only where the
// raw argument text is, and cuts/splits it the first time somebody asks (most calls of a big trace
// never are). `argText` and `resultText` are lazy too (a slice of the chunk, made on first access).

import { decorationEnd, detachString, splitArgs } from './args';
import type {
  ExitEvent,
  PageFaultEvent,
  SignalEvent,
  SummaryRowEvent,
  SyscallEvent,
} from './types';

const EMPTY: readonly string[] = Object.freeze([]);

/** The argument text of a merged call: strace continues the text, perf starts a new argument list. */
export function joinArgText(head: string, tail: string, perfStyle: boolean): string {
  if (perfStyle) return head.length === 0 ? tail : head + ', ' + tail;
  return head + tail;
}

export class TraceSyscall implements SyscallEvent {
  readonly type = 'syscall' as const;
  fileIndex: number;
  line: number;
  endLine: number;
  pid: number;
  time: number | null;
  startSeq: number;
  name: string;
  duration: number | null;
  ret: number | null;
  errno: string | null;
  incomplete: boolean;
  stack: string[] | null;
  ip: string | null;
  resumedLine: number | undefined;
  /** perf events name their arguments (`fd: 3`); strace events do not. */
  readonly perfStyle: boolean;
  private split: readonly string[] | null;
  private names: readonly string[] | null;
  // Chunk text and ranges the lazy texts are cut from. Read (never written) by the batch encoder of
  // the parse worker (event-batch.ts), which ships ranges instead of the texts; nobody else uses them.
  /** @internal */ src: string;
  /** @internal */ a0: number;
  /** @internal */ a1: number;
  /** @internal */ r0: number;
  /** @internal */ r1: number;
  /**
   * @internal The `<... resumed>` part of a merged call when both lines are in src: argText is then
   * src[a0, a1) + src[t0, t1), joined only if asked for (-1: none).
   */
  t0: number;
  /** @internal */ t1: number;
  /** @internal The argument text once cut or set (null: still only a range of src). */
  argCache: string | null;
  /** @internal The result text once cut or set (undefined: still only a range of src). */
  resultCache: string | null | undefined;

  constructor(
    fileIndex: number,
    line: number,
    pid: number,
    time: number | null,
    startSeq: number,
    name: string,
    src: string,
    a0: number,
    a1: number,
    perfStyle: boolean,
  ) {
    this.fileIndex = fileIndex;
    this.line = line;
    this.endLine = line;
    this.pid = pid;
    this.time = time;
    this.startSeq = startSeq;
    this.name = name;
    this.duration = null;
    this.src = src;
    this.a0 = a0;
    this.a1 = a1;
    this.r0 = -1;
    this.r1 = -1;
    this.t0 = -1;
    this.t1 = -1;
    this.argCache = null;
    this.resultCache = undefined;
    this.ret = null;
    this.errno = null;
    this.incomplete = false;
    this.stack = null;
    this.ip = null;
    this.resumedLine = undefined;
    this.perfStyle = perfStyle;
    this.split = null;
    this.names = null;
  }

  get argText(): string {
    if (this.argCache === null) {
      const head = this.src.slice(this.a0, this.a1);
      this.argCache = this.t0 < 0 ? head : joinArgText(head, this.src.slice(this.t0, this.t1), this.perfStyle);
    }
    return this.argCache;
  }

  set argText(text: string) {
    this.argCache = text;
    this.split = null;
    this.names = null;
  }

  get resultText(): string | null {
    if (this.resultCache === undefined) this.resultCache = this.r0 < 0 ? null : this.src.slice(this.r0, this.r1);
    return this.resultCache;
  }

  set resultText(text: string | null) {
    this.resultCache = text;
  }

  /**
   * A merged call whose `<... resumed>` part is src[t0, t1) of the same chunk: the argument text stays
   * two ranges until asked for (most merged calls of a big trace never are).
   */
  setTailRange(t0: number, t1: number): void {
    this.t0 = t0;
    this.t1 = t1;
    this.argCache = null;
    this.split = null;
    this.names = null;
  }

  /** Points the result at this.src[r0, r1) of the same line (r0 < 0: no result): sliced only if asked for. */
  setResultRange(r0: number, r1: number): void {
    this.r0 = r0;
    this.r1 = r1;
    this.resultCache = undefined;
  }

  /**
   * For the analysis's hot path: compares the string a call prints as its second argument
   * (`write(3</x>, "abc"..., 3)`) with `prefix` (printed text, escapes kept), in place: 1 when the
   * shorter of the two begins the longer, 0 when they differ, -1 when it cannot tell here (another
   * layout, or the text is already cut: the caller cuts the argument then).
   */
  compareSecondString(prefix: string): -1 | 0 | 1 {
    const start = this.secondStringStart();
    if (start < 0) return -1;
    const s = this.src;
    const end = this.a1;
    // The usual answer (a copy loop writes what it read): one native comparison.
    if (start + prefix.length <= end && s.startsWith(prefix, start)) return 1;
    for (let k = 0; k < prefix.length; k++) {
      const at = start + k;
      if (at >= end) return -1;
      const c = s.charCodeAt(at);
      if (c === prefix.charCodeAt(k)) continue;
      if (c !== 34 /* " */) return 0;
      // The string's closing quote (not an escaped one): it is the shorter, and it began alike.
      let backslashes = 0;
      while (at - 1 - backslashes >= start && s.charCodeAt(at - 1 - backslashes) === 92 /* \ */) backslashes++;
      return (backslashes & 1) === 0 ? 1 : 0;
    }
    return 1;
  }

  /** Whether the string printed as the second argument starts with `text`; null when it cannot tell here (see compareSecondString). */
  secondStringStartsWith(text: string): boolean | null {
    const start = this.secondStringStart();
    return start < 0 ? null : this.src.startsWith(text, start);
  }

  /** Where the string printed as the second argument starts in src (after its quote), or -1. */
  private secondStringStart(): number {
    if (this.argCache !== null || this.perfStyle) return -1;
    const s = this.src;
    const end = this.a1;
    let i = this.a0;
    const first = i;
    while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === first) return -1;
    if (s.charCodeAt(i) === 60 /* < */) {
      const close = decorationEnd(s, i, end);
      if (close < 0) return -1;
      i = close + 1;
    }
    return i + 2 < end && s.charCodeAt(i) === 44 /* , */ && s.charCodeAt(i + 1) === 32 && s.charCodeAt(i + 2) === 34 /* " */ ? i + 3 : -1;
  }

  /**
   * For the analysis's hot path: the fd number the argument text starts with when a decoration
   * follows it (`3</path>, ...`), else -1. Read in place: no text is cut or joined.
   */
  leadingDecoratedFd(): number {
    const inPlace = this.argCache === null;
    const s = inPlace ? this.src : (this.argCache as string);
    const end = inPlace ? this.a1 : s.length;
    let i = inPlace ? this.a0 : 0;
    const first = i;
    let fd = 0;
    for (let c = s.charCodeAt(i); i < end && c >= 48 && c <= 57; c = s.charCodeAt(++i)) fd = fd * 10 + (c - 48);
    return i > first && i < end && s.charCodeAt(i) === 60 /* < */ ? fd : -1;
  }

  /**
   * Whether the first argument is exactly `<digits><decoration>` and nothing more (a `,` or the end
   * follows), compared in place. Only for a decoration with no backslash and no `<` or `>` outside
   * brackets: then this is what cutting the argument and parsing it would find.
   */
  firstArgDecoratedAs(decoration: string): boolean {
    const inPlace = this.argCache === null;
    const s = inPlace ? this.src : (this.argCache as string);
    const end = inPlace ? this.a1 : s.length;
    let i = inPlace ? this.a0 : 0;
    while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    const close = i + 1 + decoration.length;
    if (close >= end || s.charCodeAt(close) !== 62 /* > */ || !s.startsWith(decoration, i + 1)) return false;
    if (close + 1 < end) return s.charCodeAt(close + 1) === 44 /* , */;
    // The head of a merged call ends here: the `<... resumed>` part decides.
    return !inPlace || this.t0 < 0 || this.t1 === this.t0 || s.charCodeAt(this.t0) === 44;
  }

  /**
   * For a consumer that keeps this event after the parser has moved on: the event takes its own copies
   * of its texts, so it no longer holds the whole chunk (up to megabytes) it was parsed from.
   */
  detach(): void {
    if (this.src.length === 0) return;
    const result = this.resultText;
    this.resultCache = result === null ? null : detachString(result);
    this.argCache = detachString(this.argText);
    this.split = null;
    this.names = null;
    this.src = '';
  }

  get args(): readonly string[] {
    if (this.split === null) this.decode();
    return this.split as readonly string[];
  }

  get argNames(): readonly string[] | null {
    if (!this.perfStyle) return null;
    if (this.split === null) this.decode();
    return this.names;
  }

  private decode(): void {
    const parts = this.argText.length === 0 ? (EMPTY as string[]) : splitArgs(this.argText);
    if (!this.perfStyle) {
      this.split = parts;
      return;
    }
    // perf: `fd: 4</x>, buf: 0x..` -> names ['fd', 'buf'], values ['4</x>', '0x..'].
    const values: string[] = [];
    const names: string[] = [];
    for (const p of parts) {
      const colon = p.indexOf(': ');
      let k = 0;
      while (k < colon) {
        const c = p.charCodeAt(k);
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90))) break;
        k++;
      }
      if (colon > 0 && k === colon) {
        names.push(p.slice(0, colon));
        values.push(p.slice(colon + 2));
      } else {
        names.push('');
        values.push(p);
      }
    }
    this.split = values;
    this.names = names;
  }

  /** JSON form with the lazy fields decoded (JSON.stringify skips getters otherwise). */
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      fileIndex: this.fileIndex,
      line: this.line,
      endLine: this.endLine,
      resumedLine: this.resumedLine,
      startSeq: this.startSeq,
      pid: this.pid,
      time: this.time,
      name: this.name,
      duration: this.duration,
      argText: this.argText,
      args: this.args,
      argNames: this.argNames,
      resultText: this.resultText,
      ret: this.ret,
      errno: this.errno,
      incomplete: this.incomplete,
      stack: this.stack,
      ip: this.ip,
    };
  }
}

export function makeSignal(fileIndex: number, line: number, pid: number, time: number | null, startSeq: number, signal: string, detail: string): SignalEvent {
  return { type: 'signal', fileIndex, line, endLine: line, pid, time, startSeq, signal, detail, stack: null };
}

export function makeExit(fileIndex: number, line: number, pid: number, time: number | null, startSeq: number, code: number | null, signal: string | null): ExitEvent {
  return { type: 'exit', fileIndex, line, endLine: line, pid, time, startSeq, code, signal, stack: null };
}

export function makeFault(
  fileIndex: number,
  line: number,
  pid: number,
  time: number | null,
  startSeq: number,
  major: boolean,
  location: string,
  target: string,
  inKernel = false,
): PageFaultEvent {
  const fault: PageFaultEvent = { type: 'fault', fileIndex, line, endLine: line, pid, time, startSeq, major, location, target };
  if (inKernel) fault.inKernel = true;
  return fault;
}

export function makeSummaryRow(
  fileIndex: number,
  line: number,
  pid: number,
  startSeq: number,
  syscall: string,
  calls: number,
  errors: number,
  totalTime: number | null,
): SummaryRowEvent {
  return { type: 'summary', fileIndex, line, endLine: line, pid, time: null, startSeq, syscall, calls, errors, totalTime };
}
