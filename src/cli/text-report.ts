// The `iolens analyze` table: transfers, then totals and diagnostics.

import type { Endpoint, IoReport } from '../core/report-types';
import { formatBytes, formatDuration, renderTable, terminalText } from './format';

function endpointText(endpoint: Endpoint): string {
  const text = terminalText(endpoint.kind === 'file' || endpoint.kind === 'dev' || endpoint.kind === 'tty' ? endpoint.path : `${endpoint.kind}:${endpoint.path}`);
  return text.length > 48 ? `...${text.slice(-45)}` : text;
}

export function renderTextReport(report: IoReport): string {
  const out: string[] = [];
  const flags = report.trace.flags;
  out.push(`Trace: ${terminalText(report.trace.files.join(', '))} (${report.trace.format}; ${report.trace.lines} lines, ${report.trace.events} events, ${report.trace.processes} processes)`);
  out.push(`Recorded with: pids=${flags.pids ? 'yes' : 'no'} timestamps=${flags.timestamps} durations=${flags.durations ? 'yes' : 'no'} fd paths=${flags.fdPaths} stacks=${flags.stacks ? 'yes' : 'no'}`);
  out.push('');
  if (report.transfers.length === 0) {
    out.push('No data transfers found.');
  } else {
    const rows = report.transfers.map((t) => [
      t.id,
      String(t.pid),
      endpointText(t.source),
      endpointText(t.sink),
      t.strategy,
      formatBytes(t.bytes),
      Object.entries(t.syscalls).map(([name, n]) => `${name}x${n}`).join(' '),
      String(t.modeSwitches),
      t.copies.cpu === null ? '?' : String(t.copies.cpu),
      t.copies.dma === null ? '?' : String(t.copies.dma),
      formatDuration(t.durationUs),
      t.recommendation === null ? '-' : `${t.recommendation.strategy} (${t.recommendation.modeSwitches} switches, ${t.recommendation.copies.cpu} CPU)`,
    ]);
    out.push(renderTable(['id', 'pid', 'source', 'sink', 'strategy', 'bytes', 'syscalls', 'switches', 'cpu', 'dma', 'time', 'recommendation'], rows));
  }
  const totals = report.summary.totals;
  out.push('');
  out.push(`Totals: ${formatBytes(totals.bytes)} moved, ${formatBytes(totals.cpuBytesCopied)} copied by the CPU, ${totals.modeSwitches} mode switches (${totals.calls ?? 0} calls), ${formatDuration(totals.timeUs ?? null)} in syscalls`);
  const assumptions = new Set(report.transfers.flatMap((t) => t.assumptions));
  if (assumptions.size > 0) {
    out.push('Assumptions:');
    for (const assumption of assumptions) out.push(`  - ${terminalText(assumption)}`);
  }
  if (report.diagnostics.length > 0) {
    out.push(`Diagnostics (${report.diagnostics.length + (report.diagnosticsOmitted ?? 0)}):`);
    for (const d of report.diagnostics.slice(0, 20)) out.push(terminalText(`  ${d.file}:${d.line}: ${d.severity}: ${d.message}`));
    if (report.diagnostics.length > 20 || (report.diagnosticsOmitted ?? 0) > 0) out.push('  ... (see --json for all)');
  }
  return out.join('\n');
}
