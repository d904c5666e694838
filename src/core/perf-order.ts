// perf trace prints a call when it ends, but drains each CPU's buffer in turn: a thread's calls stay
// in order, while another thread's calls that ended earlier may be printed later (up to ~55 ms later
// in traces recorded here: a write printed before the read whose bytes it sends, a close printed
// before another thread's last write to that fd). The analysis follows causes, so perf events are
// put back in the order the calls ended (start + duration) before it sees them. A call is held until
// the trace has shown calls ending SLACK_S after it, or MAX_HELD calls are waiting: memory stays bounded.

import type { CallStart, TraceEvent } from '../strace-parser/types';

/** How far (seconds of trace time) a later-printed call may have ended before one printed earlier. */
const SLACK_S = 0.2;
/** Calls held at most: past that the oldest go on, whatever their time. */
const MAX_HELD = 65_536;

const EXECS = new Set(['execve', 'execveat']);

type Held = { key: number; seq: number; event: TraceEvent | null; start: CallStart | null };

export class PerfOrder {
  private readonly heap: Held[] = [];
  private seq = 0;
  /** The latest end time seen; calls with no time go where they were printed (this key). */
  private latest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly onEvent: (event: TraceEvent) => void,
    private readonly onCallStarted: (start: CallStart) => void,
  ) {}

  event(event: TraceEvent): void {
    let key = this.latest;
    // An execve goes in at its start: a posix_spawn child's parent returns from clone3 (CLONE_VFORK)
    // while the exec is under way, and the parent's result must find the child already exec'ing.
    if (event.time !== null) key = event.type === 'syscall' && event.duration !== null && !EXECS.has(event.name) ? event.time + event.duration : event.time;
    this.hold({ key, seq: this.seq++, event, start: null });
  }

  /** A call's start (`close(fd: 5) ...`) goes in at its own time, among the calls that ended before it. */
  callStarted(start: CallStart): void {
    this.hold({ key: start.time ?? this.latest, seq: this.seq++, event: null, start });
  }

  /** Everything still held, in order (the trace has ended). */
  flush(): void {
    while (this.heap.length > 0) this.release();
  }

  private hold(item: Held): void {
    if (item.key > this.latest) this.latest = item.key;
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = item;
    while (heap.length > 0 && (heap.length > MAX_HELD || heap[0].key < this.latest - SLACK_S)) this.release();
  }

  private release(): void {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as Held;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right], heap[left]) ? right : left;
        if (!before(heap[child], last)) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    if (top.event !== null) this.onEvent(top.event);
    else if (top.start !== null) this.onCallStarted(top.start);
  }
}

function before(a: Held, b: Held): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}
