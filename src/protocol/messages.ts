// The one message protocol between the extension (report-panel.ts) and the report webview
// (media/report/main.ts), plus the state the webview persists with `vscode.setState` and the
// serializer reads back. Pure TypeScript, no VS Code and no DOM: both sides import it and both
// sides validate what they receive with the guards below (a webview is a web page: never trust it,
// and never trust what reaches it either).

import type { IoReport } from '../core/report-types';

/** Bumped when PersistedState changes shape; older states are ignored on restore. */
export const PROTOCOL_VERSION = 1;

/**
 * Where a report came from, so the serializer can re-analyze it after a reload.
 * `files`: trace files on disk (several = the -ff parts of one trace), as URI strings.
 * `document`: the text of an open editor (possibly untitled), as its URI string.
 */
export type ReportSource =
  | { kind: 'files'; uris: string[] }
  | { kind: 'document'; uri: string };

// ---------------------------------------------------------------------------------------------
// Extension -> webview

export interface LoadingMessage {
  type: 'loading';
  /** What is being analyzed, for the loading line (file names, not trusted: rendered as text). */
  title: string;
  source?: ReportSource;
}

export interface ReportMessage {
  type: 'report';
  report: IoReport;
  source: ReportSource;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
  /** Kept so a reload can try again. */
  source?: ReportSource;
}

/**
 * Bring one transfer of the shown report into view and give it the focus (a hover's or CodeLens's
 * "Open in report"). Ignored when the report has no transfer with that id.
 */
export interface FocusTransferMessage {
  type: 'focusTransfer';
  id: string;
}

export type ExtensionToWebviewMessage = LoadingMessage | ReportMessage | ErrorMessage | FocusTransferMessage;

// ---------------------------------------------------------------------------------------------
// Webview -> extension

/** The webview's script is running and listening: send it what it should show. */
export interface ReadyMessage {
  type: 'ready';
}

/**
 * Reveal trace lines in an editor. `fileIndex` indexes `report.trace.files` (the extension maps it
 * to its own list of URIs: the webview never names a path to open). Lines are 1-based, inclusive.
 */
export interface RevealMessage {
  type: 'reveal';
  fileIndex: number;
  line: number;
  endLine: number;
}

/** Analyze the same source again (the Re-analyze button). */
export interface ReanalyzeMessage {
  type: 'reanalyze';
}

/** Compare this trace with another one (the Compare with... button). */
export interface CompareWithMessage {
  type: 'compareWith';
}

export type WebviewToExtensionMessage = ReadyMessage | RevealMessage | ReanalyzeMessage | CompareWithMessage;

// ---------------------------------------------------------------------------------------------
// State persisted by the webview (vscode.setState) and read back by the panel serializer.

export type SortKey = 'name' | 'calls' | 'errors' | 'bytes' | 'timeUs' | 'class';

/** Order of the report's transfer cards: most CPU bytes copied first, most mode switches, most bytes, or as in the trace. */
export type TransferOrder = 'cost' | 'switches' | 'bytes' | 'trace';
export const TRANSFER_ORDERS: readonly TransferOrder[] = ['cost', 'switches', 'bytes', 'trace'];

export interface PersistedState {
  version: typeof PROTOCOL_VERSION;
  source: ReportSource;
  /** Id of the transfer that had the focus. */
  selectedTransfer?: string;
  sort?: { key: SortKey; descending: boolean };
  transferOrder?: TransferOrder;
  /** How many transfer cards were drawn ("Show more" pages), to draw as many again. */
  transfersShown?: number;
  /** Where the page was scrolled to. */
  scrollY?: number;
}

// ---------------------------------------------------------------------------------------------
// Guards

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function isLine(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 2 ** 31;
}

function isFiniteOrNull(x: unknown): boolean {
  return x === null || (typeof x === 'number' && Number.isFinite(x));
}

/** Limits so a broken or hostile message cannot make either side do unbounded work. */
const MAX_FILES = 10_000;
const MAX_TEXT = 100_000;
const MAX_ID = 200;

export function isReportSource(x: unknown): x is ReportSource {
  if (!isObj(x)) return false;
  if (x.kind === 'files') {
    return isStringArray(x.uris) && x.uris.length >= 1 && x.uris.length <= MAX_FILES && x.uris.every((u) => u.length > 0 && u.length <= 4096);
  }
  if (x.kind === 'document') return typeof x.uri === 'string' && x.uri.length > 0 && x.uri.length <= 4096;
  return false;
}

const SORT_KEYS: readonly SortKey[] = ['name', 'calls', 'errors', 'bytes', 'timeUs', 'class'];

export function isPersistedState(x: unknown): x is PersistedState {
  if (!isObj(x) || x.version !== PROTOCOL_VERSION || !isReportSource(x.source)) return false;
  if (x.selectedTransfer !== undefined && typeof x.selectedTransfer !== 'string') return false;
  if (x.transferOrder !== undefined && !TRANSFER_ORDERS.includes(x.transferOrder as TransferOrder)) return false;
  if (x.transfersShown !== undefined && !(typeof x.transfersShown === 'number' && Number.isInteger(x.transfersShown) && x.transfersShown >= 0 && x.transfersShown <= 1_000_000)) return false;
  if (x.scrollY !== undefined && !(typeof x.scrollY === 'number' && Number.isFinite(x.scrollY) && x.scrollY >= 0)) return false;
  if (x.sort !== undefined) {
    if (!isObj(x.sort) || typeof x.sort.descending !== 'boolean') return false;
    if (!SORT_KEYS.includes(x.sort.key as SortKey)) return false;
  }
  return true;
}

