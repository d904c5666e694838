// Tells strace output from perf trace output by looking at lines; the user never says which it is.
// Regexes are fine here: only the first recognisable line of a file goes through them.

import { isPrintedSampleLine, isTracepointOnlyLine } from './perf-line';
import { summaryHeader } from './strace-summary';
import type { TraceFormat } from './types';

// `0.045 ( 0.026 ms): comm/tid read(...`; --no-comm: `tid read(`; one thread (-p, --no-inherit): `read(`.
const PERF_EVENT = /^\s*(\?|\d+\.\d+) \(\s*(\d+\.\d+ ms)?\s*\): (.*\/\d+ |(\d+ +)?([A-Za-z_]\w*\(|\s*\.\.\. \[continued\]: ))/;
const PERF_SUMMARY = /^\s*Summary of events:\s*$/;
// [pid N] or a pid column (-Y: with <comm>); a time (-t/-tt, -ttt/-r, whole seconds; -r beside -t:
// `(+ s.frac)`); -n's syscall number; -i's address; then the call, resumed call, signal or exit.
const STRACE_CALL =
  /^(\[pid\s+\d+(<[^>]*>)?\] |\d+(<[^>]*>)? +)?((\d\d:\d\d:\d\d(\.\d+)?|\s*\d+(\.\d+)?) (\(\+\s*\d+(\.\d+)?\) )?)?(\[\s*\d+\] )?(\[[0-9a-f]+\] )?([A-Za-z_][A-Za-z0-9_]*\(|<\.\.\. [A-Za-z0-9_]+ resumed>|--- |\+\+\+ )/;
const STRACE_OTHER = /^(strace: |% time +seconds)/;

/** The format one line belongs to, or null when the line alone does not tell (blank, garbage, a -k frame). */
export function classifyLine(line: string): TraceFormat | null {
  if (line.length === 0) return null;
  if (PERF_EVENT.test(line) || PERF_SUMMARY.test(line) || isTracepointOnlyLine(line) || isPrintedSampleLine(line)) return 'perf';
  if (STRACE_CALL.test(line) || STRACE_OTHER.test(line) || summaryHeader(line) !== null) return 'strace';
  return null;
}

/** The format of a trace from its first lines: the first line that tells decides; null if none does. */
export function detectTraceFormat(firstLines: string[]): TraceFormat | null {
  for (const raw of firstLines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const f = classifyLine(line);
    if (f !== null) return f;
  }
  return null;
}
