// The `iolens compare` table: totals, matched/added/removed transfers, and what cannot be compared.

import type { Delta, TraceComparison } from '../core/compare';
import type { Transfer } from '../core/report-types';
import { formatBytes, renderTable, terminalText } from './format';

function signed(value: number | null, format: (n: number) => string = String): string {
  if (value === null) return 'n/a';
  return value > 0 ? `+${format(value)}` : value < 0 ? `-${format(-value)}` : '0';
}

function percent(d: Delta): string {
  return d.relative === null ? '' : `${d.relative > 0 ? '+' : ''}${(d.relative * 100).toFixed(1)}%`;
}

function row(label: string, d: Delta, format: (n: number) => string = String): string[] {
  return [label, d.before === null ? 'n/a' : format(d.before), d.after === null ? 'n/a' : format(d.after), signed(d.change, format), percent(d)];
}

function transferText(t: Transfer): string {
  return terminalText(`${t.source.kind}:${t.source.path} -> ${t.sink.kind}:${t.sink.path} ${t.strategy} ${formatBytes(t.bytes)} (pid ${t.pid})`);
}

export function renderTextComparison(comparison: TraceComparison): string {
  const out: string[] = [];
  out.push(`Before: ${terminalText(comparison.before.files.join(', '))} (${comparison.before.format})`);
  out.push(`After:  ${terminalText(comparison.after.files.join(', '))} (${comparison.after.format})`);
  out.push('');
  const t = comparison.totals;
  out.push(
    renderTable(['total', 'before', 'after', 'change', 'relative'], [
      row('bytes moved', t.bytes, formatBytes),
      row('CPU bytes copied', t.cpuBytesCopied, formatBytes),
      row('mode switches', t.modeSwitches),
      row('calls', t.calls),
      row('time in syscalls (us)', t.timeUs),
    ]),
  );
  out.push('');
  if (comparison.transfers.matched.length > 0) {
    out.push(
      renderTable(
        ['transfer', 'strategy', 'mode switches', 'CPU copies/byte', 'CPU bytes copied'],
        comparison.transfers.matched.map((m) => [
          m.key,
          m.strategyChanged ? `${m.before.strategy} -> ${m.after.strategy}` : m.after.strategy,
          `${m.modeSwitches.before} -> ${m.modeSwitches.after} (${signed(m.modeSwitches.change)})`,
          `${m.cpuCopies.before ?? '?'} -> ${m.cpuCopies.after ?? '?'}`,
          `${formatBytes(m.cpuBytesCopied.before)} -> ${formatBytes(m.cpuBytesCopied.after)}`,
        ]),
      ),
    );
  }
  for (const removed of comparison.transfers.removed) out.push(`removed: ${transferText(removed)}`);
  for (const added of comparison.transfers.added) out.push(`added:   ${transferText(added)}`);
  if (comparison.incomparable.length > 0) {
    out.push('');
    out.push('Cannot be compared:');
    for (const note of comparison.incomparable) out.push(`  - ${terminalText(note)}`);
  }
  return out.join('\n');
}
