// The command `iolens.analyzeTrace` run the way other code (and these tests) call it.
//
// Contract: given a Uri (one trace) or a Uri[] (the -ff parts of one trace) the command skips its
// quick pick, analyzes those files, opens the report panel and resolves to the IoReport. The
// figures are checked against the corpus manifest, the ground truth of each trace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IoReport, Transfer } from '../../src/core/report-types';
import { expectedTransfersOf, type ExpectedTransfer } from '../unit/support/corpus';

const COMMAND = 'iolens.analyzeTrace';
/** The repo root, from out/test/suite/ where this file runs. */
const REPO = path.resolve(__dirname, '..', '..', '..');
const CORPUS = path.join(REPO, 'test', 'fixtures', 'corpus');

/** The expected transfers of corpus files (several = the -ff parts of one trace). */
const expectedTransfers = expectedTransfersOf;

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (test/vscode/workspace)');
  return vscode.Uri.joinPath(folder.uri, name);
}

const describeTransfer = (t: Pick<Transfer, 'pid' | 'strategy' | 'source' | 'sink'>) =>
  `pid ${t.pid} ${t.strategy} ${t.source.kind}:${t.source.path ?? ''} -> ${t.sink.kind}`;

/** Every expected transfer is in the report with the manifest's bytes and calls. */
function assertTransfersMatch(report: IoReport, expected: ExpectedTransfer[]): void {
  assert.ok(Array.isArray(report.transfers), 'report.transfers is not an array');
  const found = report.transfers.map(describeTransfer).join('; ') || 'none';
  for (const exp of expected) {
    const t = report.transfers.find((x) => x.strategy === exp.strategy && x.source.kind === exp.source.kind &&
      x.sink.kind === exp.sink.kind && (exp.pid === 'main' || x.pid === exp.pid));
    assert.ok(t, `no transfer like ${exp.strategy} ${exp.source.kind} -> ${exp.sink.kind} (pid ${exp.pid}); the report has: ${found}`);
    assert.equal(t.bytes, exp.bytes, `bytes of ${describeTransfer(t)}`);
    if (exp.source.kind === 'file') assert.equal(t.source.path, exp.source.path, `source path of ${describeTransfer(t)}`);
    assert.deepEqual(t.syscalls, exp.syscalls_involved, `calls of ${describeTransfer(t)}`);
    const calls = Object.values(exp.syscalls_involved).reduce((a, b) => a + b, 0);
    assert.equal(t.modeSwitches, 2 * calls, `mode switches of ${describeTransfer(t)} (2 per call)`);
  }
  for (const strategy of new Set(expected.map((e) => e.strategy))) {
    assert.equal(report.transfers.filter((t) => t.strategy === strategy).length, expected.filter((e) => e.strategy === strategy).length,
      `number of ${strategy} transfers; the report has: ${found}`);
  }
}

/** The report panel is open: a webview tab of the view type iolens.report. */
function assertReportPanelOpen(): void {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  const panel = tabs.find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('iolens.report'));
  assert.ok(panel, `no iolens.report webview among the open tabs: ${tabs.map((t) => t.label).join(', ') || 'none'}`);
}

async function analyze(arg: vscode.Uri | vscode.Uri[]): Promise<IoReport> {
  const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, arg);
  assert.ok(report, `${COMMAND} resolved to ${String(report)}, not an IoReport`);
  assert.equal(report.schemaVersion, 1);
  return report;
}

describe(`${COMMAND} given files`, () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the workspace traces are unedited copies of the corpus traces', () => {
    for (const [name, corpusFile] of [['sendfile.strace', 'traces/sendfile_c/f_ttt_T_yy.trace'], ['rw_send.strace', 'traces/rw_send_c/f_ttt_T_yy.trace']]) {
      assert.ok(fs.readFileSync(workspaceFile(name).fsPath).equals(fs.readFileSync(path.join(CORPUS, corpusFile))), `${name} differs from ${corpusFile}`);
    }
  });

  it('sendfile.strace (Uri): one sendfile transfer, file -> tcp, 1,000,000 bytes, and the report panel', async () => {
    const uri = workspaceFile('sendfile.strace');
    const report = await analyze(uri);
    assert.deepEqual(report.trace.files.map((f) => path.basename(f)), ['sendfile.strace']);
    assert.equal(report.trace.format, 'strace');
    const flags = report.trace.flags;
    assert.ok(flags.pids && flags.timestamps !== 'none' && flags.durations && flags.fdPaths !== 'none',
      `flags read from a -f -ttt -T -yy trace: ${JSON.stringify(flags)}`);
    const expected = expectedTransfers('traces/sendfile_c/f_ttt_T_yy.trace');
    assert.equal(expected.length, 1);
    assert.equal(expected[0].strategy, 'sendfile');
    assertTransfersMatch(report, expected);
    assert.ok(report.summary.totals.bytes >= 1_000_000, `totals.bytes ${report.summary.totals.bytes} < the payload`);
    assertReportPanelOpen();
  });

  it('rw_send.strace (Uri): one read_write transfer, file -> tcp', async () => {
    const report = await analyze(workspaceFile('rw_send.strace'));
    assertTransfersMatch(report, expectedTransfers('traces/rw_send_c/f_ttt_T_yy.trace'));
    assertReportPanelOpen();
  });

  it('the -ff parts of cat | cat (Uri[]): one trace, a transfer per pid', async () => {
    const parts = ['traces/cat_pipe_cat/ff.20994', 'traces/cat_pipe_cat/ff.20995', 'traces/cat_pipe_cat/ff.20996'];
    const report = await analyze(parts.map((p) => vscode.Uri.file(path.join(CORPUS, p))));
    assert.equal(report.trace.files.length, 3, `trace.files: ${JSON.stringify(report.trace.files)}`);
    const expected = expectedTransfers(...parts);
    assert.equal(expected.length, 2);
    assertTransfersMatch(report, expected);
    assertReportPanelOpen();
  });
});
