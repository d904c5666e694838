// The report header: which trace, how it was recorded (and what that hides), the totals, and the
// diagnostics (each one a button that reveals its line in the trace).

import type { IoReport } from '../../src/core/report-types';
import { h } from './dom';
import { formatBytes, formatCount, formatDurationUs, formatExactBytes, plural } from './format';

export interface RevealFn {
  (fileIndex: number, line: number, endLine: number): void;
}

function flagChip(label: string, on: boolean, hint: string): HTMLElement {
  return h('li', { class: `flag ${on ? 'flag-on' : 'flag-off'}`, title: hint }, h('span', { class: 'flag-mark', 'aria-hidden': 'true' }, on ? '✓' : '–'), ` ${label}`, h('span', { class: 'sr-only' }, on ? ' (recorded)' : ' (not recorded)'));
}

export function renderHeader(report: IoReport, interactive: boolean, onReanalyze: () => void, onCompareWith?: () => void): HTMLElement {
  const f = report.trace.flags;
  const header = h('header', { class: 'report-header' });
  const titleRow = h('div', { class: 'title-row' }, h('h1', undefined, 'I/O Lens report'));
  if (interactive) {
    const btn = h('button', { type: 'button', class: 'secondary', id: 'reanalyze' }, 'Re-analyze');
    btn.addEventListener('click', onReanalyze);
    titleRow.append(btn);
    if (onCompareWith !== undefined) {
      const compare = h('button', { type: 'button', class: 'secondary', id: 'compare-with' }, 'Compare with…');
      compare.addEventListener('click', onCompareWith);
      titleRow.append(compare);
    }
  }
  header.append(titleRow);

  const files = h('ul', { class: 'trace-files', 'aria-label': 'Trace files' });
  for (const file of report.trace.files) files.append(h('li', { title: file }, h('code', undefined, file)));
  header.append(files);

  header.append(
    h('p', { class: 'trace-meta' },
      `${report.trace.format === 'perf' ? 'perf trace' : 'strace'} · ${plural(report.trace.lines, 'line')} · ${plural(report.trace.events, 'event')} · ${plural(report.trace.processes, 'process', 'processes')}`),
  );

  const flags = h('ul', { class: 'flags', 'aria-label': 'Recording flags' });
  flags.append(
    flagChip('pids (-f)', f.pids, 'Which process made each call: needed to follow forks and threads.'),
    flagChip(`timestamps${f.timestamps !== 'none' ? ` (-${f.timestamps})` : ''}`, f.timestamps !== 'none', 'Call times: needed for the timeline and time spans.'),
    flagChip('durations (-T)', f.durations, 'Time spent in each call.'),
    flagChip(`fd paths${f.fdPaths !== 'none' ? ` (-${f.fdPaths})` : ' (-yy)'}`, f.fdPaths !== 'none', 'The file or socket behind each fd, printed by strace.'),
    flagChip('stacks (-k)', f.stacks, 'The code that issued each call.'),
  );
  if (f.pageFaults) flags.append(flagChip('page faults (--pf)', true, 'perf trace page-fault events.'));
  header.append(flags);
  return header;
}

function totalCard(label: string, value: string, title: string, key: string): HTMLElement {
  return h('div', { class: 'total', 'data-total': key, title }, h('div', { class: 'total-value' }, value), h('div', { class: 'total-label' }, label));
}

export function renderTotals(report: IoReport): HTMLElement {
  const t = report.summary.totals;
  const calls = t.calls ?? Object.values(report.summary.bySyscall).reduce((a, b) => a + b.calls, 0);
  const el = h('section', { id: 'totals', class: 'totals', 'aria-label': 'Totals' });
  el.append(
    totalCard('bytes moved', formatBytes(t.bytes), formatExactBytes(t.bytes), 'bytes'),
    totalCard('CPU bytes copied', formatBytes(t.cpuBytesCopied), `${formatExactBytes(t.cpuBytesCopied)}: payload bytes × CPU copies per byte`, 'cpuBytesCopied'),
    totalCard('mode switches', formatCount(t.modeSwitches), 'User/kernel crossings of the transfers: 2 per system call', 'modeSwitches'),
    totalCard('system calls', formatCount(calls), 'Calls in the trace', 'calls'),
    totalCard('time in calls', formatDurationUs(t.timeUs ?? null), 'Sum of -T durations', 'time'),
    totalCard('transfers', formatCount(report.transfers.length), 'Source → sink data transfers found', 'transfers'),
  );
  if (report.settings) {
    el.append(h('p', { class: 'assumption-note' }, report.settings.assumeGatherNic
      ? 'Assumes a NIC that gathers (scatter-gather DMA + checksum offload): sendfile to a socket costs no CPU copy. Setting: iolens.assumeGatherNic.'
      : 'Assumes a NIC without gather: sendfile to a socket costs one CPU copy. Setting: iolens.assumeGatherNic.'));
  }
  return el;
}

export function renderDiagnostics(report: IoReport, reveal: RevealFn | null): HTMLElement | null {
  if (report.diagnostics.length === 0 && !report.diagnosticsOmitted) return null;
  const section = h('section', { class: 'diagnostics', 'aria-labelledby': 'diag-title' });
  section.append(h('h2', { id: 'diag-title' }, `Diagnostics (${formatCount(report.diagnostics.length + (report.diagnosticsOmitted ?? 0))})`));
  const list = h('ul', { class: 'diag-list' });
  for (const d of report.diagnostics) {
    const fileIndex = Math.max(0, report.trace.files.indexOf(d.file));
    const text = [h('span', { class: `sev sev-${d.severity}` }, d.severity), ' ', h('span', { class: 'diag-loc' }, `line ${d.line}`), ' ', h('span', { class: 'diag-msg' }, d.message)];
    if (reveal) {
      const btn = h('button', { type: 'button', class: 'link diag', title: `${d.file}:${d.line}` }, ...text);
      btn.addEventListener('click', () => reveal(fileIndex, d.line, d.line));
      list.append(h('li', undefined, btn));
    } else {
      list.append(h('li', { class: 'diag', title: `${d.file}:${d.line}` }, ...text));
    }
  }
  section.append(list);
  if (report.diagnosticsOmitted) section.append(h('p', { class: 'muted' }, `${formatCount(report.diagnosticsOmitted)} more not listed.`));
  return section;
}
