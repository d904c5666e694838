// Page faults on mmapped memory are kernel entries strace cannot see; a `perf trace --pf=all` trace
// shows them, and they are added to the mode switches of the transfer that writes from the mapping,
// and shown apart (io-model.md). test/workloads/mmap_to_file.c, recorded here with real perf trace.
// A fault inside a call (a read faulting on its fresh buffer: perf prints the read as interrupted,
// the fault, then `[continued]: read()`) is part of that call, which goes on (pipe_fork_copy.c).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { PERF_RECORDING_ATTEMPTS, recordPerfTrace } from '../support/record';
import { buildWorkload } from './support/programs';

const SIZE = 1_000_000;

// Without `touch` the write's copy takes the faults, inside the call (perf's level `k`); with it, the
// program's own reads of the pages do, in user mode (level `.`).
for (const touch of [false, true]) {
  test(`perf trace --pf=all: the page faults on the mapping are counted in the mmap_write transfer and shown apart; those taken in user mode are mode switches (${touch ? 'pages touched first' : 'written untouched'})`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-faults-'));
    const bin = buildWorkload(dir, 'mmap_to_file');
    const src = path.join(dir, 'src.bin');
    const dst = path.join(dir, 'dst.bin');
    fs.writeFileSync(src, Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 11 + (i >> 12)) & 0xff)));
    const recording = await recordPerfTrace([bin, src, dst, ...(touch ? ['touch'] : [])], { outDir: dir, perfArgs: ['--pf=all', '--syscalls'] });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
    const text = fs.readFileSync(recording.tracePath, 'utf8');
    // An independent count: the faults on the mapping (an address in the range the mmap call returned,
    // or an offset of the mapped file), by the level of the code that took them.
    const mapped = /mmap\(len: 1000000, prot: READ, flags: PRIVATE, fd: \d+[^)]*\) += (0x[0-9a-f]+)/.exec(text);
    assert.ok(mapped, 'the trace shows the mapping');
    const start = Number(mapped[1]);
    let inCalls = 0;
    let inUser = 0;
    for (const m of text.matchAll(/(?:min|maj)fault \[[^\]]*\] => (0x[0-9a-f]+|\S+@0x[0-9a-f]+) \(.(.)\)/g)) {
      const target = m[1];
      const onMapping = target.startsWith('0x') ? Number(target) >= start && Number(target) < start + SIZE : target.startsWith(`${src}@`);
      if (!onMapping) continue;
      if (m[2] === 'k') inCalls++;
      else inUser++;
    }
    assert.ok(touch ? inUser > 0 : inCalls > 0, `perf showed page faults on the mapping (in calls ${inCalls}, in user mode ${inUser})`);

    const report = await analyzeTraceFiles([recording.tracePath]);
    const transfers = report.transfers.filter((t) => t.strategy === 'mmap_write');
    assert.equal(transfers.length, 1, JSON.stringify(report.transfers.map((t) => `${t.strategy} ${t.source.path} -> ${t.sink.path}`)));
    const [transfer] = transfers;
    assert.ok(transfer);
    assert.equal(transfer.bytes, SIZE);
    assert.equal(transfer.pageFaults, inCalls + inUser);
    const calls = Object.values(transfer.syscalls).reduce((a, b) => a + b, 0);
    assert.equal(transfer.modeSwitches, 2 * calls + 2 * inUser);
    if (inUser > 0) assert.ok(transfer.assumptions.some((a) => a.includes(`${inUser} page faults`)), transfer.assumptions.join('; '));
    if (inCalls > 0) assert.ok(transfer.assumptions.some((a) => a.includes(`${inCalls} page faults on the mapping were taken inside calls`)), transfer.assumptions.join('; '));
  });
}

