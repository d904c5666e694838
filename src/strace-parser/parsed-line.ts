// The scratch record one line is parsed into. One instance per file parser is reused for every line,
// so the hot path allocates nothing but the substrings an event keeps.

import { internalize } from './fd-decoration';
import type { SummaryLayout } from './strace-summary';

export const enum LineKind {
  /** Not understood: becomes a diagnostic with `reason`. */
  Bad,
  /** Known non-event: blank line, `strace: Process N attached`, summary headers. */
  Ignored,
  /** `name(args) = result` on one line. */
  Call,
  /** `name(args <unfinished ...>` (strace) or `name(args)   ...` (perf). */
  Unfinished,
  /** `<... name resumed>rest) = result` (strace) or `... [continued]: name()) = result` (perf). */
  Resumed,
  /** `name(args <detached ...>`: strace let go of the process mid-call. */
  Detached,
  Signal,
  Exit,
  /** strace -k stack frame ` > /path(sym+0x1) [0x1]`. */
  Frame,
  Fault,
  SummaryRow,
  /** A perf `comm (pid), N events` summary heading: sets the pid of the rows that follow. */
  SummaryHeading,
  /** A `strace: ...` message other than attach/detach (kept as an info diagnostic). */
  StraceMessage,
}

export const enum TsKind {
  None,
  /** HH:MM:SS (-t) */
  T,
  /** HH:MM:SS.uuuuuu (-tt) */
  TT,
  /** seconds.uuuuuu: -ttt (epoch) or -r (relative); told apart by magnitude on the first line. */
  Dotted,
}

export const enum PidKind {
  None,
  /** `1234 ` column (strace -f -o). */
  Column,
  /** `[pid  1234] ` prefix (strace output captured from stderr). */
  Bracket,
  /** perf `comm/tid`. */
  Perf,
}

export class ParsedLine {
  kind: LineKind = LineKind.Bad;
  reason = '';
  pidKind: PidKind = PidKind.None;
  pid = 0;
  tsKind: TsKind = TsKind.None;
  tsValue = 0;
  name = '';
  /** The text the ranges below index into (the decoded chunk, not a per-line slice). */
  src = '';
  /** Argument text range src[a0, a1). */
  a0 = 0;
  a1 = 0;
  /** Result text range src[r0, r1); r0 = -1 when there is no result (`= ` with nothing after it). */
  r0 = -1;
  r1 = -1;
  ret: number | null = null;
  errno: string | null = null;
  /**
   * The call's duration (s), -1 when the line has none. A plain number field is stored in place;
   * `number | null` would box every value: an allocation and a write barrier per line.
   */
  duration = -1;
  ip: string | null = null;
  /** Signal name, exit signal, fault location, summary syscall name. */
  text1 = '';
  /** Signal detail, fault target. */
  text2 = '';
  /** Exit code, summary calls; -1 when none. */
  num1 = -1;
  /** Summary errors. */
  num2 = 0;
  /** Summary total time (s) or null. */
  num3: number | null = null;
  /** Fault: major? */
  flag = false;
  /** Fault: taken by the kernel's own code (perf's level `k`), inside a call. */
  faultInKernel = false;
  /** perf: the command name before `/tid`, src[commStart, commEnd); commEnd = -1 when the line has none. */
  commStart = 0;
  commEnd = -1;
  /** A `strace -c` table header: its columns. */
  summaryLayout: SummaryLayout | null = null;

  reset(): void {
    this.kind = LineKind.Bad;
    this.pidKind = PidKind.None;
    this.pid = 0;
    this.tsKind = TsKind.None;
    this.r0 = -1;
    this.ret = null;
    this.errno = null;
    this.duration = -1;
    this.ip = null;
    this.summaryLayout = null;
  }

  bad(reason: string): void {
    this.kind = LineKind.Bad;
    this.reason = reason;
  }
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

export function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/**
 * Parses `digits[.digits]` in s[start, end) without allocating, divided by 10^shift (perf's ms -> s);
 * NaN when malformed. One division of an exact integer: the same double as Number(text + 'e-shift').
 */
export function parseDecimal(s: string, start: number, end: number, shift = 0): number {
  let i = start;
  let v = 0;
  let any = false;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    i++;
    any = true;
  }
  if (i < end && s.charCodeAt(i) === 46 /* . */) {
    i++;
    let f = 0;
    let k = 0;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (k < 12) {
        f = f * 10 + (c - 48);
        k++;
      }
      i++;
      any = true;
    }
    v = v * POW10[k] + f;
    shift += k;
  }
  if (!(any && i === end)) return NaN;
  return shift === 0 ? v : v / POW10[shift];
}

