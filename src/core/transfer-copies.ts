// Read-like and write-like calls: a read adds to its source's credit; a write sends on a credit's
// bytes (read_write, pread_pwrite, readv_writev, recv_write, msg_zerocopy), else a mapping's
// (mmap_write), else the bytes a write just sent to another sink (fan-out), else waits as a
// prelude. Both run for every data call: plain code, no closures or intermediate arrays.

import type { SyscallEvent } from '../strace-parser/types';
import { argText, fdArg, movedBytes, positionArg } from './event-args';
import { datagramAddress } from './sockaddr';
import type { FdObject } from './fd-table';
import type { Strategy } from './report-types';
import type { DataCallSpec } from './syscall-classes';
import {
  bufferAddress, consume, consumeAll, findCredit, matchFanOut, pairStrategy, readWarm, recordRead, SHORT_WRITE, unsentStartsWithin, usable,
  type Credit, type CreditMatch,
} from './transfer-credits';
import { matchMapping } from './transfer-mmap';
import { memoryOf } from './transfer-movers';
import { addPrelude } from './transfer-preludes';
import { isAncillary, isNotification, resolveArg, type BuildContext, type ProcessState } from './transfer-state';
import { isErrorQueueRead, isZerocopySend, onErrorQueue } from './transfer-zerocopy';
import { matchSavedResponse } from './write-evidence';
import { drainsWakeUps, wakeUpByte } from './wake-ups';
import { matchCopyUnderWay, matchCredit, REPLY } from './write-match';

export function onRead(ctx: BuildContext, event: SyscallEvent, spec: DataCallSpec): void {
  const state = ctx.state(event.pid);
  state.seq++;
  if (isErrorQueueRead(event, spec)) {
    onErrorQueue(ctx, event, state);
    return;
  }
  const source = resolveArg(ctx.fds, event, spec.fd);
  if (source === null || isAncillary(source) || isNotification(source)) return;
  // An event loop draining the wake-ups it sent itself (asyncio's b'\0's): no bytes to send on.
  if (source.wakeUpByte !== undefined && drainsWakeUps(event, spec, source.wakeUpByte)) return;
  const credit = findCredit(state.credits, source);
  const bytes = (spec.messages === true ? movedBytes(event, true) : event.ret) ?? -1;
  if (bytes <= 0) {
    // EOF or a failed attempt: it belongs to the transfer this source feeds (maybe from another thread).
    if (!addToFedTransfer(state, credit, source, event)) {
      const before = ctx.readerBefore(event.pid);
      if (before !== undefined) addToFedTransfer(before, findCredit(before.credits, source), source, event);
    }
    return;
  }
  const offset = spec.positional === true ? positionArg(event, spec) : null;
  const readFrom = spec.positional !== true && followsPosition(source) ? (source.position ?? -1) : -1;
  recordRead(state.credits, credit, source, event, spec, bytes, fileRead(ctx, spec, source, bytes, offset), offset, readFrom);
  // A datagram's sender: a write back to it from the same socket is a reply (transfer-credits isOwnSource).
  if (spec.from !== undefined && source.endpoint.kind === 'udp') {
    const latest = state.credits[0];
    if (latest !== undefined) latest.peer = datagramAddress(argText(event, spec.from));
  }
  ctx.noteRead(event.pid);
}

/**
 * A read of a file: the range it read (its offset: pread's argument, else the file position, which it
 * moves on) and whether any of it was read before in the trace; null when the offset is unknown.
 */
function fileRead(ctx: BuildContext, spec: DataCallSpec, source: FdObject, bytes: number, positionalOffset: number | null): boolean | null {
  if (!followsPosition(source)) return null;
  if (spec.positional === true) return positionalOffset === null ? null : ctx.readRange(source, positionalOffset, bytes);
  const offset = source.position;
  if (offset === undefined) return null;
  source.position = offset + bytes;
  return ctx.readRange(source, offset, bytes);
}

/** A file the trace names for sure (not perf's `fd 4` placeholders or late hints, which two files share): its reads' offsets are followed. */
function followsPosition(source: FdObject): boolean {
  return source.endpoint.kind === 'file' && source.named && source.hint !== true;
}

/** Adds an EOF or failed read to the transfer its source feeds in `state`; false when there is none. */
function addToFedTransfer(state: ProcessState, credit: Credit | undefined, source: FdObject, event: SyscallEvent): boolean {
  const target = credit?.lastTransfer ?? state.lastBySource.get(source.id);
  if (target !== undefined && target !== null) target.calls.add(event);
  else if (credit !== undefined) credit.pending.add(event);
  else return false;
  return true;
}

