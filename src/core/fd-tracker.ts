// Follows every process's fd table through the trace (open, socket, accept, connect, pipe,
// socketpair, dup*, fcntl F_DUPFD*, close, close_range, eventfd, memfd_create, io_uring_setup,
// execve, fork/vfork/clone) and names the object behind any fd argument.
// With -y/-yy the decorations are the truth and repair the table; without them the table is all
// there is.

import type { SyscallEvent } from '../strace-parser/types';
import { TraceSyscall } from '../strace-parser/events';
import { decodeCString, parseFdArg, parseIntLoose, splitArgs } from '../strace-parser/args';
import { endpointFromDecoration, endpointFromPath, endpointKey, isLoopbackConnection, isSocketKind, socketEndpoint } from './endpoints';
import { argText, fdArg, hasFlag, resultFd, type FdRef } from './event-args';
import { FdsInFlight, passedFds } from './fd-passing';
import { FdTables, type AccessMode, type FdObject } from './fd-table';
import type { Endpoint } from './report-types';
import type { ArgRef } from './syscall-classes';
import { datagramAddress, sockaddrText } from './sockaddr';
import { keep } from './strings';

type Handler = (tracker: FdTracker, event: SyscallEvent) => void;

function accessOf(flags: string | undefined, perfNames: boolean): AccessMode {
  if (flags === undefined) return 'read';
  if (hasFlag(flags, 'O_RDWR', perfNames)) return 'readwrite';
  if (hasFlag(flags, 'O_WRONLY', perfNames)) return 'write';
  return 'read';
}

function pathArg(event: SyscallEvent, index: number, perfName: string): string | null {
  const text = argText(event, [index, perfName]);
  if (text === undefined) return null;
  return decodeCString(text)?.value ?? null;
}

/** perf: pipes per process whose fds are still to be told by their use (older ones are forgotten). */
const MAX_PENDING_PIPES = 8;

/** Distinct (socket, address) sinks of unconnected datagram sockets kept apart at most (a DNS server replies to many). */
const MAX_DATAGRAM_PEERS = 10_000;

function anonymousInode(name: string): Endpoint {
  return { kind: 'other', path: `anon_inode:${name}` };
}

function cloexecBy(event: SyscallEvent, flags: ArgRef, flag: string): boolean {
  return hasFlag(argText(event, flags), flag);
}

const FD_HANDLERS: Record<string, Handler> = {
  open: (t, e) => t.opened(e, 0, 'filename', argText(e, [1, 'flags'])),
  creat: (t, e) => t.opened(e, 0, 'pathname', 'O_WRONLY|O_CREAT|O_TRUNC'),
  openat: (t, e) => t.opened(e, 1, 'filename', argText(e, [2, 'flags'])),
  openat2: (t, e) => t.opened(e, 1, 'filename', argText(e, [2, 'how'])),
  memfd_create: (t, e) => t.created(e, { kind: 'memory', path: `memfd:${pathArg(e, 0, 'uname') ?? ''}` }, 'readwrite', cloexecBy(e, [1, 'flags'], 'MFD_CLOEXEC')),
  // Anonymous inodes (named as strace -y names them): events, never payload (isNotification), but
  // their numbers must be known, or a trace without -y takes them for unknown data descriptors.
  eventfd: (t, e) => t.created(e, anonymousInode('[eventfd]'), 'readwrite'),
  eventfd2: (t, e) => t.created(e, anonymousInode('[eventfd]'), 'readwrite', cloexecBy(e, [1, 'flags'], 'EFD_CLOEXEC')),
  timerfd_create: (t, e) => t.created(e, anonymousInode('[timerfd]'), 'read', cloexecBy(e, [1, 'flags'], 'TFD_CLOEXEC')),
  signalfd: (t, e) => t.created(e, anonymousInode('[signalfd]'), 'read'),
  signalfd4: (t, e) => t.created(e, anonymousInode('[signalfd]'), 'read', cloexecBy(e, [3, 'flags'], 'SFD_CLOEXEC')),
  inotify_init: (t, e) => t.created(e, anonymousInode('inotify'), 'read'),
  inotify_init1: (t, e) => t.created(e, anonymousInode('inotify'), 'read', cloexecBy(e, [0, 'flags'], 'IN_CLOEXEC')),
  fanotify_init: (t, e) => t.created(e, anonymousInode('[fanotify]'), 'readwrite', cloexecBy(e, [0, 'flags'], 'FAN_CLOEXEC')),
  userfaultfd: (t, e) => t.created(e, anonymousInode('[userfaultfd]'), 'readwrite', cloexecBy(e, [0, 'flags'], 'O_CLOEXEC')),
  pidfd_open: (t, e) => t.created(e, anonymousInode('[pidfd]'), 'read', true),
  perf_event_open: (t, e) => t.created(e, anonymousInode('[perf_event]'), 'read', cloexecBy(e, [4, 'flags'], 'PERF_FLAG_FD_CLOEXEC')),
  io_uring_setup: (t, e) => t.created(e, anonymousInode('[io_uring]'), 'readwrite'),
  epoll_create: (t, e) => t.created(e, anonymousInode('[eventpoll]'), 'readwrite'),
  epoll_create1: (t, e) => t.created(e, anonymousInode('[eventpoll]'), 'readwrite', cloexecBy(e, [0, 'flags'], 'EPOLL_CLOEXEC')),
  socket: (t, e) => t.socketCreated(e),
  accept: (t, e) => t.accepted(e),
  accept4: (t, e) => t.accepted(e),
  connect: (t, e) => t.connected(e),
  bind: (t, e) => t.bound(e),
  getsockname: (t, e) => t.socketNamed(e),
  pipe: (t, e) => t.pipeCreated(e),
  pipe2: (t, e) => t.pipeCreated(e),
  socketpair: (t, e) => t.pipeCreated(e),
  dup: (t, e) => t.duplicated(e, 0, false),
  dup2: (t, e) => t.duplicated(e, 0, false),
  dup3: (t, e) => t.duplicated(e, 0, hasFlag(argText(e, [2, 'flags']), 'O_CLOEXEC')),
  fcntl: (t, e) => t.fcntl(e),
  fcntl64: (t, e) => t.fcntl(e),
  close: (t, e) => t.closed(e),
  close_range: (t, e) => t.closedRange(e),
  execve: (t, e) => t.executed(e),
  execveat: (t, e) => t.executed(e),
  fstat: (t, e) => t.statted(e, 1),
  newfstatat: (t, e) => t.statted(e, 2),
  statx: (t, e) => t.statted(e, 4),
  clone: (t, e) => t.cloned(e, argText(e, [1, 'clone_flags'])),
  // strace prints clone3's struct (`{flags=CLONE_VM|..., ...}`); perf only its address, which says nothing of the flags.
  clone3: (t, e) => t.cloned(e, e.argNames === null ? argText(e, [0, 'uargs']) : undefined),
  fork: (t, e) => t.cloned(e, ''),
  vfork: (t, e) => t.cloned(e, ''),
  lseek: (t, e) => t.seeked(e),
  sendmsg: (t, e) => t.sentFds(e),
  recvmsg: (t, e) => t.receivedFds(e),
};

