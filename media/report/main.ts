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
  TRANSFER_ORDERS,
  type PersistedState,
  type ReportSource,
  type TransferOrder,
} from '../../src/protocol/messages';
import type { IoReport, Transfer } from '../../src/core/report-types';
import { createStateStore, createWebviewHost } from '../shared/host';
import { appendPages, PAGE_SIZE } from '../shared/pager';
import { app, countCspViolations, drawCharts, onHostMessage, readEmbeddedJson, setBodyState, showErrorPage, showLoadingPage, whenDomReady } from '../shared/page';
import { destroyCharts, renderCharts } from './charts';
import { clear, h } from './dom';
import { renderDiagnostics, renderHeader, renderTotals, type RevealFn } from './header';
import { installKeyboard } from './keyboard';
import { renderSummaryTable } from './table';
import { onThemeChange } from './theme';
import { ORDER_LABELS, orderedTransfers } from './order';
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
  if (report.transfers.length > 0) drawTransferList(list, report, reveal);
  root.append(list);

  const charts = renderCharts(report, reveal);
  root.append(charts.section);
  root.append(renderSummaryTable(report, state.current?.sort, (sort) => state.save({ sort })));

  redrawCharts = charts.draw;
  drawCharts(charts);
  const selected = state.current?.selectedTransfer;
  if (selected) (transferCard(selected) ?? pinTransfer(selected))?.classList.add('selected');
  // Back where the user was when the panel was hidden (VS Code drops a hidden webview's page).
  const scrollY = state.current?.scrollY;
  if (scrollY !== undefined) window.scrollTo(0, scrollY);
  setBodyState('ready');
}

/** Pages of cards drawn again when the panel comes back (more would block it for seconds: the selected card is pinned instead). */
const MAX_RESTORED_PAGES = 5;

/** Where "Open in report" puts a card not drawn yet (beyond the pages shown), above the list. */
let pinnedSlot: HTMLElement | undefined;
/** The cards of the list, in the order shown. */
let listedTransfers: Transfer[] = [];
let revealOfList: RevealFn | null = null;

/**
 * The transfer cards, costliest first by default (the ones worth a look are on the first page),
 * a page at a time; the order and how many were shown survive the panel being hidden.
 */
function drawTransferList(list: HTMLElement, report: IoReport, reveal: RevealFn | null): void {
  const saved = state.current;
  let order: TransferOrder = saved?.transferOrder ?? 'cost';
  const select = h('select', { id: 'transfer-order', 'aria-label': 'Order of the transfers' });
  for (const key of TRANSFER_ORDERS) {
    const option = h('option', { value: key }, ORDER_LABELS[key]);
    if (key === order) option.selected = true;
    select.append(option);
  }
  // Past the cards (a hundred tab stops) to the charts and the calls table in one keystroke.
  const skip = h('button', { type: 'button', class: 'link skip-transfers' }, 'Skip to the system calls table');
  skip.addEventListener('click', () => {
    const title = document.getElementById('summary-title');
    if (title === null) return;
    title.setAttribute('tabindex', '-1');
    title.focus();
  });
  list.append(h('div', { class: 'list-controls' }, h('label', { for: 'transfer-order' }, 'Order by '), select, ' ', skip));
  pinnedSlot = h('div', { class: 'pinned' });
  const cards = h('div', { class: 'transfer-cards' });
  list.append(pinnedSlot, cards);
  revealOfList = reveal;
  const draw = (pages: number): void => {
    clear(cards);
    if (pinnedSlot) clear(pinnedSlot);
    listedTransfers = orderedTransfers(report.transfers, order);
    appendPages(cards, listedTransfers, (t) => renderTransfer(t, reveal), { pages, onShown: (count) => state.save({ transfersShown: count }) });
  };
  select.addEventListener('change', () => {
    order = select.value as TransferOrder;
    state.save({ transferOrder: order });
    draw(1);
  });
  draw(Math.min(MAX_RESTORED_PAGES, Math.ceil((saved?.transfersShown ?? PAGE_SIZE) / PAGE_SIZE)));
}

/** Draws the card of a transfer beyond the pages shown above the list (drawing every page before it could take seconds). */
function pinTransfer(id: string): HTMLElement | undefined {
  const index = listedTransfers.findIndex((t) => t.id === id);
  const transfer = listedTransfers[index];
  if (pinnedSlot === undefined || transfer === undefined) return undefined;
  clear(pinnedSlot);
  const card = renderTransfer(transfer, revealOfList);
  pinnedSlot.append(h('p', { class: 'hint muted' }, `Transfer ${transfer.id}, number ${index + 1} of ${listedTransfers.length} in this order:`), card);
  return card;
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

/** "Open in report" from a hover or CodeLens: its card (pinned above the list when not drawn yet), selected, scrolled to. */
function focusTransfer(id: string): void {
  if (shown === undefined || !shown.transfers.some((t) => t.id === id)) return;
  const card = transferCard(id) ?? pinTransfer(id);
  if (card === undefined) return;
  selectTransfer(id);
  card.scrollIntoView({ block: 'center' });
  card.focus({ preventScroll: true });
}

function start(): void {
  installKeyboard(app(), selectTransfer);
  let scrollSave: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('scroll', () => {
    clearTimeout(scrollSave);
    scrollSave = setTimeout(() => state.save({ scrollY: Math.round(window.scrollY) }), 250);
  }, { passive: true });
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
  // Another trace: its own selection and pages; the orders the user chose stay.
  state.saveSource(source, { selectedTransfer: undefined, transfersShown: undefined, scrollY: undefined, sort: state.current?.sort, transferOrder: state.current?.transferOrder });
}

whenDomReady(start);
