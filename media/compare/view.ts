// The comparison page's sections: the two traces side by side, what cannot be compared, the totals
// with their change, and the transfers (matched pairs with both data-path pictures, added,
// removed). Every string from a trace goes in as text (dom.ts `h` only sets textContent).
//
// DOM contract (UI checks): #compare-totals; `.matched-transfer[data-before-strategy][data-after-strategy]`,
// `.added-transfer`, `.removed-transfer`; #incomparable when there are notes.

import type { Delta, MatchedTransfer, TraceComparison } from '../../src/core/compare';
import type { Endpoint, IoReport, Transfer } from '../../src/core/report-types';
import type { CompareSide } from '../../src/protocol/compare-messages';
import { transferPath } from '../report/datapath-model';
import { renderPath } from '../report/datapath';
import { h } from '../report/dom';
import { appendPages } from '../shared/pager';
import { baseName, formatBytes, formatCount, formatDurationUs, formatExactBytes } from '../report/format';
import { renderHeader } from '../report/header';
import { strategyLabel } from '../report/transfers';
import {
  barFractions,
  callCount,
  describeDelta,
  formatChange,
  formatRelative,
  formatValue,
  matchedRows,
  routeLabel,
  TOTAL_ROWS,
  tone,
  verdict,
  type Unit,
} from './model';

export interface CompareActions {
  reveal: ((side: CompareSide, fileIndex: number, line: number, endLine: number) => void) | null;
  swap: (() => void) | null;
  recompare: (() => void) | null;
  choose: ((side: CompareSide) => void) | null;
  openReport: ((side: CompareSide) => void) | null;
}

const SIDE_LABEL: Record<CompareSide, string> = { before: 'Before', after: 'After' };

function sideChip(side: CompareSide): HTMLElement {
  return h('span', { class: `side-chip side-${side}` }, SIDE_LABEL[side]);
}

function button(text: string, title: string, onClick: () => void, cls = 'secondary'): HTMLButtonElement {
  const b = h('button', { type: 'button', class: cls, title }, text);
  b.addEventListener('click', (ev) => {
    ev.stopPropagation();
    onClick();
  });
  return b;
}

// ---------------------------------------------------------------------------------------------
// Header: title, verdict, the two traces

export function renderCompareHeader(comparison: TraceComparison, before: IoReport, after: IoReport, actions: CompareActions): HTMLElement {
  const header = h('header', { class: 'compare-header' });
  const title = h('div', { class: 'title-row' }, h('h1', undefined, 'I/O Lens comparison'));
  const tools = h('div', { class: 'toolbar' });
  if (actions.swap) tools.append(button('⇄ Swap', 'Exchange the before and after traces', actions.swap));
  if (actions.recompare) tools.append(button('Re-compare', 'Analyze both traces again', actions.recompare));
  if (tools.childElementCount) title.append(tools);
  header.append(title);
  header.append(h('p', { class: 'verdict', id: 'verdict' }, verdict(comparison, strategyLabel)));

  const sides = h('div', { class: 'compare-sides' });
  for (const [side, report] of [['before', before], ['after', after]] as const) {
    const col = h('section', { class: `compare-side compare-side-${side}`, 'aria-label': `${SIDE_LABEL[side]} trace` });
    const head = h('div', { class: 'side-head' }, sideChip(side));
    const sideTools = h('div', { class: 'side-tools' });
    if (actions.openReport) sideTools.append(button('Open report', `Open the report of the ${side} trace`, () => actions.openReport?.(side), 'link'));
    if (actions.choose) sideTools.append(button('Change…', `Compare with another ${side} trace`, () => actions.choose?.(side), 'link'));
    head.append(sideTools);
    col.append(head);
    // The report's own header (files, format, flags), without its title row.
    const info = renderHeader(report, false, () => undefined);
    info.querySelector('.title-row')?.remove();
    col.append(info);
    sides.append(col);
  }
  header.append(sides);
  return header;
}

// ---------------------------------------------------------------------------------------------
// What cannot be compared

export function renderIncomparable(comparison: TraceComparison): HTMLElement | null {
  if (comparison.incomparable.length === 0) return null;
  const box = h('section', { id: 'incomparable', class: 'incomparable', role: 'note', 'aria-labelledby': 'incomparable-title' },
    h('h2', { id: 'incomparable-title' }, h('span', { class: 'warn-mark', 'aria-hidden': 'true' }, '⚠'), ` Not everything can be compared (${comparison.incomparable.length})`));
  const ul = h('ul');
  for (const note of comparison.incomparable) ul.append(h('li', undefined, note));
  box.append(ul);
  return box;
}

// ---------------------------------------------------------------------------------------------
// Totals

function changeBadge(d: Delta, unit: Unit, lowerIsBetter: boolean, noun = ''): HTMLElement {
  const t = tone(d, lowerIsBetter);
  const rel = formatRelative(d);
  const text = d.change === 0 ? `no${noun} change` : d.change === null ? 'n/a' : `${formatChange(d, unit)}${noun}${rel ? ` (${rel})` : ''}`;
  return h('span', { class: `change tone-${t}`, 'data-tone': t }, text);
}

