// Typed reading of the `iolens.*` settings (declared in package.json `contributes.configuration`).

import * as vscode from 'vscode';

export interface IoLensSettings {
  stracePath: string;
  perfPath: string;
  straceArgs: string[];
  stringSize: number;
  traceFolder: string;
  assumeGatherNic: boolean;
  /** Parse trace files on a second thread (AnalyzeOptions.parseInWorker). */
  parseThread: boolean;
}

export const DEFAULT_STRACE_ARGS = ['-f', '-ttt', '-T', '-yy'];

export function readSettings(scope?: vscode.ConfigurationScope): IoLensSettings {
  const c = vscode.workspace.getConfiguration('iolens', scope);
  const str = (key: string, dflt: string): string => {
    const v = c.get<unknown>(key);
    return typeof v === 'string' && v.trim() ? v.trim() : dflt;
  };
  const args = c.get<unknown>('straceArgs');
  const size = c.get<unknown>('stringSize');
  return {
    stracePath: str('stracePath', 'strace'),
    perfPath: str('perfPath', 'perf'),
    straceArgs: Array.isArray(args) && args.every((a) => typeof a === 'string') ? (args as string[]) : DEFAULT_STRACE_ARGS,
    stringSize: typeof size === 'number' && Number.isInteger(size) && size >= 0 ? Math.min(size, 65536) : 32,
    traceFolder: str('traceFolder', '.iolens/traces'),
    assumeGatherNic: c.get<boolean>('assumeGatherNic', true) !== false,
    parseThread: c.get<boolean>('parseThread', false) === true,
  };
}