export class FdTracker {
  readonly tables = new FdTables();
  /** Program names by pid, from execve, for the per-process summary. */
  readonly commands = new Map<number, string>();
  private readonly boundAddresses = new Map<number, string>();

  /**
   * strace's -y decorations are exact; perf trace resolves its `fd: 4</path>` late (at print time),
   * so they can name a later file that reused the number: then they only fill in what the table lacks.
   */
  decorationsAreTruth = true;
  /** perf: objects still unnamed, by `pid:fd`, that a later (late-resolved) decoration of that number may name. */
  private readonly unnamedByFd = new Map<string, FdObject[]>();
  /** perf: the latest decoration printed for each `pid:fd` (it names that number's latest occupant). */
  private readonly lateDecorations = new Map<string, Endpoint>();
  /**
   * perf prints pipe2's fd array as a pointer: the next unknown fds of that process are its two ends
   * (newest pipe first; an older one whose ends are not all known yet is kept).
   */
  private readonly pendingPipeEnds = new Map<number, Array<{ endpoint: Endpoint; left: number; line: number }>>();
  /** Thread group leader by tid, for threads made with CLONE_THREAD (kept to the end: the report merges by group). */
  private readonly threadGroups = new Map<number, number>();
  /** perf: tids made by clone3, whose flags perf prints as a pointer, and taken for threads (perfClone3). */
  private readonly clone3Threads = new Set<number>();
  /**
   * perf: tids that called execve, by when it started (a clone3 child that did so before its clone
   * returned was spawned, not a thread). perf shows no exits: an entry can be a former holder's of the tid.
   */
  private readonly execedTids = new Map<number, number | null>();
  /** perf: the processes (thread group leaders) whose clone3 children were taken for threads (their transfers say so). */
  readonly clone3Groups = new Set<number>();
  /** Where the datagrams of unconnected UDP sockets went, one object per socket and address (see datagramPeer). */
  private readonly datagramPeers = new Map<string, FdObject>();
  /** Descriptors sent with SCM_RIGHTS that their receiver has not taken yet. */
  private readonly fdsInFlight = new FdsInFlight();
  /**
   * clone/clone3/fork/vfork calls started (`<unfinished ...>`) and not returned yet, by startSeq:
   * strace -f prints a child's first calls before its parent's `<... clone resumed> = TID`.
   */
  private readonly clonesInFlight = new Map<number, { pid: number; shareFiles: boolean; thread: boolean }>();

  /** Whether apply() acts on calls of this name. */
  static handles(name: string): boolean {
    return FD_HANDLERS[name] !== undefined;
  }

  /** Applies an fd-lifecycle call; other calls are ignored. Returns true when the call was one. */
  apply(event: SyscallEvent): boolean {
    const handler = FD_HANDLERS[event.name];
    if (handler === undefined) return false;
    handler(this, event);
    return true;
  }

  /**
   * Hot path: a call whose first argument names the object its fd number holds by the same decoration
   * text as before (`3</tmp/in>, ...`, most data calls of a -y trace) gets that object without its
   * argument being cut or parsed. undefined: take the general way, resolve(fdArg(...)) (always for
   * fd `unlessFd`).
   */
  knownFirstArg(event: SyscallEvent, unlessFd = -1): FdObject | undefined {
    if (!this.decorationsAreTruth || !(event instanceof TraceSyscall) || event.perfStyle) return undefined;
    const fd = event.leadingDecoratedFd();
    if (fd < 0 || fd === unlessFd) return undefined;
    const known = this.tables.of(event.pid).get(fd);
    const decoration = known?.plainDecoration;
    return decoration !== undefined && event.firstArgDecoratedAs(decoration) ? known : undefined;
  }

  /**
   * The sink of a datagram sent on an unconnected UDP socket to the address the call names
   * (`sendto(4, ..., {sa_family=AF_INET, sin_port=htons(9911), sin_addr=inet_addr("127.0.0.1")}, 16)`):
   * that address, as the receiving socket is named, not the sender's own. null when the call names
   * none (perf prints a pointer), the socket is connected, or too many peers were seen already.
   */
  datagramPeer(socket: FdObject, addressText: string | undefined, line: number): FdObject | null {
    if (socket.endpoint.kind !== 'udp' || socket.endpoint.path.includes('->') || addressText === undefined) return null;
    const peer = datagramAddress(addressText);
    if (peer === null) return null;
    const key = `${socket.id}|${peer}`;
    let object = this.datagramPeers.get(key);
    if (object === undefined) {
      if (this.datagramPeers.size >= MAX_DATAGRAM_PEERS) return null;
      object = this.tables.createObject(socketEndpoint('udp', peer), true, 'write', line);
      object.datagramOf = socket;
      this.datagramPeers.set(key, object);
    }
    return object;
  }

