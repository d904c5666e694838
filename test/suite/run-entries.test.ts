// Every entry of the `iolens.analyzeTrace` quick pick, run through the command's programmatic form
// (the same code as the interactive entry once the user has chosen) on real programs and real
// trace files, inside a real VS Code with no mocks:
//
//   { entry: 'runStrace', argv, cwd, stacks?, lowOverhead? }   the test/workloads programs under strace
//   { entry: 'runPerf', argv, cwd }                              the same under perf trace, where it can run
//   { entry: 'openFiles', uris }                                 corpus traces (one file, -ff parts)
//   { entry: 'activeEditor' }                                    a corpus trace in an editor (saved, untitled)
//
// plus cancelling a run (the runner driven with a CancellationTokenSource: no process may be left),
// a missing program, and malformed requests. Expected figures come from test/support/live-workloads.ts
// (computed from what each program does) and the corpus manifest, never from the trace under test.
//
// Traces recorded here go to iolens.traceFolder inside the workspace folder (a temp copy of
// test/vscode/workspace); every file and folder a test creates there is removed afterwards.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IoReport, Transfer } from '../../src/core/report-types';
import { runTracer, tracerInvocation, type RunOutcome } from '../../src/extension/run-flow';
import { readSettings } from '../../src/extension/settings';
import { countMatches, liveWorkload, type ExpectedTransfer as LiveExpected } from '../support/live-workloads';
import { perfTraceAvailable } from '../support/record';
import { prepareWorkloadEnv, type WorkloadEnv } from '../support/workloads';
import { expectedTransfersOf, type ExpectedTransfer } from '../unit/support/corpus';

const COMMAND = 'iolens.analyzeTrace';
/** The repo root, from out/test/suite/ where this file runs. */
const REPO = path.resolve(__dirname, '..', '..', '..');
const CORPUS = path.join(REPO, 'test', 'fixtures', 'corpus');

// ---------------------------------------------------------------------------------------------
// helpers

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (test/vscode/workspace)');
  return folder.uri.fsPath;
}

/** Where the runs must save their traces: iolens.traceFolder in the workspace folder. */
function traceDir(): string {
  const setting = vscode.workspace.getConfiguration('iolens').get<string>('traceFolder') ?? '.iolens/traces';
  return path.isAbsolute(setting) ? setting : path.join(workspaceRoot(), setting);
}

function listDir(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

async function runEntry(request: object): Promise<RunOutcome> {
  const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>(COMMAND, request);
  assert.ok(outcome && typeof outcome === 'object' && 'status' in outcome, `${COMMAND} resolved to ${JSON.stringify(outcome)}, not a RunOutcome`);
  return outcome;
}

async function analyzeEntry(request: object): Promise<IoReport> {
  const report = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, request);
  assert.ok(report, `${COMMAND} resolved to ${String(report)}, not an IoReport`);
  assert.equal(report.schemaVersion, 1);
  return report;
}

/** The report panel is open: a webview tab of the view type iolens.report. */
function assertReportPanelOpen(): void {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  const panel = tabs.find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('iolens.report'));
  assert.ok(panel, `no iolens.report webview among the open tabs: ${tabs.map((t) => t.label).join(', ') || 'none'}`);
}

const describeTransfer = (t: Transfer): string =>
  `pid ${t.pid} ${t.strategy} ${t.source.kind}:${t.source.path ?? ''} -> ${t.sink.kind}:${t.sink.path ?? ''} ${t.bytes} B ${JSON.stringify(t.syscalls)}`;

/** Why `t` is not the live workload's expected transfer, or null. */
function liveMismatch(exp: LiveExpected, t: Transfer, checkPaths: boolean): string | null {
  if (t.strategy !== exp.strategy) return `strategy ${t.strategy}, expected ${exp.strategy}`;
  for (const side of ['source', 'sink'] as const) {
    if (t[side].kind !== exp[side].kind) return `${side} kind ${t[side].kind}, expected ${exp[side].kind}`;
    if (checkPaths && exp[side].path !== undefined && t[side].path !== exp[side].path) return `${side} path ${t[side].path}, expected ${exp[side].path}`;
  }
  if (t.bytes !== exp.bytes) return `bytes ${t.bytes}, expected ${exp.bytes}`;
  for (const [name, count] of Object.entries(exp.syscalls)) {
    if (!countMatches(count, t.syscalls[name] ?? 0)) return `${name} x${t.syscalls[name] ?? 0}, expected ${JSON.stringify(count)}`;
  }
  const extra = Object.keys(t.syscalls).filter((n) => !(n in exp.syscalls));
  if (extra.length > 0) return `unexpected calls ${extra.join(', ')}`;
  return null;
}

