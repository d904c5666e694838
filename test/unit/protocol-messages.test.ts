// The extension <-> webview protocol guards: what each side accepts, and what it refuses.

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  isExtensionToWebviewMessage,
  isIoReport,
  isPersistedState,
  isReportSource,
  isWebviewToExtensionMessage,
  PROTOCOL_VERSION,
} from '../../src/protocol/messages';

const root = path.resolve(__dirname, '../../..');
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(root, 'test/fixtures/reports', name), 'utf8'));
const source = { kind: 'files', uris: ['file:///tmp/a.trace'] } as const;

describe('webview -> extension messages', () => {
  test('accepts ready, reanalyze and well-formed reveal', () => {
    assert.ok(isWebviewToExtensionMessage({ type: 'ready' }));
    assert.ok(isWebviewToExtensionMessage({ type: 'reanalyze' }));
    assert.ok(isWebviewToExtensionMessage({ type: 'reveal', fileIndex: 0, line: 3, endLine: 9 }));
    assert.ok(isWebviewToExtensionMessage({ type: 'reveal', fileIndex: 2, line: 5, endLine: 5 }));
  });
  test('refuses unknown types, non-objects and malformed reveals', () => {
    for (const bad of [
      null, undefined, 42, 'ready', [], {}, { type: 'open', path: '/etc/passwd' },
      { type: 'reveal', fileIndex: -1, line: 1, endLine: 1 },
      { type: 'reveal', fileIndex: 0.5, line: 1, endLine: 1 },
      { type: 'reveal', fileIndex: 0, line: 0, endLine: 1 },
      { type: 'reveal', fileIndex: 0, line: 5, endLine: 4 },
      { type: 'reveal', fileIndex: 0, line: '3', endLine: 4 },
      { type: 'reveal', fileIndex: 0, line: Number.NaN, endLine: 4 },
      { type: 'reveal', file: '/etc/passwd', line: 1, endLine: 1 },
    ]) {
      assert.equal(isWebviewToExtensionMessage(bad), false, JSON.stringify(bad));
    }
  });
});

describe('extension -> webview messages', () => {
  test('accepts loading, report and error', () => {
    assert.ok(isExtensionToWebviewMessage({ type: 'loading', title: 'Analyzing a.trace' }));
    assert.ok(isExtensionToWebviewMessage({ type: 'loading', title: '', source }));
    assert.ok(isExtensionToWebviewMessage({ type: 'report', report: fixture('mixed-render.json'), source }));
    assert.ok(isExtensionToWebviewMessage({ type: 'error', message: 'boom', source: { kind: 'document', uri: 'untitled:Untitled-1' } }));
  });
  test('refuses a report without a source, or a malformed report', () => {
    const report = fixture('mixed-render.json') as Record<string, unknown>;
    assert.equal(isExtensionToWebviewMessage({ type: 'report', report }), false);
    assert.equal(isExtensionToWebviewMessage({ type: 'report', report: { ...report, schemaVersion: 2 }, source }), false);
    assert.equal(isExtensionToWebviewMessage({ type: 'report', report: { ...report, transfers: [{ id: 't1' }] }, source }), false);
    assert.equal(isExtensionToWebviewMessage({ type: 'error', message: 42 }), false);
    assert.equal(isExtensionToWebviewMessage({ type: 'loading', title: 'x', source: { kind: 'files', uris: [] } }), false);
  });
  test('focusTransfer carries a short non-empty transfer id, nothing else', () => {
    assert.ok(isExtensionToWebviewMessage({ type: 'focusTransfer', id: 't12' }));
    assert.equal(isExtensionToWebviewMessage({ type: 'focusTransfer', id: '' }), false);
    assert.equal(isExtensionToWebviewMessage({ type: 'focusTransfer', id: 12 }), false);
    assert.equal(isExtensionToWebviewMessage({ type: 'focusTransfer' }), false);
    assert.equal(isExtensionToWebviewMessage({ type: 'focusTransfer', id: 'x'.repeat(201) }), false);
  });
});

describe('IoReport guard', () => {
  test('both rendering fixtures are IoReports (the hostile one only carries hostile text)', () => {
    assert.ok(isIoReport(fixture('mixed-render.json')));
    assert.ok(isIoReport(fixture('hostile-render.json')));
  });
  test('rejects wrong field types the renderer relies on', () => {
    const r = fixture('mixed-render.json') as { transfers: Record<string, unknown>[]; summary: { totals: Record<string, unknown> } };
    const clone = (): typeof r => JSON.parse(JSON.stringify(r));
    const a = clone();
    a.transfers[0].lines = [1];
    assert.equal(isIoReport(a), false);
    const b = clone();
    b.transfers[0].copies = { cpu: '2', dma: 1 };
    assert.equal(isIoReport(b), false);
    const c = clone();
    c.summary.totals.bytes = null;
    assert.equal(isIoReport(c), false);
    const d = clone();
    d.transfers[0].recommendation = { strategy: 'sendfile' };
    assert.equal(isIoReport(d), false);
  });
});

describe('persisted state', () => {
  test('accepts a current state and refuses others', () => {
    assert.ok(isPersistedState({ version: PROTOCOL_VERSION, source }));
    assert.ok(isPersistedState({ version: PROTOCOL_VERSION, source, selectedTransfer: 't2', sort: { key: 'bytes', descending: true } }));
    assert.equal(isPersistedState({ version: 0, source }), false);
    assert.equal(isPersistedState({ version: PROTOCOL_VERSION }), false);
    assert.equal(isPersistedState({ version: PROTOCOL_VERSION, source, sort: { key: 'evil', descending: true } }), false);
    assert.equal(isPersistedState(undefined), false);
  });
  test('report sources', () => {
    assert.ok(isReportSource({ kind: 'files', uris: ['file:///a', 'file:///b'] }));
    assert.ok(isReportSource({ kind: 'document', uri: 'untitled:Untitled-1' }));
    assert.equal(isReportSource({ kind: 'files', uris: [''] }), false);
    assert.equal(isReportSource({ kind: 'document' }), false);
    assert.equal(isReportSource({ kind: 'url', uri: 'https://x' }), false);
  });
});
