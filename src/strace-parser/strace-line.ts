// One line of strace text output (5.x-6.x) into a ParsedLine. Hot path: charCodeAt and bounded searches, no
// regex, no split; the only allocations are the substrings an event keeps (name, args, result).
//
//   [pid  N] | N  (pid)          optional: `[pid N] ` from stderr captures, `N ` from -f -o; -Y adds
//                                `<comm>` to the pid: `[pid N<comm>] `, `N<comm> `
//   HH:MM:SS[.uuuuuu] | s[.uuuuuu] optional: -t/-tt, -ttt or -r (whole seconds with --timestamps=unix,s);
//                                -r with -t/-tt/-ttt adds `(+ s.uuuuuu) `
//   [  59]                       optional: -n (the syscall's number)
//   [00007f...]                  optional: -i
//   name(args) = result <0.000012>        | name(args <unfinished ...>
//   <... name resumed>rest) = result      | --- SIGCHLD {...} ---   | +++ exited with 0 +++
//    > /path/bin(sym+0x1f) [0x1599]       (-k frame, no prefix)

import { parseCallTail } from './call-tail';
import { hexDigit } from './fd-decoration';
import { indexIn, internName, isDigit, lastIndexIn, isIdentStart, LineKind, NAMES, ParsedLine, PidKind, TsKind } from './parsed-line';
import { parseStraceSummaryLine, type SummaryLayout } from './strace-summary';

const UNFINISHED = ' <unfinished ...>';
const DETACHED = ' <detached ...>';
/** -ff: a thread's execve that replaced its process, in the thread's part: `execve(...) <pid changed to 1234 ...>`. */
const PID_CHANGED = ' <pid changed to ';

/** s[at, at + 9) is ` resumed>`: spelt out, one compare per char (a startsWith call costs more, per line). */
function isResumedAt(s: string, at: number): boolean {
  return (
    s.charCodeAt(at) === 32 &&
    s.charCodeAt(at + 1) === 114 /* r */ &&
    s.charCodeAt(at + 2) === 101 /* e */ &&
    s.charCodeAt(at + 3) === 115 /* s */ &&
    s.charCodeAt(at + 4) === 117 /* u */ &&
    s.charCodeAt(at + 5) === 109 /* m */ &&
    s.charCodeAt(at + 6) === 101 /* e */ &&
    s.charCodeAt(at + 7) === 100 /* d */ &&
    s.charCodeAt(at + 8) === 62 /* > */
  );
}

/** s ends at `end` with `suffix`. A loop from the end: a runtime call to startsWith costs more, per line. */
function endsAt(s: string, end: number, suffix: string): boolean {
  const k = suffix.length;
  if (end < k) return false;
  for (let j = 1; j <= k; j++) {
    if (s.charCodeAt(end - j) !== suffix.charCodeAt(k - j)) return false;
  }
  return true;
}

/**
 * Parses one strace line: s[start, end) (no line terminator). The line is NOT sliced out of the chunk
 * string: reading chars of the flat chunk is much faster than through a sliced string.
 * `summary` is the layout of the `strace -c` table the line is in, if any.
 */
