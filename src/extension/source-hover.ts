// Hovers on I/O calls in source code (C, C++, Rust, Go, Python, Java, JavaScript/TypeScript): what
// the loaded trace says about the call under the cursor. Exact to the line when the trace has -k
// stacks that resolve to this line; otherwise a match by call name, and the hover says so.
// Trace text (paths, names) only ever reaches the markdown escaped; command links are limited to
// this extension's own commands.

import * as vscode from 'vscode';
import type { SiteCallStats } from '../core/call-sites';
import type { Transfer } from '../core/report-types';
import { findSourceCalls, maskLine, sourceLanguageOf, SOURCE_LANGUAGE_IDS, syscallsOf, type SourceCall } from '../core/source-patterns';
import { describeSyscall } from '../core/syscall-docs';
import { returnsPayloadBytes } from '../core/syscall-classes';
import type { SourceLineSite } from '../core/source-lines';
import { traceStore, type LoadedTrace, type SourceSites } from './trace-store';

export const SHOW_TRANSFER_COMMAND = 'iolens.showTransfer';
export const EXPLAIN_TRANSFER_COMMAND = 'iolens.explainTransfer';
export const SHOW_TRACE_LINES_COMMAND = 'iolens.showTraceLines';
/** The only commands a hover's links may run. */
export const HOVER_COMMANDS = [SHOW_TRANSFER_COMMAND, EXPLAIN_TRANSFER_COMMAND, SHOW_TRACE_LINES_COMMAND];

/** The source languages the editor features register for. */
export const SOURCE_SELECTOR: vscode.DocumentSelector = SOURCE_LANGUAGE_IDS.map((language) => ({ language }));

/** What the trace says about one source line (or, by name, about a set of calls). */
export interface LineFigures {
  /** true: from -k stacks resolved to this line; false: every call of these names in the trace. */
  exact: boolean;
  calls: number;
  errors: number;
  bytes: number;
  durationUs: number | null;
  /** Calls by syscall name. */
  byName: Record<string, number>;
  /** 2 per call (enter + return). */
  modeSwitches: number;
  /** Mean bytes per data call that returned bytes, null when none. */
  meanChunk: number | null;
  transfers: Transfer[];
  /** Where the first such call is in the trace. */
  first?: { fileIndex: number; line: number };
  function?: string | null;
  frames?: string[];
}

function fromSite(trace: LoadedTrace, site: SourceLineSite): LineFigures {
  const stats = Object.entries(site.bySyscall);
  return figuresFromStats(trace, stats, true, site.function, site.frames);
}

function figuresFromStats(trace: LoadedTrace, stats: Array<[string, SiteCallStats]>, exact: boolean, fn?: string | null, frames?: string[]): LineFigures {
  let calls = 0, errors = 0, bytes = 0, dataCalls = 0;
  let durationUs: number | null = null;
  const byName: Record<string, number> = {};
  const ids = new Set<string>();
  let first: { fileIndex: number; line: number } | undefined;
  for (const [name, s] of stats) {
    calls += s.calls;
    errors += s.errors;
    bytes += s.bytes;
    if (returnsPayloadBytes(name)) dataCalls += s.payloadCalls;
    if (s.durationUs !== null) durationUs = (durationUs ?? 0) + s.durationUs;
    byName[name] = (byName[name] ?? 0) + s.calls;
    for (const id of s.transferIds) ids.add(id);
    if (!first || s.fileIndex < first.fileIndex || (s.fileIndex === first.fileIndex && s.firstLine < first.line)) first = { fileIndex: s.fileIndex, line: s.firstLine };
  }
  const transfers = [...ids].map((id) => trace.transfersById.get(id)).filter((t): t is Transfer => t !== undefined);
  return { exact, calls, errors, bytes, durationUs, byName, modeSwitches: 2 * calls, meanChunk: dataCalls > 0 ? bytes / dataCalls : null, transfers, first, function: fn, frames };
}

