// Every real trace of the bundled corpora, analyzed and compared with its ground truth: each
// expected transfer found with the right strategy, endpoint kinds, exact bytes and syscall counts,
// and no transfer that is not there. Prints recall and precision over the whole corpus.

import * as fs from 'node:fs';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { Transfer } from '../../src/core/report-types';
import { loadCorpusCases, type ExpectedTransfer } from './support/corpus';

function describeExpected(e: ExpectedTransfer): string {
  return `pid ${e.pid} ${e.source.kind}:${e.source.path ?? e.source.description ?? ''} -> ${e.sink.kind}:${e.sink.path ?? e.sink.description ?? ''} ${e.strategy} ${e.bytes}B ${JSON.stringify(e.syscalls_involved)}`;
}

function describeActual(t: Transfer): string {
  return `pid ${t.pid} ${t.source.kind}:${t.source.path} -> ${t.sink.kind}:${t.sink.path} ${t.strategy} ${t.bytes}B ${JSON.stringify(t.syscalls)}`;
}

/**
 * Why `actual` is not `expected`, or null when it is. A path that no line of that process prints
 * (perf trace shows file names as pointers) cannot be asked for: then only the kind is checked.
 */
function mismatch(expected: ExpectedTransfer, actual: Transfer, traceText: string): string | null {
  const pid = expected.pid === 'main' ? 0 : expected.pid;
  if (actual.pid !== pid) return 'pid';
  const processLines = linesOfProcess(traceText, pid);
  if (actual.strategy !== expected.strategy) return 'strategy';
  if (actual.source.kind !== expected.source.kind) return 'source kind';
  if (actual.sink.kind !== expected.sink.kind) return 'sink kind';
  const knowable = (p: string | undefined): p is string => p !== undefined && processLines.includes(p);
  if (expected.source.kind === 'file' && knowable(expected.source.path) && actual.source.path !== expected.source.path) return 'source path';
  if (expected.sink.kind === 'file' && knowable(expected.sink.path) && actual.sink.path !== expected.sink.path) return 'sink path';
  const expectedBytes = expected.bytes_visible_in_trace === false ? null : expected.bytes;
  if (actual.bytes !== expectedBytes) return `bytes ${actual.bytes} != ${expectedBytes}`;
  assert.ok(actual.modeSwitches === 2 * Object.values(actual.syscalls).reduce((a, b) => a + b, 0));
  if (JSON.stringify(sortKeys(actual.syscalls)) !== JSON.stringify(sortKeys(expected.syscalls_involved))) return `syscalls ${JSON.stringify(actual.syscalls)}`;
  return null;
}

/** The lines a process printed: `PID ...` (-f -o), `[pid PID]` (stderr), `comm/PID` (perf); all lines for pid 0 and -ff parts. */
function linesOfProcess(traceText: string, pid: number): string {
  if (pid === 0) return traceText;
  const own = new RegExp(`^(\\s*${pid}\\s|\\[pid +${pid}\\]|.*?\\): [^ ]*/${pid} )`);
  return traceText.split('\n').filter((line) => own.test(line)).join('\n');
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

const cases = loadCorpusCases();
let expectedTotal = 0;
let found = 0;
let reported = 0;
let correct = 0;

for (const corpusCase of cases) {
  test(`corpus ${corpusCase.name}`, async () => {
    const report = await analyzeTraceFiles(corpusCase.files);
    // -ff parts: each part holds one process, named by the file's suffix; give its lines that pid.
    const traceText = corpusCase.files
      .map((f) => {
        const text = fs.readFileSync(f, 'latin1');
        const suffix = /\.(\d+)$/.exec(f)?.[1];
        return corpusCase.flagset === 'ff' && suffix !== undefined ? text.replace(/^/gm, `${suffix} `) : text;
      })
      .join('\n');
    assert.deepEqual(report.diagnostics, [], 'well-formed trace gives no diagnostics');
    const unmatched = [...report.transfers];
    const failures: string[] = [];
    for (const expected of corpusCase.expected) {
      expectedTotal++;
      const index = unmatched.findIndex((t) => mismatch(expected, t, traceText) === null);
      if (index >= 0) {
        found++;
        correct++;
        unmatched.splice(index, 1);
      } else {
        const near = unmatched.map((t) => `    ${describeActual(t)}  [${mismatch(expected, t, traceText)}]`).join('\n');
        failures.push(`missing: ${describeExpected(expected)}\n  candidates:\n${near}`);
      }
    }
    reported += report.transfers.length;
    for (const extra of unmatched) failures.push(`unexpected: ${describeActual(extra)}`);
    assert.equal(failures.length, 0, `${corpusCase.name}:\n${failures.join('\n')}`);
  });
}

test('corpus recall and precision', { concurrency: false }, () => {
  // Runs after the cases above (node:test runs top-level tests in order).
  const recall = expectedTotal === 0 ? 0 : found / expectedTotal;
  const precision = reported === 0 ? 0 : correct / reported;
  console.log(`corpus: ${cases.length} traces, ${expectedTotal} expected transfers, ${found} found, ${reported} reported; recall ${(recall * 100).toFixed(1)}%, precision ${(precision * 100).toFixed(1)}%`);
  assert.ok(expectedTotal > 100, 'the corpus has expected transfers');
});
