// MSG_ZEROCOPY's error queue: the completions a sender reads back with recvmsg(MSG_ERRQUEUE) say
// whether the kernel copied the bytes after all.

import type { SyscallEvent } from '../strace-parser/types';
import { argText, hasFlag } from './event-args';
import type { FdObject } from './fd-table';
import type { DataCallSpec } from './syscall-classes';
import type { TransferAccumulator } from './transfer';
import { resolveArg, type BuildContext, type ProcessState } from './transfer-state';

/** Whether this read-like call is a recvmsg(..., MSG_ERRQUEUE) (cheap text test first). */
export function isErrorQueueRead(event: SyscallEvent, spec: DataCallSpec): boolean {
  return event.name === 'recvmsg' && event.argText.includes('ERRQUEUE') && hasFlag(argText(event, spec.flags ?? [2, 'flags']), 'MSG_ERRQUEUE');
}

/** recvmsg(..., MSG_ERRQUEUE): MSG_ZEROCOPY completions say whether the kernel copied after all. */
export function onErrorQueue(ctx: BuildContext, event: SyscallEvent, state: ProcessState): void {
  const socket = resolveArg(ctx.fds, event, [0, 'fd']);
  if (socket === null) return;
  const transfer = state.lastBySink.get(socket.id) ?? lastDatagramTransfer(state, socket);
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

/** The latest transfer of datagrams sent from `socket` to an address (their sink is that address, not the socket). */
function lastDatagramTransfer(state: ProcessState, socket: FdObject): TransferAccumulator | undefined {
  for (let k = state.transfers.length - 1; k >= 0; k--) {
    const transfer = state.transfers[k];
    if (transfer !== undefined && transfer.sink.datagramOf === socket) return transfer;
  }
  return undefined;
}

const MSG_ZEROCOPY = 0x4000000;

/**
 * Whether a write-like call sends with MSG_ZEROCOPY (cheap text test first) on a socket where it
 * works: once setsockopt(SO_ZEROCOPY) failed on the socket, the kernel ignores the flag.
 */
export function isZerocopySend(event: SyscallEvent, spec: DataCallSpec, sink?: FdObject): boolean {
  if (spec.flags === undefined) return false;
  if (sink !== undefined && (sink.zerocopyRefused === true || sink.datagramOf?.zerocopyRefused === true)) return false;
  if (event.argText.includes('ZEROCOPY')) return hasFlag(argText(event, spec.flags), 'MSG_ZEROCOPY');
  // perf (and strace -X raw) print the flags as a number: MSG_ZEROCOPY is 0x4000000.
  if (event.argNames === null && !event.argText.includes('0x')) return false;
  const flags = argText(event, spec.flags)?.trim();
  return flags !== undefined && /^0x[0-9a-fA-F]+$/.test(flags) && (Number(flags) & MSG_ZEROCOPY) !== 0;
}
