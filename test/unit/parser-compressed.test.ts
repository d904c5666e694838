// Compressed and binary inputs: a gzip trace is read as it is (same report as the text it holds),
// a cut one keeps what was there with an error at the line where it stops, and binary files that
// are not traces (perf.data, xz/zstd/bzip2 archives, executables) are refused with what to do.
// The traces are real strace recordings of the corpus, compressed here as `gzip` would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { IoReport } from '../../src/core/report-types';
import { parseTraceFiles } from '../../src/strace-parser';
import { perfTraceAvailable } from '../support/record';
import { withDir } from './parser-support/helpers';

const CORPUS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'corpus', 'traces');

/** The report without the file names (the only thing compression changes). */
function withoutFiles(report: IoReport): unknown {
  return JSON.parse(JSON.stringify({ ...report, trace: { ...report.trace, files: [] }, diagnostics: report.diagnostics.map((d) => ({ ...d, file: '' })) }));
}

test('a gzip trace gives the same report as its text, in one member or several end to end', async () => {
  await withDir(async (dir) => {
    const text = path.join(CORPUS, 'rw_send_c', 'f_ttt_T_yy.trace');
    const bytes = fs.readFileSync(text);
    const whole = path.join(dir, 'rw.trace.gz');
    fs.writeFileSync(whole, zlib.gzipSync(bytes));
    // Log rotation appends members (`gzip -c part >> t.gz`): cut mid-line on purpose.
    const cut = bytes.indexOf(0x0a, bytes.length >> 1) - 7;
    const members = path.join(dir, 'members.trace.gz');
    fs.writeFileSync(members, Buffer.concat([zlib.gzipSync(bytes.subarray(0, cut)), zlib.gzipSync(bytes.subarray(cut))]));
    const plain = await analyzeTraceFiles([text]);
    assert.ok(plain.transfers.length > 0 && plain.diagnostics.length === 0);
    for (const file of [whole, members]) {
      const report = await analyzeTraceFiles([file]);
      assert.deepEqual(report.trace.files, [file]);
      assert.deepEqual(withoutFiles(report), withoutFiles(plain), file);
    }
  });
});

test('gzip -ff parts (`ff.PID.gz`) keep their pids and merge like the text parts', async () => {
  await withDir(async (dir) => {
    const folder = path.join(CORPUS, 'cat_pipe_cat');
    const parts = fs.readdirSync(folder).filter((f) => /^ff\.\d+$/.test(f)).sort();
    assert.ok(parts.length >= 3);
    const zipped = parts.map((f) => {
      const out = path.join(dir, `${f}.gz`);
      fs.writeFileSync(out, zlib.gzipSync(fs.readFileSync(path.join(folder, f))));
      return out;
    });
    const plain = await analyzeTraceFiles(parts.map((f) => path.join(folder, f)));
    const report = await analyzeTraceFiles(zipped);
    assert.deepEqual(withoutFiles(report), withoutFiles(plain));
    assert.deepEqual([...new Set(report.transfers.map((t) => t.pid))].sort(), [...new Set(plain.transfers.map((t) => t.pid))].sort());
  });
});

test('a cut gzip trace: the lines before the cut are analyzed, an error names the line where it stops', async () => {
  await withDir(async (dir) => {
    const text = path.join(CORPUS, 'rw_send_c', 'f_ttt_T_yy.trace');
    const lines = fs.readFileSync(text, 'utf8').split('\n').length - 1;
    const gz = zlib.gzipSync(fs.readFileSync(text), { level: 1 });
    const file = path.join(dir, 'cut.trace.gz');
    fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const diagnostics: Array<{ line: number; severity: string; message: string }> = [];
    const result = await parseTraceFiles([file], { event: () => undefined, diagnostic: (d) => diagnostics.push(d) });
    const stop = diagnostics.find((d) => d.severity === 'error');
    assert.ok(stop !== undefined, JSON.stringify(diagnostics));
    assert.match(stop.message, /gzip data ends early/);
    assert.ok(result.lines > 0 && result.lines < lines, `${result.lines} of ${lines}`);
    assert.equal(stop.line, result.lines + 1);
  });
});

test('binary files that are not traces are refused with what to do, and nothing is parsed', async () => {
  await withDir(async (dir) => {
    const cases: Array<[string, Buffer, RegExp]> = [
      // The first bytes of the archivers' own output.
      ['t.trace.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x05]), /zstd-compressed.*zstd -d/],
      ['t.trace.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]), /xz-compressed/],
      ['t.trace.bz2', Buffer.from('BZh91AY&SY'), /bzip2-compressed/],
    ];
    for (const [name, head, reason] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, head);
      await assert.rejects(analyzeTraceFiles([file]), reason, name);
    }
    // A real executable: the Node binary running this test.
    await assert.rejects(analyzeTraceFiles([process.execPath]), /executable \(ELF\), not a trace/);
  });
});

test('one refused part among readable ones: an error diagnostic for it, the others analyzed', async () => {
  await withDir(async (dir) => {
    const folder = path.join(CORPUS, 'cat_pipe_cat');
    const good = fs.readdirSync(folder).filter((f) => /^ff\.\d+$/.test(f)).map((f) => path.join(folder, f));
    const bad = path.join(dir, 'ff.99999');
    fs.writeFileSync(bad, fs.readFileSync(process.execPath).subarray(0, 4096));
    const report = await analyzeTraceFiles([...good, bad]);
    assert.ok(report.transfers.length > 0);
    const refused = report.diagnostics.filter((d) => d.file === bad);
    assert.equal(refused.length, 1);
    assert.match(refused[0].message, /executable \(ELF\)/);
    assert.equal(refused[0].severity, 'error');
  });
});

test('a real perf.data (perf trace record) is refused, and the command the message gives makes a trace that analyzes', async () => {
  const probe = await perfTraceAvailable();
  assert.ok(probe.ok, probe.ok ? '' : probe.reason);
  await withDir(async (dir) => {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, 'x'.repeat(100_000));
    const data = path.join(dir, 'perf.data');
    const record = spawnSync('perf', ['trace', 'record', '-q', '-o', data, '--', 'cat', input], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    assert.equal(record.status, 0, record.stderr?.toString());
    const refusal = await analyzeTraceFiles([data]).then(
      () => assert.fail('perf.data was analyzed as text'),
      (e: Error) => e.message,
    );
    const advice = /`(perf trace -i \S+ -o \S+)`/.exec(refusal);
    assert.ok(advice !== null, refusal);
    const argv = advice[1].split(' ');
    const replay = spawnSync(argv[0], argv.slice(1), { cwd: dir });
    assert.equal(replay.status, 0, replay.stderr?.toString());
    const report = await analyzeTraceFiles([argv[argv.length - 1]]);
    assert.equal(report.trace.format, 'perf');
    assert.ok(report.summary.bySyscall.read !== undefined && report.summary.bySyscall.read.bytes >= 100_000, JSON.stringify(report.summary.bySyscall.read));
  });
});
