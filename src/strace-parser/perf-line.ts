// One line of `perf trace` (perf 6.x) output into a ParsedLine:
//
//      0.045 ( 0.026 ms): comm/tid read(fd: 16<socket:[…]>, buf: 0x2193000, count: 262144) = 4164
//    255.324 (         ): comm/tid rt_sigsuspend(unewset: 0x7ffd3f4c9d30, sigsetsize: 8)      ...
//          ? (         ): comm/tid  ... [continued]: execve())                               = 0
//      0.109 ( 0.000 ms): comm/tid minfault [_start+0x0] => /usr/lib/ld.so@0x1ab70 (d.)
// and the -s summary: ` Summary of events:`, ` comm (pid), N events, x%`, a header, dashes and rows.

import { parseCallTail } from './call-tail';
import { indexIn, internName, isDigit, lastIndexIn, isIdentChar, isIdentStart, LineKind, parseDecimal, ParsedLine, PidKind, TsKind } from './parsed-line';

const CONTINUED = '... [continued]: ';
/** Longer than any call could take (seconds, ~31 years): a duration past it is perf's unsigned print of a negative one. */
const MAX_DURATION_S = 1e9;
/** Frames of --call-graph sit under their call, indented far past any event line's timestamp. */
const FRAME_INDENT = 20;

function digitsEnd(s: string, from: number, n: number): number {
  let k = from;
  while (k < n && isDigit(s.charCodeAt(k))) k++;
  return k;
}

function skipSpaces(s: string, from: number, n: number): number {
  let k = from;
  while (k < n && s.charCodeAt(k) === 32) k++;
  return k;
}

/** An event starts at `i`: a call `name(`, its `... [continued]:` part, or a page fault. */
function startsEvent(s: string, i: number, n: number): boolean {
  if (s.startsWith(CONTINUED, i) || s.startsWith('majfault [', i) || s.startsWith('minfault [', i)) return true;
  if (!isIdentStart(s.charCodeAt(i))) return false;
  let k = i + 1;
  while (k < n && isIdentChar(s.charCodeAt(k))) k++;
  return s.charCodeAt(k) === 40 /* ( */;
}

