// The arguments of `iolens.analyzeTrace`: the programmatic request shapes (AnalyzeRequest, one per
// quick pick entry) and their validation, and the `(uri)`, `(uri[])`, `(clicked, selected[])` forms.

import * as path from 'node:path';
import * as vscode from 'vscode';

/** A programmatic use of one quick pick entry: what the interactive entry asks the user for. */
export type AnalyzeRequest =
  | { entry: 'runStrace'; argv: string[]; cwd: string; stacks?: boolean; lowOverhead?: boolean }
  | { entry: 'runPerf'; argv: string[]; cwd: string }
  | { entry: 'openFiles'; uris: vscode.Uri[] }
  | { entry: 'activeEditor' };

const REQUEST_KEYS: Record<AnalyzeRequest['entry'], { required: string[]; optional: string[] }> = {
  runStrace: { required: ['argv', 'cwd'], optional: ['stacks', 'lowOverhead'] },
  runPerf: { required: ['argv', 'cwd'], optional: [] },
  openFiles: { required: ['uris'], optional: [] },
  activeEditor: { required: [], optional: [] },
};

function isUri(x: unknown): x is vscode.Uri {
  return x instanceof vscode.Uri;
}

/** `(uri)`, `(uri[])`, or the explorer's `(clicked, selected[])`. */
export function urisFromArgs(args: unknown[]): vscode.Uri[] | undefined {
  const [first, second] = args;
  if (Array.isArray(second) && second.length > 1 && second.every(isUri)) return second;
  if (Array.isArray(first) && first.length > 0 && first.every(isUri)) return first;
  if (isUri(first)) return [first];
  return undefined;
}

/**
 * A plain object (not a Uri, nor a Uri's JSON from a command link) is meant as an AnalyzeRequest,
 * and then must be a valid one.
 */
export function looksLikeRequest(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || isUri(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && ('entry' in x || !('scheme' in x || '$mid' in x));
}

function requestError(problem: string): Error {
  return new Error(`iolens.analyzeTrace: ${problem}. Expected { entry: 'runStrace', argv: string[], cwd: string, stacks?: boolean, lowOverhead?: boolean } | { entry: 'runPerf', argv: string[], cwd: string } | { entry: 'openFiles', uris: Uri[] } | { entry: 'activeEditor' }.`);
}

/** Checks a request received at run time; throws an Error saying what is wrong. */
export function parseAnalyzeRequest(x: unknown): AnalyzeRequest {
  if (!looksLikeRequest(x)) throw requestError('the argument is not a request object');
  if (!('entry' in x)) throw requestError('the request has no `entry`');
  const entry = x.entry;
  if (typeof entry !== 'string' || !Object.hasOwn(REQUEST_KEYS, entry)) throw requestError(`unknown entry ${JSON.stringify(entry)}`);
  const keys = REQUEST_KEYS[entry as AnalyzeRequest['entry']];
  const unknown = Object.keys(x).filter((k) => k !== 'entry' && !keys.required.includes(k) && !keys.optional.includes(k));
  if (unknown.length > 0) throw requestError(`unknown key(s) ${unknown.join(', ')} for entry '${entry}'`);
  const missing = keys.required.filter((k) => x[k] === undefined);
  if (missing.length > 0) throw requestError(`entry '${entry}' needs ${missing.join(' and ')}`);
  switch (entry) {
    case 'runStrace':
    case 'runPerf': {
      const { argv, cwd } = x;
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string') || argv[0] === '') {
        throw requestError('`argv` must be a non-empty array of strings whose first element (the program) is not empty');
      }
      if (argv.some((a: string) => a.includes('\0'))) throw requestError('`argv` must not contain NUL characters');
      if (typeof cwd !== 'string' || !path.isAbsolute(cwd)) throw requestError('`cwd` must be an absolute path');
      if (entry === 'runPerf') return { entry, argv: [...argv] as string[], cwd };
      for (const k of ['stacks', 'lowOverhead'] as const) {
        if (x[k] !== undefined && typeof x[k] !== 'boolean') throw requestError(`\`${k}\` must be a boolean`);
      }
      return { entry, argv: [...argv] as string[], cwd, stacks: x.stacks === true, lowOverhead: x.lowOverhead === true };
    }
    case 'openFiles': {
      const { uris } = x;
      if (!Array.isArray(uris) || uris.length === 0 || !uris.every(isUri)) throw requestError('`uris` must be a non-empty array of vscode.Uri');
      return { entry, uris: [...uris] };
    }
    default:
      return { entry: 'activeEditor' };
  }
}