/**
 * Every call of these names in the loaded trace (the summary), for a name match. A pattern lists the
 * calls an API may make in the order the runtime tries them (transferTo: sendfile, copy_file_range,
 * ..., mmap, write). When one of them moved data in a transfer of this trace, only the calls of the
 * transfers made with the first such call count (transferTo -> the sendfile transfer's sendfile; a
 * copyfileobj's read/write loop -> read and write): otherwise a JVM's hundreds of mmap and write
 * calls would all be put on one transferTo( line.
 */
export function figuresByName(trace: LoadedTrace, names: readonly string[]): LineFigures | undefined {
  const chosen = namesThatMoved(trace, names);
  const stats: Array<[string, SiteCallStats]> = [];
  for (const name of chosen) {
    const s = trace.report.summary.bySyscall[name];
    if (!s || s.calls === 0) continue;
    stats.push([name, { calls: s.calls, errors: s.errors, bytes: s.bytes, payloadCalls: s.bytes > 0 ? s.calls - s.errors : 0, durationUs: s.timeUs, transferIds: [], firstLine: Number.MAX_SAFE_INTEGER, fileIndex: Number.MAX_SAFE_INTEGER }]);
  }
  if (stats.length === 0) return undefined;
  const figures = figuresFromStats(trace, stats, false);
  figures.first = undefined;
  const wanted = new Set(chosen);
  figures.transfers = trace.report.transfers.filter((t) => Object.keys(t.syscalls).some((n) => wanted.has(n)));
  return figures;
}

/** The pattern's names a name match counts (see figuresByName), in the pattern's order. */
function namesThatMoved(trace: LoadedTrace, names: readonly string[]): string[] {
  const unique = [...new Set(names)];
  const made = (t: Transfer, n: string): boolean => Object.prototype.hasOwnProperty.call(t.syscalls, n);
  const primary = unique.find((n) => trace.report.transfers.some((t) => made(t, n)));
  if (primary === undefined) return unique;
  const partners = new Set(trace.report.transfers.filter((t) => made(t, primary)).flatMap((t) => Object.keys(t.syscalls)));
  return unique.filter((n) => partners.has(n));
}

export type LineLookup =
  | { kind: 'exact'; figures: LineFigures }
  | { kind: 'name'; figures: LineFigures; why: string }
  | { kind: 'not-called'; why: string }
  | { kind: 'none' };

/**
 * What the trace says about source line `line` (0-based) of `file`, for the calls `names` found on it.
 * Exact when the stacks resolve to the line; "not called" when the stacks cover this file but not
 * this line; else a match by name.
 */
export function lookupLine(trace: LoadedTrace, sites: SourceSites, file: string, line: number, names: readonly string[]): LineLookup {
  const fileSites = sites.lines.get(file);
  const site = fileSites?.get(line + 1);
  if (site) {
    const recorded = Object.keys(site.bySyscall);
    // The line now holds another call than the ones the stacks recorded there: the source was edited
    // (or the binary rebuilt) since the trace, and its lines moved. Its figures would be another call's.
    if (names.length > 0 && !names.some((n) => recorded.includes(n))) {
      return { kind: 'not-called', why: `The trace's calls from this line were ${recorded.join(', ')}; it now holds ${names.join('/')}: the source changed since the trace was recorded (its lines moved). Record it again for exact lines.` };
    }
    return { kind: 'exact', figures: fromSite(trace, site) };
  }
  if (fileSites && fileSites.size > 0) {
    return { kind: 'not-called', why: 'The trace has -k stacks for this file, and none of its calls came from this line.' };
  }
  const figures = figuresByName(trace, names);
  if (!figures) return { kind: 'none' };
  const why = sites.stacks
    ? 'The trace has -k stacks, but none resolved to this file (binary not found, not built with -g, rebuilt since the trace, or interpreted code): these are all the trace\'s calls of this name, not only this line\'s.'
    : 'The trace has no -k stacks: these are all the trace\'s calls of this name, not only this line\'s. Record with strace -k and build with -g for exact lines.';
  return { kind: 'name', figures, why };
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export function formatUs(us: number | null): string {
  if (us === null) return 'n/a';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, w: string): string => `${count(n)} ${w}${n === 1 ? '' : 's'}`;

/** Escapes text for a markdown string (trace paths and names are never markup). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&"']/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** `text` as an inline code span that no backtick in it can close. */
export function codeSpan(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest > 0 ? ' ' : ''}${clean}${longest > 0 ? ' ' : ''}${fence}`;
}

export function commandLink(command: string, args: unknown): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([args]))}`;
}

