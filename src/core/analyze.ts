// Entry point of the analysis: trace files in, IoReport out. (Implementation in progress.)
import type { ParseOptions } from '../strace-parser/types';
import type { IoReport } from './report-types';

export interface AnalyzeOptions extends ParseOptions {
  /** io-model: sendfile to a socket costs no CPU copy when the NIC gathers (default true). */
  assumeGatherNic?: boolean;
}

/** Parses and analyzes one trace (several paths = the -ff parts of one trace). */
export async function analyzeTraceFiles(_paths: string[], _options: AnalyzeOptions = {}): Promise<IoReport> {
  throw new Error('not implemented yet');
}

/** Analyzes trace text held in memory (an editor's content); `fileName` names it in diagnostics. */
export function analyzeTraceText(_text: string, _fileName: string, _options: AnalyzeOptions = {}): IoReport {
  throw new Error('not implemented yet');
}
