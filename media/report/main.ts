// The report webview's entry point (bundled to dist/webview/report.js). Runs in a VS Code webview
// (data arrives by message) or in a standalone HTML report (data embedded as JSON in the page).
//
// DOM contract relied on by the UI checks:
//   <body data-state="loading|ready|error">  (ready once the report is drawn)
//   #error    the message, when data-state is error
//   #totals   the totals
//   .transfer[data-strategy="<strategy>"]  one per transfer, holding svg.datapath diagrams

import {
  isExtensionToWebviewMessage,
  isIoReport,
  isPersistedState,
  isWebviewToExtensionMessage,
  PROTOCOL_VERSION,
  REPORT_DATA_ELEMENT_ID,
  type PersistedState,
  type ReportSource,
} from '../../src/protocol/messages';
import type { IoReport, Transfer } from '../../src/core/report-types';
import { createStateStore, createWebviewHost } from '../shared/host';
import { app, countCspViolations, drawCharts, onHostMessage, readEmbeddedJson, setBodyState, showErrorPage, showLoadingPage, whenDomReady } from '../shared/page';
import { destroyCharts, renderCharts } from './charts';
import { clear, h } from './dom';
import { renderDiagnostics, renderHeader, renderTotals, type RevealFn } from './header';
import { installKeyboard } from './keyboard';
import { renderSummaryTable } from './table';
import { onThemeChange } from './theme';
import { renderTransfer } from './transfers';

const host = createWebviewHost(isWebviewToExtensionMessage, isPersistedState);
const state = createStateStore<PersistedState>(host, PROTOCOL_VERSION);
let redrawCharts: (() => void) | undefined;
/** The report drawn (focusTransfer looks its transfers up). */
let shown: IoReport | undefined;

function showLoading(title: string): void {
  destroyCharts();
  showLoadingPage(title || 'Analyzing…');
}

function showError(message: string): void {
  destroyCharts();
  const box = showErrorPage('The trace could not be analyzed', message);
  if (host.interactive) {
    const btn = h('button', { type: 'button' }, 'Try again');
    btn.addEventListener('click', () => host.post({ type: 'reanalyze' }));
    box.append(btn);
  }
}

function render(report: IoReport): void {
  destroyCharts();
  shown = report;
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
  appendTransferPages(list, report.transfers, reveal);
  root.append(list);

  const charts = renderCharts(report, reveal);
  root.append(charts.section);
  root.append(renderSummaryTable(report, state.current?.sort, (sort) => state.save({ sort })));

  redrawCharts = charts.draw;
  drawCharts(charts);
  const selected = state.current?.selectedTransfer;
  if (selected) transferCard(selected)?.classList.add('selected');
  setBodyState('ready');
}

/** Cards are drawn a page at a time: a big trace has thousands of transfers, each with two diagrams. */
const TRANSFER_PAGE = 100;

function appendTransferPages(list: HTMLElement, transfers: readonly Transfer[], reveal: RevealFn | null, from = 0): void {
  const end = Math.min(transfers.length, from + TRANSFER_PAGE);
  for (let i = from; i < end; i++) list.append(renderTransfer(transfers[i] as Transfer, reveal));
  if (end >= transfers.length) return;
  const more = h('button', { type: 'button', class: 'secondary show-more' }, `Show ${Math.min(TRANSFER_PAGE, transfers.length - end)} more (${transfers.length - end} not shown)`);
  more.addEventListener('click', () => {
    more.remove();
    appendTransferPages(list, transfers, reveal, end);
  });
  list.append(more);
}

function transferCard(id: string): HTMLElement | undefined {
  // dataset comparison, not a selector built from the id (ids are data, never markup).
  for (const el of document.querySelectorAll<HTMLElement>('.transfer')) if (el.dataset.id === id) return el;
  return undefined;
}

function selectTransfer(id: string): void {
  for (const el of document.querySelectorAll<HTMLElement>('.transfer.selected')) el.classList.remove('selected');
  transferCard(id)?.classList.add('selected');
  state.save({ selectedTransfer: id });
}

/** "Open in report" from a hover or CodeLens: draw pages until the card is there, select it, scroll to it. */
function focusTransfer(id: string): void {
  if (shown === undefined || !shown.transfers.some((t) => t.id === id)) return;
  let card = transferCard(id);
  for (let more = document.querySelector<HTMLButtonElement>('.show-more'); card === undefined && more !== null; more = document.querySelector<HTMLButtonElement>('.show-more')) {
    more.click();
    card = transferCard(id);
  }
  if (card === undefined) return;
  selectTransfer(id);
  card.scrollIntoView({ block: 'center' });
  card.focus({ preventScroll: true });
}

function start(): void {
  installKeyboard(app(), selectTransfer);
  onThemeChange(() => redrawCharts?.());
  countCspViolations();

  // Standalone report: the data is in the page.
  const embedded = readEmbeddedJson(REPORT_DATA_ELEMENT_ID);
  if (embedded) {
    if ('error' in embedded) showError(`The embedded report is not valid JSON: ${embedded.error}`);
    else if (isIoReport(embedded.data)) render(embedded.data);
    else showError('The embedded report does not have the expected shape (IoReport schemaVersion 1).');
    return;
  }

  onHostMessage(isExtensionToWebviewMessage, 'protocol', (msg) => {
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
      case 'focusTransfer':
        focusTransfer(msg.id);
        break;
    }
  });
  if (document.body.dataset.state !== 'ready') showLoading('Analyzing…');
  host.post({ type: 'ready' });
}

function saveSource(source: ReportSource): void {
  state.saveSource(source, { selectedTransfer: undefined, sort: state.current?.sort });
}

whenDomReady(start);
