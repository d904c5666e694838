// The cheapest strategy the two endpoints allow, with what it would cost for the same bytes
// (io-model.md, "What the analyzer owes per transfer").

import { copiesPerByte, type CostSettings } from './cost-model';
import { isSocketKind } from './endpoints';
import type { Endpoint, Recommendation, Strategy } from './report-types';

/** Largest count one sendfile/copy_file_range call moves on Linux (0x7ffff000). */
const MAX_RW_COUNT = 0x7ffff000;
/** Default pipe capacity: what one splice through a pipe moves per call. */
const PIPE_CAPACITY = 65536;
/** Below this mean chunk size a copy loop pays more in mode switches than it needs to. */
const SMALL_CHUNK = 65536;
const LARGE_BUFFER = 1 << 20;

export interface CurrentCost {
  strategy: Strategy;
  source: Endpoint;
  sink: Endpoint;
  bytes: number | null;
  modeSwitches: number;
  cpuCopies: number | null;
  dmaCopies: number | null;
  /** Data calls (excluding EOF and failed attempts) and their mean size, for the small-chunk rule. */
  dataCalls: number;
  meanChunk: number;
  /** In-kernel strategies the program tried for these endpoints and the kernel refused. */
  refused?: readonly Strategy[];
  /** The source's bytes were in the page cache already (read before in the trace): so they would be for the recommendation too. */
  sourceWarm?: boolean;
  /** The sink was opened with O_APPEND: copy_file_range (EBADF), sendfile and splice (EINVAL) refuse it. */
  sinkAppends?: boolean;
  /** An end opened with O_DIRECT: the in-kernel ways would go through the page cache it avoids, with a CPU copy it does not pay. */
  direct?: boolean;
}

interface Candidate {
  strategy: Strategy | 'larger_buffers';
  calls: number;
  why: string;
  costAs: Strategy;
}

function candidateFor(current: CurrentCost, bytes: number): Candidate | null {
  const { source, sink } = current;
  if (current.sinkAppends === true || current.direct === true) return null;
  const socketSink = isSocketKind(sink.kind);
  if (source.kind === 'file' && socketSink) {
    return { strategy: 'sendfile', costAs: 'sendfile', calls: Math.max(1, Math.ceil(bytes / MAX_RW_COUNT)), why: 'file -> socket: sendfile moves the pages inside the kernel, no user buffer' };
  }
  if (source.kind === 'file' && sink.kind === 'file' && (source.inMemory === true) !== (sink.inMemory === true)) {
    return { strategy: 'sendfile', costAs: 'sendfile', calls: Math.max(1, Math.ceil(bytes / MAX_RW_COUNT)), why: 'file -> file across tmpfs and another filesystem, which copy_file_range cannot cross (EXDEV): sendfile copies inside the kernel' };
  }
  if (source.kind === 'file' && sink.kind === 'file') {
    return { strategy: 'copy_file_range', costAs: 'copy_file_range', calls: Math.max(1, Math.ceil(bytes / MAX_RW_COUNT)), why: 'file -> file: copy_file_range copies inside the kernel (or reflinks where the filesystem can)' };
  }
  if (isSocketKind(source.kind) && (sink.kind === 'file' || socketSink)) {
    return { strategy: 'splice', costAs: 'splice', calls: 2 * Math.max(1, Math.ceil(bytes / PIPE_CAPACITY)), why: `${source.kind} -> ${sink.kind}: splice through a pipe keeps the data in the kernel (two splices per ${PIPE_CAPACITY / 1024} KiB pipe load)` };
  }
  if ((source.kind === 'pipe' && (sink.kind === 'file' || socketSink)) || (source.kind === 'file' && sink.kind === 'pipe')) {
    return { strategy: 'splice', costAs: 'splice', calls: Math.max(1, Math.ceil(bytes / PIPE_CAPACITY)), why: `${source.kind} -> ${sink.kind}: one end is a pipe, so splice moves page references instead of bytes` };
  }
  if (source.kind === 'pipe' && sink.kind === 'pipe') {
    return { strategy: 'splice', costAs: 'splice', calls: Math.max(1, Math.ceil(bytes / PIPE_CAPACITY)), why: 'pipe -> pipe: splice moves the page references from one pipe to the other' };
  }
  if (source.kind === 'memory' && sink.kind === 'pipe') {
    return { strategy: 'vmsplice', costAs: 'vmsplice', calls: Math.max(1, Math.ceil(bytes / PIPE_CAPACITY)), why: 'memory -> pipe: vmsplice maps the user pages into the pipe' };
  }
  return null;
}

/** null when the transfer already uses the cheapest way its endpoints allow, with buffers large enough. */
export function recommend(current: CurrentCost, settings: CostSettings): Recommendation | null {
  if (current.bytes === null || current.bytes <= 0 || current.cpuCopies === null) return null;
  // Datagrams: each send is one message whose size the protocol sets; sendfile/splice into or out of
  // a UDP socket fail (EMSGSIZE, EDESTADDRREQ unconnected), and a larger buffer is no other message.
  if (current.source.kind === 'udp' || current.sink.kind === 'udp') return null;
  const bytes = current.bytes;
  const context = { sourceWarm: current.sourceWarm === true };
  const candidate = candidateFor(current, bytes);
  // What the kernel refused for these endpoints (copy_file_range into an O_APPEND file) is no advice.
  if (candidate !== null && candidate.strategy !== current.strategy && !(current.refused ?? []).includes(candidate.costAs)) {
    const cost = copiesPerByte(candidate.costAs, current.source, current.sink, settings, context);
    const modeSwitches = 2 * candidate.calls;
    const cpu = cost.cpu ?? 0;
    if (cpu < current.cpuCopies || modeSwitches < current.modeSwitches) {
      return { strategy: candidate.strategy, modeSwitches, copies: { cpu, dma: cost.dma ?? 0 }, why: candidate.why };
    }
  }
  if (current.dataCalls > 4 && current.meanChunk < SMALL_CHUNK && ['read_write', 'pread_pwrite', 'readv_writev', 'recv_write'].includes(current.strategy)) {
    const calls = 2 * Math.max(1, Math.ceil(bytes / LARGE_BUFFER)) + 1;
    if (2 * calls < current.modeSwitches) {
      // The same strategy with a larger buffer: the same copies per byte, fewer calls.
      return {
        strategy: 'larger_buffers',
        modeSwitches: 2 * calls,
        copies: { cpu: current.cpuCopies, dma: current.dmaCopies ?? 0 },
        why: `the copy loop moves ${Math.round(current.meanChunk)} bytes per call; a ${LARGE_BUFFER >> 20} MiB buffer needs ${calls} calls for the same bytes`,
      };
    }
  }
  return null;
}
