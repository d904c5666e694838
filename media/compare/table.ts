// The per-syscall deltas, sortable by any column with the mouse or the keyboard (headers are
// buttons; aria-sort tells screen readers the order). Change columns sort by the size of the
// change, either way, so the biggest differences come first. Changes are not coloured better or
// worse here: one call type growing (sendfile) is often the other side of a saving.

import type { TraceComparison } from '../../src/core/compare';
import type { IoReport } from '../../src/core/report-types';
import type { SyscallSortKey } from '../../src/protocol/compare-messages';
import { clear, h } from '../report/dom';
import { formatChange, formatRelative, formatValue, sortSyscallRows, syscallRows, type Delta, type SyscallRow, type Unit } from './model';

/** Blank when nothing changed (or neither side knows): the rows that changed stand out. */
function changeCell(d: Delta, unit: Unit): string {
  if (d.change === 0 || (d.before === null && d.after === null)) return '';
  return formatChange(d, unit);
}

export interface SyscallSort {
  key: SyscallSortKey;
  descending: boolean;
}

interface Group {
  label: string;
  unit: Unit;
  pick: (r: SyscallRow) => SyscallRow['calls'];
  keys: [SyscallSortKey, SyscallSortKey, SyscallSortKey];
}

const GROUPS: Group[] = [
  { label: 'Calls', unit: 'count', pick: (r) => r.calls, keys: ['callsBefore', 'callsAfter', 'callsChange'] },
  { label: 'Bytes', unit: 'bytes', pick: (r) => r.bytes, keys: ['bytesBefore', 'bytesAfter', 'bytesChange'] },
  { label: 'Time', unit: 'us', pick: (r) => r.timeUs, keys: ['timeBefore', 'timeAfter', 'timeChange'] },
];

const SUB = ['before', 'after', 'change'] as const;

export function renderSyscallTable(comparison: TraceComparison, before: IoReport, after: IoReport, initial: SyscallSort | undefined, onSort: (s: SyscallSort) => void): HTMLElement {
  let sort: SyscallSort = initial ?? { key: 'callsChange', descending: true };
  const rows = syscallRows(comparison, before, after);
  const section = h('section', { class: 'summary', 'aria-labelledby': 'csummary-title' },
    h('h2', { id: 'csummary-title' }, 'System calls, before and after'));
  const table = h('table', { class: 'summary-table delta-syscalls', id: 'syscall-deltas' });
  const thead = h('thead');
  const tbody = h('tbody');
  table.append(h('caption', { class: 'sr-only' }, 'Calls, bytes and time per system call before and after, with the change. Column headers sort the table.'), thead, tbody);
  section.append(h('div', { class: 'table-wrap' }, table));

  const sortButton = (key: SyscallSortKey, label: string, accessible: string, numeric: boolean): HTMLElement => {
    const active = sort.key === key;
    const btn = h('button', { type: 'button', class: 'sort', 'data-key': key, 'aria-label': accessible }, label,
      h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sort.descending ? ' ▼' : ' ▲') : ''));
    btn.addEventListener('click', () => {
      sort = { key, descending: sort.key === key ? !sort.descending : numeric };
      onSort(sort);
      draw();
      (thead.querySelector(`button[data-key="${key}"]`) as HTMLButtonElement | null)?.focus();
    });
    return h('th', { scope: 'col', class: numeric ? 'num' : undefined, 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' }, btn);
  };

  const draw = (): void => {
    clear(thead);
    clear(tbody);
    const top = h('tr', undefined, h('td', { colspan: 2 }));
    for (const g of GROUPS) top.append(h('th', { scope: 'colgroup', colspan: 3, class: 'group' }, g.label));
    top.append(h('th', { scope: 'col', class: 'group' }, 'Errors'));
    const sub = h('tr', undefined, sortButton('name', 'System call', 'System call', false), h('th', { scope: 'col' }, 'Class'));
    for (const g of GROUPS) {
      g.keys.forEach((key, i) => sub.append(sortButton(key, SUB[i], `${g.label} ${SUB[i]}${SUB[i] === 'change' ? ' (sorts by size)' : ''}`, true)));
    }
    sub.append(sortButton('errorsChange', 'change', 'Errors change (sorts by size)', true));
    thead.append(top, sub);

    for (const r of sortSyscallRows(rows, sort.key, sort.descending)) {
      const unchanged = [r.calls, r.bytes, r.timeUs, r.errors].every((d) => d.change === 0 || d.change === null);
      const tr = h('tr', { class: unchanged ? 'unchanged' : undefined, 'data-syscall': r.name },
        h('th', { scope: 'row' }, h('code', undefined, r.name)), h('td', undefined, r.class));
      for (const g of GROUPS) {
        const d = g.pick(r);
        const rel = formatRelative(d);
        tr.append(
          h('td', { class: 'num' }, d.before === 0 && g.unit === 'bytes' ? '—' : formatValue(d.before, g.unit)),
          h('td', { class: 'num' }, d.after === 0 && g.unit === 'bytes' ? '—' : formatValue(d.after, g.unit)),
          h('td', { class: 'num change', title: rel || undefined }, changeCell(d, g.unit)),
        );
      }
      tr.append(h('td', { class: 'num change' }, changeCell(r.errors, 'count')));
      tbody.append(tr);
    }
  };
  draw();
  return section;
}
