// "I/O Lens: Compare I/O traces" inside a real VS Code, on real traces of one job done two ways.
//
// Contract: executeCommand('iolens.compareTraces', before: Uri | Uri[], after: Uri | Uri[]) skips the
// pickers, opens the comparison webview (viewType iolens.compare) and resolves to the
// TraceComparison; from the explorer VS Code passes (clickedUri, selectedUris[]).

import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gzipSync } from 'node:zlib';
import type { MatchedTransfer, TraceComparison } from '../../src/core/compare';
import { isTraceComparison } from '../../src/protocol/compare-messages';
import { liveWorkload, recordLiveWorkload } from '../support/live-workloads';
import { missingTools, prepareWorkloadEnv } from '../support/workloads';

const COMMAND = 'iolens.compareTraces';
const REPO = path.resolve(__dirname, '../../..');
const corpus = (dir: 'corpus' | 'corpus-extra', rel: string) => vscode.Uri.file(path.join(REPO, 'test/fixtures', dir, 'traces', rel));

function compareTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('iolens.compare'));
}

async function compare(...args: unknown[]): Promise<TraceComparison> {
  const comparison = await vscode.commands.executeCommand<TraceComparison | undefined>(COMMAND, ...args);
  assert.ok(comparison, `${COMMAND} resolved to ${String(comparison)}, not a TraceComparison`);
  assert.ok(isTraceComparison(comparison), 'the comparison passes the guard the webview applies');
  assert.equal(compareTabs().length, 1, 'one comparison panel is open');
  return comparison;
}

function onlyMatch(c: TraceComparison): MatchedTransfer {
  assert.equal(c.transfers.matched.length, 1, `matched: ${c.transfers.matched.map((m) => m.key).join(', ') || 'none'}`);
  return c.transfers.matched[0];
}

