// Rebuilds data transfers (source -> sink) from the call stream, for the twelve strategies of
// io-model.md. It sees each syscall once, in trace order, and keeps only small per-process state:
// read "credits" waiting for the write that sends their bytes on, file mappings, pipe feeds,
// io_uring rings, and unpaired calls that may still join the transfer they preceded.
//
// This file is the coordinator: it owns the per-process state and the transfers, and hands each
// call to its strategy's module (transfer-copies, -movers, -mmap, -io-uring, -preludes).

import type { PageFaultEvent, SyscallEvent } from '../strace-parser/types';
import { TraceSyscall } from '../strace-parser/events';
import type { FdObject } from './fd-table';
import type { FdTracker } from './fd-tracker';
import { DATA_CALLS, type DataCallSpec } from './syscall-classes';
import { rawStringArg } from './event-args';
import { TransferAccumulator } from './transfer';
import type { Endpoint, Strategy } from './report-types';
import { onRead, onWrite } from './transfer-copies';
import { onRingEnter, onRingSetup } from './transfer-io-uring';
import { onFault, onMmap, onMunmap } from './transfer-mmap';
import { mergeCredit } from './transfer-credits';
import { flushDanglingFeeds, onMover, onSplice, onVmsplice, type PipeFeed } from './transfer-movers';
import { endpointKey } from './endpoints';
import { FileRanges } from './file-ranges';
import { onIoctl, onSetsockopt, takePrelude } from './transfer-preludes';
import { ProcessState, type BuildContext } from './transfer-state';

/**
 * Finished transfers kept one by one; past this, a finished transfer is folded into one record per
 * shape (source, sink kind, strategy), so memory stays bounded on traces of millions of transfers.
 */
export /** Ended tids kept waiting for a late clone result (a handful are ever in flight at once). */
const MAX_EXITED_UNCLAIMED = 64;
const MAX_SEPARATE_TRANSFERS = 5000;

/** The calls besides DATA_CALLS that onSyscall() handles (its switch). */
const OTHER_CALLS = new Set([
  'sendfile', 'sendfile64', 'copy_file_range', 'tee', 'splice', 'vmsplice', 'mmap', 'mmap2', 'munmap', 'ioctl', 'setsockopt',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
]);

export interface BuilderSettings {
  /** Called once per new transfer, in trace order. */
  onTransfer?: (transfer: TransferAccumulator) => void;
}

/** Threads of one process whose credits a write on another thread may draw from (the latest readers). */
const MAX_RECENT_READERS = 8;
/** Credits a thread group's leader holds at most after its threads ended (as many as a process may hold). */
const MAX_INHERITED_CREDITS = 8;
const NO_STATES: readonly ProcessState[] = [];

export class TransferBuilder implements BuildContext {
  private readonly processes = new Map<number, ProcessState>();
  /** Transfers of processes still running, by pid|source|sink|strategy. */
  private readonly transfers = new Map<string, TransferAccumulator>();
  /** Transfers of processes that exited. */
  private readonly finished: TransferAccumulator[] = [];
  /** Past MAX_SEPARATE_TRANSFERS: finished transfers folded by shape. */
  private readonly folded = new Map<string, TransferAccumulator>();
  /** Whether strace printed no buffer bytes (-s 0): null until a write told (printsNoBytes). */
  private unprinted: boolean | null = null;
  private readonly feeds = new Map<string, PipeFeed>();
  private readonly sourcesRead = new Set<string>();
  /** Processes or threads that ended with unsent bytes before any clone result said whose thread they were. */
  private readonly exitedUnclaimed = new Map<number, ProcessState>();
  private readonly fileRanges = new FileRanges();

  /** For the strategy handlers: a read of [from, from + length) of a file; whether any of it was read before. */
  readRange(source: FdObject, from: number, length: number): boolean {
    return this.fileRanges.read(source.endpoint.path, from, length);
  }
  /** The threads that read payload last, most recent first, by thread group (only traces with CLONE_THREAD threads). */
  private readonly lastReaders = new Map<number, number[]>();
  private nextOrder = 0;

  constructor(readonly fds: FdTracker) {}

  /**
   * Every transfer, in the order they started; the builder lets go of them and of all its state,
   * so the caller can turn them into report records one by one without holding both at once.
   */
  drain(): TransferAccumulator[] {
    flushDanglingFeeds(this, this.feeds);
    for (const transfer of this.transfers.values()) this.finish(transfer);
    const all = [...this.mergeThreads(this.finished), ...this.folded.values()].sort((a, b) => a.order - b.order);
    this.transfers.clear();
    this.finished.length = 0;
    this.folded.clear();
    this.processes.clear();
    this.lastState = null;
    this.feeds.clear();
    return all;
  }

