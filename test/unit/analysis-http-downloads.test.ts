// HTTP bodies saved by programs whose reading and writing threads differ (recorded with real strace by a
// helper's review: test/fixtures/recorded/README.md). Two rules pair such writes without printed evidence
// (write-match.ts, write-evidence.ts): a copy loop under way on another thread goes on, and a client's first body write
// into a file opened after another thread read a response is that read but for its header. Neither may take
// a thread's own bytes, nor pair a file with a download it did not come from.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { analyzeTraceFiles } from '../../src/core/analyze';
import type { Transfer } from '../../src/core/report-types';
import { repoRoot } from './support/corpus';
import { describeTransfers } from './support/programs';

const recorded = (name: string): string => path.join(repoRoot(), 'test', 'fixtures', 'recorded', name);

async function transfers(name: string): Promise<Transfer[]> {
  const report = await analyzeTraceFiles([recorded(name)]);
  assert.deepEqual(report.diagnostics, []);
  return report.transfers;
}

test("a chunked download pwritten by one thread while another pwrites its own records into the same file: the download's bytes only", async () => {
  const list = await transfers('strace_chunked_download_and_own_records.trace.gz');
  assert.deepEqual(
    list.map((t) => [t.strategy, t.source.kind, path.basename(t.sink.path), t.bytes, t.syscalls]),
    [['recv_write', 'tcp', 'out6_own.bin', 3_000_000, { read: 55, pwrite64: 428 }]],
    describeTransfers(list),
  );
});

test('a response only hashed, then bytes the program made written into a new file: no transfer', async () => {
  const list = await transfers('strace_node_fetch_then_write_own_bytes.trace.gz');
  assert.deepEqual(list, [], describeTransfers(list));
});

test('three downloads of the same size at once, each into its own file: no file is paired with another download\'s socket', async () => {
  const name = 'strace_node_three_downloads_same_size.trace.gz';
  const list = await transfers(name);
  // Which socket fetched which file, from the requests in the trace: `write(19<TCP:[a->b]>, "GET /f0?...`.
  const text = zlib.gunzipSync(fs.readFileSync(recorded(name))).toString('latin1');
  const fetched = new Map<string, string>();
  for (const m of text.matchAll(/write\(\d+<TCP:\[([^\]]+)\]>, "GET \/f(\d)\?/g)) fetched.set(m[1], `o${m[2]}.bin`);
  assert.equal(fetched.size, 3);
  for (const t of list.filter((x) => x.source.kind === 'tcp' && x.sink.kind === 'file')) {
    assert.equal(fetched.get(t.source.path), path.basename(t.sink.path), describeTransfers(list));
  }
});
