// The self-contained HTML report written by `iolens analyze --html OUT`: the same webview bundle as
// the VS Code panel, inline, under a nonce-based CSP, with the report embedded as JSON in a
// `<script type="application/json">` element. No network access at all: it opens from disk, in a
// mail attachment, or a CI artifact. Pure apart from loadWebviewAssets (no VS Code).

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IoReport } from '../core/report-types';

/** Must match DATA_ELEMENT_ID in media/report/main.ts. */
export const REPORT_DATA_ELEMENT_ID = 'iolens-report-data';

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
  const nonce = options.nonce ?? randomBytes(18).toString('base64');
  if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new Error('CSP nonce must be base64');
  const first = report.trace.files[0];
  const title = `I/O Lens report${first ? ` — ${path.basename(first)}` : ''}`;
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
    `<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">${embedJson(report)}</script>`,
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
export function loadWebviewAssets(distDir: string): WebviewAssets {
  const scriptPath = path.join(distDir, 'webview', 'report.js');
  if (!existsSync(scriptPath)) throw new Error(`The report bundle is missing: ${scriptPath} (run \`npm run build\`).`);
  const cssCandidates = [path.join(distDir, 'webview', 'report.css'), path.join(distDir, '..', 'media', 'report.css')];
  const cssPath = cssCandidates.find((p) => existsSync(p));
  if (!cssPath) throw new Error(`The report stylesheet is missing: ${cssCandidates.join(' or ')}.`);
  return { script: readFileSync(scriptPath, 'utf8'), css: readFileSync(cssPath, 'utf8') };
}
