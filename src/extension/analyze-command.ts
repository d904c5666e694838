// "I/O Lens: Analyze I/O trace": pick a source (run a command under strace or perf trace, open
// trace files, or the active editor), analyze it with progress, and show the report panel.
//
// Test contract: executeCommand('iolens.analyzeTrace', uri | uri[]) skips the quick pick, analyzes
// those files (several = the -ff parts of one trace), opens the panel and returns the IoReport.

import { mkdir, open as openFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeTraceFiles, analyzeTraceText, type AnalyzeOptions } from '../core/analyze';
import type { IoReport } from '../core/report-types';
import type { ReportSource } from '../protocol/messages';
import { CommandLineError, joinCommandLine, splitCommandLine } from './argv';
import { log, output } from './output';
import { ReportPanel, sourceTitle, type SourceAnalyzer } from './report-panel';
import { readSettings } from './settings';
import { looksLikeTrace } from './trace-detect';
import { buildPerfArgs, buildStraceArgs, DEFAULT_SECCOMP_FILTER, runUnderTracer, TracerStartError } from './trace-runner';
import type { TracerKind } from './tracer-diagnosis';

const RECENT_KEY = 'iolens.recentCommands';
const MAX_RECENT = 10;

class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

// ---------------------------------------------------------------------------------------------
// Analysis with progress

function analyzeOptions(signal: AbortSignal, onProgress: AnalyzeOptions['onProgress']): AnalyzeOptions {
  return { signal, onProgress, assumeGatherNic: readSettings().assumeGatherNic };
}

/** Reads an editor's text, or a document's by URI (also untitled ones). */
async function documentFor(uri: vscode.Uri): Promise<vscode.TextDocument> {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
}

/**
 * Analyzes a source under a cancellable progress notification. Resolves undefined when the user
 * cancelled; rejects with a readable message on failure.
 */
