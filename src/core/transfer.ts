// One transfer being accumulated: the calls that made it, its bytes and chunk sizes.

import { CallGroup } from './call-group';
import type { FdObject } from './fd-table';
import type { ChunkStats, Endpoint, Strategy } from './report-types';

export class ChunkAccumulator {
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;
  readonly log2Histogram: Record<string, number> = {};

  add(size: number): void {
    this.count++;
    if (size < this.min) this.min = size;
    if (size > this.max) this.max = size;
    this.sum += size;
    // floor(log2(size)), exact for integers; clz32 only below 2^31 (it reads 32 bits).
    const bucket = size <= 0 ? 0 : size < 0x80000000 ? 31 - Math.clz32(size) : Math.floor(Math.log2(size));
    this.log2Histogram[bucket] = (this.log2Histogram[bucket] ?? 0) + 1;
  }

  absorb(other: ChunkAccumulator): void {
    if (other.count === 0) return;
    this.count += other.count;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.sum += other.sum;
    for (const bucket in other.log2Histogram) this.log2Histogram[bucket] = (this.log2Histogram[bucket] ?? 0) + (other.log2Histogram[bucket] ?? 0);
  }

  stats(): ChunkStats | undefined {
    if (this.count === 0) return undefined;
    return { count: this.count, min: this.min, max: this.max, mean: this.sum / this.count, log2Histogram: { ...this.log2Histogram } };
  }
}

export class TransferAccumulator {
  readonly calls = new CallGroup();
  readonly chunks = new ChunkAccumulator();
  bytes = 0;
  /** MSG_ZEROCOPY completion: true = copied after all, false = not copied, null = none seen. */
  zerocopyCopied: boolean | null = null;
  /** How many transfers of the same shape this record stands for (see TransferBuilder's cap). */
  instances = 1;
  /** The first few pids of those transfers. */
  readonly pids: number[];
  /** Key in the builder's map while the transfer is live. */
  key = '';
  /** The thread group (process) of `pid` when the transfer started: parts of one group merge (TransferBuilder.mergeThreads). */
  group = 0;
  /** Its bytes are ones the process read once and also wrote to another sink (fan-out): that transfer has the read. */
  sharedRead = false;
  /** mmap_write: page faults on the mapping that perf --pf showed (kernel entries strace cannot see). */
  pageFaults = 0;
  /** Of pageFaults, those taken inside calls (kernel code): no mode switch. */
  pageFaultsInCalls = 0;
  /** io_uring: bytes the process wrote to the ring's sink with plain writes (the ring's own are invisible). */
  plainWriteBytes = 0;
  /** Its sends asked for MSG_ZEROCOPY on a socket that refused SO_ZEROCOPY: the kernel ignored the flag. */
  zerocopyIgnored = false;
  /** Some of its bytes went out in a write counted in another transfer (one write carried two sources' bytes). */
  sharedWrite = false;
  /** strace printed none of its writes' bytes (-s 0): its reads and writes were paired by order and byte counts alone. */
  pairedUnprinted = false;
  /** Its process's threads were made by clone3 under perf, and taken for threads by inference (FdTracker.perfClone3). */
  threadsInferred = false;
  /** In-kernel strategies the program tried for this transfer and the kernel refused (not to be recommended). */
  refused: Strategy[] | null = null;

  constructor(
    readonly order: number,
    readonly pid: number,
    readonly source: FdObject,
    readonly sink: FdObject,
    readonly strategy: Strategy,
    readonly via: Endpoint | undefined,
    /** Whether the source file's pages were already read earlier in the trace (cost model). */
    readonly sourceWarm: boolean,
    /** io_uring: the trace shows no byte counts. */
    readonly bytesVisible = true,
  ) {
    this.pids = [pid];
  }

  refuse(strategy: Strategy): void {
    this.refused ??= [];
    if (!this.refused.includes(strategy)) this.refused.push(strategy);
  }

  /** Folds a finished transfer of the same shape into this one. */
  absorb(other: TransferAccumulator): void {
    this.calls.absorb(other.calls);
    this.chunks.absorb(other.chunks);
    this.bytes += other.bytes;
    this.pageFaults += other.pageFaults;
    this.pageFaultsInCalls += other.pageFaultsInCalls;
    this.instances += other.instances;
    this.pairedUnprinted ||= other.pairedUnprinted;
    if (other.zerocopyCopied === true || (this.zerocopyCopied === null && other.zerocopyCopied !== null)) this.zerocopyCopied = other.zerocopyCopied;
    for (const pid of other.pids) if (this.pids.length < 16 && !this.pids.includes(pid)) this.pids.push(pid);
  }

  /** Takes in the part of the same transfer that another thread of the process made (one instance still). */
  mergeThread(other: TransferAccumulator): void {
    const instances = this.instances;
    this.absorb(other);
    this.instances = instances;
  }

  addPayload(bytes: number): void {
    this.bytes += bytes;
    this.chunks.add(bytes);
  }
}
