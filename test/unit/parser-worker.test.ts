// Parsing in a worker thread (src/strace-parser/parse-in-worker.ts) must be invisible: the sink gets
// exactly the calls, in exactly the order, that the in-thread parser makes, and the analysis built on
// it is the same report. Checked on every corpus trace, on a multi-batch trace built from real ones,
// on bad input, and for the error paths (missing file, abort, a sink that throws).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { parseTraceFiles, TraceSyscall } from '../../src/strace-parser';
import type { ParseOptions, TraceParseResult, TraceSink } from '../../src/strace-parser';
import { BatchEncoder } from '../../src/strace-parser/event-batch';
import { parseTraceFilesInWorker, parseWorkerScript } from '../../src/strace-parser/parse-in-worker';
import { recordStrace } from '../support/record';
import { buildWorkload } from './support/programs';
import { withDir } from './parser-support/helpers';
import { loadCorpusCases, repoRoot } from './support/corpus';

type Parse = (paths: string[], sink: TraceSink, options?: ParseOptions) => Promise<TraceParseResult>;

/** Every sink call of one parse, as plain data (lazy event fields decoded), plus the result. */
async function record(parse: Parse, paths: string[], callStartedFor?: readonly string[]): Promise<{ calls: unknown[]; result: TraceParseResult }> {
  const calls: unknown[] = [];
  const sink: TraceSink = {
    event: (e) => calls.push(['event', e instanceof TraceSyscall ? e.toJSON() : e]),
    diagnostic: (d) => calls.push(['diagnostic', d]),
    callStarted: (s) => calls.push(['callStarted', s]),
    ignoredLine: (f, l) => calls.push(['ignoredLine', f, l]),
    callStartedFor,
  };
  const result = await parse(paths, sink);
  return { calls, result };
}

async function assertSameParse(paths: string[], label: string, callStartedFor?: readonly string[]): Promise<number> {
  const inThread = await record(parseTraceFiles, paths, callStartedFor);
  const inWorker = await record(parseTraceFilesInWorker, paths, callStartedFor);
  assert.equal(inWorker.calls.length, inThread.calls.length, `${label}: number of sink calls`);
  for (let i = 0; i < inThread.calls.length; i++) assert.deepStrictEqual(inWorker.calls[i], inThread.calls[i], `${label}: sink call ${i}`);
  assert.deepStrictEqual(inWorker.result, inThread.result, `${label}: parse result`);
  return inThread.calls.length;
}

/** A trace of about `bytes` replayed from the corpus's real traces by scripts/big/make_big.sh. */
function makeBig(dir: string, bytes: number): string {
  const trace = path.join(dir, 'big.trace');
  execFileSync('bash', [path.join(repoRoot(), 'scripts', 'big', 'make_big.sh'), trace, String(bytes)], { stdio: 'ignore' });
  return trace;
}

test('the worker script is built beside the module that starts it', () => {
  const script = parseWorkerScript();
  assert.ok(script !== null && fs.existsSync(script), String(script));
});

test('every corpus trace (single files and -ff parts): the worker replays exactly the in-thread sink calls', async () => {
  const cases = loadCorpusCases();
  assert.ok(cases.length >= 150, `corpus cases: ${cases.length}`);
  let calls = 0;
  for (const c of cases) calls += await assertSameParse(c.files, c.name);
  assert.ok(calls > 40_000, `sink calls compared: ${calls}`);
});

test('every corpus trace: the report is the same whichever thread parsed', async () => {
  for (const c of loadCorpusCases()) {
    const inThread = await analyzeTraceFiles(c.files, { parseInWorker: false });
    const inWorker = await analyzeTraceFiles(c.files, { parseInWorker: true });
    assert.equal(JSON.stringify(inWorker), JSON.stringify(inThread), c.name);
  }
});

test('a 12 MB trace replayed from real ones (many batches, thousands of pids): same sink calls, same report', async () => {
  await withDir(async (dir) => {
    const trace = makeBig(dir, 12_000_000);
    const calls = await assertSameParse([trace], 'make_big 12 MB');
    assert.ok(calls > 60_000, `sink calls: ${calls}`);
    await assertSameParse([trace], 'make_big 12 MB, close starts only', ['close']);
    const inThread = await analyzeTraceFiles([trace], { parseInWorker: false });
    const inWorker = await analyzeTraceFiles([trace], { parseInWorker: true });
    assert.ok(inThread.transfers.length > 100, `transfers: ${inThread.transfers.length}`);
    assert.equal(JSON.stringify(inWorker), JSON.stringify(inThread));
  });
});

test('bad input (garbage, CRLF, a cut last line, a 9 MB line, non-UTF-8): same diagnostics and events', async () => {
  await withDir(async (dir) => {
    const good = fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'corpus', 'traces', 'rw_copy_c', 'f_ttt_T_yy.trace'));
    const file = path.join(dir, 'bad.trace');
    fs.writeFileSync(
      file,
      Buffer.concat([
        good.subarray(0, 4000),
        Buffer.from('\n\x00\xff\x13garbage\r\n20001 write(1, "caf\xc3\xa9 \xe9t\xe9", 9) = 9\r\n'),
        Buffer.from('x'.repeat(9 << 20) + '\n'),
        good,
        Buffer.from('20001 write(4, "abc", 3'),
      ]),
    );
    await assertSameParse([file], 'bad input');
    const missing = path.join(dir, 'missing.7');
    await assertSameParse([file, missing], 'a readable and a missing -ff part');
  });
});

