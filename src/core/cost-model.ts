// Copies per payload byte for each strategy and pair of endpoints (io-model.md, "Copies per byte").
// Every figure that rests on an assumption carries that assumption in words.

import { dmaCopiesOf, isSocketKind } from './endpoints';
import type { Endpoint, Strategy } from './report-types';

export interface CostSettings {
  /** sendfile to a socket costs no CPU copy when the NIC gathers (SG-DMA + checksum offload). */
  assumeGatherNic: boolean;
}

export interface CopyCost {
  cpu: number | null;
  dma: number | null;
  assumptions: string[];
}

export interface CostContext {
  /** The source file was already read earlier in this trace: its pages are in the page cache. */
  sourceWarm: boolean;
  /** MSG_ZEROCOPY completion: true = the kernel copied after all, false = no copy, null = no completion seen. */
  zerocopyCopied?: boolean | null;
  /** Fan-out: the bytes were read once and written to several sinks; the read (its copy and DMA) is counted in the first sink's transfer. */
  sharedRead?: boolean;
  /** The sink is a unix stream socket by the call that made it (without -yy, whose name says so). */
  sinkStream?: boolean;
  /** The source / the sink was opened with O_DIRECT: its device DMAs to or from the user buffer, no CPU copy on that side. */
  sourceDirect?: boolean;
  sinkDirect?: boolean;
}

/** Strategies that pass the bytes through a user buffer: a read into it, a write out of it. */
const THROUGH_USER_BUFFER: ReadonlySet<Strategy> = new Set(['read_write', 'pread_pwrite', 'readv_writev', 'recv_write']);

const GATHER_ASSUMPTION = 'NIC gathers (SG-DMA + checksum offload): sendfile hands only descriptors to the socket (setting iolens.assumeGatherNic)';
const NO_GATHER_ASSUMPTION = 'NIC does not gather: sendfile copies page cache -> socket buffer (setting iolens.assumeGatherNic is off)';

function cpuCopies(strategy: Strategy, source: Endpoint, sink: Endpoint, settings: CostSettings, context: CostContext, notes: string[]): number | null {
  switch (strategy) {
    case 'read_write':
    case 'pread_pwrite':
    case 'readv_writev':
    case 'recv_write':
      return 2;
    case 'mmap_write':
      return 1;
    case 'sendfile':
      if (sink.kind === 'pipe') {
        notes.push('sendfile into a pipe takes the kernel\'s splice path: the pipe holds page references, no copy');
        return 0;
      }
      if (sink.kind === 'unix') {
        // sendfile is splice through the kernel's own pipe; a unix stream socket takes spliced pages by
        // reference, as it does for splice itself (no NIC to gather: nothing to assume). A datagram or
        // seqpacket one (-yy: `UNIX:[...]`) copies them into its message, as does one whose type the
        // trace does not say (no -yy).
        if (sink.path.startsWith('UNIX-STREAM:') || context.sinkStream === true) {
          notes.push('sendfile into a unix stream socket: the socket takes the page references it is spliced, no copy (the reader copies them out)');
          return 0;
        }
        notes.push('sendfile into a unix socket not known to be a stream socket: its message copies the pages (page cache -> socket buffer)');
        return 1;
      }
      if (isSocketKind(sink.kind)) {
        notes.push(settings.assumeGatherNic ? GATHER_ASSUMPTION : NO_GATHER_ASSUMPTION);
        return settings.assumeGatherNic ? 0 : 1;
      }
      return 1;
    case 'splice':
      return sink.kind === 'file' ? 1 : 0;
    case 'copy_file_range':
      notes.push('copy_file_range counted as one in-kernel copy; it is 0 where the filesystem reflinks or the server copies (NFS), which the trace cannot tell');
      return 1;
    case 'vmsplice':
    case 'tee':
      return 0;
    case 'msg_zerocopy': {
      let copied = context.zerocopyCopied === true;
      if (context.zerocopyCopied === null && sink.loopback === true) {
        notes.push('loopback: the kernel copies MSG_ZEROCOPY sends to a local receiver (no completion read in the trace to say so)');
        copied = true;
      } else if (copied) {
        notes.push('MSG_ZEROCOPY completion reported SO_EE_CODE_ZEROCOPY_COPIED: the kernel copied the data after all');
      } else if (context.zerocopyCopied !== false) {
        notes.push('no MSG_ZEROCOPY completion seen in the trace: counted as not copied by the send');
      }
      // The read into the user buffer is a copy too when the data came from a file or socket.
      const read = source.kind === 'memory' ? 0 : 1;
      return read + (copied ? 1 : 0);
    }
    case 'io_uring':
      notes.push('io_uring submissions are invisible to strace: opcodes, bytes and copies cannot be known from the trace');
      return null;
  }
}

/** CPU and DMA copies per payload byte for one transfer. */
export function copiesPerByte(strategy: Strategy, source: Endpoint, sink: Endpoint, settings: CostSettings, context: CostContext): CopyCost {
  const assumptions: string[] = [];
  let cpu = cpuCopies(strategy, source, sink, settings, context, assumptions);
  if (cpu !== null && THROUGH_USER_BUFFER.has(strategy) && (context.sourceDirect === true || context.sinkDirect === true)) {
    const direct = (context.sourceDirect === true ? 1 : 0) + (context.sinkDirect === true ? 1 : 0);
    cpu = Math.max(0, cpu - direct);
    assumptions.push(`O_DIRECT on the ${direct === 2 ? 'source and the sink' : context.sourceDirect === true ? 'source' : 'sink'}: the device moves the data to and from the user buffer itself, no CPU copy and no page cache on that side`);
  }
  if (strategy === 'io_uring') return { cpu: null, dma: null, assumptions };
  let sourceDma = dmaCopiesOf(source);
  if (context.sharedRead === true) {
    assumptions.push('the same bytes were read once and also written to another sink (fan-out, like tee(1)): the read, its copy to user space and its DMA are counted in that transfer, not here');
    return { cpu: cpu !== null ? Math.max(0, cpu - 1) : null, dma: dmaCopiesOf(sink), assumptions };
  }
  if (source.kind === 'file' && source.inMemory !== true && context.sourceDirect !== true) {
    if (context.sourceWarm) {
      sourceDma = 0;
      assumptions.push('page cache warm: the same file was read earlier in this trace, so no disk DMA is counted');
    } else {
      assumptions.push('page cache cold: one disk DMA counted for the source file');
    }
  }
  if (source.inMemory === true || sink.inMemory === true) assumptions.push('file in /dev/shm (tmpfs): its pages are its storage, so no disk DMA is counted for it');
  if (source.storage === true || sink.storage === true) assumptions.push('block device: storage, one DMA counted for it like a file\'s disk');
  for (const endpoint of [source, sink]) {
    if ((endpoint.kind === 'tcp' || endpoint.kind === 'udp') && endpoint.loopback === true) {
      assumptions.push('loopback socket: no NIC, so no DMA is counted for it');
      break;
    }
  }
  for (const endpoint of [source, sink]) {
    if ((endpoint.kind === 'tcp' || endpoint.kind === 'udp') && endpoint.loopback !== true && !/\d/.test(endpoint.path)) {
      assumptions.push('a socket whose addresses the trace does not show (perf prints them as pointers): one NIC DMA counted for it, none if it is on loopback');
      break;
    }
  }
  return { cpu, dma: sourceDma + dmaCopiesOf(sink), assumptions };
}
