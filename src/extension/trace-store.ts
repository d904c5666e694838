// The "loaded trace": the last report analyzed, which the editor features (source hovers,
// CodeLens, diagnostics, trace-file hovers) read. Every report the panel shows is published here
// (ReportPanel.showReport: the analyze command, Re-analyze, restore after a reload). Also computes,
// lazily and once per trace, the source lines of its -k stacks (call sites + addr2line + workspace mapping).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { collectCallSites, framesByBinary, type CallSiteIndex } from '../core/call-sites';
import type { IoReport, Transfer } from '../core/report-types';
import { buildSourceLineIndex, mapSourceToWorkspace, SourceLineResolver, type SourceLineIndex } from '../core/source-lines';
import type { ReportSource } from '../protocol/messages';
import { log } from './output';

export interface LoadedTrace {
  report: IoReport;
  source: ReportSource;
  /** The trace's files (index = a transfer's fileIndex). */
  uris: vscode.Uri[];
  /** Bumped at every publish: caches compare it. */
  generation: number;
  transfersById: Map<string, Transfer>;
}

/** What the -k stacks of the loaded trace say about source lines. */
export interface SourceSites {
  /** The trace has -k stacks at all. */
  stacks: boolean;
  /** Workspace file (fsPath) -> 1-based line -> what the calls made there did. */
  lines: SourceLineIndex;
  callSites: CallSiteIndex | null;
  /** Why some frames could not be resolved (no addr2line, binary missing, built without -g). */
  problems: string[];
}

const EMPTY_SITES = (stacks: boolean, problems: string[] = []): SourceSites => ({ stacks, lines: new Map(), callSites: null, problems });

function addr2linePath(): string {
  const c = vscode.workspace.getConfiguration('iolens');
  // An executable path from an untrusted workspace's settings is never run.
  const value = vscode.workspace.isTrusted ? c.get<unknown>('addr2linePath') : c.inspect<string>('addr2linePath')?.globalValue;
  return typeof value === 'string' && value.trim() ? value.trim() : 'addr2line';
}

export class TraceStore implements vscode.Disposable {
  private loaded: LoadedTrace | undefined;
  private generation = 0;
  private sites: { generation: number; promise: Promise<SourceSites> } | undefined;
  private readonly resolver = new SourceLineResolver({
    run: undefined,
    locateBinary: async (binary) => {
      if (fs.existsSync(binary)) return binary;
      return mapSourceToWorkspace(binary, this.roots(), (p) => fs.existsSync(p)) ?? undefined;
    },
  });
  private readonly changed = new vscode.EventEmitter<LoadedTrace | undefined>();
  private readonly sitesReady = new vscode.EventEmitter<SourceSites>();
  /** Fires when a trace is published or unloaded (undefined). */
  readonly onDidChange = this.changed.event;
  /** Fires when the source lines of the loaded trace's stacks are known. */
  readonly onDidResolveSites = this.sitesReady.event;

  get current(): LoadedTrace | undefined {
    return this.loaded;
  }

  /** Makes `report` the loaded trace (the same report object again is a no-op). */
  publish(report: IoReport, source: ReportSource): void {
    if (this.loaded?.report === report) return;
    const uris = (source.kind === 'files' ? source.uris : [source.uri]).map((u) => vscode.Uri.parse(u, true));
    this.generation += 1;
    this.loaded = { report, source, uris, generation: this.generation, transfersById: new Map(report.transfers.map((t) => [t.id, t])) };
    this.sites = undefined;
    this.changed.fire(this.loaded);
    void this.sourceSites();
  }

  unload(): void {
    if (!this.loaded) return;
    this.loaded = undefined;
    this.generation += 1;
    this.sites = undefined;
    this.changed.fire(undefined);
  }

  /** Workspace folders plus the folders of the trace files: where sources and binaries are looked up. */
  roots(): string[] {
    const out = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    for (const u of this.loaded?.uris ?? []) if (u.scheme === 'file' && !out.includes(path.dirname(u.fsPath))) out.push(path.dirname(u.fsPath));
    return out;
  }

