// Entry points of the analysis: trace files (or text) in, IoReport out.

import { parseTraceFiles, parseTraceText } from '../strace-parser';
import { parseTraceFilesInWorker } from '../strace-parser/parse-in-worker';
import type { ParseOptions } from '../strace-parser/types';
import { TraceAnalyzer } from './analyzer';
import type { IoReport } from './report-types';

export interface AnalyzeOptions extends ParseOptions {
  /** io-model: sendfile to a socket costs no CPU copy when the NIC gathers (default true). */
  assumeGatherNic?: boolean;
  /**
   * Parse in a worker thread while this thread analyzes (default false). Measured on a 1 GB trace
   * with 2 cores (npm run bench): 20-25 % faster, but the two heaps peak at ~280-300 MB against
   * ~240 MB in one thread, over the 256 MB bound; and slower below ~100 MB (the worker's start).
   * The report is the same either way.
   */
  parseInWorker?: boolean;
}

/** Parses and analyzes one trace (several paths = the -ff parts of one trace), streaming. */
export async function analyzeTraceFiles(paths: string[], options: AnalyzeOptions = {}): Promise<IoReport> {
  const analyzer = new TraceAnalyzer({ assumeGatherNic: options.assumeGatherNic ?? true }, paths.length);
  const parse = options.parseInWorker === true
    ? await parseTraceFilesInWorker(paths, analyzer, options)
    : await parseTraceFiles(paths, analyzer, options);
  return analyzer.report(parse);
}

/** Analyzes trace text held in memory (an editor's content); `fileName` names it in diagnostics. */
export function analyzeTraceText(text: string, fileName: string, options: AnalyzeOptions = {}): IoReport {
  const analyzer = new TraceAnalyzer({ assumeGatherNic: options.assumeGatherNic ?? true });
  const parse = parseTraceText(text, fileName, analyzer);
  return analyzer.report(parse);
}