  /** The object an fd argument refers to, named from its decoration when it has one. */
  resolve(pid: number, ref: FdRef | null, line: number): FdObject | null {
    if (ref === null || ref.fd < 0) return null;
    const table = this.tables.of(pid);
    const known = table.get(ref.fd);
    if (!this.decorationsAreTruth) return this.resolveLate(pid, ref, known, line);
    if (known !== undefined && known.decoration === ref.path && ref.detail === null) return known;
    if (ref.path === null) {
      if (known !== undefined) return known;
      const placeholder = this.tables.createObject({ kind: 'other', path: `fd ${ref.fd}` }, false, 'unknown', 0);
      table.set(ref.fd, placeholder);
      table.placeholders.set(ref.fd, placeholder);
      return placeholder;
    }
    if (known !== undefined && isBareSocket(ref.path) && isSocketKind(known.endpoint.kind)) {
      // strace -y names a socket by its inode only: what the table knows (TCP or UDP, its addresses) says more.
      if (ref.detail === null) nameByDecoration(known, ref.path);
      return known;
    }
    const endpoint = this.endpointOfDecoration(ref);
    if (known !== undefined) {
      if (!known.named || (this.decorationsAreTruth && endpointKey(known.endpoint) !== endpointKey(endpoint) && !this.refines(known.endpoint, endpoint))) {
        if (known.named) {
          // The table disagreed with strace's own naming (a close or dup the trace did not show): trust strace.
          const replaced = this.tables.createObject(endpoint, true, known.access, line);
          if (ref.detail === null && ref.path !== null) nameByDecoration(replaced, ref.path);
          table.set(ref.fd, replaced);
          return replaced;
        }
        known.endpoint = endpoint;
        known.named = true;
      } else if (this.refines(known.endpoint, endpoint)) {
        known.endpoint = endpoint;
      }
      if (ref.detail === null && endpointKey(known.endpoint) === endpointKey(endpoint)) nameByDecoration(known, ref.path ?? '');
      return known;
    }
    const object = this.tables.createObject(endpoint, true, 'unknown', 0);
    if (ref.detail === null && ref.path !== null) nameByDecoration(object, ref.path);
    table.set(ref.fd, object);
    return object;
  }

  /**
   * perf trace resolves `fd: 4</path>` when it prints, so the name is the one the number has by then:
   * it names unnamed objects that held that number (the table alone never had their path), and never
   * renames an object the trace named itself.
   */
  private resolveLate(pid: number, ref: FdRef, known: FdObject | undefined, line: number): FdObject {
    const key = `${pid}:${ref.fd}`;
    let object = known;
    if (object === undefined) {
      const pipe = ref.path === null && this.mayBeNewFd(pid, ref.fd) ? this.takePipeEnd(pid) : null;
      if (pipe !== null) {
        object = this.tables.createObject(pipe.endpoint, true, 'unknown', pipe.line);
      } else {
        object = this.tables.createObject({ kind: 'other', path: `fd ${ref.fd}` }, false, 'unknown', 0);
        this.tables.of(pid).placeholders.set(ref.fd, object);
      }
      this.tables.of(pid).set(ref.fd, object);
    }
    if (!object.named) {
      const list = this.unnamedByFd.get(key) ?? [];
      if (!list.includes(object)) {
        list.push(object);
        if (list.length > 4) list.shift();
        this.unnamedByFd.set(key, list);
      }
    }
    if (ref.path !== null) {
      const endpoint = this.endpointOfDecoration(ref);
      const before = this.lateDecorations.get(key);
      this.lateDecorations.set(key, endpoint);
      // A name its own call shows, unlike the number's previous occupant's (perf keeps that one when it
      // missed an open's file name), is this object's: a later occupant's name does not replace it.
      const ownName = !object.named && (before === undefined || before.path !== endpoint.path);
      if (ownName) object.hintOwn = true;
      for (const unnamed of this.unnamedByFd.get(key) ?? []) {
        // What open() opened (a file, a device, a FIFO) cannot be the socket a later occupant of its number was.
        if (unnamed.named || (unnamed.opened && isSocketName(endpoint))) continue;
        // Nor does a name replace one the object's own call showed, unless this call shows it a new one:
        // perf keeps names per thread, and a thread that held the number before prints its old name.
        if (unnamed.hintOwn === true && !(unnamed === object && ownName)) continue;
        unnamed.endpoint = endpoint;
        unnamed.hint = true;
      }
    }
    void line;
    return object;
  }

  /** perf: every decorated fd argument of any call (fstat, fadvise64, ...) can name an unnamed object. */
  noteLateDecorations(event: SyscallEvent): void {
    const names = event.argNames;
    if (names === null) return;
    names.forEach((name, index) => {
      if (name !== 'fd' && name !== 'dfd' && !name.startsWith('fd_') && !name.endsWith('_fd')) return;
      const ref = parseFdArg(event.args[index] ?? '');
      if (ref !== null && ref.path !== null && ref.fd >= 0) this.resolve(event.pid, ref, event.line);
    });
  }

  /** perf: a file opened by pointer takes the name perf printed for its number, until a later one. */
  private lateName(pid: number, fd: number, object: FdObject): void {
    if (this.decorationsAreTruth || object.named) return;
    const key = `${pid}:${fd}`;
    const endpoint = this.lateDecorations.get(key);
    if (endpoint !== undefined && endpoint.kind === object.endpoint.kind) {
      object.endpoint = endpoint;
      object.hint = true;
    }
    const list = this.unnamedByFd.get(key) ?? [];
    list.push(object);
    if (list.length > 4) list.shift();
    this.unnamedByFd.set(key, list);
  }

