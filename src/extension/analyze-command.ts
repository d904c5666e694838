// "I/O Lens: Analyze I/O trace": pick a source (run a command under strace or perf trace, open
// trace files, or the active editor), analyze it with progress, and show the report panel.
//
// Every entry of the quick pick has a programmatic form that skips the quick pick, input boxes and
// dialogs and then runs the same functions as the interactive entry (see AnalyzeRequest):
//
//   executeCommand('iolens.analyzeTrace', uri | uri[])       the files (several = the -ff parts of one
//                                                            trace) -> IoReport | undefined
//   executeCommand('iolens.analyzeTrace', { entry: 'openFiles', uris: Uri[] })       -> IoReport | undefined
//   executeCommand('iolens.analyzeTrace', { entry: 'activeEditor' })                 -> IoReport | undefined
//   executeCommand('iolens.analyzeTrace', { entry: 'runStrace', argv: string[], cwd: string,
//                                           stacks?: boolean, lowOverhead?: boolean }) -> RunOutcome
//   executeCommand('iolens.analyzeTrace', { entry: 'runPerf', argv: string[], cwd: string }) -> RunOutcome
//
// IoReport | undefined: undefined when the analysis failed or was cancelled (the user was told, the
// panel shows why). RunOutcome = { status, report, tracePath, error? }: where the trace was saved
// (under iolens.traceFolder) and the message the user was shown when the run failed. A request
// that is not one of these shapes rejects with an Error naming what is wrong.

import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open as openFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeTraceFiles, analyzeTraceText, type AnalyzeOptions } from '../core/analyze';
import type { IoReport } from '../core/report-types';
import type { ReportSource } from '../protocol/messages';
import { CommandLineError, joinCommandLine, splitCommandLine } from './argv';
import { log, output } from './output';
import { ReportPanel, sourceTitle, type SourceAnalyzer } from './report-panel';
import { readSettings, type IoLensSettings } from './settings';
import { looksLikeTrace } from './trace-detect';
import { buildPerfArgs, buildStraceArgs, DEFAULT_SECCOMP_FILTER, runUnderTracer, TracerStartError, type RunProgress, type RunResult } from './trace-runner';
import type { TracerKind } from './tracer-diagnosis';

const RECENT_KEY = 'iolens.recentCommands';
const MAX_RECENT = 10;

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

/** How an analysis shown in the report panel ended. */
export type AnalysisOutcome =
  | { status: 'analyzed'; report: IoReport }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string };

/** Shows the panel, analyzes, draws the report (or why there is none, also telling the user). */
export async function analyzeInPanel(context: vscode.ExtensionContext, source: ReportSource): Promise<AnalysisOutcome> {
  const panel = ReportPanel.show(context.extensionUri, analyzeSource);
  panel.showLoading(`Analyzing ${sourceTitle(source)}…`, source);
  try {
    const report = await analyzeSource(source);
    if (!report) {
      panel.showError('The analysis was cancelled.', source);
      return { status: 'cancelled' };
    }
    panel.showReport(report, source);
    await panel.whenTabShown();
    return { status: 'analyzed', report };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    panel.showError(message, source);
    log(message);
    void vscode.window.showErrorMessage(`I/O Lens: ${message}`);
    return { status: 'failed', error: message };
  }
}

/** analyzeInPanel's report: undefined when cancelled or failed, after telling the user. */
export async function analyzeAndShow(context: vscode.ExtensionContext, source: ReportSource): Promise<IoReport | undefined> {
  const outcome = await analyzeInPanel(context, source);
  return outcome.status === 'analyzed' ? outcome.report : undefined;
}

// ---------------------------------------------------------------------------------------------
// The command's arguments

/** A programmatic use of one quick pick entry: what the interactive entry asks the user for. */
export type AnalyzeRequest =
  | { entry: 'runStrace'; argv: string[]; cwd: string; stacks?: boolean; lowOverhead?: boolean }
  | { entry: 'runPerf'; argv: string[]; cwd: string }
  | { entry: 'openFiles'; uris: vscode.Uri[] }
  | { entry: 'activeEditor' };

