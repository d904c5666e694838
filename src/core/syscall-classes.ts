// Which role each syscall plays in moving data, and where its arguments are.
// Positions are strace's; perf trace omits zero/NULL arguments, so perf arguments are looked up by
// the kernel's parameter name instead (the second element of each pair).

import type { SyscallClass } from './report-types';
import { internName } from './strings';

/** An argument's strace position and perf trace name. */
export type ArgRef = readonly [index: number, perfName: string];

export interface DataCallSpec {
  class: 'read' | 'write';
  fd: ArgRef;
  /** Buffer argument (a string under strace -s, an address under perf), when the call has one. */
  buf?: ArgRef;
  /** Vectored calls: the iovec array. */
  iov?: ArgRef;
  /** Message calls (sendmsg/recvmsg): the msghdr. */
  msg?: ArgRef;
  /** Flags argument (MSG_ZEROCOPY lives there for send calls). */
  flags?: ArgRef;
  positional?: boolean;
  vectored?: boolean;
  /** recv-family calls: their source is a socket by construction. */
  socketCall?: boolean;
  /** Send calls that may name where a datagram goes: sendto's address, sendmsg's msghdr (its msg_name). */
  to?: ArgRef;
  /** sendmmsg/recvmmsg: the result counts messages; their bytes are the msg_len of each (see movedBytes). */
  messages?: boolean;
  /** recvfrom: where a datagram came from (its sender's address). */
  from?: ArgRef;
}

export const DATA_CALLS: Readonly<Record<string, DataCallSpec>> = {
  read: { class: 'read', fd: [0, 'fd'], buf: [1, 'buf'] },
  pread64: { class: 'read', fd: [0, 'fd'], buf: [1, 'buf'], positional: true },
  readv: { class: 'read', fd: [0, 'fd'], iov: [1, 'vec'], vectored: true },
  preadv: { class: 'read', fd: [0, 'fd'], iov: [1, 'vec'], vectored: true, positional: true },
  preadv2: { class: 'read', fd: [0, 'fd'], iov: [1, 'vec'], vectored: true, positional: true },
  recv: { class: 'read', fd: [0, 'fd'], buf: [1, 'ubuf'], socketCall: true },
  recvfrom: { class: 'read', fd: [0, 'fd'], buf: [1, 'ubuf'], socketCall: true, from: [4, 'addr'] },
  recvmsg: { class: 'read', fd: [0, 'fd'], msg: [1, 'msg'], flags: [2, 'flags'], socketCall: true, from: [1, 'msg'] },
  recvmmsg: { class: 'read', fd: [0, 'fd'], msg: [1, 'mmsg'], socketCall: true, messages: true, from: [1, 'mmsg'] },
  write: { class: 'write', fd: [0, 'fd'], buf: [1, 'buf'] },
  pwrite64: { class: 'write', fd: [0, 'fd'], buf: [1, 'buf'], positional: true },
  writev: { class: 'write', fd: [0, 'fd'], iov: [1, 'vec'], vectored: true },
  pwritev: { class: 'write', fd: [0, 'fd'], iov: [1, 'vec'], vectored: true, positional: true },
  pwritev2: { class: 'write', fd: [0, 'fd'], iov: [1, 'vec'], vectored: true, positional: true },
  send: { class: 'write', fd: [0, 'fd'], buf: [1, 'buff'], flags: [3, 'flags'], socketCall: true },
  sendto: { class: 'write', fd: [0, 'fd'], buf: [1, 'buff'], flags: [3, 'flags'], socketCall: true, to: [4, 'addr'] },
  sendmsg: { class: 'write', fd: [0, 'fd'], msg: [1, 'msg'], flags: [2, 'flags'], socketCall: true, to: [1, 'msg'] },
  // sendmmsg: the first message's msg_name names the peer (a batch to one address, like a DNS reply burst).
  sendmmsg: { class: 'write', fd: [0, 'fd'], msg: [1, 'mmsg'], flags: [3, 'flags'], socketCall: true, messages: true, to: [1, 'mmsg'] },
};

/** In-kernel movers: sendfile(out, in), splice(in, off, out, off), tee(in, out), copy_file_range(in, off, out, off), vmsplice(pipe). */
export const ZERO_COPY_CALLS = new Set(['sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice', 'copy_file_range']);

export const MMAP_CALLS = new Set(['mmap', 'mmap2', 'munmap', 'mremap', 'madvise', 'msync']);

export const IO_URING_CALLS = new Set(['io_uring_setup', 'io_uring_enter', 'io_uring_register']);

export const FD_CALLS = new Set([
  'open', 'openat', 'openat2', 'creat', 'socket', 'accept', 'accept4', 'connect', 'bind', 'listen', 'pipe', 'pipe2',
  'socketpair', 'dup', 'dup2', 'dup3', 'fcntl', 'fcntl64', 'close', 'close_range', 'eventfd', 'eventfd2',
  'memfd_create', 'signalfd', 'signalfd4', 'timerfd_create', 'epoll_create', 'epoll_create1', 'inotify_init',
  'inotify_init1', 'userfaultfd', 'pidfd_open', 'perf_event_open', 'fanotify_init', 'ioctl', 'fadvise64',
  'ftruncate', 'fstat', 'newfstatat', 'statx', 'lseek', 'fsync', 'fdatasync',
]);

export const PROCESS_CALLS = new Set(['clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'kill', 'tgkill']);

/**
 * What the analysis needs to know about a syscall name, looked up once per event (one Map look-up
 * of the parser's interned name, whose hash the engine keeps) instead of once per consumer.
 */
export interface SyscallInfo {
  /** Small dense number per distinct name, for per-analysis tables indexed by name. */
  readonly id: number;
  /** The name, detached from the parser's text (strings.ts). */
  readonly name: string;
  readonly cls: SyscallClass;
  /** A non-negative result is a payload byte count (the summary's byte column). */
  readonly payload: boolean;
  /** sendmmsg/recvmmsg: the result counts messages, movedBytes() gives the bytes. */
  readonly messages: boolean;
}

const infoCache = new Map<string, SyscallInfo>();

export function syscallInfo(name: string): SyscallInfo {
  let info = infoCache.get(name);
  if (info === undefined) {
    const kept = internName(name);
    info = { id: infoCache.size, name: kept, cls: classifySyscall(kept), payload: returnsPayloadBytes(kept), messages: DATA_CALLS[kept]?.messages === true };
    infoCache.set(kept, info);
  }
  return info;
}

const classCache = new Map<string, SyscallClass>();

/** The class shown in the summary and the timeline; every call gets one ("other" when it moves no data). */
export function classifySyscall(name: string): SyscallClass {
  let cls = classCache.get(name);
  if (cls !== undefined) return cls;
  const data = DATA_CALLS[name];
  if (data !== undefined) cls = data.class;
  else if (ZERO_COPY_CALLS.has(name)) cls = 'zerocopy';
  else if (MMAP_CALLS.has(name)) cls = 'mmap';
  else if (IO_URING_CALLS.has(name)) cls = 'io_uring';
  else if (FD_CALLS.has(name)) cls = 'fd';
  else if (PROCESS_CALLS.has(name)) cls = 'process';
  else cls = 'other';
  classCache.set(internName(name), cls);
  return cls;
}

/** Calls whose non-negative result is a byte count of payload (used for the summary's byte column). */
export function returnsPayloadBytes(name: string): boolean {
  if (DATA_CALLS[name] !== undefined) return true;
  return ZERO_COPY_CALLS.has(name);
}
