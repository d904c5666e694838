// Per-process fd tables: what each descriptor number refers to at each point of the trace.
// An FdObject is an open file description (what open/socket/pipe/accept create); dup and fork share
// it, so a transfer can be keyed by object identity rather than by fd number, which is reused.

import type { Endpoint } from './report-types';
import type { Ring } from './transfer-io-uring';

export type AccessMode = 'read' | 'write' | 'readwrite' | 'unknown';

export interface FdObject {
  /** Unique per open file description within one analysis. */
  readonly id: number;
  endpoint: Endpoint;
  /** True when the endpoint was named by the trace (decoration, path, address); false for a placeholder. */
  named: boolean;
  access: AccessMode;
  /** The line that opened it (for go-to-definition and messages), 0 when unknown (inherited). */
  openedAtLine: number;
  /** The -y decoration text it was last named from: the same text again needs no new endpoint (hot path). */
  decoration?: string;
  /** `decoration` when it can be compared with an argument's raw text as it stands (FdTracker.knownFirstArg). */
  plainDecoration?: string;
  /** The endpoint whose path isAncillary() last judged, and its verdict (asked at every read). */
  judgedEndpoint?: Endpoint;
  ancillaryPath?: boolean;
  /** Named only by a perf trace decoration, which perf resolves late: a hint, not a fact. */
  hint?: boolean;
  /** perf: a call of its own showed a name its number's previous occupant did not have: later names are not its. */
  hintOwn?: boolean;
  /** Made by open()/openat(): a file, a device or a FIFO, never a socket. */
  opened?: boolean;
  /** A datagram peer (FdTracker.datagramPeer): the socket its datagrams are sent from. */
  datagramOf?: FdObject;
  /** setsockopt(SO_ZEROCOPY) failed on it: the kernel ignores MSG_ZEROCOPY on its sends. */
  zerocopyRefused?: boolean;
  /** An io_uring ring: its calls (setup, mmap, enter, register) and transfer. */
  ring?: Ring;
  /** The file offset reads go on from (open: 0; lseek; each read), undefined when unknown (inherited). */
  position?: number;
  /** Opened with O_CREAT or O_TRUNC: the program makes this file's content (a writable shared mapping of it is no source). */
  created?: boolean;
  /** Opened with O_APPEND: the kernel refuses copy_file_range, sendfile and splice into it. */
  append?: boolean;
  /** Opened with O_DIRECT (or set by fcntl F_SETFL): the device moves the data to and from the user buffer itself, past the page cache. */
  direct?: boolean;
  /** A unix socket made with SOCK_STREAM (socket, socketpair): the type -yy's `UNIX-STREAM:[...]` says. */
  stream?: boolean;
  /**
   * Where the bytes written into it are read, made by a call the trace shows: a pipe's read end (of its
   * write end), a socketpair's other end; and the number it got (FdTracker.holdsReadEnd).
   */
  readEnd?: { object: FdObject; fd: number };
  /** A read end a process woke itself through (transfer-copies onWrite): the byte its wake-ups repeat; reads of only that byte drain them. */
  wakeUpByte?: string;
}

interface FdEntry {
  object: FdObject;
  cloexec: boolean;
}

/** One fd table; threads created with CLONE_FILES share the same instance. */
export class FdTable {
  readonly entries = new Map<number, FdEntry>();
  /** fds this table closed itself: a late-arriving fork must not resurrect them from the parent. */
  readonly closedHere = new Set<number>();
  /** Objects made up for fds used before the trace showed where they came from (named later by a fork). */
  readonly placeholders = new Map<number, FdObject>();

  get(fd: number): FdObject | undefined {
    return this.entries.get(fd)?.object;
  }

  set(fd: number, object: FdObject, cloexec = false): void {
    this.entries.set(fd, { object, cloexec });
    this.closedHere.delete(fd);
  }

  close(fd: number): void {
    this.entries.delete(fd);
    this.closedHere.add(fd);
  }

  setCloexec(fd: number, cloexec: boolean): void {
    const entry = this.entries.get(fd);
    if (entry !== undefined) entry.cloexec = cloexec;
  }

  /** execve: descriptors marked O_CLOEXEC are closed. */
  closeOnExec(): void {
    for (const [fd, entry] of this.entries) if (entry.cloexec) this.close(fd);
  }