const REQUEST_KEYS: Record<AnalyzeRequest['entry'], { required: string[]; optional: string[] }> = {
  runStrace: { required: ['argv', 'cwd'], optional: ['stacks', 'lowOverhead'] },
  runPerf: { required: ['argv', 'cwd'], optional: [] },
  openFiles: { required: ['uris'], optional: [] },
  activeEditor: { required: [], optional: [] },
};

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

/**
 * A plain object (not a Uri, nor a Uri's JSON from a command link) is meant as an AnalyzeRequest,
 * and then must be a valid one.
 */
function looksLikeRequest(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || isUri(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && ('entry' in x || !('scheme' in x || '$mid' in x));
}

function requestError(problem: string): Error {
  return new Error(`iolens.analyzeTrace: ${problem}. Expected { entry: 'runStrace', argv: string[], cwd: string, stacks?: boolean, lowOverhead?: boolean } | { entry: 'runPerf', argv: string[], cwd: string } | { entry: 'openFiles', uris: Uri[] } | { entry: 'activeEditor' }.`);
}

/** Checks a request received at run time; throws an Error saying what is wrong. */
export function parseAnalyzeRequest(x: unknown): AnalyzeRequest {
  if (!looksLikeRequest(x)) throw requestError('the argument is not a request object');
  if (!('entry' in x)) throw requestError('the request has no `entry`');
  const entry = x.entry;
  if (typeof entry !== 'string' || !Object.hasOwn(REQUEST_KEYS, entry)) throw requestError(`unknown entry ${JSON.stringify(entry)}`);
  const keys = REQUEST_KEYS[entry as AnalyzeRequest['entry']];
  const unknown = Object.keys(x).filter((k) => k !== 'entry' && !keys.required.includes(k) && !keys.optional.includes(k));
  if (unknown.length > 0) throw requestError(`unknown key(s) ${unknown.join(', ')} for entry '${entry}'`);
  const missing = keys.required.filter((k) => x[k] === undefined);
  if (missing.length > 0) throw requestError(`entry '${entry}' needs ${missing.join(' and ')}`);
  switch (entry) {
    case 'runStrace':
    case 'runPerf': {
      const { argv, cwd } = x;
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string') || argv[0] === '') {
        throw requestError('`argv` must be a non-empty array of strings whose first element (the program) is not empty');
      }
      if (argv.some((a: string) => a.includes('\0'))) throw requestError('`argv` must not contain NUL characters');
      if (typeof cwd !== 'string' || !path.isAbsolute(cwd)) throw requestError('`cwd` must be an absolute path');
      if (entry === 'runPerf') return { entry, argv: [...argv] as string[], cwd };
      for (const k of ['stacks', 'lowOverhead'] as const) {
        if (x[k] !== undefined && typeof x[k] !== 'boolean') throw requestError(`\`${k}\` must be a boolean`);
      }
      return { entry, argv: [...argv] as string[], cwd, stacks: x.stacks === true, lowOverhead: x.lowOverhead === true };
    }
    case 'openFiles': {
      const { uris } = x;
      if (!Array.isArray(uris) || uris.length === 0 || !uris.every(isUri)) throw requestError('`uris` must be a non-empty array of vscode.Uri');
      return { entry, uris: [...uris] };
    }
    default:
      return { entry: 'activeEditor' };
  }
}

