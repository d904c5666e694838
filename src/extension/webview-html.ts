// What the report and comparison panels share about their webviews: the HTML shell under a strict
// CSP with a per-load nonce, the resource roots (dist/webview and media only), the wiring of a
// panel's events, and waiting for its tab. Each panel keeps its own content, protocol and messages.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { log } from './output';

/** A page the panels load: its bundle in dist/webview, its stylesheets in media, its title. */
export interface WebviewPage {
  /** `dist/webview/<script>.js` (an esbuild entry point). */
  script: string;
  /** Files in media/, linked in this order. */
  styles: readonly string[];
  title: string;
}

/** A fresh CSP nonce: every page load gets its own. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * No 'unsafe-inline' anywhere: chart.js sizes canvases through the CSSOM (element.style), which
 * style-src does not govern, and never evaluates strings, so 'unsafe-eval' is not needed either.
 */
export function webviewCsp(webview: vscode.Webview, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The page's HTML: `body[data-state]` and `main#app` are what the webview scripts draw into. */
export function buildWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage, nonce = makeNonce()): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${page.script}.js`));
  const links = page.styles.map((sheet) => `<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', sheet)).toString()}">\n`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp(webview, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${links.join('')}<title>${page.title}</title>
</head>
<body data-state="loading">
<main id="app"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

/** What a panel does with its webview's events. */
export interface PanelEvents {
  message(raw: unknown): void;
  /** Without retainContextWhenHidden the page reloads when shown again; it then says `ready` again. */
  hidden(): void;
  disposed(): void;
}

/** Sets up a new or restored panel: options, icon, the page, and its events (added to `disposables`). */
export function initWebviewPanel(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: WebviewPage, events: PanelEvents, disposables: vscode.Disposable[]): void {
  panel.webview.options = webviewOptions(extensionUri);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
  panel.webview.html = buildWebviewHtml(panel.webview, extensionUri, page);
  panel.onDidDispose(() => events.disposed(), undefined, disposables);
  panel.webview.onDidReceiveMessage((m: unknown) => events.message(m), undefined, disposables);
  panel.onDidChangeViewState(() => {
    if (!panel.visible) events.hidden();
  }, undefined, disposables);
}

/** Posts to a webview; a failure (the panel closing meanwhile) is logged, not thrown. */
export async function postToWebview(webview: vscode.Webview, message: unknown, what: string): Promise<void> {
  try {
    await webview.postMessage(message);
  } catch (err) {
    log(`Could not post to the ${what} webview: ${String(err)}`);
  }
}

/**
 * Resolves once the workbench lists a webview of `viewType` among its tabs (the extension host
 * learns about new tabs asynchronously), or after `timeoutMs`. Callers that return to code
 * inspecting the tabs (the commands' contract) wait for it.
 */
export function whenWebviewTabShown(viewType: string, timeoutMs: number): Promise<boolean> {
  // The workbench prefixes the view type (`mainThreadWebview-iolens.report`).
  const shown = (): boolean => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType)));
  if (shown()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v: boolean): void => {
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    };
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (shown()) done(true);
    });
    const timer = setTimeout(() => done(shown()), timeoutMs);
  });
}