  copy(): FdTable {
    const table = new FdTable();
    for (const [fd, entry] of this.entries) table.entries.set(fd, { ...entry });
    return table;
  }

  /**
   * Fills in what the parent had and this (late-registered) child did not touch itself. A placeholder
   * the child made for an fd it used before strace showed the clone is the inherited description:
   * it takes the parent's name (transfers already hold the placeholder).
   */
  inheritFrom(parent: FdTable): void {
    for (const [fd, entry] of parent.entries) {
      const placeholder = this.placeholders.get(fd);
      if (placeholder !== undefined && !placeholder.named && entry.object.named) {
        placeholder.endpoint = entry.object.endpoint;
        placeholder.named = true;
        placeholder.access = entry.object.access;
      }
      if (!this.entries.has(fd) && !this.closedHere.has(fd)) this.entries.set(fd, { ...entry });
    }
    this.placeholders.clear();
  }
}

/** All processes' tables, plus the object factory. */
/** Tables of exited processes kept for a clone result printed after the child's exit. */
const RECENTLY_EXITED = 64;

export class FdTables {
  private readonly tables = new Map<number, FdTable>();
  private readonly recentlyExited = new Map<number, FdTable>();
  /**
   * Threads share one table (CLONE_FILES). But -ff parts without timestamps are read one file after
   * another: a thread's calls then come after its parent's whole file, and a shared table would show
   * the parent's final state. There each thread gets a copy taken at its clone instead.
   */
  shareOnCloneFiles = true;
  private nextObjectId = 1;

  createObject(endpoint: Endpoint, named: boolean, access: AccessMode, line: number): FdObject {
    return { id: this.nextObjectId++, endpoint, named, access, openedAtLine: line };
  }

  /** The table of `pid`, created empty when the trace has not shown where it came from. */
  of(pid: number): FdTable {
    // Calls come in runs of one process: the last answer again, without a look-up.
    if (pid === this.lastPid && this.lastTable !== null) return this.lastTable;
    let table = this.tables.get(pid);
    if (table === undefined) {
      table = new FdTable();
      this.tables.set(pid, table);
    }
    this.lastPid = pid;
    this.lastTable = table;
    return table;
  }

  /** of()'s last answer; forgotten whenever a pid is given another table or none. */
  private lastPid = -1;
  private lastTable: FdTable | null = null;

  has(pid: number): boolean {
    return this.tables.has(pid);
  }

  /**
   * fork/vfork/clone: the child gets a copy of the parent's table, or the same table with CLONE_FILES.
   * The child may already have events of its own (strace prints the child before the parent's
   * `<... clone resumed>`): its own changes win over what it inherits.
   */
  fork(parentPid: number, childPid: number, shareFiles: boolean): void {
    const parent = this.of(parentPid);
    const gone = this.recentlyExited.get(childPid);
    if (gone !== undefined) {
      // The whole child ran (and exited) before the tracer printed the parent's clone result (perf's
      // `... [continued]: clone()) = PID` comes late): name its placeholders from the parent now.
      this.recentlyExited.delete(childPid);
      gone.inheritFrom(parent);
      return;
    }
    const existing = this.tables.get(childPid);
    if (shareFiles && this.shareOnCloneFiles) {
      if (existing !== undefined && existing !== parent) {
        for (const [fd, entry] of existing.entries) parent.entries.set(fd, entry);
        for (const fd of existing.closedHere) parent.entries.delete(fd);
      }
      this.tables.set(childPid, parent);
      this.lastTable = null;
      return;
    }
    if (existing !== undefined) existing.inheritFrom(parent);
    else {
      this.tables.set(childPid, parent.copy());
      this.lastTable = null;
    }
  }

  /** `pid` gets a table of its own, a copy of the one it shared (a tid taken for a thread turned out a process). */
  unshare(pid: number): void {
    this.tables.set(pid, this.of(pid).copy());
    this.lastTable = null;
  }

  /** A process or thread ended: its table (if not shared with a live thread) can go, keeping memory bounded. */
  exit(pid: number): void {
    const table = this.tables.get(pid);
    if (table === undefined) return;
    this.tables.delete(pid);
    this.lastTable = null;
    this.recentlyExited.set(pid, table);
    if (this.recentlyExited.size > RECENTLY_EXITED) {
      const oldest = this.recentlyExited.keys().next().value;
      if (oldest !== undefined) this.recentlyExited.delete(oldest);
    }
  }
}
