// Rebuilds data transfers (source -> sink) from the call stream, for the twelve strategies of
// io-model.md. It sees each syscall once, in trace order, and keeps only small per-process state:
// read "credits" waiting for the write that sends their bytes on, file mappings, pipe feeds,
// io_uring rings, and unpaired calls that may still join the transfer they preceded.

import type { SyscallEvent } from '../strace-parser/types';
import { parseFdArg, parseIntLoose } from '../strace-parser/args';
import { CallGroup } from './call-group';
import { isAncillaryPath, isSocketKind } from './endpoints';
import { argText, fdArg, hasFlag, intArg, rawQuoted, rawStringArg } from './event-args';
import type { FdObject } from './fd-table';
import type { FdTracker } from './fd-tracker';
import { DATA_CALLS, type DataCallSpec } from './syscall-classes';
import { TransferAccumulator } from './transfer';
import type { Endpoint, Strategy } from './report-types';

/** How many distinct sources with unsent bytes a process may hold before the oldest is forgotten. */
const MAX_CREDITS = 8;
/** A prelude (unpaired write, failed attempt, SO_ZEROCOPY) joins a transfer that starts within this many data calls. */
const PRELUDE_REACH = 3;
/**
 * Finished transfers kept one by one; past this, a finished transfer is folded into one record per
 * shape (source, sink kind, strategy), so memory stays bounded on traces of millions of transfers.
 */
export const MAX_SEPARATE_TRANSFERS = 5000;
/** Shortest printed buffer prefix that counts as evidence that a write sends a read's bytes. */
const MIN_PREFIX_EVIDENCE = 4;

type ReadKind = 'plain' | 'positional' | 'vectored' | 'socket';

/** Bytes read from `source` that no write has sent on yet. */
interface Credit {
  source: FdObject;
  remaining: number;
  kind: ReadKind;
  /** The latest read, whose printed buffer prefix (strace -s) is read only when two sources compete. */
  lastRead: SyscallEvent | null;
  /** The spec of `lastRead`'s call. */
  lastReadSpec: DataCallSpec | null;
  /** perf: the latest read's buffer address range. */
  bufferStart: number | null;
  bufferEnd: number;
  /** A write has drawn from this credit: it is a transfer's source, not a stray read. */
  confirmed: boolean;
  /** The source's fd was closed after the read (the bytes may still sit in a user buffer). */
  closed: boolean;
  /** Reads not yet given to a transfer (they join the one their bytes go to). */
  pending: CallGroup;
  lastTransfer: TransferAccumulator | null;
}

interface Mapping {
  address: number;
  length: number;
  source: FdObject;
  /** The mmap call itself, counted once in each transfer that writes from the mapping. */
  mmap: CallGroup;
}

interface PipeFeed {
  source: FdObject;
  pending: CallGroup;
  transfer: TransferAccumulator | null;
  pid: number;
  pipe: FdObject;
}

interface Prelude {
  calls: CallGroup;
  seq: number;
}

interface Ring {
  fd: number;
  calls: CallGroup;
  transfer: TransferAccumulator | null;
}

/** Per-process (per printed pid/tid) reconstruction state. */
class ProcessState {
  credits: Credit[] = [];
  mappings: Mapping[] = [];
  readonly preludes = new Map<number, Prelude>();
  readonly lastBySink = new Map<number, TransferAccumulator>();
  readonly lastBySource = new Map<number, TransferAccumulator>();
  readonly rings: Ring[] = [];
  memory: FdObject | null = null;
  /** Counts data calls, to age preludes. */
  seq = 0;
  /** This process's transfers, finished when it exits. */
  readonly transfers: TransferAccumulator[] = [];
  /** The transfer the previous data call went to. */
  lastTransfer: TransferAccumulator | null = null;
}

const MEMORY_ENDPOINT: Endpoint = { kind: 'memory', path: 'user buffer' };

function pairStrategy(kind: ReadKind, write: DataCallSpec, source: FdObject, sink: FdObject): Strategy {
  if (isSocketKind(source.endpoint.kind) && (sink.endpoint.kind === 'file' || sink.endpoint.kind === 'dev')) return 'recv_write';
  if (kind === 'vectored' && write.vectored === true) return 'readv_writev';
  if (kind === 'positional' && write.positional === true && write.vectored !== true) return 'pread_pwrite';
  return 'read_write';
}

