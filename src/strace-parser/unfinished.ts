// Pairing of `<unfinished ...>` / `<... NAME resumed>` (strace) and interrupted `...` / `[continued]:`
// (perf) lines. At most one call per pid can be in flight, so memory is bounded by the number of pids
// with a call in flight, never by the trace length. A Map keeps insertion order = start order, which
// is the order the leftovers are emitted in at the end of the file.

import type { TraceSyscall } from './events';

export class PendingCalls {
  private readonly byPid = new Map<number, TraceSyscall>();

  get size(): number {
    return this.byPid.size;
  }

  put(pid: number, call: TraceSyscall): void {
    // Re-inserted, so that insertion order stays start order (latestPid).
    this.byPid.delete(pid);
    this.byPid.set(pid, call);
  }

  /** The call in flight for `pid`, left in flight, or null. */
  peek(pid: number): TraceSyscall | null {
    return this.byPid.get(pid) ?? null;
  }

  /** Removes and returns the call in flight for `pid`, or null. */
  take(pid: number): TraceSyscall | null {
    if (this.byPid.size === 0) return null;
    const call = this.byPid.get(pid);
    if (call === undefined) return null;
    this.byPid.delete(pid);
    return call;
  }

  /** The pid whose call went in flight last and is still in flight, or null. */
  latestPid(): number | null {
    let latest: number | null = null;
    for (const pid of this.byPid.keys()) latest = pid;
    return latest;
  }

  /** Makes every call in flight independent of the chunk string it was parsed from. */
  detachAll(): void {
    if (this.byPid.size === 0) return;
    for (const call of this.byPid.values()) call.detach();
  }

  /** Everything still in flight, oldest start first (incomplete=true stays set on them). */
  drain(): TraceSyscall[] {
    const all = [...this.byPid.values()];
    this.byPid.clear();
    return all;
  }
}