export function isWebviewToExtensionMessage(x: unknown): x is WebviewToExtensionMessage {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'reanalyze':
    case 'compareWith':
      return true;
    case 'reveal':
      return (
        typeof x.fileIndex === 'number' && Number.isInteger(x.fileIndex) && x.fileIndex >= 0 && x.fileIndex < MAX_FILES &&
        isLine(x.line) && isLine(x.endLine) && x.endLine >= x.line
      );
    default:
      return false;
  }
}

export function isExtensionToWebviewMessage(x: unknown): x is ExtensionToWebviewMessage {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'loading':
      return typeof x.title === 'string' && x.title.length <= MAX_TEXT && (x.source === undefined || isReportSource(x.source));
    case 'report':
      return isReportSource(x.source) && isIoReport(x.report);
    case 'error':
      return typeof x.message === 'string' && x.message.length <= MAX_TEXT && (x.source === undefined || isReportSource(x.source));
    case 'focusTransfer':
      return typeof x.id === 'string' && x.id.length > 0 && x.id.length <= MAX_ID;
    default:
      return false;
  }
}

function isEndpoint(x: unknown): boolean {
  return isObj(x) && typeof x.kind === 'string' && typeof x.path === 'string' && (x.loopback === undefined || typeof x.loopback === 'boolean');
}

function isTransfer(x: unknown): boolean {
  if (!isObj(x)) return false;
  if (typeof x.id !== 'string' || typeof x.pid !== 'number' || typeof x.strategy !== 'string') return false;
  if (!isEndpoint(x.source) || !isEndpoint(x.sink) || (x.via !== undefined && !isEndpoint(x.via))) return false;
  if (!isFiniteOrNull(x.bytes) || typeof x.modeSwitches !== 'number' || !isFiniteOrNull(x.cpuBytesCopied) || !isFiniteOrNull(x.durationUs)) return false;
  if (!isObj(x.syscalls) || !Object.values(x.syscalls).every((n) => typeof n === 'number')) return false;
  if (!isObj(x.copies) || !isFiniteOrNull(x.copies.cpu) || !isFiniteOrNull(x.copies.dma)) return false;
  if (!Array.isArray(x.lines) || x.lines.length !== 2 || !x.lines.every((n) => typeof n === 'number')) return false;
  if (!isStringArray(x.assumptions)) return false;
  if (x.frames !== undefined && !isStringArray(x.frames)) return false;
  if (x.chunks !== undefined && (!isObj(x.chunks) || !isObj(x.chunks.log2Histogram))) return false;
  if (x.recommendation !== null) {
    const r = x.recommendation;
    if (!isObj(r) || typeof r.strategy !== 'string' || typeof r.modeSwitches !== 'number' || typeof r.why !== 'string') return false;
    if (!isObj(r.copies) || typeof r.copies.cpu !== 'number' || typeof r.copies.dma !== 'number') return false;
  }
  return true;
}

/**
 * Structural check of an IoReport: every field the webview reads has the type the renderer
 * expects. Values stay untrusted text (the renderer only ever sets textContent).
 */
export function isIoReport(x: unknown): x is IoReport {
  if (!isObj(x) || x.schemaVersion !== 1) return false;
  const t = x.trace;
  if (!isObj(t) || !isStringArray(t.files) || typeof t.lines !== 'number' || typeof t.events !== 'number' || !isObj(t.flags)) return false;
  if (!Array.isArray(x.diagnostics) || !x.diagnostics.every((d) => isObj(d) && typeof d.file === 'string' && typeof d.line === 'number' && typeof d.message === 'string' && typeof d.severity === 'string')) return false;
  if (!Array.isArray(x.transfers) || !x.transfers.every(isTransfer)) return false;
  const s = x.summary;
  if (!isObj(s) || !isObj(s.bySyscall) || !isObj(s.totals)) return false;
  if (!Object.values(s.bySyscall).every((v) => isObj(v) && typeof v.calls === 'number' && typeof v.errors === 'number' && typeof v.bytes === 'number')) return false;
  if (typeof s.totals.bytes !== 'number' || typeof s.totals.modeSwitches !== 'number' || typeof s.totals.cpuBytesCopied !== 'number') return false;
  if (x.timeline !== undefined && !(Array.isArray(x.timeline) && x.timeline.every((p) => isObj(p) && typeof p.t === 'number' && typeof p.pid === 'number' && typeof p.name === 'string'))) return false;
  return true;
}

/**
 * Ids of the `<script type="application/json">` elements that carry the data of a standalone page
 * (`iolens analyze --html`, `iolens compare --html`): written by src/report-html, read by the webviews.
 */
export const REPORT_DATA_ELEMENT_ID = 'iolens-report-data';
export const COMPARE_DATA_ELEMENT_ID = 'iolens-compare-data';
