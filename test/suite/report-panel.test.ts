// The "Analyze I/O trace" contract and the report panel, inside a real VS Code:
// executeCommand('iolens.analyzeTrace', uri | uri[]) skips the quick pick, analyzes the files,
// opens the report webview beside the editor and returns the IoReport.

import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IoReport } from '../../src/core/report-types';
import { isIoReport } from '../../src/protocol/messages';
import { revealLines } from '../../src/extension/reveal';
import { analyzeSource } from '../../src/extension/analyze-source';

const COMMAND = 'iolens.analyzeTrace';
const REPO = path.resolve(__dirname, '../../..');
const traces = path.join(REPO, 'test/fixtures/corpus/traces');
const trace = (workload: string, file = 'f_ttt_T_yy.trace') => vscode.Uri.file(path.join(traces, workload, file));

function reportTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('iolens.report'));
}

async function closeReports(): Promise<void> {
  const tabs = reportTabs();
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

describe('report: Analyze I/O trace with URIs', function () {
  this.timeout(60_000);
  before(async () => {
    await vscode.extensions.getExtension('iolens.iolens')?.activate();
  });
  afterEach(closeReports);

  it('returns the IoReport of one trace and opens the report panel beside', async () => {
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, trace('rw_send_c'));
    assert.ok(report, 'a report is returned');
    assert.ok(isIoReport(report), 'it passes the protocol guard the webview applies');
    assert.equal(report.trace.files.length, 1);
    const t = report.transfers.find((x) => x.strategy === 'read_write');
    assert.ok(t, 'the read/write transfer is there');
    assert.equal(t.bytes, 1_000_000);
    assert.equal(t.source.kind, 'file');
    assert.equal(t.sink.kind, 'tcp');
    const tabs = reportTabs();
    assert.equal(tabs.length, 1, 'one report panel');
    assert.match(tabs[0].label, /I\/O Lens/);
  });

  it('analyzes the -ff parts of one trace given as Uri[]', async () => {
    const parts = ['ff.20994', 'ff.20995', 'ff.20996'].map((f) => trace('cat_pipe_cat', f));
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, parts);
    assert.ok(report);
    assert.equal(report.trace.files.length, 3);
    assert.ok(report.transfers.length >= 2, `two transfers (file -> pipe, pipe -> file), got ${report.transfers.length}`);
    const pids = new Set(report.transfers.map((t) => t.pid));
    assert.ok(pids.size >= 2, 'one per cat process');
  });

  it('reuses the one report panel for the next analysis', async () => {
    await vscode.commands.executeCommand(COMMAND, trace('sendfile_c'));
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, trace('splice_send_c'));
    assert.ok(report?.transfers.some((t) => t.strategy === 'splice'));
    assert.equal(reportTabs().length, 1);
  });

  it('a missing file resolves undefined (the user is told) instead of throwing', async () => {
    const missing = vscode.Uri.file(path.join(tmpdir(), 'iolens-no-such-trace.trace'));
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, missing);
    assert.equal(report, undefined);
    assert.equal(reportTabs().length, 1, 'the panel shows the error');
  });

  it('file names that look like HTML are just data', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-hostile-'));
    const hostile = path.join(dir, '<img src=x onerror=alert(1)>.trace');
    copyFileSync(trace('rw_send_c').fsPath, hostile);
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, vscode.Uri.file(hostile));
    assert.ok(report);
    assert.equal(report.trace.files[0], hostile);
  });
});

describe('report: sources and reveal', function () {
  this.timeout(60_000);
  afterEach(closeReports);

  it('analyzes an unsaved editor by its text', async () => {
    const text = (await vscode.workspace.fs.readFile(trace('sendfile_c'))).toString();
    const doc = await vscode.workspace.openTextDocument({ content: Buffer.from(text).toString('utf8'), language: 'strace' });
    const report = await analyzeSource({ kind: 'document', uri: doc.uri.toString() });
    assert.ok(report);
    assert.ok(report.transfers.some((t) => t.strategy === 'sendfile'));
  });

  it('the command on an untitled trace editor analyzes its text', async () => {
    const text = Buffer.from(await vscode.workspace.fs.readFile(trace('cfr_c'))).toString('utf8');
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'strace' });
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, doc.uri);
    assert.ok(report?.transfers.some((t) => t.strategy === 'copy_file_range'));
  });

  it('reveals a transfer\'s line range in the trace', async () => {
    const uri = trace('rw_send_c');
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, uri);
    const t = report?.transfers[0];
    assert.ok(t);
    await revealLines(uri, t.lines[0], t.lines[1], vscode.ViewColumn.Two);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.fsPath, uri.fsPath);
    assert.equal(editor.selection.start.line, t.lines[0] - 1);
    assert.equal(editor.selection.end.line, t.lines[1] - 1);
  });

  it('analyzes a gzip trace as its text; a reveal in it does not open its compressed bytes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-gz-'));
    const gz = path.join(dir, 'rw_send.trace.gz');
    writeFileSync(gz, gzipSync(readFileSync(trace('rw_send_c').fsPath)));
    const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, vscode.Uri.file(gz));
    const t = report?.transfers.find((x) => x.strategy === 'read_write');
    assert.ok(t, 'the read/write transfer is there');
    assert.equal(t.bytes, 1_000_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await revealLines(vscode.Uri.file(gz), t.lines[0], t.lines[1]);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === gz), 'the .gz was not opened as text');
  });

  it('a change of iolens.assumeGatherNic analyzes the open report again: the trace\'s hovers show the new figures', async () => {
    const uri = trace('sendfile_c');
    await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const sendfileLine = doc.getText().split('\n').findIndex((l) => / sendfile\(/.test(l));
    const hoverText = async (): Promise<string> => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(sendfileLine, 20));
      // Markdown as the hover escapes text: &nbsp; for spaces, backslashes before punctuation.
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n').replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    };
    const waitFor = async (pattern: RegExp): Promise<string> => {
      let text = '';
      for (let i = 0; i < 100 && !pattern.test(text); i++) {
        text = await hoverText();
        if (!pattern.test(text)) await new Promise((r) => setTimeout(r, 100));
      }
      return text;
    };
    const before = await waitFor(/0 CPU copies\/byte/);
    assert.match(before, /0 CPU copies\/byte/, `with a gathering NIC: no CPU copy; hover: ${before}`);
    const config = vscode.workspace.getConfiguration('iolens');
    await config.update('assumeGatherNic', false, vscode.ConfigurationTarget.Global);
    try {
      const after = await waitFor(/1 CPU copies\/byte/);
      assert.match(after, /1 CPU copies\/byte/, `without: one CPU copy, once analyzed again; hover: ${after}`);
    } finally {
      await config.update('assumeGatherNic', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('clamps a reveal past the end of the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-short-'));
    const f = path.join(dir, 'short.trace');
    writeFileSync(f, '1 read(3, "", 10) = 0\n2 close(3) = 0\n');
    await revealLines(vscode.Uri.file(f), 5, 9);
    // Three lines (the last one empty): the selection lands on the last.
    assert.equal(vscode.window.activeTextEditor?.selection.start.line, 2);
  });
});