function readKindOf(spec: DataCallSpec, source: FdObject): ReadKind {
  if (spec.socketCall === true || isSocketKind(source.endpoint.kind)) return 'socket';
  if (spec.vectored === true) return 'vectored';
  if (spec.positional === true) return 'positional';
  return 'plain';
}

/** perf prints buffers as addresses (`buf: 0x7ffd3f4c9348`); strace prints contents. */
function bufferAddress(text: string | undefined): number | null {
  if (text === undefined || !text.startsWith('0x')) return null;
  return parseIntLoose(text);
}

/** Printed iovec prefixes of a vectored write: `[{iov_base="HTTP..."..., iov_len=254}, {iov_base="\220"..., iov_len=32768}]`. */
function iovecPrefixes(text: string | undefined): Array<{ prefix: string; length: number }> {
  if (text === undefined || !text.startsWith('[')) return [];
  const result: Array<{ prefix: string; length: number }> = [];
  const pattern = /iov_base=("(?:[^"\\]|\\.)*")(?:\.\.\.)?, iov_len=(\d+)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    result.push({ prefix: rawQuoted(match[1] ?? '""'), length: Number(match[2]) });
  }
  return result;
}

/** The printed buffer of the credit's latest read, when no write has drawn from it yet. */
function creditPrefix(credit: Credit): string | null {
  const read = credit.lastRead;
  const spec = credit.lastReadSpec;
  if (read === null || spec === null) return null;
  if (spec.buf !== undefined) return rawStringArg(read, spec.buf);
  if (spec.iov !== undefined) return iovecPrefixes(argText(read, spec.iov))[0]?.prefix ?? null;
  return null;
}

/** mmap flags of a read-only mapping of a file's data (not the loader's: no PROT_EXEC, no MAP_DENYWRITE/MAP_FIXED). */
function isFileDataMapping(event: SyscallEvent): boolean {
  const prot = argText(event, [2, 'prot']);
  const flags = argText(event, [3, 'flags']);
  return hasFlag(prot, 'PROT_READ') && !hasFlag(prot, 'PROT_EXEC') && !hasFlag(flags, 'MAP_DENYWRITE') && !hasFlag(flags, 'MAP_FIXED') && !hasFlag(flags, 'MAP_ANONYMOUS');
}

/** A credit a write to `sink` may draw from: unsent bytes, from another descriptor and another path. */
function usable(c: Credit, sink: FdObject): boolean {
  return c.remaining > 0 && c.source !== sink && c.source.endpoint.path !== sink.endpoint.path;
}

function prefixesAgree(a: string | null, b: string): boolean {
  if (a === null) return false;
  const n = Math.min(a.length, b.length);
  if (n < MIN_PREFIX_EVIDENCE) return false;
  return a.slice(0, n) === b.slice(0, n);
}

/** The calls besides DATA_CALLS that onSyscall() handles (its switch). */
const OTHER_CALLS = new Set([
  'sendfile', 'sendfile64', 'copy_file_range', 'tee', 'splice', 'vmsplice', 'mmap', 'mmap2', 'munmap', 'ioctl', 'setsockopt',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
]);

export interface BuilderSettings {
  /** Called once per new transfer, in trace order. */
  onTransfer?: (transfer: TransferAccumulator) => void;
}

export class TransferBuilder {
  private readonly processes = new Map<number, ProcessState>();
  /** Transfers of processes still running, by pid|source|sink|strategy. */
  private readonly transfers = new Map<string, TransferAccumulator>();
  /** Transfers of processes that exited. */
  private readonly finished: TransferAccumulator[] = [];
  /** Past MAX_SEPARATE_TRANSFERS: finished transfers folded by shape. */
  private readonly folded = new Map<string, TransferAccumulator>();
  private readonly feeds = new Map<string, PipeFeed>();
  private readonly sourcesRead = new Set<string>();
  private nextOrder = 0;

  constructor(private readonly fds: FdTracker) {}

  /**
   * Every transfer, in the order they started; the builder lets go of them and of all its state,
   * so the caller can turn them into report records one by one without holding both at once.
   */
  drain(): TransferAccumulator[] {
    this.flushDanglingFeeds();
    for (const transfer of this.transfers.values()) this.finish(transfer);
    const all = [...this.finished, ...this.folded.values()].sort((a, b) => a.order - b.order);
    this.transfers.clear();
    this.finished.length = 0;
    this.folded.clear();
    this.processes.clear();
    this.feeds.clear();
    return all;
  }

