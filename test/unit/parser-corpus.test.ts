// The real strace 6.1 / perf 6.1 corpus (test/fixtures/corpus): every file parses with zero
// diagnostics, the line counts match the manifest, and the number of SyscallEvents per name matches
// an independent, deliberately simple count of the lines that START a call.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectFiles, corpusDir, countBy, sorted, unaccountedLines } from './parser-support/helpers';

interface ManifestEntry {
  file: string;
  flagset: string;
  workload: string;
  lines: number;
}

function manifest(): ManifestEntry[] {
  const m = JSON.parse(fs.readFileSync(path.join(corpusDir(), 'manifest.json'), 'utf8')) as { traces: ManifestEntry[] };
  // The manifest describes the whole corpus; the fixtures hold a subset of its workloads.
  return m.traces.filter((t) => fs.existsSync(path.join(corpusDir(), t.file)));
}

/**
 * Independent expectation, per syscall name, for strace text: a line starts a call when, after an
 * optional `[pid N]` / `N` prefix, an optional timestamp and an optional `[ip]`, it reads `name(`.
 * `<... name resumed>` lines continue a call started earlier and are not counted; `--- SIG`, `+++`,
 * ` > ` frames and `strace:` lines are not calls. (An `<unfinished ...>` line IS a start.)
 */
function expectedStraceCounts(text: string): Map<string, number> {
  const re = /^(?:\[pid +\d+\] |\d+ +)?(?:(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+) )?(?:\[[0-9a-f]+\] )?([a-z_0-9]+)\(/;
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m !== null) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
}

/**
 * For perf trace: every `comm/tid name(` line starts a call (interrupted ones end with `...`), and a
 * `... [continued]: name()` line is the end of one, except when perf never saw the start: then its
 * time column is `?` (execve and a clone child's first return), and it counts as a call of its own.
 */
function expectedPerfCounts(text: string): Map<string, number> {
  const start = /^\s*(?:\?|\d+\.\d+) \([^)]*\): .*?\/\d+ ([a-z_0-9]+)\(/;
  const orphan = /^\s*\? \([^)]*\): .*?\/\d+ +\.\.\. \[continued\]: ([a-z_0-9]+)\(/;
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = orphan.exec(line) ?? (line.includes('[continued]') ? null : start.exec(line));
    if (m !== null) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
}

const entries = manifest();

test('the corpus fixtures are present', () => {
  assert.ok(entries.length >= 90, `only ${entries.length} manifest entries have a fixture`);
});