export const analyzeSource: SourceAnalyzer = (source) =>
  Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `I/O Lens: analyzing ${sourceTitle(source)}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let lastPct = 0;
      try {
        if (source.kind === 'document') {
          const doc = await documentFor(vscode.Uri.parse(source.uri, true));
          const name = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
          return analyzeTraceText(doc.getText(), name, { assumeGatherNic: readSettings().assumeGatherNic });
        }
        const uris = source.uris.map((u) => vscode.Uri.parse(u, true));
        const local = uris.every((u) => u.scheme === 'file');
        if (!local) {
          if (uris.length !== 1) throw new Error('Only local files can be analyzed as the -ff parts of one trace.');
          const bytes = await vscode.workspace.fs.readFile(uris[0]);
          return analyzeTraceText(Buffer.from(bytes).toString('utf8'), uris[0].toString(), { assumeGatherNic: readSettings().assumeGatherNic });
        }
        return await analyzeTraceFiles(uris.map((u) => u.fsPath), analyzeOptions(abort.signal, (p) => {
          const pct = p.totalBytes > 0 ? Math.floor((p.bytesRead / p.totalBytes) * 100) : 0;
          progress.report({ increment: Math.max(0, pct - lastPct), message: `${pct}% · ${p.lines.toLocaleString('en-US')} lines` });
          lastPct = Math.max(lastPct, pct);
        }));
      } catch (err) {
        if (abort.signal.aborted || (err instanceof Error && err.name === 'AbortError')) return undefined;
        throw new Error(describeAnalysisError(err, source));
      } finally {
        sub.dispose();
      }
    },
  ));

function describeAnalysisError(err: unknown, source: ReportSource): string {
  const e = err as NodeJS.ErrnoException;
  const what = sourceTitle(source);
  if (e && e.code === 'ENOENT') return `The trace file was not found: ${e.path ?? what}.`;
  if (e && e.code === 'EACCES') return `The trace file cannot be read (permission denied): ${e.path ?? what}.`;
  if (e && e.code === 'EISDIR') return `${e.path ?? what} is a folder, not a trace file.`;
  return `Analyzing ${what} failed: ${e instanceof Error ? e.message : String(err)}`;
}

/** Shows the panel, analyzes, draws the report; returns it (undefined when cancelled or failed, after telling the user). */
export async function analyzeAndShow(context: vscode.ExtensionContext, source: ReportSource): Promise<IoReport | undefined> {
  const panel = ReportPanel.show(context.extensionUri, analyzeSource);
  panel.showLoading(`Analyzing ${sourceTitle(source)}…`, source);
  try {
    const report = await analyzeSource(source);
    if (!report) {
      panel.showError('The analysis was cancelled.', source);
      return undefined;
    }
    panel.showReport(report, source);
    await panel.whenTabShown();
    return report;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    panel.showError(message, source);
    log(message);
    void vscode.window.showErrorMessage(`I/O Lens: ${message}`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The quick pick

interface SourceItem extends vscode.QuickPickItem {
  run: () => Promise<IoReport | undefined>;
}

function isUri(x: unknown): x is vscode.Uri {
  return x instanceof vscode.Uri;
}

/** `(uri)`, `(uri[])`, or the explorer's `(clicked, selected[])`. */
function urisFromArgs(args: unknown[]): vscode.Uri[] | undefined {
  const [first, second] = args;
  if (Array.isArray(second) && second.length > 1 && second.every(isUri)) return second;
  if (Array.isArray(first) && first.length > 0 && first.every(isUri)) return first;
  if (isUri(first)) return [first];
  return undefined;
}

export function analyzeTraceCommand(context: vscode.ExtensionContext) {
  return async (...args: unknown[]): Promise<IoReport | undefined> => {
    const uris = urisFromArgs(args);
    if (uris) {
      // An unsaved editor (the editor title button on an untitled or modified trace): analyze its text.
      const open = uris.length === 1 ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uris[0].toString()) : undefined;
      if (open && (open.isUntitled || open.isDirty)) return analyzeAndShow(context, { kind: 'document', uri: open.uri.toString() });
      return analyzeAndShow(context, { kind: 'files', uris: uris.map((u) => u.toString()) });
    }

    const items: SourceItem[] = [
      { label: '$(terminal) Run a command under strace...', detail: 'Record a new trace of a program and analyze it', run: () => runCommandFlow(context, 'strace') },
      { label: '$(pulse) Run a command under perf trace...', detail: 'Lower overhead than strace; needs perf and perf_event permissions', run: () => runCommandFlow(context, 'perf') },
      { label: '$(folder-opened) Open a trace file...', detail: 'strace or perf trace output; select every -ff part of one trace', run: () => openFilesFlow(context) },
    ];
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      const doc = editor.document;
      const isTrace = doc.languageId === 'strace' || looksLikeTrace(doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 80), 0)));
      items.push({
        label: '$(file-code) Analyze the active editor',
        description: path.basename(doc.fileName),
        detail: isTrace ? undefined : 'This editor does not look like strace or perf trace output',
        run: () => analyzeEditor(context, doc),
      });
      if (isTrace) items.unshift(items.pop() as SourceItem);
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'I/O Lens: Analyze I/O trace', placeHolder: 'What should be analyzed?' });
    return pick?.run();
  };
}

async function analyzeEditor(context: vscode.ExtensionContext, doc: vscode.TextDocument): Promise<IoReport | undefined> {
  if (doc.uri.scheme === 'file' && !doc.isDirty) return analyzeAndShow(context, { kind: 'files', uris: [doc.uri.toString()] });
  return analyzeAndShow(context, { kind: 'document', uri: doc.uri.toString() });
}

async function openFilesFlow(context: vscode.ExtensionContext): Promise<IoReport | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const settings = readSettings();
  const defaultUri = folder ? vscode.Uri.joinPath(folder.uri, settings.traceFolder) : undefined;
  const picked = await vscode.window.showOpenDialog({
    title: 'Open strace / perf trace output (select every part of a -ff trace)',
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri,
    openLabel: 'Analyze',
    filters: { 'Traces': ['trace', 'strace', 'txt', 'log', 'out'], 'All files': ['*'] },
  });
  if (!picked || picked.length === 0) return undefined;
  return analyzeAndShow(context, { kind: 'files', uris: picked.map((u) => u.toString()) });
}

// ---------------------------------------------------------------------------------------------
// Run a command under a tracer

async function askCommandLine(context: vscode.ExtensionContext, kind: TracerKind): Promise<string[] | undefined> {
  const recent = context.workspaceState.get<string[]>(RECENT_KEY, []).filter((s) => typeof s === 'string');
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = `Run a command under ${kind === 'strace' ? 'strace' : 'perf trace'}`;
  qp.placeholder = 'Command line, e.g. ./server --port 8080 (no shell: use sh -c \'...\' for pipes)';
  qp.ignoreFocusOut = true;
  const recentItems = recent.map((r) => ({ label: r, description: 'recent' }));
  qp.items = recentItems;
  qp.onDidChangeValue((v) => {
    qp.items = v.trim() ? [{ label: v, description: 'run' }, ...recentItems.filter((i) => i.label !== v)] : recentItems;
  });
  const line = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.label ?? (qp.value.trim() || undefined));
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!line) return undefined;
  let argv: string[];
  try {
    argv = splitCommandLine(line);
  } catch (err) {
    void vscode.window.showErrorMessage(`I/O Lens: ${err instanceof CommandLineError ? err.message : String(err)}`);
    return undefined;
  }
  if (argv.length === 0) return undefined;
  const joined = line.trim();
  await context.workspaceState.update(RECENT_KEY, [joined, ...recent.filter((r) => r !== joined)].slice(0, MAX_RECENT));
  return argv;
}

async function askFolder(): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const items: (vscode.QuickPickItem & { fsPath?: string })[] = folders.map((f) => ({ label: f.name, description: f.uri.fsPath, fsPath: f.uri.fsPath }));
  items.push({ label: '$(folder) Choose another folder...' });
  const pick = await vscode.window.showQuickPick(items, { title: 'Working folder of the command', placeHolder: folders[0] ? `Enter: ${folders[0].uri.fsPath}` : 'Choose a folder' });
  if (!pick) return undefined;
  if (pick.fsPath) return pick.fsPath;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Run here' });
  return chosen?.[0]?.fsPath;
}

interface StraceChoices {
  stacks: boolean;
  seccomp: boolean;
}

async function askStraceOptions(): Promise<StraceChoices | undefined> {
  const items = [
    { label: '-k', description: 'stack traces', detail: 'Shows which code issued each call (slower; needs strace built with libunwind/libdw)', key: 'stacks' as const },
    { label: '--seccomp-bpf', description: `-e trace=${DEFAULT_SECCOMP_FILTER}`, detail: 'Lower overhead: only I/O, fd, memory and process calls stop the program', key: 'seccomp' as const },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'strace options (Enter for none)', canPickMany: true, placeHolder: 'Tracer flags come from iolens.straceArgs; pick extras' });
  if (!picked) return undefined;
  return { stacks: picked.some((p) => p.key === 'stacks'), seccomp: picked.some((p) => p.key === 'seccomp') };
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

/** Creates a new, empty trace file under the trace folder (never overwrites: -1, -2, ... when taken). */
export async function reserveTraceFile(folder: string, program: string, kind: TracerKind): Promise<string> {
  await mkdir(folder, { recursive: true });
  const base = `${path.basename(program).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'trace'}-${timestamp()}${kind === 'perf' ? '.perf' : ''}`;
  for (let i = 0; i < 1000; i++) {
    const file = path.join(folder, `${base}${i ? `-${i}` : ''}.trace`);
    try {
      const fh = await openFile(file, 'wx');
      await fh.close();
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`No free trace file name in ${folder}.`);
}

async function refuseUntrusted(kind: TracerKind): Promise<boolean> {
  if (vscode.workspace.isTrusted) return false;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showErrorMessage(
    `I/O Lens: running a command under ${kind === 'strace' ? 'strace' : 'perf trace'} needs a trusted workspace, because it executes a program with this workspace's settings. You can still open existing trace files.`,
    manage,
  );
  if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  return true;
}