  /** For the strategy handlers: the process's state, created on first use. */
  state(pid: number): ProcessState {
    // Calls come in runs of one process: the last answer again, without a look-up.
    if (pid === this.lastPid && this.lastState !== null) return this.lastState;
    let state = this.processes.get(pid);
    if (state === undefined) {
      state = new ProcessState();
      this.processes.set(pid, state);
    }
    this.lastPid = pid;
    this.lastState = state;
    return state;
  }

  /** state()'s last answer; forgotten when a process's state goes. */
  private lastPid = -1;
  private lastState: ProcessState | null = null;

  /** For the strategy handlers: the process's state, if it has any yet. */
  existingState(pid: number): ProcessState | undefined {
    return this.processes.get(pid);
  }

  /** For the strategy handlers: whether strace printed no buffer bytes (-s 0), decided by the first write that tells. */
  printsNoBytes(event: SyscallEvent, spec: DataCallSpec): boolean {
    if (this.unprinted === null && event.argNames === null && spec.buf !== undefined) {
      // `write(4, ""..., 65536)` with bytes to write: only -s 0 prints so (in place when it can be read so).
      const inPlace = spec.buf[0] === 1 && event instanceof TraceSyscall ? event.secondStringStartsWith('"') : null;
      this.unprinted = inPlace ?? rawStringArg(event, spec.buf) === '';
    }
    return this.unprinted === true;
  }

  /** For the strategy handlers: a read of payload by `pid` (remembered per thread group, see readerBefore). */
  noteRead(pid: number): void {
    if (!this.fds.hasThreads) return;
    const group = this.fds.threadGroupOf(pid);
    let readers = this.lastReaders.get(group);
    if (readers === undefined) {
      readers = [];
      this.lastReaders.set(group, readers);
    }
    if (readers[0] === pid) return;
    const at = readers.indexOf(pid);
    if (at >= 0) readers.splice(at, 1);
    else if (readers.length >= MAX_RECENT_READERS) readers.pop();
    readers.unshift(pid);
  }

  /**
   * For the strategy handlers: the state of the other thread of `pid`'s process that read payload
   * last, if that was not `pid`: a goroutine (a pooled task) that read on one thread may write or
   * hit EOF on another, and its credit is over there.
   */
  readerBefore(pid: number): ProcessState | undefined {
    if (!this.fds.hasThreads) return undefined;
    const readers = this.lastReaders.get(this.fds.threadGroupOf(pid));
    const reader = readers?.[0];
    return reader === undefined || reader === pid ? undefined : this.processes.get(reader);
  }

  /**
   * For the strategy handlers: the states of the other threads of `pid`'s process that read payload
   * lately, most recent first. In a thread pool (libuv's, a Java executor) any thread may write what
   * any other read, and the reader is not always the latest one.
   */
  otherReaders(pid: number): readonly ProcessState[] {
    // Most traces have no threads: no array per write for them.
    if (!this.fds.hasThreads) return NO_STATES;
    const states: ProcessState[] = [];
    for (const reader of this.lastReaders.get(this.fds.threadGroupOf(pid)) ?? []) {
      const state = reader === pid ? undefined : this.processes.get(reader);
      if (state !== undefined) states.push(state);
    }
    return states;
  }

  /** perf --pf: a page fault, counted on the file mapping it hit (the transfer that writes from it takes it). */
  onFault(event: PageFaultEvent): void {
    onFault(this, event);
  }

  /** A clone's result named `tid`: if it is a thread that ended before, its process takes its unsent bytes. */
  adopt(tid: number): void {
    if (this.exitedUnclaimed.size === 0) return;
    const state = this.exitedUnclaimed.get(tid);
    if (state === undefined) return;
    this.exitedUnclaimed.delete(tid);
    const group = this.fds.threadGroupOf(tid);
    if (group === tid) return;
    // Its calls came before the clone result that shares its process's fd table: its objects are
    // copies made from their decorations. The process's own object of the same name is the one.
    const table = this.fds.tables.of(group);
    for (const credit of state.credits) {
      if (credit.remaining <= 0) continue;
      const key = endpointKey(credit.source.endpoint);
      for (const entry of table.entries.values()) {
        if (entry.object !== credit.source && endpointKey(entry.object.endpoint) === key) {
          credit.source = entry.object;
          break;
        }
      }
    }
    this.bequeath(state, group);
  }