describe(`${COMMAND}: two ways of doing one job`, function () {
  this.timeout(120_000);
  before(async () => {
    await vscode.extensions.getExtension('iolens.iolens')?.activate();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('read/write vs sendfile: one matched transfer, 2 CPU copies per byte -> 0, 66 -> 8 mode switches', async () => {
    const c = await compare(corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace'), corpus('corpus', 'sendfile_c/f_ttt_T_yy.trace'));
    const m = onlyMatch(c);
    assert.equal(m.before.strategy, 'read_write');
    assert.equal(m.after.strategy, 'sendfile');
    assert.equal(m.strategyChanged, true);
    assert.match(m.before.source.path, /in\.bin$/);
    assert.equal(m.key, `file:${m.before.source.path} -> tcp`);
    assert.deepEqual([m.modeSwitches.before, m.modeSwitches.after], [2 * (17 + 16), 2 * 4]);
    assert.deepEqual([m.cpuCopies.before, m.cpuCopies.after], [2, 0]);
    assert.equal(m.bytes.change, 0, 'the same 1,000,000 bytes');
    assert.equal(m.bytes.before, 1_000_000);
    assert.equal(c.totals.cpuBytesCopied.before, 2_000_000);
    assert.equal(c.totals.cpuBytesCopied.after, 0);
    assert.equal(c.totals.cpuBytesCopied.relative, -1);
    assert.ok((c.totals.modeSwitches.change ?? 0) < 0);
    assert.deepEqual(c.transfers.added, []);
    assert.deepEqual(c.transfers.removed, []);
    assert.equal(c.bySyscall.sendfile?.calls.before, 0);
    assert.equal(c.bySyscall.sendfile?.calls.after, 4);
    assert.equal(c.bySyscall.write?.calls.after, 0);
    assert.deepEqual(c.incomparable, [], 'same format, same flags');
    // The tab title names both traces (the extension host learns of the new title asynchronously).
    for (let i = 0; i < 40 && !/f_ttt_T_yy/.test(compareTabs()[0]?.label ?? ''); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(compareTabs()[0]?.label ?? '', /^I\/O Lens: f_ttt_T_yy\.trace ↔ f_ttt_T_yy\.trace$/);
  });

  it('nginx sendfile off vs on: both files matched, pread64+writev become sendfile, same payload', async () => {
    const c = await compare(corpus('corpus-extra', 'nginx_sendfile_off/f_ttt_T_yy.trace'), corpus('corpus', 'nginx_sendfile_on/f_ttt_T_yy.trace'));
    assert.deepEqual(c.transfers.matched.map((m) => m.key).sort(), ['file:/tmp/ctx/www/in.bin -> tcp', 'file:/tmp/ctx/www/in.txt -> tcp']);
    for (const m of c.transfers.matched) {
      assert.equal(m.before.strategy, 'read_write', m.key);
      assert.equal(m.after.strategy, 'sendfile', m.key);
      assert.ok((m.modeSwitches.change ?? 0) < 0, `${m.key}: fewer mode switches`);
      assert.equal(m.bytes.change, 0, `${m.key}: same payload`);
      assert.equal(m.cpuBytesCopied.after, 0, `${m.key}: no CPU copy with sendfile to a socket`);
      assert.ok((m.before.syscalls.pread64 ?? 0) > 0, `${m.key}: nginx reads with pread64 when sendfile is off`);
    }
    assert.equal(c.totals.cpuBytesCopied.after, 0);
    assert.equal(c.totals.bytes.change, 0);
  });

  it('4 KiB vs 128 KiB buffers (rw_copy recorded live): same strategy, 491 -> 17 calls, same copies', async function () {
    const missing = missingTools(['strace', 'make', 'gcc']);
    if (missing.length) this.skip();
    const env = await prepareWorkloadEnv();
    const record = async (buffer: number): Promise<vscode.Uri[]> => {
      const w = liveWorkload('rw_copy');
      const rec = await recordLiveWorkload({ ...w, plan: (ctx) => { const plan = w.plan(ctx); plan.argv[plan.argv.length - 1] = String(buffer); return plan; } }, { env });
      assert.ok(rec.ok && rec.exitCode === 0, `rw_copy ${buffer} ran under strace`);
      return rec.traceFiles.map((f) => vscode.Uri.file(f));
    };
    const small = await record(4096);
    const large = await record(131072);
    const c = await compare(small, large);
    const m = onlyMatch(c);
    assert.equal(m.before.strategy, 'read_write');
    assert.equal(m.after.strategy, 'read_write');
    assert.equal(m.strategyChanged, false);
    // 1,000,000 bytes: 245 reads of 4096 (+EOF) and 245 writes, vs 8 reads of 131072 (+EOF) and 8 writes.
    assert.deepEqual(m.before.syscalls, { read: 246, write: 245 });
    assert.deepEqual(m.after.syscalls, { read: 9, write: 8 });
    assert.equal(m.modeSwitches.change, 2 * (17 - 491));
    assert.equal(m.cpuBytesCopied.change, 0, 'the buffer size does not change the copies per byte');
    assert.equal(m.bytes.before, m.bytes.after);
    assert.ok((c.bySyscall.read?.calls.change ?? 0) < -200, `far fewer reads: ${JSON.stringify(c.bySyscall.read)}`);
  });

  it('strace vs perf trace: matched by endpoint kinds, and says what cannot be compared', async () => {
    const c = await compare(corpus('corpus', 'sendfile_c/f.trace'), corpus('corpus', 'sendfile_c/perf.trace'));
    assert.equal(c.before.format, 'strace');
    assert.equal(c.after.format, 'perf');
    const m = onlyMatch(c);
    assert.equal(m.before.strategy, 'sendfile');
    assert.equal(m.after.strategy, 'sendfile');
    assert.ok(c.incomparable.some((n) => n.includes('formats differ')), `notes: ${JSON.stringify(c.incomparable)}`);
    assert.ok(c.incomparable.some((n) => n.includes('without durations')), 'f.trace has no -T');
    assert.equal(c.totals.timeUs.change, null, 'no time delta without durations on one side');
  });
});

describe(`${COMMAND}: arguments and the panel`, function () {
  this.timeout(60_000);
  afterEach(async () => {
    const tabs = compareTabs();
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  });

  it('from the explorer (clicked, selected[]): the two selected traces, in selection order', async () => {
    const a = corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace');
    const b = corpus('corpus', 'sendfile_c/f_ttt_T_yy.trace');
    const c = await compare(b, [a, b]);
    assert.equal(path.basename(path.dirname(c.before.files[0])), 'rw_send_c');
    assert.equal(path.basename(path.dirname(c.after.files[0])), 'sendfile_c');
  });

  it('-ff parts as Uri[] make one side; the panel is reused for the next comparison', async () => {
    const parts = ['ff.20994', 'ff.20995', 'ff.20996'].map((f) => corpus('corpus', `cat_pipe_cat/${f}`));
    const c = await compare(parts, corpus('corpus', 'cat_pipe_cat/f_ttt_T_yy.trace'));
    assert.equal(c.before.files.length, 3);
    assert.equal(c.after.files.length, 1);
    assert.ok(c.transfers.matched.length >= 2, `file -> pipe and pipe -> file matched: ${c.transfers.matched.map((m) => m.key).join(', ')}`);
    await compare(corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace'), corpus('corpus', 'sendfile_c/f_ttt_T_yy.trace'));
    assert.equal(compareTabs().length, 1, 'still one comparison panel');
  });

  it('from the explorer, gzip -ff parts (`ff.PID.gz`) group as one trace, apart from the text parts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-gz-parts-'));
    const names = ['ff.20994', 'ff.20995', 'ff.20996'];
    const zipped = names.map((f) => {
      const out = path.join(dir, `${f}.gz`);
      writeFileSync(out, gzipSync(readFileSync(corpus('corpus', `cat_pipe_cat/${f}`).fsPath)));
      return vscode.Uri.file(out);
    });
    const text = names.map((f) => corpus('corpus', `cat_pipe_cat/${f}`));
    const c = await compare(zipped[0], [...zipped, ...text]);
    assert.equal(c.before.files.length, 3);
    assert.ok(c.before.files.every((f) => f.endsWith('.gz')));
    assert.equal(c.after.files.length, 3);
    assert.equal(c.transfers.added.length + c.transfers.removed.length, 0, 'the same recording, compressed or not');
  });

  it('one trace alone (the report\'s "Compare with…") asks for the after trace; Escape cancels without a panel', async () => {
    const pending = vscode.commands.executeCommand<TraceComparison | undefined>(COMMAND, corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace'));
    await new Promise((r) => setTimeout(r, 1500)); // the picker lists the workspace's traces first
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pending, undefined);
    assert.equal(compareTabs().length, 0, 'no comparison without an after trace');
  });

  it('a missing trace resolves undefined (the panel and a message say why) instead of throwing', async () => {
    const missing = vscode.Uri.file(path.join(tmpdir(), 'iolens-no-such-trace.trace'));
    const result = await vscode.commands.executeCommand<TraceComparison | undefined>(COMMAND, corpus('corpus', 'sendfile_c/f_ttt_T_yy.trace'), missing);
    assert.equal(result, undefined);
    assert.equal(compareTabs().length, 1, 'the panel shows the error');
  });

  it('file names that look like HTML are just data', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-hostile-'));
    const hostile = path.join(dir, '<img src=x onerror=alert(1)>.trace');
    copyFileSync(corpus('corpus', 'rw_send_c/f_ttt_T_yy.trace').fsPath, hostile);
    const c = await compare(vscode.Uri.file(hostile), corpus('corpus', 'sendfile_c/f_ttt_T_yy.trace'));
    assert.equal(path.basename(c.before.files[0]), '<img src=x onerror=alert(1)>.trace');
    assert.equal(onlyMatch(c).after.strategy, 'sendfile');
  });
});