export function onWrite(ctx: BuildContext, event: SyscallEvent, spec: DataCallSpec): void {
  const state = ctx.state(event.pid);
  const sink = sinkOf(ctx, event, spec);
  // Diagnostics on stderr and event counters are no data calls (a program that logs each chunk it fans out).
  if (sink === null || isNotification(sink)) return;
  state.seq++;
  const bytes = (spec.messages === true ? movedBytes(event, true) : event.ret) ?? -1;
  if (bytes <= 0) {
    const last = state.lastBySink.get(sink.id);
    if (last !== undefined) {
      last.calls.add(event);
      // The read whose bytes it failed to send (EPIPE: the reader went away) was a call of that transfer too.
      for (const credit of state.credits) if (credit.lastTransfer === last) last.calls.takeAll(credit.pending);
    } else addPrelude(state, sink, event);
    return;
  }
  // When other threads of the process hold unsent bytes too (a thread pool), this thread's own
  // credit needs evidence first: a pooled task often writes what another thread read.
  const others = ctx.otherReaders(event.pid);
  const pooled = holdBytes(others);
  // A short write into a pipe the process reads itself (a wake-up byte for its own event loop) sends
  // on a read only on evidence: where strace printed no more of that read, nothing shows it does.
  // Not once a copy into that pipe is under way (a forked child that kept the read end, threads that
  // hand each other lines through a pipe): its next short lines go on with it.
  const selfPipe = bytes <= SHORT_WRITE && ctx.fds.holdsReadEnd(event.pid, sink) && !copyInto(state.credits, sink);
  const readEnd = sink.readEnd?.object;
  if (selfPipe && readEnd !== undefined) {
    // A wake-up (Go's and asyncio's "\0", one byte, or a few alike): a file read that begins with the
    // same byte (zeros of a disk image, an MP4's size field) agrees with it but does not show it is sent.
    const wake = wakeUpByte(event, spec, bytes);
    if (wake !== null) {
      readEnd.wakeUpByte = wake;
      addPrelude(state, sink, event);
      return;
    }
  }
  // Data into it after all: its reads of that byte are data too.
  if (readEnd?.wakeUpByte !== undefined) readEnd.wakeUpByte = undefined;
  let own = matchCredit(event, spec, state.credits, sink, bytes, pooled || selfPipe);
  if (own === REPLY) return;
  if (own === null && selfPipe) {
    if (!sendFromOtherThread(ctx, others, event, spec, sink, bytes)) addPrelude(state, sink, event);
    return;
  }
  if (own === null && pooled) {
    if (sendFromOtherThread(ctx, others, event, spec, sink, bytes)) return;
    own = matchCredit(event, spec, state.credits, sink, bytes, false);
  }
  if (own !== null && own !== REPLY && own.onlyPart) {
    // A guess for part of the write (a small unsent read of this thread, like a script a runtime read):
    // another thread's read whose printed bytes this write shows beats it.
    if (sendFromOtherThread(ctx, others, event, spec, sink, bytes)) return;
    own = matchCredit(event, spec, state.credits, sink, bytes, false);
  }
  if (own === REPLY) return;
  if (own !== null) {
    own.credit.sentByOther = false;
    const sent = sendFromCredit(ctx, event, spec, own, sink);
    sendRest(ctx, state, others, event, spec, own, sink, bytes, sent);
    return;
  }
  const mapping = matchMapping(event, spec, state, sink);
  if (mapping !== null) {
    const isNew = !ctx.hasTransfer(event.pid, mapping.source, sink, 'mmap_write');
    const transfer = ctx.transfer(event.pid, mapping.source, sink, 'mmap_write', undefined, true, mapping.warm);
    // The pages it wrote are in the page cache now: a later transfer from the same mapping finds them.
    if (mapping.warm !== undefined) mapping.warm = true;
    if (isNew) transfer.calls.absorb(mapping.mmap);
    transfer.calls.add(event);
    transfer.addPayload(bytes);
    // The faults the kernel took reading the mapping for this write (perf prints them before it).
    transfer.pageFaults += mapping.faults;
    transfer.pageFaultsInCalls += mapping.faultsInCalls;
    mapping.faults = 0;
    mapping.faultsInCalls = 0;
    return;
  }
  if (sendFromOtherThread(ctx, others, event, spec, sink, bytes)) return;
  const fannedOut = matchFanOut(event, spec, state.credits, sink, bytes, state.seq);
  if (fannedOut !== null) {
    const transfer = ctx.transfer(event.pid, fannedOut.source, sink, pairStrategy(fannedOut.kind, spec, fannedOut.source, sink));
    transfer.sharedRead = true;
    transfer.calls.add(event);
    transfer.addPayload(bytes);
    return;
  }
  // MSG_ZEROCOPY sends of bytes the process made itself (a cache in memory, the kernel's selftest):
  // user memory pinned and sent, a transfer from memory.
  if (isZerocopySend(event, spec, sink)) {
    const transfer = ctx.transfer(event.pid, memoryOf(ctx, event), sink, 'msg_zerocopy');
    transfer.calls.add(event);
    transfer.addPayload(bytes);
    return;
  }
  // The process reads through an io_uring ring (invisible) and writes what it read with plain calls.
  for (const ring of state.rings) {
    if (ring.transfer !== null && ring.transfer.sink === sink) {
      ring.transfer.calls.add(event);
      ring.transfer.plainWriteBytes += bytes;
      return;
    }
  }
  addPrelude(state, sink, event);
}

