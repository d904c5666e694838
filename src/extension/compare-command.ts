// "I/O Lens: Compare I/O traces": pick two traces (files, or traces recorded earlier in the
// workspace's `iolens.traceFolder`), analyze both, and show what changed in the comparison panel.
//
// Test contract: executeCommand('iolens.compareTraces', before: Uri | Uri[], after: Uri | Uri[])
// skips the pickers, opens the panel and resolves to the TraceComparison (undefined on failure or
// cancel). From the explorer context menu VS Code passes (clickedUri, selectedUris[]): two selected
// traces (or the -ff parts of two) are compared in selection order. One trace alone (the report's
// "Compare with…" button) is the before side: only the after side is picked.

import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TraceComparison } from '../core/compare';
import type { CompareSide, CompareSource } from '../protocol/compare-messages';
import type { ReportSource } from '../protocol/messages';
import { analyzeSource } from './analyze-source';
import type { CommandFactory } from './commands';
import { ComparePanel, COMPARE_VIEW_TYPE, type CompareHooks } from './compare-panel';
import { log } from './output';
import { sourceTitle, type SourceAnalyzer } from './report-panel';
import { readSettings } from './settings';

const MAX_WORKSPACE_TRACES = 200;
const TRACE_GLOB = '**/*.{trace,strace}';

function isUri(x: unknown): x is vscode.Uri {
  return x instanceof vscode.Uri;
}

function isUriList(x: unknown): x is vscode.Uri[] {
  return Array.isArray(x) && x.length > 0 && x.every(isUri);
}

/** `trace.1234` -> `trace`, `trace.1234.gz` -> `trace.gz` (the parts of a `strace -ff -o trace` recording share it). */
export function partGroupKey(p: string): string {
  return p.replace(/\.\d+(?=(?:\.gz)?$)/, '');
}

/** Splits a selection into traces: files that differ only by a trailing `.PID` are parts of one. */
export function groupTraceParts<T>(items: readonly T[], pathOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = partGroupKey(pathOf(item));
    const g = groups.get(key);
    if (g) g.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

export type CompareArgs =
  | { kind: 'both'; before: vscode.Uri[]; after: vscode.Uri[] }
  | { kind: 'before'; before: vscode.Uri[] }
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string };

/**
 * Reads the command's arguments: `(before, after)` with each a Uri or Uri[]; the explorer's
 * `(clicked, selected[])`; `(uri | uri[])` alone; or nothing.
 */
export function parseCompareArgs(args: readonly unknown[]): CompareArgs {
  const [first, second] = args;
  // The explorer: the clicked file is one of the selection.
  if (isUri(first) && isUriList(second) && second.some((u) => u.toString() === first.toString())) {
    const groups = groupTraceParts(second, (u) => u.path);
    if (groups.length === 2) return { kind: 'both', before: groups[0], after: groups[1] };
    if (groups.length === 1) return { kind: 'before', before: groups[0] };
    return { kind: 'invalid', reason: `Select two traces to compare (the selection holds ${groups.length}).` };
  }
  const asList = (x: unknown): vscode.Uri[] | undefined => (isUri(x) ? [x] : isUriList(x) ? x : undefined);
  const before = asList(first);
  const after = asList(second);
  if (before && after) return { kind: 'both', before, after };
  // One trace alone (a Uri[] is the -ff parts of one trace): it is the before side.
  if (before && second === undefined) return { kind: 'before', before };
  if (first === undefined && second === undefined) return { kind: 'none' };
  return { kind: 'invalid', reason: 'Compare I/O traces takes two trace files (or lists of -ff parts).' };
}

/** An open, unsaved editor is compared by its text; files on disk by path. */
function sourceFor(uris: vscode.Uri[]): ReportSource {
  if (uris.length === 1) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uris[0].toString());
    if (open && (open.isUntitled || open.isDirty)) return { kind: 'document', uri: open.uri.toString() };
  }
  return { kind: 'files', uris: uris.map((u) => u.toString()) };
}

