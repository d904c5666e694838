// The comparison view's pure parts (media/compare/model.ts): how deltas read, the per-syscall rows
// and their order, the before/after chart series on one scale, and the verdict, on real traces.

import { before as beforeAll, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { compareReports, delta, type TraceComparison } from '../../src/core/compare';
import type { IoReport } from '../../src/core/report-types';
import {
  barFractions,
  byteStep,
  callsDelta,
  chunkSeries,
  classSeries,
  describeDelta,
  formatChange,
  formatRelative,
  matchedRows,
  routeLabel,
  sharedMax,
  sortSyscallRows,
  syscallRows,
  tone,
  transferSeries,
  verdict,
} from '../../media/compare/model';
import { repoRoot } from './support/corpus';

const corpus = (dir: string, rel: string): string => path.join(repoRoot(), 'test', 'fixtures', dir, 'traces', rel);

describe('delta formatting', () => {
  test('signed changes with units, a real minus sign, and n/a when unknown', () => {
    assert.equal(formatChange(delta(66, 8), 'count'), '−58');
    assert.equal(formatChange(delta(8, 66), 'count'), '+58');
    assert.equal(formatChange(delta(2_000_000, 0), 'bytes'), '−1.91 MiB');
    assert.equal(formatChange(delta(5, 5), 'count'), '0');
    assert.equal(formatChange(delta(null, 5), 'us'), 'n/a');
    assert.equal(formatChange(delta(1500, 500), 'us'), '−1.00 ms');
  });
  test('relative change: percent, "new" from zero, nothing when unchanged or unknown', () => {
    assert.equal(formatRelative(delta(2_000_000, 0)), '−100%');
    assert.equal(formatRelative(delta(138, 82)), '−40.6%');
    assert.equal(formatRelative(delta(100, 250)), '+150%');
    assert.equal(formatRelative(delta(0, 4)), 'new');
    assert.equal(formatRelative(delta(4, 4)), '');
    assert.equal(formatRelative(delta(null, 4)), '');
  });
  test('tone: lower costs are better; bytes moved is neutral; unknown stays unknown', () => {
    assert.equal(tone(delta(66, 8)), 'better');
    assert.equal(tone(delta(8, 66)), 'worse');
    assert.equal(tone(delta(8, 8)), 'same');
    assert.equal(tone(delta(null, 8)), 'unknown');
    assert.equal(tone(delta(100, 200), false), 'neutral');
  });
  test('words for screen readers', () => {
    assert.equal(describeDelta(delta(66, 8), 'count'), '66 → 8, 58 fewer (−87.9%)');
    assert.equal(describeDelta(delta(2_000_000, 0), 'bytes'), '1.91 MiB → 0 B, 1.91 MiB less (−100%)');
    assert.equal(describeDelta(delta(3, 3), 'count'), '3 → 3, unchanged');
    assert.equal(describeDelta(delta(null, 3), 'us'), 'n/a → 3 µs, cannot be compared');
  });
  test('bytes axes tick at binary-friendly steps', () => {
    assert.equal(byteStep(2_000_000), 512 * 1024, '0, 512 KiB, 1 MiB, 1.5 MiB, 2 MiB');
    assert.equal(byteStep(1024 * 1024), 256 * 1024);
    assert.equal(byteStep(1_000_000), 200 * 1024);
    assert.equal(byteStep(50e6), 10 * 1024 * 1024);
    assert.equal(byteStep(700), 200);
    assert.equal(byteStep(5), 1);
    assert.equal(byteStep(0), undefined);
  });
  test('bars share one scale: the larger value is full width', () => {
    assert.deepEqual(barFractions(delta(200, 50)), { before: 1, after: 0.25 });
    assert.deepEqual(barFractions(delta(0, 0)), { before: 0, after: 0 });
    assert.deepEqual(barFractions(delta(null, 10)), { before: 0, after: 1 });
  });
});

describe('read/write vs sendfile (corpus traces)', () => {
  let before: IoReport;
  let after: IoReport;
  let c: TraceComparison;
  beforeAll(async () => {
    before = await analyzeTraceFiles([corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace')]);
    after = await analyzeTraceFiles([corpus('corpus', 'sendfile_c/f_ttt_T_yy.trace')]);
    c = compareReports(before, after);
  });

  test('the matched transfer reads as rows: copies, CPU bytes, switches, calls by name', () => {
    const [m] = c.transfers.matched;
    assert.ok(m);
    assert.equal(routeLabel(m.before), 'in.bin → tcp');
    assert.deepEqual(callsDelta(m), { before: 33, after: 4, change: -29, relative: -29 / 33 });
    const rows = Object.fromEntries(matchedRows(m).map((r) => [r.label, r]));
    assert.equal(rows['copies per byte']?.beforeText, '2 CPU + 1 DMA');
    assert.equal(rows['copies per byte']?.afterText, '0 CPU + 1 DMA');
    assert.equal(rows['copies per byte']?.note, undefined, 'the DMA copies did not change');
    assert.equal(rows['CPU bytes copied']?.delta.after, 0);
    assert.equal(rows['system calls']?.beforeText, 'read × 17, write × 16');
    assert.equal(rows['system calls']?.afterText, 'sendfile × 4');
    assert.equal(rows.bytes?.lowerIsBetter, false);
  });

  test('per-syscall rows carry the class; change columns sort by size, either way', () => {
    const rows = syscallRows(c, before, after);
    const sendfile = rows.find((r) => r.name === 'sendfile');
    assert.equal(sendfile?.class, 'zerocopy');
    const byCalls = sortSyscallRows(rows, 'callsChange', true).map((r) => r.name);
    assert.deepEqual(byCalls.slice(0, 3), ['read', 'write', 'sendfile'], 'read −17, write −16, sendfile +4');
    const byName = sortSyscallRows(rows, 'name', false).map((r) => r.name);
    assert.deepEqual(byName, [...byName].sort((a, b) => a.localeCompare(b)));
    const byAfter = sortSyscallRows(rows, 'callsAfter', true);
    assert.ok((byAfter[0]?.calls.after ?? 0) >= (byAfter[1]?.calls.after ?? 0));
  });

  test('chart series: one category per transfer, before and after on one axis', () => {
    const cpu = transferSeries(c, (t) => t.cpuBytesCopied);
    assert.deepEqual(cpu.labels, ['in.bin → tcp']);
    assert.deepEqual(cpu.before, [2_000_000]);
    assert.deepEqual(cpu.after, [0]);
    const switches = transferSeries(c, (t) => t.modeSwitches);
    assert.deepEqual([switches.before, switches.after], [[66], [8]]);
    assert.equal(sharedMax(cpu), 2_000_000);
    assert.equal(sharedMax(switches, cpu), 2_000_000);
    const classes = classSeries(before, after);
    const i = classes.labels.indexOf('zerocopy');
    assert.ok(i >= 0);
    assert.deepEqual([classes.before[i], classes.after[i]], [0, 4]);
    const chunks = chunkSeries(before, after);
    assert.equal(chunks.labels.length, chunks.before.length);
    assert.equal(chunks.before.reduce((a, b) => a + b, 0), 16, '15 full 64 KiB chunks and one of 16,960 B');
  });

  test('the verdict names the savings and the strategy change', () => {
    const v = verdict(c);
    assert.match(v, /^CPU bytes copied −100% \(1\.91 MiB → 0 B\)/);
    assert.match(v, /mode switches −40\.6%/);
    assert.match(v, /1 of 1 matched transfer changed strategy \(read_write → sendfile\)\.$/);
    assert.match(verdict(c, (s) => s.replace('_', ' + ')), /\(read \+ write → sendfile\)/);
    assert.match(verdict(compareReports(before, before)), /^No cost changed; the matched transfer keeps its strategy\.$/);
  });
});

describe('added and removed transfers', () => {
  test('a transfer only on one side is a category with a zero on the other', async () => {
    const rw = await analyzeTraceFiles([corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace')]);
    const cat = await analyzeTraceFiles([corpus('corpus', 'cat_pipe_cat/f_ttt_T_yy.trace')]);
    const c = compareReports(rw, cat);
    assert.equal(c.transfers.matched.length, 0);
    assert.ok(c.transfers.removed.length >= 1 && c.transfers.added.length >= 1);
    const s = transferSeries(c, (t) => t.modeSwitches);
    assert.equal(s.labels.length, c.transfers.removed.length + c.transfers.added.length);
    assert.ok(s.labels[0]?.startsWith('− '));
    assert.equal(s.after[0], 0);
    const last = s.labels.length - 1;
    assert.ok(s.labels[last]?.startsWith('+ '));
    assert.equal(s.before[last], 0);
    assert.equal(new Set(s.labels).size, s.labels.length, 'labels are unique (chart categories)');
    assert.match(verdict(c), /no transfer matched across the traces\.$/);
  });
});