test('a line longer than a decode piece that ends exactly at the last line end of a read chunk: same lines', async () => {
  await withDir(async (dir) => {
    // The worker decodes ~96 KB pieces; a 300 KB line whose newline is the last one of the first
    // 1 MiB chunk once made it emit a phantom empty line, shifting every later line number.
    const short = '20001 1700000000.000001 getpid() = 20001 <0.000001>\n';
    const head = short.repeat(Math.floor(700_000 / short.length));
    const tailStart = (1 << 20) - 5; // the long line's newline sits at byte 2^20 - 5
    const prefix = `20001 1700000000.000002 write(1, "`;
    const suffix = `"..., 300000) = 300000 <0.000010>\n`;
    const fill = tailStart + 1 - head.length - prefix.length - suffix.length;
    assert.ok(fill > 200_000, String(fill));
    const text = head + prefix + 'x'.repeat(fill) + suffix + short.repeat(100);
    assert.equal(text.indexOf('\n', head.length), tailStart);
    const file = path.join(dir, 'long-line.trace');
    fs.writeFileSync(file, text);
    const calls = await assertSameParse([file], 'long line at a chunk end');
    const { result } = await record(parseTraceFilesInWorker, [file]);
    assert.equal(result.lines, text.split('\n').length - 1);
    assert.ok(calls > 100);
  });
});

test('errors: a missing file, a directory, no file, an abort, a sink that throws', async () => {
  await withDir(async (dir) => {
    const sink: TraceSink = { event() {}, diagnostic() {} };
    const missing = path.join(dir, 'missing.trace');
    await assert.rejects(parseTraceFilesInWorker([missing], sink), (e: Error) => e.message.includes(missing) && /ENOENT/.test(e.message));
    await assert.rejects(parseTraceFilesInWorker([dir], sink), (e: Error) => e.message.includes(dir));
    await assert.rejects(parseTraceFilesInWorker([], sink));

    const trace = makeBig(dir, 6_000_000);
    const total = (await parseTraceFiles([trace], sink)).events;
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(parseTraceFilesInWorker([trace], sink, { signal: pre.signal }), (e: Error) => e.name === 'AbortError');
    const ac = new AbortController();
    let events = 0;
    const aborted = parseTraceFilesInWorker([trace], { event: () => void (++events === 1000 && ac.abort()), diagnostic() {} }, { signal: ac.signal });
    await assert.rejects(aborted, (e: Error) => e.name === 'AbortError');
    assert.equal(events, 1000, 'no event reaches the sink after the abort');
    assert.ok(events < total);
    let seen = 0;
    const failing: TraceSink = {
      event: () => {
        if (++seen === 5000) throw new Error('analysis failed here');
      },
      diagnostic() {},
    };
    await assert.rejects(parseTraceFilesInWorker([trace], failing), /analysis failed here/);
    assert.equal(seen, 5000);
    const progress: number[] = [];
    await parseTraceFilesInWorker([trace], sink, { onProgress: (p) => progress.push(p.bytesRead) });
    assert.equal(progress[progress.length - 1], fs.statSync(trace).size);
  });
});

test('a trace of long lines (1 MiB buffers printed whole): the batches stay small, the worker parses the same', async () => {
  await withDir(async (dir) => {
    const bin = buildWorkload(dir, 'rw_copy');
    const src = path.join(dir, 'in.bin');
    const size = 12 << 20;
    fs.writeFileSync(src, Buffer.alloc(size, 'long lines '));
    const recording = await recordStrace([bin, src, path.join(dir, 'out.bin'), String(1 << 20)], { flags: ['-f', '-ttt', '-T', '-yy'], stringSize: 1 << 20, outDir: dir });
    assert.equal(recording.exitCode, 0, recording.stderr);
    const traceBytes = fs.statSync(recording.tracePath).size;
    assert.ok(traceBytes > 2 * size, `each buffer printed whole (${traceBytes} bytes)`);
    // The worker's encoder, in this thread: every batch it would post.
    const batchBytes: number[] = [];
    const encoder = new BatchEncoder((batch) => batchBytes.push(batch.asciiLength + batch.extra.length));
    await parseTraceFiles([recording.tracePath], { event: (e) => encoder.event(e), diagnostic: (d) => encoder.diagnostic(d) }, { decodePieceBytes: 96 << 10 });
    encoder.flush();
    const longestLine = Math.max(...fs.readFileSync(recording.tracePath, 'latin1').split('\n').map((l) => l.length));
    assert.ok(batchBytes.length > 2 && Math.max(...batchBytes) <= (8 << 20) + longestLine, `batches of ${batchBytes.join(', ')} bytes for a ${traceBytes}-byte trace`);
    await assertSameParse([recording.tracePath], 'long lines');
  });
});