  private endpointOfDecoration(ref: FdRef): Endpoint {
    return endpointFromDecoration(ref.path ?? '', ref.detail);
  }

  /** A socket first named `TCP:[64465]` (unconnected) becomes `TCP:[a->b]` once connected: same object, better name. */
  private refines(before: Endpoint, after: Endpoint): boolean {
    if (before.kind === after.kind && (before.kind === 'tcp' || before.kind === 'udp' || before.kind === 'unix')) return true;
    return before.kind === 'other' && (after.kind === 'tcp' || after.kind === 'udp' || after.kind === 'unix');
  }

  private newFd(event: SyscallEvent, endpoint: Endpoint, access: AccessMode, cloexec: boolean): FdObject | null {
    if (event.ret === null || event.ret < 0) return null;
    const decorated = resultFd(event);
    if (decorated?.path != null && !(isBareSocket(decorated.path) && isSocketKind(endpoint.kind))) return this.bindDecorated(event, event.ret, decorated, access, cloexec);
    const object = this.bind(event, event.ret, endpoint, true, access, cloexec);
    // strace -y (not -yy) names a socket by its inode only: the call said more (its family and type).
    if (decorated?.path != null && decorated.detail === null && this.decorationsAreTruth) nameByDecoration(object, decorated.path);
    return object;
  }

  /**
   * A new fd named by the decoration of the call's result (`= 3</tmp/x>`). It keeps that decoration,
   * so the next call that names it the same way finds it without parsing the decoration again
   * (resolve() would record the same after its first look-up).
   */
  private bindDecorated(event: SyscallEvent, fd: number, decorated: FdRef, access: AccessMode, cloexec: boolean): FdObject {
    const object = this.bind(event, fd, this.endpointOfDecoration(decorated), true, access, cloexec);
    if (decorated.detail === null && decorated.path !== null && this.decorationsAreTruth) nameByDecoration(object, decorated.path);
    return object;
  }

  private bind(event: SyscallEvent, fd: number, endpoint: Endpoint, named: boolean, access: AccessMode, cloexec: boolean): FdObject {
    const object = this.tables.createObject(endpoint, named, access, event.line);
    this.tables.of(event.pid).set(fd, object, cloexec);
    this.lateName(event.pid, fd, object);
    return object;
  }

  /** open/openat/creat: the path is argument `pathIndex` (perf: `pathName`), read only when the result is not decorated. */
  opened(event: SyscallEvent, pathIndex: number, pathName: string, flags: string | undefined): void {
    const fd = event.ret;
    if (fd === null || fd < 0) return;
    const decorated = resultFd(event);
    const perfNames = event.argNames !== null;
    const access = accessOf(flags, perfNames);
    const cloexec = hasFlag(flags, 'O_CLOEXEC', perfNames);
    let object: FdObject;
    if (decorated?.path != null) {
      // strace -y names the file in the result: the path argument is not needed.
      object = this.bindDecorated(event, fd, decorated, access, cloexec);
    } else {
      // perf trace prints file names as pointers: such a file stays unnamed until a decoration names it.
      const path = pathArg(event, pathIndex, pathName);
      // O_TMPFILE opens an unnamed file in the directory it names (-y prints `/dir/#inode`).
      const name = path !== null && hasFlag(flags, 'O_TMPFILE', perfNames) ? `${path.replace(/\/$/, '')}/(O_TMPFILE)` : path;
      object = this.bind(event, fd, endpointFromPath(name ?? `fd ${fd}`), path !== null, access, cloexec);
      object.opened = true;
    }
    object.position = 0;
    if (hasFlag(flags, 'O_APPEND', perfNames)) object.append = true;
    if (hasFlag(flags, 'O_CREAT', perfNames) || hasFlag(flags, 'O_TRUNC', perfNames)) object.created = true;
    if (hasFlag(flags, 'O_DIRECT', perfNames)) object.direct = true;
  }

  created(event: SyscallEvent, endpoint: Endpoint, access: AccessMode, cloexec = false): void {
    this.newFd(event, endpoint, access, cloexec);
  }

  socketCreated(event: SyscallEvent): void {
    const domain = argText(event, [0, 'family']) ?? '';
    const type = argText(event, [1, 'type']) ?? '';
    // -X raw prints the numbers: AF_UNIX 1, AF_INET 2, AF_INET6 10; SOCK_STREAM 1, SOCK_DGRAM 2 (low
    // bits), with flags or'ed in (`0x2|0x80000`: SOCK_CLOEXEC).
    const family = numericFlags(domain);
    const typeBits = numericFlags(type);
    const socketType = typeBits === null ? null : typeBits & 0xf;
    let kind: Endpoint['kind'] = 'other';
    if (/UNIX|LOCAL/.test(domain) || family === 1) kind = 'unix';
    else if (/INET/.test(domain) || family === 2 || family === 10) {
      kind = /DGRAM/.test(type) || socketType === 2 ? 'udp' : /STREAM/.test(type) || socketType === 1 ? 'tcp' : 'other';
    }
    const object = this.newFd(event, { kind, path: `${kind} socket` }, 'readwrite', hasFlag(type, 'SOCK_CLOEXEC') || (typeBits !== null && (typeBits & SOCK_CLOEXEC) !== 0));
    if (object !== null && kind === 'unix' && (/SOCK_STREAM/.test(type) || socketType === 1)) object.stream = true;
  }

  bound(event: SyscallEvent): void {
    const fd = fdArg(event, [0, 'fd']);
    const address = sockaddrText(argText(event, [1, 'umyaddr']));
    const object = this.resolve(event.pid, fd, event.line);
    if (object === null || address === null) return;
    this.boundAddresses.set(object.id, address);
    // A UDP socket receives at the address it is bound to (what -yy would print): without -yy, that names it.
    if (object.endpoint.kind === 'udp' && object.endpoint.path === 'udp socket') object.endpoint = socketEndpoint('udp', address);
  }

