// strace -c / -C / -w tables. -U chooses their columns and their order, so a row is read by its
// table's header, not by position:
//
//   % time     seconds  usecs/call     calls    errors syscall          (the default)
//   ------ ----------- ----------- --------- --------- ----------------
//    36.13    0.000155           7        20         3 mmap
//   syscall              calls    errors                              (-U name,calls,errors)
//   ---------------- --------- ---------
//   read                    35
//
// A call that never failed leaves its errors cell blank: the dashes under the header say where each
// column is, so the numbers that are there go to the right columns.

import { LineKind, type ParsedLine } from './parsed-line';

type Column = 'percent' | 'seconds' | 'avg' | 'calls' | 'errors' | 'name' | 'max' | 'min';

/** The header's words (strace 6: `-U time-percent,total-time,avg-time,calls,errors,name,max-time,min-time`). */
const HEADER_WORDS: Record<string, Column | undefined> = {
  '%time': 'percent',
  seconds: 'seconds',
  'usecs/call': 'avg',
  calls: 'calls',
  errors: 'errors',
  syscall: 'name',
  longest: 'max',
  shortest: 'min',
};

const NUMBER = /^\d+(\.\d+)?$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A table's columns, from its header; their spans once the dashes line under it is read. */
export class SummaryLayout {
  spans: Array<[number, number]> | null = null;
  constructor(readonly columns: readonly Column[]) {}

  /** A table without a calls column (`-U name,total-time`) counts nothing: its rows are read as nothing. */
  get counts(): boolean {
    return this.columns.includes('calls');
  }

  /**
   * What a trace holding only this table cannot tell, said once at its header (null: nothing): with
   * no calls column nothing is counted; with no errors column its errors read as 0.
   */
  get limits(): { severity: 'warning' | 'info'; message: string } | null {
    const options = `-U ${this.columns.map((column) => OPTION_NAMES[column]).join(',')}`;
    if (!this.counts) return { severity: 'warning', message: `strace -c table without a calls column (${options}): it counts no calls, its rows are not read` };
    if (!this.columns.includes('errors')) return { severity: 'info', message: `strace -c table without an errors column (${options}): its calls' errors are not known, counted as 0` };
    return null;
  }
}

/** How `strace -U` names each column. */
const OPTION_NAMES: Record<Column, string> = {
  percent: 'time-percent',
  seconds: 'total-time',
  avg: 'avg-time',
  calls: 'calls',
  errors: 'errors',
  name: 'name',
  max: 'max-time',
  min: 'min-time',
};

/** The layout a table header line announces, or null when the line is no such header. */
export function summaryHeader(line: string): SummaryLayout | null {
  const words = line.trim().replace(/^% time\b/, '%time').split(/\s+/);
  const columns: Column[] = [];
  for (const word of words) {
    const column = HEADER_WORDS[word];
    if (column === undefined || columns.includes(column)) return null;
    columns.push(column);
  }
  // `-U name` makes a table of one column: `syscall` alone on its line (nothing else is).
  return columns.includes('name') ? new SummaryLayout(columns) : null;
}

/**
 * One line inside (or starting) a summary table: its header (Ignored, `summary-header`, with its
 * layout), the dashes under it, a row (SummaryRow: name, calls, errors, seconds) or the total row.
 * false: not a line of the table.
 */
export function parseStraceSummaryLine(line: string, o: ParsedLine, layout: SummaryLayout | null): boolean {
  const header = summaryHeader(line);
  if (header !== null) {
    o.kind = LineKind.Ignored;
    o.text1 = 'summary-header';
    o.summaryLayout = header;
    return true;
  }
  if (layout === null) return false;
  const t = line.trim();
  if (t.startsWith('---')) {
    if (layout.spans === null) layout.spans = dashSpans(line);
    o.kind = LineKind.Ignored;
    o.text1 = '';
    return true;
  }
  const cells = cellsOf(line, t.split(/\s+/), layout);
  if (cells === null) return false;
  const name = cells.get('name');
  if (name === undefined || !NAME.test(name)) return false;
  for (const [column, text] of cells) if (column !== 'name' && !NUMBER.test(text)) return false;
  if (name === 'total' || !layout.counts) {
    o.kind = LineKind.Ignored;
    o.text1 = '';
    return true;
  }
  const calls = cells.get('calls');
  const errors = cells.get('errors');
  const seconds = cells.get('seconds');
  o.kind = LineKind.SummaryRow;
  o.text1 = name;
  o.num1 = calls === undefined ? -1 : Number(calls);
  o.num2 = errors === undefined ? 0 : Number(errors);
  o.num3 = seconds === undefined ? null : Number(seconds);
  return true;
}

/** The row's cells by column: every column filled, or the blank ones told by the dashes' spans. */
function cellsOf(line: string, tokens: string[], layout: SummaryLayout): Map<Column, string> | null {
  const columns = layout.columns;
  let filled: readonly Column[] = columns;
  if (tokens.length !== columns.length) {
    const spans = layout.spans;
    if (spans === null || spans.length !== columns.length) return null;
    filled = columns.filter((_, k) => line.slice(spans[k][0], spans[k][1]).trim().length > 0);
    if (filled.length !== tokens.length) return null;
  }
  return new Map(filled.map((column, k) => [column, tokens[k]]));
}

function dashSpans(line: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of line.matchAll(/-+/g)) spans.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  return spans;
}
