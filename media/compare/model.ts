// The comparison view as data: how each delta reads (sign, unit, better or worse), the rows of the
// per-syscall table and their order, the series of the before/after charts on one shared scale,
// and the one-sentence verdict. Pure: no DOM, so plain-Node tests can check it.

import type { Delta, MatchedTransfer, TraceComparison } from '../../src/core/compare';
export type { Delta };
import type { IoReport, SyscallClass, Transfer } from '../../src/core/report-types';
import type { SyscallSortKey } from '../../src/protocol/compare-messages';
import { baseName, formatBytes, formatCount, formatDurationUs, log2BucketLabel } from '../report/format';

export type Unit = 'bytes' | 'count' | 'us' | 'copies';
/** How a change reads: fewer copies is better, more is worse; bytes moved is the workload, neutral. */
export type Tone = 'better' | 'worse' | 'same' | 'neutral' | 'unknown';

export function formatValue(n: number | null, unit: Unit): string {
  switch (unit) {
    case 'bytes': return formatBytes(n);
    case 'us': return formatDurationUs(n);
    case 'copies': return n === null ? '?' : String(n);
    default: return formatCount(n);
  }
}

const MINUS = '−';

/** `+1.2 MiB`, `−58`, `0`, `n/a`. */
export function formatChange(d: Delta, unit: Unit): string {
  if (d.change === null) return 'n/a';
  if (d.change === 0) return '0';
  const abs = formatValue(Math.abs(d.change), unit);
  return d.change > 0 ? `+${abs}` : `${MINUS}${abs}`;
}

/** `−87.9%`, `+12%`, `new` (from 0), `` (no change or unknown). */
export function formatRelative(d: Delta): string {
  if (d.change === null || d.change === 0) return '';
  if (d.relative === null) return d.before === 0 ? 'new' : '';
  const pct = d.relative * 100;
  const digits = Math.abs(pct) >= 100 || Number.isInteger(pct) ? 0 : 1;
  return `${pct > 0 ? '+' : MINUS}${Math.abs(pct).toFixed(digits)}%`;
}

/** `lowerIsBetter`: costs (copies, switches, calls, time); otherwise the change is neutral. */
export function tone(d: Delta, lowerIsBetter = true): Tone {
  if (d.change === null) return 'unknown';
  if (d.change === 0) return 'same';
  if (!lowerIsBetter) return 'neutral';
  return d.change < 0 ? 'better' : 'worse';
}

