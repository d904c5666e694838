/**
 * Check expected transfers against a trace with test/workloads/tracecheck.py (the independent fd-following
 * counter that verified the corpus ground truth), through test/workloads/check_live.py. Needs python3.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { countMatches, type ExpectedTransfer, type TracecheckClause } from './live-workloads';
import { workloadsSourceDir } from './workloads';

export interface TracecheckPidResult {
  counts: Record<string, number>;
  bytes: number;
  aux_bytes: number;
  fds: Partial<Record<'source' | 'sink', number[]>>;
}

export interface TracecheckOutcome {
  /** pid of the first syscall line ('main' when the trace has no pid column) */
  first_pid: number | string | null;
  /** per transfer (clause list), per pid (as a string): what tracecheck matched */
  results: Array<Record<string, TracecheckPidResult>>;
  /** per pid: syscall histogram of the whole trace */
  hist: Record<string, Record<string, number>>;
}

/** Run tracecheck.analyze over one trace for the given clause lists. */
export function runTracecheck(
  tracePath: string,
  clauses: TracecheckClause[][],
  opts: { perf?: boolean; defaultPid?: string | number; python?: string } = {},
): Promise<TracecheckOutcome> {
  const script = path.join(workloadsSourceDir(), 'check_live.py');
  const job = JSON.stringify({ trace: tracePath, perf: opts.perf ?? false, default_pid: opts.defaultPid ?? 'main', clauses });
  return new Promise((resolve, reject) => {
    const child = execFile(opts.python ?? 'python3', [script], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`check_live.py failed: ${err.message}\n${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as TracecheckOutcome);
      } catch (e) {
        reject(new Error(`check_live.py output is not JSON: ${(e as Error).message}`));
      }
    });
    child.stdin?.end(job);
  });
}

/**
 * Compare expected transfers with what tracecheck finds in the trace; returns the problems (empty = holds).
 * Checks, per transfer: the number of pids carrying it (entries with identical clauses = that many distinct
 * pids), 'main' = first pid / 'child' = another pid, payload bytes (unless bytesVisible is false), every
 * syscall count (absent names must be 0), and the fds under strace (perf: +1 for fds >= 3).
 */
export async function verifyWithTracecheck(
  tracePath: string,
  expected: ExpectedTransfer[],
  opts: { perf?: boolean; defaultPid?: string | number; python?: string; checkFds?: boolean } = {},
): Promise<string[]> {
  const problems: string[] = [];
  // group identical transfers (fork/thread servers: one per child pid)
  const groups = new Map<string, ExpectedTransfer[]>();
  for (const t of expected) {
    const key = JSON.stringify([t.tracecheck, t.source, t.sink, t.strategy]);
    const g = groups.get(key);
    if (g) g.push(t);
    else groups.set(key, [t]);
  }
  const list = [...groups.values()];
  const out = await runTracecheck(tracePath, list.map((g) => g[0].tracecheck), opts);
  const mainPid = out.first_pid === null ? null : String(out.first_pid);
  const fdShift = opts.perf ? 1 : 0;
  list.forEach((g, i) => {
    const t = g[0];
    const name = t.label ?? t.strategy;
    const res = out.results[i];
    const lastSc = t.tracecheck[t.tracecheck.length - 1].sc;
    const lastNames = Array.isArray(lastSc) ? lastSc : [lastSc];
    const pids = Object.keys(res).filter((p) =>
      t.bytesVisible ? res[p].bytes > 0 : lastNames.some((n) => (res[p].counts[n] ?? 0) > 0));
    if (pids.length !== g.length) {
      problems.push(`${name}: expected ${g.length} pid(s) with the transfer, tracecheck found ${pids.length}: ${pids.join(', ')}`);
    }
    for (const p of pids) {
      const r = res[p];
      const isMain = p === mainPid || p === 'main';
      if (t.pid === 'main' && !isMain) problems.push(`${name}: in pid ${p}, expected the main pid ${mainPid}`);
      if (t.pid === 'child' && isMain) problems.push(`${name}: in the main pid ${p}, expected a child`);
      if (t.bytesVisible && !(r.bytes >= t.bytes && r.bytes <= t.bytes + (t.headerSlack ?? 0))) {
        problems.push(`${name} pid ${p}: ${r.bytes} bytes in the trace, expected ${t.bytes}`);
      }
      for (const sc of new Set([...Object.keys(t.syscalls), ...Object.keys(r.counts)])) {
        const exp = t.syscalls[sc] ?? 0;
        const act = r.counts[sc] ?? 0;
        if (!countMatches(exp, act)) problems.push(`${name} pid ${p}: ${sc} x${act}, expected ${JSON.stringify(exp)}`);
      }
      if (opts.checkFds !== false && t.fds) {
        for (const role of ['source', 'sink'] as const) {
          const want = t.fds[role];
          if (want === undefined) continue;
          const got = r.fds[role] ?? [];
          const w = want >= 3 ? want + fdShift : want; // perf's extra fd shifts opened fds, not stdin/stdout
          if (got.length !== 1 || got[0] !== w) {
            problems.push(`${name} pid ${p}: ${role} fd(s) ${JSON.stringify(got)}, expected ${w}`);
          }
        }
      }
    }
  });
  return problems;
}
