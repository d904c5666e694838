// Information diagnostics where a transfer of the loaded trace uses a costlier strategy than its
// two endpoints allow (the report's recommendation saves CPU copies or mode switches): on the
// trace line where the transfer starts, and on the source lines its -k stacks resolve to. A code
// action opens the explanation (a read-only markdown document). Nothing is rewritten.

import * as vscode from 'vscode';
import type { Transfer } from '../core/report-types';
import { endpointText, escapeMarkdown, formatUs, isCostlier } from './source-hover';
import { SHOW_TRANSFER_COMMAND, EXPLAIN_TRANSFER_COMMAND } from './source-hover';
import { traceStore, type LoadedTrace, type SourceSites } from './trace-store';

export const DIAGNOSTIC_SOURCE = 'I/O Lens';
export const EXPLAIN_SCHEME = 'iolens-explain';

function enabled(): boolean {
  return vscode.workspace.getConfiguration('iolens').get<boolean>('diagnostics.enabled', true) !== false;
}

function message(t: Transfer): string {
  const r = t.recommendation;
  if (!r) return '';
  const cpu = t.copies.cpu === null ? 'unknown CPU copies' : `${t.copies.cpu} CPU ${t.copies.cpu === 1 ? 'copy' : 'copies'}/byte`;
  return `I/O Lens: transfer ${t.id} (${t.strategy}, ${endpointText(t.source)} → ${endpointText(t.sink)}) costs ${cpu} and ${t.modeSwitches} mode switches; ` +
    `${r.strategy} would need ${r.copies.cpu} CPU ${r.copies.cpu === 1 ? 'copy' : 'copies'}/byte and ${r.modeSwitches} mode switches. ${r.why}`;
}

function diagnostic(range: vscode.Range, t: Transfer): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message(t), vscode.DiagnosticSeverity.Information);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = t.id;
  return d;
}

/** file URI string -> diagnostics, for the loaded trace. Pure over the store's data (tests call it). */
export function computeDiagnostics(trace: LoadedTrace, sites: SourceSites): Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }> {
  const out = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  const add = (uri: vscode.Uri, d: vscode.Diagnostic): void => {
    const key = uri.toString();
    let e = out.get(key);
    if (!e) out.set(key, (e = { uri, diagnostics: [] }));
    if (e.diagnostics.length < 500) e.diagnostics.push(d);
  };
  const costly = new Map(trace.report.transfers.filter(isCostlier).map((t) => [t.id, t]));
  if (costly.size === 0) return out;
  for (const t of costly.values()) {
    const uri = trace.uris[t.fileIndex ?? 0];
    if (uri) add(uri, diagnostic(new vscode.Range(Math.max(0, t.lines[0] - 1), 0, Math.max(0, t.lines[0] - 1), Number.MAX_SAFE_INTEGER), t));
  }
  for (const [file, lines] of sites.lines) {
    for (const site of lines.values()) {
      const ids = new Set(Object.values(site.bySyscall).flatMap((s) => s.transferIds));
      for (const id of ids) {
        const t = costly.get(id);
        if (t) add(vscode.Uri.file(file), diagnostic(new vscode.Range(site.line - 1, 0, site.line - 1, Number.MAX_SAFE_INTEGER), t));
      }
    }
  }
  return out;
}

/** Keeps the `iolens` diagnostic collection in step with the loaded trace. */
export class TransferDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('iolens');
  private readonly subs: vscode.Disposable[];
  private generation = 0;

  constructor() {
    this.subs = [
      traceStore.onDidChange(() => void this.refresh()),
      traceStore.onDidResolveSites(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('iolens.diagnostics.enabled')) void this.refresh();
      }),
    ];
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const gen = ++this.generation;
    const trace = traceStore.current;
    if (!trace || !enabled()) {
      this.collection.clear();
      return;
    }
    const sites = await traceStore.sourceSites();
    if (gen !== this.generation || traceStore.current !== trace) return;
    this.collection.clear();
    for (const { uri, diagnostics } of computeDiagnostics(trace, sites).values()) this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.collection.dispose();
  }
}

