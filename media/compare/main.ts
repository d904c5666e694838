// The comparison webview's entry point (bundled to dist/webview/compare.js). Runs in the VS Code
// panel `iolens.compare` (data arrives by message, checked with the protocol guards), or in a
// standalone page with the data embedded as JSON in `<script type="application/json"
// id="iolens-compare-data">` ({ comparison, before, after }).
//
// DOM contract relied on by the UI checks:
//   <body data-state="loading|ready|error">   (ready once everything is drawn)
//   #error            the message, when data-state is error
//   #compare-totals   the totals with their change
//   #incomparable     the notes on what cannot be compared (only when there are some)
//   .matched-transfer[data-before-strategy][data-after-strategy], .added-transfer, .removed-transfer

import type { TraceComparison } from '../../src/core/compare';
import type { IoReport } from '../../src/core/report-types';
import {
  COMPARE_PROTOCOL_VERSION,
  isCompareExtensionToWebviewMessage,
  isComparePersistedState,
  isCompareWebviewToExtensionMessage,
  isTraceComparison,
  resolveComparisonTransfers,
  type ComparePersistedState,
  type CompareSource,
} from '../../src/protocol/compare-messages';
import { COMPARE_DATA_ELEMENT_ID, isIoReport } from '../../src/protocol/messages';
import { clear, h } from '../report/dom';
import { installKeyboard } from '../report/keyboard';
import { onThemeChange } from '../report/theme';
import { createStateStore, createWebviewHost } from '../shared/host';
import { app, countCspViolations, drawCharts, onHostMessage, readEmbeddedJson, setBodyState, showErrorPage, showLoadingPage, whenDomReady } from '../shared/page';
import { destroyCompareCharts, renderCompareCharts } from './charts';
import { renderSyscallTable } from './table';
import { renderCompareHeader, renderCompareTotals, renderIncomparable, renderTransfers, type CompareActions } from './view';

const host = createWebviewHost(isCompareWebviewToExtensionMessage, isComparePersistedState);
const state = createStateStore<ComparePersistedState>(host, COMPARE_PROTOCOL_VERSION);
let redrawCharts: (() => void) | undefined;

function saveSource(source: CompareSource): void {
  state.saveSource(source, { selected: undefined, sort: state.current?.sort });
}

function showLoading(title: string): void {
  destroyCompareCharts();
  redrawCharts = undefined;
  showLoadingPage(title || 'Comparing…');
}

function showError(message: string): void {
  destroyCompareCharts();
  redrawCharts = undefined;
  const box = showErrorPage('The traces could not be compared', message);
  if (host.interactive) {
    const retry = h('button', { type: 'button' }, 'Try again');
    retry.addEventListener('click', () => host.post({ type: 'recompare' }));
    const other = h('button', { type: 'button', class: 'secondary' }, 'Choose another after trace…');
    other.addEventListener('click', () => host.post({ type: 'choose', side: 'after' }));
    box.append(h('div', { class: 'toolbar' }, retry, other));
  }
}

function actions(): CompareActions {
  if (!host.interactive) return { reveal: null, swap: null, recompare: null, choose: null, openReport: null };
  return {
    reveal: (side, fileIndex, line, endLine) => host.post({ type: 'reveal', side, fileIndex, line, endLine }),
    swap: () => host.post({ type: 'swap' }),
    recompare: () => host.post({ type: 'recompare' }),
    choose: (side) => host.post({ type: 'choose', side }),
    openReport: (side) => host.post({ type: 'openReport', side }),
  };
}

function markSelected(id: string | undefined): void {
  for (const el of document.querySelectorAll<HTMLElement>('.compare-card.selected')) el.classList.remove('selected');
  if (!id) return;
  for (const el of document.querySelectorAll<HTMLElement>('.compare-card')) if (el.dataset.id === id) el.classList.add('selected');
}

function render(raw: TraceComparison, before: IoReport, after: IoReport): void {
  destroyCompareCharts();
  const comparison = resolveComparisonTransfers(raw, before, after);
  const root = app();
  clear(root);
  const act = actions();
  root.append(renderCompareHeader(comparison, before, after, act));
  const notes = renderIncomparable(comparison);
  if (notes) root.append(notes);
  root.append(renderCompareTotals(comparison));
  root.append(renderTransfers(comparison, act));
  const charts = renderCompareCharts(comparison, before, after);
  root.append(charts.section);
  root.append(renderSyscallTable(comparison, before, after, state.current?.sort, (sort) => state.save({ sort })));
  redrawCharts = charts.draw;
  drawCharts(charts);
  markSelected(state.current?.selected);
  setBodyState('ready');
}

function start(): void {
  installKeyboard(app(), (id) => {
    markSelected(id);
    state.save({ selected: id });
  });
  onThemeChange(() => redrawCharts?.());
  countCspViolations();

  const embedded = readEmbeddedJson(COMPARE_DATA_ELEMENT_ID);
  if (embedded) {
    if ('error' in embedded) {
      showError(`The embedded comparison is not valid JSON: ${embedded.error}`);
      return;
    }
    const d = embedded.data as { comparison?: unknown; before?: unknown; after?: unknown } | null;
    if (d && isIoReport(d.before) && isIoReport(d.after) && isTraceComparison(d.comparison, d.before, d.after)) render(d.comparison, d.before, d.after);
    else showError('The embedded comparison does not have the expected shape.');
    return;
  }

  onHostMessage(isCompareExtensionToWebviewMessage, 'comparison protocol', (msg) => {
    switch (msg.type) {
      case 'loading':
        if (msg.source) saveSource(msg.source);
        showLoading(msg.title);
        break;
      case 'comparison':
        saveSource(msg.source);
        render(msg.comparison, msg.before, msg.after);
        break;
      case 'error':
        if (msg.source) saveSource(msg.source);
        showError(msg.message);
        break;
    }
  });
  if (document.body.dataset.state !== 'ready') showLoading('Comparing…');
  host.post({ type: 'ready' });
}

whenDomReady(start);
