// `strace -c` traces hold only strace's own table; `-U` chooses its columns. Recorded here with real
// strace: the report's per-syscall figures are the table's, and a table that leaves out what the
// figures need says so once (no calls column: nothing counted; no errors column: errors unknown)
// instead of a warning per row or negative counts.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { IoReport } from '../../src/core/report-types';
import { recordStrace } from '../support/record';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-strace-c-'));
const input = path.join(dir, 'in.txt');
fs.writeFileSync(input, 'strace -c counts these calls\n'.repeat(2000));
// cat reads the file; the second cat fails on a missing one: the table has errors to count.
const workload = ['sh', '-c', `cat "$1" > /dev/null; cat "$1.missing" 2> /dev/null; true`, 'sh', input];

async function tableTrace(name: string, flags: string[]): Promise<{ text: string; report: IoReport }> {
  const recording = await recordStrace(workload, { flags: ['-f', ...flags], outDir: dir, name });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  return { text, report: await analyzeTraceFiles([recording.tracePath]) };
}

/** The table's rows as strace printed them: name -> [calls, errors] for the columns asked for. */
function rowsOf(text: string, columns: string[]): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const cells = line.trim().split(/\s+/);
    const name = cells[cells.length - 1] ?? '';
    if (cells.length !== columns.length || !/^[a-z_][a-z0-9_]*$/.test(name) || name === 'total' || name === 'syscall') continue;
    rows.set(name, cells.slice(0, -1).map(Number));
  }
  return rows;
}

test('strace -c: the figures are the table\'s calls and errors, no diagnostic', async () => {
  const { text, report } = await tableTrace('c_default', ['-c']);
  assert.deepEqual(report.diagnostics, []);
  const table = new Map<string, [number, number]>();
  for (const m of text.matchAll(/^ *[\d.]+ +[\d.]+ +\d+ +(\d+) +(\d*) *([a-z_0-9]+)$/gm)) if (m[3] !== 'total') table.set(m[3] ?? '', [Number(m[1]), Number(m[2] || 0)]);
  assert.ok((table.get('read')?.[0] ?? 0) >= 3, `the table counts the reads: ${JSON.stringify([...table])}`);
  assert.ok([...table.values()].some(([, errors]) => errors > 0), 'the missing file makes errors');
  const figures = new Map(Object.entries(report.summary.bySyscall).map(([name, row]) => [name, [row.calls, row.errors]]));
  assert.deepEqual(figures, table);
});

test('strace -c -U calls,name: calls counted, one info that errors are not known', async () => {
  const { text, report } = await tableTrace('c_calls_name', ['-c', '-U', 'calls,name']);
  const table = rowsOf(text, ['calls', 'name']);
  assert.ok((table.get('read')?.[0] ?? 0) >= 3, `the table counts the reads: ${JSON.stringify([...table])}`);
  assert.deepEqual(
    report.diagnostics.map((d) => [d.line, d.severity, d.message]),
    [[1, 'info', "strace -c table without an errors column (-U calls,name): its calls' errors are not known, counted as 0"]],
  );
  assert.deepEqual(new Map(Object.entries(report.summary.bySyscall).map(([name, row]) => [name, [row.calls]])), table);
  const total = [...table.values()].reduce((sum, [calls]) => sum + (calls ?? 0), 0);
  assert.equal(report.summary.totals.calls, total);
  assert.equal(report.summary.totals.modeSwitches, 2 * total);
});

for (const columns of ['name', 'name,total-time', 'errors,name']) {
  test(`strace -c -U ${columns}: a table with no calls column counts nothing, said once (not per row, no negative counts)`, async () => {
    const { text, report } = await tableTrace(`c_${columns.replace(/\W+/g, '_')}`, ['-c', '-U', columns]);
    assert.ok(text.split('\n').length > 10, 'strace printed its rows');
    assert.deepEqual(
      report.diagnostics.map((d) => [d.line, d.severity, d.message]),
      [[1, 'warning', `strace -c table without a calls column (-U ${columns}): it counts no calls, its rows are not read`]],
    );
    assert.deepEqual(report.summary.bySyscall, {});
    assert.equal(report.summary.totals.calls, 0);
    assert.equal(report.summary.totals.modeSwitches, 0);
  });
}

test('strace -C -U name,total-time: the calls above the table are the figures, nothing to say of the table', async () => {
  const { report } = await tableTrace('C_name_time', ['-C', '-U', 'name,total-time']);
  assert.deepEqual(report.diagnostics, []);
  assert.ok((report.summary.bySyscall.read?.calls ?? 0) >= 3);
  const calls = report.summary.totals.calls ?? 0;
  assert.ok(calls > 20, `${calls} calls`);
  assert.equal(report.summary.totals.modeSwitches, 2 * calls);
});
