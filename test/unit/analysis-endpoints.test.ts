// What an endpoint is, and so what it costs and what it allows, on real programs traced here with
// real strace:
// - unlinked_files.c: files that have no name any more, which -y decorates `3</dir/x>(deleted)`: an
//   unlinked file, an O_TMPFILE, a memfd (memory, as memfd_create names it without -y);
// - a named FIFO is opened by path (and -y names it by path): its fstat says S_IFIFO, a pipe;
// - a block device (a loop device, `<block 7:0>` under -yy) is storage: one DMA, like a file's disk;
// - `tee -a` writes to files opened with O_APPEND, which copy_file_range, sendfile and splice refuse:
//   nothing in-kernel is recommended for them;
// - the middle `cat` of `cat | cat | cat` copies pipe -> pipe: splice moves page references;
// - a file read a second time is in the page cache: the recommendation for the same bytes does not
//   count a disk DMA either;
// - unix_sendfile.c: sendfile into a unix stream socket hands it page references, as splice does (a
//   seqpacket socket's messages copy them);
// - wildcard_server.c: a connection accepted on 0.0.0.0 from 127.0.0.1 is on loopback (no NIC DMA),
//   also without -y, where only the listener's bind and accept's peer address say where it is;
// - dd iflag=direct oflag=direct: O_DIRECT moves the data between the device and the user buffer,
//   no CPU copy and no page cache: nothing in-kernel is better;
// - loopback_pair.c: a client and a server in one process, over 127.0.0.1 and ::1: the two ends of
//   the connection (`a->b`, `b->a`) are each other's peers, never source and sink of each other.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { IoReport, Transfer } from '../../src/core/report-types';
import { recordStrace } from '../support/record';
import { repoRoot } from './support/corpus';
import { buildWorkload } from './support/programs';

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `iolens-${name}-`));
}

function writeData(file: string, size: number): void {
  fs.writeFileSync(file, Buffer.from(Array.from({ length: size }, (_, i) => (i * 131 + (i >> 10)) & 0xff)));
}