// ---------------------------------------------------------------------------------------------
// The picker: recorded traces, the workspace's trace files, open trace editors, or browse.

interface TraceItem extends vscode.QuickPickItem {
  source?: ReportSource;
  browse?: true;
}

function timeAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(ms).toISOString().slice(0, 10);
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function traceFolderUri(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const setting = readSettings().traceFolder;
  if (path.isAbsolute(setting)) return vscode.Uri.file(setting);
  return folder ? vscode.Uri.joinPath(folder.uri, setting) : undefined;
}

/** The traces recorded in the trace folder, newest first, -ff parts grouped. */
async function recordedTraces(): Promise<TraceItem[]> {
  const dir = traceFolderUri();
  if (!dir || dir.scheme !== 'file') return [];
  let names: string[];
  try {
    names = await readdir(dir.fsPath);
  } catch {
    return [];
  }
  const files: { uri: vscode.Uri; mtime: number; size: number }[] = [];
  for (const name of names) {
    try {
      const st = await stat(path.join(dir.fsPath, name));
      if (st.isFile()) files.push({ uri: vscode.Uri.joinPath(dir, name), mtime: st.mtimeMs, size: st.size });
    } catch {
      // Gone meanwhile.
    }
  }
  const groups = groupTraceParts(files, (f) => f.uri.path);
  return groups
    .map((g) => ({ g, mtime: Math.max(...g.map((f) => f.mtime)) }))
    .sort((a, b) => b.mtime - a.mtime)
    .map(({ g, mtime }) => {
      const sorted = [...g].sort((a, b) => a.uri.path.localeCompare(b.uri.path));
      const size = g.reduce((n, f) => n + f.size, 0);
      return {
        label: `$(history) ${path.basename(partGroupKey(sorted[0].uri.path))}`,
        description: `${timeAgo(mtime)} · ${sizeText(size)}${g.length > 1 ? ` · ${g.length} -ff parts` : ''}`,
        source: { kind: 'files', uris: sorted.map((f) => f.uri.toString()) },
      } satisfies TraceItem;
    });
}

async function workspaceTraces(exclude: ReadonlySet<string>): Promise<TraceItem[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  let uris: vscode.Uri[];
  try {
    uris = await vscode.workspace.findFiles(TRACE_GLOB, '**/node_modules/**', MAX_WORKSPACE_TRACES);
  } catch {
    return [];
  }
  return uris
    .filter((u) => !exclude.has(u.toString()))
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((u) => ({
      label: `$(file) ${path.basename(u.path)}`,
      // The folder, relative to the workspace (nothing for a file at its root).
      description: path.posix.dirname(vscode.workspace.asRelativePath(u)).replace(/^\.$/, '') || undefined,
      source: { kind: 'files', uris: [u.toString()] },
    }));
}

function openTraceEditors(exclude: ReadonlySet<string>): TraceItem[] {
  return vscode.workspace.textDocuments
    .filter((d) => d.languageId === 'strace' && !exclude.has(d.uri.toString()))
    .map((d) => ({
      label: `$(edit) ${path.basename(d.uri.path) || d.uri.toString()}`,
      description: d.isUntitled ? 'unsaved editor' : d.isDirty ? 'editor, modified' : 'open editor',
      source: d.isUntitled || d.isDirty ? { kind: 'document', uri: d.uri.toString() } : { kind: 'files', uris: [d.uri.toString()] },
    }));
}

function sourceKey(s: ReportSource): string {
  return s.kind === 'files' ? s.uris.join('\n') : s.uri;
}

