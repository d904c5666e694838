// -k frames -> file:line on REAL binaries: a small C program (test/vscode/workspace/editor/copy_demo.c)
// built with gcc -g (PIE and non-PIE) and traced with strace -f -k -ttt -T -yy; the Rust fixture
// too when rustc is on the machine. Checks the exact lines, the figures per line, the transfer
// ids, the addr2line batching and cache, and the mapping of moved files onto a workspace.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { collectCallSites, framesByBinary } from '../../src/core/call-sites';
import type { IoReport } from '../../src/core/report-types';
import {
  buildSourceLineIndex, fileOffsetToVaddr, mapSourceToWorkspace, parseAddr2lineOutput, readLoadSegments, SourceLineResolver, spawnRunner,
  type ProcessRunner, type SourceLineIndex,
} from '../../src/core/source-lines';
import { repoRoot } from './support/corpus';

const FIXTURE = path.join(repoRoot(), 'test', 'vscode', 'workspace', 'editor', 'copy_demo.c');
const RUST_FIXTURE = path.join(repoRoot(), 'test', 'vscode', 'workspace', 'editor', 'copy_demo.rs');
const BYTES = 1_000_000;

function has(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0;
}
const straceK = (): boolean => {
  const r = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  return r.status === 0 && /stack-trace/.test(r.stdout);
};
const tools = has('gcc') && has('addr2line') && straceK();
const skip = tools ? false : 'needs gcc, addr2line and strace with -k (stack-trace) support';

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** 1,000,000 bytes of a fixed pattern. */
function inputFile(dir: string): string {
  const file = path.join(dir, 'in.bin');
  const buf = Buffer.alloc(BYTES);
  for (let i = 0; i < BYTES; i++) buf[i] = (i * 31 + 7) & 0xff;
  fs.writeFileSync(file, buf);
  return file;
}

interface Recorded {
  dir: string;
  source: string;
  binary: string;
  trace: string;
  report: IoReport;
}

/** Builds the C fixture in a fresh folder and records it with strace -k. */
function recordC(extraGccArgs: string[]): Recorded {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-editor-'));
  const source = path.join(dir, 'copy_demo.c');
  fs.copyFileSync(FIXTURE, source);
  const binary = path.join(dir, 'copy_demo');
  run('gcc', ['-g', '-O0', ...extraGccArgs, '-o', binary, source], dir);
  inputFile(dir);
  const trace = path.join(dir, 'k.trace');
  run('strace', ['-f', '-k', '-ttt', '-T', '-yy', '-s', '32', '-o', trace, binary, 'in.bin', 'out_rw.bin', 'out_sf.bin'], dir);
  return { dir, source, binary, trace, report: undefined as unknown as IoReport };
}