/** Problems of a live run's report: each expected transfer present, nothing else. */
function liveProblems(report: IoReport, expected: LiveExpected[], checkPaths: boolean): string[] {
  const unmatched = [...report.transfers];
  const problems: string[] = [];
  for (const exp of expected) {
    const i = unmatched.findIndex((t) => liveMismatch(exp, t, checkPaths) === null);
    if (i >= 0) unmatched.splice(i, 1);
    else problems.push(`missing ${exp.strategy} ${exp.source.kind} -> ${exp.sink.kind} ${exp.bytes} B ${JSON.stringify(exp.syscalls)}; the report has: ${
      report.transfers.map((t) => `${describeTransfer(t)} [${liveMismatch(exp, t, checkPaths)}]`).join('; ') || 'none'}`);
  }
  for (const t of unmatched) problems.push(`unexpected transfer ${describeTransfer(t)}`);
  return problems;
}

// The corpus manifest: the ground truth of each stored trace.
type ManifestTransfer = ExpectedTransfer;
const manifestTransfers = expectedTransfersOf;

const corpusUri = (file: string): vscode.Uri => vscode.Uri.file(path.join(CORPUS, file));

/** The report has exactly the manifest's transfers, with its bytes, calls, paths and pids. */
function assertManifestTransfers(report: IoReport, expected: ManifestTransfer[]): void {
  const found = report.transfers.map(describeTransfer).join('; ') || 'none';
  assert.equal(report.transfers.length, expected.length, `number of transfers; the report has: ${found}`);
  for (const exp of expected) {
    const t = report.transfers.find((x) => x.strategy === exp.strategy && x.source.kind === exp.source.kind &&
      x.sink.kind === exp.sink.kind && (exp.pid === 'main' || x.pid === exp.pid));
    assert.ok(t, `no transfer like ${exp.strategy} ${exp.source.kind} -> ${exp.sink.kind} (pid ${exp.pid}); the report has: ${found}`);
    assert.equal(t.bytes, exp.bytes, `bytes of ${describeTransfer(t)}`);
    for (const side of ['source', 'sink'] as const) {
      if (exp[side].kind === 'file') assert.equal(t[side].path, exp[side].path, `${side} path of ${describeTransfer(t)}`);
    }
    assert.deepEqual(t.syscalls, exp.syscalls_involved, `calls of ${describeTransfer(t)}`);
  }
}

