// Typed access to the arguments the analysis needs, over the parser's lazy argument text.

import type { SyscallEvent } from '../strace-parser/types';
import { argOf, decorationEnd, DELETED_SUFFIX, indexOutsideStrings, parseFdArg, parseIntLoose, splitArgs } from '../strace-parser/args';
import type { ArgRef } from './syscall-classes';

export interface FdRef {
  fd: number;
  /** -y/-yy decoration text (`/tmp/x`, `TCP:[...]`), null when undecorated. */
  path: string | null;
  /** Nested -yy detail (`char 1:3`), null when none. */
  detail: string | null;
}

/**
 * One argument's text. strace arguments are split only up to the one asked for: most calls need just
 * their fd and buffer, and splitting every argument of every call was the analysis's largest cost.
 */
export function argText(event: SyscallEvent, ref: ArgRef): string | undefined {
  if (event.argNames !== null) return argOf(event, ref[0], ref[1]);
  const index = ref[0];
  // The analysis asks several arguments of the same call in a row: keep the last split.
  if (event !== lastEvent || lastArgs.length <= index) {
    // One argument more than asked: the next question is usually about the following one
    // (openat's path then flags, mmap's fd then prot and flags).
    lastArgs = splitArgs(event.argText, index + 2);
    lastEvent = event;
  }
  return lastArgs[index];
}

let lastEvent: SyscallEvent | null = null;
let lastArgs: string[] = [];

/**
 * `3`, `3, ...`, `3</path>, ...`, `3<TCP:[a->b]>, ...`, `0</dev/null<char 1:3>>` at the start of the
 * argument text; null for anything else (escaped paths, AT_FDCWD, comments), which the general
 * parser handles.
 */
function leadingFd(text: string): FdRef | null {
  const length = text.length;
  let i = 0;
  let fd = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    fd = fd * 10 + (c - 48);
    i++;
  }
  if (i === 0) return null;
  if (i === length || text.charCodeAt(i) === 44 /* , */) return { fd, path: null, detail: null };
  if (text.charCodeAt(i) !== 60 /* < */) return null;
  const end = decorationEnd(text, i, length);
  if (end < 0 || (end + 1 < length && text.charCodeAt(end + 1) !== 44)) return null;
  // An escaped path (a backslash in it) is the general parser's to decode.
  const backslash = text.indexOf('\\', i);
  if (backslash >= 0 && backslash < end) return null;
  let path = text.slice(i + 1, end);
  let detail: string | null = null;
  if (path.charCodeAt(path.length - 1) === 62 /* > */) {
    const lt = path.lastIndexOf('<');
    if (lt > 0) {
      detail = path.slice(lt + 1, path.length - 1);
      path = path.slice(0, lt);
    }
  }
  return { fd, path, detail };
}

/**
 * perf trace leaves zero-valued arguments out (`read(buf: ..., count: 8)` reads fd 0), but a call
 * whose start perf lost (`... [continued]: pwrite64()) = 16384` alone) shows none of them: unknown.
 */
function omittedMeansZero(event: SyscallEvent): boolean {
  return event.argNames !== null && !(event.incomplete && event.resumedLine === event.line);
}

export function fdArg(event: SyscallEvent, ref: ArgRef): FdRef | null {
  // Hot path: the fd is the first argument of most calls; read it without splitting the arguments.
  if (ref[0] === 0 && event.argNames === null) {
    const fast = leadingFd(event.argText);
    if (fast !== null) return fast;
  }
  const text = argText(event, ref);
  if (text === undefined) return omittedMeansZero(event) ? { fd: 0, path: null, detail: null } : null;
  // Not detached: the fd tracker copies what it keeps (strings.ts).
  return parseFdArg(text, false);
}

export function intArg(event: SyscallEvent, ref: ArgRef): number | null {
  const text = argText(event, ref);
  if (text === undefined) return omittedMeansZero(event) ? 0 : null;
  return parseIntLoose(text);
}

/** The file offset a pread/pwrite family call names (its `pos`; `pos_l` for the vectored ones). */
export function positionArg(event: SyscallEvent, spec: { vectored?: boolean }): number | null {
  return intArg(event, [3, spec.vectored === true ? 'pos_l' : 'pos']);
}