  /**
   * A thread that ends with bytes it read and nobody sent yet (a worker that reads a file and is
   * joined): they are in the process's memory still, so its leader holds them now, where the
   * group's other threads look (as one of the group's recent readers).
   */
  private bequeath(state: ProcessState, leader: number): void {
    const waiting = state.credits.filter((credit) => credit.remaining > 0);
    if (waiting.length === 0) return;
    const heir = this.state(leader);
    for (const credit of waiting) {
      const same = heir.credits.find((c) => c.source === credit.source);
      if (same === undefined) heir.credits.push(credit);
      else mergeCredit(same, credit);
    }
    if (heir.credits.length > MAX_INHERITED_CREDITS) heir.credits.length = MAX_INHERITED_CREDITS;
    this.noteRead(leader);
  }

  /** Whether the process (or a thread of its group that read lately) holds read credits: a close need not be looked at otherwise. */
  hasCredits(pid: number): boolean {
    const state = this.processes.get(pid);
    if (state !== undefined && state.credits.length > 0) return true;
    return this.fds.hasThreads && (this.lastReaders.get(this.fds.threadGroupOf(pid))?.length ?? 0) > 0;
  }

  /**
   * Called before the fd tracker applies a close: credits of that object are marked closed, the
   * ones of the other threads that read lately too (threads share the fd table; libuv's pool opens,
   * reads and closes a file on three different threads).
   */
  onClose(pid: number, ref: { fd: number } | null): void {
    const object = ref !== null ? this.fds.tables.of(pid).get(ref.fd) : undefined;
    if (object === undefined) return;
    const state = this.processes.get(pid);
    if (state !== undefined) markClosed(state, object);
    for (const other of this.otherReaders(pid)) markClosed(other, object);
  }

  /** A process ended: its half-finished state can go, and its transfers are final. */
  exited(pid: number): void {
    const group = this.fds.threadGroupOf(pid);
    const readers = this.lastReaders.get(group);
    if (readers !== undefined) {
      const at = readers.indexOf(pid);
      if (at >= 0) readers.splice(at, 1);
      if (readers.length === 0) this.lastReaders.delete(group);
    }
    const state = this.processes.get(pid);
    if (state === undefined) return;
    this.processes.delete(pid);
    this.lastState = null;
    if (group !== pid) this.bequeath(state, group);
    else if (!this.fds.commands.has(pid) && state.credits.some((credit) => credit.remaining > 0)) {
      // A thread can end before strace prints the clone3 result that makes it one (`<... clone3
      // resumed> = 17039` after `17039 +++ exited`): its unsent bytes wait for that result (adopt).
      // Only a tid no clone result or execve named yet (those name every known process and thread):
      // the states kept hold their reads, and with them the parser's text.
      this.exitedUnclaimed.set(pid, state);
      if (this.exitedUnclaimed.size > MAX_EXITED_UNCLAIMED) this.exitedUnclaimed.delete(this.exitedUnclaimed.keys().next().value as number);
    }
    for (const transfer of state.transfers) {
      this.transfers.delete(transfer.key);
      this.finish(transfer);
    }
  }

  /**
   * One transfer per thread group: the parts of one copy that threads of one process made between
   * the same two objects (a goroutine moved to another thread mid-copy) are one transfer, under the
   * thread whose part came first. Objects are per open file description, so the copies of a thread
   * pool's threads (each its own descriptors) stay apart.
   */
  private mergeThreads(transfers: TransferAccumulator[]): TransferAccumulator[] {
    if (!this.fds.hasThreads) return transfers;
    const byShape = new Map<string, TransferAccumulator>();
    const merged: TransferAccumulator[] = [];
    for (const transfer of [...transfers].sort((a, b) => a.order - b.order)) {
      const shape = `${transfer.group}|${transfer.source.id}|${transfer.sink.id}|${transfer.strategy}`;
      const first = byShape.get(shape);
      if (first === undefined) {
        byShape.set(shape, transfer);
        merged.push(transfer);
      } else {
        first.mergeThread(transfer);
      }
    }
    return merged;
  }