  /** getsockname after a bind to port 0 tells the port the kernel chose: the name the socket's peers are given. */
  socketNamed(event: SyscallEvent): void {
    if (event.ret !== 0) return;
    const object = this.resolve(event.pid, fdArg(event, [0, 'fd']), event.line);
    const bound = object === null ? undefined : this.boundAddresses.get(object.id);
    if (object === null || bound === undefined || !bound.endsWith(':0')) return;
    const address = sockaddrText(argText(event, [1, 'usockaddr']));
    if (address === null) return;
    this.boundAddresses.set(object.id, address);
    // A UDP socket named by its bind (see bound()) takes the port too.
    if (object.endpoint.kind === 'udp' && object.endpoint.path === bound) object.endpoint = { ...object.endpoint, path: address };
  }

  connected(event: SyscallEvent): void {
    const fd = fdArg(event, [0, 'fd']);
    const object = this.resolve(event.pid, fd, event.line);
    const address = sockaddrText(argText(event, [1, 'uservaddr']));
    // -yy names both ends; -y only the socket's inode (`socket:[1812794]`), which says less than this.
    if (object === null || address === null || (fd?.path != null && !isBareSocket(fd.path))) return;
    // Without -yy the peer address is all we know; it is enough to tell loopback from a NIC.
    object.endpoint = socketEndpoint(object.endpoint.kind === 'other' ? 'tcp' : object.endpoint.kind, `->${address}`);
  }

  accepted(event: SyscallEvent): void {
    const listener = this.resolve(event.pid, fdArg(event, [0, 'fd']), event.line);
    const peer = sockaddrText(argText(event, [1, 'upeer_sockaddr']));
    const local = listener !== null ? this.boundAddresses.get(listener.id) : undefined;
    const kind = listener !== null && listener.endpoint.kind !== 'other' ? listener.endpoint.kind : 'tcp';
    const endpoint: Endpoint = { kind, path: `${local ?? 'listener'}<-${peer ?? 'peer'}` };
    // A peer on 127.x reached a listener bound to 127.x or to the wildcard address: loopback.
    if (isLoopbackConnection([local, peer].filter((a): a is string => a !== undefined && a !== null))) endpoint.loopback = true;
    this.newFd(event, endpoint, 'readwrite', hasFlag(argText(event, [3, 'flags']), 'SOCK_CLOEXEC'));
  }

  /** lseek: where the file's reads go on from (its result). */
  seeked(event: SyscallEvent): void {
    if (event.ret === null || event.ret < 0) return;
    const object = this.resolve(event.pid, fdArg(event, [0, 'fd']), event.line);
    if (object !== null) object.position = event.ret;
  }

  /** sendmsg passing descriptors (SCM_RIGHTS): what they refer to in the sender's table travels with them. */
  sentFds(event: SyscallEvent): void {
    if (event.ret === null || event.ret < 0 || !event.argText.includes('SCM_RIGHTS')) return;
    const refs = passedFds(event.argText);
    if (refs.length === 0) return;
    const socket = this.resolve(event.pid, fdArg(event, [0, 'fd']), event.line);
    const objects = refs.map((ref) => this.resolve(event.pid, ref, event.line));
    this.fdsInFlight.send(socket?.endpoint.path ?? '', objects);
  }

  /**
   * recvmsg receiving descriptors: their new numbers refer to what the sender sent (`cmsg_data=[3]`
   * without -y; a decorated `3</tmp/in>` names itself).
   */
  receivedFds(event: SyscallEvent): void {
    if (event.ret === null || event.ret < 0 || !event.argText.includes('SCM_RIGHTS')) return;
    const refs = passedFds(event.argText);
    if (refs.length === 0) return;
    const socket = this.resolve(event.pid, fdArg(event, [0, 'fd']), event.line);
    const sent = this.fdsInFlight.receive(socket?.endpoint.path ?? '', refs.length);
    const cloexec = hasFlag(argText(event, [2, 'flags']), 'MSG_CMSG_CLOEXEC');
    const table = this.tables.of(event.pid);
    refs.forEach((ref, index) => {
      const object = ref.path === null ? sent?.[index] : this.resolve(event.pid, ref, event.line);
      if (object !== undefined && object !== null) table.set(ref.fd, object, cloexec);
    });
  }

