// Typed access to the arguments the analysis needs, over the parser's lazy argument text.

import type { SyscallEvent } from '../strace-parser/types';
import { argOf, decodeCString, parseFdArg, parseIntLoose } from '../strace-parser/args';
import type { ArgRef } from './syscall-classes';

export interface FdRef {
  fd: number;
  /** -y/-yy decoration text (`/tmp/x`, `TCP:[...]`), null when undecorated. */
  path: string | null;
  /** Nested -yy detail (`char 1:3`), null when none. */
  detail: string | null;
}

export function argText(event: SyscallEvent, ref: ArgRef): string | undefined {
  return argOf(event, ref[0], ref[1]);
}

/** perf trace leaves zero-valued arguments out (`read(buf: ..., count: 8)` reads fd 0). */
function omittedMeansZero(event: SyscallEvent): boolean {
  return event.argNames !== null;
}

export function fdArg(event: SyscallEvent, ref: ArgRef): FdRef | null {
  const text = argText(event, ref);
  if (text === undefined) return omittedMeansZero(event) ? { fd: 0, path: null, detail: null } : null;
  return parseFdArg(text);
}

export function intArg(event: SyscallEvent, ref: ArgRef): number | null {
  const text = argText(event, ref);
  if (text === undefined) return omittedMeansZero(event) ? 0 : null;
  return parseIntLoose(text);
}

/** The printed buffer prefix of a data call (strace prints up to -s bytes), null when not printed. */
export function stringArg(event: SyscallEvent, ref: ArgRef): { value: string; truncated: boolean } | null {
  const text = argText(event, ref);
  if (text === undefined || text.length === 0 || (text.charCodeAt(0) !== 34 /* " */)) return null;
  return decodeCString(text);
}

/** The decoration strace -y puts on a returned fd (`= 3</tmp/x>`), or null. */
export function resultFd(event: SyscallEvent): FdRef | null {
  if (event.resultText === null || event.ret === null || event.ret < 0) return null;
  return parseFdArg(event.resultText.trim().split(' ')[0] ?? '');
}

/** True when an argument's flag set (`O_RDONLY|O_CLOEXEC`, perf's `RDONLY|CLOEXEC`) contains `flag`. */
export function hasFlag(text: string | undefined, flag: string): boolean {
  if (text === undefined) return false;
  const shortFlag = flag.replace(/^(O_|MSG_|CLONE_|MAP_|PROT_)/, '');
  for (const part of text.split(/[|\s,/*]+/)) {
    if (part === flag || part === shortFlag) return true;
  }
  return false;
}
