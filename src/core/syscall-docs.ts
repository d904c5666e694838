// One-line descriptions of system calls for hovers (trace files and source code). Pure data.

import { classifySyscall } from './syscall-classes';
import type { SyscallClass } from './report-types';

const DOCS: Readonly<Record<string, string>> = {
  read: 'Reads up to count bytes from an fd into a user buffer (one CPU copy: kernel -> user).',
  pread64: 'Reads from an fd at a given offset, without moving the file position (one CPU copy: kernel -> user).',
  readv: 'Reads from an fd into several user buffers (scatter input; one CPU copy per byte).',
  preadv: 'readv at a given offset.',
  preadv2: 'readv at a given offset, with per-call flags (RWF_*).',
  write: 'Writes count bytes from a user buffer to an fd (one CPU copy: user -> kernel).',
  pwrite64: 'Writes to an fd at a given offset, without moving the file position (one CPU copy: user -> kernel).',
  writev: 'Writes several user buffers to an fd in one call (gather output; one CPU copy per byte).',
  pwritev: 'writev at a given offset.',
  pwritev2: 'writev at a given offset, with per-call flags (RWF_*).',
  recv: 'Receives from a socket into a user buffer (one CPU copy: socket buffer -> user).',
  recvfrom: 'Receives from a socket into a user buffer, with the sender address (one CPU copy).',
  recvmsg: 'Receives a message (iovecs + control data) from a socket; MSG_ERRQUEUE reads MSG_ZEROCOPY completions.',
  recvmmsg: 'Receives several messages from a socket in one call.',
  send: 'Sends a user buffer on a socket (one CPU copy: user -> socket buffer, unless MSG_ZEROCOPY).',
  sendto: 'Sends a user buffer on a socket, optionally to an address (one CPU copy unless MSG_ZEROCOPY).',
  sendmsg: 'Sends a message (iovecs + control data) on a socket.',
  sendmmsg: 'Sends several messages on a socket in one call.',
  sendfile: 'Copies between two fds inside the kernel (file -> socket or file): no user buffer, no user copy.',
  sendfile64: 'Copies between two fds inside the kernel (file -> socket or file): no user buffer, no user copy.',
  splice: 'Moves data between an fd and a pipe inside the kernel by page references (zero-copy to sockets).',
  tee: 'Duplicates the contents of one pipe into another by reference, without consuming them.',
  vmsplice: 'Maps user pages into a pipe (SPLICE_F_GIFT) or copies them: the user-memory side of splice.',
  copy_file_range: 'Copies a range from one file to another inside the kernel (reflink or server-side copy where the filesystem can).',
  mmap: 'Maps a file (or anonymous memory) into the address space: file pages are shared with the page cache, no read copy.',
  mmap2: 'mmap with the offset in pages (32-bit ABIs).',
  munmap: 'Removes a mapping.',
  mremap: 'Grows, shrinks or moves a mapping.',
  madvise: 'Advises the kernel about how a mapping will be used (MADV_SEQUENTIAL, MADV_WILLNEED, ...).',
  msync: 'Flushes a shared file mapping to the file.',
  open: 'Opens a file and returns a new fd.',
  openat: 'Opens a file relative to a directory fd (AT_FDCWD: the working directory) and returns a new fd.',
  openat2: 'openat with a struct of extended options (RESOLVE_*).',
  creat: 'Creates (or truncates) a file and opens it for writing.',
  close: 'Closes an fd (the number can be reused at once).',
  close_range: 'Closes a range of fds.',
  socket: 'Creates a socket and returns its fd.',
  socketpair: 'Creates a pair of connected sockets.',
  accept: 'Accepts a connection on a listening socket and returns a new fd for it.',
  accept4: 'accept with flags (SOCK_CLOEXEC, SOCK_NONBLOCK).',
  connect: 'Connects a socket to an address.',
  bind: 'Gives a socket a local address.',
  listen: 'Marks a socket as accepting connections.',
  pipe: 'Creates a pipe: a read end and a write end.',
  pipe2: 'Creates a pipe with flags (O_CLOEXEC, O_NONBLOCK, O_DIRECT).',
  dup: 'Duplicates an fd onto the lowest free number.',
  dup2: 'Duplicates an fd onto a given number (closing what was there).',
  dup3: 'dup2 with flags (O_CLOEXEC).',
  fcntl: 'Controls an fd (F_DUPFD, F_GETFL/F_SETFL, F_SETPIPE_SZ, ...).',
  ioctl: 'Device-specific control of an fd (FICLONE reflinks a whole file).',
  fadvise64: 'Advises the kernel about the access pattern of a file range (readahead).',
  ftruncate: 'Sets the size of an open file.',
  fstat: 'Returns the metadata (size, type, ...) of an open fd.',
  newfstatat: 'Returns the metadata of a file by path (relative to a directory fd).',
  statx: 'Returns extended metadata of a file.',
  lseek: 'Moves an fd\'s file position.',
  fsync: 'Flushes a file\'s data and metadata to the device.',
  fdatasync: 'Flushes a file\'s data to the device.',
  eventfd2: 'Creates an fd for event notification.',
  memfd_create: 'Creates an anonymous in-memory file and returns its fd.',
  epoll_create1: 'Creates an epoll instance.',
  epoll_wait: 'Waits for events on an epoll instance.',
  epoll_ctl: 'Adds, changes or removes an fd watched by an epoll instance.',
  poll: 'Waits for events on a set of fds.',
  select: 'Waits for fds to become ready.',
  io_uring_setup: 'Creates an io_uring instance: submission and completion rings shared with the kernel.',
  io_uring_enter: 'Submits io_uring requests and/or waits for completions (the operations themselves are not visible to strace).',
  io_uring_register: 'Registers files or buffers with an io_uring instance.',
  execve: 'Replaces the process image with a new program.',
  clone: 'Creates a process or thread.',
  clone3: 'Creates a process or thread (extensible arguments).',
  fork: 'Creates a child process.',
  vfork: 'Creates a child process that shares memory until it execs.',
  exit_group: 'Ends every thread of the process.',
  exit: 'Ends the calling thread.',
  wait4: 'Waits for a child process to change state.',
  kill: 'Sends a signal to a process.',
  brk: 'Moves the end of the heap.',
  mprotect: 'Changes the protection of a memory range.',
  rt_sigaction: 'Installs a signal handler.',
  rt_sigprocmask: 'Changes the blocked-signal mask.',
  rt_sigreturn: 'Returns from a signal handler.',
  futex: 'Waits on or wakes a user-space lock word.',
  nanosleep: 'Sleeps.',
  clock_nanosleep: 'Sleeps on a given clock.',
  getrandom: 'Fills a buffer with random bytes.',
  access: 'Checks whether a path can be accessed.',
  arch_prctl: 'Sets architecture-specific thread state (the TLS base).',
  set_tid_address: 'Sets the address cleared when the thread exits.',
  set_robust_list: 'Registers the thread\'s robust futex list.',
  rseq: 'Registers restartable sequences for the thread.',
  prlimit64: 'Gets or sets a resource limit.',
  getdents64: 'Reads directory entries.',
  setsockopt: 'Sets a socket option (SO_ZEROCOPY enables MSG_ZEROCOPY).',
  getsockopt: 'Reads a socket option.',
  shutdown: 'Shuts down part of a full-duplex connection.',
};

const CLASS_WORDS: Readonly<Record<SyscallClass, string>> = {
  read: 'read-like data call (payload into a user buffer)',
  write: 'write-like data call (payload out of a user buffer)',
  mmap: 'memory mapping',
  zerocopy: 'in-kernel mover (no user buffer)',
  fd: 'fd bookkeeping',
  io_uring: 'io_uring',
  process: 'process lifecycle',
  other: 'other (moves no payload)',
};

/** A one-line description of a system call, or undefined when the table has none. */
export function describeSyscall(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(DOCS, name) ? DOCS[name] : undefined;
}

/** The analysis class of a call in words: "in-kernel mover (no user buffer)". */
export function describeClass(cls: SyscallClass): string {
  return CLASS_WORDS[cls];
}

/** Class plus words for a call name. */
export function syscallClassInfo(name: string): { class: SyscallClass; words: string } {
  const cls = classifySyscall(name);
  return { class: cls, words: CLASS_WORDS[cls] };
}

/** Names that have a description (tests check they are real calls of the grammar). */
export function documentedSyscalls(): string[] {
  return Object.keys(DOCS);
}