  /** pipe/pipe2/socketpair: `pipe2([3, 4], 0)` or `pipe2([3<pipe:[60437]>, 4<pipe:[60437]>], 0)`. */
  pipeCreated(event: SyscallEvent): void {
    if (event.ret !== 0) return;
    const isPair = event.name === 'socketpair';
    const arrayText = argText(event, isPair ? [3, 'usockvec'] : [0, 'fildes']);
    if (arrayText !== undefined && arrayText.startsWith('0x')) {
      const endpoint: Endpoint = isPair ? { kind: 'unix', path: `socketpair@${event.line}` } : { kind: 'pipe', path: `pipe@${event.line}` };
      const pipes = this.pendingPipeEnds.get(event.pid) ?? [];
      pipes.push({ endpoint, left: 2, line: event.line });
      if (pipes.length > MAX_PENDING_PIPES) pipes.shift();
      this.pendingPipeEnds.set(event.pid, pipes);
      return;
    }
    if (arrayText === undefined || !arrayText.startsWith('[')) return;
    const inner = arrayText.slice(1, -1);
    const comma = findTopLevelComma(inner);
    if (comma < 0) return;
    const ends = [inner.slice(0, comma).trim(), inner.slice(comma + 1).trim()];
    const cloexec = hasFlag(argText(event, isPair ? [1, 'type'] : [1, 'flags']), isPair ? 'SOCK_CLOEXEC' : 'O_CLOEXEC');
    const table = this.tables.of(event.pid);
    const fallback: Endpoint = isPair ? { kind: 'unix', path: `socketpair@${event.line}` } : { kind: 'pipe', path: `pipe@${event.line}` };
    const made: Array<{ object: FdObject; fd: number } | undefined> = [undefined, undefined];
    ends.forEach((text, index) => {
      const fd = parseIntLoose(text);
      if (fd === null) return;
      const decoration = text.indexOf('<');
      const decorated = decoration > 0 ? text.slice(decoration + 1, text.lastIndexOf('>')) : null;
      // -y names a socketpair's ends by inode only: socketpair itself says they are unix sockets.
      const endpoint = decorated !== null && !(isPair && isBareSocket(decorated)) ? endpointFromDecoration(decorated) : fallback;
      const access: AccessMode = isPair ? 'readwrite' : index === 0 ? 'read' : 'write';
      const object = this.tables.createObject(endpoint, true, access, event.line);
      if (isPair && /SOCK_STREAM/.test(argText(event, [1, 'type']) ?? '')) object.stream = true;
      made[index] = { object, fd };
      table.set(fd, object, cloexec);
    });
    // What is written into a pipe's write end is read at its read end; each end of a socketpair is read at the other.
    const [first, second] = made;
    if (first !== undefined && second !== undefined) {
      second.object.readEnd = first;
      if (isPair) first.object.readEnd = second;
    }
  }

  duplicated(event: SyscallEvent, sourceIndex: number, cloexec: boolean): void {
    if (event.ret === null || event.ret < 0) return;
    const source = this.resolve(event.pid, fdArg(event, [sourceIndex, event.name === 'dup' ? 'fildes' : 'oldfd']), event.line);
    if (source === null) return;
    this.tables.of(event.pid).set(event.ret, source, cloexec);
  }

  fcntl(event: SyscallEvent): void {
    const command = argText(event, [1, 'cmd']) ?? '';
    const fd = fdArg(event, [0, 'fd']);
    if (command.includes('F_DUPFD') || command === 'DUPFD' || command === 'DUPFD_CLOEXEC') {
      if (event.ret === null || event.ret < 0) return;
      const source = this.resolve(event.pid, fd, event.line);
      if (source !== null) this.tables.of(event.pid).set(event.ret, source, command.includes('CLOEXEC'));
    } else if (command.includes('F_SETFD') || command === 'SETFD') {
      if (fd !== null) this.tables.of(event.pid).setCloexec(fd.fd, hasFlag(argText(event, [2, 'arg']), 'FD_CLOEXEC'));
    } else if ((command.includes('F_SETFL') || command === 'SETFL') && event.ret === 0) {
      // dd iflag=direct sets O_DIRECT on an inherited fd; clearing it again for a last unaligned block
      // leaves the copy direct (counted from the first time it is set).
      const object = hasFlag(argText(event, [2, 'arg']), 'O_DIRECT', event.argNames !== null) ? this.resolve(event.pid, fd, event.line) : null;
      if (object !== null) object.direct = true;
    }
  }

  /** Applied whatever the result: the number is free from the moment close starts (another thread may reuse it). */
  closed(event: SyscallEvent): void {
    const fd = fdArg(event, [0, 'fd']);
    if (fd !== null) this.closeFd(event.pid, fd.fd);
  }

  /**
   * `pipe` is a pipe whose read end `pid` holds too, or an end of a socketpair whose other end it holds:
   * a self-pipe, through which a process wakes its own event loop (Go's netpoll, Python's selectors and
   * asyncio's socketpair), not a way out for data.
   */
  holdsReadEnd(pid: number, pipe: FdObject): boolean {
    // Where pipe() put it (a read end moved by dup2 is not looked for: no scan of the table per write).
    const readEnd = pipe.readEnd;
    return readEnd !== undefined && this.tables.of(pid).get(readEnd.fd) === readEnd.object;
  }

  closeFd(pid: number, fd: number): void {
    this.tables.of(pid).close(fd);
  }

  /**
   * perf: whether an fd the table does not know may be one that pipe2 made (whose numbers perf does not
   * print): not stdin, stdout or stderr, which a process inherits, unless the trace showed them closed.
   */
  private mayBeNewFd(pid: number, fd: number): boolean {
    return fd > 2 || this.tables.of(pid).closedHere.has(fd);
  }

  /** perf: an end of the newest pipe whose ends are not all known yet (used up), or null. */
  private takePipeEnd(pid: number): { endpoint: Endpoint; line: number } | null {
    const pipes = this.pendingPipeEnds.get(pid);
    const pipe = pipes?.[pipes.length - 1];
    if (pipes === undefined || pipe === undefined) return null;
    if (--pipe.left === 0) pipes.pop();
    if (pipes.length === 0) this.pendingPipeEnds.delete(pid);
    return pipe;
  }

  closedRange(event: SyscallEvent): void {
    if (event.ret !== 0) return;
    const first = parseIntLoose(argText(event, [0, 'fd']) ?? '');
    const lastText = argText(event, [1, 'max_fd']) ?? '';
    const last = /~0|4294967295|0xffffffff/.test(lastText) ? Number.MAX_SAFE_INTEGER : parseIntLoose(lastText);
    if (first === null || last === null) return;
    const table = this.tables.of(event.pid);
    const cloexecOnly = hasFlag(argText(event, [2, 'flags']), 'CLOSE_RANGE_CLOEXEC');
    for (const fd of [...table.entries.keys()]) {
      if (fd >= first && fd <= last) {
        if (cloexecOnly) table.setCloexec(fd, true);
        else table.close(fd);
      }
    }
  }

