// Turns accumulated transfers into the report's Transfer records: cost model, recommendation,
// totals. Pure function of the accumulators and the settings.

import { copiesPerByte, type CostSettings } from './cost-model';
import { recommend } from './recommend';
import type { Transfer } from './report-types';
import type { TransferAccumulator } from './transfer';

/** Calls that carried no payload (EOF reads, failed attempts, headers) are not chunks. */
function toTransfer(accumulator: TransferAccumulator, index: number, settings: CostSettings): Transfer {
  const source = accumulator.source.endpoint;
  const sink = accumulator.sink.endpoint;
  const direct = { sourceDirect: accumulator.source.direct === true, sinkDirect: accumulator.sink.direct === true };
  const context = { sourceWarm: accumulator.sourceWarm, zerocopyCopied: accumulator.zerocopyCopied, sharedRead: accumulator.sharedRead, sinkStream: accumulator.sink.stream === true, ...direct };
  const cost = copiesPerByte(accumulator.strategy, source, sink, settings, context);
  const calls = accumulator.calls;
  // perf --pf: page faults on a mapping are kernel entries too (io-model.md: added, and shown apart).
  const userFaults = accumulator.pageFaults - accumulator.pageFaultsInCalls;
  const modeSwitches = 2 * calls.calls + 2 * userFaults;
  const bytes = accumulator.bytesVisible ? accumulator.bytes : null;
  const cpuBytesCopied = bytes !== null && cost.cpu !== null ? bytes * cost.cpu : null;
  const chunks = accumulator.chunks.stats();
  const assumptions = [...cost.assumptions];
  if (accumulator.source.hint === true || accumulator.sink.hint === true) {
    assumptions.push('a file name comes from perf trace, which prints fd names as it resolves them later: it can be the name of another file that used the same fd number');
  }
  if (!accumulator.source.named || !accumulator.sink.named) assumptions.push('an endpoint was not named by the trace (no -y decoration and no open/socket call seen for its fd)');
  if (userFaults > 0) assumptions.push(`mode switches include ${userFaults} page faults on the mapping that perf --pf showed, taken in user mode, 2 each (strace cannot see them)`);
  if (accumulator.pageFaultsInCalls > 0) assumptions.push(`${accumulator.pageFaultsInCalls} page faults on the mapping were taken inside calls (the kernel copying from it): counted in pageFaults, no mode switch`);
  if (accumulator.zerocopyIgnored) assumptions.push('its sends ask for MSG_ZEROCOPY, but setsockopt(SO_ZEROCOPY) failed on the socket, so the kernel ignored the flag and copied as usual');
  if (accumulator.threadsInferred) {
    assumptions.push('perf trace prints clone3\'s flags as a pointer: this process\'s clone3 children are taken for threads sharing its descriptors (no execve and no change of descriptors before the clone returned, unlike a posix_spawn child)');
  }
  if (accumulator.pairedUnprinted) assumptions.push('strace printed none of the bytes written (-s 0): reads and writes are paired by their order and byte counts alone, nothing shows that the bytes written are the ones read');
  if (accumulator.sharedWrite) assumptions.push('some of its bytes went out in a write that also carried another source\'s bytes: that write is counted in the other transfer');
  if (accumulator.refused !== null) assumptions.push(`the program tried ${accumulator.refused.join(', ')} first and the kernel refused it (the failed call is counted here); it is not recommended`);
  if (accumulator.strategy === 'io_uring') assumptions.push('endpoints taken from the files the process had open for reading and for writing at its first io_uring_enter');
  if (accumulator.plainWriteBytes > 0) assumptions.push(`plain writes to the sink sent ${accumulator.plainWriteBytes} bytes the ring had read (counted in its calls; the ring's own transfers stay invisible)`);
  const transfer: Transfer = {
    id: `t${index + 1}`,
    pid: accumulator.pid,
    source: direct.sourceDirect ? { ...source, direct: true } : { ...source },
    sink: direct.sinkDirect ? { ...sink, direct: true } : { ...sink },
    strategy: accumulator.strategy,
    bytes,
    syscalls: { ...calls.syscalls },
    modeSwitches,
    copies: { cpu: cost.cpu, dma: cost.dma },
    cpuBytesCopied,
    durationUs: calls.durationUs(),
    startTime: calls.firstTime,
    lines: [calls.firstLine, calls.lastLine],
    fileIndex: calls.fileIndex,
    assumptions,
    recommendation: recommend(
      {
        strategy: accumulator.strategy,
        source,
        sink,
        bytes,
        modeSwitches,
        cpuCopies: cost.cpu,
        dmaCopies: cost.dma,
        dataCalls: chunks?.count ?? 0,
        meanChunk: chunks?.mean ?? 0,
        refused: accumulator.refused ?? [],
        sourceWarm: accumulator.sourceWarm,
        sinkAppends: accumulator.sink.append === true,
        direct: direct.sourceDirect || direct.sinkDirect,
      },
      settings,
    ),
  };
  if (accumulator.via !== undefined) transfer.via = { ...accumulator.via };
  if (accumulator.instances > 1) {
    transfer.instances = accumulator.instances;
    transfer.pids = [...accumulator.pids];
    assumptions.push(`stands for ${accumulator.instances} transfers of the same shape, merged to keep memory bounded on a large trace (figures are their sums)`);
  }
  if (chunks !== undefined) transfer.chunks = chunks;
  if (accumulator.pageFaults > 0) transfer.pageFaults = accumulator.pageFaults;
  if (calls.frames !== null && calls.frames.size > 0) transfer.frames = [...calls.frames];
  return transfer;
}

/** Converts and releases each accumulator in turn, so the two forms never all live at once (large traces). */
export function buildTransfers(accumulators: Array<TransferAccumulator | undefined>, settings: CostSettings): Transfer[] {
  const transfers: Transfer[] = [];
  for (let index = 0; index < accumulators.length; index++) {
    const accumulator = accumulators[index];
    if (accumulator === undefined) continue;
    transfers.push(toTransfer(accumulator, index, settings));
    accumulators[index] = undefined;
  }
  return transfers;
}
