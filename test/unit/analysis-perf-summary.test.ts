// perf trace's own ways of saying what a program called, recorded here with real perf trace:
// - a new process's (or thread's) return from clone is printed as `... [continued]: clone())`
//   without a start: the parent's call, counted once (test/workloads/tcp_ephemeral.c forks);
// - `perf trace -s` prints only a summary table per thread: the per-syscall figures come from it, less
//   a child's own return from clone/vfork, which perf counts in the child's table as a call of no time.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordPerfTrace } from '../support/record';
import { buildWorkload } from './support/programs';


test("perf trace: a fork's return in the child is not a second clone call", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-perf-clone-'));
  const bin = buildWorkload(dir, 'tcp_ephemeral');
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, Buffer.alloc(100_000, 'uvwxyz'));
  const recording = await recordPerfTrace([bin, src, path.join(dir, 'dst.bin')], { outDir: dir });
  assert.ok(recording.ok, recording.ok ? '' : recording.reason);
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  const started = (text.match(/\): \S+\/\d+ clone\(/g) ?? []).length;
  assert.equal(started, 1, 'the program forks once');
  assert.match(text, /\[continued\]: clone\(\)/, "perf prints the child's return apart");
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.equal(report.summary.bySyscall.clone?.calls, 1);
});

test('perf trace -s (a summary table only): the per-syscall figures are the table\'s', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-perf-s-'));
  const bin = buildWorkload(dir, 'slurp_copy');
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, Buffer.alloc(300_000, 'abcdef'));
  const recording = await recordPerfTrace([bin, 'chunks', src, path.join(dir, 'dst.bin')], { outDir: dir, perfArgs: ['-s'] });
  assert.ok(recording.ok, recording.ok ? '' : recording.reason);
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  // The table's own rows: `   read   6   0   0.123 ...`.
  const table = new Map<string, number>();
  for (const m of text.matchAll(/^ {3}([a-z_0-9]+) +(\d+) +(\d+) +[\d.]+ /gm)) table.set(m[1] ?? '', (table.get(m[1] ?? '') ?? 0) + Number(m[2]));
  assert.ok((table.get('read') ?? 0) >= 6, `the table counts the reads: ${JSON.stringify([...table])}`);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const counted = Object.fromEntries(Object.entries(report.summary.bySyscall).map(([name, row]) => [name, row.calls]));
  assert.deepEqual(counted, Object.fromEntries(table));
  const total = [...table.values()].reduce((a, b) => a + b, 0);
  assert.equal(report.summary.totals.calls, total);
  assert.equal(report.summary.totals.modeSwitches, 2 * total);
});

test('perf trace -s: a child\'s own return from vfork, in its table as a call of no time, is not a second call', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-perf-s-fork-'));
  const src = path.join(dir, 'src.txt');
  fs.writeFileSync(src, 'two cats\n');
  // sh (dash) starts each cat with vfork: two calls in its table.
  const recording = await recordPerfTrace(['sh', '-c', 'cat "$1" > /dev/null; cat "$1" > /dev/null', 'sh', src], { outDir: dir, perfArgs: ['-s'] });
  assert.ok(recording.ok, recording.ok ? '' : recording.reason);
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  const rows = [...text.matchAll(/^ {3}(?:v?fork|clone3?) +(\d+) +\d+ +([\d.]+) +([\d.]+) /gm)];
  assert.ok(rows.some((m) => m[2] === '0.000' && m[3] === '0.000'), `perf counts a child's return in its own table:\n${rows.map((m) => m[0]).join('\n')}`);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const forks = Object.entries(report.summary.bySyscall).filter(([name]) => /^(v?fork|clone3?)$/.test(name));
  assert.deepEqual(Object.fromEntries(forks.map(([name, row]) => [name, row.calls])), { vfork: 2 });
});