  executed(event: SyscallEvent): void {
    // perf: a clone3 child that tries execve (posix_spawnp tries each directory of PATH) is a process.
    if (event.argNames !== null) {
      if (this.clone3Threads.delete(event.pid)) {
        // Taken for a thread when its clone returned, it was spawned: its own table and process from here.
        this.tables.unshare(event.pid);
        this.threadGroups.delete(event.pid);
      } else {
        // The oldest go first: an exec counts only for a clone3 that started before it (perfClone3).
        this.execedTids.delete(event.pid);
        if (this.execedTids.size >= MAX_CLONE3_THREADS) this.execedTids.delete(this.execedTids.keys().next().value as number);
        this.execedTids.set(event.pid, event.time);
      }
    }
    if (event.ret !== 0) return;
    this.tables.of(event.pid).closeOnExec();
    const path = pathArg(event, 0, 'filename');
    if (path !== null) this.commands.set(event.pid, keep(path.slice(path.lastIndexOf('/') + 1)));
  }

  /** A clone/clone3/fork/vfork printed `<unfinished ...>`: its child may show up before its result. */
  cloneStarted(pid: number, startSeq: number, name: string, argText: string): void {
    // perf (`clone(clone_flags: ...) ...`) prints its children's calls under their own tid column,
    // and its flags without the CLONE_ prefix: its clones keep binding at the result.
    if (/^[a-z_]+: /.test(argText)) return;
    const flags = name === 'clone' ? splitArgs(argText, 2)[1] : name === 'clone3' ? splitArgs(argText, 1)[0] : '';
    if (this.clonesInFlight.size >= MAX_CLONES_IN_FLIGHT) this.clonesInFlight.clear();
    this.clonesInFlight.set(startSeq, { pid, shareFiles: hasCloneFlag(flags, 'CLONE_FILES', CLONE_FILES), thread: hasCloneFlag(flags, 'CLONE_THREAD', CLONE_THREAD) });
  }

  /** The clone started as `startSeq` has returned (its result binds the child: cloned()). */
  cloneReturned(startSeq: number): void {
    this.clonesInFlight.delete(startSeq);
  }

  get hasClonesInFlight(): boolean {
    return this.clonesInFlight.size > 0;
  }

  /**
   * A tid the trace shows for the first time while clones are in flight is the child of one of them
   * (strace -f attaches a child once its clone has started). When they all make the same table (one
   * process's, shared or copied alike), the child gets it now rather than at the clone's result: a
   * thread that uses its parent's io_uring ring or file before that result uses the parent's object,
   * not one of its own named from a decoration.
   */
  claimNewTid(tid: number): void {
    if (this.tables.has(tid)) return;
    let parent: { pid: number; shareFiles: boolean; thread: boolean } | undefined;
    for (const clone of this.clonesInFlight.values()) {
      if (parent === undefined) parent = clone;
      else if (clone.shareFiles !== parent.shareFiles || clone.thread !== parent.thread || this.tables.of(clone.pid) !== this.tables.of(parent.pid)) return;
    }
    if (parent === undefined || parent.pid === tid) return;
    this.tables.fork(parent.pid, tid, parent.shareFiles);
    if (parent.thread) this.joinThreadGroup(tid, parent.pid);
  }

  cloned(event: SyscallEvent, flags: string | undefined): void {
    if (event.ret === null || event.ret <= 0) return;
    // A new process may get the number of a thread that has gone: it starts a group of its own.
    this.threadGroups.delete(event.ret);
    if (event.name === 'clone3' && event.argNames !== null) this.perfClone3(event.pid, event.ret, event.time);
    else {
      this.tables.fork(event.pid, event.ret, hasCloneFlag(flags, 'CLONE_FILES', CLONE_FILES));
      if (hasCloneFlag(flags, 'CLONE_THREAD', CLONE_THREAD)) this.joinThreadGroup(event.ret, event.pid);
    }
    const command = this.commands.get(event.pid);
    if (command !== undefined && !this.commands.has(event.ret)) this.commands.set(event.ret, command);
  }

  /**
   * fstat of an fd the trace never showed being opened (inherited stdin/stdout: a shell redirect)
   * still tells what it is: `{st_mode=S_IFREG|0644, ...}`.
   */
  statted(event: SyscallEvent, statIndex: number): void {
    if (event.ret !== 0) return;
    if (event.name !== 'fstat' && !event.argText.includes('AT_EMPTY_PATH')) return;
    const fd = fdArg(event, [0, event.name === 'fstat' ? 'fd' : 'dfd']);
    if (fd === null) return;
    if (fd.path !== null) {
      // A named FIFO is opened by path (and -y names it by path): its fstat says it is a pipe.
      // Most fstats are of regular files: the whole text tells before the arguments are split.
      if (event.argText.includes('S_IFIFO') && argText(event, [statIndex, 'statbuf'])?.includes('st_mode=S_IFIFO') === true) namedFifo(this.resolve(event.pid, fd, event.line));
      return;
    }
    const object = this.tables.of(event.pid).get(fd.fd);
    const mode = /st_mode=S_IF(\w+)/.exec(argText(event, [statIndex, 'statbuf']) ?? '')?.[1];
    if (object !== undefined && object.named) {
      if (mode === 'FIFO') namedFifo(object);
      return;
    }
    const kindByMode: Record<string, Endpoint['kind']> = { REG: 'file', FIFO: 'pipe', SOCK: 'other', CHR: 'dev', BLK: 'dev' };
    const kind = mode !== undefined ? kindByMode[mode] : undefined;
    if (kind === undefined) return;
    const endpoint: Endpoint = { kind, path: `fd ${fd.fd} (inherited ${mode === 'REG' ? 'file' : mode === 'FIFO' ? 'pipe' : 'descriptor'})` };
    if (object !== undefined) object.endpoint = endpoint;
    else this.tables.of(event.pid).set(fd.fd, this.tables.createObject(endpoint, false, 'unknown', 0));
  }

