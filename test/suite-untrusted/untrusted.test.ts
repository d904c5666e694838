// In a workspace the user has not trusted, running a program is refused (it would execute the
// tracer and arguments from this workspace's settings), and nothing is run; opening existing
// trace files still works. Runs in a real VS Code in Restricted Mode, no mocks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IoReport } from '../../src/core/report-types';
import type { RunOutcome } from '../../src/extension/run-flow';

const COMMAND = 'iolens.analyzeTrace';
/** The repo root, from out/test/suite-untrusted/ where this file runs. */
const REPO = path.resolve(__dirname, '..', '..', '..');

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder');
  return folder.uri.fsPath;
}

describe('an untrusted workspace (Restricted Mode)', () => {
  it('is what this extension host runs in, with I/O Lens enabled (limited support)', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const ext = vscode.extensions.all.find((e) => e.id.toLowerCase() === 'iolens.iolens');
    assert.ok(ext, 'I/O Lens is loaded');
    await ext.activate();
    assert.ok((await vscode.commands.getCommands(true)).includes(COMMAND));
  });

  it('refuses to run a program under strace or perf trace, says why, and runs nothing', async () => {
    const marker = path.join(os.tmpdir(), `iolens-untrusted-ran-${process.pid}`);
    fs.rmSync(marker, { force: true });
    const tracesBefore = fs.existsSync(path.join(workspaceRoot(), '.iolens'));
    for (const entry of ['runStrace', 'runPerf']) {
      // The program would leave the marker file if it ran.
      const outcome = await vscode.commands.executeCommand<RunOutcome>(COMMAND, { entry, argv: ['/bin/sh', '-c', `touch ${marker}`], cwd: workspaceRoot() });
      assert.ok(outcome, `${entry}: no outcome`);
      assert.equal(outcome.status, 'failed', `${entry}: ${outcome.status} ${outcome.tracePath ?? ''} ${outcome.error ?? ''}`);
      assert.match(outcome.error ?? '', /needs a trusted workspace/);
      assert.equal(outcome.tracePath, undefined);
    }
    assert.equal(fs.existsSync(marker), false, 'the program was not run');
    assert.equal(fs.existsSync(path.join(workspaceRoot(), '.iolens')), tracesBefore, 'no trace folder was created');
  });

  it('still analyzes an existing trace file', async () => {
    const file = path.join(REPO, 'test', 'fixtures', 'corpus', 'traces', 'sendfile_c', 'f_ttt_T_yy.trace');
    const report = await vscode.commands.executeCommand<IoReport>(COMMAND, { entry: 'openFiles', uris: [vscode.Uri.file(file)] });
    assert.ok(report, 'a report');
    assert.deepEqual(report.transfers.map((t) => [t.strategy, t.bytes]), [['sendfile', 1_000_000]]);
  });
});
