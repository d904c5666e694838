// Comparing two real traces of the same job done two ways.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { compareReports, regressions } from '../../src/core/compare';
import { liveWorkload, recordLiveWorkload } from '../support/live-workloads';
import { prepareWorkloadEnv } from '../support/workloads';
import { repoRoot } from './support/corpus';

const corpus = (dir: string, rel: string): string => path.join(repoRoot(), 'test', 'fixtures', dir, 'traces', rel);

test('read/write vs sendfile: the transfer is matched, CPU copies and mode switches drop', async () => {
  const before = await analyzeTraceFiles([corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace')]);
  const after = await analyzeTraceFiles([corpus('corpus', 'sendfile_c/f_ttt_T_yy.trace')]);
  const comparison = compareReports(before, after);
  assert.equal(comparison.transfers.matched.length, 1);
  const [match] = comparison.transfers.matched;
  assert.ok(match);
  assert.equal(match.before.strategy, 'read_write');
  assert.equal(match.after.strategy, 'sendfile');
  assert.equal(match.strategyChanged, true);
  assert.deepEqual([match.modeSwitches.before, match.modeSwitches.after], [2 * (17 + 16), 2 * 4]);
  assert.deepEqual([match.cpuCopies.before, match.cpuCopies.after], [2, 0]);
  assert.equal(comparison.totals.cpuBytesCopied.before, 2_000_000);
  assert.equal(comparison.totals.cpuBytesCopied.after, 0);
  assert.equal(comparison.totals.cpuBytesCopied.relative, -1);
  assert.deepEqual(comparison.transfers.added, []);
  assert.deepEqual(comparison.transfers.removed, []);
  assert.equal(comparison.bySyscall.sendfile?.calls.after, 4);
  assert.equal(comparison.bySyscall.sendfile?.calls.before, 0);
  assert.deepEqual(regressions(comparison, ['cpu-bytes-copied', 'mode-switches']), []);
  assert.equal(regressions(compareReports(after, before), ['cpu-bytes-copied']).length, 1, 'going back to read/write is a regression');
});

test('nginx sendfile off vs on: both requests matched by file, pread64+writev become sendfile', async () => {
  const off = await analyzeTraceFiles([corpus('corpus-extra', 'nginx_sendfile_off/f_ttt_T_yy.trace')]);
  const on = await analyzeTraceFiles([corpus('corpus', 'nginx_sendfile_on/f_ttt_T_yy.trace')]);
  const comparison = compareReports(off, on);
  const keys = comparison.transfers.matched.map((m) => m.key).sort();
  assert.deepEqual(keys, ['file:/tmp/ctx/www/in.bin -> tcp', 'file:/tmp/ctx/www/in.txt -> tcp']);
  for (const m of comparison.transfers.matched) {
    assert.equal(m.before.strategy, 'read_write');
    assert.equal(m.after.strategy, 'sendfile');
    assert.ok((m.modeSwitches.change ?? 0) < 0, 'fewer mode switches');
    assert.equal(m.bytes.change, 0, 'same payload');
  }
});

test('4 KiB vs 128 KiB buffers (live rw_copy): same strategy, far fewer calls', async () => {
  const env = await prepareWorkloadEnv();
  const record = async (buffer: number) => {
    const workload = liveWorkload('rw_copy');
    const recording = await recordLiveWorkload({ ...workload, plan: (ctx) => { const plan = workload.plan(ctx); plan.argv[plan.argv.length - 1] = String(buffer); return plan; } }, { env });
    assert.ok(recording.ok && recording.exitCode === 0, 'rw_copy ran');
    return analyzeTraceFiles(recording.traceFiles);
  };
  const small = await record(4096);
  const large = await record(131072);
  const comparison = compareReports(small, large);
  assert.equal(comparison.transfers.matched.length, 1);
  const [match] = comparison.transfers.matched;
  assert.ok(match);
  assert.equal(match.before.strategy, 'read_write');
  assert.equal(match.after.strategy, 'read_write');
  // 1,000,000 bytes: 245 reads of 4096 (+EOF) and 244 writes, vs 8 reads of 131072 (+EOF) and 8 writes.
  assert.deepEqual(match.before.syscalls, { read: 246, write: 245 });
  assert.deepEqual(match.after.syscalls, { read: 9, write: 8 });
  assert.equal(match.modeSwitches.change, 2 * (17 - 491));
  assert.equal(match.cpuBytesCopied.change, 0, 'buffer size does not change the copies per byte');
  assert.equal(match.before.recommendation?.strategy, 'copy_file_range');
});

test('different formats: strace vs perf trace are compared by endpoint kinds and say what cannot be compared', async () => {
  const strace = await analyzeTraceFiles([corpus('corpus', 'sendfile_c/f.trace')]);
  const perf = await analyzeTraceFiles([corpus('corpus', 'sendfile_c/perf.trace')]);
  const comparison = compareReports(strace, perf);
  assert.equal(comparison.transfers.matched.length, 1);
  assert.ok(comparison.incomparable.some((note) => note.includes('formats differ')));
  assert.ok(comparison.incomparable.some((note) => note.includes('without durations')), 'f.trace has no -T');
  assert.equal(comparison.totals.timeUs.change, null);
});
