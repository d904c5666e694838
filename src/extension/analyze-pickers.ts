// The interactive side of Analyze I/O trace: the quick pick of entries and what each entry asks
// the user for (command line with recent ones, working folder, strace options, trace files) before
// running the same functions as the programmatic form.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IoReport } from '../core/report-types';
import { analyzeEditor, analyzeFiles } from './analyze-files';
import { CommandLineError, splitCommandLine } from './argv';
import { refuseUntrusted, runAndAnalyze, tracerName, type RunChoices } from './run-flow';
import { readSettings } from './settings';
import { looksLikeTrace } from './trace-detect';
import { DEFAULT_SECCOMP_FILTER } from './trace-runner';
import type { TracerKind } from './tracer-diagnosis';

const RECENT_KEY = 'iolens.recentCommands';
const MAX_RECENT = 10;

interface SourceItem extends vscode.QuickPickItem {
  run: () => Promise<IoReport | undefined>;
}

function editorLooksLikeTrace(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'strace' || looksLikeTrace(doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 80), 0)));
}

/** The quick pick: runs the chosen entry (a run entry resolves to its report only). */
export async function pickAndRun(context: vscode.ExtensionContext): Promise<IoReport | undefined> {
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
    filters: { 'Traces': ['trace', 'strace', 'txt', 'log', 'out', 'gz'], 'All files': ['*'] },
  });
  return picked && picked.length > 0 ? picked : undefined;
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
