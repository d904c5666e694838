// Analyzing one ReportSource (trace files or an editor's text) under a cancellable progress
// notification, and showing the result in the report panel: where every Analyze I/O trace entry
// ends once it knows what to analyze (also the report and compare panels' re-analysis).

import * as vscode from 'vscode';
import { analyzeTraceFiles, analyzeTraceText, type AnalyzeOptions } from '../core/analyze';
import type { IoReport } from '../core/report-types';
import type { ReportSource } from '../protocol/messages';
import { log } from './output';
import { ReportPanel, sourceTitle, type SourceAnalyzer } from './report-panel';
import { readSettings } from './settings';

function analyzeOptions(signal: AbortSignal, onProgress: AnalyzeOptions['onProgress']): AnalyzeOptions {
  const settings = readSettings();
  return { signal, onProgress, assumeGatherNic: settings.assumeGatherNic, parseInWorker: settings.parseThread };
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