for (const entry of entries) {
  test(`corpus ${entry.file}: no diagnostics, manifest line count, exact call counts per name`, async () => {
    const file = path.join(corpusDir(), entry.file);
    const c = await collectFiles([file]);
    assert.deepEqual(c.diagnostics, [], 'a well-formed real trace gives no diagnostics');
    assert.equal(c.result.lines, entry.lines, 'lines read = manifest line count');
    const text = fs.readFileSync(file, 'utf8');
    const perf = entry.flagset.startsWith('perf');
    assert.equal(c.result.format, perf ? 'perf' : 'strace');
    const expected = perf ? expectedPerfCounts(text) : expectedStraceCounts(text);
    const actual = countBy(c.syscalls, (e) => e.name);
    assert.deepEqual(sorted(actual), sorted(expected));
    assert.equal(c.result.events, c.events.length);
    assert.deepEqual(unaccountedLines(c, [c.result.lines]), []);
    // Summary-only and fault-only perf traces.
    if (entry.flagset === 'perf_s') {
      const rows = c.events.filter((e) => e.type === 'summary');
      // Less the rows that count only a child's own return from clone (one call of min 0.000): perf's, not a call.
      const rowLines = text.split('\n').filter((l) => /^\s+[a-z_0-9]+\s+\d+\s+\d+\s+[\d.]+/.test(l) && !/^\s+(clone3?|v?fork)\s+1\s+\d+\s+[\d.]+\s+0\.000\s/.test(l));
      assert.equal(rows.length, rowLines.length);
      assert.ok(rows.every((r) => r.pid > 0));
    }
    if (entry.flagset === 'perf_pf' || entry.flagset === 'perf_sc_pf') {
      const faults = c.events.filter((e) => e.type === 'fault').length;
      assert.equal(faults, text.split('\n').filter((l) => / (min|maj)fault \[/.test(l)).length);
      assert.equal(c.result.flags.pageFaults, true);
    }
  });
}

test('corpus flags are detected from the content', async () => {
  const t = (w: string, f: string): string => path.join(corpusDir(), 'traces', w, f);
  const flags = async (p: string) => (await collectFiles([p])).result.flags;
  assert.deepEqual(await flags(t('rw_copy_c', 'plain.trace')), { pids: false, timestamps: 'none', durations: false, fdPaths: 'none', stacks: false, instructionPointers: false, pageFaults: false });
  assert.equal((await flags(t('rw_copy_c', 'f_r.trace'))).timestamps, 'r');
  const tt = await flags(t('rw_copy_c', 'f_tt_T.trace'));
  assert.equal(tt.timestamps, 'tt');
  assert.equal(tt.durations, true);
  assert.equal(tt.pids, true);
  const yy = await flags(t('rw_send_c', 'f_ttt_T_yy.trace'));
  assert.equal(yy.timestamps, 'ttt');
  assert.equal(yy.fdPaths, 'yy');
  assert.equal((await flags(t('rw_copy_c', 'k.trace'))).stacks, true);
  assert.equal((await flags(t('fork_server_c', 'f.trace'))).fdPaths, 'none', 'octal escapes like "\\364<q" in buffers are not decorations');
  const perf = await flags(t('fork_server_c', 'perf.trace'));
  assert.equal(perf.timestamps, 'perf');
  assert.equal(perf.fdPaths, 'y');
});

/**
 * -f against -ff. The two recordings are separate runs of the same command (other pids), so pids are
 * mapped by process creation order: order of first appearance in the -f file, ascending pid among the
 * -ff parts (pids are handed out in increasing order on this machine, no wrap-around in the corpus).
 * Per mapped process the syscall-name counts must then be EQUAL. This holds exactly for every
 * workload of the fixtures (it would not for a workload whose call counts depend on timing, such as
 * signal delivery or socket arrival chunking; none of these differ here), and it checks the -f
 * merging of unfinished/resumed pairs against files where no call is ever split.
 */
for (const workload of fs.readdirSync(path.join(corpusDir(), 'traces'))) {
  const dir = path.join(corpusDir(), 'traces', workload);
  const parts = fs.readdirSync(dir).filter((f) => /^ff\.\d+$/.test(f));
  if (parts.length === 0 || !fs.existsSync(path.join(dir, 'f.trace'))) continue;
  test(`-f and -ff agree per process: ${workload}`, async () => {
    const f = await collectFiles([path.join(dir, 'f.trace')]);
    const ff = await collectFiles(parts.map((p) => path.join(dir, p)));
    assert.deepEqual(ff.diagnostics, []);
    const perProcess = (events: typeof f.syscalls, order: number[]): Map<string, number>[] =>
      order.map((pid) => countBy(events.filter((e) => e.pid === pid), (e) => e.name));
    const fOrder: number[] = [];
    for (const e of f.events) if (!fOrder.includes(e.pid)) fOrder.push(e.pid);
    const ffOrder = parts.map((p) => Number(p.slice(3))).sort((a, b) => a - b);
    assert.equal(fOrder.length, ffOrder.length, 'same number of processes');
    const a = perProcess(f.syscalls, fOrder);
    const b = perProcess(ff.syscalls, ffOrder);
    for (let i = 0; i < a.length; i++) {
      assert.deepEqual(sorted(a[i]), sorted(b[i]), `process #${i + 1} (pid ${fOrder[i]} in -f, ${ffOrder[i]} in -ff)`);
    }
    // -f has unfinished/resumed pairs where -ff has none: the merge must not change any call's result.
    assert.ok(f.syscalls.some((e) => e.resumedLine !== undefined) || f.result.processes === 1);
    // The -ff parts have no timestamps: emitted part after part in ascending pid order, pid from the suffix.
    const pidsInOrder = ff.events.map((e) => e.pid).filter((p, i, all) => i === 0 || all[i - 1] !== p);
    assert.deepEqual(pidsInOrder, ffOrder);
  });
}