function bars(d: Delta): HTMLElement {
  const f = barFractions(d);
  const wrap = h('div', { class: 'pair-bars', 'aria-hidden': 'true' });
  for (const side of ['before', 'after'] as const) {
    const bar = h('div', { class: `pair-bar bar-${side}` });
    // CSSOM, not a style attribute: allowed by the CSP (style-src governs attributes and <style>).
    bar.style.width = `${(f[side] * 100).toFixed(1)}%`;
    wrap.append(h('div', { class: 'pair-track' }, bar));
  }
  return wrap;
}

export function renderCompareTotals(comparison: TraceComparison): HTMLElement {
  const section = h('section', { id: 'compare-totals', class: 'compare-totals', 'aria-label': 'Totals, before and after' });
  for (const row of TOTAL_ROWS) {
    const d = comparison.totals[row.key];
    const card = h('div', {
      class: 'ctotal',
      'data-total': row.key,
      title: `${row.hint}. ${describeDelta(d, row.unit)}`,
    });
    card.append(
      h('div', { class: 'ctotal-label' }, row.label),
      h('div', { class: 'ctotal-values' },
        h('span', { class: 'v-before', title: row.unit === 'bytes' ? `before: ${formatExactBytes(d.before)}` : undefined }, formatValue(d.before, row.unit)),
        h('span', { class: 'to', 'aria-hidden': 'true' }, ' → '),
        h('span', { class: 'v-after', title: row.unit === 'bytes' ? `after: ${formatExactBytes(d.after)}` : undefined }, formatValue(d.after, row.unit))),
      changeBadge(d, row.unit, row.lowerIsBetter),
      bars(d),
      h('span', { class: 'sr-only' }, describeDelta(d, row.unit)),
    );
    section.append(card);
  }
  return section;
}

// ---------------------------------------------------------------------------------------------
// Transfers

function endpoint(e: Endpoint): HTMLElement {
  const short = e.kind === 'file' ? baseName(e.path) : e.path;
  return h('span', { class: `endpoint endpoint-${e.kind}`, title: `${e.kind}: ${e.path}` }, h('span', { class: 'kind' }, e.kind), ' ', h('span', { class: 'path' }, short));
}

