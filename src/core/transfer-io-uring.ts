// io_uring rings: the submissions are invisible in the trace, so each ring is one transfer between
// endpoints guessed from the fd table, made of its setup, mmap, enter and register calls.

import type { SyscallEvent } from '../strace-parser/types';
import { CallGroup } from './call-group';
import { fdArg } from './event-args';
import type { FdObject } from './fd-table';
import type { TransferAccumulator } from './transfer';
import { isAncillary, type BuildContext } from './transfer-state';

export interface Ring {
  calls: CallGroup;
  transfer: TransferAccumulator | null;
}

/**
 * A ring is its fd's object (FdObject.ring), not its number: a ring closed and another set up on the
 * same number are two rings, a file that takes the number next is a file, and a thread that shares
 * the fd table uses the ring its process set up.
 */
export function onRingSetup(ctx: BuildContext, event: SyscallEvent): void {
  if (event.ret === null || event.ret < 0) return;
  const ring: Ring = { calls: new CallGroup(), transfer: null };
  ring.calls.add(event);
  const object = ctx.fds.tables.of(event.pid).get(event.ret);
  if (object !== undefined) object.ring = ring;
  ctx.state(event.pid).rings.push(ring);
}

/** The ring an io_uring_enter/register or an mmap of the ring names by its fd, if it is one. */
export function ringOf(ctx: BuildContext, event: SyscallEvent, fdIndex: number, fdName: string): Ring | undefined {
  const fd = fdArg(event, [fdIndex, fdName]);
  if (fd === null || fd.fd < 0) return undefined;
  return ctx.fds.tables.of(event.pid).get(fd.fd)?.ring;
}

/**
 * The submissions are invisible, so the ring's endpoints are taken from the process's fd table at
 * its first io_uring_enter: the newest file open for reading is the source, the newest open for
 * writing the sink (stated as an assumption in the report).
 */
export function onRingEnter(ctx: BuildContext, event: SyscallEvent): void {
  const state = ctx.state(event.pid);
  // A ring fd the trace never showed set up (attached later): the process's newest ring, if any.
  const ring = ringOf(ctx, event, 0, 'fd') ?? state.rings[state.rings.length - 1];
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
