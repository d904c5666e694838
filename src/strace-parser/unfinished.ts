// Pairing of `<unfinished ...>` / `<... NAME resumed>` (strace) and interrupted `...` / `[continued]:`
// (perf) lines. At most one call per pid can be in flight. The calls in flight form a list in start
// order, which is the order the leftovers are emitted in at the end of the file.
//
// Hot path: a call line asks for its pid's call in flight (nearly always none), and about a third of
// the lines of a -f trace put or take one. Each pid keeps a slot (found with one Map look-up) that
// links into the start-order list in place: putting and taking are pointer moves, not the Map delete
// and re-insert they would be with the calls held in the Map itself. Slots of pids with no call in
// flight are dropped when they come to outnumber the calls in flight, so memory stays bounded by
// the number of pids with a call in flight, never by the trace length.

import type { TraceSyscall } from './events';

class Slot {
  call: TraceSyscall | null = null;
  /** Neighbours in start order, while `call` is set. */
  prev: Slot | null = null;
  next: Slot | null = null;
  constructor(readonly pid: number) {}
}

/** Idle slots are pruned only past this many slots (a sweep of a small Map is not worth it). */
const PRUNE_MIN_SLOTS = 1024;

export class PendingCalls {
  private readonly byPid = new Map<number, Slot>();
  /** The call in flight that started first, and the one that started last. */
  private first: Slot | null = null;
  private last: Slot | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  put(pid: number, call: TraceSyscall): void {
    let slot = this.byPid.get(pid);
    if (slot === undefined) {
      if (this.byPid.size >= PRUNE_MIN_SLOTS && this.byPid.size > 2 * this.count) this.prune();
      slot = new Slot(pid);
      this.byPid.set(pid, slot);
    } else if (slot.call !== null) {
      // Replaced: moves to the end, so that the list stays start order (latestPid).
      this.unlink(slot);
    }
    slot.call = call;
    slot.prev = this.last;
    slot.next = null;
    if (this.last === null) this.first = slot;
    else this.last.next = slot;
    this.last = slot;
    this.count++;
  }

  /** The call in flight for `pid`, left in flight, or null. */
  peek(pid: number): TraceSyscall | null {
    const slot = this.byPid.get(pid);
    return slot === undefined ? null : slot.call;
  }

  /** Removes and returns the call in flight for `pid`, or null. */
  take(pid: number): TraceSyscall | null {
    if (this.count === 0) return null;
    const slot = this.byPid.get(pid);
    if (slot === undefined) return null;
    const call = slot.call;
    if (call !== null) this.unlink(slot);
    return call;
  }

  /** The pid whose call went in flight last and is still in flight, or null. */
  latestPid(): number | null {
    return this.last === null ? null : this.last.pid;
  }

  /** Makes every call in flight independent of the chunk string it was parsed from. */
  detachAll(): void {
    for (let slot = this.first; slot !== null; slot = slot.next) (slot.call as TraceSyscall).detach();
  }

  /** Everything still in flight, oldest start first (incomplete=true stays set on them). */
  drain(): TraceSyscall[] {
    const all: TraceSyscall[] = [];
    for (let slot = this.first; slot !== null; slot = slot.next) all.push(slot.call as TraceSyscall);
    this.byPid.clear();
    this.first = null;
    this.last = null;
    this.count = 0;
    return all;
  }

  /** Takes the slot's call out of the list (the slot stays, idle, for the pid's next call). */
  private unlink(slot: Slot): void {
    const { prev, next } = slot;
    if (prev === null) this.first = next;
    else prev.next = next;
    if (next === null) this.last = prev;
    else next.prev = prev;
    slot.call = null;
    slot.prev = null;
    slot.next = null;
    this.count--;
  }

  /** Drops the idle slots (pids with no call in flight): at least half of the Map, so the sweeps cost O(1) per put. */
  private prune(): void {
    for (const [pid, slot] of this.byPid) if (slot.call === null) this.byPid.delete(pid);
  }
}
