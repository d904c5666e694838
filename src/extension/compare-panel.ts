// The comparison webview panel (viewType `iolens.compare`): two reports side by side and what
// changed between them. Same rules as the report panel: a strict CSP with a per-load nonce,
// resources only from dist/webview and media, messages checked with the protocol guards both ways,
// and restored after a reload by its serializer, which re-analyzes the two sources the webview
// saved in its state.

import * as vscode from 'vscode';
import { compareReports, type TraceComparison } from '../core/compare';
import type { IoReport } from '../core/report-types';
import {
  isComparePersistedState,
  isCompareWebviewToExtensionMessage,
  type CompareExtensionToWebviewMessage,
  type CompareSide,
  type CompareSource,
} from '../protocol/compare-messages';
import type { ReportSource } from '../protocol/messages';
import { log } from './output';
import { revealSourceLines, sourceTitle, type SourceAnalyzer } from './report-panel';
import { initWebviewPanel, postToWebview, webviewOptions, whenWebviewTabShown, type WebviewPage } from './webview-html';

export const COMPARE_VIEW_TYPE = 'iolens.compare';

/** What the panel asks its owner for: another trace for one side (a picker), or a side's report. */
export interface CompareHooks {
  chooseSource(side: CompareSide, current: CompareSource): Promise<ReportSource | undefined>;
  openReport(source: ReportSource): void;
}

type PanelContent =
  | { kind: 'loading'; title: string; source?: CompareSource }
  | { kind: 'comparison'; comparison: TraceComparison; before: IoReport; after: IoReport; source: CompareSource }
  | { kind: 'error'; message: string; source?: CompareSource };

export function compareTitle(source: CompareSource): string {
  return `${sourceTitle(source.before)} ↔ ${sourceTitle(source.after)}`;
}

// The comparison is styled by the report's stylesheet plus its own.
const COMPARE_PAGE: WebviewPage = { script: 'compare', styles: ['report.css', 'compare.css'], title: 'I/O Lens comparison' };