export function parseStraceLine(s: string, start: number, end: number, o: ParsedLine, summary: SummaryLayout | null): void {
  o.reset();
  const n = end;
  if (n === start) {
    o.kind = LineKind.Ignored;
    return;
  }
  let c = s.charCodeAt(start);
  if (c === 32 && s.charCodeAt(start + 1) === 62 /* > */ && s.charCodeAt(start + 2) === 32) {
    o.kind = LineKind.Frame;
    o.text1 = s.slice(start + 3, n);
    return;
  }
  if (c === 32 && isDataDumpLine(s, start, n)) {
    o.kind = LineKind.Ignored;
    o.text1 = '';
    return;
  }
  if (summary !== null || c === 37 /* % */) {
    if (parseStraceSummaryLine(s.slice(start, n), o, summary)) return;
    o.reset();
  }
  let i = start;
  if (c === 91 /* [ */ && s.startsWith('[pid', start)) {
    i = start + 4;
    while (i < n && s.charCodeAt(i) === 32) i++;
    const ds = i;
    let pid = 0;
    while (i < n && isDigit(s.charCodeAt(i))) {
      pid = pid * 10 + (s.charCodeAt(i) - 48);
      i++;
    }
    if (s.charCodeAt(i) === 60 /* < */ && i > ds) i = afterComm(s, i, n, '>]');
    if (i === ds || s.charCodeAt(i) !== 93 /* ] */) {
      o.bad('malformed [pid N] prefix');
      return;
    }
    i++;
    if (s.charCodeAt(i) === 32) i++;
    o.pid = pid;
    o.pidKind = PidKind.Bracket;
  } else if (isDigit(c)) {
    // `1234 ` is a pid column; `1234.5 ` / `12:34:56 ` are timestamps of a trace without one.
    // One charCodeAt per char (d = -1 past the end of the line).
    let j = start;
    let pid = 0;
    let d = c;
    while (d >= 48 && d <= 57) {
      pid = pid * 10 + (d - 48);
      j++;
      d = j < n ? s.charCodeAt(j) : -1;
    }
    if (d === 60 /* < */) {
      // -Y: `1234<comm> `
      const after = afterComm(s, j, n, '> ');
      if (after > j) {
        j = after;
        d = 32;
      }
    }
    // Past the largest pid Linux can give (PID_MAX_LIMIT), a number is a whole-second timestamp
    // (--timestamps=unix,s) of a trace without pids.
    if (d === 32 && pid <= PID_MAX_LIMIT) {
      o.pid = pid;
      o.pidKind = PidKind.Column;
      i = j + 1;
      // -r pads its stamp: `20891      0.000000 execve(`
      while (i < n && s.charCodeAt(i) === 32) i++;
    }
  } else if (c === 115 /* s */ && s.startsWith('strace: ', start)) {
    parseStraceMessage(s.slice(start, n), o);
    return;
  }
  // Timestamp.
  c = s.charCodeAt(i);
  if (isDigit(c) || c === 32) {
    while (c === 32 && i < n) c = s.charCodeAt(++i);
    const ts = i;
    let v = 0;
    while (i < n && c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = s.charCodeAt(++i);
    }
    if (i === ts) {
      o.bad('unexpected text where a timestamp or call was expected');
      return;
    }
    c = s.charCodeAt(i);
    if (c === 58 /* : */) {
      // HH:MM:SS[.frac]
      const mm = (s.charCodeAt(i + 1) - 48) * 10 + (s.charCodeAt(i + 2) - 48);
      const ss = (s.charCodeAt(i + 4) - 48) * 10 + (s.charCodeAt(i + 5) - 48);
      if (s.charCodeAt(i + 3) !== 58 || !(mm >= 0 && mm < 60 && ss >= 0 && ss < 61)) {
        o.bad('malformed HH:MM:SS timestamp');
        return;
      }
      v = v * 3600 + mm * 60 + ss;
      i += 6;
      o.tsKind = TsKind.T;
    } else if (c === 46 /* . */ || c === 32) {
      // s.frac (-ttt, -r), or whole seconds (--timestamps=unix,s, --relative-timestamps=s).
      o.tsKind = TsKind.Dotted;
    } else {
      o.bad('unexpected number at the start of the line');
      return;
    }
    // The fraction: optional after HH:MM:SS (then -tt), always there in a dotted number (we stand on its `.`).
    if (s.charCodeAt(i) === 46 /* . */) {
      i++;
      let f = 0;
      let scale = 1;
      let d = i < n ? s.charCodeAt(i) : -1;
      while (d >= 48 && d <= 57) {
        f = f * 10 + (d - 48);
        scale *= 10;
        i++;
        d = i < n ? s.charCodeAt(i) : -1;
      }
      v = (v * scale + f) / scale; // one rounding: same double as Number(text)
      if (o.tsKind === TsKind.T) o.tsKind = TsKind.TT;
    }
    if (s.charCodeAt(i) !== 32) {
      o.bad('malformed timestamp');
      return;
    }
    i++;
    o.tsValue = v;
    // -r with -t/-tt/-ttt: the absolute time is kept, the relative one skipped.
    if (s.charCodeAt(i) === 40 /* ( */ && s.charCodeAt(i + 1) === 43 /* + */) {
      const close = indexIn(s, ') ', i, n);
      if (close === -1 || close >= n) {
        o.bad('malformed (+relative) timestamp');
        return;
      }
      i = close + 2;
    }
  }
  c = s.charCodeAt(i);
  // -n: the syscall's number, `[  59] ` (`%4u`: padded, wider for x32 or unknown numbers), unlike
  // -i's address, which is hex and zero-padded (`[00007f...]`).
  if (c === 91 /* [ */) {
    const close = indexIn(s, '] ', i, n);
    if (close > i + 1 && isSyscallNumber(s, i + 1, close)) {
      i = close + 2;
      c = s.charCodeAt(i);
    }
  }
  // -i instruction pointer.
  if (c === 91 /* [ */) {
    const close = indexIn(s, '] ', i, n);
    if (close === -1 || close >= n) {
      o.bad('malformed [ip] prefix');
      return;
    }
    o.ip = s.slice(i, close + 1);
    i = close + 2;
    c = s.charCodeAt(i);
  }
  if (isIdentStart(c)) {
    i = NAMES.scan(s, i, n);
    if (s.charCodeAt(i) !== 40 /* ( */) {
      o.bad('not a system call line');
      return;
    }
    o.name = NAMES.name;
    i++;
    // `...>` ends both suffixes; a -T line ends with `<0.000012>` (a digit before the `>`).
    if (s.charCodeAt(n - 1) === 62 /* > */ && s.charCodeAt(n - 2) === 46 /* . */) {
      if (endsAt(s, n, UNFINISHED)) {
        o.kind = LineKind.Unfinished;
        o.src = s;
        o.a0 = i;
        o.a1 = n - UNFINISHED.length;
        return;
      }
      if (endsAt(s, n, DETACHED)) {
        o.kind = LineKind.Detached;
        o.src = s;
        o.a0 = i;
        o.a1 = n - DETACHED.length;
        return;
      }
      const changed = endsAt(s, n, ' ...>') ? lastIndexIn(s, PID_CHANGED, i, n) : -1;
      if (changed !== -1) {
        // The exec went through (the pid changes past its point of no return): a call that returned 0,
        // whose `<... execve resumed>` is in the part of the pid it took (file-parser: not counted there).
        o.kind = LineKind.Call;
        o.src = s;
        o.a0 = i;
        o.a1 = changed;
        o.ret = 0;
        return;
      }
    }
    if (parseCallTail(s, i, n, o)) o.kind = LineKind.Call;
    return;
  }
  if (c === 60 /* < */) {
    if (s.charCodeAt(i + 1) !== 46 || s.charCodeAt(i + 2) !== 46 || s.charCodeAt(i + 3) !== 46 || s.charCodeAt(i + 4) !== 32 /* `<... ` */) {
      o.bad('not a system call line');
      return;
    }
    // The name, then ` resumed>` right after it (the usual case: one pass over the name), else the
    // first ` resumed>` of the line, which may follow a name of other chars.
    let r = NAMES.scan(s, i + 5, n);
    if (r > i + 5 && r + 9 <= n && isResumedAt(s, r)) {
      o.name = NAMES.name;
    } else {
      r = indexIn(s, ' resumed>', i + 5, n);
      if (r === -1 || r >= n) {
        o.bad('malformed <... resumed> line');
        return;
      }
      o.name = internName(s, i + 5, r);
    }
    const rest = r + 9;
    if (s.charCodeAt(n - 1) === 62 && endsAt(s, n, UNFINISHED)) {
      // `<... read resumed> <unfinished ...>) = ?` style leftovers: resumed, then cut again. Treat as resumed with no result.
      o.kind = LineKind.Resumed;
      o.src = s;
      o.a0 = o.a1 = rest;
      return;
    }
    if (parseCallTail(s, rest, n, o)) o.kind = LineKind.Resumed;
    return;
  }
  if (c === 41 /* ) */ && i === start) {
    // strace -z prints some calls' exit part bare, with no pid and no `<... name resumed>`:
    // `)                                       = 65536 <0.000084>`. The file parser gives it to the
    // call that went in flight last (named there: empty here).
    o.name = '';
    if (parseCallTail(s, i, n, o)) o.kind = LineKind.Resumed;
    return;
  }
  if (c === 45 /* - */ && s.startsWith('--- ', i)) {
    // `--- SIGCHLD {si_signo=SIGCHLD, ...} ---` or `--- stopped by SIGSTOP ---`
    if (!endsAt(s, n, ' ---') || n - 4 < i + 4) {
      o.bad('malformed signal line');
      return;
    }
    const body = i + 4;
    const brace = indexIn(s, ' {', body, n);
    if (brace !== -1 && brace < n - 4) {
      o.text1 = s.slice(body, brace);
      const closeBrace = lastIndexIn(s, '}', brace, n - 3);
      o.text2 = closeBrace > brace ? s.slice(brace + 2, closeBrace) : s.slice(brace + 2, n - 4);
    } else {
      const text = s.slice(body, n - 4);
      const by = text.lastIndexOf(' ');
      o.text1 = by === -1 ? text : text.slice(by + 1);
      o.text2 = text;
    }
    o.kind = LineKind.Signal;
    return;
  }
  if (c === 43 /* + */ && s.startsWith('+++ ', i)) {
    if (!endsAt(s, n, ' +++')) {
      o.bad('malformed exit line');
      return;
    }
    const body = s.slice(i + 4, n - 4);
    o.num1 = -1;
    o.num2 = 0;
    o.text1 = '';
    if (body.startsWith('exited with ')) {
      const code = Number(body.slice(12));
      if (!Number.isInteger(code)) {
        o.bad('malformed exit status');
        return;
      }
      o.num1 = code;
    } else if (body.startsWith('killed by ')) {
      const sp = body.indexOf(' ', 10);
      o.text1 = sp === -1 ? body.slice(10) : body.slice(10, sp);
    } else if (body.startsWith('superseded by execve')) {
      // `superseded by execve in pid 1235`: the thread whose execve the next `<... execve resumed>` of this pid ends.
      const at = body.lastIndexOf(' pid ');
      const by = at === -1 ? NaN : Number(body.slice(at + 5));
      if (Number.isInteger(by) && by > 0) o.num2 = by;
    } else {
      o.bad('unknown +++ line');
      return;
    }
    o.kind = LineKind.Exit;
    return;
  }
  o.bad(i === start ? 'not a trace line' : 'not a system call line');
}