/**
 * Bytes another thread of the process read (the copy moved threads between its read and its write,
 * or a pool's threads take turns), on evidence only: the same printed bytes or buffer address.
 * Threads that each read and write their own, and a reply that matches nothing there, stay apart.
 * Where no thread's bytes show it, two cases with evidence of another kind (write-match, write-evidence): a
 * copy loop under way, another thread's source whose bytes already go to this sink (an HTTP body
 * received with chunked encoding: its chunk-size lines, read and not written, hide where a write
 * starts in a read); and a client's first write of a response's body into a file opened after
 * another thread read it behind its header.
 */
function sendFromOtherThread(ctx: BuildContext, others: readonly ProcessState[], event: SyscallEvent, spec: DataCallSpec, sink: FdObject, bytes: number): boolean {
  for (const other of others) {
    const moved = matchCredit(event, spec, other.credits, sink, bytes, true);
    // The write sends that thread's bytes back where they came from: a reply, handled.
    if (moved === REPLY) return true;
    if (moved !== null) return sendMoved(ctx, others, event, spec, moved, sink, bytes);
  }
  for (const other of others) {
    const moved = matchCopyUnderWay(event, spec, other.credits, sink, bytes);
    if (moved !== null) return sendMoved(ctx, others, event, spec, moved, sink, bytes);
  }
  const saved = matchSavedResponse(event, spec, others, sink, bytes);
  if (saved !== null) return sendMoved(ctx, others, event, spec, saved, sink, bytes);
  return false;
}

/** The write sends on the credit another thread holds (sendFromOtherThread found it): always true. */
function sendMoved(ctx: BuildContext, others: readonly ProcessState[], event: SyscallEvent, spec: DataCallSpec, moved: CreditMatch, sink: FdObject, bytes: number): boolean {
  moved.credit.sentByOther = true;
  const sent = sendFromCredit(ctx, event, spec, moved, sink);
  sendRest(ctx, ctx.state(event.pid), others, event, spec, moved, sink, bytes, sent);
  return true;
}

/**
 * A write larger than the credit it was matched with carries more than that source's bytes: a program
 * that reads two files and writes them out in one write, tar's 10 KiB records that end one file and
 * start the next, Node's readFile whose two parts two pool threads read. The rest of its bytes are
 * the whole unsent bytes of other sources in the order they were read (this thread's read after the
 * first, then other threads' of the same source), as far as they fit; what fits none (a header the
 * program made) is no one's. The write itself is counted once, in the first transfer; these get its
 * bytes only.
 */
function sendRest(ctx: BuildContext, state: ProcessState, others: readonly ProcessState[], event: SyscallEvent, spec: DataCallSpec, firstMatch: CreditMatch, sink: FdObject, bytes: number, sent: number): void {
  // The iovecs before the matched one are a header the program made, not another source's bytes.
  let rest = bytes - sent - firstMatch.header;
  const first = firstMatch.credit;
  if (rest <= 0) return;
  // perf prints where the write's bytes are: another source's bytes are in it only if they were read there.
  const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
  const window: RestWindow = address === null ? null : [address + sent, address + bytes];
  // This thread's sources read after the first one (credits are kept most recent first): what it read
  // before (a runtime's start-up files) is not what it writes behind the first source's bytes.
  for (let k = state.credits.indexOf(first) - 1; k >= 0 && rest > 0; k--) {
    const credit = state.credits[k];
    if (fitsWhole(credit, sink, rest, window)) rest -= sendWhole(ctx, event, spec, credit, sink);
  }
  for (const other of others) {
    for (let k = other.credits.length - 1; k >= 0 && rest > 0; k--) {
      const credit = other.credits[k];
      if (credit !== first && credit.source === first.source && fitsWhole(credit, sink, rest, window)) rest -= sendWhole(ctx, event, spec, credit, sink);
    }
  }
}

