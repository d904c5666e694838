// In-kernel movers (sendfile, copy_file_range, tee, splice) and user memory spliced into a pipe
// (vmsplice); a splice into a pipe is a "feed" that joins the splice draining that pipe.

import type { SyscallEvent } from '../strace-parser/types';
import { CallGroup } from './call-group';
import type { FdObject } from './fd-table';
import type { Endpoint, Strategy } from './report-types';
import { ChunkAccumulator, type TransferAccumulator } from './transfer';
import { argText } from './event-args';
import { addPrelude } from './transfer-preludes';
import { resolveArg, type BuildContext } from './transfer-state';

/** A pipe fed by splice, by `pid|pipe path`, waiting for the splice that drains it. */
export interface PipeFeed {
  source: FdObject;
  pending: CallGroup;
  /** The bytes of the pending splices (counted on the draining side once a splice drains the pipe). */
  pendingChunks: ChunkAccumulator;
  transfer: TransferAccumulator | null;
  pid: number;
  pipe: FdObject;
}

const MEMORY_ENDPOINT: Endpoint = { kind: 'memory', path: 'user buffer' };

/** The process's own memory as a source (bytes it made itself, not read from anywhere). */
export function memoryOf(ctx: BuildContext, event: SyscallEvent): FdObject {
  const state = ctx.state(event.pid);
  state.memory ??= ctx.fds.tables.createObject(MEMORY_ENDPOINT, true, 'read', event.line);
  return state.memory;
}

export function onMover(ctx: BuildContext, event: SyscallEvent, sourceRef: readonly [number, string], sinkRef: readonly [number, string], strategy: Strategy, offsetRef?: readonly [number, string]): void {
  const state = ctx.state(event.pid);
  state.seq++;
  const source = resolveArg(ctx.fds, event, sourceRef);
  const sink = resolveArg(ctx.fds, event, sinkRef);
  if (source === null || sink === null) return;
  const warm = offsetRef !== undefined && event.ret !== null && event.ret > 0 ? moverRead(ctx, event, source, offsetRef, event.ret) : null;
  if (firstAttemptWithoutBytes(ctx, event, source, sink, strategy, true)) return;
  const transfer = ctx.transfer(event.pid, source, sink, strategy, undefined, true, warm ?? undefined);
  transfer.calls.add(event);
  if (event.ret !== null && event.ret > 0) transfer.addPayload(event.ret);
}

/**
 * The file range an in-kernel mover read (sendfile's and copy_file_range's offset argument:
 * `[0] => [65536]`, or NULL for the file position, which it moves on) and whether any of it was
 * read before; null when unknown (perf prints the offset as a pointer).
 */
function moverRead(ctx: BuildContext, event: SyscallEvent, source: FdObject, offsetRef: readonly [number, string], bytes: number): boolean | null {
  if (source.endpoint.kind !== 'file' || !source.named || source.hint === true || event.argNames !== null) return null;
  const text = argText(event, offsetRef);
  if (text === undefined) return null;
  if (text === 'NULL') {
    const offset = source.position;
    if (offset === undefined) return null;
    source.position = offset + bytes;
    return ctx.readRange(source, offset, bytes);
  }
  const offset = /^\[(\d+)\]/.exec(text)?.[1];
  return offset === undefined ? null : ctx.readRange(source, Number(offset), bytes);
}

/**
 * A first attempt that moved nothing is no transfer of its own: the kernel refused the pair
 * (copy_file_range: EXDEV across filesystems, EBADF into an O_APPEND file, EINVAL into a pipe;
 * splice between two files) and the program falls back to another way, or (`emptyToo`) there was
 * nothing to copy. It belongs to the transfer that follows to the same sink, which must not be
 * advised to do what just failed. True when the call was made such a prelude.
 */
