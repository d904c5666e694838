// CodeLens above the source lines that moved data in the loaded trace: "16 calls · 1.0 MB ·
// 2 CPU copies/byte · 32 mode switches — sendfile would need 2". Exact lines come from -k stacks;
// without them the lens sits on the matching calls and starts with "by name:". Toggled by the
// `iolens.codeLens.enabled` setting (command iolens.toggleCodeLens); gone when the trace is unloaded.

import * as vscode from 'vscode';
import { findSourceCallsInLines, sourceLanguageOf, syscallsOf } from '../core/source-patterns';
import { figuresByName, lookupLine, SHOW_TRANSFER_COMMAND, summaryLine, type LineFigures } from './source-hover';
import { traceStore } from './trace-store';

export const TOGGLE_CODELENS_COMMAND = 'iolens.toggleCodeLens';
const MAX_LENSES = 200;

function codeLensEnabled(): boolean {
  return vscode.workspace.getConfiguration('iolens').get<boolean>('codeLens.enabled', true) !== false;
}

/** Worth a lens: the calls moved bytes or belong to a transfer. */
function interesting(f: LineFigures): boolean {
  return f.bytes > 0 || f.transfers.length > 0;
}

function lens(range: vscode.Range, f: LineFigures): vscode.CodeLens {
  const title = summaryLine(f);
  const target = f.transfers[0];
  const command: vscode.Command = target
    ? { title, command: SHOW_TRANSFER_COMMAND, arguments: [{ id: target.id }], tooltip: `Open transfer ${target.id} in the I/O Lens report` }
    : { title, command: '' };
  return new vscode.CodeLens(range, command);
}

export class SourceCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [
      traceStore.onDidChange(() => this.changed.fire()),
      traceStore.onDidResolveSites(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('iolens.codeLens.enabled')) this.changed.fire();
      }),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!codeLensEnabled()) return [];
    const trace = traceStore.current;
    const language = sourceLanguageOf(document.languageId);
    if (!trace || !language) return [];
    const sites = await traceStore.sourceSites();
    if (traceStore.current !== trace) return [];
    const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
    const calls = findSourceCallsInLines(lines, language);
    const out: vscode.CodeLens[] = [];
    const fileSites = sites.lines.get(document.uri.fsPath);
    if (fileSites && fileSites.size > 0) {
      // Exact: one lens per line the stacks name, at the I/O call on it when the patterns see one.
      for (const [line1, site] of [...fileSites].sort((a, b) => a[0] - b[0])) {
        const line = line1 - 1;
        if (line < 0 || line >= document.lineCount) continue;
        // The I/O calls on the line now: none of the recorded ones means the source changed since the
        // trace (lookupLine says so in the hover). A line with no call the patterns know (a helper's
        // call site) keeps its lens, unless the document has unsaved edits: its lines may have moved.
        const onLine = calls.filter((c) => c.line === line);
        if (onLine.length === 0 && document.isDirty) continue;
        const names = onLine.length > 0 ? onLine.flatMap((c) => syscallsOf(c, lines[line] ?? '')) : Object.keys(site.bySyscall);
        const lookup = lookupLine(trace, sites, document.uri.fsPath, line, names);
        if (lookup.kind !== 'exact' || !interesting(lookup.figures)) continue;
        const call = onLine[0];
        out.push(lens(new vscode.Range(line, call?.start ?? 0, line, call?.end ?? 0), lookup.figures));
        if (out.length >= MAX_LENSES) break;
      }
      return out;
    }
    // By name: on each call the patterns find, once per line.
    let lastLine = -1;
    for (const call of calls) {
      if (call.line === lastLine) continue;
      const figures = figuresByName(trace, syscallsOf(call, lines[call.line] ?? ''));
      if (!figures || !interesting(figures)) continue;
      lastLine = call.line;
      out.push(lens(new vscode.Range(call.line, call.start, call.line, call.end), figures));
      if (out.length >= MAX_LENSES) break;
    }
    return out;
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/** Command factory: flips iolens.codeLens.enabled (user settings). Returns the new value. */
export function toggleCodeLensCommand() {
  return async (): Promise<boolean> => {
    const next = !codeLensEnabled();
    await vscode.workspace.getConfiguration('iolens').update('codeLens.enabled', next, vscode.ConfigurationTarget.Global);
    void vscode.window.setStatusBarMessage(`I/O Lens CodeLens ${next ? 'on' : 'off'}`, 3000);
    return next;
  };
}