/** CPU copies per byte of the transfers, as one figure when they agree. */
export function copiesText(transfers: readonly Transfer[]): string | undefined {
  const cpu = [...new Set(transfers.map((t) => t.copies.cpu))];
  if (cpu.length === 0) return undefined;
  if (cpu.length === 1) return cpu[0] === null ? 'unknown CPU copies/byte' : `${cpu[0]} CPU ${cpu[0] === 1 ? 'copy' : 'copies'}/byte`;
  const known = cpu.filter((c): c is number => c !== null);
  return `${Math.min(...known)}–${Math.max(...known)} CPU copies/byte`;
}

/** A costlier strategy than the endpoints need: the recommendation saves CPU copies or mode switches. */
export function isCostlier(t: Transfer): boolean {
  const r = t.recommendation;
  if (!r) return false;
  return (t.copies.cpu !== null && r.copies.cpu < t.copies.cpu) || r.modeSwitches < t.modeSwitches;
}

export function endpointText(e: Transfer['source']): string {
  return e.kind === 'file' || e.kind === 'dev' ? e.path : `${e.kind} ${e.path}`;
}

/** One line for CodeLens: "16 calls · 1.0 MB · 2 CPU copies/byte · 32 mode switches — sendfile would need 2". */
export function summaryLine(f: LineFigures): string {
  const parts = [plural(f.calls, 'call')];
  if (f.bytes > 0) parts.push(formatBytes(f.bytes));
  const copies = copiesText(f.transfers);
  if (copies) parts.push(copies);
  parts.push(plural(f.modeSwitches, 'mode switch').replace(/switchs$/, 'switches'));
  let line = `${f.exact ? '' : 'by name: '}${parts.join(' · ')}`;
  const better = f.transfers.find(isCostlier);
  if (better?.recommendation) line += ` — ${better.recommendation.strategy} would need ${count(better.recommendation.modeSwitches)}`;
  return line;
}

function appendTransfer(md: vscode.MarkdownString, t: Transfer): void {
  md.appendMarkdown(`\n\n**Transfer ${escapeMarkdown(t.id)}** · ${codeSpan(t.strategy)} · `);
  md.appendText(`${endpointText(t.source)} → ${endpointText(t.sink)}`);
  if (t.via) md.appendText(` (via ${endpointText(t.via)})`);
  md.appendMarkdown('\n\n');
  const cells = [
    t.bytes === null ? 'bytes unknown' : `${count(t.bytes)} bytes`,
    plural(t.modeSwitches, 'mode switch').replace(/switchs$/, 'switches'),
    t.copies.cpu === null ? 'CPU copies unknown' : `${t.copies.cpu} CPU + ${t.copies.dma ?? '?'} DMA copies/byte`,
    `time ${formatUs(t.durationUs)}`,
  ];
  md.appendText(cells.join(' · '));
  const r = t.recommendation;
  if (r) {
    md.appendMarkdown(`\n\n${isCostlier(t) ? '$(lightbulb) ' : ''}**Recommendation:** ${codeSpan(r.strategy)} — ${plural(r.modeSwitches, 'mode switch').replace(/switchs$/, 'switches')}, ${r.copies.cpu} CPU ${r.copies.cpu === 1 ? 'copy' : 'copies'}/byte. `);
    md.appendText(r.why);
  }
  md.appendMarkdown(`\n\n[Open in report](${commandLink(SHOW_TRANSFER_COMMAND, { id: t.id })}) · [Explain](${commandLink(EXPLAIN_TRANSFER_COMMAND, { id: t.id })})`);
}