function firstAttemptWithoutBytes(ctx: BuildContext, event: SyscallEvent, source: FdObject, sink: FdObject, strategy: Strategy, emptyToo: boolean): boolean {
  const ret = event.ret;
  if (ret === null || ret > 0 || (ret === 0 && !emptyToo) || ctx.hasTransfer(event.pid, source, sink, strategy)) return false;
  addPrelude(ctx.state(event.pid), sink, event, ret < 0 && !RETRYABLE.has(event.errno ?? '') ? strategy : null);
  return true;
}

/** Errors that say "not now" rather than "not this way". */
const RETRYABLE = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR', 'ERESTARTSYS', 'ERESTARTNOINTR', 'ERESTARTNOHAND', 'ERESTART_RESTARTBLOCK']);

/** splice(in, off_in, out, off_out, len, flags): file -> pipe -> socket is one transfer via the pipe. */
export function onSplice(ctx: BuildContext, feeds: Map<string, PipeFeed>, event: SyscallEvent): void {
  const state = ctx.state(event.pid);
  state.seq++;
  const input = resolveArg(ctx.fds, event, [0, 'fd_in']);
  const output = resolveArg(ctx.fds, event, [2, 'fd_out']);
  if (input === null || output === null) return;
  const bytes = event.ret ?? -1;
  const inputIsPipe = input.endpoint.kind === 'pipe';
  const outputIsPipe = output.endpoint.kind === 'pipe';
  if (outputIsPipe && !inputIsPipe) {
    const key = `${event.pid}|${output.endpoint.path}`;
    let feed = feeds.get(key);
    if (feed === undefined || feed.source !== input) {
      if (feed !== undefined) flushFeed(ctx, feed);
      feed = { source: input, pending: new CallGroup(), pendingChunks: new ChunkAccumulator(), transfer: null, pid: event.pid, pipe: output };
      feeds.set(key, feed);
    }
    if (feed.transfer !== null) feed.transfer.calls.add(event);
    else {
      feed.pending.add(event);
      if (bytes > 0) feed.pendingChunks.add(bytes);
    }
    return;
  }
  if (inputIsPipe && !outputIsPipe) {
    const feed = feeds.get(`${event.pid}|${input.endpoint.path}`);
    if (feed !== undefined) {
      const transfer = ctx.transfer(event.pid, feed.source, output, 'splice', input.endpoint);
      if (feed.pending.calls > 0) {
        transfer.calls.takeAll(feed.pending);
      }
      feed.transfer = transfer;
      transfer.calls.add(event);
      if (bytes > 0) transfer.addPayload(bytes);
      return;
    }
  }
  // A splice file -> file the kernel refused (neither end a pipe: EINVAL; pv tries it first).
  if (firstAttemptWithoutBytes(ctx, event, input, output, 'splice', false)) return;
  const transfer = ctx.transfer(event.pid, input, output, 'splice');
  transfer.calls.add(event);
  if (bytes > 0) transfer.addPayload(bytes);
}

/** A pipe fed by splice but drained by nobody in the trace (another process read it): file -> pipe. */
function flushFeed(ctx: BuildContext, feed: PipeFeed): void {
  if (feed.transfer !== null || feed.pending.calls === 0) return;
  const transfer = ctx.transfer(feed.pid, feed.source, feed.pipe, 'splice');
  transfer.calls.takeAll(feed.pending);
  transfer.bytes += feed.pendingChunks.sum;
  transfer.chunks.absorb(feed.pendingChunks);
}

export function flushDanglingFeeds(ctx: BuildContext, feeds: Map<string, PipeFeed>): void {
  for (const feed of feeds.values()) flushFeed(ctx, feed);
}

export function onVmsplice(ctx: BuildContext, event: SyscallEvent): void {
  const state = ctx.state(event.pid);
  state.seq++;
  const pipe = resolveArg(ctx.fds, event, [0, 'fd']);
  if (pipe === null) return;
  const transfer = ctx.transfer(event.pid, memoryOf(ctx, event), pipe, 'vmsplice');
  transfer.calls.add(event);
  if (event.ret !== null && event.ret > 0) transfer.addPayload(event.ret);
}
