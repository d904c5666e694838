// Shared helpers for the parser tests: locate fixtures from the repo root, collect a parse's output.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTraceFiles, parseTraceText } from '../../../src/strace-parser';
import type { ParseDiagnostic, ParseOptions, SyscallEvent, TraceEvent, TraceParseResult, TraceSink } from '../../../src/strace-parser';

/** The directory holding package.json (tests run from out/test/unit, sources live in test/unit). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
}

export const corpusDir = (): string => path.join(repoRoot(), 'test', 'fixtures', 'corpus');

export interface Collected {
  result: TraceParseResult;
  events: TraceEvent[];
  syscalls: SyscallEvent[];
  diagnostics: ParseDiagnostic[];
  /** fileIndex -> lines reported as known non-events. */
  ignored: Map<number, Set<number>>;
}

export function collector(): { sink: TraceSink; out: Omit<Collected, 'result'> } {
  const out = { events: [] as TraceEvent[], syscalls: [] as SyscallEvent[], diagnostics: [] as ParseDiagnostic[], ignored: new Map<number, Set<number>>() };
  const sink: TraceSink = {
    event(e) {
      out.events.push(e);
      if (e.type === 'syscall') out.syscalls.push(e);
    },
    diagnostic(d) {
      out.diagnostics.push(d);
    },
    ignoredLine(fileIndex, line) {
      let s = out.ignored.get(fileIndex);
      if (s === undefined) out.ignored.set(fileIndex, (s = new Set()));
      s.add(line);
    },
  };
  return { sink, out };
}

export async function collectFiles(paths: string[], options?: ParseOptions): Promise<Collected> {
  const { sink, out } = collector();
  const result = await parseTraceFiles(paths, sink, options);
  return { result, ...out };
}

export function collectText(text: string, name = 'test.trace'): Collected {
  const { sink, out } = collector();
  const result = parseTraceText(text, name, sink);
  return { result, ...out };
}

/** Counts by key. */
export function countBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export function sorted(m: Map<string, number>): [string, number][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Every line of every file is an event line, a diagnostic line or a known non-event line. */
export function unaccountedLines(c: Collected, lineCounts: number[]): string[] {
  const covered = lineCounts.map(() => new Set<number>());
  for (const e of c.events) {
    const set = covered[e.fileIndex];
    set.add(e.line);
    const from = e.type === 'syscall' && e.resumedLine !== undefined ? e.resumedLine : e.line;
    for (let l = from; l <= e.endLine; l++) set.add(l);
  }
  const names = c.result.files;
  for (const d of c.diagnostics) {
    const i = names.indexOf(d.file);
    if (i >= 0) covered[i].add(d.line);
  }
  for (const [fi, lines] of c.ignored) for (const l of lines) covered[fi].add(l);
  const missing: string[] = [];
  lineCounts.forEach((n, fi) => {
    for (let l = 1; l <= n; l++) if (!covered[fi].has(l)) missing.push(`${names[fi]}:${l}`);
  });
  return missing;
}

/** Runs `fn` in a new temporary folder, removed afterwards whatever happens. */
export function withDir<T>(fn: (dir: string) => Promise<T>, prefix = 'iolens-test-'): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return fn(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}
