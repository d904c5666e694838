// The page frame both webview pages (report, comparison) draw into, and how they start: the DOM
// contract the UI checks rely on (`body[data-state]`, `#error`, `body[data-csp-violations]`), the
// data a standalone page embeds, and the messages from the extension.

import { clear, h } from '../report/dom';

export type BodyState = 'loading' | 'ready' | 'error';

/** The page's root, `main#app` (made when the HTML lacks it). */
export function app(): HTMLElement {
  let el = document.getElementById('app');
  if (!el) {
    el = h('main', { id: 'app' });
    document.body.append(el);
  }
  return el;
}

/** `body[data-state]`: `ready` once everything is drawn. */
export function setBodyState(s: BodyState): void {
  document.body.dataset.state = s;
}

/** Replaces the page with a spinner and `title`. */
export function showLoadingPage(title: string): void {
  const root = app();
  clear(root);
  root.append(h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', undefined, title)));
  setBodyState('loading');
}

/** Replaces the page with an error box (`#error` holds the message); returns the box, for buttons. */
export function showErrorPage(heading: string, message: string): HTMLElement {
  const root = app();
  clear(root);
  const box = h('div', { class: 'error-box' }, h('h1', undefined, heading), h('p', { id: 'error', role: 'alert' }, message));
  root.append(box);
  setBodyState('error');
  return box;
}

/** Draws a page's charts; when chart.js fails the rest of the page still stands, with a note. */
export function drawCharts(charts: { section: HTMLElement; draw(): void }): void {
  try {
    charts.draw();
  } catch (err) {
    charts.section.append(h('p', { class: 'muted' }, `Charts unavailable: ${String(err)}`));
  }
}

/** Surfaces CSP violations (there should be none) in `body[data-csp-violations]` for the UI checks. */
export function countCspViolations(): void {
  document.addEventListener('securitypolicyviolation', (ev) => {
    const n = Number(document.body.dataset.cspViolations ?? '0') + 1;
    document.body.dataset.cspViolations = String(n);
    console.warn(`CSP violation: ${ev.violatedDirective} ${ev.blockedURI}`);
  });
}

/**
 * A standalone page's data, embedded as `<script type="application/json" id="…">`: undefined in a
 * webview (no such element), else the parsed JSON or why it does not parse. The caller checks its shape.
 */
export function readEmbeddedJson(elementId: string): { data: unknown } | { error: string } | undefined {
  const embedded = document.getElementById(elementId);
  if (!embedded) return undefined;
  try {
    return { data: JSON.parse(embedded.textContent ?? '') as unknown };
  } catch (err) {
    return { error: String(err) };
  }
}

/** Hands the extension's messages that pass `isMessage` to `handle`; others are logged and dropped. */
export function onHostMessage<M>(isMessage: (x: unknown) => x is M, protocol: string, handle: (msg: M) => void): void {
  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const msg = ev.data;
    if (isMessage(msg)) handle(msg);
    else console.warn(`I/O Lens: ignored a message that does not match the ${protocol}`);
  });
}

/** Runs `start` once the DOM is parsed (the bundle may load before or after). */
export function whenDomReady(start: () => void): void {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