/** Words for screen readers and tooltips: `66 → 8, 58 fewer (−87.9%)`. */
export function describeDelta(d: Delta, unit: Unit, noun = ''): string {
  const from = formatValue(d.before, unit);
  const to = formatValue(d.after, unit);
  if (d.change === null) return `${from} → ${to}, cannot be compared`;
  if (d.change === 0) return `${from} → ${to}, unchanged`;
  const rel = formatRelative(d);
  const amount = formatValue(Math.abs(d.change), unit);
  const word = unit === 'bytes' || unit === 'us' ? (d.change < 0 ? 'less' : 'more') : d.change < 0 ? 'fewer' : 'more';
  return `${from} → ${to}, ${amount}${noun ? ` ${noun}` : ''} ${word}${rel ? ` (${rel})` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Totals

export interface TotalRow {
  key: keyof TraceComparison['totals'];
  label: string;
  unit: Unit;
  lowerIsBetter: boolean;
  hint: string;
}

export const TOTAL_ROWS: readonly TotalRow[] = [
  { key: 'cpuBytesCopied', label: 'CPU bytes copied', unit: 'bytes', lowerIsBetter: true, hint: 'Payload bytes × CPU copies per byte, over all transfers' },
  { key: 'modeSwitches', label: 'mode switches', unit: 'count', lowerIsBetter: true, hint: 'User/kernel crossings of the transfers: 2 per system call' },
  { key: 'calls', label: 'system calls', unit: 'count', lowerIsBetter: true, hint: 'Calls in the trace' },
  { key: 'timeUs', label: 'time in calls', unit: 'us', lowerIsBetter: true, hint: 'Sum of -T durations' },
  { key: 'bytes', label: 'bytes moved', unit: 'bytes', lowerIsBetter: false, hint: 'Payload bytes of the transfers: the same job moves the same bytes' },
];

/** Fractions (0..1) of the larger of the two values, for bars drawn on one scale. */
export function barFractions(d: Delta): { before: number; after: number } {
  const b = Math.max(0, d.before ?? 0);
  const a = Math.max(0, d.after ?? 0);
  const max = Math.max(b, a);
  return max === 0 ? { before: 0, after: 0 } : { before: b / max, after: a / max };
}

// ---------------------------------------------------------------------------------------------
// Transfers

export function endpointShort(e: Transfer['source']): string {
  return e.kind === 'file' ? baseName(e.path) : e.kind;
}

/** `in.bin → tcp`. */
export function routeLabel(t: Pick<Transfer, 'source' | 'sink'>): string {
  return `${endpointShort(t.source)} → ${endpointShort(t.sink)}`;
}

export function callCount(t: Transfer): number {
  return Object.values(t.syscalls).reduce((a, b) => a + b, 0);
}

export function callsDelta(m: MatchedTransfer): Delta {
  const b = callCount(m.before);
  const a = callCount(m.after);
  return { before: b, after: a, change: a - b, relative: b === 0 ? null : (a - b) / b };
}

/** `read × 17, write × 16`. */
export function callsText(t: Transfer): string {
  return Object.entries(t.syscalls).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([n, c]) => `${n} × ${formatCount(c)}`).join(', ') || 'none';
}

export interface MatchedRow {
  label: string;
  unit: Unit;
  delta: Delta;
  lowerIsBetter: boolean;
  /** Text instead of the formatted values (copies per byte, calls by name). */
  beforeText?: string;
  afterText?: string;
  /** A note after the change (DMA copies changed while the CPU figure, the delta, did not). */
  note?: string;
}

export function matchedRows(m: MatchedTransfer): MatchedRow[] {
  const copies = (t: Transfer) => `${t.copies.cpu ?? '?'} CPU + ${t.copies.dma ?? '?'} DMA`;
  const dma = m.before.copies.dma !== null && m.after.copies.dma !== null ? m.after.copies.dma - m.before.copies.dma : 0;
  return [
    { label: 'bytes', unit: 'bytes', delta: m.bytes, lowerIsBetter: false },
    { label: 'copies per byte', unit: 'copies', delta: m.cpuCopies, lowerIsBetter: true, beforeText: copies(m.before), afterText: copies(m.after),
      note: dma ? `DMA ${dma > 0 ? '+' : MINUS}${Math.abs(dma)}` : undefined },
    { label: 'CPU bytes copied', unit: 'bytes', delta: m.cpuBytesCopied, lowerIsBetter: true },
    { label: 'mode switches', unit: 'count', delta: m.modeSwitches, lowerIsBetter: true },
    { label: 'system calls', unit: 'count', delta: callsDelta(m), lowerIsBetter: true, beforeText: callsText(m.before), afterText: callsText(m.after) },
    { label: 'time', unit: 'us', delta: m.durationUs, lowerIsBetter: true },
  ];
}

// ---------------------------------------------------------------------------------------------
// Per-syscall table

export interface SyscallRow {
  name: string;
  class: SyscallClass | '';
  calls: Delta;
  errors: Delta;
  bytes: Delta;
  timeUs: Delta;
}

export function syscallRows(comparison: TraceComparison, before?: IoReport, after?: IoReport): SyscallRow[] {
  return Object.entries(comparison.bySyscall).map(([name, d]) => ({
    name,
    class: after?.summary.bySyscall[name]?.class ?? before?.summary.bySyscall[name]?.class ?? '',
    ...d,
  }));
}

/** The value a column sorts by: change columns by the size of the change, either way. */
export function sortValue(row: SyscallRow, key: SyscallSortKey): number | string {
  const v = (n: number | null) => (n === null ? -1 : n);
  switch (key) {
    case 'name': return row.name;
    case 'callsBefore': return v(row.calls.before);
    case 'callsAfter': return v(row.calls.after);
    case 'callsChange': return Math.abs(row.calls.change ?? 0);
    case 'bytesBefore': return v(row.bytes.before);
    case 'bytesAfter': return v(row.bytes.after);
    case 'bytesChange': return Math.abs(row.bytes.change ?? 0);
    case 'timeBefore': return v(row.timeUs.before);
    case 'timeAfter': return v(row.timeUs.after);
    case 'timeChange': return Math.abs(row.timeUs.change ?? 0);
    case 'errorsChange': return Math.abs(row.errors.change ?? 0);
  }
}

export function sortSyscallRows(rows: readonly SyscallRow[], key: SyscallSortKey, descending: boolean): SyscallRow[] {
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return (descending ? -cmp : cmp) || a.name.localeCompare(b.name);
  });
}

// ---------------------------------------------------------------------------------------------
// Charts: before and after as two series over the same categories, so one axis serves both.

export interface PairedSeries {
  labels: string[];
  /** Full text per category, for tooltips. */
  titles: string[];
  before: number[];
  after: number[];
}

/** Matched transfers, then removed (before only), then added (after only). */
export function transferSeries(comparison: TraceComparison, value: (t: Transfer) => number | null): PairedSeries {
  const out: PairedSeries = { labels: [], titles: [], before: [], after: [] };
  const count = new Map<string, number>();
  const unique = (label: string): string => {
    const n = (count.get(label) ?? 0) + 1;
    count.set(label, n);
    return n > 1 ? `${label} (${n})` : label;
  };
  for (const m of comparison.transfers.matched) {
    out.labels.push(unique(routeLabel(m.before)));
    out.titles.push(m.key);
    out.before.push(value(m.before) ?? 0);
    out.after.push(value(m.after) ?? 0);
  }
  for (const t of comparison.transfers.removed) {
    out.labels.push(unique(`${MINUS} ${routeLabel(t)}`));
    out.titles.push(`removed: ${t.source.path} → ${t.sink.path}`);
    out.before.push(value(t) ?? 0);
    out.after.push(0);
  }
  for (const t of comparison.transfers.added) {
    out.labels.push(unique(`+ ${routeLabel(t)}`));
    out.titles.push(`added: ${t.source.path} → ${t.sink.path}`);
    out.before.push(0);
    out.after.push(value(t) ?? 0);
  }
  return out;
}

const CLASS_ORDER: readonly SyscallClass[] = ['read', 'write', 'zerocopy', 'mmap', 'fd', 'io_uring', 'process', 'other'];

export function classSeries(before: IoReport, after: IoReport): PairedSeries {
  const sum = (r: IoReport, c: SyscallClass) => Object.values(r.summary.bySyscall).filter((s) => (s.class ?? 'other') === c).reduce((a, s) => a + s.calls, 0);
  const out: PairedSeries = { labels: [], titles: [], before: [], after: [] };
  for (const c of CLASS_ORDER) {
    const b = sum(before, c);
    const a = sum(after, c);
    if (b === 0 && a === 0) continue;
    out.labels.push(c);
    out.titles.push(`${c} calls`);
    out.before.push(b);
    out.after.push(a);
  }
  return out;
}

/** Calls per power-of-two chunk size over all transfers of each side, on the same buckets. */
export function chunkSeries(before: IoReport, after: IoReport): PairedSeries {
  const hist = (r: IoReport): Map<number, number> => {
    const m = new Map<number, number>();
    for (const t of r.transfers) {
      for (const [k, v] of Object.entries(t.chunks?.log2Histogram ?? {})) {
        const key = Number(k);
        if (Number.isFinite(key) && typeof v === 'number') m.set(key, (m.get(key) ?? 0) + v);
      }
    }
    return m;
  };
  const b = hist(before);
  const a = hist(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort((x, y) => x - y);
  return {
    labels: keys.map(log2BucketLabel),
    titles: keys.map((k) => `chunks of ${log2BucketLabel(k)}`),
    before: keys.map((k) => b.get(k) ?? 0),
    after: keys.map((k) => a.get(k) ?? 0),
  };
}

/** The largest value of the series: one maximum for every chart that must share its scale. */
export function sharedMax(...series: PairedSeries[]): number {
  let max = 0;
  for (const s of series) for (const v of [...s.before, ...s.after]) if (Number.isFinite(v) && v > max) max = v;
  return max;
}

/**
 * A tick step for a bytes axis up to `max`, about `ticks` steps: 1, 2, 2.5 or 5 × 10ⁿ of a binary unit,
 * or a binary fraction of it, so ticks read 0, 512 KiB, 1.00 MiB, 1.50 MiB … not 195 KiB, 391 KiB ….
 */
export function byteStep(max: number, ticks = 5): number | undefined {
  if (!Number.isFinite(max) || max <= 0) return undefined;
  let unit = 1;
  while (max / unit >= 1024 && unit < 1024 ** 4) unit *= 1024;
  const raw = max / unit / ticks;
  // Below one unit, binary fractions of it (256 KiB, 512 KiB of a MiB) read better than 0.2 MiB.
  if (raw < 1 && unit > 1) return ([0.125, 0.25, 0.5, 1].find((f) => f >= raw) ?? 1) * unit;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * pow).find((v) => v >= raw) ?? 10 * pow) * unit;
  return step >= 1 ? step : 1;
}

// ---------------------------------------------------------------------------------------------
// The verdict

/** One sentence on what changed, e.g. `CPU bytes copied −100% (1.91 MiB → 0 B), mode switches −87.9% …`. */
export function verdict(comparison: TraceComparison, strategyLabel: (s: string) => string = (s) => s): string {
  const parts: string[] = [];
  for (const row of TOTAL_ROWS) {
    if (!row.lowerIsBetter) continue;
    const d = comparison.totals[row.key];
    if (d.change === null || d.change === 0) continue;
    const rel = formatRelative(d);
    parts.push(`${row.label} ${rel || formatChange(d, row.unit)} (${formatValue(d.before, row.unit)} → ${formatValue(d.after, row.unit)})`);
  }
  const changedPairs = comparison.transfers.matched.filter((x) => x.strategyChanged);
  const changed = changedPairs.length;
  const m = comparison.transfers.matched.length;
  const moves = [...new Set(changedPairs.map((x) => `${strategyLabel(x.before.strategy)} → ${strategyLabel(x.after.strategy)}`))];
  const strategies = changed ? `${changed} of ${m} matched transfer${m === 1 ? '' : 's'} changed strategy${moves.length <= 3 ? ` (${moves.join('; ')})` : ''}` : m ? `${m === 1 ? 'the matched transfer keeps its' : `all ${m} matched transfers keep their`} strategy` : 'no transfer matched across the traces';
  return `${parts.length ? parts.join(', ') : 'No cost changed'}; ${strategies}.`;
}
