// The page cache is warm for the bytes of a file the trace read before, not for the whole file
// (io-model.md: "assume the page cache is cold unless the same file range was read before in this
// trace"). Recorded here with real strace and coreutils: split(1) reads a file once and writes each
// part to its own file, so every part comes from a range nobody read before (cold: a disk DMA each);
// a cat of the same file afterwards reads it all again (warm: no disk DMA); dd with skip= reads a range
// the first dd did not.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { FileRanges } from '../../src/core/file-ranges';
import { recordStrace } from '../support/record';

const SIZE = 1_000_000;

function setUp(name: string): { dir: string; src: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-cache-${name}-`));
  const src = path.join(dir, 'src.bin');
  fs.writeFileSync(src, Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 131 + (i >> 10)) & 0xff)));
  return { dir, src };
}

test('split then cat of the same file: every part cold, the second full read warm', async () => {
  const { dir, src } = setUp('split');
  const script = `split -b 300000 ${src} ${path.join(dir, 'part_')} && cat ${src} > ${path.join(dir, 'again.bin')}`;
  const recording = await recordStrace(['sh', '-c', script], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  const report = await analyzeTraceFiles([recording.tracePath]);
  assert.deepEqual(report.diagnostics, []);
  const fromSource = report.transfers.filter((t) => t.source.path === src);
  const parts = fromSource.filter((t) => path.basename(t.sink.path).startsWith('part_'));
  assert.deepEqual(parts.map((t) => [path.basename(t.sink.path), t.bytes, t.copies.dma]), [
    ['part_aa', 300_000, 2],
    ['part_ab', 300_000, 2],
    ['part_ac', 300_000, 2],
    ['part_ad', 100_000, 2],
  ]);
  const again = fromSource.find((t) => t.sink.path === path.join(dir, 'again.bin'));
  assert.ok(again, JSON.stringify(fromSource.map((t) => t.sink.path)));
  assert.equal(again.copies.dma, 1, 'the file was read whole before: only the sink\'s DMA');
  assert.ok(again.assumptions.some((a) => a.startsWith('page cache warm')));
});

test('dd of the first half, then dd skip= of the second half: both cold', async () => {
  const { dir, src } = setUp('dd');
  const [first, second] = [path.join(dir, 'first.bin'), path.join(dir, 'second.bin')];
  const script = `dd if=${src} of=${first} bs=100000 count=5 status=none && dd if=${src} of=${second} bs=100000 skip=5 count=5 status=none`;
  const recording = await recordStrace(['sh', '-c', script], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
  assert.equal(recording.exitCode, 0, recording.stderr);
  assert.match(fs.readFileSync(recording.tracePath, 'utf8'), /lseek\(0<[^>]*src\.bin>, 500000, SEEK_CUR\) = 500000/, 'the second dd seeks past the first half');
  const report = await analyzeTraceFiles([recording.tracePath]);
  const rows = report.transfers.filter((t) => t.source.path === src).map((t) => [path.basename(t.sink.path), t.bytes, t.copies.dma]);
  assert.deepEqual(rows, [['first.bin', 500_000, 2], ['second.bin', 500_000, 2]]);
});

test('file ranges: a read overlaps what was read before only where bytes are shared (touching is not overlapping)', () => {
  const ranges = new FileRanges();
  const reads: Array<[number, number, boolean]> = [
    [0, 100, false],
    [100, 100, false], // touches [0, 100): merged, not read before
    [50, 10, true],
    [500, 100, false],
    [300, 100, false],
    [250, 60, true], // overlaps [300, 400)
    [200, 50, false], // fills the gap between [0, 200) and [250, 400)
    [0, 1000, true],
    [1000, 1, false],
  ];
  assert.deepEqual(reads.map(([from, length]) => ranges.read('/f', from, length)), reads.map(([, , before]) => before));
  assert.equal(ranges.read('/other', 0, 100), false, 'per file');
});
