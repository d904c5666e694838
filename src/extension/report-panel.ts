// The report webview panel (viewType `iolens.report`): created beside the editor or revealed,
// a strict CSP with a per-load nonce, resources only from dist/webview and media, messages checked
// with the shared protocol guards both ways, and restored after a reload by the serializer, which
// re-analyzes the trace files the webview saved in its state.

import * as vscode from 'vscode';
import type { IoReport } from '../core/report-types';
import {
  isPersistedState,
  isWebviewToExtensionMessage,
  type ExtensionToWebviewMessage,
  type ReportSource,
  type WebviewToExtensionMessage,
} from '../protocol/messages';
import { log } from './output';
import { revealLines } from './reveal';
import { traceStore } from './trace-store';
import { initWebviewPanel, postToWebview, webviewOptions, whenWebviewTabShown, type WebviewPage } from './webview-html';

export const REPORT_VIEW_TYPE = 'iolens.report';

/** Analyzes a source (with its own progress UI); rejects on failure, resolves undefined when cancelled. */
export type SourceAnalyzer = (source: ReportSource) => Promise<IoReport | undefined>;

type PanelContent =
  | { kind: 'loading'; title: string; source?: ReportSource }
  | { kind: 'report'; report: IoReport; source: ReportSource }
  | { kind: 'error'; message: string; source?: ReportSource };

/** The trace files of a source, in the order the report's file indexes count them. */
export function sourceUris(source: ReportSource): string[] {
  return source.kind === 'files' ? source.uris : [source.uri];
}