  /**
   * The thread group (process) a traced tid belongs to, by its leader's tid: the tid itself unless a
   * clone with CLONE_THREAD made it. A Go program's goroutine, a thread pool's task, may go on with
   * the same copy on another thread of its process (io-model.md: a transfer is inside one process
   * or thread group).
   */
  threadGroupOf(pid: number): number {
    return this.threadGroups.get(pid) ?? pid;
  }

  /** Whether the trace has shown any thread made with CLONE_THREAD (most traces: no, and nothing else to look up). */
  get hasThreads(): boolean {
    return this.threadGroups.size > 0;
  }

  private joinThreadGroup(tid: number, creator: number): void {
    this.threadGroups.set(tid, this.threadGroupOf(creator));
  }

  /**
   * perf prints clone3's flags as a pointer. glibc makes threads with clone3 (pthread_create:
   * CLONE_FILES|CLONE_THREAD...), and processes with posix_spawn (CLONE_VM|CLONE_VFORK: the parent's
   * clone3 returns only once the child has called execve, after its file actions: dup2, close, open).
   * So a clone3 child that has neither called execve (perf-order.ts takes an execve at its start) nor
   * changed its descriptors by the time its clone returns is taken for a thread: one fd table and one
   * process with its maker; if it calls execve later after all, it leaves both then (executed()).
   */
  private perfClone3(maker: number, child: number, startedAt: number | null): void {
    const own = this.tables.has(child) ? this.tables.of(child) : undefined;
    // An execve before this clone3 started was a former holder of the number's (perf shows no exits).
    const execAt = this.execedTids.get(child);
    const execed = execAt !== undefined && (execAt === null || startedAt === null || execAt >= startedAt);
    const spawned = execed || (own !== undefined && (own.entries.size > 0 || own.closedHere.size > 0));
    this.tables.fork(maker, child, !spawned);
    if (spawned) return;
    this.joinThreadGroup(child, maker);
    if (this.clone3Threads.size < MAX_CLONE3_THREADS) this.clone3Threads.add(child);
    if (this.clone3Groups.size < MAX_CLONE3_THREADS) this.clone3Groups.add(this.threadGroupOf(maker));
  }

  exited(pid: number): void {
    this.tables.exit(pid);
    this.clone3Threads.delete(pid);
    this.execedTids.delete(pid);
  }
}

/** perf clone3 threads, execve callers and processes with clone3 threads remembered at most (perf shows no exits to forget them by). */
const MAX_CLONE3_THREADS = 4096;

/** A FIFO opened by its path is a file to the table (and to -y) until its fstat says S_IFIFO: a pipe. */
function namedFifo(object: FdObject | null): void {
  if (object !== null && object.endpoint.kind === 'file') object.endpoint = { kind: 'pipe', path: object.endpoint.path };
}

/** Records the decoration an object was named by (copied: `path` may be a slice of a parser chunk). */
function nameByDecoration(object: FdObject, path: string): void {
  // The endpoint named from this decoration holds a copy of the same text already.
  const decoration = object.endpoint.path === path ? object.endpoint.path : keep(path);
  object.decoration = decoration;
  object.plainDecoration = isPlainDecoration(decoration) ? decoration : undefined;
}

/** No backslash (its text would be decoded), and no `<` or `>` outside brackets (`TCP:[a->b]` is fine). */
function isPlainDecoration(text: string): boolean {
  if (text.length === 0) return false;
  let inBracket = false;
  // In a path a bracket is a character of the name (decorationEnd).
  const brackets = text.charCodeAt(0) !== 47; /* / */
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \\ */) return false;
    if (inBracket) {
      if (c === 93 /* ] */) inBracket = false;
    } else if (c === 91 /* [ */ && brackets) inBracket = true;
    else if (c === 60 /* < */ || c === 62 /* > */) return false;
  }
  return !inBracket;
}

function findTopLevelComma(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 60 /* < */ || c === 91 /* [ */) depth++;
    else if ((c === 62 /* > */ && text.charCodeAt(i - 1) !== 45 /* - of -> */) || c === 93 /* ] */) depth--;
    else if (c === 44 /* , */ && depth === 0) return i;
  }
  return -1;
}

/** strace -y's name of a socket: its inode only (`socket:[60437]`), no family nor address (-yy has them). */
function isBareSocket(path: string | null): boolean {
  return path !== null && path.startsWith('socket:[') && path.endsWith(']');
}

const CLONE_FILES = 0x400;
/** Clones in flight at once beyond which the oldest are forgotten (a trace that never prints their results). */
const MAX_CLONES_IN_FLIGHT = 256;
const SOCK_CLOEXEC = 0x80000;

/** A number strace -X raw printed, with flags or'ed in (`0x2|0x80000`), or null for named constants. */
function numericFlags(text: string): number | null {
  let value = 0;
  for (const part of text.split('|')) {
    const trimmed = part.trim();
    if (!/^(?:0x[0-9a-fA-F]+|\d+)$/.test(trimmed)) return null;
    value |= Number(trimmed);
  }
  return value;
}
const CLONE_THREAD = 0x10000;

/** A clone flag by name, or by its bit where -X raw prints the flags as a number (`flags=0x3d0f00`, `0x1200000|17`). */
function hasCloneFlag(flags: string | undefined, name: string, bit: number): boolean {
  if (hasFlag(flags, name)) return true;
  const number = flags === undefined ? undefined : /(?:^|flags=)(0x[0-9a-fA-F]+)/.exec(flags.trim())?.[1];
  return number !== undefined && (Number(number) & bit) !== 0;
}

/** A socket's name: tcp/udp/unix, or -y's `socket:[inode]`. */
function isSocketName(endpoint: Endpoint): boolean {
  return isSocketKind(endpoint.kind) || endpoint.path.startsWith('socket:[');
}
