// A bounded sample of calls for the timeline chart. Keeping every k-th call and doubling k when
// the buffer fills gives an even, deterministic decimation of any trace in fixed memory.

import type { SyscallEvent } from '../strace-parser/types';
import type { TimelinePoint } from './report-types';
import { syscallInfo, type SyscallInfo } from './syscall-classes';

export class TimelineSampler {
  private points: TimelinePoint[] = [];
  private stride = 1;
  private seen = 0;
  private origin: number | null = null;

  constructor(private readonly capacity = 4000) {}

  add(event: SyscallEvent, info?: SyscallInfo): void {
    if (event.time === null) return;
    this.origin ??= event.time;
    if (this.seen++ % this.stride !== 0) return;
    const { cls, name } = info ?? syscallInfo(event.name);
    this.points.push({
      t: event.time - this.origin,
      pid: event.pid,
      class: cls,
      name,
      durationUs: event.duration !== null ? Math.round(event.duration * 1e6) : null,
      line: event.line,
      fileIndex: event.fileIndex,
    });
    if (this.points.length >= this.capacity) {
      this.points = this.points.filter((_, index) => index % 2 === 0);
      this.stride *= 2;
    }
  }

  result(): TimelinePoint[] {
    return this.points;
  }
}
