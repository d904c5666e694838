// The message protocol between the extension (compare-panel.ts) and the comparison webview
// (media/compare/main.ts), plus the state the webview persists and the serializer reads back.
// Pure TypeScript, no VS Code and no DOM. Both sides validate what they receive with the guards
// below; the report protocol (messages.ts) provides the report and source guards reused here.

import type { Delta, MatchedTransfer, TraceComparison } from '../core/compare';
import type { IoReport, Transfer } from '../core/report-types';
import { isIoReport, isReportSource, type ReportSource } from './messages';

/** Bumped when ComparePersistedState changes shape; older states are ignored on restore. */
export const COMPARE_PROTOCOL_VERSION = 1;

export type CompareSide = 'before' | 'after';

/** The two traces compared: each one a report source (several files = the -ff parts of one trace). */
export interface CompareSource {
  before: ReportSource;
  after: ReportSource;
}

// ---------------------------------------------------------------------------------------------
// Extension -> webview

export interface CompareLoadingMessage {
  type: 'loading';
  /** Shown as text (file names are untrusted). */
  title: string;
  source?: CompareSource;
}

/**
 * The comparison and the two reports it was made from. Every transfer the comparison names is one
 * of its report's transfers (same id): the webview draws the report's (validated) object.
 */
export interface CompareResultMessage {
  type: 'comparison';
  comparison: TraceComparison;
  before: IoReport;
  after: IoReport;
  source: CompareSource;
}

export interface CompareErrorMessage {
  type: 'error';
  message: string;
  source?: CompareSource;
}

export type CompareExtensionToWebviewMessage = CompareLoadingMessage | CompareResultMessage | CompareErrorMessage;

// ---------------------------------------------------------------------------------------------
// Webview -> extension

export interface CompareReadyMessage {
  type: 'ready';
}

/** Reveal lines of one side's trace; `fileIndex` indexes that report's `trace.files`. */
export interface CompareRevealMessage {
  type: 'reveal';
  side: CompareSide;
  fileIndex: number;
  line: number;
  endLine: number;
}

/** Analyze both traces again. */
export interface CompareRecompareMessage {
  type: 'recompare';
}

/** Exchange before and after. */
export interface CompareSwapMessage {
  type: 'swap';
}

/** Choose another trace for one side (the extension shows its picker). */
export interface CompareChooseMessage {
  type: 'choose';
  side: CompareSide;
}

/** Open the single-trace report of one side. */
export interface CompareOpenReportMessage {
  type: 'openReport';
  side: CompareSide;
}

export type CompareWebviewToExtensionMessage =
  | CompareReadyMessage
  | CompareRevealMessage
  | CompareRecompareMessage
  | CompareSwapMessage
  | CompareChooseMessage
  | CompareOpenReportMessage;

// ---------------------------------------------------------------------------------------------
// Persisted state

export const SYSCALL_SORT_KEYS = ['name', 'callsBefore', 'callsAfter', 'callsChange', 'bytesBefore', 'bytesAfter', 'bytesChange', 'timeBefore', 'timeAfter', 'timeChange', 'errorsChange'] as const;
export type SyscallSortKey = (typeof SYSCALL_SORT_KEYS)[number];

export interface ComparePersistedState {
  version: typeof COMPARE_PROTOCOL_VERSION;
  source: CompareSource;
  /** `data-id` of the transfer card that had the focus. */
  selected?: string;
  sort?: { key: SyscallSortKey; descending: boolean };
}

// ---------------------------------------------------------------------------------------------
// Guards

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isSide(x: unknown): x is CompareSide {
  return x === 'before' || x === 'after';
}

function isLine(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 2 ** 31;
}

function isFiniteOrNull(x: unknown): boolean {
  return x === null || (typeof x === 'number' && Number.isFinite(x));
}

const MAX_TEXT = 100_000;
const MAX_FILES = 10_000;
const MAX_ITEMS = 100_000;
const MAX_NOTES = 1000;

export function isCompareSource(x: unknown): x is CompareSource {
  return isObj(x) && isReportSource(x.before) && isReportSource(x.after);
}

export function isComparePersistedState(x: unknown): x is ComparePersistedState {
  if (!isObj(x) || x.version !== COMPARE_PROTOCOL_VERSION || !isCompareSource(x.source)) return false;
  if (x.selected !== undefined && (typeof x.selected !== 'string' || x.selected.length > 200)) return false;
  if (x.sort !== undefined) {
    if (!isObj(x.sort) || typeof x.sort.descending !== 'boolean') return false;
    if (!(SYSCALL_SORT_KEYS as readonly unknown[]).includes(x.sort.key)) return false;
  }
  return true;
}

export function isCompareWebviewToExtensionMessage(x: unknown): x is CompareWebviewToExtensionMessage {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'recompare':
    case 'swap':
      return true;
    case 'choose':
    case 'openReport':
      return isSide(x.side);
    case 'reveal':
      return (
        isSide(x.side) &&
        typeof x.fileIndex === 'number' && Number.isInteger(x.fileIndex) && x.fileIndex >= 0 && x.fileIndex < MAX_FILES &&
        isLine(x.line) && isLine(x.endLine) && x.endLine >= x.line
      );
    default:
      return false;
  }
}

