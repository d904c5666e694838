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
//
// This file is the command's factory and dispatch; the parts live in:
//   analyze-request.ts   the request shapes and their validation; recognizing the (uri | uri[]) arguments
//   analyze-pickers.ts   the quick pick and what each entry asks the user for
//   analyze-files.ts     the open-files / active-editor entries and analyzing the (uri | uri[]) form
//   run-flow.ts          run under strace / perf trace once the choices are made (runAndAnalyze, runTracer)
//   run-preflight.ts     working folder and program checks, trace file reservation, iolens.traceFolder
//   analyze-source.ts    analysis with progress and the report panel (analyzeSource, analyzeInPanel)

import * as vscode from 'vscode';
import type { IoReport } from '../core/report-types';
import { analyzeEditor, analyzeFiles, analyzeUris } from './analyze-files';
import { pickAndRun } from './analyze-pickers';
import { looksLikeRequest, parseAnalyzeRequest, urisFromArgs, type AnalyzeRequest } from './analyze-request';
import { runAndAnalyze, type RunOutcome } from './run-flow';

// Every name this module exported before the split stays importable from here (editor-features.ts
// still imports analyzeSource this way).
export { analyzeAndShow, analyzeInPanel, analyzeSource, type AnalysisOutcome } from './analyze-source';
export { parseAnalyzeRequest, type AnalyzeRequest } from './analyze-request';
export { runAndAnalyze, runTracer, tracerInvocation, type RunChoices, type RunHooks, type RunOutcome, type TracerInvocation } from './run-flow';
export { checkProgram, reserveTraceFile, traceFolderFor } from './run-preflight';

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