/**
 * The printed buffer of a data call (strace prints up to -s bytes) as strace escaped it, without
 * the quotes and the `...` mark; null when not printed. Equal bytes print as equal text, so
 * buffers are compared without decoding them.
 */
export function rawStringArg(event: SyscallEvent, ref: ArgRef): string | null {
  const text = argText(event, ref);
  if (text === undefined || text.length < 2 || text.charCodeAt(0) !== 34 /* " */) return null;
  return rawQuoted(text);
}

/** `"abc\n"...` -> `abc\n` (still escaped). */
export function rawQuoted(text: string): string {
  const end = text.endsWith('"...') ? text.length - 4 : text.endsWith('"') ? text.length - 1 : text.length;
  return text.slice(1, end);
}

/**
 * The decoration strace -y puts on a returned fd (`= 3</tmp/x>`: the result's first space-separated
 * word), or null. Not detached: the fd tracker copies what it keeps (strings.ts).
 */
export function resultFd(event: SyscallEvent): FdRef | null {
  const text = event.resultText;
  if (text === null || event.ret === null || event.ret < 0) return null;
  const trimmed = text.trim();
  const space = trimmed.indexOf(' ');
  // -yy's device detail has a space in it: `3</dev/loop0<block 7:0>>`, `4</dev/null<char 1:3>>`.
  const open = trimmed.indexOf('<');
  if (space !== -1 && open !== -1 && open < space) {
    const close = decorationEnd(trimmed, open, trimmed.length);
    if (close !== -1) return parseFdArg(trimmed.slice(0, trimmed.startsWith(DELETED_SUFFIX, close + 1) ? close + 1 + DELETED_SUFFIX.length : close + 1), false);
  }
  return parseFdArg(space === -1 ? trimmed : trimmed.slice(0, space), false);
}

/**
 * True when an argument's flag set (`O_RDONLY|O_CLOEXEC`, perf's `RDONLY|CLOEXEC`) contains `flag`.
 * `perfNames` false: the text is strace's, which prints full names only (one search instead of two).
 */
export function hasFlag(text: string | undefined, flag: string, perfNames = true): boolean {
  if (text === undefined) return false;
  if (containsWord(text, flag)) return true;
  if (!perfNames) return false;
  const short = perfFlagName(flag);
  return short !== null && containsWord(text, short);
}

const perfFlagNames = new Map<string, string | null>();

/** perf prints flags without their family prefix: O_CLOEXEC -> CLOEXEC, MSG_ZEROCOPY -> ZEROCOPY (null: no such prefix). */
function perfFlagName(flag: string): string | null {
  let short = perfFlagNames.get(flag);
  if (short === undefined) {
    const underscore = flag.indexOf('_');
    short = underscore > 0 && /^(O|MSG|CLONE|MAP|PROT)_/.test(flag) ? flag.slice(underscore + 1) : null;
    perfFlagNames.set(flag, short);
  }
  return short;
}

/** `word` occurs in `text` delimited by anything but [A-Za-z0-9_] (no allocation: this runs per call). */
function containsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + word.length))) return true;
  }
  return false;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * The bytes a data call moved. Its result, except for sendmmsg/recvmmsg (`messages`), whose result
 * counts messages: their bytes are the sum of the `msg_len=` strace prints for each message (outside
 * the printed buffers, whose text may say anything). When strace cut the list short (it prints 32
 * elements), the messages it left out are counted at the printed ones' mean size. perf prints the
 * message array as a pointer: the count is all there is, and it stays the result.
 */
export function movedBytes(event: SyscallEvent, messages: boolean): number | null {
  const ret = event.ret;
  if (!messages || ret === null || ret <= 0 || event.argNames !== null) return ret;
  const text = event.argText;
  let sum = 0;
  let found = 0;
  // The printed buffers are data, not fields: skipped.
  for (let i = indexOutsideStrings(text, 'msg_len=', 0); i >= 0; i = indexOutsideStrings(text, 'msg_len=', i + 1)) {
    let value = 0;
    let j = i + 8;
    for (let d = text.charCodeAt(j); d >= 48 && d <= 57; d = text.charCodeAt(++j)) value = value * 10 + (d - 48);
    if (j > i + 8) {
      sum += value;
      found++;
    }
  }
  if (found === 0) return ret;
  return found < ret ? Math.round((sum / found) * ret) : sum;
}
