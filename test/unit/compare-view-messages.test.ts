// The comparison panel <-> webview protocol guards (src/protocol/compare-messages.ts): what each
// side accepts and what it refuses, on a real comparison.

import { before as beforeAll, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../../src/core/analyze';
import { compareReports, type TraceComparison } from '../../src/core/compare';
import type { IoReport } from '../../src/core/report-types';
import {
  COMPARE_PROTOCOL_VERSION,
  isCompareExtensionToWebviewMessage,
  isComparePersistedState,
  isCompareSource,
  isCompareWebviewToExtensionMessage,
  isTraceComparison,
  resolveComparisonTransfers,
} from '../../src/protocol/compare-messages';
import { repoRoot } from './support/corpus';

const corpus = (rel: string): string => path.join(repoRoot(), 'test', 'fixtures', 'corpus', 'traces', rel);
const files = (u: string) => ({ kind: 'files' as const, uris: [u] });
const source = { before: files('file:///tmp/a.trace'), after: files('file:///tmp/b.trace') };
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('webview -> extension', () => {
  test('accepts ready, recompare, swap, choose/openReport of a side, and well-formed reveals', () => {
    for (const ok of [
      { type: 'ready' }, { type: 'recompare' }, { type: 'swap' },
      { type: 'choose', side: 'before' }, { type: 'choose', side: 'after' }, { type: 'openReport', side: 'after' },
      { type: 'reveal', side: 'before', fileIndex: 0, line: 3, endLine: 9 },
      { type: 'reveal', side: 'after', fileIndex: 2, line: 5, endLine: 5 },
    ]) assert.ok(isCompareWebviewToExtensionMessage(ok), JSON.stringify(ok));
  });
  test('refuses unknown types, bad sides and malformed reveals', () => {
    for (const bad of [
      null, undefined, 'ready', [], {}, { type: 'open', path: '/etc/passwd' }, { type: 'reanalyze' },
      { type: 'choose' }, { type: 'choose', side: 'middle' }, { type: 'openReport', side: 1 },
      { type: 'reveal', fileIndex: 0, line: 1, endLine: 1 },
      { type: 'reveal', side: 'before', fileIndex: -1, line: 1, endLine: 1 },
      { type: 'reveal', side: 'before', fileIndex: 0, line: 0, endLine: 1 },
      { type: 'reveal', side: 'after', fileIndex: 0, line: 5, endLine: 4 },
      { type: 'reveal', side: 'after', fileIndex: 0.5, line: 1, endLine: 1 },
    ]) assert.equal(isCompareWebviewToExtensionMessage(bad), false, JSON.stringify(bad));
  });
});

describe('persisted state and sources', () => {
  test('a state round-trips; other versions, sources and sort keys are refused', () => {
    const st = { version: COMPARE_PROTOCOL_VERSION, source, selected: 'm1', sort: { key: 'callsChange', descending: true } };
    assert.ok(isComparePersistedState(clone(st)));
    assert.ok(isComparePersistedState({ version: COMPARE_PROTOCOL_VERSION, source }));
    assert.equal(isComparePersistedState({ ...st, version: 0 }), false);
    assert.equal(isComparePersistedState({ ...st, sort: { key: 'evil', descending: true } }), false);
    assert.equal(isComparePersistedState({ ...st, selected: 5 }), false);
    assert.equal(isComparePersistedState({ ...st, source: { before: source.before } }), false);
    assert.ok(isCompareSource({ before: { kind: 'document', uri: 'untitled:Untitled-1' }, after: files('file:///x') }));
    assert.equal(isCompareSource({ before: { kind: 'files', uris: [] }, after: files('file:///x') }), false);
  });
});

describe('extension -> webview', () => {
  let before: IoReport;
  let after: IoReport;
  let comparison: TraceComparison;
  beforeAll(async () => {
    before = await analyzeTraceFiles([corpus('rw_send_c/f_ttt_T_yy.trace')]);
    after = await analyzeTraceFiles([corpus('sendfile_c/f_ttt_T_yy.trace')]);
    comparison = compareReports(before, after);
  });

  test('a real comparison and its reports pass, also after a JSON round trip (postMessage)', () => {
    assert.ok(isTraceComparison(comparison));
    assert.ok(isTraceComparison(comparison, before, after));
    assert.ok(isCompareExtensionToWebviewMessage(clone({ type: 'comparison', comparison, before, after, source })));
    assert.ok(isCompareExtensionToWebviewMessage({ type: 'loading', title: 'Comparing a ↔ b…', source }));
    assert.ok(isCompareExtensionToWebviewMessage({ type: 'error', message: 'boom' }));
  });

  test('refuses a comparison naming a transfer its report does not have', () => {
    const bad = clone(comparison);
    const m = bad.transfers.matched[0];
    assert.ok(m);
    m.after.id = 't999';
    assert.equal(isTraceComparison(bad, before, after), false);
    assert.equal(isCompareExtensionToWebviewMessage({ type: 'comparison', comparison: bad, before, after, source }), false);
    // Swapped sides: before's transfers are not after's.
    const swapped = compareReports(after, before);
    const before2 = clone(before);
    before2.transfers = before2.transfers.map((t) => ({ ...t, id: `x${t.id}` }));
    assert.equal(isTraceComparison(swapped, before2, before2), false);
  });

  test('refuses broken deltas, notes and shapes', () => {
    const cases: ((c: Record<string, unknown> & TraceComparison) => void)[] = [
      (c) => { (c.totals as unknown as Record<string, unknown>).bytes = { before: 'x', after: 1, change: null, relative: null }; },
      (c) => { c.incomparable = [42 as unknown as string]; },
      (c) => { (c as Record<string, unknown>).schemaVersion = 2; },
      (c) => { (c.bySyscall as Record<string, unknown>).read = { calls: 1 }; },
      (c) => { (c.transfers as unknown as Record<string, unknown>).added = 'none'; },
      (c) => { (c.before as unknown as Record<string, unknown>).format = 'dtrace'; },
    ];
    for (const breakIt of cases) {
      const c = clone(comparison) as Record<string, unknown> & TraceComparison;
      breakIt(c);
      assert.equal(isTraceComparison(c, before, after), false, breakIt.toString());
    }
    assert.equal(isCompareExtensionToWebviewMessage({ type: 'comparison', comparison, before: {}, after, source }), false);
    assert.equal(isCompareExtensionToWebviewMessage({ type: 'loading', title: 7 }), false);
    assert.equal(isCompareExtensionToWebviewMessage({ type: 'report', report: before }), false);
  });

  test('resolveComparisonTransfers points every transfer at its report\'s own object', () => {
    const wire = clone(comparison);
    const r = resolveComparisonTransfers(wire, before, after);
    assert.equal(r.transfers.matched[0]?.before, before.transfers.find((t) => t.id === wire.transfers.matched[0]?.before.id));
    assert.equal(r.transfers.matched[0]?.after, after.transfers.find((t) => t.id === wire.transfers.matched[0]?.after.id));
  });
});
