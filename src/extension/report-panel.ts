// The report webview panel (viewType `iolens.report`): created beside the editor or revealed,
// a strict CSP with a per-load nonce, resources only from dist/webview and media, messages checked
// with the shared protocol guards both ways, and restored after a reload by the serializer, which
// re-analyzes the trace files the webview saved in its state.

import { randomBytes } from 'node:crypto';
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

export const REPORT_VIEW_TYPE = 'iolens.report';

/** Analyzes a source (with its own progress UI); rejects on failure, resolves undefined when cancelled. */
export type SourceAnalyzer = (source: ReportSource) => Promise<IoReport | undefined>;

type PanelContent =
  | { kind: 'loading'; title: string; source?: ReportSource }
  | { kind: 'report'; report: IoReport; source: ReportSource }
  | { kind: 'error'; message: string; source?: ReportSource };

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function sourceTitle(source: ReportSource): string {
  const uris = source.kind === 'files' ? source.uris : [source.uri];
  const names = uris.map((u) => {
    try {
      const p = vscode.Uri.parse(u).path;
      return p.slice(p.lastIndexOf('/') + 1) || u;
    } catch {
      return u;
    }
  });
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

export function buildWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = randomBytes(18).toString('base64')): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'report.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'report.css'));
  // No 'unsafe-inline' anywhere: chart.js sizes canvases through the CSSOM (element.style), which
  // style-src does not govern, and never evaluates strings, so 'unsafe-eval' is not needed either.
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${css.toString()}">
<title>I/O Lens report</title>
</head>
<body data-state="loading">
<main id="app"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

export class ReportPanel {
  private static current: ReportPanel | undefined;
  private content: PanelContent = { kind: 'loading', title: 'Analyzing…' };
  private ready = false;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly analyze: SourceAnalyzer,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.html = buildWebviewHtml(panel.webview, extensionUri);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m), undefined, this.disposables);
    // Without retainContextWhenHidden the page reloads when shown again; it says `ready` and gets
    // the content back.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }, undefined, this.disposables);
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

  /**
   * Resolves once the workbench lists this panel among its tabs (the extension host learns about
   * new tabs asynchronously), or after `timeoutMs`. Callers that return to code inspecting the tabs
   * (the command's contract) wait for it.
   */
  whenTabShown(timeoutMs = 3000): Promise<boolean> {
    const shown = (): boolean => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(REPORT_VIEW_TYPE)));
    if (shown()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean): void => {
        clearTimeout(timer);
        sub.dispose();
        resolve(v);
      };
      const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
        if (shown()) done(true);
      });
      const timer = setTimeout(() => done(shown()), timeoutMs);
    });
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
    this.setContent({ kind: 'loading', title, source });
  }

  showReport(report: IoReport, source: ReportSource): void {
    this.generation += 1;
    this.panel.title = `I/O Lens: ${sourceTitle(source)}`;
    this.setContent({ kind: 'report', report, source });
  }

  showError(message: string, source?: ReportSource): void {
    this.generation += 1;
    this.setContent({ kind: 'error', message, source });
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
    if (this.ready) void this.post(this.message());
  }

  private message(): ExtensionToWebviewMessage {
    const c = this.content;
    switch (c.kind) {
      case 'loading':
        return { type: 'loading', title: c.title, source: c.source };
      case 'report':
        return { type: 'report', report: c.report, source: c.source };
      case 'error':
        return { type: 'error', message: c.message, source: c.source };
    }
  }

  private async post(message: ExtensionToWebviewMessage): Promise<void> {
    try {
      await this.panel.webview.postMessage(message);
    } catch (err) {
      log(`Could not post to the report webview: ${String(err)}`);
    }
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
        void this.post(this.message());
        break;
      case 'reveal':
        void this.reveal(m.fileIndex, m.line, m.endLine);
        break;
      case 'reanalyze':
        if (this.content.source) void this.reanalyze(this.content.source);
        break;
      case 'compareWith': {
        // This trace is the "before" side; the compare command asks for the other one.
        const source = this.content.source;
        if (source) void vscode.commands.executeCommand('iolens.compareTraces', (source.kind === 'files' ? source.uris : [source.uri]).map((u) => vscode.Uri.parse(u, true)));
        break;
      }
    }
  }

  /** Maps a file index of the report to a URI this panel was given; the webview never names paths. */
  private async reveal(fileIndex: number, line: number, endLine: number): Promise<void> {
    const source = this.content.source;
    if (!source) return;
    const uris = source.kind === 'files' ? source.uris : [source.uri];
    const uri = uris[fileIndex];
    if (uri === undefined) return;
    try {
      await revealLines(vscode.Uri.parse(uri, true), line, endLine, this.panel.viewColumn);
    } catch (err) {
      void vscode.window.showErrorMessage(`I/O Lens: cannot open the trace at line ${line}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** Registers the serializer that restores report panels after a window reload. */
export function registerReportPanelSerializer(extensionUri: vscode.Uri, analyze: SourceAnalyzer): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      ReportPanel.revive(panel, extensionUri, analyze, state);
    },
  });
}
