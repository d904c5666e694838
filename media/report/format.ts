// Number formatting for the report: bytes, durations, counts.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'unknown';
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${UNITS[u]}`;
}

/** Exact byte count with thousands separators, for tooltips and tables. */
export function formatExactBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'unknown';
  return `${formatCount(n)} bytes`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'unknown';
  return Math.round(n).toLocaleString('en-US');
}

export function formatDurationUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return 'n/a';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

export function formatCopies(n: number | null | undefined): string {
  return n === null || n === undefined ? '?' : String(n);
}

/** `2^k` bucket label of a log2 histogram key. */
export function log2BucketLabel(key: number): string {
  if (key <= 0) return '0–1 B';
  const unit = Math.min(Math.floor(key / 10), UNITS.length - 1);
  return `${2 ** (key - unit * 10)} ${UNITS[unit]}+`;
}

/** The last path component, for short labels (the full path goes in a title). */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : pluralWord}`;
}