  private finish(transfer: TransferAccumulator): void {
    if (this.fds.clone3Groups.size > 0 && this.fds.clone3Groups.has(transfer.group)) transfer.threadsInferred = true;
    if (this.finished.length < MAX_SEPARATE_TRANSFERS) {
      this.finished.push(transfer);
      return;
    }
    const source = transfer.source.endpoint;
    const shape = `${source.kind}:${source.kind === 'file' ? source.path : ''}|${transfer.sink.endpoint.kind}|${transfer.strategy}|${transfer.sourceWarm}`;
    const into = this.folded.get(shape);
    if (into === undefined) this.folded.set(shape, transfer);
    else into.absorb(transfer);
  }

  /** For the strategy handlers: the transfer of that shape, created (and handed its prelude) on first use. */
  transfer(pid: number, source: FdObject, sink: FdObject, strategy: Strategy, via?: Endpoint, bytesVisible = true, warm?: boolean): TransferAccumulator {
    // A copy loop hits the same transfer call after call: skip building its key.
    const state = this.state(pid);
    const last = state.lastTransfer;
    if (last !== null && last.source === source && last.sink === sink && last.strategy === strategy) return last;
    const key = `${pid}|${source.id}|${sink.id}|${strategy}`;
    let transfer = this.transfers.get(key);
    if (transfer === undefined) {
      // A named file (perf's late names too: a server sending one file again and again has it warm);
      // perf's placeholders (`fd 5`) stand for whatever files used that number.
      const sourceKey = source.endpoint.kind === 'file' && source.named ? source.endpoint.path : null;
      // Whether its first bytes were read before (file ranges), else whether the file was.
      const sourceWarm = warm ?? (sourceKey !== null && this.sourcesRead.has(sourceKey));
      if (sourceKey !== null) this.sourcesRead.add(sourceKey);
      transfer = new TransferAccumulator(this.nextOrder++, pid, source, sink, strategy, via, sourceWarm, bytesVisible);
      transfer.key = key;
      transfer.group = this.fds.threadGroupOf(pid);
      this.transfers.set(key, transfer);
      state.transfers.push(transfer);
      takePrelude(state, sink, transfer);
      // A header another thread of the process wrote (nginx with `aio threads`: the worker writes the
      // response header, a pool thread sends the file).
      for (const other of this.otherReaders(pid)) takePrelude(other, sink, transfer);
    }
    state.lastBySink.set(sink.id, transfer);
    state.lastBySource.set(source.id, transfer);
    state.lastTransfer = transfer;
    return transfer;
  }

  /** For the strategy handlers: whether the transfer of that shape exists already. */
  hasTransfer(pid: number, source: FdObject, sink: FdObject, strategy: Strategy): boolean {
    return this.transfers.has(`${pid}|${source.id}|${sink.id}|${strategy}`);
  }

  /** Whether onSyscall() acts on calls of this name (data calls and the cases of its switch). */
  static handles(name: string): boolean {
    return DATA_CALLS[name] !== undefined || OTHER_CALLS.has(name);
  }

  /** Feeds one syscall (after the fd tracker has applied it). */
  onSyscall(event: SyscallEvent): void {
    const spec = DATA_CALLS[event.name];
    if (spec !== undefined) {
      if (spec.class === 'read') onRead(this, event, spec);
      else onWrite(this, event, spec);
      return;
    }
    switch (event.name) {
      case 'sendfile':
      case 'sendfile64':
        onMover(this, event, [1, 'in_fd'], [0, 'out_fd'], 'sendfile', [2, 'offset']);
        return;
      case 'copy_file_range':
        onMover(this, event, [0, 'fd_in'], [2, 'fd_out'], 'copy_file_range', [1, 'off_in']);
        return;
      case 'tee':
        onMover(this, event, [0, 'fdin'], [1, 'fdout'], 'tee');
        return;
      case 'splice':
        onSplice(this, this.feeds, event);
        return;
      case 'vmsplice':
        onVmsplice(this, event);
        return;
      case 'mmap':
      case 'mmap2':
        onMmap(this, event);
        return;
      case 'munmap':
        onMunmap(this, event);
        return;
      case 'ioctl':
        onIoctl(this, event);
        return;
      case 'setsockopt':
        onSetsockopt(this, event);
        return;
      case 'io_uring_setup':
        onRingSetup(this, event);
        return;
      case 'io_uring_enter':
      case 'io_uring_register':
        onRingEnter(this, event);
        return;
      default:
        return;
    }
  }
}

function markClosed(state: ProcessState, object: FdObject): void {
  for (const credit of state.credits) if (credit.source === object) credit.closed = true;
}