export class ComparePanel {
  private static current: ComparePanel | undefined;
  private content: PanelContent = { kind: 'loading', title: 'Comparing…' };
  private ready = false;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly analyze: SourceAnalyzer,
    private readonly hooks: CompareHooks,
  ) {
    initWebviewPanel(panel, extensionUri, COMPARE_PAGE, {
      message: (m) => this.onMessage(m),
      hidden: () => {
        this.ready = false;
      },
      disposed: () => this.dispose(),
    }, this.disposables);
  }

  /** The open comparison panel, if any (tests read it). */
  static get instance(): ComparePanel | undefined {
    return ComparePanel.current;
  }

  /** Creates the panel in the active column, or reveals the existing one. */
  static show(extensionUri: vscode.Uri, analyze: SourceAnalyzer, hooks: CompareHooks): ComparePanel {
    if (ComparePanel.current) {
      try {
        ComparePanel.current.panel.reveal(undefined, true);
        return ComparePanel.current;
      } catch {
        ComparePanel.current.dispose();
      }
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'I/O Lens comparison', { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, webviewOptions(extensionUri));
    ComparePanel.current = new ComparePanel(panel, extensionUri, analyze, hooks);
    return ComparePanel.current;
  }

  /** Takes over a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, analyze: SourceAnalyzer, hooks: CompareHooks, state: unknown): ComparePanel {
    ComparePanel.current?.panel.dispose();
    const p = new ComparePanel(panel, extensionUri, analyze, hooks);
    ComparePanel.current = p;
    if (isComparePersistedState(state)) void p.compare(state.source);
    else p.showError('Nothing to restore: run "I/O Lens: Compare I/O traces" again.');
    return p;
  }

  /** Resolves once the workbench lists this panel among its tabs, or after `timeoutMs`. */
  whenTabShown(timeoutMs = 3000): Promise<boolean> {
    return whenWebviewTabShown(COMPARE_VIEW_TYPE, timeoutMs);
  }

  get source(): CompareSource | undefined {
    return this.content.source;
  }

  get comparison(): TraceComparison | undefined {
    return this.content.kind === 'comparison' ? this.content.comparison : undefined;
  }

  get state(): 'loading' | 'ready' | 'error' {
    return this.content.kind === 'comparison' ? 'ready' : this.content.kind;
  }

  showLoading(title: string, source?: CompareSource): void {
    this.generation += 1;
    this.setContent({ kind: 'loading', title, source });
  }

  showComparison(comparison: TraceComparison, before: IoReport, after: IoReport, source: CompareSource): void {
    this.generation += 1;
    this.panel.title = `I/O Lens: ${compareTitle(source)}`;
    this.setContent({ kind: 'comparison', comparison, before, after, source });
  }

  showError(message: string, source?: CompareSource): void {
    this.generation += 1;
    this.setContent({ kind: 'error', message, source });
  }

  /**
   * Analyzes both sources and shows their comparison. Resolves the comparison, or undefined when an
   * analysis failed (the panel shows why) or was cancelled.
   */
  async compare(source: CompareSource): Promise<TraceComparison | undefined> {
    this.showLoading(`Comparing ${compareTitle(source)}…`, source);
    const gen = this.generation;
    try {
      const [before, after] = await Promise.all([this.analyzeSide('before', source.before), this.analyzeSide('after', source.after)]);
      if (gen !== this.generation) return before && after ? compareReports(before, after) : undefined;
      if (!before || !after) {
        this.showError('The analysis was cancelled.', source);
        return undefined;
      }
      const comparison = compareReports(before, after);
      this.showComparison(comparison, before, after, source);
      return comparison;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (gen === this.generation) this.showError(message, source);
      log(message);
      throw err;
    }
  }

  private async analyzeSide(side: CompareSide, source: ReportSource): Promise<IoReport | undefined> {
    try {
      return await this.analyze(source);
    } catch (err) {
      throw new Error(`${side === 'before' ? 'Before' : 'After'} (${sourceTitle(source)}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private setContent(content: PanelContent): void {
    this.content = content;
    if (this.ready) void this.post(this.message());
  }

  private message(): CompareExtensionToWebviewMessage {
    const c = this.content;
    switch (c.kind) {
      case 'loading':
        return { type: 'loading', title: c.title, source: c.source };
      case 'comparison':
        return { type: 'comparison', comparison: c.comparison, before: c.before, after: c.after, source: c.source };
      case 'error':
        return { type: 'error', message: c.message, source: c.source };
    }
  }

  private post(message: CompareExtensionToWebviewMessage): Promise<void> {
    return postToWebview(this.panel.webview, message, 'comparison');
  }

  private onMessage(raw: unknown): void {
    if (!isCompareWebviewToExtensionMessage(raw)) {
      log('Ignored a message from the comparison webview that does not match the protocol.');
      return;
    }
    const source = this.content.source;
    switch (raw.type) {
      case 'ready':
        this.ready = true;
        void this.post(this.message());
        break;
      case 'reveal':
        void revealSourceLines(source?.[raw.side], raw.fileIndex, raw.line, raw.endLine, this.panel.viewColumn);
        break;
      case 'recompare':
        if (source) void this.compare(source).catch(() => undefined);
        break;
      case 'swap':
        if (source) void this.compare({ before: source.after, after: source.before }).catch(() => undefined);
        break;
      case 'choose':
        if (source) void this.choose(raw.side, source);
        break;
      case 'openReport':
        if (source) this.hooks.openReport(source[raw.side]);
        break;
    }
  }

  private async choose(side: CompareSide, current: CompareSource): Promise<void> {
    const picked = await this.hooks.chooseSource(side, current);
    if (!picked) return;
    await this.compare({ ...current, [side]: picked }).catch(() => undefined);
  }

  dispose(): void {
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
