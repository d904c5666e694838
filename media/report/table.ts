// The per-syscall summary table, sortable by any column with the mouse or the keyboard (the
// column headers are buttons; aria-sort tells screen readers the order).

import type { SortKey } from '../../src/protocol/messages';
import type { IoReport, SyscallSummary } from '../../src/core/report-types';
import { clear, h } from './dom';
import { formatBytes, formatCount, formatDurationUs } from './format';

interface Column {
  key: SortKey;
  label: string;
  numeric: boolean;
  cell(name: string, s: SyscallSummary): string;
  value(name: string, s: SyscallSummary): number | string;
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'System call', numeric: false, cell: (n) => n, value: (n) => n },
  { key: 'class', label: 'Class', numeric: false, cell: (_n, s) => s.class ?? '', value: (_n, s) => s.class ?? '' },
  { key: 'calls', label: 'Calls', numeric: true, cell: (_n, s) => formatCount(s.calls), value: (_n, s) => s.calls },
  { key: 'errors', label: 'Errors', numeric: true, cell: (_n, s) => formatCount(s.errors), value: (_n, s) => s.errors },
  { key: 'bytes', label: 'Bytes', numeric: true, cell: (_n, s) => (s.bytes ? formatBytes(s.bytes) : '—'), value: (_n, s) => s.bytes },
  { key: 'timeUs', label: 'Time', numeric: true, cell: (_n, s) => formatDurationUs(s.timeUs), value: (_n, s) => s.timeUs ?? -1 },
];

export interface SortState {
  key: SortKey;
  descending: boolean;
}

export function renderSummaryTable(report: IoReport, initial: SortState | undefined, onSort: (s: SortState) => void): HTMLElement {
  let sort: SortState = initial ?? { key: 'calls', descending: true };
  const rows = Object.entries(report.summary.bySyscall);
  const section = h('section', { class: 'summary', 'aria-labelledby': 'summary-title' }, h('h2', { id: 'summary-title' }, 'System calls'));
  const table = h('table', { class: 'summary-table', id: 'summary-table' });
  const thead = h('thead');
  const tbody = h('tbody');
  table.append(h('caption', { class: 'sr-only' }, 'Calls per system call. Column headers sort the table.'), thead, tbody);
  section.append(h('div', { class: 'table-wrap' }, table));

  const draw = (): void => {
    clear(thead);
    clear(tbody);
    const tr = h('tr');
    for (const c of COLUMNS) {
      const active = sort.key === c.key;
      const btn = h('button', { type: 'button', class: 'sort', 'data-key': c.key }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sort.descending ? ' ▼' : ' ▲') : ''));
      btn.addEventListener('click', () => {
        sort = { key: c.key, descending: sort.key === c.key ? !sort.descending : c.numeric };
        onSort(sort);
        draw();
        (thead.querySelector(`button[data-key="${c.key}"]`) as HTMLButtonElement | null)?.focus();
      });
      tr.append(h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' }, btn));
    }
    thead.append(tr);
    const col = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[2];
    const sorted = [...rows].sort((a, b) => {
      const va = col.value(a[0], a[1]);
      const vb = col.value(b[0], b[1]);
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return (sort.descending ? -cmp : cmp) || a[0].localeCompare(b[0]);
    });
    for (const [name, s] of sorted) {
      const row = h('tr');
      for (const c of COLUMNS) {
        row.append(c.key === 'name'
          ? h('th', { scope: 'row' }, h('code', undefined, name))
          : h('td', { class: c.numeric ? 'num' : undefined }, c.cell(name, s)));
      }
      tbody.append(row);
    }
  };
  draw();
  return section;
}
