// Which byte ranges of each file the trace has read so far: a transfer whose bytes were read before
// finds them in the page cache (io-model.md: "assume the page cache is cold unless the same file
// range was read before in this trace"), one that reads another part of the file does not.

/** Disjoint ranges kept per file at most; past it the file counts as read whole (memory stays bounded). */
const MAX_RANGES = 256;
/** Files whose ranges are kept at most (a trace can open thousands); past it the oldest are forgotten. */
const MAX_FILES = 10_000;

export class FileRanges {
  /** Per path: sorted, disjoint, non-adjacent [start, end) pairs, flattened; null once read whole. */
  private readonly files = new Map<string, number[] | null>();

  /** Records a read of [from, from + length) of `path`; returns whether any of it was read before. */
  read(path: string, from: number, length: number): boolean {
    const to = from + length;
    let ranges = this.files.get(path);
    if (ranges === null) return true;
    if (ranges === undefined) {
      if (this.files.size >= MAX_FILES) {
        const oldest = this.files.keys().next().value;
        if (oldest !== undefined) this.files.delete(oldest);
      }
      ranges = [];
      this.files.set(path, ranges);
    }
    // Find where [from, to) goes; a sequential reader appends to the last range (the common case).
    let i = ranges.length;
    while (i > 0 && (ranges[i - 2] as number) > from) i -= 2;
    let overlaps = false;
    let start = from;
    let end = to;
    // Ranges i.. start after `from`; the one before may reach it (touch or overlap): merge with it.
    let first = i;
    if (i > 0 && (ranges[i - 1] as number) >= from) {
      overlaps = (ranges[i - 1] as number) > from;
      first = i - 2;
      start = ranges[first] as number;
      end = Math.max(end, ranges[i - 1] as number);
    }
    // ... and with every later one it reaches.
    let j = i;
    while (j < ranges.length && (ranges[j] as number) <= end) {
      if ((ranges[j] as number) < to) overlaps = true;
      end = Math.max(end, ranges[j + 1] as number);
      j += 2;
    }
    ranges.splice(first, j - first, start, end);
    if (ranges.length > 2 * MAX_RANGES) this.files.set(path, null);
    return overlaps;
  }
}
