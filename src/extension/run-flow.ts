// "Run a command under strace / perf trace" once the user's choices are made, shared by the quick
// pick and the programmatic form: the trust check, the tracer's command line, the run with
// progress and cancellation, and the analysis of the recorded trace in the report panel.

import * as vscode from 'vscode';
import type { IoReport } from '../core/report-types';
import { analyzeInPanel } from './analyze-source';
import { joinCommandLine } from './argv';
import { log, output } from './output';
import { checkProgram, checkWorkingFolder, reserveTraceFile, RunError, traceFolderFor } from './run-preflight';
import { readSettings, type IoLensSettings } from './settings';
import { buildPerfArgs, buildStraceArgs, DEFAULT_SECCOMP_FILTER, runUnderTracer, TracerStartError, type RunProgress, type RunResult } from './trace-runner';
import type { TracerKind } from './tracer-diagnosis';

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

export const tracerName = (kind: TracerKind): string => (kind === 'strace' ? 'strace' : 'perf trace');

/** Refuses (and says why) in a workspace that is not trusted: running executes its settings' tracer. */
export function refuseUntrusted(kind: TracerKind): string | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const message = `running a command under ${tracerName(kind)} needs a trusted workspace, because it executes a program with this workspace's settings. You can still open existing trace files.`;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showErrorMessage(`I/O Lens: ${message}`, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return message;
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