const PID_NS_NOTE = " in strace's PID NS */";

/**
 * Parses a call's result text into `ret` and `errno`: `0`, `-1 ENOENT (No such file or directory)`,
 * `0x7f3b...`, `3</etc/ld.so.cache>`, `? ERESTARTSYS (To be restarted ...)`, `` (perf's empty result).
 */
export function parseResult(r: string, start: number, n: number, o: ParsedLine): void {
  if (n <= start) {
    o.ret = null;
    return;
  }
  let i = start;
  let c = r.charCodeAt(start);
  let ret: number | null = null;
  if (c === 63 /* ? */) {
    i = start + 1;
  } else {
    let neg = false;
    if (c === 45 /* - */) {
      neg = true;
      i = start + 1;
      c = r.charCodeAt(i);
    }
    if (c === 48 && r.charCodeAt(i + 1) === 120 /* x */) {
      i += 2;
      let v = 0;
      for (; i < n; i++) {
        const d = r.charCodeAt(i);
        const h = d >= 48 && d <= 57 ? d - 48 : d >= 97 && d <= 102 ? d - 87 : d >= 65 && d <= 70 ? d - 55 : -1;
        if (h < 0) break;
        v = v * 16 + h;
      }
      ret = neg ? -v : v;
    } else if (isDigit(c)) {
      let v = 0;
      for (; i < n; i++) {
        const d = r.charCodeAt(i);
        if (d < 48 || d > 57) break;
        v = v * 10 + (d - 48);
      }
      ret = neg ? -v : v;
    } else {
      o.ret = null;
      return;
    }
  }
  // --decode-pids=pidns: `= 2 /* 7210 in strace's PID NS */`: the pid the trace's lines go by.
  if (ret !== null && ret > 0 && r.charCodeAt(i) === 32 && r.charCodeAt(i + 1) === 47 /* / */ && r.startsWith(' /* ', i)) {
    let j = i + 4;
    let v = 0;
    while (j < n && isDigit(r.charCodeAt(j))) v = v * 10 + (r.charCodeAt(j++) - 48);
    if (j > i + 4 && r.startsWith(PID_NS_NOTE, j)) ret = v;
  }
  o.ret = ret;
  // errno only for failures: `-1 EAGAIN (...)`, `? ERESTARTSYS (...)`. `0 (Timeout)` is not one.
  if ((ret === null || ret < 0) && r.charCodeAt(i) === 32 && r.charCodeAt(i + 1) === 69 /* E */) {
    let j = i + 1;
    while (j < n) {
      const d = r.charCodeAt(j);
      if (!((d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95)) break;
      j++;
    }
    o.errno = r.slice(i + 1, j);
  }
}

/**
 * Syscall names repeat endlessly: keep one string per name instead of slicing a new one per line.
 * A small direct-mapped table indexed by a hash of the chars; a collision just replaces the entry.
 */
const NAME_TABLE: string[] = new Array<string>(4096).fill('');

export function internName(s: string, start: number, end: number): string {
  const len = end - start;
  if (len <= 0) return '';
  // Length, first two and last three chars: cheap, and no two syscall names share a slot (getpid/getuid,
  // clone/close... would evict each other endlessly; a collision costs a slice and an internalization).
  const slot =
    len > 2
      ? (len * 977 + s.charCodeAt(start) * 131 + s.charCodeAt(start + 1) * 17 + s.charCodeAt(end - 1) * 3 + s.charCodeAt(end - 2) * 7 + s.charCodeAt(end - 3) * 41) & 4095
      : (len * 977 + s.charCodeAt(start) * 131 + s.charCodeAt(end - 1) * 3) & 4095;
  const cand = NAME_TABLE[slot];
  if (cand.length === len) {
    let i = 0;
    while (i < len && cand.charCodeAt(i) === s.charCodeAt(start + i)) i++;
    if (i === len) return cand;
  }
  const name = internalize(s.slice(start, end));
  NAME_TABLE[slot] = name;
  return name;
}

/** Identifier chars (a-z A-Z 0-9 _) numbered 0..62 for NameTrie's tables; -1: not one. */
const NAME_CHAR = new Int8Array(128).fill(-1);
for (let c = 0; c < 128; c++) {
  if (c >= 97 && c <= 122) NAME_CHAR[c] = c - 97;
  else if (c >= 65 && c <= 90) NAME_CHAR[c] = c - 65 + 26;
  else if (c >= 48 && c <= 57) NAME_CHAR[c] = c - 48 + 52;
  else if (c === 95) NAME_CHAR[c] = 62;
}
const NAME_WIDTH = 64;
/** Bounds the trie (a garbled trace could bring endless made-up names): past it, new names go to internName alone. */
const NAME_MAX_NODES = 1 << 13;

/**
 * Reads a syscall name and finds its interned string in one pass: the names seen so far form a trie
 * walked one table step per char, where scanning for the name's end, hashing it and comparing it
 * with the interned candidate (internName) read every char three times. A name not in the trie yet
 * goes through internName once and is added.
 */
class NameTrie {
  /** Node * NAME_WIDTH + NAME_CHAR[c] -> child node; 0: none (node 0 is the root). */
  private next = new Int32Array(NAME_WIDTH * 256);
  /** The interned name that ends at each node ('' where none does). */
  private readonly names: string[] = [''];
  /** The name read by the last scan(). */
  name = '';

  /**
   * Reads the identifier chars from s[start] (before `end`), sets `name` to it (interned, as
   * internName gives it), and returns where it ends.
   */
  scan(s: string, start: number, end: number): number {
    const next = this.next;
    let node = 0;
    let i = start;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      const k = c < 128 ? NAME_CHAR[c] : -1;
      if (k < 0) break;
      node = next[node * NAME_WIDTH + k];
      if (node === 0) return this.add(s, start, i + 1, end);
    }
    const name = this.names[node];
    // A prefix of known names only: not a name of its own yet.
    this.name = name.length === i - start ? name : this.insert(s, start, i);
    return i;
  }

  /** The walk fell off the trie at s[at - 1]: reads the rest of the name, then adds it. */
  private add(s: string, start: number, at: number, end: number): number {
    let i = at;
    while (i < end && isIdentChar(s.charCodeAt(i))) i++;
    this.name = this.insert(s, start, i);
    return i;
  }

  private insert(s: string, start: number, end: number): string {
    const name = internName(s, start, end);
    if (this.names.length + (end - start) > NAME_MAX_NODES) return name;
    let node = 0;
    for (let i = start; i < end; i++) {
      const slot = node * NAME_WIDTH + NAME_CHAR[s.charCodeAt(i)];
      let child = this.next[slot];
      if (child === 0) {
        child = this.names.length;
        this.names.push('');
        if ((child + 1) * NAME_WIDTH > this.next.length) {
          const grown = new Int32Array(this.next.length * 2);
          grown.set(this.next);
          this.next = grown;
        }
        this.next[slot] = child;
      }
      node = child;
    }
    this.names[node] = name;
    return name;
  }
}

/** One trie for all files and parsers: syscall names are the same everywhere. */
export const NAMES = new NameTrie();

/**
 * `s.indexOf(needle, from)` limited to s[from, end). The parser works inside a ~1 MB chunk string:
 * an unbounded search for something absent from the line would scan the rest of the chunk, making
 * each bad line cost O(chunk).
 */
export function indexIn(s: string, needle: string, from: number, end: number): number {
  const last = end - needle.length;
  const c0 = needle.charCodeAt(0);
  for (let i = from; i <= last; i++) {
    if (s.charCodeAt(i) === c0 && s.startsWith(needle, i)) return i;
  }
  return -1;
}

/** Last start of `needle` in s[start, end), or -1. */
export function lastIndexIn(s: string, needle: string, start: number, end: number): number {
  const c0 = needle.charCodeAt(0);
  for (let i = end - needle.length; i >= start; i--) {
    if (s.charCodeAt(i) === c0 && s.startsWith(needle, i)) return i;
  }
  return -1;
}
