// Wiring of the editor features (issue #6): source hovers, CodeLens and diagnostics from the loaded
// trace, and the trace-file language providers. activate() calls registerEditorFeatures once.
//
// Commands: EDITOR_COMMANDS are factories in the commands.ts style. Those not (yet) in the
// COMMANDS table of commands.ts are registered here, so moving them there later needs no change
// here and never registers one twice.

import * as vscode from 'vscode';
import { analyzeSource } from './analyze-source';
import type { CommandFactory } from './commands';
import { ReportPanel } from './report-panel';
import { revealLines } from './reveal';
import { SourceCodeLensProvider, toggleCodeLensCommand, TOGGLE_CODELENS_COMMAND } from './source-codelens';
import { EXPLAIN_SCHEME, ExplanationProvider, explainTransferCommand, TransferCodeActions, TransferDiagnostics } from './source-diagnostics';
import { EXPLAIN_TRANSFER_COMMAND, SHOW_TRACE_LINES_COMMAND, SHOW_TRANSFER_COMMAND, SOURCE_SELECTOR, SourceHoverProvider } from './source-hover';
import { detectTraceDocument, forgetTraceDocument, TRACE_SELECTOR, TraceDefinitionProvider, TraceFoldingProvider, TraceHoverProvider, TraceSymbolProvider } from './trace-language';
import { traceStore } from './trace-store';

export const UNLOAD_TRACE_COMMAND = 'iolens.unloadTrace';

function idArg(arg: unknown): string | undefined {
  return typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
}

/** `iolens.showTransfer({ id })`: the report panel scrolled to the transfer, and the transfer's lines selected in the trace. */
export function showTransferCommand(context: vscode.ExtensionContext) {
  return async (arg?: unknown): Promise<string | undefined> => {
    const id = idArg(arg);
    const trace = traceStore.current;
    const t = id ? trace?.transfersById.get(id) : undefined;
    if (!trace || !t) {
      void vscode.window.showInformationMessage('I/O Lens: that transfer is not in the loaded trace.');
      return undefined;
    }
    const panel = ReportPanel.show(context.extensionUri, analyzeSource);
    if (panel.report !== trace.report) panel.showReport(trace.report, trace.source);
    panel.focusTransfer(t.id);
    const uri = trace.uris[t.fileIndex ?? 0];
    if (uri) await revealLines(uri, t.lines[0], t.lines[1], panel.panel.viewColumn);
    return t.id;
  };
}

/** `iolens.showTraceLines({ fileIndex, line, endLine? })`: the loaded trace at those lines. */
export function showTraceLinesCommand() {
  return async (arg?: unknown): Promise<void> => {
    const a = (typeof arg === 'object' && arg !== null ? arg : {}) as { fileIndex?: unknown; line?: unknown; endLine?: unknown };
    const trace = traceStore.current;
    const uri = typeof a.fileIndex === 'number' ? trace?.uris[a.fileIndex] : undefined;
    if (!uri || typeof a.line !== 'number') return;
    await revealLines(uri, a.line, typeof a.endLine === 'number' ? a.endLine : a.line);
  };
}

export function unloadTraceCommand() {
  return (): void => traceStore.unload();
}

/** The commands of the editor features, for the COMMANDS table of commands.ts. */
export const EDITOR_COMMANDS: Readonly<Record<string, CommandFactory>> = {
  [SHOW_TRANSFER_COMMAND]: showTransferCommand,
  [EXPLAIN_TRANSFER_COMMAND]: explainTransferCommand,
  [SHOW_TRACE_LINES_COMMAND]: showTraceLinesCommand,
  [TOGGLE_CODELENS_COMMAND]: toggleCodeLensCommand,
  [UNLOAD_TRACE_COMMAND]: unloadTraceCommand,
};

/** Providers, diagnostics and document detection; the commands are in the COMMANDS table (commands.ts). */
export function registerEditorFeatures(): vscode.Disposable[] {
  const codeLens = new SourceCodeLensProvider();
  const diagnostics = new TransferDiagnostics();
  const out: vscode.Disposable[] = [
    traceStore,
    codeLens,
    diagnostics,
    vscode.languages.registerHoverProvider(SOURCE_SELECTOR, new SourceHoverProvider()),
    vscode.languages.registerCodeLensProvider(SOURCE_SELECTOR, codeLens),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new TransferCodeActions(), { providedCodeActionKinds: TransferCodeActions.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, new ExplanationProvider()),
    vscode.languages.registerHoverProvider(TRACE_SELECTOR, new TraceHoverProvider()),
    vscode.languages.registerDefinitionProvider(TRACE_SELECTOR, new TraceDefinitionProvider()),
    vscode.languages.registerDocumentSymbolProvider(TRACE_SELECTOR, new TraceSymbolProvider(), { label: 'Processes' }),
    vscode.languages.registerFoldingRangeProvider(TRACE_SELECTOR, new TraceFoldingProvider()),
    vscode.workspace.onDidOpenTextDocument((d) => void detectTraceDocument(d)),
    vscode.workspace.onDidCloseTextDocument(forgetTraceDocument),
  ];
  for (const d of vscode.workspace.textDocuments) void detectTraceDocument(d);
  return out;
}