/** Asks for one trace. `other` is the trace on the other side, marked so it is not picked twice by mistake. */
export async function pickTrace(side: CompareSide, other?: ReportSource): Promise<ReportSource | undefined> {
  const recorded = await recordedTraces();
  const seen = new Set(recorded.flatMap((i) => (i.source?.kind === 'files' ? i.source.uris : [])));
  const editors = openTraceEditors(new Set());
  const workspace = await workspaceTraces(seen);
  const sep = (label: string): TraceItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const items: TraceItem[] = [];
  if (recorded.length) items.push(sep(`Recorded traces (${readSettings().traceFolder})`), ...recorded);
  if (editors.length) items.push(sep('Open editors'), ...editors.filter((e) => e.source?.kind === 'document'));
  if (workspace.length) items.push(sep('Trace files in the workspace'), ...workspace);
  items.push(sep(''), { label: '$(folder-opened) Browse…', detail: 'Any strace or perf trace file; select every -ff part of one trace', browse: true });
  const otherKey = other ? sourceKey(other) : undefined;
  for (const item of items) {
    if (item.source && sourceKey(item.source) === otherKey) item.detail = `already the ${side === 'after' ? 'before' : 'after'} trace`;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: `I/O Lens: Compare I/O traces — ${side === 'before' ? 'the BEFORE trace (1/2)' : `the AFTER trace (2/2)${other ? `, compared with ${sourceTitle(other)}` : ''}`}`,
    placeHolder: side === 'before' ? 'Which trace is the baseline?' : 'Which trace to compare it with?',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.source) return pick.source;
  const picked = await vscode.window.showOpenDialog({
    title: `The ${side} trace (select every -ff part of one trace)`,
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri: traceFolderUri() ?? vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: side === 'before' ? 'Compare from' : 'Compare with',
    filters: { Traces: ['trace', 'strace', 'txt', 'log', 'out', 'gz'], 'All files': ['*'] },
  });
  return picked && picked.length ? sourceFor(picked) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The command

function hooks(): CompareHooks {
  return {
    chooseSource: (side, current) => pickTrace(side, current[side === 'before' ? 'after' : 'before']),
    openReport: (source) => {
      const uris = (source.kind === 'files' ? source.uris : [source.uri]).map((u) => vscode.Uri.parse(u, true));
      void vscode.commands.executeCommand('iolens.analyzeTrace', uris.length === 1 ? uris[0] : uris);
    },
  };
}

/** Opens (or reuses) the comparison panel for two sources and resolves the comparison. */
export async function compareAndShow(context: vscode.ExtensionContext, source: CompareSource, analyze: SourceAnalyzer = analyzeSource): Promise<TraceComparison | undefined> {
  const panel = ComparePanel.show(context.extensionUri, analyze, hooks());
  try {
    const comparison = await panel.compare(source);
    await panel.whenTabShown();
    return comparison;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(message);
    // Not awaited: the command must not wait for the user to dismiss the message.
    void vscode.window.showErrorMessage(`I/O Lens: ${message}`);
    await panel.whenTabShown();
    return undefined;
  }
}

export const compareTracesCommand: CommandFactory = (context) => async (...args: unknown[]): Promise<TraceComparison | undefined> => {
  const parsed = parseCompareArgs(args);
  let before: ReportSource | undefined;
  let after: ReportSource | undefined;
  switch (parsed.kind) {
    case 'invalid':
      void vscode.window.showErrorMessage(`I/O Lens: ${parsed.reason}`);
      return undefined;
    case 'both':
      before = sourceFor(parsed.before);
      after = sourceFor(parsed.after);
      break;
    case 'before':
      before = sourceFor(parsed.before);
      after = await pickTrace('after', before);
      break;
    case 'none':
      before = await pickTrace('before');
      if (before) after = await pickTrace('after', before);
      break;
  }
  if (!before || !after) return undefined;
  return compareAndShow(context, { before, after });
};

/** Registers the serializer that restores comparison panels after a window reload. */
export function registerComparePanelSerializer(extensionUri: vscode.Uri, analyze: SourceAnalyzer = analyzeSource): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      ComparePanel.revive(panel, extensionUri, analyze, hooks(), state);
    },
  });
}
