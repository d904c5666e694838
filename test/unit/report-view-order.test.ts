// The report webview's pure parts: the order of its transfer cards (costliest first by default)
// and chart colours made opaque (a theme's translucent chart colour is unreadable on the page).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IoReport } from '../../src/core/report-types';
import { orderedTransfers } from '../../media/report/order';
import { opaque } from '../../media/report/colour';

const root = path.resolve(__dirname, '../../..');
const report = JSON.parse(readFileSync(path.join(root, 'test/fixtures/reports/mixed-render.json'), 'utf8')) as IoReport;

test('transfer cards: most CPU bytes copied first by default; mode switches, bytes, or the trace order on request', () => {
  const ids = (order: Parameters<typeof orderedTransfers>[1]): string[] => orderedTransfers(report.transfers, order).map((t) => t.id);
  // t1 copies 2,000,000 bytes, t4 1,000,000, t2 and t3 none (the tie goes to t3's mode switches, as
  // the charts pick them), t5 unknown (last).
  assert.deepEqual(ids('cost'), ['t1', 't4', 't3', 't2', 't5']);
  assert.deepEqual(ids('switches'), ['t1', 't5', 't3', 't2', 't4']);
  assert.deepEqual(ids('bytes'), ['t1', 't2', 't4', 't3', 't5']);
  assert.deepEqual(ids('trace'), ['t1', 't2', 't3', 't4', 't5']);
  assert.deepEqual(report.transfers.map((t) => t.id), ['t1', 't2', 't3', 't4', 't5'], 'the report itself is not reordered');
});

test('chart colours lose their alpha: Light Modern\'s rgba(234,92,0,0.33) orange is drawn as rgb(234, 92, 0)', () => {
  assert.equal(opaque('rgba(234, 92, 0, 0.33)'), 'rgb(234, 92, 0)');
  assert.equal(opaque('rgba(234,92,0,0.33)'), 'rgb(234, 92, 0)');
  assert.equal(opaque('#d1861655'), '#d18616');
  assert.equal(opaque('#d185'), '#d18');
  assert.equal(opaque('#3794ff'), '#3794ff');
  assert.equal(opaque('rgb(1, 2, 3)'), 'rgb(1, 2, 3)');
});