export function isDelta(x: unknown): x is Delta {
  return isObj(x) && isFiniteOrNull(x.before) && isFiniteOrNull(x.after) && isFiniteOrNull(x.change) && isFiniteOrNull(x.relative);
}

function isSideInfo(x: unknown): boolean {
  return isObj(x) && Array.isArray(x.files) && x.files.length <= MAX_FILES && x.files.every((f) => typeof f === 'string') &&
    (x.format === 'strace' || x.format === 'perf') && isObj(x.flags);
}

/** A transfer named by the comparison: it must be one of the report's own transfers (by id). */
function isTransferOf(x: unknown, ids: ReadonlySet<string>): x is Transfer {
  return isObj(x) && typeof x.id === 'string' && ids.has(x.id);
}

function isMatched(x: unknown, before: ReadonlySet<string>, after: ReadonlySet<string>): x is MatchedTransfer {
  return isObj(x) && typeof x.key === 'string' && x.key.length <= MAX_TEXT && typeof x.strategyChanged === 'boolean' &&
    isTransferOf(x.before, before) && isTransferOf(x.after, after) &&
    isDelta(x.bytes) && isDelta(x.modeSwitches) && isDelta(x.cpuCopies) && isDelta(x.cpuBytesCopied) && isDelta(x.durationUs);
}

/**
 * Structural check of a TraceComparison. With the two reports, every transfer it names must be one
 * of theirs; without them, only that each names an id.
 */
export function isTraceComparison(x: unknown, before?: IoReport, after?: IoReport): x is TraceComparison {
  if (!isObj(x) || x.schemaVersion !== 1 || !isSideInfo(x.before) || !isSideInfo(x.after)) return false;
  const t = x.totals;
  if (!isObj(t) || !['bytes', 'cpuBytesCopied', 'modeSwitches', 'calls', 'timeUs'].every((k) => isDelta(t[k]))) return false;
  const anyId = { has: () => true } as unknown as ReadonlySet<string>;
  const beforeIds: ReadonlySet<string> = before ? new Set(before.transfers.map((tr) => tr.id)) : anyId;
  const afterIds: ReadonlySet<string> = after ? new Set(after.transfers.map((tr) => tr.id)) : anyId;
  const tr = x.transfers;
  if (!isObj(tr) || !Array.isArray(tr.matched) || !Array.isArray(tr.added) || !Array.isArray(tr.removed)) return false;
  if (tr.matched.length + tr.added.length + tr.removed.length > MAX_ITEMS) return false;
  if (!tr.matched.every((m) => isMatched(m, beforeIds, afterIds))) return false;
  if (!tr.added.every((a) => isTransferOf(a, afterIds)) || !tr.removed.every((r) => isTransferOf(r, beforeIds))) return false;
  if (!isObj(x.bySyscall) || Object.keys(x.bySyscall).length > MAX_ITEMS) return false;
  for (const v of Object.values(x.bySyscall)) {
    if (!isObj(v) || !isDelta(v.calls) || !isDelta(v.errors) || !isDelta(v.bytes) || !isDelta(v.timeUs)) return false;
  }
  return Array.isArray(x.incomparable) && x.incomparable.length <= MAX_NOTES && x.incomparable.every((n) => typeof n === 'string' && n.length <= MAX_TEXT);
}

export function isCompareExtensionToWebviewMessage(x: unknown): x is CompareExtensionToWebviewMessage {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'loading':
      return typeof x.title === 'string' && x.title.length <= MAX_TEXT && (x.source === undefined || isCompareSource(x.source));
    case 'comparison':
      return isCompareSource(x.source) && isIoReport(x.before) && isIoReport(x.after) && isTraceComparison(x.comparison, x.before, x.after);
    case 'error':
      return typeof x.message === 'string' && x.message.length <= MAX_TEXT && (x.source === undefined || isCompareSource(x.source));
    default:
      return false;
  }
}

/**
 * The comparison with every transfer replaced by its report's own object (the one isIoReport
 * checked), so the renderer only ever reads validated transfers. Call after the guard.
 */
export function resolveComparisonTransfers(comparison: TraceComparison, before: IoReport, after: IoReport): TraceComparison {
  const b = new Map(before.transfers.map((t) => [t.id, t]));
  const a = new Map(after.transfers.map((t) => [t.id, t]));
  const pick = (map: Map<string, Transfer>, t: Transfer): Transfer => map.get(t.id) ?? t;
  return {
    ...comparison,
    transfers: {
      matched: comparison.transfers.matched.map((m) => ({ ...m, before: pick(b, m.before), after: pick(a, m.after) })),
      added: comparison.transfers.added.map((t) => pick(a, t)),
      removed: comparison.transfers.removed.map((t) => pick(b, t)),
    },
  };
}
