// Issue #6 inside the real VS Code: real traces of small C, Python, Rust, Go, Node.js and Java programs (built with
// debug info in the test workspace's editor/ folder, recorded with strace here), analyzed through
// the extension's command, then checked through the editor APIs: hovers and CodeLens on the exact
// source lines (-k) or by name (Python), diagnostics and their code action, trace-file hovers,
// go-to-definition and symbols, the CodeLens toggle and unloading.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IoReport } from '../../src/core/report-types';

const BYTES = 1_000_000;

function editorDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (test/vscode/workspace)');
  return path.join(folder.uri.fsPath, 'editor');
}

function has(cmd: string, args = ['--version']): boolean {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 }).status === 0;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.error ? r.error.message : ''}`);
  return r.stdout;
}

/** 1-based -> the 0-based line and column of `needle` in a document. */
function positionOf(doc: vscode.TextDocument, needle: string, inLine?: string): vscode.Position {
  for (let i = 0; i < doc.lineCount; i++) {
    const text = doc.lineAt(i).text;
    if (inLine !== undefined && !text.includes(inLine)) continue;
    const col = text.indexOf(needle);
    if (col >= 0) return new vscode.Position(i, col + 1);
  }
  assert.fail(`${needle} not found in ${doc.uri.fsPath}`);
}

/** The hover text as a user reads it (markdown escapes removed). */
async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~&"'])/g, '$1');
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

async function analyze(file: string): Promise<IoReport> {
  const report = await vscode.commands.executeCommand<IoReport | undefined>('iolens.analyzeTrace', vscode.Uri.file(file));
  assert.ok(report, `iolens.analyzeTrace returned nothing for ${file}`);
  return report;
}

async function waitFor<T>(what: string, fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Leaves the workbench as the other suites expect it: no trace loaded, no editors (the explanation preview opens a group). */
async function cleanUp(): Promise<void> {
  await vscode.commands.executeCommand('iolens.unloadTrace');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closeAllGroups');
}

const straceK = (): boolean => {
  const r = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  return r.status === 0 && /stack-trace/.test(r.stdout);
};

describe('Editor features (issue #6): C with -k stacks', function () {
  this.timeout(120_000);
  let dir: string;
  let cTrace: string;
  let report: IoReport;

  before(function () {
    if (!has('gcc') || !has('addr2line') || !straceK()) this.skip();
    dir = editorDir();
    const buf = Buffer.alloc(BYTES);
    for (let i = 0; i < BYTES; i++) buf[i] = (i * 31 + 7) & 0xff;
    fs.writeFileSync(path.join(dir, 'in.bin'), buf);
    run('gcc', ['-g', '-O0', '-o', 'copy_demo', 'copy_demo.c'], dir);
    cTrace = path.join(dir, 'copy_demo.strace');
    run('strace', ['-f', '-k', '-ttt', '-T', '-yy', '-s', '32', '-o', cTrace, './copy_demo', 'in.bin', 'out_rw.bin', 'out_sf.bin'], dir);
  });
  after(cleanUp);

  it('analyzing the trace loads it for the editor: the hover over sendfile( is exact to the line, with its figures', async () => {
    report = await analyze(cTrace);
    const sf = report.transfers.find((t) => t.strategy === 'sendfile');
    assert.ok(sf, 'a sendfile transfer');
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.c'));
    const text = await hoverText(doc.uri, positionOf(doc, 'sendfile(', 'ssize_t n = sendfile('));
    assert.match(text, /exact line/);
    assert.match(text, /copy_demo\.c:33/);
    assert.match(text, /4 calls \(sendfile ×4\)/);
    assert.match(text, /bytes 1,000,000/);
    assert.match(text, /mean chunk 250,000 B/);
    assert.match(text, /8 mode switches/);
    assert.match(text, new RegExp(`Transfer ${sf.id}`));
    assert.match(text, /in\.bin → .*out_sf\.bin/);
    assert.match(text, /Recommendation:/);
    assert.match(text, /command:iolens\.showTransfer\?/);
  });

  it('the read( and write( lines of the copy loop have their own exact figures', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.c'));
    const read = await hoverText(doc.uri, positionOf(doc, 'read(', 'n = read(in'));
    assert.match(read, /17 calls \(read ×17\)/);
    assert.match(read, /bytes 1,000,000/);
    assert.match(read, /mean chunk 62,500 B/);
    assert.match(read, /34 mode switches/);
    assert.match(read, /2 CPU copies\/byte/);
    const write = await hoverText(doc.uri, positionOf(doc, 'write(', 'write(out, buf'));
    assert.match(write, /16 calls \(write ×16\)/);
    // A line of the file the stacks never name: said so, no figures.
    const main = await hoverText(doc.uri, positionOf(doc, 'fprintf(', 'usage'));
    assert.match(main, /none of its calls came from this line/);
  });

  it('CodeLens: one summary per data line, toggled by iolens.toggleCodeLens', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.c'));
    const all = await waitFor('code lenses', () => lenses(doc.uri), (l) => l.length >= 3);
    const byLine = new Map(all.map((l) => [l.range.start.line + 1, l.command?.title ?? '']));
    const sendfileLine = positionOf(doc, 'sendfile(', 'ssize_t n').line + 1;
    const readLine = positionOf(doc, 'read(', 'n = read(in').line + 1;
    assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [readLine, readLine + 1, sendfileLine]);
    assert.equal(byLine.get(readLine), '17 calls · 1.0 MB · 2 CPU copies/byte · 34 mode switches — copy_file_range would need 2');
    assert.match(byLine.get(sendfileLine) ?? '', /^4 calls · 1\.0 MB · 1 CPU copy\/byte · 8 mode switches/);
    assert.equal(all.find((l) => l.range.start.line + 1 === sendfileLine)?.command?.command, 'iolens.showTransfer');
    assert.equal(await vscode.commands.executeCommand('iolens.toggleCodeLens'), false);
    await waitFor('no lenses', () => lenses(doc.uri), (l) => l.length === 0);
    assert.equal(await vscode.commands.executeCommand('iolens.toggleCodeLens'), true);
    await waitFor('lenses back', () => lenses(doc.uri), (l) => l.length === 3);
  });

  it('after an edit that moves the lines, no exact figures land on another call: the lens goes, the hover says why', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.c'));
    await waitFor('code lenses', () => lenses(doc.uri), (l) => l.length === 3);
    const readLine = positionOf(doc, 'read(', 'n = read(in').line;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), '/* one */\n/* two */\n/* three */\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      // The stacks' lines now hold other code: a lens stays only where its line still has a call it counts.
      const moved = await waitFor('lenses after the edit', () => lenses(doc.uri), (l) => l.every((x) => /\b(read|write|sendfile)\(/.test(doc.lineAt(x.range.start.line).text)));
      assert.ok(moved.every((x) => x.range.start.line !== readLine || /\bread\(/.test(doc.lineAt(readLine).text)));
      // The recorded read( line now holds another call: its hover says the source changed instead of giving read's figures.
      const shifted = doc.lineAt(readLine).text;
      const call = /\b(open|write|close|fstat|sendfile)\(/.exec(shifted);
      if (call) {
        const text = await hoverText(doc.uri, new vscode.Position(readLine, call.index + 1));
        assert.doesNotMatch(text, /\*\*exact line\*\*/);
        assert.match(text, /source changed since the trace/);
      }
    } finally {
      // Back to the text on disk (the same bytes saved again): the next tests read the original lines.
      const undo = new vscode.WorkspaceEdit();
      undo.delete(doc.uri, new vscode.Range(0, 0, 3, 0));
      await vscode.workspace.applyEdit(undo);
      await doc.save();
    }
  });

  it('diagnostics (Information) on the costlier transfer lines, with a code action that opens the explanation', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'copy_demo.c'));
    const diags = await waitFor('diagnostics', () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'I/O Lens'), (d) => d.length >= 2);
    assert.ok(diags.every((d) => d.severity === vscode.DiagnosticSeverity.Information));
    const doc = await vscode.workspace.openTextDocument(uri);
    const readLine = positionOf(doc, 'read(', 'n = read(in').line;
    const onRead = diags.find((d) => d.range.start.line === readLine);
    assert.ok(onRead, `no diagnostic on line ${readLine + 1}: ${diags.map((d) => d.range.start.line + 1).join(', ')}`);
    assert.match(onRead.message, /read_write.*2 CPU copies\/byte.*copy_file_range would need 1 CPU copy/);
    const traceDiags = vscode.languages.getDiagnostics(vscode.Uri.file(cTrace)).filter((d) => d.source === 'I/O Lens');
    assert.ok(traceDiags.length >= 1, 'the trace file gets the diagnostic too');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, onRead.range);
    const explain = actions.find((a) => a.title.startsWith('I/O Lens: why copy_file_range'));
    assert.ok(explain?.command, `actions: ${actions.map((a) => a.title).join('; ')}`);
    assert.equal(explain.edit, undefined, 'no code is rewritten');
    const explained = await vscode.commands.executeCommand<vscode.Uri>(explain.command.command, ...(explain.command.arguments ?? []));
    const md = await vscode.workspace.openTextDocument(explained);
    assert.match(md.getText(), /## Cheaper: copy\\_file\\_range/);
    assert.match(md.getText(), /\| CPU copies per byte \| 2 \| 1 \|/);
  });

  it('trace file: language, hover with class / fds / transfer, go-to-definition of an fd, symbols per process', async () => {
    const doc = await vscode.workspace.openTextDocument(cTrace);
    assert.equal(doc.languageId, 'strace');
    const pos = positionOf(doc, 'sendfile(');
    const text = await hoverText(doc.uri, pos);
    assert.match(text, /sendfile/);
    assert.match(text, /in-kernel mover/);
    assert.match(text, /fd 3 → .*in\.bin · opened by openat at line \d+/);
    const sf = report.transfers.find((t) => t.strategy === 'sendfile');
    assert.match(text, new RegExp(`Part of transfer ${sf?.id}`));
    // The `3` of `3</.../in.bin>`: its definition is the openat that returned 3.
    const line = doc.lineAt(pos.line).text;
    const fdCol = line.indexOf(', 3<') + 2;
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(pos.line, fdCol));
    assert.equal(defs.length, 1);
    const def = defs[0] as vscode.Location;
    const openLine = doc.lineAt(def.range.start.line).text;
    assert.match(openLine, /openat\(AT_FDCWD<[^>]*>, "in\.bin", O_RDONLY\) = 3</);
    assert.ok(def.range.start.line < pos.line);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.equal(symbols.length, 1, 'one process');
    assert.match(symbols[0]?.name ?? '', /^pid \d+ .*copy_demo$/);
    assert.ok(symbols[0]?.children.some((c) => c.name === 'execve'));
  });

  it('perf trace file: an fd opened in the trace but never named (a pointer path) is said so, not "unknown"', async () => {
    const perfTrace = path.resolve(__dirname, '../../..', 'test/fixtures/corpus/traces/rw_copy_c/perf.trace');
    const doc = await vscode.workspace.openTextDocument(perfTrace);
    const text = await hoverText(doc.uri, positionOf(doc, 'read(fd: 4', 'count: 65536'));
    assert.match(text, /fd 4 → not named in the trace · opened by openat at line \d+/);
    assert.doesNotMatch(text, /unknown \(opened before the trace/);
  });

  it('trace file: the hover on a `<... read resumed>` line names the fd its unfinished line read', async () => {
    const file = path.resolve(__dirname, '../../..', 'test/fixtures/corpus/traces/cat_pipe_cat/f_ttt_T_yy.trace');
    const doc = await vscode.workspace.openTextDocument(file);
    const resumed = positionOf(doc, 'read resumed', '= 65536');
    const text = await hoverText(doc.uri, resumed);
    assert.match(text, /fd 0 → pipe:\[60437\]/);
  });

  it('a binary rebuilt after the trace was recorded: its calls are matched by name, not put on lines its old addresses named', async () => {
    const binary = path.join(dir, 'copy_demo');
    const { atime, mtime } = fs.statSync(binary);
    // A rebuild, as far as the files tell: the binary newer than the trace.
    const later = new Date(fs.statSync(cTrace).mtimeMs + 60_000);
    fs.utimesSync(binary, later, later);
    try {
      await analyze(cTrace);
      const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.c'));
      const text = await waitFor('a name match', () => hoverText(doc.uri, positionOf(doc, 'sendfile(', 'ssize_t n = sendfile(')), (t) => /name match/.test(t));
      assert.doesNotMatch(text, /\*\*exact line\*\*/);
      assert.match(text, /rebuilt since the trace/);
    } finally {
      fs.utimesSync(binary, atime, mtime);
      await analyze(cTrace);
    }
  });

  it('a .log file with strace output is detected as a trace (content check)', async () => {
    const file = path.join(dir, 'captured.log');
    fs.writeFileSync(file, fs.readFileSync(cTrace, 'utf8').split('\n').filter((l) => !l.startsWith(' > ')).slice(0, 40).join('\n'));
    const doc = await vscode.workspace.openTextDocument(file);
    await waitFor('strace language', () => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)?.languageId, (id) => id === 'strace', 10_000);
    assert.ok(doc);
  });
});

describe('Editor features (issue #6): Python, Node.js and Java without stacks (name match), Rust with stacks', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    if (!has('strace', ['-V'])) this.skip();
    dir = editorDir();
    if (!fs.existsSync(path.join(dir, 'in.bin'))) {
      const buf = Buffer.alloc(BYTES, 7);
      fs.writeFileSync(path.join(dir, 'in.bin'), buf);
    }
  });
  after(cleanUp);

  it('Python: the hover over os.sendfile( says it is a name match, with the trace\'s sendfile figures', async function () {
    const py = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
    if (py.status !== 0) this.skip();
    const exe = py.stdout.trim();
    const trace = path.join(dir, 'copy_demo_py.strace');
    run('strace', ['-f', '-ttt', '-T', '-yy', '-s', '32', '-o', trace, exe, 'copy_demo.py', 'in.bin', 'py_sf.bin', 'py_rw.bin'], dir);
    const report = await analyze(trace);
    const sendfiles = report.summary.bySyscall.sendfile;
    assert.equal(sendfiles?.calls, 4);
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.py'));
    const text = await hoverText(doc.uri, positionOf(doc, 'sendfile(', 'os.sendfile('));
    assert.match(text, /name match/);
    assert.match(text, /no -k stacks/);
    assert.match(text, /4 calls \(sendfile ×4\)/);
    assert.match(text, /bytes 1,000,000/);
    assert.match(text, /Transfer t\d+/);
    const ls = await waitFor('python lenses', () => lenses(doc.uri), (l) => l.length > 0);
    const sfLine = positionOf(doc, 'sendfile(', 'os.sendfile(').line;
    assert.match(ls.find((l) => l.range.start.line === sfLine)?.command?.title ?? '', /^by name: 4 calls · 1\.0 MB/);
  });

  it('Rust (rustc -g, frame pointers): the hover over io::copy( is exact: copy_file_range, 1,000,000 bytes', async function () {
    if (!has('rustc') || !has('addr2line') || !straceK()) this.skip();
    run('rustc', ['-g', '-C', 'opt-level=0', '-C', 'force-frame-pointers=yes', '-o', 'copy_demo_rs', 'copy_demo.rs'], dir);
    const trace = path.join(dir, 'copy_demo_rs.strace');
    run('strace', ['-f', '-k', '-ttt', '-T', '-yy', '-o', trace, './copy_demo_rs', 'in.bin', 'rs_out.bin'], dir);
    await analyze(trace);
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.rs'));
    const text = await hoverText(doc.uri, positionOf(doc, 'copy(', 'io::copy(&mut src'));
    assert.match(text, /exact line/);
    assert.match(text, /copy_file_range ×2/);
    assert.match(text, /bytes 1,000,000/);
    assert.match(text, /std specializes io::copy/);
  });

  it('Node.js: the hover over fs.copyFileSync( is a name match on copy_file_range (libuv), 1,000,000 bytes', async function () {
    if (!has('node')) this.skip();
    const trace = path.join(dir, 'copy_demo_js.strace');
    run('strace', ['-f', '-ttt', '-T', '-yy', '-s', '32', '-o', trace, 'node', 'copy_demo.js', 'in.bin', 'js_kernel.bin', 'js_loop.bin'], dir);
    const report = await analyze(trace);
    assert.deepEqual(report.transfers.map((t) => [t.strategy, t.bytes]).sort(), [['copy_file_range', BYTES], ['read_write', BYTES]]);
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.js'));
    const text = await hoverText(doc.uri, positionOf(doc, 'copyFileSync(', 'fs.copyFileSync('));
    assert.match(text, /name match/);
    assert.match(text, /1 call \(copy_file_range ×1\)/);
    assert.match(text, /bytes 1,000,000/);
    assert.match(text, /Transfer t\d+/);
    // The loop's writeSync( line: the writes, which moved the loop's bytes (Node's own writes count too: a name match).
    const loop = await hoverText(doc.uri, positionOf(doc, 'writeSync(', 'fs.writeSync('));
    assert.match(loop, /write ×\d+/);
    assert.match(loop, /read_write/);
  });

  it('Java: the hover over transferTo( is a name match on sendfile only, not the JVM\'s own mmap and write calls', async function () {
    if (!has('javac', ['-version']) || !has('java', ['-version'])) this.skip();
    run('javac', ['CopyDemo.java'], dir);
    const trace = path.join(dir, 'copy_demo_java.strace');
    run('strace', ['-f', '-ttt', '-T', '-yy', '-s', '32', '-o', trace, 'java', 'CopyDemo', 'in.bin', 'java_kernel.bin', 'java_loop.bin'], dir);
    const report = await analyze(trace);
    const kernel = report.transfers.find((t) => t.sink.path?.endsWith('java_kernel.bin'));
    assert.ok(kernel, `no transfer to java_kernel.bin: ${report.transfers.map((t) => `${t.strategy} ${t.sink.path}`).join(', ')}`);
    assert.equal(kernel.bytes, BYTES);
    const mover = Object.keys(kernel.syscalls)[0];
    assert.ok(mover === 'sendfile' || mover === 'copy_file_range', `transferTo moved with ${mover}`);
    assert.ok((report.summary.bySyscall.mmap?.calls ?? 0) > 10, 'the JVM maps memory on its own');
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'CopyDemo.java'));
    const text = await hoverText(doc.uri, positionOf(doc, 'transferTo(', 'in.transferTo('));
    assert.match(text, /name match/);
    assert.match(text, new RegExp(`${kernel.syscalls[mover]} calls? \\(${mover} ×${kernel.syscalls[mover]}\\)`));
    assert.doesNotMatch(text, /mmap ×|write ×/);
    assert.match(text, /bytes 1,000,000/);
  });

  it('Go (go build -N -l, strace -k): the hover over io.Copy( is exact: copy_file_range, 1,000,000 bytes', async function () {
    if (!has('go', ['version']) || !has('addr2line') || !straceK()) this.skip();
    // Go wants a writable cache; keep it in the workspace copy.
    const env = { ...process.env, GOCACHE: path.join(dir, '.gocache'), GOPATH: path.join(dir, '.gopath'), GOFLAGS: '-mod=mod', GO111MODULE: 'off' };
    const build = spawnSync('go', ['build', '-gcflags=all=-N -l', '-o', 'copy_demo_go', 'copy_demo.go'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(build.status, 0, `go build failed: ${build.stderr}`);
    const trace = path.join(dir, 'copy_demo_go.strace');
    run('strace', ['-f', '-k', '-ttt', '-T', '-yy', '-o', trace, './copy_demo_go', 'in.bin', 'go_kernel.bin', 'go_loop.bin'], dir);
    const report = await analyze(trace);
    assert.deepEqual(report.transfers.map((t) => [t.strategy, t.bytes]).sort(), [['copy_file_range', BYTES], ['read_write', BYTES]]);
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.go'));
    const text = await hoverText(doc.uri, positionOf(doc, 'Copy(', 'io.Copy('));
    assert.match(text, /exact line/);
    assert.match(text, /copy_file_range ×\d/);
    assert.match(text, /bytes 1,000,000/);
    const loop = await hoverText(doc.uri, positionOf(doc, 'Write(', 'out.Write('));
    assert.match(loop, /exact line/);
    assert.match(loop, /write ×16/);
  });

  it('unloading the trace clears hovers, CodeLens and diagnostics', async () => {
    await vscode.commands.executeCommand('iolens.unloadTrace');
    const doc = await vscode.workspace.openTextDocument(path.join(dir, 'copy_demo.py'));
    assert.equal(await hoverText(doc.uri, positionOf(doc, 'sendfile(', 'os.sendfile(')), '');
    assert.equal((await lenses(doc.uri)).length, 0);
    const left = vscode.languages.getDiagnostics().flatMap(([, ds]) => ds).filter((d) => d.source === 'I/O Lens');
    await waitFor('diagnostics cleared', () => vscode.languages.getDiagnostics().flatMap(([, ds]) => ds).filter((d) => d.source === 'I/O Lens').length, (n) => n === 0);
    assert.ok(left.length >= 0);
  });
});