function route(t: Transfer): HTMLElement {
  return h('span', { class: 'route' }, endpoint(t.source), h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '),
    ...(t.via ? [endpoint(t.via), h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → ')] : []), endpoint(t.sink));
}

function strategyChip(t: Transfer): HTMLElement {
  return h('span', { class: `strategy strategy-${t.strategy}` }, strategyLabel(t.strategy));
}

function lineText(t: Transfer): string {
  return t.lines[0] === t.lines[1] ? `line ${t.lines[0]}` : `lines ${t.lines[0]}–${t.lines[1]}`;
}

function revealButton(side: CompareSide, t: Transfer, actions: CompareActions): HTMLElement {
  const text = `${SIDE_LABEL[side]}: ${lineText(t)}`;
  if (!actions.reveal) return h('span', { class: 'muted' }, text);
  const reveal = actions.reveal;
  return button(text, `Show these calls in the ${side} trace`, () => reveal(side, t.fileIndex ?? 0, t.lines[0], Math.max(t.lines[0], t.lines[1])), 'link reveal');
}

function pathFigure(side: CompareSide, t: Transfer, columns: number): HTMLElement {
  const model = transferPath(t);
  return h('figure', { class: `path cpath cpath-${side}` },
    h('figcaption', undefined, sideChip(side), ' ', h('strong', undefined, strategyLabel(t.strategy)),
      ` — ${t.copies.cpu ?? '?'} CPU + ${t.copies.dma ?? '?'} DMA copies per byte, ${formatCount(t.modeSwitches)} mode switches`),
    renderPath(model, `${SIDE_LABEL[side]}: data path of ${routeLabel(t)} (${strategyLabel(t.strategy)})`, 'actual', columns, columns));
}

function deltaTable(m: MatchedTransfer): HTMLElement {
  const table = h('table', { class: 'delta-table' });
  table.append(h('thead', undefined, h('tr', undefined,
    h('th', { scope: 'col' }, ''), h('th', { scope: 'col', class: 'num' }, sideChip('before')), h('th', { scope: 'col', class: 'num' }, sideChip('after')), h('th', { scope: 'col', class: 'num' }, 'change'))));
  const body = h('tbody');
  for (const row of matchedRows(m)) {
    const d = row.delta;
    body.append(h('tr', undefined,
      h('th', { scope: 'row' }, row.label),
      h('td', { class: 'num' }, row.beforeText ?? formatValue(d.before, row.unit)),
      h('td', { class: 'num' }, row.afterText ?? formatValue(d.after, row.unit)),
      h('td', { class: 'num' }, changeBadge(d, row.unit, row.lowerIsBetter, row.label === 'copies per byte' ? ' CPU' : ''),
        row.note ? h('span', { class: 'change-note' }, ` · ${row.note}`) : null)));
  }
  table.append(body);
  return table;
}

export function renderMatched(m: MatchedTransfer, index: number, actions: CompareActions): HTMLElement {
  const b = m.before;
  const a = m.after;
  const card = h('article', {
    class: `transfer compare-card matched-transfer${m.strategyChanged ? ' strategy-changed' : ''}`,
    'data-id': `m${index + 1}`,
    'data-key': m.key,
    'data-before-strategy': b.strategy,
    'data-after-strategy': a.strategy,
    tabindex: 0,
    'aria-label': `Matched transfer ${routeLabel(b)}: ${strategyLabel(b.strategy)} before, ${strategyLabel(a.strategy)} after. CPU bytes copied ${describeDelta(m.cpuBytesCopied, 'bytes')}; mode switches ${describeDelta(m.modeSwitches, 'count')}.`,
  });
  const strategies = h('span', { class: 'strategies' }, strategyChip(b),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '), strategyChip(a));
  if (m.strategyChanged) strategies.append(h('span', { class: 'changed-mark' }, 'strategy changed'));
  const head = h('header', { class: 'transfer-head' }, h('span', { class: 'card-kind kind-matched' }, 'matched'), route(b), strategies);
  const pids = b.pid === a.pid ? `pid ${b.pid}` : `pid ${b.pid} → ${a.pid}`;
  head.append(h('span', { class: 'pid' }, pids));
  card.append(head);
  // Sockets and pipes differ between runs by nature (ports, inodes): only a different file is news.
  if (routeLabel(b) !== routeLabel(a)) {
    card.append(h('p', { class: 'muted endpoints-after' }, 'after: ', route(a)));
  }
  card.append(deltaTable(m));
  const columns = Math.max(transferPath(b).boxes.length, transferPath(a).boxes.length);
  card.append(h('div', { class: 'compare-paths' }, pathFigure('before', b, columns), pathFigure('after', a, columns)));
  card.append(h('div', { class: 'card-foot' }, revealButton('before', b, actions), revealButton('after', a, actions)));
  return card;
}

export function renderUnmatched(t: Transfer, kind: 'added' | 'removed', index: number, actions: CompareActions): HTMLElement {
  const side: CompareSide = kind === 'added' ? 'after' : 'before';
  const card = h('article', {
    class: `transfer compare-card ${kind}-transfer`,
    'data-id': `${kind === 'added' ? 'a' : 'r'}${index + 1}`,
    'data-strategy': t.strategy,
    tabindex: 0,
    'aria-label': `${kind === 'added' ? 'Added' : 'Removed'} transfer ${routeLabel(t)}, ${strategyLabel(t.strategy)}, ${formatExactBytes(t.bytes)}, ${t.modeSwitches} mode switches: only in the ${side} trace.`,
  });
  card.append(h('header', { class: 'transfer-head' },
    h('span', { class: `card-kind kind-${kind}` }, kind === 'added' ? '+ added' : '− removed'), route(t), strategyChip(t),
    h('span', { class: 'pid' }, `only ${side} · pid ${t.pid}`)));
  card.append(h('dl', { class: 'metrics' },
    ...([
      ['bytes', formatBytes(t.bytes)],
      ['copies per byte', `${t.copies.cpu ?? '?'} CPU + ${t.copies.dma ?? '?'} DMA`],
      ['CPU bytes copied', formatBytes(t.cpuBytesCopied)],
      ['mode switches', formatCount(t.modeSwitches)],
      ['system calls', formatCount(callCount(t))],
      ['time', formatDurationUs(t.durationUs)],
    ] as const).map(([k, v]) => h('div', { class: 'metric' }, h('dt', undefined, k), h('dd', undefined, v)))));
  const details = h('details', { class: 'unmatched-path' }, h('summary', undefined, 'Data path'));
  details.append(pathFigure(side, t, 0));
  card.append(details);
  card.append(h('div', { class: 'card-foot' }, revealButton(side, t, actions)));
  return card;
}

export function renderTransfers(comparison: TraceComparison, actions: CompareActions): HTMLElement {
  const { matched, added, removed } = comparison.transfers;
  const section = h('section', { class: 'transfers compare-transfers', 'aria-labelledby': 'ctransfers-title' });
  section.append(h('h2', { id: 'ctransfers-title' }, 'Transfers'));
  section.append(h('p', { class: 'muted hint' },
    `${formatCount(matched.length)} matched by their endpoints, ${formatCount(removed.length)} only before (removed), ${formatCount(added.length)} only after (added). ` +
    'Tab to a transfer; ↑/↓ move between them.'));
  if (matched.length + added.length + removed.length === 0) {
    section.append(h('p', { class: 'muted' }, 'Neither trace has a data transfer.'));
  }
  // One list, a page at a time (matched, then removed, then added): two big traces make thousands of cards.
  const cards: Array<() => HTMLElement> = [
    ...matched.map((m, i) => () => renderMatched(m, i, actions)),
    ...removed.map((t, i) => () => renderUnmatched(t, 'removed', i, actions)),
    ...added.map((t, i) => () => renderUnmatched(t, 'added', i, actions)),
  ];
  appendPages(section, cards, (card) => card());
  return section;
}
