// An aggregate of syscalls (counts by name, time, lines, frames) that never stores the events
// themselves, so memory stays flat however many calls a transfer has.

import type { SyscallEvent } from '../strace-parser/types';
import { internName, keep } from './strings';

const MAX_FRAMES = 8;
/** Frames in these locations are libraries, not the program's own code. */
const LIBRARY_FRAME = /^\s*>?\s*(\/usr\/lib|\/lib|\/usr\/libexec|\[vdso\]|\/usr\/local\/lib)|linux-vdso|ld-linux|libc\.so|libpthread|libpython/;

export class CallGroup {
  /**
   * Calls by syscall name, in the order the names first came: two short parallel lists (a group has
   * one to three names) rather than an object, so adding a call and merging groups stay cheap.
   */
  private readonly names: string[] = [];
  private readonly counts: number[] = [];
  /** How many entries of the lists are in use (takeAll() empties a group without shrinking them). */
  private size = 0;
  calls = 0;
  durationSum = 0;
  hasDuration = false;
  firstTime: number | null = null;
  lastTime: number | null = null;
  firstLine = 0;
  lastLine = 0;
  fileIndex = 0;
  frames: Set<string> | null = null;

  /** Calls by syscall name (`{ read: 17, write: 16 }`). */
  get syscalls(): Record<string, number> {
    const byName: Record<string, number> = {};
    for (let i = 0; i < this.size; i++) byName[this.names[i] as string] = this.counts[i] as number;
    return byName;
  }

  private count(name: string, calls: number): void {
    const names = this.names;
    // Names are the engine's canonical strings (internName): equal names are the same string.
    for (let i = 0; i < this.size; i++) {
      if (names[i] === name) {
        (this.counts[i] as number) += calls;
        return;
      }
    }
    names[this.size] = internName(name);
    this.counts[this.size] = calls;
    this.size++;
  }

  add(event: SyscallEvent): void {
    this.count(event.name, 1);
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
    for (let i = 0; i < other.size; i++) this.count(other.names[i] as string, other.counts[i] as number);
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

  /** absorb(other), then empties `other` for reuse (a credit's reads, once a write drew from them). */
  takeAll(other: CallGroup): void {
    this.absorb(other);
    other.size = 0;
    other.calls = 0;
    other.durationSum = 0;
    other.hasDuration = false;
    other.firstTime = null;
    other.lastTime = null;
    other.firstLine = 0;
    other.lastLine = 0;
    other.fileIndex = 0;
    other.frames = null;
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