/**
 * The handler of `iolens.analyzeTrace`.
 *
 * - `()`: the quick pick (run under strace / perf trace, open trace files, the active editor).
 * - `(uri)`, `(uri[])`, `(clicked, selected[])`: analyzes those files (several = the -ff parts of
 *   one trace; an unsaved editor's text when the one uri is open and dirty or untitled); resolves
 *   to the IoReport, or undefined when the analysis failed or was cancelled (the user was told).
 * - `(request: AnalyzeRequest)`: one quick pick entry without its prompts, the same code path as
 *   the interactive entry after the user's choices:
 *   - `{ entry: 'openFiles', uris: Uri[] }` -> `IoReport | undefined` (as after the open dialog).
 *   - `{ entry: 'activeEditor' }` -> `IoReport | undefined`; rejects when no text editor is active.
 *   - `{ entry: 'runStrace', argv, cwd, stacks?, lowOverhead? }` and `{ entry: 'runPerf', argv, cwd }`
 *     -> `RunOutcome` `{ status: 'analyzed' | 'failed' | 'cancelled', report?, tracePath?, error? }`:
 *     `argv` is the program and its arguments (no shell), `cwd` its absolute working folder,
 *     `stacks` adds strace -k, `lowOverhead` adds --seccomp-bpf with DEFAULT_SECCOMP_FILTER.
 *     `tracePath` is the new file under iolens.traceFolder (relative to the first workspace
 *     folder) where the trace was saved, `error` the message the user was shown on failure. A
 *     workspace that is not trusted is refused (status 'failed').
 *   A malformed request rejects with an Error saying what is wrong.
 */
export function analyzeTraceCommand(context: vscode.ExtensionContext) {
  return async (...args: unknown[]): Promise<IoReport | RunOutcome | undefined> => {
    if (looksLikeRequest(args[0])) return runRequest(context, parseAnalyzeRequest(args[0]));
    const uris = urisFromArgs(args);
    if (uris) return analyzeUris(context, uris);
    return pickAndRun(context);
  };
}

/** Runs one entry with the user's choices already made. */
function runRequest(context: vscode.ExtensionContext, request: AnalyzeRequest): Promise<IoReport | RunOutcome | undefined> {
  switch (request.entry) {
    case 'runStrace':
      return runAndAnalyze(context, { kind: 'strace', argv: request.argv, cwd: request.cwd, stacks: request.stacks ?? false, lowOverhead: request.lowOverhead ?? false });
    case 'runPerf':
      return runAndAnalyze(context, { kind: 'perf', argv: request.argv, cwd: request.cwd, stacks: false, lowOverhead: false });
    case 'openFiles':
      return analyzeFiles(context, request.uris);
    case 'activeEditor': {
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new Error('iolens.analyzeTrace: { entry: \'activeEditor\' } needs an active text editor, and there is none.');
      return analyzeEditor(context, editor.document);
    }
  }
}

/** The `(uri | uri[])` form: an unsaved editor (the editor title button on an untitled or modified trace) is analyzed from its text. */
function analyzeUris(context: vscode.ExtensionContext, uris: vscode.Uri[]): Promise<IoReport | undefined> {
  const open = uris.length === 1 ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uris[0].toString()) : undefined;
  if (open && (open.isUntitled || open.isDirty)) return analyzeAndShow(context, { kind: 'document', uri: open.uri.toString() });
  return analyzeFiles(context, uris);
}

// ---------------------------------------------------------------------------------------------
// The quick pick

interface SourceItem extends vscode.QuickPickItem {
  run: () => Promise<IoReport | undefined>;
}

function editorLooksLikeTrace(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'strace' || looksLikeTrace(doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 80), 0)));
}

async function pickAndRun(context: vscode.ExtensionContext): Promise<IoReport | undefined> {
  const items: SourceItem[] = [
    { label: '$(terminal) Run a command under strace...', detail: 'Record a new trace of a program and analyze it', run: () => runCommandFlow(context, 'strace') },
    { label: '$(pulse) Run a command under perf trace...', detail: 'Lower overhead than strace; needs perf and perf_event permissions', run: () => runCommandFlow(context, 'perf') },
    { label: '$(folder-opened) Open a trace file...', detail: 'strace or perf trace output; select every -ff part of one trace', run: () => openFilesFlow(context) },
  ];
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const doc = editor.document;
    const isTrace = editorLooksLikeTrace(doc);
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
}

/** "Analyze the active editor": a saved file is read from disk, anything else from the editor's text. */
async function analyzeEditor(context: vscode.ExtensionContext, doc: vscode.TextDocument): Promise<IoReport | undefined> {
  if (doc.uri.scheme === 'file' && !doc.isDirty) return analyzeFiles(context, [doc.uri]);
  return analyzeAndShow(context, { kind: 'document', uri: doc.uri.toString() });
}

