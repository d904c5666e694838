// The checks and preparations before a tracer runs: the working folder and the program exist (the
// tracers report these badly), and a new trace file is reserved under iolens.traceFolder.

import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open as openFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings, type IoLensSettings } from './settings';
import type { TracerKind } from './tracer-diagnosis';

/** A failure to tell the user as is (no "failed:" prefix needed). */
export class RunError extends Error {}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

/** Creates a new, empty trace file under the trace folder (never overwrites: -1, -2, ... when taken). */
export async function reserveTraceFile(folder: string, program: string, kind: TracerKind): Promise<string> {
  await mkdir(folder, { recursive: true });
  const base = `${path.basename(program).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'trace'}-${timestamp()}${kind === 'perf' ? '.perf' : ''}`;
  for (let i = 0; i < 1000; i++) {
    const file = path.join(folder, `${base}${i ? `-${i}` : ''}.trace`);
    try {
      const fh = await openFile(file, 'wx');
      await fh.close();
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`No free trace file name in ${folder}.`);
}

/** iolens.traceFolder, absolute: relative to the first workspace folder (else to the command's folder). */
export function traceFolderFor(cwd: string, settings: IoLensSettings = readSettings()): string {
  if (path.isAbsolute(settings.traceFolder)) return settings.traceFolder;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? cwd;
  return path.join(root, settings.traceFolder);
}

/** Throws a RunError when the working folder is not a folder (spawn would blame the tracer). */
export async function checkWorkingFolder(cwd: string): Promise<void> {
  try {
    if (!(await stat(cwd)).isDirectory()) throw new RunError(`The working folder ${cwd} is not a folder.`);
  } catch (err) {
    if (err instanceof RunError) throw err;
    throw new RunError(`The working folder ${cwd} does not exist or cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws a RunError when the program cannot be started, found the way the tracer's exec will: a
 * name with a slash relative to `cwd`, else on PATH. (strace would only say "Can't stat", and perf
 * trace exits 0 with an empty trace.)
 */
export async function checkProgram(program: string, cwd: string, envPath = process.env.PATH ?? ''): Promise<void> {
  if (program.includes('/')) {
    const file = path.resolve(cwd, program);
    let isFile: boolean;
    try {
      isFile = (await stat(file)).isFile();
    } catch {
      throw new RunError(`The program "${program}" was not found: ${file} does not exist.`);
    }
    if (!isFile) throw new RunError(`The program "${program}" is not a file: ${file}.`);
    if (!(await isExecutableFile(file))) throw new RunError(`The program "${program}" is not executable (permission denied): ${file}.`);
    return;
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (await isExecutableFile(path.resolve(cwd, dir || '.', program))) return;
  }
  throw new RunError(`The program "${program}" was not found on PATH. Give its path (e.g. ./${program}) or install it.`);
}