/** perf: the addresses of the rest of a write, [from, to); null under strace (no addresses). */
type RestWindow = readonly [number, number] | null;

/** Whether all of the credit's unsent bytes fit in `rest` bytes of a write to `sink` (perf: and were read into `window`). */
function fitsWhole(credit: Credit, sink: FdObject, rest: number, window: RestWindow): boolean {
  if (credit.remaining <= 0 || credit.remaining > rest || !usable(credit, sink)) return false;
  return window === null || unsentStartsWithin(credit, window[0], window[1]);
}

/** Sends all of the credit's unsent bytes on (the write is counted in another transfer); returns how many. */
function sendWhole(ctx: BuildContext, event: SyscallEvent, spec: DataCallSpec, credit: Credit, sink: FdObject): number {
  const sent = credit.remaining;
  const transfer = ctx.transfer(event.pid, credit.source, sink, pairStrategy(credit.kind, spec, credit.source, sink), undefined, true, readWarm(credit, 0));
  transfer.calls.takeAll(credit.pending);
  transfer.addPayload(sent);
  transfer.sharedWrite = true;
  transfer.pairedUnprinted ||= ctx.printsNoBytes(event, spec);
  consumeAll(credit, sink);
  credit.lastTransfer = transfer;
  return sent;
}

/** Whether any of these threads holds unsent read bytes. */
function holdBytes(states: readonly ProcessState[]): boolean {
  for (const state of states) {
    for (const credit of state.credits) if (credit.remaining > 0) return true;
  }
  return false;
}

/** The write sends on the matched bytes of a credit: the transfer from its source takes both. Returns how many. */
function sendFromCredit(ctx: BuildContext, event: SyscallEvent, spec: DataCallSpec, match: CreditMatch, sink: FdObject): number {
  const { credit, bytes: matched } = match;
  const flagged = isZerocopySend(event, spec);
  const zerocopy = flagged && isZerocopySend(event, spec, sink);
  const strategy: Strategy = zerocopy ? 'msg_zerocopy' : pairStrategy(credit.kind, spec, credit.source, sink);
  const transfer = ctx.transfer(event.pid, credit.source, sink, strategy, undefined, true, readWarm(credit, match.fromRead));
  if (flagged && !zerocopy) transfer.zerocopyIgnored = true;
  transfer.pairedUnprinted ||= ctx.printsNoBytes(event, spec);
  transfer.calls.takeAll(credit.pending);
  transfer.calls.add(event);
  transfer.addPayload(matched);
  consume(match, sink, ctx.state(event.pid).seq);
  credit.lastTransfer = transfer;
  return matched;
}

/**
 * The object a write sends to; null for stderr: the program's diagnostics (a request log, a progress
 * line), never payload. A datagram sent on an unconnected UDP socket goes where the call says.
 */
function sinkOf(ctx: BuildContext, event: SyscallEvent, spec: DataCallSpec): FdObject | null {
  let sink: FdObject | null | undefined = spec.fd[0] === 0 ? ctx.fds.knownFirstArg(event, 2) : undefined;
  if (sink === undefined) {
    const sinkRef = fdArg(event, spec.fd);
    if (sinkRef === null || sinkRef.fd === 2) return null;
    sink = ctx.fds.resolve(event.pid, sinkRef, event.line);
  }
  if (sink !== null && spec.to !== undefined && sink.endpoint.kind === 'udp') return ctx.fds.datagramPeer(sink, argText(event, spec.to), event.line) ?? sink;
  return sink;
}

/** A credit of the process already sends its bytes into `sink` and has more unsent: a copy under way. */
function copyInto(credits: Credit[], sink: FdObject): boolean {
  for (const c of credits) if (c.remaining > 0 && c.lastTransfer !== null && c.lastTransfer.sink === sink) return true;
  return false;
}
