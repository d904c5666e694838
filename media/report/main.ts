// The report webview's entry point (bundled to dist/webview/report.js). Runs in a VS Code webview
// (data arrives by message) or in a standalone HTML report (data embedded as JSON in the page).
//
// DOM contract relied on by the UI checks:
//   <body data-state="loading|ready|error">  (ready once the report is drawn)
//   #error    the message, when data-state is error
//   #totals   the totals
//   .transfer[data-strategy="<strategy>"]  one per transfer, holding svg.datapath diagrams

import { isExtensionToWebviewMessage, isIoReport, PROTOCOL_VERSION, type PersistedState, type ReportSource } from '../../src/protocol/messages';
import type { IoReport } from '../../src/core/report-types';
import { destroyCharts, renderCharts } from './charts';
import { clear, h } from './dom';
import { renderDiagnostics, renderHeader, renderTotals, type RevealFn } from './header';
import { createHost } from './host';
import { installKeyboard } from './keyboard';
import { renderSummaryTable } from './table';
import { onThemeChange } from './theme';
import { renderTransfer } from './transfers';

export const DATA_ELEMENT_ID = 'iolens-report-data';

const host = createHost();
let state: PersistedState | undefined = host.getState();
let redrawCharts: (() => void) | undefined;

function app(): HTMLElement {
  let el = document.getElementById('app');
  if (!el) {
    el = h('main', { id: 'app' });
    document.body.append(el);
  }
  return el;
}

function setBodyState(s: 'loading' | 'ready' | 'error'): void {
  document.body.dataset.state = s;
}

function saveState(patch: Partial<PersistedState>): void {
  if (!state && !patch.source) return;
  state = { ...(state as PersistedState), ...patch, version: PROTOCOL_VERSION };
  host.setState(state);
}

function showLoading(title: string): void {
  destroyCharts();
  const root = app();
  clear(root);
  root.append(h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', undefined, title || 'Analyzing…')));
  setBodyState('loading');
}

function showError(message: string): void {
  destroyCharts();
  const root = app();
  clear(root);
  const box = h('div', { class: 'error-box' }, h('h1', undefined, 'The trace could not be analyzed'), h('p', { id: 'error', role: 'alert' }, message));
  if (host.interactive) {
    const btn = h('button', { type: 'button' }, 'Try again');
    btn.addEventListener('click', () => host.post({ type: 'reanalyze' }));
    box.append(btn);
  }
  root.append(box);
  setBodyState('error');
}

function render(report: IoReport): void {
  destroyCharts();
  const root = app();
  clear(root);
  const reveal: RevealFn | null = host.interactive
    ? (fileIndex, line, endLine) => host.post({ type: 'reveal', fileIndex, line, endLine: Math.max(line, endLine) })
    : null;

  root.append(renderHeader(report, host.interactive, () => host.post({ type: 'reanalyze' }), () => host.post({ type: 'compareWith' })));
  root.append(renderTotals(report));
  const diags = renderDiagnostics(report, reveal);
  if (diags) root.append(diags);

  const list = h('section', { class: 'transfers', 'aria-labelledby': 'transfers-title' });
  list.append(h('h2', { id: 'transfers-title' }, `Transfers (${report.transfers.length})`));
  if (report.transfers.length === 0) {
    list.append(h('p', { class: 'muted' }, 'No data transfer was found in this trace: no read/write pair, sendfile, splice, copy_file_range, mmap+write or io_uring moved bytes from one fd to another.'));
  } else {
    list.append(h('p', { class: 'hint muted' }, host.interactive
      ? 'Tab to a transfer; Enter shows its calls in the trace, ↑/↓ move between transfers.'
      : 'Each transfer: where its bytes went, copy by copy.'));
  }
  for (const t of report.transfers) list.append(renderTransfer(t, reveal));
  root.append(list);

  const charts = renderCharts(report, reveal);
  root.append(charts.section);
  root.append(renderSummaryTable(report, state?.sort, (sort) => saveState({ sort })));

  redrawCharts = charts.draw;
  try {
    charts.draw();
  } catch (err) {
    charts.section.append(h('p', { class: 'muted' }, `Charts unavailable: ${String(err)}`));
  }
  if (state?.selectedTransfer) {
    for (const el of root.querySelectorAll<HTMLElement>('.transfer')) {
      if (el.dataset.id === state.selectedTransfer) el.classList.add('selected');
    }
  }
  setBodyState('ready');
}

function start(): void {
  installKeyboard(app(), (id) => {
    for (const el of document.querySelectorAll<HTMLElement>('.transfer.selected')) el.classList.remove('selected');
    for (const el of document.querySelectorAll<HTMLElement>('.transfer')) if (el.dataset.id === id) el.classList.add('selected');
    saveState({ selectedTransfer: id });
  });
  onThemeChange(() => redrawCharts?.());
  // Surface CSP violations (there should be none) for the UI checks.
  document.addEventListener('securitypolicyviolation', (ev) => {
    const n = Number(document.body.dataset.cspViolations ?? '0') + 1;
    document.body.dataset.cspViolations = String(n);
    console.warn(`CSP violation: ${ev.violatedDirective} ${ev.blockedURI}`);
  });

  const embedded = document.getElementById(DATA_ELEMENT_ID);
  if (embedded) {
    // Standalone report: the data is in the page.
    let data: unknown;
    try {
      data = JSON.parse(embedded.textContent ?? '');
    } catch (err) {
      showError(`The embedded report is not valid JSON: ${String(err)}`);
      return;
    }
    if (isIoReport(data)) render(data);
    else showError('The embedded report does not have the expected shape (IoReport schemaVersion 1).');
    return;
  }

  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const msg = ev.data;
    if (!isExtensionToWebviewMessage(msg)) {
      console.warn('I/O Lens: ignored a message that does not match the protocol');
      return;
    }
    switch (msg.type) {
      case 'loading':
        if (msg.source) saveSource(msg.source);
        showLoading(msg.title);
        break;
      case 'report':
        saveSource(msg.source);
        render(msg.report);
        break;
      case 'error':
        if (msg.source) saveSource(msg.source);
        showError(msg.message);
        break;
    }
  });
  if (document.body.dataset.state !== 'ready') showLoading('Analyzing…');
  host.post({ type: 'ready' });
}

function saveSource(source: ReportSource): void {
  const same = state && JSON.stringify(state.source) === JSON.stringify(source);
  saveState(same ? { source } : { source, selectedTransfer: undefined, sort: state?.sort });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