  private state(pid: number): ProcessState {
    let state = this.processes.get(pid);
    if (state === undefined) {
      state = new ProcessState();
      this.processes.set(pid, state);
    }
    return state;
  }

  /** Called before the fd tracker applies a close: credits of that object are marked closed. */
  onClose(pid: number, fdText: string): void {
    const state = this.processes.get(pid);
    if (state === undefined || state.credits.length === 0) return;
    const ref = parseFdArg(fdText);
    const object = ref !== null ? this.fds.tables.of(pid).get(ref.fd) : undefined;
    for (const credit of state.credits) if (credit.source === object) credit.closed = true;
  }

  /** A process ended: its half-finished state can go, and its transfers are final. */
  exited(pid: number): void {
    const state = this.processes.get(pid);
    if (state === undefined) return;
    this.processes.delete(pid);
    for (const transfer of state.transfers) {
      this.transfers.delete(transfer.key);
      this.finish(transfer);
    }
  }

  private finish(transfer: TransferAccumulator): void {
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

  private transfer(pid: number, source: FdObject, sink: FdObject, strategy: Strategy, via?: Endpoint, bytesVisible = true): TransferAccumulator {
    // A copy loop hits the same transfer call after call: skip building its key.
    const state = this.state(pid);
    const last = state.lastTransfer;
    if (last !== null && last.source === source && last.sink === sink && last.strategy === strategy) return last;
    const key = `${pid}|${source.id}|${sink.id}|${strategy}`;
    let transfer = this.transfers.get(key);
    if (transfer === undefined) {
      const sourceKey = source.endpoint.kind === 'file' ? source.endpoint.path : null;
      const warm = sourceKey !== null && this.sourcesRead.has(sourceKey);
      if (sourceKey !== null) this.sourcesRead.add(sourceKey);
      transfer = new TransferAccumulator(this.nextOrder++, pid, source, sink, strategy, via, warm, bytesVisible);
      transfer.key = key;
      this.transfers.set(key, transfer);
      state.transfers.push(transfer);
      this.takePrelude(state, sink, transfer);
    }
    state.lastBySink.set(sink.id, transfer);
    state.lastBySource.set(source.id, transfer);
    state.lastTransfer = transfer;
    return transfer;
  }

  private takePrelude(state: ProcessState, sink: FdObject, transfer: TransferAccumulator): void {
    const prelude = state.preludes.get(sink.id);
    if (prelude === undefined) return;
    state.preludes.delete(sink.id);
    if (state.seq - prelude.seq <= PRELUDE_REACH) transfer.calls.absorb(prelude.calls);
  }

  private addPrelude(state: ProcessState, sink: FdObject, event: SyscallEvent): void {
    let prelude = state.preludes.get(sink.id);
    if (prelude === undefined || state.seq - prelude.seq > PRELUDE_REACH) {
      prelude = { calls: new CallGroup(), seq: state.seq };
      state.preludes.set(sink.id, prelude);
    }
    prelude.calls.add(event);
    prelude.seq = state.seq;
  }

  private resolve(event: SyscallEvent, ref: readonly [number, string]): FdObject | null {
    return this.fds.resolve(event.pid, fdArg(event, ref), event.line);
  }

  /** Whether onSyscall() acts on calls of this name (data calls and the cases of its switch). */
  static handles(name: string): boolean {
    return DATA_CALLS[name] !== undefined || OTHER_CALLS.has(name);
  }

  /** Feeds one syscall (after the fd tracker has applied it). */
  onSyscall(event: SyscallEvent): void {
    const spec = DATA_CALLS[event.name];
    if (spec !== undefined) {
      if (spec.class === 'read') this.onRead(event, spec);
      else this.onWrite(event, spec);
      return;
    }
    switch (event.name) {
      case 'sendfile':
      case 'sendfile64':
        this.onMover(event, [1, 'in_fd'], [0, 'out_fd'], 'sendfile');
        return;
      case 'copy_file_range':
        this.onMover(event, [0, 'fd_in'], [2, 'fd_out'], 'copy_file_range');
        return;
      case 'tee':
        this.onMover(event, [0, 'fdin'], [1, 'fdout'], 'tee');
        return;
      case 'splice':
        this.onSplice(event);
        return;
      case 'vmsplice':
        this.onVmsplice(event);
        return;
      case 'mmap':
      case 'mmap2':
        this.onMmap(event);
        return;
      case 'munmap':
        this.onMunmap(event);
        return;
      case 'ioctl':
        this.onIoctl(event);
        return;
      case 'setsockopt':
        this.onSetsockopt(event);
        return;
      case 'io_uring_setup':
        this.onRingSetup(event);
        return;
      case 'io_uring_enter':
      case 'io_uring_register':
        this.onRingEnter(event);
        return;
      default:
        return;
    }
  }

  // ---- read-like calls -------------------------------------------------------------------

  private onRead(event: SyscallEvent, spec: DataCallSpec): void {
    const state = this.state(event.pid);
    state.seq++;
    if (event.name === 'recvmsg' && event.argText.includes('ERRQUEUE') && hasFlag(argText(event, spec.flags ?? [2, 'flags']), 'MSG_ERRQUEUE')) {
      this.onErrorQueue(event, state);
      return;
    }
    const source = this.resolve(event, spec.fd);
    if (source === null || this.isAncillary(source)) return;
    let credit: Credit | undefined;
    for (const c of state.credits) {
      if (c.source === source) {
        credit = c;
        break;
      }
    }
    const bytes = event.ret ?? -1;
    if (bytes <= 0) {
      // EOF or a failed attempt: it belongs to the transfer this source feeds.
      const target = credit?.lastTransfer ?? state.lastBySource.get(source.id);
      if (target !== undefined && target !== null) target.calls.add(event);
      else if (credit !== undefined) credit.pending.add(event);
      return;
    }
    if (credit === undefined) {
      credit = { source, remaining: 0, kind: readKindOf(spec, source), lastRead: null, lastReadSpec: null, bufferStart: null, bufferEnd: 0, confirmed: false, closed: false, pending: new CallGroup(), lastTransfer: null };
      state.credits.unshift(credit);
      if (state.credits.length > MAX_CREDITS) state.credits.pop();
    } else if (state.credits[0] !== credit) {
      state.credits.splice(state.credits.indexOf(credit), 1);
      state.credits.unshift(credit);
    }
    credit.remaining += bytes;
    credit.pending.add(event);
    credit.lastRead = event;
    credit.lastReadSpec = spec;
    const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
    credit.bufferStart = address;
    credit.bufferEnd = address !== null ? address + bytes : 0;
  }

  /** A name that is only perf's late-resolved hint cannot rule a file out (it may be another file's name). */
  private isAncillary(object: FdObject): boolean {
    return object.endpoint.kind === 'file' && object.hint !== true && isAncillaryPath(object.endpoint.path);
  }

  // ---- write-like calls ------------------------------------------------------------------

  private onWrite(event: SyscallEvent, spec: DataCallSpec): void {
    const state = this.state(event.pid);
    state.seq++;
    const sinkRef = fdArg(event, spec.fd);
    // Writes to stderr are the program's diagnostics (a request log, a progress line), never payload.
    if (sinkRef === null || sinkRef.fd === 2) return;
    const sink = this.fds.resolve(event.pid, sinkRef, event.line);
    if (sink === null) return;
    const bytes = event.ret ?? -1;
    if (bytes <= 0) {
      const last = state.lastBySink.get(sink.id);
      if (last !== undefined) last.calls.add(event);
      else this.addPrelude(state, sink, event);
      return;
    }
    const zerocopy = spec.flags !== undefined && event.argText.includes('ZEROCOPY') && hasFlag(argText(event, spec.flags), 'MSG_ZEROCOPY');
    const credit = this.matchCredit(event, spec, state, sink, bytes);
    if (credit !== null) {
      const matched = this.matched;
      const strategy: Strategy = zerocopy ? 'msg_zerocopy' : pairStrategy(credit.kind, spec, credit.source, sink);
      const transfer = this.transfer(event.pid, credit.source, sink, strategy);
      transfer.calls.absorb(credit.pending);
      credit.pending = new CallGroup();
      transfer.calls.add(event);
      transfer.addPayload(matched);
      credit.remaining -= matched;
      credit.confirmed = true;
      credit.lastRead = null;
      credit.lastReadSpec = null;
      credit.lastTransfer = transfer;
      return;
    }
    const mapping = this.matchMapping(event, spec, state, sink);
    if (mapping !== null) {
      const isNew = !this.transfers.has(`${event.pid}|${mapping.source.id}|${sink.id}|mmap_write`);
      const transfer = this.transfer(event.pid, mapping.source, sink, 'mmap_write');
      if (isNew) transfer.calls.absorb(mapping.mmap);
      transfer.calls.add(event);
      transfer.addPayload(bytes);
      return;
    }
    this.addPrelude(state, sink, event);
  }

  /**
   * Which read's bytes this write sends on, in order of evidence: the same buffer address (perf),
   * the same printed prefix (strace -s), then the most recent source with enough unsent bytes,
   * then the most recent with any. Data is never paired with the descriptor it came from (that is
   * a reply, like an HTTP response to its request), nor with the loader's or a runtime's reads.
   */
  private matchCredit(event: SyscallEvent, spec: DataCallSpec, state: ProcessState, sink: FdObject, bytes: number): Credit | null {
    // Runs for every write: plain loops, no intermediate arrays or closures; the byte count goes to this.matched.
    const credits = state.credits;
    let count = 0;
    let only: Credit | null = null;
    for (const c of credits) {
      if (usable(c, sink)) {
        count++;
        only = c;
      }
    }
    if (only === null) return null;
    const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
    if (address !== null) {
      for (const c of credits) {
        if (usable(c, sink) && c.bufferStart !== null && address >= c.bufferStart && address < c.bufferEnd) return this.match(c, Math.min(bytes, c.remaining));
      }
    }
    // Printed contents decide between competing sources, confirm a source whose fd is already closed,
    // and find the payload iovec of a gathering write (a header iovec before it is not payload).
    // One open candidate needs no evidence (the common case: skip reading the buffers).
    const needsEvidence = count > 1 || (only.closed && !only.confirmed);
    if (spec.buf !== undefined && needsEvidence) {
      const printed = rawStringArg(event, spec.buf);
      if (printed !== null) {
        for (const c of credits) {
          if (usable(c, sink) && prefixesAgree(creditPrefix(c), printed)) return this.match(c, Math.min(bytes, c.remaining));
        }
      }
    } else if (spec.iov !== undefined) {
      let headerBytes = 0;
      for (const iovec of iovecPrefixes(argText(event, spec.iov))) {
        for (const c of credits) {
          if (usable(c, sink) && prefixesAgree(creditPrefix(c), iovec.prefix)) return this.match(c, Math.min(bytes - headerBytes, c.remaining));
        }
        headerBytes += iovec.length;
      }
    }
    // Without evidence, a source whose fd is already closed only counts once a write has drawn from it.
    let partial: Credit | null = null;
    for (const c of credits) {
      if (!usable(c, sink) || (c.closed && !c.confirmed)) continue;
      if (c.remaining >= bytes) return this.match(c, bytes);
      partial ??= c;
    }
    return partial !== null ? this.match(partial, Math.min(bytes, partial.remaining)) : null;
  }

  /** matchCredit's second result: how many of the write's bytes the credit it returned covers. */
  private matched = 0;

  private match(credit: Credit, matched: number): Credit {
    this.matched = matched;
    return credit;
  }

  private matchMapping(event: SyscallEvent, spec: DataCallSpec, state: ProcessState, sink: FdObject): Mapping | null {
    if (state.mappings.length === 0) return null;
    const address = spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
    const candidates = state.mappings.filter((m) => m.source !== sink);
    if (address !== null) return candidates.find((m) => address >= m.address && address < m.address + m.length) ?? null;
    return candidates[candidates.length - 1] ?? null;
  }

  // ---- in-kernel movers ------------------------------------------------------------------

  private onMover(event: SyscallEvent, sourceRef: readonly [number, string], sinkRef: readonly [number, string], strategy: Strategy): void {
    const state = this.state(event.pid);
    state.seq++;
    const source = this.resolve(event, sourceRef);
    const sink = this.resolve(event, sinkRef);
    if (source === null || sink === null) return;
    const transfer = this.transfer(event.pid, source, sink, strategy);
    transfer.calls.add(event);
    if (event.ret !== null && event.ret > 0) transfer.addPayload(event.ret);
  }

  /** splice(in, off_in, out, off_out, len, flags): file -> pipe -> socket is one transfer via the pipe. */
  private onSplice(event: SyscallEvent): void {
    const state = this.state(event.pid);
    state.seq++;
    const input = this.resolve(event, [0, 'fd_in']);
    const output = this.resolve(event, [2, 'fd_out']);
    if (input === null || output === null) return;
    const bytes = event.ret ?? -1;
    const inputIsPipe = input.endpoint.kind === 'pipe';
    const outputIsPipe = output.endpoint.kind === 'pipe';
    if (outputIsPipe && !inputIsPipe) {
      const key = `${event.pid}|${output.endpoint.path}`;
      let feed = this.feeds.get(key);
      if (feed === undefined || feed.source !== input) {
        if (feed !== undefined) this.flushFeed(feed);
        feed = { source: input, pending: new CallGroup(), transfer: null, pid: event.pid, pipe: output };
        this.feeds.set(key, feed);
      }
      if (feed.transfer !== null) feed.transfer.calls.add(event);
      else feed.pending.add(event);
      return;
    }
    if (inputIsPipe && !outputIsPipe) {
      const feed = this.feeds.get(`${event.pid}|${input.endpoint.path}`);
      if (feed !== undefined) {
        const transfer = this.transfer(event.pid, feed.source, output, 'splice', input.endpoint);
        if (feed.pending.calls > 0) {
          transfer.calls.absorb(feed.pending);
          feed.pending = new CallGroup();
        }
        feed.transfer = transfer;
        transfer.calls.add(event);
        if (bytes > 0) transfer.addPayload(bytes);
        return;
      }
    }
    const transfer = this.transfer(event.pid, input, output, 'splice');
    transfer.calls.add(event);
    if (bytes > 0) transfer.addPayload(bytes);
  }

  /** A pipe fed by splice but drained by nobody in the trace (another process read it): file -> pipe. */
  private flushFeed(feed: PipeFeed): void {
    if (feed.transfer !== null || feed.pending.calls === 0) return;
    const transfer = this.transfer(feed.pid, feed.source, feed.pipe, 'splice');
    transfer.calls.absorb(feed.pending);
    feed.pending = new CallGroup();
  }

  private flushDanglingFeeds(): void {
    for (const feed of this.feeds.values()) this.flushFeed(feed);
  }

  private onVmsplice(event: SyscallEvent): void {
    const state = this.state(event.pid);
    state.seq++;
    const pipe = this.resolve(event, [0, 'fd']);
    if (pipe === null) return;
    state.memory ??= this.fds.tables.createObject(MEMORY_ENDPOINT, true, 'read', event.line);
    const transfer = this.transfer(event.pid, state.memory, pipe, 'vmsplice');
    transfer.calls.add(event);
    if (event.ret !== null && event.ret > 0) transfer.addPayload(event.ret);
  }

  // ---- mmap ------------------------------------------------------------------------------

  /** A read-only mapping of a data file (not the loader's: no PROT_EXEC, no MAP_DENYWRITE/MAP_FIXED). */
  private onMmap(event: SyscallEvent): void {
    if (event.ret === null || event.errno !== null) return;
    // Most mmaps are anonymous (malloc, stacks): skip them before splitting their arguments.
    if (event.argText.includes('ANONYMOUS')) return;
    // A process without an io_uring ring: the loader's mappings are ruled out by their flags before
    // the fd argument (the 5th) is split off.
    const mayBeRing = (this.processes.get(event.pid)?.rings.length ?? 0) > 0;
    if (!mayBeRing && !isFileDataMapping(event)) return;
    const fdRef = fdArg(event, [4, 'fd']);
    if (fdRef === null || fdRef.fd < 0) return;
    const state = this.state(event.pid);
    for (const ring of state.rings) {
      if (ring.fd === fdRef.fd) {
        ring.calls.add(event);
        return;
      }
    }
    if (mayBeRing && !isFileDataMapping(event)) return;
    const source = this.fds.resolve(event.pid, fdRef, event.line);
    if (source === null || source.endpoint.kind !== 'file' || this.isAncillary(source)) return;
    const length = intArg(event, [1, 'len']) ?? 0;
    const address = event.resultText !== null ? parseIntLoose(event.resultText.split(' ')[0] ?? '') : null;
    const mmap = new CallGroup();
    mmap.add(event);
    state.mappings.push({ address: address ?? 0, length, source, mmap });
  }

  private onMunmap(event: SyscallEvent): void {
    const state = this.processes.get(event.pid);
    if (state === undefined || state.mappings.length === 0) return;
    const address = intArg(event, [0, 'addr']);
    state.mappings = state.mappings.filter((m) => m.address !== address);
  }

  // ---- failed attempts and options that belong to the transfer that follows -----------------

  /** cp tries `ioctl(out, FICLONE, in)` before copy_file_range: a failed attempt of the same transfer. */
  private onIoctl(event: SyscallEvent): void {
    const request = argText(event, [1, 'cmd']) ?? '';
    // perf prints the request decoded as _IOW('\x94', 9, int): `(WRITE, 0x94, 0x9, 0x4)`.
    if (!/FICLONE|BTRFS_IOC_CLONE|0x40049409|\(WRITE, 0x94, 0x9, 0x4\)/.test(request)) return;
    const sink = this.resolve(event, [0, 'fd']);
    if (sink !== null) this.addPrelude(this.state(event.pid), sink, event);
  }

  private onSetsockopt(event: SyscallEvent): void {
    if (!/SO_ZEROCOPY/.test(event.argText)) return;
    const socket = this.resolve(event, [0, 'fd']);
    if (socket !== null) this.addPrelude(this.state(event.pid), socket, event);
  }

  /** recvmsg(..., MSG_ERRQUEUE): MSG_ZEROCOPY completions say whether the kernel copied after all. */
  private onErrorQueue(event: SyscallEvent, state: ProcessState): void {
    const socket = this.resolve(event, [0, 'fd']);
    if (socket === null) return;
    const transfer = state.lastBySink.get(socket.id);
    if (transfer === undefined || transfer.strategy !== 'msg_zerocopy') return;
    transfer.calls.add(event);
    const text = event.argText;
    // SO_EE_ORIGIN_ZEROCOPY = 5; ee_code bit SO_EE_CODE_ZEROCOPY_COPIED = 1.
    const pattern = /ee_origin=(\d+|SO_EE_ORIGIN_ZEROCOPY)[^}]*?ee_code=(\d+|SO_EE_CODE_ZEROCOPY_COPIED)/g;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const origin = match[1] === 'SO_EE_ORIGIN_ZEROCOPY' ? 5 : Number(match[1]);
      if (origin !== 5) continue;
      const code = match[2] === 'SO_EE_CODE_ZEROCOPY_COPIED' ? 1 : Number(match[2]);
      if ((code & 1) === 1) transfer.zerocopyCopied = true;
      else if (transfer.zerocopyCopied === null) transfer.zerocopyCopied = false;
    }
  }

  // ---- io_uring --------------------------------------------------------------------------

  private onRingSetup(event: SyscallEvent): void {
    if (event.ret === null || event.ret < 0) return;
    const ring: Ring = { fd: event.ret, calls: new CallGroup(), transfer: null };
    ring.calls.add(event);
    this.state(event.pid).rings.push(ring);
  }

  /**
   * The submissions are invisible, so the ring's endpoints are taken from the process's fd table at
   * its first io_uring_enter: the newest file open for reading is the source, the newest open for
   * writing the sink (stated as an assumption in the report).
   */
  private onRingEnter(event: SyscallEvent): void {
    const state = this.state(event.pid);
    const fd = fdArg(event, [0, 'fd']);
    const ring = state.rings.find((r) => r.fd === fd?.fd) ?? state.rings[state.rings.length - 1];
    if (ring === undefined) return;
    if (ring.transfer === null) {
      const table = this.fds.tables.of(event.pid);
      let source: FdObject | null = null;
      let sink: FdObject | null = null;
      for (const [, entry] of table.entries) {
        const object = entry.object;
        if (object.endpoint.kind !== 'file' || this.isAncillary(object)) continue;
        if (object.access === 'read' && (source === null || object.id > source.id)) source = object;
        if ((object.access === 'write' || object.access === 'readwrite') && (sink === null || object.id > sink.id)) sink = object;
      }
      source ??= this.fds.tables.createObject({ kind: 'other', path: 'unknown (io_uring)' }, false, 'read', event.line);
      sink ??= this.fds.tables.createObject({ kind: 'other', path: 'unknown (io_uring)' }, false, 'write', event.line);
      ring.transfer = this.transfer(event.pid, source, sink, 'io_uring', undefined, false);
      ring.transfer.calls.absorb(ring.calls);
    }
    ring.transfer.calls.add(event);
  }
}
