// An aggregate of syscalls (counts by name, time, lines, frames) that never stores the events
// themselves, so memory stays flat however many calls a transfer has.

import type { SyscallEvent } from '../strace-parser/types';
import { internName, keep } from './strings';

const MAX_FRAMES = 8;
/** Frames in these locations are libraries, not the program's own code. */
const LIBRARY_FRAME = /^\s*>?\s*(\/usr\/lib|\/lib|\/usr\/libexec|\[vdso\]|\/usr\/local\/lib)|linux-vdso|ld-linux|libc\.so|libpthread|libpython/;

export class CallGroup {
  readonly syscalls: Record<string, number> = {};
  calls = 0;
  durationSum = 0;
  hasDuration = false;
  firstTime: number | null = null;
  lastTime: number | null = null;
  firstLine = 0;
  lastLine = 0;
  fileIndex = 0;
  frames: Set<string> | null = null;

  add(event: SyscallEvent): void {
    const name = internName(event.name);
    this.syscalls[name] = (this.syscalls[name] ?? 0) + 1;
    this.calls++;
    if (event.duration !== null) {
      this.durationSum += event.duration;
      this.hasDuration = true;
    }
    if (event.time !== null) {
      if (this.firstTime === null || event.time < this.firstTime) this.firstTime = event.time;
      const end = event.time + (event.duration ?? 0);
      if (this.lastTime === null || end > this.lastTime) this.lastTime = end;
    }
    if (this.firstLine === 0 || event.line < this.firstLine) {
      this.firstLine = event.line;
      this.fileIndex = event.fileIndex;
    }
    if (event.endLine > this.lastLine) this.lastLine = event.endLine;
    if (event.stack !== null) this.addFrame(event.stack);
  }

  /** Moves everything of `other` into this group (pending reads joining the transfer they fed). */
  absorb(other: CallGroup): void {
    for (const name in other.syscalls) this.syscalls[name] = (this.syscalls[name] ?? 0) + (other.syscalls[name] ?? 0);
    this.calls += other.calls;
    this.durationSum += other.durationSum;
    this.hasDuration ||= other.hasDuration;
    if (other.firstTime !== null && (this.firstTime === null || other.firstTime < this.firstTime)) this.firstTime = other.firstTime;
    if (other.lastTime !== null && (this.lastTime === null || other.lastTime > this.lastTime)) this.lastTime = other.lastTime;
    if (other.firstLine !== 0 && (this.firstLine === 0 || other.firstLine < this.firstLine)) {
      this.firstLine = other.firstLine;
      this.fileIndex = other.fileIndex;
    }
    if (other.lastLine > this.lastLine) this.lastLine = other.lastLine;
    if (other.frames !== null) for (const frame of other.frames) this.addFrameText(frame);
  }

  /** The first frame of the program's own code (not libc or the loader) is the one that issued the call. */
  private addFrame(stack: readonly string[]): void {
    for (const frame of stack) {
      if (!LIBRARY_FRAME.test(frame)) {
        this.addFrameText(keep(frame.trim().replace(/^>\s*/, '')));
        return;
      }
    }
  }

  private addFrameText(frame: string): void {
    this.frames ??= new Set();
    if (this.frames.size < MAX_FRAMES) this.frames.add(frame);
  }

  /** Sum of -T durations where present, else the span of the timestamps, else null. */
  durationUs(): number | null {
    if (this.hasDuration) return Math.round(this.durationSum * 1e6);
    if (this.firstTime !== null && this.lastTime !== null) return Math.round((this.lastTime - this.firstTime) * 1e6);
    return null;
  }
}
