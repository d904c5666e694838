// A write is not a read's data when strace printed both and they begin differently (io-model.md:
// "where strace printed buffer contents, the printed prefixes agree"), even when the read is the
// only one waiting and its byte count would do. Recorded here with real strace:
// - test/workloads/request_log.c: a server reads a request and writes an access-log line about it
//   (nginx's access_log): other bytes, no transfer from the socket to the log;
// - gzip(1) compresses what it reads: no byte it writes was read, no transfer (and no advice to use
//   copy_file_range for it);
// and the exceptions that keep header-framed copies paired: an HTTP client writes the body that
// followed the response header in its read (the corpus's curl traces), a server writes a header and
// the first body bytes in one write (Go's http.ServeFile: analysis-credits' Go test).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';

function describe(transfers: ReadonlyArray<{ strategy: string; source: { path: string }; sink: { path: string }; bytes: number | null }>): string {
  return JSON.stringify(transfers.map((t) => `${t.strategy} ${t.source.path} -> ${t.sink.path} ${t.bytes}`));
}

for (const flags of [['-f', '-ttt', '-T', '-yy'], ['-f']]) {
  test(`a request read, a log line about it written: no transfer into the log, strace ${flags.join(' ')}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-request-log-'));
    const bin = buildWorkload(dir, 'request_log');
    const log = path.join(dir, 'access.log');
    const port = String(35_000 + (process.pid % 2_000) + flags.length);
    const recording = await recordStrace([bin, port, log], { flags, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    assert.match(fs.readFileSync(log, 'utf8'), /"GET \/index\.html HTTP\/1\.1" 200/);
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(report.transfers.filter((t) => t.sink.path === log).map((t) => t.source.path), [], describe(report.transfers));
  });
}

for (const content of ['zeros', 'text']) {
  test(`gzip compresses a file of ${content}: what it writes is not what it read, no transfer`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-gzip-'));
    const src = path.join(dir, 'src.bin');
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog\n`).join('');
    fs.writeFileSync(src, content === 'zeros' ? Buffer.alloc(1_000_000) : Buffer.from(lines));
    const recording = await recordStrace(['gzip', '-k', '-f', src], { flags: ['-f', '-ttt', '-T', '-yy'], outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    const gz = `${src}.gz`;
    assert.ok(fs.statSync(gz).size < fs.statSync(src).size / 10, 'gzip compressed it');
    const report = await analyzeTraceFiles([recording.tracePath]);
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(report.transfers.filter((t) => t.source.path === src || t.sink.path === gz).map((t) => t.strategy), [], describe(report.transfers));
    assert.ok((report.summary.bySyscall.read?.calls ?? 0) > 1, 'the reads are still counted');
  });
}