async function runCommandFlow(context: vscode.ExtensionContext, kind: TracerKind): Promise<IoReport | undefined> {
  if (await refuseUntrusted(kind)) return undefined;
  const argv = await askCommandLine(context, kind);
  if (!argv) return undefined;
  const cwd = await askFolder();
  if (!cwd) return undefined;
  const settings = readSettings();
  let choices: StraceChoices = { stacks: false, seccomp: false };
  if (kind === 'strace') {
    const c = await askStraceOptions();
    if (!c) return undefined;
    choices = c;
  }
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? cwd;
  const traceDir = path.isAbsolute(settings.traceFolder) ? settings.traceFolder : path.join(root, settings.traceFolder);
  let traceFile: string;
  try {
    traceFile = await reserveTraceFile(traceDir, argv[0], kind);
  } catch (err) {
    void vscode.window.showErrorMessage(`I/O Lens: cannot create the trace file in ${traceDir}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const executable = kind === 'strace' ? settings.stracePath : settings.perfPath;
  const args = kind === 'strace'
    ? buildStraceArgs({ baseArgs: settings.straceArgs, stringSize: settings.stringSize, stacks: choices.stacks, seccompFilter: choices.seccomp ? DEFAULT_SECCOMP_FILTER : undefined }, traceFile, argv)
    : buildPerfArgs(traceFile, argv);

  const out = output();
  out.show(true);
  log(`$ ${joinCommandLine([executable, ...args])}   (in ${cwd})`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `I/O Lens: ${kind === 'strace' ? 'strace' : 'perf trace'} ${joinCommandLine(argv)}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await runUnderTracer({
            kind, executable, args, cwd, traceFile, signal: abort.signal,
            onOutput: (text) => out.append(text),
            onProgress: (p) => progress.report({ message: `${(p.elapsedMs / 1000).toFixed(1)} s · ${p.lines.toLocaleString('en-US')} calls seen` }),
          });
        } finally {
          sub.dispose();
        }
      },
    );
    log(`${kind} finished: ${result.cancelled ? 'cancelled' : result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`}, ${result.lines} trace lines, ${(result.elapsedMs / 1000).toFixed(1)} s. Trace: ${traceFile}`);
    if (result.cancelled) {
      const analyze = 'Analyze what was recorded';
      const choice = await vscode.window.showInformationMessage(`I/O Lens: the traced command was stopped (all its processes are gone). The partial trace is ${traceFile}.`, analyze);
      if (choice !== analyze) throw new CancelledError();
    } else if (result.failure) {
      throw new Error(result.failure);
    } else if (result.lines === 0) {
      throw new Error(`${kind} recorded nothing in ${traceFile}. See the I/O Lens output for what the tracer said.`);
    }
    return await analyzeAndShow(context, { kind: 'files', uris: [vscode.Uri.file(traceFile).toString()] });
  } catch (err) {
    if (err instanceof CancelledError) return undefined;
    const message = err instanceof Error ? err.message : String(err);
    log(message);
    const actions = err instanceof TracerStartError ? ['Open Settings'] : ['Show Output'];
    // Not awaited: the command's promise must not wait for the user to dismiss the message.
    void vscode.window.showErrorMessage(`I/O Lens: ${message}`, ...actions).then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', kind === 'strace' ? 'iolens.stracePath' : 'iolens.perfPath');
      if (choice === 'Show Output') out.show();
    });
    return undefined;
  }
}
