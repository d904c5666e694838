// buildStandaloneReportHtml: one self-contained page, nonce CSP, no network, the report embedded
// as JSON that cannot break out of its element, and the bundle inlined safely.

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IoReport } from '../../src/core/report-types';
import { buildStandaloneReportHtml, embedJson, inlineScript, REPORT_DATA_ELEMENT_ID } from '../../src/report-html/standalone';

const root = path.resolve(__dirname, '../../..');
const load = (name: string): IoReport => JSON.parse(readFileSync(path.join(root, 'test/fixtures/reports', name), 'utf8'));
const assets = { script: 'console.log("report");\n//# sourceMappingURL=report.js.map\n', css: 'body { color: red; }' };
const NONCE = 'dGVzdG5vbmNlMTIzNDU2Nzg5MA==';

function dataOf(html: string): string {
  const open = `<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">`;
  const start = html.indexOf(open);
  assert.ok(start >= 0);
  const end = html.indexOf('</script>', start);
  return html.slice(start + open.length, end);
}

describe('buildStandaloneReportHtml', () => {
  test('nonce-based CSP with no network source and no unsafe-*', () => {
    const html = buildStandaloneReportHtml(load('mixed-render.json'), assets, { nonce: NONCE });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${NONCE.replace(/[+/=]/g, '\\$&')}'`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    // Every executable script and style carries the nonce; nothing is loaded from elsewhere.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.filter((s) => !s.includes('application/json')).every((s) => s.includes(`nonce="${NONCE}"`)), true);
    assert.doesNotMatch(html, /<script[^>]+src=|<link\b|https?:\/\//);
    assert.match(html, /<body data-state="loading"/);
    assert.match(html, /<main id="app"><\/main>/);
  });

  test('the embedded report reads back unchanged', () => {
    const report = load('mixed-render.json');
    const html = buildStandaloneReportHtml(report, assets, { nonce: NONCE });
    assert.deepEqual(JSON.parse(dataOf(html)), report);
  });

  test('hostile strings cannot leave the data element', () => {
    const report = load('hostile-render.json');
    const html = buildStandaloneReportHtml(report, assets, { nonce: NONCE });
    const data = dataOf(html);
    assert.doesNotMatch(data, /[<>&]/);
    assert.deepEqual(JSON.parse(data), report);
    // The only </script> tags are the two closing ours.
    assert.equal(html.match(/<\/script>/g)?.length, 2);
    // The title is escaped too.
    const title = /<title>([^]*?)<\/title>/.exec(html)?.[1] ?? '';
    assert.match(title, /^I\/O Lens report — .*&gt;\.trace$/);
    assert.doesNotMatch(title, /</);
  });

  test('line and paragraph separators are escaped', () => {
    assert.equal(embedJson({ a: 'x\u2028y\u2029' }), '{"a":"x\\u2028y\\u2029"}');
  });

  test('the inlined bundle cannot close its element; source map comment dropped', () => {
    const js = inlineScript('const s = "</script><script>alert(1)</script>"; // <!-- x\n//# sourceMappingURL=report.js.map');
    assert.doesNotMatch(js, /<\/script/i);
    assert.doesNotMatch(js, /<!--/);
    assert.doesNotMatch(js, /sourceMappingURL/);
    const html = buildStandaloneReportHtml(load('mixed-render.json'), { script: 'x("</SCRIPT>")', css: 'a{}</style><script>' }, { nonce: NONCE });
    assert.equal(html.match(/<\/script>/gi)?.length, 2);
    assert.equal(html.match(/<\/style>/gi)?.length, 2);
  });

  test('a random nonce per page by default, and bad nonces are refused', () => {
    const a = buildStandaloneReportHtml(load('mixed-render.json'), assets);
    const b = buildStandaloneReportHtml(load('mixed-render.json'), assets);
    const nonce = (h: string) => /'nonce-([^']+)'/.exec(h)?.[1];
    assert.ok(nonce(a) && nonce(b) && nonce(a) !== nonce(b));
    assert.throws(() => buildStandaloneReportHtml(load('mixed-render.json'), assets, { nonce: `x' 'unsafe-inline` }));
  });
});