/** After a perf timestamp, with no duration column: comm/tid (optional), then `system:event(`. */
const TRACEPOINT_AFTER_TIME = /^ (?:.*\/\d+ +)?[A-Za-z_]\w*:[A-Za-z_]\w*\(/;
const LEADING_TIME = /^\s*\d+\.\d+/;
/** How far into a line the tracepoint's name is looked for (past comm/tid). */
const TRACEPOINT_SCAN = 200;

/**
 * A line of a perf trace of tracepoints only, which prints no duration column:
 * `0.000 cat/19390 syscalls:sys_enter_openat(...)` (detect.ts tells the format by it).
 */
export function isTracepointOnlyLine(line: string): boolean {
  const time = LEADING_TIME.exec(line);
  return time !== null && TRACEPOINT_AFTER_TIME.test(line.slice(time[0].length, time[0].length + TRACEPOINT_SCAN));
}

/**
 * `perf trace --print-sample` prints a line of its own per sample the events are made of, before them
 * (builtin-trace.c: "%22s %10.3f %s %d/%d [%d]": event, ms, comm, pid/tid, cpu): not an event.
 */
const SAMPLE_LINE = /^\s*[\w-]+:[\w-]+ +\d+\.\d+ .*\d+\/\d+ \[\d+\]$/;

export function isPrintedSampleLine(line: string): boolean {
  return SAMPLE_LINE.test(line);
}

/** Parses s[start, end) (one line, not sliced out of its chunk). */
export function parsePerfLine(s: string, start: number, end: number, o: ParsedLine): void {
  o.reset();
  const n = end;
  let i = start;
  while (i < n && s.charCodeAt(i) === 32) i++;
  if (i === n) {
    o.kind = LineKind.Ignored;
    return;
  }
  const c = s.charCodeAt(i);
  if (!isDigit(c) && c !== 63 /* ? */) {
    // --call-graph / --max-stack: the call's frames under it, deeply indented: `_start (/usr/lib/ld.so)`.
    if (i - start >= FRAME_INDENT && c !== 40 /* ( */ && s.charCodeAt(n - 1) === 41 /* ) */ && indexIn(s, ' (', i, n) !== -1) {
      o.kind = LineKind.Frame;
      o.text1 = s.slice(i, n);
      return;
    }
    const line = s.slice(i, n);
    if (isPrintedSampleLine(line)) o.kind = LineKind.Ignored;
    else parsePerfSummaryLine(line, o);
    return;
  }
  // Time in ms (or `?`).
  const ts = i;
  while (i < n && s.charCodeAt(i) !== 32) i++;
  if (!(i - ts === 1 && c === 63)) {
    const sec = parseDecimal(s, ts, i, 3);
    if (Number.isNaN(sec)) {
      o.bad('malformed perf timestamp');
      return;
    }
    o.tsValue = sec;
    o.tsKind = TsKind.Dotted;
  }
  if (s.charCodeAt(i + 1) !== 40 /* ( */) {
    // No duration column: a tracepoint event (`0.000 cat/19390 syscalls:sys_enter_openat(...)`), which
    // perf prints so when it traces tracepoints only. Not a system call: nothing to analyze.
    if (TRACEPOINT_AFTER_TIME.test(s.slice(i, Math.min(n, i + TRACEPOINT_SCAN)))) {
      o.kind = LineKind.Ignored;
      o.text1 = 'tracepoint';
    } else o.bad('not a perf trace line');
    return;
  }
  const closeDur = indexIn(s, '): ', i + 2, n);
  if (closeDur === -1 || closeDur >= n) {
    o.bad('not a perf trace line');
    return;
  }
  // Duration `( 0.026 ms)` or blank.
  let d0 = i + 2;
  while (d0 < closeDur && s.charCodeAt(d0) === 32) d0++;
  if (d0 < closeDur) {
    let d1 = closeDur;
    while (d1 > d0 && s.charCodeAt(d1 - 1) === 32) d1--;
    if (s.charCodeAt(d1 - 1) === 115 /* s */ && s.charCodeAt(d1 - 2) === 109 /* m */ && s.charCodeAt(d1 - 3) === 32) {
      const sec = parseDecimal(s, d0, d1 - 3, 3);
      // perf prints the duration as an unsigned count of ns: one it measured negative (a new child's
      // `... [continued]: clone())`, its entry taken from another context) comes out near 2^64 ns
      // (18446744073707.676 ms). That is no duration: unknown.
      if (!Number.isNaN(sec) && sec < MAX_DURATION_S) o.duration = sec;
    }
  }
  // comm/tid: comm may hold spaces, slashes and digits (`w/7 x/25358`): the tid is the first
  // `/digits ` that an event follows. --no-comm prints the tid alone, and a single thread traced with
  // -p or --no-inherit neither (pid 0: the traced process).
  i = closeDur + 3;
  let tid = -1;
  let after = -1;
  let firstTid = -1;
  let firstAfter = -1;
  o.commEnd = -1;
  for (let slash = indexIn(s, '/', i, n); slash !== -1; slash = indexIn(s, '/', slash + 1, n)) {
    const k = digitsEnd(s, slash + 1, n);
    if (k === slash + 1 || (k !== n && s.charCodeAt(k) !== 32)) continue;
    const v = parseDecimal(s, slash + 1, k);
    const next = skipSpaces(s, k, n);
    if (startsEvent(s, next, n)) {
      tid = v;
      after = next;
      o.commStart = i;
      o.commEnd = slash;
      break;
    }
    if (firstTid < 0) {
      firstTid = v;
      firstAfter = next;
    }
  }
  if (tid < 0) {
    const k = digitsEnd(s, i, n);
    const afterTid = skipSpaces(s, k, n);
    const afterNone = skipSpaces(s, i, n);
    if (k > i && s.charCodeAt(k) === 32 && startsEvent(s, afterTid, n)) {
      tid = parseDecimal(s, i, k);
      after = afterTid;
    } else if (startsEvent(s, afterNone, n)) {
      tid = 0;
      after = afterNone;
    } else if (firstTid >= 0) {
      tid = firstTid;
      after = firstAfter;
    } else {
      o.bad('perf line without comm/tid');
      return;
    }
  }
  o.pid = tid;
  o.pidKind = PidKind.Perf;
  i = after;
  if (s.startsWith(CONTINUED, i)) {
    i += CONTINUED.length;
    const nameStart = i;
    while (i < n && isIdentChar(s.charCodeAt(i))) i++;
    if (i === nameStart || s.charCodeAt(i) !== 40) {
      o.bad('malformed perf [continued] line');
      return;
    }
    o.name = internName(s, nameStart, i);
    if (parseCallTail(s, i + 1, n, o)) {
      // `write())`: perf prints the name with `()` and then closes the line's own parenthesis.
      if (o.a1 > o.a0 && s.charCodeAt(o.a1 - 1) === 41 /* ) */) o.a1--;
      o.kind = LineKind.Resumed;
    }
    return;
  }
  if (s.startsWith('majfault [', i) || s.startsWith('minfault [', i)) {
    const major = s.charCodeAt(i + 1) === 97; /* a */
    const closeLoc = indexIn(s, '] => ', i + 10, n);
    if (closeLoc === -1 || closeLoc >= n) {
      o.bad('malformed perf page-fault line');
      return;
    }
    o.text1 = s.slice(i + 10, closeLoc);
    const tStart = closeLoc + 5;
    // Target, then ` (d.)`: the map type, then the level of the faulting code (`k`: the kernel's own,
    // a fault inside a call, like a read's copy to its buffer; `.`: user code).
    let tEnd = n;
    o.faultInKernel = false;
    if (s.charCodeAt(n - 1) === 41 /* ) */) {
      const paren = lastIndexIn(s, ' (', tStart, n);
      if (paren > tStart) {
        tEnd = paren;
        o.faultInKernel = n - paren === 5 && s.charCodeAt(n - 2) === 107; /* k */
      }
    }
    o.text2 = s.slice(tStart, tEnd);
    o.flag = major;
    o.kind = LineKind.Fault;
    return;
  }
  if (!isIdentStart(s.charCodeAt(i))) {
    o.bad('not a perf trace event');
    return;
  }
  const nameStart = i;
  while (i < n && isIdentChar(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i) === 58 /* : */ && isTracepointAt(s, i + 1, n)) {
    // A tracepoint event asked for with -e beside the calls (`sched:sched_process_fork(parent_comm: ...)`):
    // not a system call, so nothing to analyze in it.
    o.kind = LineKind.Ignored;
    o.text1 = 'tracepoint';
    return;
  }
  if (s.charCodeAt(i) !== 40) {
    o.bad('not a perf trace event');
    return;
  }
  o.name = internName(s, nameStart, i);
  i++;
  // Interrupted: `name(args)      ...` (the result comes later on a `[continued]` line).
  let last = n;
  while (last > i && s.charCodeAt(last - 1) === 32) last--;
  if (last - i >= 4 && s.charCodeAt(last - 1) === 46 && s.charCodeAt(last - 2) === 46 && s.charCodeAt(last - 3) === 46 && s.charCodeAt(last - 4) === 32) {
    let k = last - 4;
    while (k > i && s.charCodeAt(k - 1) === 32) k--;
    if (s.charCodeAt(k - 1) === 41) {
      o.src = s;
      o.a0 = i;
      o.a1 = k - 1;
      o.kind = LineKind.Unfinished;
      return;
    }
  }
  if (parseCallTail(s, i, n, o)) o.kind = LineKind.Call;
}

const ERRNO_COUNT = /^\s*E[A-Z0-9]+: \d+$/;
/** Calls that return in the new thread or process too (the analysis asks it of calls as well). */
export const CHILD_RETURNS: ReadonlySet<string> = new Set(['clone', 'clone3', 'fork', 'vfork']);

function parsePerfSummaryLine(line: string, o: ParsedLine): void {
  const t = line.trimEnd();
  if (t === 'Summary of events:' || t.startsWith('syscall ') || t.startsWith('(msec)') || t.startsWith('---') || t.startsWith('(')) {
    o.kind = LineKind.Ignored;
    return;
  }
  // --errno-summary: under a row with errors, one `\t\t\t\tENOENT: 1` line per errno (the row has the total).
  if (ERRNO_COUNT.test(t)) {
    o.kind = LineKind.Ignored;
    return;
  }
  // ` fork_server (22830), 132 events, 11.0%`
  const ev = t.indexOf(' events');
  if (ev !== -1) {
    const open = t.lastIndexOf(' (', ev);
    const close = open === -1 ? -1 : t.indexOf('), ', open);
    if (open !== -1 && close !== -1 && close < ev) {
      const pid = Number(t.slice(open + 2, close));
      if (Number.isInteger(pid)) {
        o.kind = LineKind.SummaryHeading;
        o.pid = pid;
        return;
      }
    }
  }
  // `write    16      0     0.437     0.021     0.027     0.045      4.75%` (older perf: no errors column)
  const parts = t.split(/\s+/);
  if (parts.length >= 7 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(parts[0]) && /^\d+$/.test(parts[1])) {
    const withErrors = parts.length >= 8;
    // msec -> s by moving the decimal point (dividing by 1000 would give 0.000014999999999999999).
    const total = Number(parts[withErrors ? 3 : 2] + 'e-3');
    let calls = Number(parts[1]);
    // A new thread's or process's own return from clone is in its table as a call of no time (min
    // 0.000: no real clone is that quick): the parent's call, counted there already.
    if (CHILD_RETURNS.has(parts[0]) && Number(parts[withErrors ? 4 : 3]) === 0) calls--;
    if (calls === 0) {
      o.kind = LineKind.Ignored;
      return;
    }
    o.kind = LineKind.SummaryRow;
    o.text1 = parts[0];
    o.num1 = calls;
    o.num2 = withErrors ? Number(parts[2]) : 0;
    o.num3 = Number.isFinite(total) ? total : null;
    return;
  }
  o.bad('not a perf trace line');
}

/** s[at...] is the event part of a tracepoint's name and its argument list: `sched_process_fork(`. */
function isTracepointAt(s: string, at: number, end: number): boolean {
  let i = at;
  while (i < end && isIdentChar(s.charCodeAt(i))) i++;
  return i > at && s.charCodeAt(i) === 40 /* ( */;
}