/** Pids of the processes in process group `pgid`, with their state letter (R, S, Z...). */
function processGroup(pgid: number): Array<{ pid: number; state: string; comm: string }> {
  const members: Array<{ pid: number; state: string; comm: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const [state, , pgrp] = stat.slice(close + 2).split(' ');
    if (Number(pgrp) === pgid) members.push({ pid: Number(name), state, comm: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return members;
}

/** The pid of the process whose command line holds `needle`, or undefined. */
function pidWithArg(needle: string): number | undefined {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(needle)) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// the run entries

describe(`${COMMAND} run entries on real programs`, function () {
  this.timeout(120_000);
  let env: WorkloadEnv;
  let runDir: string;
  const createdTraces: string[] = [];
  /** The folders up to the trace folder that did not exist before: removed at the end when empty. */
  let newFolders: string[] = [];

  /** A live workload's command and expected transfers, its outputs in runDir. */
  function plan(name: string): { argv: string[]; expected: LiveExpected[]; outputs: Array<{ path: string; sameAs: string }> } {
    const p = liveWorkload(name).plan({ ...env, runDir, port: 0 });
    assert.equal(p.peer, undefined, `${name} needs no network peer`);
    return { argv: p.argv, expected: p.expected, outputs: p.outputs };
  }

  /** The run saved a new trace file in iolens.traceFolder, and the report is that file's. */
  function assertSavedTrace(outcome: RunOutcome, before: string[], program: string, kind: 'strace' | 'perf'): string {
    const tracePath = outcome.tracePath;
    assert.ok(tracePath, `no tracePath in ${JSON.stringify({ ...outcome, report: undefined })}`);
    assert.equal(path.dirname(tracePath), traceDir(), 'the trace is saved in iolens.traceFolder of the workspace folder');
    assert.ok(!before.includes(path.basename(tracePath)), `${tracePath} existed before the run (it must never be overwritten)`);
    const pattern = new RegExp(`^${program}-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d(?:-\\d+)?${kind === 'perf' ? '\\.perf' : ''}\\.trace$`);
    assert.match(path.basename(tracePath), pattern);
    assert.ok(fs.statSync(tracePath).size > 0, 'the trace file is not empty');
    assert.deepEqual(outcome.report?.trace.files, [tracePath], 'the report is the analysis of the saved trace');
    return tracePath;
  }

  function track(outcome: RunOutcome): RunOutcome {
    if (outcome.tracePath) createdTraces.push(outcome.tracePath);
    return outcome;
  }

  function assertOutputsCopied(outputs: Array<{ path: string; sameAs: string }>): void {
    for (const o of outputs) assert.ok(fs.readFileSync(o.path).equals(fs.readFileSync(o.sameAs)), `${o.path} is a copy of ${o.sameAs}`);
  }

  before(async function () {
    this.timeout(240_000); // the first build of test/workloads
    await vscode.extensions.getExtension('iolens.iolens')?.activate();
    assert.equal(vscode.workspace.isTrusted, true, 'the harness runs with workspace trust disabled (trusted)');
    env = await prepareWorkloadEnv();
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-run-entries-'));
    const root = workspaceRoot();
    newFolders = [];
    for (let dir = traceDir(); dir.startsWith(`${root}${path.sep}`) && !fs.existsSync(dir); dir = path.dirname(dir)) newFolders.push(dir);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(() => {
    for (const file of createdTraces) fs.rmSync(file, { force: true });
    for (const dir of newFolders) {
      try {
        fs.rmdirSync(dir); // only when empty: another test's files stay
      } catch {
        // not empty or already gone
      }
    }
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('runStrace: rw_copy (read/write file -> file) gives its transfer, saved under iolens.traceFolder', async () => {
    const { argv, expected, outputs } = plan('rw_copy');
    const before = listDir(traceDir());
    const outcome = track(await runEntry({ entry: 'runStrace', argv, cwd: runDir }));
    assert.equal(outcome.status, 'analyzed', outcome.error);
    assert.ok(outcome.report);
    assertSavedTrace(outcome, before, 'rw_copy', 'strace');
    assertOutputsCopied(outputs);
    assert.equal(expected.length, 1);
    assert.deepEqual(expected[0].syscalls, { read: 17, write: 16 });
    assert.deepEqual(liveProblems(outcome.report, expected, true), []);
    const flags = outcome.report.trace.flags;
    assert.ok(flags.pids && flags.timestamps !== 'none' && flags.durations && flags.fdPaths !== 'none', `iolens.straceArgs (-f -ttt -T -yy) reached strace: ${JSON.stringify(flags)}`);
    assert.equal(flags.stacks, false);
    assertReportPanelOpen();
  });

  it('runStrace with stacks and lowOverhead: cfr_copy (copy_file_range) with its -k frames', async () => {
    const { argv, expected, outputs } = plan('cfr_copy');
    const before = listDir(traceDir());
    const outcome = track(await runEntry({ entry: 'runStrace', argv, cwd: runDir, stacks: true, lowOverhead: true }));
    assert.equal(outcome.status, 'analyzed', outcome.error);
    assert.ok(outcome.report);
    assertSavedTrace(outcome, before, 'cfr_copy', 'strace');
    assertOutputsCopied(outputs);
    assert.deepEqual(liveProblems(outcome.report, expected, true), []);
    assert.equal(outcome.report.trace.flags.stacks, true, 'strace -k was passed');
    const frames = outcome.report.transfers[0].frames ?? [];
    assert.ok(frames.some((f) => f.includes('cfr_copy(main+')), `a frame in cfr_copy's main: ${JSON.stringify(frames)}`);
    // --seccomp-bpf -e trace=%desc,%file,%network,%memory,%process: the loader's arch_prctl,
    // set_tid_address, rseq... are outside the filter, so they are not in the trace at all.
    const text = fs.readFileSync(outcome.tracePath ?? '', 'utf8');
    assert.doesNotMatch(text, /^\d+\s+[\d.]+\s+(?:arch_prctl|set_tid_address|set_robust_list|rseq|prlimit64|getrandom)\(/m, 'calls outside the seccomp filter were traced');
  });

  it('runStrace: the program\'s output reaches the I/O Lens output channel', async function () {
    const marker = `iolens-output-marker-${process.pid}-${Date.now()}`;
    const outcome = track(await runEntry({ entry: 'runStrace', argv: ['sh', '-c', `echo ${marker}-out; echo ${marker}-err >&2`], cwd: runDir }));
    assert.equal(outcome.status, 'analyzed', outcome.error);
    // The channel's text is only visible to extensions as a document of scheme `output` while the
    // Output view shows it (the run shows it): look for it there.
    const channelText = (): string | undefined =>
      vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'output').map((d) => d.getText()).find((t) => t.includes(`${marker}-out`) && t.includes(`${marker}-err`));
    let text: string | undefined;
    for (let waited = 0; !text && waited < 5000; waited += 100) {
      text = channelText();
      if (!text) await sleep(100);
    }
    if (!text) {
      const docs = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'output').map((d) => d.uri.toString());
      if (docs.every((d) => !/I%2FO%20Lens|I\/O Lens|iolens/i.test(decodeURIComponent(d)))) {
        this.skip(); // the output channel's content is not observable from the extension host here
      }
      assert.fail(`the I/O Lens output documents (${docs.join(', ')}) do not hold the program's output ${marker}-out / -err`);
    }
    assert.match(text, new RegExp(`\\$ \\S*strace .* -- sh -c`), 'the tracer command line is logged');
  });

  it('runPerf: rw_copy under perf trace gives its transfer (up to 3 attempts: perf can drop events)', async function () {
    const perfPath = readSettings().perfPath;
    const probe = await perfTraceAvailable(perfPath); // really runs `perf trace -o FILE -- true`
    if (!probe.ok) {
      console.log(`    perf trace cannot run on this machine: ${probe.reason}`);
      this.skip();
    }
    const { argv, expected, outputs } = plan('rw_copy');
    const failures: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = listDir(traceDir());
      const outcome = track(await runEntry({ entry: 'runPerf', argv, cwd: runDir }));
      if (outcome.status !== 'analyzed' || !outcome.report) {
        failures.push(`attempt ${attempt}: ${outcome.status}: ${outcome.error ?? ''}`);
        continue;
      }
      assertSavedTrace(outcome, before, 'rw_copy', 'perf');
      assertOutputsCopied(outputs);
      assert.equal(outcome.report.trace.format, 'perf');
      // perf prints file names as pointers: kinds, bytes and calls are what can be checked.
      const problems = liveProblems(outcome.report, expected, false);
      if (problems.length === 0) {
        assertReportPanelOpen();
        return;
      }
      failures.push(`attempt ${attempt}: ${problems.join('; ')}`);
    }
    assert.fail(`rw_copy under perf trace:\n${failures.join('\n')}`);
  });

  it('a missing program: a clear error, no report, no trace file', async () => {
    for (const entry of ['runStrace', 'runPerf']) {
      const before = listDir(traceDir());
      const onPath = track(await runEntry({ entry, argv: ['iolens-no-such-program', '--help'], cwd: runDir }));
      assert.equal(onPath.status, 'failed');
      assert.equal(onPath.report, undefined);
      assert.equal(onPath.tracePath, undefined);
      assert.equal(onPath.error, 'The program "iolens-no-such-program" was not found on PATH. Give its path (e.g. ./iolens-no-such-program) or install it.');
      const relative = track(await runEntry({ entry, argv: ['./no-such-program'], cwd: runDir }));
      assert.equal(relative.status, 'failed');
      assert.equal(relative.report, undefined);
      assert.equal(relative.error, `The program "./no-such-program" was not found: ${path.join(runDir, 'no-such-program')} does not exist.`);
      const noFolder = track(await runEntry({ entry, argv: ['true'], cwd: path.join(runDir, 'no-such-folder') }));
      assert.equal(noFolder.status, 'failed');
      assert.match(noFolder.error ?? '', /^The working folder .*no-such-folder does not exist/);
      assert.deepEqual(listDir(traceDir()), before, `${entry}: no trace file was created`);
    }
  });

  it('cancelling a run (CancellationTokenSource) leaves no process of it', async () => {
    const traceFile = path.join(runDir, `cancel-${Date.now()}.trace`);
    // A tree: strace -> sh -> (sleep in the background, sleep in the foreground).
    const inv = tracerInvocation({ kind: 'strace', argv: ['sh', '-c', 'sleep 30 & sleep 31; wait'], cwd: runDir, stacks: false, lowOverhead: false }, traceFile, readSettings());
    const cts = new vscode.CancellationTokenSource();
    const started = Date.now();
    const running = runTracer(inv, cts.token, { onOutput: () => undefined });
    try {
      // The tracer leads its own process group: find it by its -o argument, then wait for the whole tree.
      const pgid = await waitFor('the strace process', () => pidWithArg(traceFile));
      const members = await waitFor('strace, sh and both sleeps', () => {
        const g = processGroup(pgid).filter((p) => p.state !== 'Z');
        return g.filter((p) => p.comm === 'sleep').length >= 2 ? g : undefined;
      });
      assert.ok(members.some((p) => p.pid === pgid && p.comm === 'strace'), `the group leader is strace: ${JSON.stringify(members)}`);
      cts.cancel();
      const result = await running;
      assert.equal(result.cancelled, true);
      assert.ok(Date.now() - started < 20_000, 'the run did not wait for sleep 30');
      // A zombie (reparented to an init that has not reaped it yet) runs nothing: only live ones count.
      const left = processGroup(pgid).filter((p) => p.state !== 'Z');
      assert.deepEqual(left, [], `processes of the cancelled run are still there: ${JSON.stringify(left)}`);
      for (const p of members) {
        let state: string | undefined;
        try {
          const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
          state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
        } catch {
          state = undefined; // gone
        }
        assert.ok(state === undefined || state === 'Z', `${p.comm} (pid ${p.pid}) still runs (state ${state})`);
      }
    } finally {
      cts.cancel();
      await running.catch(() => undefined);
      cts.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the trace file entries

describe(`${COMMAND} trace file entries on corpus traces`, function () {
  this.timeout(60_000);
  before(async () => {
    await vscode.extensions.getExtension('iolens.iolens')?.activate();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('openFiles: one trace file (rw_copy, strace -f -ttt -T -yy)', async () => {
    const file = 'traces/rw_copy_c/f_ttt_T_yy.trace';
    const report = await analyzeEntry({ entry: 'openFiles', uris: [corpusUri(file)] });
    assert.deepEqual(report.trace.files, [path.join(CORPUS, file)]);
    assert.equal(report.trace.format, 'strace');
    assertManifestTransfers(report, manifestTransfers(file));
    assertReportPanelOpen();
  });

  it('openFiles: a perf trace file (rw_copy)', async () => {
    const file = 'traces/rw_copy_c/perf.trace';
    const report = await analyzeEntry({ entry: 'openFiles', uris: [corpusUri(file)] });
    assert.equal(report.trace.format, 'perf');
    const expected = manifestTransfers(file);
    const found = report.transfers.map(describeTransfer).join('; ');
    assert.equal(report.transfers.length, expected.length, found);
    const t = report.transfers[0];
    assert.equal(t.strategy, expected[0].strategy, found);
    assert.equal(t.bytes, expected[0].bytes, found);
    assert.deepEqual(t.syscalls, expected[0].syscalls_involved, found);
  });

  it('openFiles: the -ff parts of cat | cat are one trace, a transfer per pid', async () => {
    const parts = ['traces/cat_pipe_cat/ff.20994', 'traces/cat_pipe_cat/ff.20995', 'traces/cat_pipe_cat/ff.20996'];
    const report = await analyzeEntry({ entry: 'openFiles', uris: parts.map(corpusUri) });
    assert.deepEqual([...report.trace.files].sort(), parts.map((p) => path.join(CORPUS, p)).sort());
    const expected = manifestTransfers(...parts);
    assert.equal(expected.length, 2);
    assertManifestTransfers(report, expected);
    assert.equal(new Set(report.transfers.map((t) => t.pid)).size, 2, 'one transfer per cat');
    assertReportPanelOpen();
  });

  it('openFiles with iolens.parseThread: the bundled parse worker runs in the extension host, same report', async () => {
    const parts = ['traces/fork_server_c/f_ttt_T_yy.trace'];
    const config = vscode.workspace.getConfiguration('iolens');
    const ext = vscode.extensions.all.find((e) => e.id.toLowerCase() === 'iolens.iolens');
    assert.ok(ext);
    const worker = path.join(ext.extensionPath, 'dist', 'parse-worker.js');
    assert.ok(fs.existsSync(worker), `${worker} is built beside dist/extension.js`);
    const analyzeWith = async (parseThread: boolean): Promise<IoReport> => {
      await config.update('parseThread', parseThread, vscode.ConfigurationTarget.Global);
      return analyzeEntry({ entry: 'openFiles', uris: parts.map(corpusUri) });
    };
    try {
      const oneThread = await analyzeWith(false);
      const twoThreads = await analyzeWith(true);
      assert.equal(JSON.stringify(twoThreads), JSON.stringify(oneThread));
      assertManifestTransfers(twoThreads, manifestTransfers(...parts));
      // The setting is what starts the worker: without its script the analysis fails (the panel says
      // the worker is missing and the command resolves to nothing), and only with the setting on.
      fs.renameSync(worker, `${worker}.hidden`);
      try {
        await config.update('parseThread', true, vscode.ConfigurationTarget.Global);
        const failed = await vscode.commands.executeCommand<IoReport | undefined>(COMMAND, { entry: 'openFiles', uris: parts.map(corpusUri) });
        assert.equal(failed, undefined, 'no report without the worker script');
        assert.equal(JSON.stringify(await analyzeWith(false)), JSON.stringify(oneThread));
      } finally {
        fs.renameSync(`${worker}.hidden`, worker);
      }
    } finally {
      await config.update('parseThread', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('activeEditor: a saved trace open in an editor (splice file -> tcp)', async () => {
    const file = 'traces/splice_send_c/f_ttt_T_yy.trace';
    await vscode.window.showTextDocument(corpusUri(file));
    const report = await analyzeEntry({ entry: 'activeEditor' });
    assert.deepEqual(report.trace.files, [path.join(CORPUS, file)], 'a saved file is read from disk');
    assertManifestTransfers(report, manifestTransfers(file));
    assertReportPanelOpen();
  });

  it('activeEditor: an untitled editor is analyzed from its text', async () => {
    const file = 'traces/cfr_c/f_ttt_T_yy.trace';
    const doc = await vscode.workspace.openTextDocument({ language: 'strace', content: fs.readFileSync(path.join(CORPUS, file), 'utf8') });
    await vscode.window.showTextDocument(doc);
    try {
      const report = await analyzeEntry({ entry: 'activeEditor' });
      assert.deepEqual(report.trace.files, [doc.uri.toString()], 'the untitled document, not a file');
      assertManifestTransfers(report, manifestTransfers(file));
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('activeEditor with no text editor open rejects with a clear error', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no active text editor', () => (vscode.window.activeTextEditor ? undefined : true), 5000);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMAND, { entry: 'activeEditor' })), /needs an active text editor, and there is none/);
  });
});

// ---------------------------------------------------------------------------------------------
// malformed requests

describe(`${COMMAND} rejects malformed requests`, () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['no entry', { argv: ['true'], cwd: '/tmp' }, /the request has no `entry`/],
    ['an unknown entry', { entry: 'runDtrace', argv: ['true'], cwd: '/tmp' }, /unknown entry "runDtrace"/],
    ['runStrace without argv and cwd', { entry: 'runStrace' }, /entry 'runStrace' needs argv and cwd/],
    ['argv as a string', { entry: 'runStrace', argv: 'true', cwd: '/tmp' }, /`argv` must be a non-empty array of strings/],
    ['an empty argv', { entry: 'runPerf', argv: [], cwd: '/tmp' }, /`argv` must be a non-empty array of strings/],
    ['a non-string in argv', { entry: 'runStrace', argv: ['echo', 1], cwd: '/tmp' }, /`argv` must be a non-empty array of strings/],
    ['a relative cwd', { entry: 'runStrace', argv: ['true'], cwd: 'tmp' }, /`cwd` must be an absolute path/],
    ['a non-boolean option', { entry: 'runStrace', argv: ['true'], cwd: '/tmp', stacks: 'yes' }, /`stacks` must be a boolean/],
    ['a strace option on runPerf', { entry: 'runPerf', argv: ['true'], cwd: '/tmp', lowOverhead: true }, /unknown key\(s\) lowOverhead for entry 'runPerf'/],
    ['a misspelt key', { entry: 'runStrace', argv: ['true'], cwd: '/tmp', lowoverhead: true }, /unknown key\(s\) lowoverhead/],
    ['paths instead of Uris', { entry: 'openFiles', uris: ['/tmp/x.trace'] }, /`uris` must be a non-empty array of vscode.Uri/],
    ['no uris', { entry: 'openFiles', uris: [] }, /`uris` must be a non-empty array of vscode.Uri/],
  ];
  for (const [what, request, message] of bad) {
    it(`${what}`, async () => {
      const before = listDir(traceDir());
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMAND, request)), (err: unknown) => {
        assert.ok(err instanceof Error, `rejected with ${String(err)}`);
        assert.match(err.message, /^iolens\.analyzeTrace: /);
        assert.match(err.message, message);
        return true;
      });
      assert.deepEqual(listDir(traceDir()), before, 'nothing ran');
    });
  }
});