export function sourceTitle(source: ReportSource): string {
  const names = sourceUris(source).map((u) => {
    try {
      const p = vscode.Uri.parse(u).path;
      return p.slice(p.lastIndexOf('/') + 1) || u;
    } catch {
      return u;
    }
  });
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

/**
 * Opens a source's trace file `fileIndex` at a line range beside `column`: the webviews name files
 * only by index into the source this extension gave them, never by path.
 */
export async function revealSourceLines(source: ReportSource | undefined, fileIndex: number, line: number, endLine: number, column: vscode.ViewColumn | undefined): Promise<void> {
  const uri = source && sourceUris(source)[fileIndex];
  if (uri === undefined) return;
  try {
    await revealLines(vscode.Uri.parse(uri, true), line, endLine, column);
  } catch (err) {
    void vscode.window.showErrorMessage(`I/O Lens: cannot open the trace at line ${line}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const REPORT_PAGE: WebviewPage = { script: 'report', styles: ['report.css'], title: 'I/O Lens report' };

export class ReportPanel {
  private static current: ReportPanel | undefined;
  private content: PanelContent = { kind: 'loading', title: 'Analyzing…' };
  private ready = false;
  private generation = 0;
  /** A transfer to bring into view once the webview shows the report. */
  private pendingFocus: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly analyze: SourceAnalyzer,
  ) {
    initWebviewPanel(panel, extensionUri, REPORT_PAGE, {
      message: (m) => this.onMessage(m),
      // Shown again, the page reloads, says `ready` and gets the content back.
      hidden: () => {
        this.ready = false;
      },
      disposed: () => this.dispose(),
    }, this.disposables);
  }

  /** The open report panel, if any (tests read it). */
  static get instance(): ReportPanel | undefined {
    return ReportPanel.current;
  }

  /** Creates the panel beside the active editor, or reveals the existing one. */
  static show(extensionUri: vscode.Uri, analyze: SourceAnalyzer): ReportPanel {
    if (ReportPanel.current) {
      try {
        ReportPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
        return ReportPanel.current;
      } catch {
        // Closed while its dispose event is still on its way: make a new one.
        ReportPanel.current.dispose();
      }
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'I/O Lens report', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    ReportPanel.current = new ReportPanel(panel, extensionUri, analyze);
    return ReportPanel.current;
  }

  /** Takes over a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, analyze: SourceAnalyzer, state: unknown): ReportPanel {
    ReportPanel.current?.panel.dispose();
    const p = new ReportPanel(panel, extensionUri, analyze);
    ReportPanel.current = p;
    if (isPersistedState(state)) void p.reanalyze(state.source);
    else p.showError('Nothing to restore: run "I/O Lens: Analyze I/O trace" again.');
    return p;
  }

  /** Resolves once the workbench lists this panel among its tabs, or after `timeoutMs`. */
  whenTabShown(timeoutMs = 3000): Promise<boolean> {
    return whenWebviewTabShown(REPORT_VIEW_TYPE, timeoutMs);
  }

  get source(): ReportSource | undefined {
    return this.content.source;
  }

  get report(): IoReport | undefined {
    return this.content.kind === 'report' ? this.content.report : undefined;
  }

  /** The page state: 'loading' | 'ready' | 'error' as the webview will draw it. */
  get state(): 'loading' | 'ready' | 'error' {
    return this.content.kind === 'report' ? 'ready' : this.content.kind;
  }

  showLoading(title: string, source?: ReportSource): void {
    this.generation += 1;
    this.pendingFocus = undefined; // a request for the report being replaced
    this.setContent({ kind: 'loading', title, source });
  }

  showReport(report: IoReport, source: ReportSource): void {
    this.generation += 1;
    this.panel.title = `I/O Lens: ${sourceTitle(source)}`;
    this.setContent({ kind: 'report', report, source });
    // The report shown is the trace the editor features (hovers, CodeLens, diagnostics) describe.
    traceStore.publish(report, source);
  }

  showError(message: string, source?: ReportSource): void {
    this.generation += 1;
    this.pendingFocus = undefined;
    this.setContent({ kind: 'error', message, source });
  }

  /** Scrolls the report to a transfer and selects it (now, or as soon as the page shows the report). */
  focusTransfer(id: string): void {
    this.pendingFocus = id;
    if (this.ready && this.content.kind === 'report') this.sendFocus();
  }

  private sendFocus(): void {
    const id = this.pendingFocus;
    this.pendingFocus = undefined;
    if (id !== undefined) void this.post({ type: 'focusTransfer', id });
  }

  /** The source of the report shown, if the panel shows one. */
  get shownSource(): ReportSource | undefined {
    return this.content.kind === 'report' ? this.content.source : undefined;
  }

  /** Analyzes the source again (Re-analyze button, reload). */
  async reanalyze(source: ReportSource): Promise<IoReport | undefined> {
    this.showLoading(`Analyzing ${sourceTitle(source)}…`, source);
    const gen = this.generation;
    try {
      const report = await this.analyze(source);
      if (gen !== this.generation) return report; // a newer analysis took over
      if (report) this.showReport(report, source);
      else this.showError('The analysis was cancelled.', source);
      return report;
    } catch (err) {
      if (gen === this.generation) this.showError(err instanceof Error ? err.message : String(err), source);
      return undefined;
    }
  }

  private setContent(content: PanelContent): void {
    this.content = content;
    if (this.ready) this.postContent();
  }

  /** The content to a page that is listening, then a transfer to bring into view if one is waiting. */
  private postContent(): void {
    void this.post(this.message());
    if (this.content.kind === 'report') this.sendFocus();
  }

  private message(): ExtensionToWebviewMessage {
    const c = this.content;
    switch (c.kind) {
      case 'loading':
        return { type: 'loading', title: c.title, source: c.source };
      case 'report':
        return { type: 'report', report: withoutProcessTable(c.report), source: c.source };
      case 'error':
        return { type: 'error', message: c.message, source: c.source };
    }
  }

  private post(message: ExtensionToWebviewMessage): Promise<void> {
    return postToWebview(this.panel.webview, message, 'report');
  }

  private onMessage(raw: unknown): void {
    if (!isWebviewToExtensionMessage(raw)) {
      log('Ignored a message from the report webview that does not match the protocol.');
      return;
    }
    const m: WebviewToExtensionMessage = raw;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postContent();
        break;
      case 'reveal':
        void revealSourceLines(this.content.source, m.fileIndex, m.line, m.endLine, this.panel.viewColumn);
        break;
      case 'reanalyze':
        if (this.content.source) void this.reanalyze(this.content.source);
        break;
      case 'compareWith': {
        // This trace is the "before" side; the compare command asks for the other one.
        const source = this.content.source;
        if (source) void vscode.commands.executeCommand('iolens.compareTraces', sourceUris(source).map((u) => vscode.Uri.parse(u, true)));
        break;
      }
    }
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** Registers the serializer that restores report panels after a window reload. */
/** Settings the report's figures depend on (the cost model's assumptions). */
const FIGURE_SETTINGS = ['iolens.assumeGatherNic'];

/**
 * A setting the figures depend on changed: the open report is analyzed again (and with it the
 * editor's hovers, CodeLens and diagnostics, which show the report's figures), not left stale.
 */
export function reanalyzeOnSettingsChange(): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!FIGURE_SETTINGS.some((name) => e.affectsConfiguration(name))) return;
    const panel = ReportPanel.instance;
    const source = panel?.shownSource;
    if (panel !== undefined && source !== undefined) void panel.reanalyze(source);
  });
}

export function registerReportPanelSerializer(extensionUri: vscode.Uri, analyze: SourceAnalyzer): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      ReportPanel.revive(panel, extensionUri, analyze, state);
    },
  });
}

/**
 * The report as the page needs it: the per-process table stays here (the page draws none; on a
 * replayed 100 MB trace it is 14 % of the message, 689 KB of 4.8 MB).
 */
function withoutProcessTable(report: IoReport): IoReport {
  if (report.summary.byProcess === undefined) return report;
  const { byProcess: _dropped, ...summary } = report.summary;
  return { ...report, summary };
}