  /** The source lines of the loaded trace's -k stacks (computed once per trace; empty without stacks). */
  sourceSites(): Promise<SourceSites> {
    const trace = this.loaded;
    if (!trace) return Promise.resolve(EMPTY_SITES(false));
    if (this.sites?.generation === trace.generation) return this.sites.promise;
    const promise = this.computeSites(trace).catch((err: unknown) => {
      const message = `I/O Lens: could not map the trace's stacks to source lines: ${err instanceof Error ? err.message : String(err)}`;
      log(message);
      return EMPTY_SITES(trace.report.trace.flags.stacks, [message]);
    });
    this.sites = { generation: trace.generation, promise };
    void promise.then((s) => {
      if (this.loaded?.generation === trace.generation) this.sitesReady.fire(s);
    });
    return promise;
  }

  private async computeSites(trace: LoadedTrace): Promise<SourceSites> {
    if (!trace.report.trace.flags.stacks) return EMPTY_SITES(false);
    let callSites: CallSiteIndex;
    if (trace.uris.every((u) => u.scheme === 'file') && trace.source.kind === 'files') {
      callSites = await collectCallSites(trace.uris.map((u) => u.fsPath), { report: trace.report });
    } else {
      const doc = await vscode.workspace.openTextDocument(trace.uris[0]);
      callSites = await collectCallSites({ text: doc.getText(), fileName: doc.uri.toString() }, { report: trace.report });
    }
    const resolver = this.resolverFor();
    const frames = framesByBinary(callSites);
    const rebuilt = trace.uris.every((u) => u.scheme === 'file') ? rebuiltSince(frames, trace.uris.map((u) => u.fsPath)) : [];
    for (const binary of rebuilt) frames.delete(binary);
    const { locations, problems } = await resolver.resolveFrames(frames);
    for (const binary of rebuilt) problems.push(`${binary} was rebuilt after the trace was recorded: its addresses may now be other lines, so its calls are matched by name only (record the trace again for exact lines)`);
    const roots = this.roots();
    const lines = buildSourceLineIndex(callSites, locations, (f) => mapSourceToWorkspace(f, roots, (p) => fs.existsSync(p)));
    for (const p of problems) log(`I/O Lens: ${p}`);
    return { stacks: true, lines, callSites, problems };
  }

  private resolverPath = '';
  private customResolver: SourceLineResolver | undefined;
  private resolverFor(): SourceLineResolver {
    const exe = addr2linePath();
    if (exe === 'addr2line') return this.resolver;
    if (this.resolverPath !== exe || !this.customResolver) {
      this.resolverPath = exe;
      this.customResolver = new SourceLineResolver({
        addr2line: exe,
        locateBinary: async (binary) => (fs.existsSync(binary) ? binary : mapSourceToWorkspace(binary, this.roots(), (p) => fs.existsSync(p)) ?? undefined),
      });
    }
    return this.customResolver;
  }

  dispose(): void {
    this.changed.dispose();
    this.sitesReady.dispose();
  }
}

/** The extension's one store. */
export const traceStore = new TraceStore();


/**
 * Binaries of the stacks modified after the trace was last written: a rebuilt program's addresses
 * are other lines now, and addr2line would put "exact" figures on them.
 */
function rebuiltSince(frames: ReadonlyMap<string, unknown>, traceFiles: readonly string[]): string[] {
  let recorded = 0;
  for (const file of traceFiles) {
    try {
      recorded = Math.max(recorded, fs.statSync(file).mtimeMs);
    } catch {
      return [];
    }
  }
  const out: string[] = [];
  for (const binary of frames.keys()) {
    try {
      if (fs.statSync(binary).mtimeMs > recorded) out.push(binary);
    } catch {
      // Not found: the resolver says so.
    }
  }
  return out;
}