/** The hover text for figures (exact or by name) of `names` on a line. */
export function hoverMarkdown(lookup: Exclude<LineLookup, { kind: 'none' }>, api: string, names: readonly string[], where: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: HOVER_COMMANDS };
  md.appendMarkdown(`**I/O Lens** · ${codeSpan(api)} · `);
  md.appendText(where);
  if (lookup.kind === 'not-called') {
    md.appendMarkdown('\n\n$(info) ');
    md.appendText(lookup.why);
    return md;
  }
  const f = lookup.figures;
  md.appendMarkdown(lookup.kind === 'exact' ? ' · **exact line** (strace -k stack)' : ' · **name match**');
  if (lookup.kind === 'name') {
    md.appendMarkdown('\n\n$(warning) ');
    md.appendText(lookup.why);
  }
  const byName = Object.entries(f.byName).map(([n, c]) => `${n} ×${count(c)}`).join(', ');
  md.appendMarkdown('\n\n');
  md.appendText(`${plural(f.calls, 'call')} (${byName})${f.errors > 0 ? `, ${count(f.errors)} failed` : ''}`);
  md.appendMarkdown('\n\n');
  const rows = [
    `bytes ${count(f.bytes)}${f.bytes >= 1000 ? ` (${formatBytes(f.bytes)})` : ''}`,
    `mean chunk ${f.meanChunk === null ? 'n/a' : `${count(Math.round(f.meanChunk))} B`}`,
    `${count(f.modeSwitches)} mode switches`,
    copiesText(f.transfers) ?? 'no transfer',
    `time ${formatUs(f.durationUs)}`,
  ];
  md.appendText(rows.join(' · '));
  const doc = names.map((n) => describeSyscall(n)).find((d) => d !== undefined);
  if (doc && lookup.kind === 'name') {
    md.appendMarkdown('\n\n_');
    md.appendText(doc);
    md.appendMarkdown('_');
  }
  const shown = f.transfers.slice(0, 3);
  for (const t of shown) appendTransfer(md, t);
  if (f.transfers.length > shown.length) md.appendText(`\n\n… and ${f.transfers.length - shown.length} more transfers`);
  if (f.first && f.exact) {
    md.appendMarkdown(`\n\n[Show first call in trace](${commandLink(SHOW_TRACE_LINES_COMMAND, { fileIndex: f.first.fileIndex, line: f.first.line })})`);
  }
  return md;
}

/** The call under the cursor on a source line, if any. */
export function callAt(document: vscode.TextDocument, position: vscode.Position): SourceCall | undefined {
  const language = sourceLanguageOf(document.languageId);
  if (!language) return undefined;
  const text = document.lineAt(position.line).text;
  // Whether the line starts inside a block comment: scan a few lines up (cheap, good enough).
  let inBlock = false;
  for (let l = Math.max(0, position.line - 200); l < position.line; l++) inBlock = maskLine(document.lineAt(l).text, language, inBlock).inBlock;
  return findSourceCalls(text, language, inBlock).find((c) => position.character >= c.start && position.character <= c.end + 1);
}

export class SourceHoverProvider implements vscode.HoverProvider {
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!vscode.workspace.getConfiguration('iolens').get<boolean>('hover.enabled', true)) return undefined;
    const trace = traceStore.current;
    if (!trace) return undefined;
    const call = callAt(document, position);
    if (!call) return undefined;
    const sites = await traceStore.sourceSites();
    if (traceStore.current !== trace) return undefined;
    const text = document.lineAt(position.line).text;
    const names = syscallsOf(call, text);
    const lookup = lookupLine(trace, sites, document.uri.fsPath, position.line, names);
    if (lookup.kind === 'none') return undefined;
    const where = `${vscode.workspace.asRelativePath(document.uri, false)}:${position.line + 1}`;
    const md = hoverMarkdown(lookup, text.slice(call.start, call.end), names, where);
    if (call.pattern.note) {
      md.appendMarkdown('\n\n---\n\n');
      md.appendText(call.pattern.note);
    }
    return new vscode.Hover(md, new vscode.Range(position.line, call.start, position.line, call.end));
  }
}
