// The self-contained HTML report written by `iolens analyze --html OUT`: the same webview bundle as
// the VS Code panel, inline, under a nonce-based CSP, with the report embedded as JSON in a
// `<script type="application/json">` element. No network access at all: it opens from disk, in a
// mail attachment, or a CI artifact. Pure apart from loadWebviewAssets (no VS Code).

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TraceComparison } from '../core/compare';
import type { IoReport } from '../core/report-types';
import { COMPARE_DATA_ELEMENT_ID, REPORT_DATA_ELEMENT_ID } from '../protocol/messages';

export { REPORT_DATA_ELEMENT_ID, COMPARE_DATA_ELEMENT_ID };

export interface WebviewAssets {
  /** dist/webview/report.js */
  script: string;
  /** media/report.css */
  css: string;
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: no `<` (so no `</script>`
 * and no `<!--`), no `>` or `&`, and no U+2028/U+2029. JSON.parse reads the escapes back unchanged.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Script text that cannot close its inline <script> element (or open an HTML comment in it). */
export function inlineScript(js: string): string {
  return js
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

/** CSS text that cannot close its inline <style> element. */
export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/**
 * Outside VS Code nobody defines the --vscode-* variables the report's CSS uses: these are the
 * defaults of VS Code's Dark Modern and Light Modern themes, picked by the reader's colour scheme.
 */
const THEME_FALLBACK = `
:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif;
  --vscode-font-size: 13px;
  --vscode-editor-font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-editor-background: #1f1f1f;
  --vscode-sideBar-background: #181818;
  --vscode-editorWidget-background: #202020;
  --vscode-editorWidget-border: #454545;
  --vscode-panel-border: #2b2b2b;
  --vscode-input-background: #313131;
  --vscode-focusBorder: #0078d4;
  --vscode-textLink-foreground: #4daafc;
  --vscode-textLink-activeForeground: #4daafc;
  --vscode-button-background: #0078d4;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8;
  --vscode-errorForeground: #f85149;
  --vscode-editorWarning-foreground: #cca700;
  --vscode-editorInfo-foreground: #3794ff;
  --vscode-list-hoverBackground: #2a2d2e;
  --vscode-progressBar-background: #0078d4;
  --vscode-charts-foreground: #cccccc;
  --vscode-charts-lines: rgba(204, 204, 204, 0.5);
  --vscode-charts-red: #f14c4c;
  --vscode-charts-blue: #3794ff;
  --vscode-charts-yellow: #cca700;
  --vscode-charts-orange: #d18616;
  --vscode-charts-green: #89d185;
  --vscode-charts-purple: #b180d7;
}
@media (prefers-color-scheme: light) {
  :root {
    --vscode-foreground: #3b3b3b;
    --vscode-descriptionForeground: #717171;
    --vscode-editor-background: #ffffff;
    --vscode-sideBar-background: #f8f8f8;
    --vscode-editorWidget-background: #f8f8f8;
    --vscode-editorWidget-border: #c8c8c8;
    --vscode-panel-border: #e5e5e5;
    --vscode-input-background: #ffffff;
    --vscode-focusBorder: #005fb8;
    --vscode-textLink-foreground: #005fb8;
    --vscode-textLink-activeForeground: #005fb8;
    --vscode-button-background: #005fb8;
    --vscode-button-hoverBackground: #0258a8;
    --vscode-button-secondaryBackground: #e5e5e5;
    --vscode-button-secondaryForeground: #3b3b3b;
    --vscode-button-secondaryHoverBackground: #cccccc;
    --vscode-badge-background: #cccccc;
    --vscode-badge-foreground: #3b3b3b;
    --vscode-errorForeground: #f85149;
    --vscode-editorWarning-foreground: #bf8803;
    --vscode-editorInfo-foreground: #1a85ff;
    --vscode-list-hoverBackground: #f2f2f2;
    --vscode-charts-foreground: #616161;
    --vscode-charts-red: #e51400;
    --vscode-charts-blue: #1a85ff;
    --vscode-charts-yellow: #bf8803;
    --vscode-charts-orange: #d18616;
    --vscode-charts-green: #388a34;
    --vscode-charts-purple: #652d90;
  }
}
`;

export interface StandaloneOptions {
  /** CSP nonce; random by default (tests pass a fixed one). */
  nonce?: string;
}

export function buildStandaloneReportHtml(report: IoReport, assets: WebviewAssets, options: StandaloneOptions = {}): string {
  const first = report.trace.files[0];
  return buildStandalonePage(`I/O Lens report${first ? ` — ${path.basename(first)}` : ''}`, REPORT_DATA_ELEMENT_ID, report, assets, options);
}


/** `iolens compare --html`: the comparison page (dist/webview/compare.js) with both reports embedded. */
export function buildStandaloneComparisonHtml(comparison: TraceComparison, before: IoReport, after: IoReport, assets: WebviewAssets, options: StandaloneOptions = {}): string {
  const name = (r: IoReport): string => path.basename(r.trace.files[0] ?? 'trace');
  return buildStandalonePage(`I/O Lens comparison — ${name(before)} vs ${name(after)}`, COMPARE_DATA_ELEMENT_ID, { comparison, before, after }, assets, options);
}

/** One self-contained page: a webview bundle and its CSS inline under a nonce CSP, the data as escaped JSON. */
function buildStandalonePage(title: string, dataElementId: string, data: unknown, assets: WebviewAssets, options: StandaloneOptions): string {
  const nonce = options.nonce ?? randomBytes(18).toString('base64');
  if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new Error('CSP nonce must be base64');
  // No network: nothing but this page's own nonce-tagged script and styles, and data: images.
  const csp = `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // The CSP holds only fixed text and the base64 nonce checked above: no escaping needed.
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="I/O Lens">',
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${nonce}">${inlineStyle(THEME_FALLBACK)}</style>`,
    `<style nonce="${nonce}">${inlineStyle(assets.css)}</style>`,
    '</head>',
    '<body data-state="loading" class="iolens-standalone">',
    '<main id="app"></main>',
    `<script type="application/json" id="${dataElementId}">${embedJson(data)}</script>`,
    `<script nonce="${nonce}">${inlineScript(assets.script)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Reads the built webview bundle and its stylesheet. `distDir` is the extension's (or CLI's) dist
 * folder: the script is dist/webview/report.js, the stylesheet media/report.css beside dist
 * (or dist/webview/report.css when a build copies it there).
 */
export function loadWebviewAssets(distDir: string, page: 'report' | 'compare' = 'report'): WebviewAssets {
  const scriptPath = path.join(distDir, 'webview', `${page}.js`);
  if (!existsSync(scriptPath)) throw new Error(`The ${page} bundle is missing: ${scriptPath} (run \`npm run build\`).`);
  // The comparison page is styled by the report's stylesheet plus its own.
  const sheets = page === 'report' ? ['report.css'] : ['report.css', 'compare.css'];
  const css = sheets.map((sheet) => {
    const candidates = [path.join(distDir, 'webview', sheet), path.join(distDir, '..', 'media', sheet)];
    const found = candidates.find((p) => existsSync(p));
    if (!found) throw new Error(`The stylesheet is missing: ${candidates.join(' or ')}.`);
    return readFileSync(found, 'utf8');
  });
  return { script: readFileSync(scriptPath, 'utf8'), css: css.join('\n') };
}
