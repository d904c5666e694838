// io_uring rings: the submissions are invisible in the trace, so each ring is one transfer between
// endpoints guessed from the fd table, made of its setup, mmap, enter and register calls.

import type { SyscallEvent } from '../strace-parser/types';
import { CallGroup } from './call-group';
import { fdArg } from './event-args';
import type { FdObject } from './fd-table';
import type { TransferAccumulator } from './transfer';
import { isAncillary, type BuildContext } from './transfer-state';

export interface Ring {
  fd: number;
  calls: CallGroup;
  transfer: TransferAccumulator | null;
}

export function onRingSetup(ctx: BuildContext, event: SyscallEvent): void {
  if (event.ret === null || event.ret < 0) return;
  const ring: Ring = { fd: event.ret, calls: new CallGroup(), transfer: null };
  ring.calls.add(event);
  ctx.state(event.pid).rings.push(ring);
}

/**
 * The submissions are invisible, so the ring's endpoints are taken from the process's fd table at
 * its first io_uring_enter: the newest file open for reading is the source, the newest open for
 * writing the sink (stated as an assumption in the report).
 */
export function onRingEnter(ctx: BuildContext, event: SyscallEvent): void {
  const state = ctx.state(event.pid);
  const fd = fdArg(event, [0, 'fd']);
  const ring = state.rings.find((r) => r.fd === fd?.fd) ?? state.rings[state.rings.length - 1];
  if (ring === undefined) return;
  if (ring.transfer === null) {
    const table = ctx.fds.tables.of(event.pid);
    let source: FdObject | null = null;
    let sink: FdObject | null = null;
    for (const [, entry] of table.entries) {
      const object = entry.object;
      if (object.endpoint.kind !== 'file' || isAncillary(object)) continue;
      if (object.access === 'read' && (source === null || object.id > source.id)) source = object;
      if ((object.access === 'write' || object.access === 'readwrite') && (sink === null || object.id > sink.id)) sink = object;
    }
    source ??= ctx.fds.tables.createObject({ kind: 'other', path: 'unknown (io_uring)' }, false, 'read', event.line);
    sink ??= ctx.fds.tables.createObject({ kind: 'other', path: 'unknown (io_uring)' }, false, 'write', event.line);
    ring.transfer = ctx.transfer(event.pid, source, sink, 'io_uring', undefined, false);
    ring.transfer.calls.absorb(ring.calls);
  }
  ring.transfer.calls.add(event);
}