/** "Explain" and "Open in report" on the I/O Lens diagnostics. */
export class TransferCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(_document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE || typeof d.code !== 'string') continue;
      const t = traceStore.current?.transfersById.get(d.code);
      if (!t?.recommendation) continue;
      const explain = new vscode.CodeAction(`I/O Lens: why ${t.recommendation.strategy} is cheaper here (transfer ${t.id})`, vscode.CodeActionKind.QuickFix);
      explain.command = { title: explain.title, command: EXPLAIN_TRANSFER_COMMAND, arguments: [{ id: t.id }] };
      explain.diagnostics = [d];
      explain.isPreferred = true;
      const open = new vscode.CodeAction(`I/O Lens: open transfer ${t.id} in the report`, vscode.CodeActionKind.QuickFix);
      open.command = { title: open.title, command: SHOW_TRANSFER_COMMAND, arguments: [{ id: t.id }] };
      open.diagnostics = [d];
      out.push(explain, open);
    }
    return out;
  }
}

/** The explanation of one transfer, as markdown (all trace text escaped). */
export function explanationMarkdown(t: Transfer): string {
  const r = t.recommendation;
  const lines = [
    `# Transfer ${escapeMarkdown(t.id)}: ${escapeMarkdown(t.strategy)}`,
    '',
    `- **Source:** ${escapeMarkdown(endpointText(t.source))} (${t.source.kind})`,
    `- **Sink:** ${escapeMarkdown(endpointText(t.sink))} (${t.sink.kind})`,
    ...(t.via ? [`- **Via:** ${escapeMarkdown(endpointText(t.via))}`] : []),
    `- **Process:** ${t.pid}`,
    `- **Bytes:** ${t.bytes === null ? 'not visible in the trace' : t.bytes.toLocaleString('en-US')}`,
    `- **Calls:** ${Object.entries(t.syscalls).map(([n, c]) => `${escapeMarkdown(n)} ×${c}`).join(', ')}`,
    `- **Mode switches:** ${t.modeSwitches} (2 per call: enter and return)`,
    `- **Copies per byte:** ${t.copies.cpu ?? 'unknown'} by the CPU, ${t.copies.dma ?? 'unknown'} by DMA`,
    `- **Time:** ${formatUs(t.durationUs)}`,
    '',
  ];
  if (r) {
    lines.push(
      `## Cheaper: ${escapeMarkdown(r.strategy)}`,
      '',
      escapeMarkdown(r.why),
      '',
      '| | now | with ' + escapeMarkdown(r.strategy) + ' |',
      '|---|---|---|',
      `| CPU copies per byte | ${t.copies.cpu ?? '?'} | ${r.copies.cpu} |`,
      `| DMA copies per byte | ${t.copies.dma ?? '?'} | ${r.copies.dma} |`,
      `| mode switches | ${t.modeSwitches} | ${r.modeSwitches} |`,
      '',
      'CPU copies are the kernel\'s memcpy of every payload byte; mode switches are the user/kernel crossings of each call. ' +
      'The figures for the cheaper strategy are for the same bytes, with the largest chunk each call allows.',
      '',
    );
  }
  if (t.assumptions.length > 0) {
    lines.push('## Assumptions', '', ...t.assumptions.map((a) => `- ${escapeMarkdown(a)}`), '');
  }
  lines.push('_I/O Lens never rewrites code: this is what the trace shows, to act on as you see fit._');
  return lines.join('\n');
}

export class ExplanationProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = /transfer-([A-Za-z0-9_-]+)\.md$/.exec(uri.path)?.[1];
    const t = id ? traceStore.current?.transfersById.get(id) : undefined;
    return t ? explanationMarkdown(t) : '# No such transfer\n\nThe trace it belonged to is no longer loaded: analyze it again.';
  }

  static uriFor(id: string, generation: number): vscode.Uri {
    return vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/transfer-${id}.md`, query: `g=${generation}` });
  }
}

/** Command factory: opens the explanation of transfer `{ id }` (markdown preview when available). */
export function explainTransferCommand() {
  return async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    const id = typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
    const trace = traceStore.current;
    if (!id || !trace?.transfersById.has(id)) {
      void vscode.window.showInformationMessage('I/O Lens: that transfer is not in the loaded trace.');
      return undefined;
    }
    const uri = ExplanationProvider.uriFor(id, trace.generation);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
    return uri;
  };
}