test('perf trace --pf=all: faults perf names by file offset go to that file\'s mapping, not to an older unnamed one covering the offset', async () => {
  // Python maps its locale archive and other files first (unnamed under perf, like this one): the
  // faults `=> src.bin@0x...` are this file's.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-faults-py-'));
  const src = path.join(dir, 'src.bin');
  const dst = path.join(dir, 'dst.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 3 + (i >> 10)) & 0xff)));
  const script = 'import mmap,os,sys\nf=os.open(sys.argv[1],os.O_RDONLY)\nm=mmap.mmap(f,0,prot=mmap.PROT_READ)\ns=sum(m[i] for i in range(0,len(m),4096))\no=os.open(sys.argv[2],os.O_WRONLY|os.O_CREAT|os.O_TRUNC,0o644)\nv=memoryview(m)\nfor i in range(0,len(m),65536): os.write(o,v[i:i+65536])\n';
  const recording = await recordPerfTrace(['/usr/bin/python3', '-c', script, src, dst], { outDir: dir, perfArgs: ['--pf=all', '--syscalls'] });
  assert.ok(recording.ok, recording.ok ? '' : recording.reason);
  assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
  const text = fs.readFileSync(recording.tracePath, 'utf8');
  const byOffset = text.split('\n').filter((line) => line.includes(`=> ${src}@0x`)).length;
  assert.ok(byOffset > 0, 'perf named the file of some faults');
  const report = await analyzeTraceFiles([recording.tracePath]);
  const written = report.transfers.find((t) => t.sink.path === dst || t.sink.path.endsWith('dst.bin') || (t.strategy === 'mmap_write' && t.bytes === SIZE));
  assert.ok(written !== undefined, JSON.stringify(report.transfers.map((t) => [t.strategy, t.source.path, t.sink.path, t.bytes])));
  assert.ok((written.pageFaults ?? 0) >= byOffset, `${written.pageFaults} faults counted, ${byOffset} named by the file's offset`);
});

test('perf trace --syscalls --pf=all: a read that faults on its buffer is one call, its fault inside it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-fault-in-call-'));
  const bin = buildWorkload(dir, 'pipe_fork_copy');
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 13 + (i >> 11)) & 0xff)));
  const out = path.join(dir, 'out.bin');
  let recording: Awaited<ReturnType<typeof recordPerfTrace>>;
  let text: string;
  // The parent's first read into its untouched static buffer faults inside the kernel's copy to it:
  // between that tid's interrupted `read(... ...` and its `[continued]: read())`, a fault of the same
  // tid. perf prints the read whole when nothing came between: such a recording is redone.
  for (let attempt = 1; ; attempt++) {
    recording = await recordPerfTrace([bin, src], { outDir: dir, name: `perf${attempt}`, perfArgs: ['--syscalls', '--pf=all'], stdoutFile: out });
    assert.ok(recording.ok, recording.ok ? '' : recording.reason);
    assert.deepEqual(fs.readFileSync(out), fs.readFileSync(src));
    text = fs.readFileSync(recording.tracePath, 'utf8');
    if (faultInsideRead(text) || attempt === PERF_RECORDING_ATTEMPTS) break;
  }
  assert.ok(faultInsideRead(text), 'perf showed a fault inside a read');
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const starts = (text.match(/ read\(fd: /g) ?? []).length;
  assert.equal(report.summary.bySyscall.read?.calls, starts, 'one call per read the trace started');
  assert.deepEqual(report.transfers.map((t) => [t.source.kind, t.bytes]).sort(), [['file', 300_000], ['pipe', 300_000]]);
});

function faultInsideRead(text: string): boolean {
  const open = new Set<string>();
  for (const line of text.split('\n')) {
    const tid = /\): \S+\/(\d+) /.exec(line)?.[1];
    if (tid === undefined) continue;
    if (/ read\(fd: .*\.\.\.$/.test(line)) open.add(tid);
    else if (line.includes('[continued]: read()')) open.delete(tid);
    else if (/ (min|maj)fault \[/.test(line) && open.has(tid)) return true;
  }
  return false;
}
