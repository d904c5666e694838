// What the transfer builder's strategy handlers share: the per-process reconstruction state, the
// view of the builder they create transfers through, and the fd lookups they all make.

import type { SyscallEvent } from '../strace-parser/types';
import { isAncillaryPath } from './endpoints';
import { fdArg } from './event-args';
import type { FdObject } from './fd-table';
import type { FdTracker } from './fd-tracker';
import type { Endpoint, Strategy } from './report-types';
import type { DataCallSpec } from './syscall-classes';
import type { TransferAccumulator } from './transfer';
import type { Credit } from './transfer-credits';
import type { Ring } from './transfer-io-uring';
import type { Mapping } from './transfer-mmap';
import type { Prelude } from './transfer-preludes';

/** Per-process (per printed pid/tid) reconstruction state. */
export class ProcessState {
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

/** The builder as its strategy handlers see it (TransferBuilder owns the state and the transfers). */
export interface BuildContext {
  readonly fds: FdTracker;
  /** The process's state, created on first use. */
  state(pid: number): ProcessState;
  /** The process's state, if it has any yet. */
  existingState(pid: number): ProcessState | undefined;
  /** The transfer of that shape, created (and handed its prelude) on first use. */
  transfer(pid: number, source: FdObject, sink: FdObject, strategy: Strategy, via?: Endpoint, bytesVisible?: boolean, warm?: boolean): TransferAccumulator;
  /** A read of [from, from + length) of a file; whether any of it was read before in the trace. */
  readRange(source: FdObject, from: number, length: number): boolean;
  /** Whether that transfer exists already. */
  hasTransfer(pid: number, source: FdObject, sink: FdObject, strategy: Strategy): boolean;
  /** A read of payload by `pid`. */
  noteRead(pid: number): void;
  /**
   * strace printed none of the trace's buffer bytes (-s 0), as far as its writes show: strace's -s holds
   * for a whole run, so the first write that tells decides (the others are not looked at).
   */
  printsNoBytes(event: SyscallEvent, spec: DataCallSpec): boolean;
  /** The state of the other thread of `pid`'s process that read payload last, if not `pid` itself. */
  readerBefore(pid: number): ProcessState | undefined;
  /** The states of the other threads of `pid`'s process that read payload lately, most recent first. */
  otherReaders(pid: number): readonly ProcessState[];
}

export function resolveArg(fds: FdTracker, event: SyscallEvent, ref: readonly [number, string]): FdObject | null {
  if (ref[0] === 0) {
    const known = fds.knownFirstArg(event);
    if (known !== undefined) return known;
  }
  return fds.resolve(event.pid, fdArg(event, ref), event.line);
}

/**
 * A name that is only perf's late-resolved hint cannot rule a file out (it may be another file's
 * name), unless the object's own calls showed it (hintOwn: `read(fd: 4</proc/meminfo>, ...)`).
 */
export function isAncillary(object: FdObject): boolean {
  const endpoint = object.endpoint;
  if (endpoint.kind !== 'file' || (object.hint === true && object.hintOwn !== true)) return false;
  if (object.judgedEndpoint !== endpoint) {
    object.judgedEndpoint = endpoint;
    object.ancillaryPath = isAncillaryPath(endpoint.path);
  }
  return object.ancillaryPath === true;
}

/**
 * An eventfd, timerfd, signalfd, inotify or other anonymous inode (not a ring: io_uring is handled
 * apart): reading or writing one passes an event, like the 8-byte counter a thread pool writes to
 * wake its loop, never payload. It is neither a transfer's source nor its sink.
 */
export function isNotification(object: FdObject): boolean {
  const endpoint = object.endpoint;
  return endpoint.kind === 'other' && endpoint.path.startsWith('anon_inode:') && endpoint.path !== 'anon_inode:[io_uring]';
}