/** "Open a trace file...", after the dialog: the files are the parts of one trace. */
function analyzeFiles(context: vscode.ExtensionContext, uris: readonly vscode.Uri[]): Promise<IoReport | undefined> {
  return analyzeAndShow(context, { kind: 'files', uris: uris.map((u) => u.toString()) });
}

async function openFilesFlow(context: vscode.ExtensionContext): Promise<IoReport | undefined> {
  const picked = await askTraceFiles();
  if (!picked) return undefined;
  return analyzeFiles(context, picked);
}

async function askTraceFiles(): Promise<vscode.Uri[] | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const defaultUri = folder ? vscode.Uri.joinPath(folder.uri, readSettings().traceFolder) : undefined;
  const picked = await vscode.window.showOpenDialog({
    title: 'Open strace / perf trace output (select every part of a -ff trace)',
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri,
    openLabel: 'Analyze',
    filters: { 'Traces': ['trace', 'strace', 'txt', 'log', 'out'], 'All files': ['*'] },
  });
  return picked && picked.length > 0 ? picked : undefined;
}

// ---------------------------------------------------------------------------------------------
// Run a command under a tracer: the user's choices

/** Everything "Run a command under ..." asks the user for. */
export interface RunChoices {
  kind: TracerKind;
  /** The program and its arguments (no shell). */
  argv: string[];
  /** Its working folder (absolute). */
  cwd: string;
  /** strace -k */
  stacks: boolean;
  /** strace --seccomp-bpf -e trace=DEFAULT_SECCOMP_FILTER */
  lowOverhead: boolean;
}

/** How a run entry ended (what the programmatic form resolves to). */
export interface RunOutcome {
  /** 'analyzed': `report` is there. 'failed': the run or its analysis failed (`error`, also shown
   * to the user). 'cancelled': the user stopped the run or the analysis. */
  status: 'analyzed' | 'failed' | 'cancelled';
  report?: IoReport;
  /** Absolute path of the trace file this run created under iolens.traceFolder (kept on failure). */
  tracePath?: string;
  error?: string;
}

async function runCommandFlow(context: vscode.ExtensionContext, kind: TracerKind): Promise<IoReport | undefined> {
  if (refuseUntrusted(kind)) return undefined; // before asking anything; runAndAnalyze checks again
  const choices = await askRunChoices(context, kind);
  if (!choices) return undefined;
  return (await runAndAnalyze(context, choices)).report;
}

async function askRunChoices(context: vscode.ExtensionContext, kind: TracerKind): Promise<RunChoices | undefined> {
  const argv = await askCommandLine(context, kind);
  if (!argv) return undefined;
  const cwd = await askFolder();
  if (!cwd) return undefined;
  if (kind === 'perf') return { kind, argv, cwd, stacks: false, lowOverhead: false };
  const options = await askStraceOptions();
  if (!options) return undefined;
  return { kind, argv, cwd, ...options };
}

async function askCommandLine(context: vscode.ExtensionContext, kind: TracerKind): Promise<string[] | undefined> {
  const recent = context.workspaceState.get<string[]>(RECENT_KEY, []).filter((s) => typeof s === 'string');
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = `Run a command under ${tracerName(kind)}`;
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

async function askStraceOptions(): Promise<Pick<RunChoices, 'stacks' | 'lowOverhead'> | undefined> {
  const items = [
    { label: '-k', description: 'stack traces', detail: 'Shows which code issued each call (slower; needs strace built with libunwind/libdw)', key: 'stacks' as const },
    { label: '--seccomp-bpf', description: `-e trace=${DEFAULT_SECCOMP_FILTER}`, detail: 'Lower overhead: only I/O, fd, memory and process calls stop the program', key: 'lowOverhead' as const },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'strace options (Enter for none)', canPickMany: true, placeHolder: 'Tracer flags come from iolens.straceArgs; pick extras' });
  if (!picked) return undefined;
  return { stacks: picked.some((p) => p.key === 'stacks'), lowOverhead: picked.some((p) => p.key === 'lowOverhead') };
}

