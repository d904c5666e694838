// Preludes: unpaired calls (a write nothing was read for, a failed attempt, a FICLONE try,
// SO_ZEROCOPY) kept per sink until the transfer they precede starts, within PRELUDE_REACH data calls.

import type { SyscallEvent } from '../strace-parser/types';
import { CallGroup } from './call-group';
import { argText } from './event-args';
import type { FdObject } from './fd-table';
import type { Strategy } from './report-types';
import type { TransferAccumulator } from './transfer';
import { resolveArg, type BuildContext, type ProcessState } from './transfer-state';

/** A prelude (unpaired write, failed attempt, SO_ZEROCOPY) joins a transfer that starts within this many data calls. */
const PRELUDE_REACH = 3;

export interface Prelude {
  calls: CallGroup;
  seq: number;
  /** Strategies the kernel refused for this sink (a failed copy_file_range): not to be recommended. */
  refused: Strategy[] | null;
}

/** A new transfer to `sink` takes the calls that preceded it, if they are recent enough. */
export function takePrelude(state: ProcessState, sink: FdObject, transfer: TransferAccumulator): void {
  // A datagram's sink is the address it goes to: setsockopt and failed sends name its socket.
  if (sink.datagramOf !== undefined) takePrelude(state, sink.datagramOf, transfer);
  const prelude = state.preludes.get(sink.id);
  if (prelude === undefined) return;
  state.preludes.delete(sink.id);
  if (state.seq - prelude.seq > PRELUDE_REACH) return;
  transfer.calls.absorb(prelude.calls);
  if (prelude.refused !== null) for (const strategy of prelude.refused) transfer.refuse(strategy);
}

export function addPrelude(state: ProcessState, sink: FdObject, event: SyscallEvent, refused: Strategy | null = null): void {
  let prelude = state.preludes.get(sink.id);
  if (prelude === undefined || state.seq - prelude.seq > PRELUDE_REACH) {
    prelude = { calls: new CallGroup(), seq: state.seq, refused: null };
    state.preludes.set(sink.id, prelude);
  }
  prelude.calls.add(event);
  prelude.seq = state.seq;
  if (refused !== null) (prelude.refused ??= []).push(refused);
}

// ---- failed attempts and options that belong to the transfer that follows -----------------

/** cp tries `ioctl(out, FICLONE, in)` before copy_file_range: a failed attempt of the same transfer. */
export function onIoctl(ctx: BuildContext, event: SyscallEvent): void {
  const request = argText(event, [1, 'cmd']) ?? '';
  // perf prints the request decoded as _IOW('\x94', 9, int): `(WRITE, 0x94, 0x9, 0x4)`.
  if (!/FICLONE|BTRFS_IOC_CLONE|0x40049409|\(WRITE, 0x94, 0x9, 0x4\)/.test(request)) return;
  const sink = resolveArg(ctx.fds, event, [0, 'fd']);
  if (sink !== null) addPrelude(ctx.state(event.pid), sink, event);
}

export function onSetsockopt(ctx: BuildContext, event: SyscallEvent): void {
  // perf (and strace -X raw) print the option as its number: SOL_SOCKET (1), SO_ZEROCOPY (60).
  if (!/SO_ZEROCOPY|level: 1, optname: 60\b|^\s*\d+[^,]*, (?:0x)?1, (?:0x3c|60),/.test(event.argText)) return;
  const socket = resolveArg(ctx.fds, event, [0, 'fd']);
  if (socket === null) return;
  addPrelude(ctx.state(event.pid), socket, event);
  // Refused (an AF_UNIX socket): the kernel then ignores MSG_ZEROCOPY on its sends, which copy as usual.
  if (event.ret !== null && event.ret < 0) socket.zerocopyRefused = true;
}