async function traced(argv: string[], dir: string, flags = ['-f', '-ttt', '-T', '-yy']): Promise<IoReport> {
  const recording = await recordStrace(argv, { flags, outDir: dir, cwd: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  return report;
}

function rows(transfers: readonly Transfer[]): string[] {
  return transfers.map((t) => `${t.strategy} ${t.source.kind}:${path.basename(t.source.path)} -> ${t.sink.kind}:${path.basename(t.sink.path)} ${t.bytes}`).sort();
}

for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f', '-ttt', '-T', '-y'], ['-f', '-ttt', '-T']]) {
  test(`files with no name (unlinked, O_TMPFILE, memfd) are sources and sinks like any other (strace ${flags.join(' ')})`, async () => {
    const dir = tempDir('unlinked');
    const bin = buildWorkload(dir, 'unlinked_files');
    writeData(path.join(dir, 'gone.bin'), 300_000);
    writeData(path.join(dir, 'src.bin'), 250_000);
    const recording = await recordStrace([bin, dir], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    if (flags.includes('-y') || flags.includes('-yy')) assert.match(fs.readFileSync(recording.tracePath, 'utf8'), /gone\.bin>\(deleted\)/);
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    // -y names the O_TMPFILE `#<inode>`; without it, the directory it was made in says where it is.
    const tmpName = (t: string): string => (/^#\d+$/.test(t) ? '(O_TMPFILE)' : t);
    const found = rows(report.transfers).map((r) => r.replace(/file:(#\d+|\(O_TMPFILE\))/g, (_, name: string) => `file:${tmpName(name)}`));
    assert.deepEqual(found, [
      'read_write file:gone.bin -> file:out1.bin 300000',
      'sendfile file:(O_TMPFILE) -> file:out2.bin 250000',
      'sendfile file:src.bin -> file:(O_TMPFILE) 250000',
      'sendfile memory:memfd:cache -> file:out3.bin 200000',
    ], JSON.stringify(report.transfers.map((t) => [t.source.path, t.sink.path, t.bytes])));
    const fromMemory = report.transfers.find((t) => t.source.kind === 'memory');
    assert.equal(fromMemory?.copies.dma, 1, 'memory: no DMA; the file sink: one');
  });
}

test('a named FIFO is a pipe: no disk DMA for it, and splice is what it allows', async () => {
  const dir = tempDir('fifo');
  writeData(path.join(dir, 'in.bin'), 300_000);
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  const report = await traced(['sh', '-c', 'cat in.bin > fifo & cat fifo > out.bin; wait'], dir);
  assert.deepEqual(rows(report.transfers), ['read_write file:in.bin -> pipe:fifo 300000', 'read_write pipe:fifo -> file:out.bin 300000']);
  for (const t of report.transfers) {
    assert.equal(t.copies.dma, 1, `${t.source.path} -> ${t.sink.path}: only the regular file's disk`);
    assert.equal(t.recommendation?.strategy, 'splice');
  }
  // A regular file whose very name says S_IFIFO stays a file: its fstat's st_mode says S_IFREG.
  fs.copyFileSync(path.join(dir, 'in.bin'), path.join(dir, 'S_IFIFO.dat'));
  const named = await traced(['sh', '-c', 'cat S_IFIFO.dat > copy.bin'], dir);
  assert.deepEqual(rows(named.transfers), ['copy_file_range file:S_IFIFO.dat -> file:copy.bin 300000']);
});

const LOOP_DEVICE = (() => {
  const r = spawnSync('losetup', ['-f'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().startsWith('/dev/loop') ? r.stdout.trim() : null;
})();

test('a block device is storage: one DMA, like a file\'s disk', { skip: LOOP_DEVICE === null && 'no free loop device here (losetup -f; needs root)' }, async () => {
  const dir = tempDir('blockdev');
  const image = path.join(dir, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(1 << 20));
  const device = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  try {
    writeData(path.join(dir, 'in.bin'), 1 << 20);
    const report = await traced(['dd', 'if=in.bin', `of=${device}`, 'bs=64k'], dir);
    const t = report.transfers.find((x) => x.sink.path === device);
    assert.ok(t !== undefined, JSON.stringify(report.transfers));
    assert.deepEqual([t.sink.kind, t.sink.storage, t.bytes, t.copies.dma], ['dev', true, 1 << 20, 2], 'the file\'s disk and the device: two DMA copies');
  } finally {
    execFileSync('losetup', ['-d', device]);
  }
});

test('tee -a: files opened with O_APPEND refuse copy_file_range, sendfile and splice, so none is advised', async () => {
  const dir = tempDir('append');
  writeData(path.join(dir, 'in.bin'), 300_000);
  const report = await traced(['sh', '-c', 'tee -a a.out b.out < in.bin > /dev/null'], dir);
  const appended = report.transfers.filter((t) => t.sink.path.endsWith('.out'));
  assert.equal(appended.length, 2, JSON.stringify(rows(report.transfers)));
  for (const t of appended) {
    assert.equal(t.bytes, 300_000);
    assert.notEqual(t.recommendation?.strategy, 'copy_file_range');
    assert.ok(t.recommendation === null || t.recommendation.strategy === 'larger_buffers', JSON.stringify(t.recommendation));
    // A larger buffer moves the same bytes the same way: the same copies per byte.
    if (t.recommendation !== null) assert.deepEqual(t.recommendation.copies, t.copies);
  }
});

test('cat | cat | cat: the middle one copies pipe -> pipe, which splice does without copying', async () => {
  const dir = tempDir('pipes');
  writeData(path.join(dir, 'in.bin'), 1 << 20);
  const report = await traced(['sh', '-c', 'cat in.bin | cat | cat > out.bin'], dir);
  const middle = report.transfers.filter((t) => t.source.kind === 'pipe' && t.sink.kind === 'pipe');
  assert.equal(middle.length, 1, JSON.stringify(rows(report.transfers)));
  assert.equal(middle[0].bytes, 1 << 20);
  assert.deepEqual([middle[0].recommendation?.strategy, middle[0].recommendation?.copies], ['splice', { cpu: 0, dma: 0 }]);
});

test('a file copied after it was read once: the page cache is warm for the recommended way too', async () => {
  const dir = tempDir('warm');
  writeData(path.join(dir, 'in.bin'), 1 << 20);
  const report = await traced(['sh', '-c', 'dd if=in.bin of=/dev/null bs=64k && dd if=in.bin of=out.bin bs=64k'], dir);
  const copy = report.transfers.find((t) => t.sink.path.endsWith('out.bin'));
  assert.ok(copy !== undefined, JSON.stringify(rows(report.transfers)));
  assert.equal(copy.copies.dma, 1, 'warm source: only the sink file\'s disk');
  assert.deepEqual([copy.recommendation?.strategy, copy.recommendation?.copies], ['copy_file_range', { cpu: 1, dma: 1 }]);
});

for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f', '-ttt', '-T', '-y']]) {
test(`sendfile into a unix socket hands it page references, as splice does: no CPU copy on the sending side (strace ${flags.join(' ')})`, async () => {
  const dir = tempDir('unix-sendfile');
  const bin = buildWorkload(dir, 'unix_sendfile');
  writeData(path.join(dir, 'a.bin'), 300_000);
  writeData(path.join(dir, 'b.bin'), 1 << 20);
  // -y names the pair's ends by inode only: socketpair's SOCK_STREAM says they are stream sockets.
  const report = await traced([bin, 'a.bin', 'b.bin', 'out.bin'], dir, flags);
  assert.equal(fs.statSync(path.join(dir, 'out.bin')).size, 300_000 + (1 << 20));
  const sent = report.transfers.filter((t) => t.sink.kind === 'unix').map((t) => [t.strategy, path.basename(t.source.path), t.bytes, t.copies.cpu]);
  assert.deepEqual(sent.sort(), [['sendfile', 'a.bin', 300_000, 0], ['splice', 'b.bin', 1 << 20, 0]]);
});
}

for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f', '-ttt', '-T']]) {
  test(`a connection accepted on 0.0.0.0 from 127.0.0.1 is on loopback: no NIC DMA (strace ${flags.join(' ')})`, async () => {
    const dir = tempDir('wildcard');
    const bin = buildWorkload(dir, 'wildcard_server');
    writeData(path.join(dir, 'in.bin'), 1 << 20);
    const port = String(31_000 + (process.pid % 1_000) + (flags.length > 4 ? 1_000 : 0));
    const report = await traced([bin, port, 'in.bin', 'out.bin'], dir, flags);
    const sent = report.transfers.find((t) => t.source.path.endsWith('in.bin'));
    assert.ok(sent !== undefined, JSON.stringify(rows(report.transfers)));
    assert.deepEqual([sent.sink.kind, sent.sink.loopback, sent.bytes, sent.copies.dma], ['tcp', true, 1 << 20, 1], sent.sink.path);
  });
}

test('dd with O_DIRECT on both files: no CPU copy, two disk DMAs, nothing in-kernel advised', async (t) => {
  const dir = tempDir('direct');
  writeData(path.join(dir, 'in.bin'), 1 << 20);
  // tmpfs has no O_DIRECT: the test needs a disk-backed temp directory.
  const probe = spawnSync('dd', ['if=in.bin', 'of=probe.bin', 'bs=64k', 'count=1', 'iflag=direct', 'oflag=direct'], { cwd: dir });
  if (probe.status !== 0) {
    t.skip(`O_DIRECT is not supported on ${dir}'s filesystem: ${probe.stderr.toString().trim()}`);
    return;
  }
  // Opened with O_DIRECT (if=, of=), or given it by fcntl(F_SETFL) on the shell's redirections.
  for (const command of [['dd', 'if=in.bin', 'of=out.bin', 'bs=64k', 'iflag=direct', 'oflag=direct'], ['sh', '-c', 'exec dd bs=64k iflag=direct oflag=direct < in.bin > out.bin']]) {
    const report = await traced(command, dir);
    const copy = report.transfers.find((x) => x.sink.path.endsWith('out.bin'));
    assert.ok(copy !== undefined, JSON.stringify(rows(report.transfers)));
    assert.deepEqual([copy.strategy, copy.bytes, copy.copies, copy.cpuBytesCopied, copy.recommendation], ['read_write', 1 << 20, { cpu: 0, dma: 2 }, 0, null], command.join(' '));
    // The report says which ends are O_DIRECT (its data-path picture draws no page cache there).
    assert.deepEqual([copy.source.direct, copy.sink.direct], [true, true], command.join(' '));
  }
});

test('sendfile into a unix SOCK_SEQPACKET socket: each message copies the pages (-yy: `UNIX:[...]`, not `UNIX-STREAM`)', async () => {
  const dir = tempDir('unix-seqpacket');
  const bin = buildWorkload(dir, 'unix_sendfile');
  writeData(path.join(dir, 'a.bin'), 300_000);
  const report = await traced([bin, 'a.bin', 'unused', 'out.bin', 'seqpacket'], dir);
  assert.equal(fs.statSync(path.join(dir, 'out.bin')).size, 300_000);
  const sent = report.transfers.filter((t) => t.sink.kind === 'unix').map((t) => [t.strategy, path.basename(t.source.path), t.bytes, t.copies.cpu, t.sink.path.split(':')[0]]);
  assert.deepEqual(sent, [['sendfile', 'a.bin', 300_000, 1, 'UNIX']]);
});

for (const family of ['4', '6'] as const) {
  test(`a client and a server in one process over ${family === '4' ? '127.0.0.1' : '[::1]'}: the file sent and the file saved, no relay between the two ends`, async () => {
    const dir = tempDir('loopback-pair');
    const bin = buildWorkload(dir, 'loopback_pair', ['-pthread']);
    const src = path.join(dir, 'src.bin');
    const dst = path.join(dir, 'dst.bin');
    writeData(src, 1_000_000);
    const report = await traced([bin, family, src, dst], dir);
    assert.deepEqual(fs.readFileSync(dst), fs.readFileSync(src));
    assert.deepEqual(
      report.transfers.map((t) => [t.strategy, t.source.kind === 'file' ? t.source.path : t.source.kind, t.sink.kind === 'file' ? t.sink.path : t.sink.kind, t.bytes]),
      [['read_write', src, 'tcp', 1_000_000], ['recv_write', 'tcp', dst, 1_000_000]],
      rows(report.transfers).join('; '),
    );
  });
}

test('client and server in one process over [::1], the server reading before the upload returned (recorded, test/fixtures/recorded): no relay between the two ends', async () => {
  // Recorded by a helper's review (test/fixtures/recorded/README.md).
  const report = await analyzeTraceFiles([path.join(repoRoot(), 'test', 'fixtures', 'recorded', 'strace_ipv6_loopback_pair.trace')]);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(
    report.transfers.map((t) => [t.strategy, t.source.kind, path.basename(t.source.path), t.sink.kind, path.basename(t.sink.path), t.bytes]),
    [
      ['read_write', 'file', 'in1m.bin', 'tcp', '[::1]:43945->[::1]:58094', 1_000_000],
      ['recv_write', 'tcp', '[::1]:58094->[::1]:43945', 'file', 'out_6.bin', 1_000_000],
    ],
  );
});