/** 1-based line of the first source line containing `needle`. */
function lineOf(file: string, needle: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

function countingRunner(): { run: ProcessRunner; calls: string[][] } {
  const calls: string[][] = [];
  return { calls, run: (file, args, stdin, timeoutMs) => { calls.push([file, ...args]); return spawnRunner(file, args, stdin, timeoutMs); } };
}

async function resolveLines(rec: Recorded, resolver: SourceLineResolver, roots = [rec.dir]): Promise<SourceLineIndex> {
  rec.report = await analyzeTraceFiles([rec.trace]);
  const sites = await collectCallSites([rec.trace], { report: rec.report });
  assert.ok(sites.stacks, 'the trace has -k stacks');
  const { locations, problems } = await resolver.resolveFrames(framesByBinary(sites));
  assert.deepEqual(problems.filter((p) => p.includes('copy_demo')), [], 'the fixture binary resolves');
  return buildSourceLineIndex(sites, locations, (f) => mapSourceToWorkspace(f, roots, fs.existsSync));
}

function assertCopyDemoLines(rec: Recorded, index: SourceLineIndex): void {
  const lines = index.get(rec.source);
  assert.ok(lines, `no lines for ${rec.source}; files: ${[...index.keys()].join(', ')}`);
  const rw = rec.report.transfers.find((t) => t.strategy === 'read_write');
  const sf = rec.report.transfers.find((t) => t.strategy === 'sendfile');
  assert.ok(rw && sf, `transfers: ${rec.report.transfers.map((t) => t.strategy).join(', ')}`);

  const sendfileLine = lines.get(lineOf(rec.source, 'sendfile(out, in'));
  assert.ok(sendfileLine, `no site on the sendfile line; lines: ${[...lines.keys()].join(', ')}`);
  assert.equal(sendfileLine.function, 'copy_sendfile');
  assert.deepEqual(Object.keys(sendfileLine.bySyscall), ['sendfile']);
  assert.equal(sendfileLine.bySyscall.sendfile?.calls, 4, '1,000,000 bytes in 262,144-byte calls');
  assert.equal(sendfileLine.bySyscall.sendfile?.bytes, BYTES);
  assert.deepEqual(sendfileLine.bySyscall.sendfile?.transferIds, [sf.id]);
  assert.ok((sendfileLine.bySyscall.sendfile?.durationUs ?? 0) > 0, '-T durations are summed');

  const readLine = lines.get(lineOf(rec.source, 'n = read(in, buf'));
  assert.equal(readLine?.bySyscall.read?.calls, 17, '16 full 64 KiB reads + the short one... + EOF');
  assert.equal(readLine?.bySyscall.read?.bytes, BYTES);
  assert.deepEqual(readLine?.bySyscall.read?.transferIds, [rw.id]);
  const writeLine = lines.get(lineOf(rec.source, 'write(out, buf'));
  assert.equal(writeLine?.bySyscall.write?.calls, 16);
  assert.equal(writeLine?.bySyscall.write?.bytes, BYTES);
  assert.deepEqual(writeLine?.bySyscall.write?.transferIds, [rw.id]);
  // The open calls resolve to their own lines and belong to no transfer.
  const openLine = lines.get(lineOf(rec.source, 'int in = open(src, O_RDONLY)'));
  assert.equal(openLine?.bySyscall.openat?.calls, 1);
  assert.deepEqual(openLine?.bySyscall.openat?.transferIds, []);
  // main's call lines are not attributed: each stack goes to its innermost workspace line.
  assert.equal(lines.get(lineOf(rec.source, 'return copy_rw(argv[1]')), undefined);
}

test('PIE binary (gcc -g): each -k frame resolves to its exact line with per-line figures and transfer ids', { skip }, async () => {
  const rec = recordC([]);
  const segments = await readLoadSegments(rec.binary);
  assert.ok(segments && segments.length > 0, 'PT_LOAD headers read');
  const counting = countingRunner();
  const resolver = new SourceLineResolver({ run: counting.run });
  assertCopyDemoLines(rec, await resolveLines(rec, resolver));
  // Batched: one addr2line per binary with every address, argument arrays, -f -C -i.
  const forBinary = counting.calls.filter((c) => c.includes(rec.binary));
  assert.equal(forBinary.length, 1, 'one addr2line process for the binary');
  assert.deepEqual(forBinary[0]?.slice(0, 7), ['addr2line', '-e', rec.binary, '-a', '-f', '-C', '-i']);
  // Cached per binary + mtime: a second resolution spawns nothing...
  await resolveLines(rec, resolver);
  assert.equal(counting.calls.filter((c) => c.includes(rec.binary)).length, 1, 'cached');
  // ...until the binary changes.
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(rec.binary, later, later);
  await resolveLines(rec, resolver);
  assert.equal(counting.calls.filter((c) => c.includes(rec.binary)).length, 2, 'a rebuilt binary is resolved again');
  fs.rmSync(rec.dir, { recursive: true, force: true });
});

test('non-PIE binary (gcc -g -no-pie): file offsets go through the program headers to link-time addresses', { skip }, async () => {
  const rec = recordC(['-no-pie']);
  const segments = await readLoadSegments(rec.binary);
  assert.ok(segments?.some((s) => s.vaddr >= 0x400000), 'non-PIE text is linked at 0x400000');
  assert.notEqual(fileOffsetToVaddr(0x1200, segments), 0x1200, 'offset != address for non-PIE');
  assertCopyDemoLines(rec, await resolveLines(rec, new SourceLineResolver()));
  fs.rmSync(rec.dir, { recursive: true, force: true });
});

test('a trace recorded elsewhere: binary and sources are found in the workspace by their path tail', { skip }, async () => {
  const rec = recordC([]);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-ws-'));
  const moved = path.join(workspace, path.basename(rec.dir));
  fs.cpSync(rec.dir, moved, { recursive: true });
  fs.rmSync(rec.dir, { recursive: true, force: true }); // the original paths no longer exist
  const resolver = new SourceLineResolver({
    locateBinary: async (b) => (fs.existsSync(b) ? b : mapSourceToWorkspace(b, [workspace], fs.existsSync) ?? undefined),
  });
  const trace = path.join(moved, 'k.trace');
  const report = await analyzeTraceFiles([trace]);
  const sites = await collectCallSites([trace], { report });
  const { locations } = await resolver.resolveFrames(framesByBinary(sites));
  const index = buildSourceLineIndex(sites, locations, (f) => mapSourceToWorkspace(f, [workspace], fs.existsSync));
  const source = path.join(moved, 'copy_demo.c');
  assert.equal(index.get(source)?.get(lineOf(source, 'sendfile(out, in'))?.bySyscall.sendfile?.calls, 4);
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('call sites from text equal call sites from the file', { skip }, async () => {
  const rec = recordC([]);
  const fromFile = await collectCallSites([rec.trace]);
  const fromText = await collectCallSites({ text: fs.readFileSync(rec.trace, 'utf8'), fileName: rec.trace });
  assert.equal(fromText.sites.length, fromFile.sites.length);
  assert.equal(fromText.events, fromFile.events);
  fs.rmSync(rec.dir, { recursive: true, force: true });
});

test('Rust (rustc -g, frame pointers): std::io::copy resolves to the line in main, through std code in the binary', { skip: skip || (!has('rustc') && 'needs rustc') }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-editor-rs-'));
  const source = path.join(dir, 'copy_demo.rs');
  fs.copyFileSync(RUST_FIXTURE, source);
  const binary = path.join(dir, 'copy_demo_rs');
  run('rustc', ['-g', '-C', 'opt-level=0', '-C', 'force-frame-pointers=yes', '-o', binary, source], dir);
  inputFile(dir);
  const trace = path.join(dir, 'k.trace');
  run('strace', ['-f', '-k', '-ttt', '-T', '-yy', '-o', trace, binary, 'in.bin', 'out.bin'], dir);
  const rec: Recorded = { dir, source, binary, trace, report: undefined as unknown as IoReport };
  const index = await resolveLines(rec, new SourceLineResolver());
  const site = index.get(source)?.get(lineOf(source, 'io::copy(&mut src'));
  assert.ok(site, `no site on the io::copy line; lines: ${[...(index.get(source)?.keys() ?? [])].join(', ')}`);
  assert.equal(site.bySyscall.copy_file_range?.bytes, BYTES);
  assert.ok((site.bySyscall.copy_file_range?.calls ?? 0) >= 2, 'the copy + the 0-byte end');
  const cfr = rec.report.transfers.find((t) => t.strategy === 'copy_file_range');
  assert.ok(cfr);
  assert.deepEqual(site.bySyscall.copy_file_range?.transferIds, [cfr.id]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('corpus -k trace: frames of binaries not on this machine are named as problems, calls still aggregate by stack', async () => {
  const trace = path.join(repoRoot(), 'test', 'fixtures', 'corpus', 'traces', 'sendfile_c', 'k.trace');
  const report = await analyzeTraceFiles([trace]);
  const sites = await collectCallSites([trace], { report });
  const sf = report.transfers.find((t) => t.strategy === 'sendfile');
  assert.ok(sf);
  const sendfileSites = sites.sites.filter((s) => s.bySyscall.sendfile);
  assert.equal(sendfileSites.reduce((a, s) => a + (s.bySyscall.sendfile?.calls ?? 0), 0), 4);
  assert.equal(sendfileSites[0]?.frames[0]?.binary, '/tmp/ctx/bin/sendfile_send');
  assert.deepEqual(sendfileSites[0]?.bySyscall.sendfile?.transferIds, [sf.id]);
  const resolver = new SourceLineResolver({ locateBinary: async (b) => (fs.existsSync(b) ? b : undefined) });
  const { problems } = await resolver.resolveFrames(framesByBinary(sites));
  if (!fs.existsSync('/tmp/ctx/bin/sendfile_send')) assert.ok(problems.some((p) => p.includes('sendfile_send') && p.includes('not on this machine')), problems.join('; '));
});

test('addr2line output: inline chains (innermost first), discriminators, unknowns', () => {
  const out = parseAddr2lineOutput([
    '0x0000000000001234', 'helper', '/src/a.c:10 (discriminator 2)', 'main', '/src/a.c:42',
    '0x0000000000002000', '??', '??:0',
    '0x0000000000003000', '_start', '??:?',
  ].join('\n'));
  assert.deepEqual(out.get(0x1234), [
    { file: '/src/a.c', line: 10, function: 'helper', inlined: true },
    { file: '/src/a.c', line: 42, function: 'main', inlined: false },
  ]);
  assert.deepEqual(out.get(0x2000), []);
  assert.deepEqual(out.get(0x3000), []);
});

test('workspace mapping: inside a root, by path tail, relative paths, or not at all', () => {
  const files = new Set(['/ws/proj/src/main.c', '/ws/other/lib.c']);
  const exists = (p: string): boolean => files.has(p);
  assert.equal(mapSourceToWorkspace('/ws/proj/src/main.c', ['/ws'], exists), '/ws/proj/src/main.c');
  assert.equal(mapSourceToWorkspace('/build/ci/proj/src/main.c', ['/ws'], exists), '/ws/proj/src/main.c');
  assert.equal(mapSourceToWorkspace('other/lib.c', ['/ws'], exists), '/ws/other/lib.c');
  assert.equal(mapSourceToWorkspace('/rustc/abc/library/std/src/io/copy.rs', ['/ws'], exists), null);
});