// ---------------------------------------------------------------------------------------------
// Run a command under a tracer: the shared path

const tracerName = (kind: TracerKind): string => (kind === 'strace' ? 'strace' : 'perf trace');

/** A failure to tell the user as is (no "failed:" prefix needed). */
class RunError extends Error {}

/** Refuses (and says why) in a workspace that is not trusted: running executes its settings' tracer. */
function refuseUntrusted(kind: TracerKind): string | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const message = `running a command under ${tracerName(kind)} needs a trusted workspace, because it executes a program with this workspace's settings. You can still open existing trace files.`;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showErrorMessage(`I/O Lens: ${message}`, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return message;
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

/** iolens.traceFolder, absolute: relative to the first workspace folder (else to the command's folder). */
export function traceFolderFor(cwd: string, settings: IoLensSettings = readSettings()): string {
  if (path.isAbsolute(settings.traceFolder)) return settings.traceFolder;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? cwd;
  return path.join(root, settings.traceFolder);
}

/** Throws a RunError when the working folder is not a folder (spawn would blame the tracer). */
async function checkWorkingFolder(cwd: string): Promise<void> {
  try {
    if (!(await stat(cwd)).isDirectory()) throw new RunError(`The working folder ${cwd} is not a folder.`);
  } catch (err) {
    if (err instanceof RunError) throw err;
    throw new RunError(`The working folder ${cwd} does not exist or cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws a RunError when the program cannot be started, found the way the tracer's exec will: a
 * name with a slash relative to `cwd`, else on PATH. (strace would only say "Can't stat", and perf
 * trace exits 0 with an empty trace.)
 */
export async function checkProgram(program: string, cwd: string, envPath = process.env.PATH ?? ''): Promise<void> {
  if (program.includes('/')) {
    const file = path.resolve(cwd, program);
    let isFile: boolean;
    try {
      isFile = (await stat(file)).isFile();
    } catch {
      throw new RunError(`The program "${program}" was not found: ${file} does not exist.`);
    }
    if (!isFile) throw new RunError(`The program "${program}" is not a file: ${file}.`);
    if (!(await isExecutableFile(file))) throw new RunError(`The program "${program}" is not executable (permission denied): ${file}.`);
    return;
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (await isExecutableFile(path.resolve(cwd, dir || '.', program))) return;
  }
  throw new RunError(`The program "${program}" was not found on PATH. Give its path (e.g. ./${program}) or install it.`);
}

/** The tracer's command line for these choices (settings: tracer paths, strace flags, -s). */
export interface TracerInvocation {
  kind: TracerKind;
  executable: string;
  args: string[];
  cwd: string;
  traceFile: string;
}

export function tracerInvocation(choices: RunChoices, traceFile: string, settings: IoLensSettings = readSettings()): TracerInvocation {
  const { kind, argv, cwd } = choices;
  if (kind === 'perf') return { kind, executable: settings.perfPath, args: buildPerfArgs(traceFile, argv), cwd, traceFile };
  const args = buildStraceArgs({
    baseArgs: settings.straceArgs,
    stringSize: settings.stringSize,
    stacks: choices.stacks,
    seccompFilter: choices.lowOverhead ? DEFAULT_SECCOMP_FILTER : undefined,
  }, traceFile, argv);
  return { kind, executable: settings.stracePath, args, cwd, traceFile };
}

export interface RunHooks {
  /** The program's and the tracer's output, as it comes. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  onProgress?: (p: RunProgress) => void;
}

/**
 * Runs the tracer until it exits or `token` is cancelled; when cancelled, every process of the run
 * is gone by the time this resolves (RunResult.cancelled). Rejects with TracerStartError when the
 * tracer cannot be started.
 */
export async function runTracer(inv: TracerInvocation, token: vscode.CancellationToken, hooks: RunHooks = {}): Promise<RunResult> {
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  if (token.isCancellationRequested) abort.abort();
  try {
    return await runUnderTracer({ ...inv, signal: abort.signal, onOutput: hooks.onOutput, onProgress: hooks.onProgress });
  } finally {
    sub.dispose();
  }
}

/** runTracer under a cancellable progress notification, the output going to the I/O Lens channel. */
function recordWithProgress(inv: TracerInvocation, argv: readonly string[]): Thenable<RunResult> {
  const out = output();
  out.show(true);
  log(`$ ${joinCommandLine([inv.executable, ...inv.args])}   (in ${inv.cwd})`);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `I/O Lens: ${tracerName(inv.kind)} ${joinCommandLine(argv)}`, cancellable: true },
    (progress, token) => runTracer(inv, token, {
      onOutput: (text) => out.append(text),
      onProgress: (p) => progress.report({ message: `${(p.elapsedMs / 1000).toFixed(1)} s · ${p.lines.toLocaleString('en-US')} calls seen` }),
    }),
  );
}

/**
 * Whether the recorded trace should be analyzed: yes after a clean run, or after a stop when the
 * user wants what was recorded; throws a RunError when the tracer failed or recorded nothing.
 */
async function shouldAnalyze(kind: TracerKind, result: RunResult, traceFile: string): Promise<boolean> {
  const ended = result.cancelled ? 'cancelled' : result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
  log(`${kind} finished: ${ended}, ${result.lines} trace lines, ${(result.elapsedMs / 1000).toFixed(1)} s. Trace: ${traceFile}`);
  if (result.cancelled) {
    const analyze = 'Analyze what was recorded';
    const choice = await vscode.window.showInformationMessage(`I/O Lens: the traced command was stopped (all its processes are gone). The partial trace is ${traceFile}.`, analyze);
    return choice === analyze;
  }
  if (result.failure) throw new RunError(result.failure);
  if (result.lines === 0) throw new RunError(`${kind} recorded nothing in ${traceFile}. See the I/O Lens output for what the tracer said.`);
  return true;
}

/** Tells the user why a run failed (not awaited: the command must not wait for the message to be dismissed). */
function reportRunFailure(kind: TracerKind, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  log(message);
  const actions = err instanceof TracerStartError ? ['Open Settings'] : ['Show Output'];
  void vscode.window.showErrorMessage(`I/O Lens: ${message}`, ...actions).then((choice) => {
    if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', kind === 'strace' ? 'iolens.stracePath' : 'iolens.perfPath');
    if (choice === 'Show Output') output().show();
  });
  return message;
}

/**
 * "Run a command under strace / perf trace" once the choices are made, for the quick pick and the
 * programmatic form alike: refuses an untrusted workspace, checks the folder and the program,
 * saves the trace under iolens.traceFolder, runs the tracer with progress, analyzes the trace and
 * shows the report. Failures are told to the user and returned, never thrown.
 */
export async function runAndAnalyze(context: vscode.ExtensionContext, choices: RunChoices): Promise<RunOutcome> {
  const untrusted = refuseUntrusted(choices.kind);
  if (untrusted) return { status: 'failed', error: untrusted };
  let tracePath: string | undefined;
  try {
    await checkWorkingFolder(choices.cwd);
    await checkProgram(choices.argv[0], choices.cwd);
    const settings = readSettings();
    const traceDir = traceFolderFor(choices.cwd, settings);
    try {
      tracePath = await reserveTraceFile(traceDir, choices.argv[0], choices.kind);
    } catch (err) {
      throw new RunError(`cannot create the trace file in ${traceDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const result = await recordWithProgress(tracerInvocation(choices, tracePath, settings), choices.argv);
    if (!(await shouldAnalyze(choices.kind, result, tracePath))) return { status: 'cancelled', tracePath };
    const analysis = await analyzeInPanel(context, { kind: 'files', uris: [vscode.Uri.file(tracePath).toString()] });
    if (analysis.status === 'analyzed') return { status: 'analyzed', report: analysis.report, tracePath };
    return analysis.status === 'cancelled' ? { status: 'cancelled', tracePath } : { status: 'failed', error: analysis.error, tracePath };
  } catch (err) {
    return { status: 'failed', error: reportRunFailure(choices.kind, err), tracePath };
  }
}