/**
 * -e read=FD / -e write=FD dump the data after the call: ` | 00000  65 72 0a ...  er.|` lines, and
 * ` * 100 bytes in buffer 0` before each iovec's. The call line says what was read or written.
 */
function isDataDumpLine(s: string, start: number, n: number): boolean {
  if (s.startsWith(' | ', start)) {
    // The offset: 5 hex digits, more in a buffer of 1 MiB or more.
    let k = start + 3;
    while (k < n && hexDigit(s.charCodeAt(k)) >= 0) k++;
    return k - (start + 3) >= 5 && s.charCodeAt(k) === 32 && s.charCodeAt(n - 1) === 124 /* | */;
  }
  return s.startsWith(' * ', start) && indexIn(s, ' bytes in buffer ', start + 3, n) !== -1;
}

/** s[from, to) is -n's `%4u` (spaces, then decimal digits without a leading zero, or `0`). */
function isSyscallNumber(s: string, from: number, to: number): boolean {
  let k = from;
  while (k < to && s.charCodeAt(k) === 32) k++;
  if (k === to || to - k > 10 || (s.charCodeAt(k) === 48 && to - k > 1)) return false;
  for (let j = k; j < to; j++) if (!isDigit(s.charCodeAt(j))) return false;
  return true;
}

/** Linux's largest possible pid (PID_MAX_LIMIT, 2^22). */
const PID_MAX_LIMIT = 4_194_304;

/**
 * -Y prints a pid's command after it: `1234<comm>`. Returns where `close` (`> ` or `>]`) ends the
 * comm that opens at `open` (its `>` is where the result points), or `open` when there is none.
 */
function afterComm(s: string, open: number, n: number, close: string): number {
  const end = indexIn(s, close, open + 1, n);
  return end === -1 || end >= n || end - open > 64 ? open : end + 1;
}

/** `strace: Process 1234 attached` (also detached) is bookkeeping; other `strace:` messages are kept as info. */
function parseStraceMessage(s: string, o: ParsedLine): void {
  if (s.startsWith('strace: Process ', 0)) {
    let i = 16;
    let pid = 0;
    const ds = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      pid = pid * 10 + (s.charCodeAt(i) - 48);
      i++;
    }
    const rest = s.slice(i);
    if (i > ds && (rest === ' attached' || rest === ' detached' || rest.startsWith(' attached') || rest.startsWith(' detached'))) {
      o.kind = LineKind.Ignored;
      o.pid = pid;
      o.text1 = rest.startsWith(' attached') ? 'attached' : 'detached';
      return;
    }
  }
  o.kind = LineKind.StraceMessage;
  o.text1 = s;
}
