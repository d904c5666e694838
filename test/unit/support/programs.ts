// Builds the C programs of test/workloads that the analysis tests trace, and finds their transfers.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { Transfer } from '../../../src/core/report-types';
import { repoRoot } from './corpus';

/** A file of test/workloads. */
export function workloadPath(file: string): string {
  return path.join(repoRoot(), 'test', 'workloads', file);
}

/** Compiles test/workloads/NAME.c into `dir` (gcc -O1 and `flags`, e.g. -g, -pthread) and returns the program's path. */
export function buildWorkload(dir: string, name: string, flags: readonly string[] = []): string {
  const bin = path.join(dir, name);
  execFileSync('gcc', ['-O1', ...flags, '-o', bin, workloadPath(`${name}.c`)]);
  return bin;
}

/**
 * The transfer out of `src` and the one into `dst` of a copy that goes through something between
 * them (a socket): both must be there.
 */
export function bothEnds(transfers: readonly Transfer[], src: string, dst: string): { sent: Transfer; received: Transfer } {
  const sent = transfers.find((t) => t.source.path === src);
  const received = transfers.find((t) => t.sink.path === dst);
  assert.ok(sent && received, JSON.stringify(transfers.map((t) => `${t.source.path} -> ${t.sink.path}`)));
  return { sent, received };
}

/** The transfers in one line each (pid, strategy, source -> sink, bytes, calls): an assertion's message. */
export function describeTransfers(transfers: ReadonlyArray<Pick<Transfer, 'pid' | 'strategy' | 'source' | 'sink' | 'bytes' | 'syscalls'>>): string {
  return JSON.stringify(transfers.map((t) => `${t.pid} ${t.strategy} ${t.source.path} -> ${t.sink.path} ${t.bytes} ${JSON.stringify(t.syscalls)}`));
}
