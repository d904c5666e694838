// The charts (chart.js, tree-shaken: only the controllers, elements and plugins registered here
// end up in the bundle). Each canvas has an aria-label and a text fallback.
//
// CSP note: chart.js sizes its canvas through the CSSOM (`canvas.style.width = ...`), which a
// `style-src` without 'unsafe-inline' does not block (only style attributes and <style> elements
// are), and it never evaluates strings: no 'unsafe-inline' and no 'unsafe-eval' are needed.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import type { IoReport, SyscallClass, Transfer } from '../../src/core/report-types';
import { h } from './dom';
import { formatBytes, formatCount, formatDurationUs, log2BucketLabel } from './format';
import type { RevealFn } from './header';
import { orderedTransfers } from './order';
import { readPalette, type Palette } from './theme';
import { strategyLabel } from './transfers';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip, Legend);

const charts: Chart[] = [];

export function destroyCharts(): void {
  while (charts.length) charts.pop()?.destroy();
}

export function baseOptions(p: Palette, xTitle?: string, yTitle?: string, stacked = false) {
  const axis = (title?: string) => ({
    stacked,
    ticks: { color: p.muted, font: { family: p.font } },
    grid: { color: p.grid },
    border: { color: p.grid },
    title: title ? { display: true, text: title, color: p.muted, font: { family: p.font } } : undefined,
  });
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    plugins: {
      legend: { labels: { color: p.foreground, font: { family: p.font }, boxWidth: 12 } },
      tooltip: { titleFont: { family: p.font }, bodyFont: { family: p.font } },
    },
    scales: { x: axis(xTitle), y: axis(yTitle) },
  };
}

function chartBox(id: string, title: string, summary: string, tall = false): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}. ${summary}` }, summary);
  const box = h('figure', { class: `chart${tall ? ' chart-tall' : ''}` }, h('figcaption', undefined, title), h('div', { class: 'chart-canvas' }, canvas));
  return { box, canvas };
}

function add(canvas: HTMLCanvasElement, config: ChartConfiguration): void {
  charts.push(new Chart(canvas, config));
}

const CLASS_ORDER: SyscallClass[] = ['read', 'write', 'zerocopy', 'mmap', 'fd', 'io_uring', 'process', 'other'];

function classColour(p: Palette, c: SyscallClass): string {
  switch (c) {
    case 'read': return p.blue;
    case 'write': return p.orange;
    case 'zerocopy': return p.green;
    case 'mmap': return p.purple;
    case 'fd': return p.yellow;
    case 'io_uring': return p.red;
    case 'process': return p.foreground;
    default: return p.muted;
  }
}

/** Builds the chart section; charts are created once the section is in the document. */
/** Per-transfer charts show the costliest transfers only: thousands of bars (a big trace) help nobody. */
const MAX_CHART_TRANSFERS = 40;
/** Past this many processes the timeline has a row per class of call instead of one per process. */
const MAX_TIMELINE_PROCESS_ROWS = 40;
/** Past this many transfers the chunk-size chart sums them into one series. */
const MAX_CHUNK_SERIES = 8;

/** All the transfers when they fit a chart, else the first MAX_CHART_TRANSFERS in `order`: the first cards in that order. */
function chartPick(transfers: readonly Transfer[], order: 'cost' | 'switches'): Transfer[] {
  if (transfers.length <= MAX_CHART_TRANSFERS) return [...transfers];
  return orderedTransfers(transfers, order).slice(0, MAX_CHART_TRANSFERS);
}

function costliest(transfers: readonly Transfer[]): Transfer[] {
  return chartPick(transfers, 'cost');
}

/** The transfers with the most mode switches (the mode-switch chart's own pick). */
function mostSwitches(transfers: readonly Transfer[]): Transfer[] {
  return chartPick(transfers, 'switches');
}

/** A log scale when one bar would flatten the others (36,386 switches beside a recommended 2). */
function needsLogScale(values: readonly number[]): boolean {
  const positive = values.filter((v) => v > 0);
  return positive.length > 1 && Math.max(...positive) / Math.min(...positive) >= 100;
}

/** The chunk-size series: one per transfer, or one sum over all of them when there are many. */
function chunkSeries(transfers: readonly Transfer[]): Array<{ label: string; histogram: Record<string, number> }> {
  const withChunks = transfers.filter((t) => t.chunks);
  if (withChunks.length <= MAX_CHUNK_SERIES) return withChunks.map((t) => ({ label: `${t.id} ${strategyLabel(t.strategy)}`, histogram: t.chunks?.log2Histogram ?? {} }));
  const sum: Record<string, number> = {};
  for (const t of withChunks) for (const [k, v] of Object.entries(t.chunks?.log2Histogram ?? {})) sum[k] = (sum[k] ?? 0) + v;
  return [{ label: `all ${formatCount(withChunks.length)} transfers`, histogram: sum }];
}

export function renderCharts(report: IoReport, reveal: RevealFn | null): { section: HTMLElement; draw: () => void } {
  const section = h('section', { class: 'charts', 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title' }, 'Charts'));
  const grid = h('div', { class: 'chart-grid' });
  section.append(grid);
  const all = report.transfers;
  const ts = costliest(all);
  const some = ts.length < all.length ? ` (the ${ts.length} costliest of ${formatCount(all.length)})` : '';
  const labels = ts.map((t) => `${t.id} ${strategyLabel(t.strategy)}`);
  const series = chunkSeries(all);

  const copies = chartBox('chart-copies', `Copies per byte, by transfer${some}`, ts.map((t) => `${t.id}: ${t.copies.cpu ?? '?'} CPU, ${t.copies.dma ?? '?'} DMA`).join('; '));
  const sw = mostSwitches(all);
  const swValues = sw.flatMap((t) => [t.modeSwitches, t.recommendation?.modeSwitches ?? t.modeSwitches]);
  const swLog = needsLogScale(swValues);
  const switchesTitle = `Mode switches: now vs recommended${sw.length < all.length ? ` (the ${sw.length} with the most of ${formatCount(all.length)})` : ''}${swLog ? ', log scale' : ''}`;
  const switches = chartBox('chart-switches', switchesTitle, sw.map((t) => `${t.id}: ${t.modeSwitches} now${t.recommendation ? `, ${t.recommendation.modeSwitches} recommended` : ''}`).join('; '));
  const byStrategy = new Map<string, number>();
  for (const t of all) byStrategy.set(t.strategy, (byStrategy.get(t.strategy) ?? 0) + (t.bytes ?? 0));
  const bytes = chartBox('chart-bytes', 'Bytes moved, by strategy', [...byStrategy].map(([k, v]) => `${strategyLabel(k)}: ${formatBytes(v)}`).join('; '));
  const keys = new Set<number>();
  for (const s of series) for (const k of Object.keys(s.histogram)) keys.add(Number(k));
  const buckets = [...keys].filter((k) => Number.isFinite(k)).sort((a, b) => a - b);
  const chunks = chartBox('chart-chunks', 'Chunk sizes (calls per power-of-two bucket)', buckets.map((k) => log2BucketLabel(k)).join(', ') || 'no chunk data');
  const timeline = report.timeline ?? [];
  const pids = [...new Set(timeline.map((p) => p.pid))].sort((a, b) => a - b);
  // A row per process while they fit; past that (a replayed big trace: 2,000 processes, 11 to a
  // pixel row) a row per class of call, the pid in each point's tooltip.
  const byClass = pids.length > MAX_TIMELINE_PROCESS_ROWS;
  const rows: string[] = byClass ? CLASS_ORDER.filter((c) => timeline.some((x) => x.class === c)) : pids.map((pid) => `pid ${pid}`);
  const rowOf = new Map<number | string, number>(byClass ? rows.map((c, i) => [c, i]) : pids.map((pid, i) => [pid, i]));
  const tlTitle = byClass
    ? `System call timeline, by class of call (${formatCount(pids.length)} processes: too many for a row each; click a point to reveal its line)`
    : 'System call timeline (click a point to reveal its line)';
  const tl = chartBox('chart-timeline', tlTitle, `${formatCount(timeline.length)} sampled calls over ${pids.length} processes`, true);

  if (ts.length) grid.append(copies.box, switches.box, bytes.box);
  if (buckets.length) grid.append(chunks.box);
  if (timeline.length) section.append(tl.box);

  const draw = (): void => {
    destroyCharts();
    const p = readPalette();
    if (ts.length) {
      add(copies.canvas, {
        type: 'bar',
        data: { labels, datasets: [
          { label: 'CPU copies', data: ts.map((t) => t.copies.cpu ?? 0), backgroundColor: p.red },
          { label: 'DMA copies', data: ts.map((t) => t.copies.dma ?? 0), backgroundColor: p.blue },
        ] },
        options: { ...baseOptions(p, undefined, 'copies per byte', true) },
      });
      const switchOptions = baseOptions(p, undefined, 'mode switches');
      add(switches.canvas, {
        type: 'bar',
        data: { labels: sw.map((t) => `${t.id} ${strategyLabel(t.strategy)}`), datasets: [
          { label: 'now', data: sw.map((t) => t.modeSwitches), backgroundColor: p.orange },
          { label: 'recommended', data: sw.map((t) => t.recommendation?.modeSwitches ?? t.modeSwitches), backgroundColor: p.green },
        ] },
        options: swLog ? { ...switchOptions, scales: { ...switchOptions.scales, y: { ...switchOptions.scales.y, type: 'logarithmic' as const } } } : switchOptions,
      });
      const strategies = [...byStrategy.keys()];
      add(bytes.canvas, {
        type: 'bar',
        data: { labels: strategies.map(strategyLabel), datasets: [{ label: 'bytes', data: strategies.map((k) => byStrategy.get(k) ?? 0), backgroundColor: strategies.map((_, i) => p.series[i % p.series.length]) }] },
        options: (() => {
          const o = baseOptions(p, 'bytes');
          return { ...o, indexAxis: 'y' as const, plugins: { ...o.plugins, legend: { display: false }, tooltip: { callbacks: { label: (c: { parsed: { x: number | null } }) => formatBytes(c.parsed.x ?? 0) } } },
            scales: { ...o.scales, x: { ...o.scales.x, ticks: { ...o.scales.x.ticks, callback: (v: string | number) => formatBytes(Number(v)) } } } };
        })(),
      });
    }
    if (buckets.length) {
      add(chunks.canvas, {
        type: 'bar',
        data: { labels: buckets.map(log2BucketLabel), datasets: series.map((s, i) => ({
          label: s.label,
          data: buckets.map((k) => s.histogram[String(k)] ?? 0),
          backgroundColor: p.series[i % p.series.length],
        })) },
        options: baseOptions(p, 'chunk size', 'calls', true),
      });
    }
    if (timeline.length) {
      const datasets: ChartDataset<'scatter'>[] = [];
      const points: Record<string, { line: number; name: string; durationUs: number | null; fileIndex: number; pid: number }[]> = {};
      for (const c of CLASS_ORDER) {
        const pts = timeline.filter((x) => x.class === c);
        if (!pts.length) continue;
        points[c] = pts.map((x) => ({ line: x.line, name: x.name, durationUs: x.durationUs, fileIndex: x.fileIndex ?? 0, pid: x.pid }));
        datasets.push({ label: c, data: pts.map((x) => ({ x: x.t, y: rowOf.get(byClass ? x.class : x.pid) ?? 0 })), backgroundColor: classColour(p, c), borderColor: classColour(p, c), pointRadius: 3, pointHoverRadius: 5 });
      }
      const o = baseOptions(p, 'seconds since the first call', byClass ? 'class of call' : 'process');
      add(tl.canvas, {
        type: 'scatter',
        data: { datasets },
        options: {
          ...o,
          onClick: (_e, elements) => {
            const el = elements[0];
            const ds = el ? datasets[el.datasetIndex] : undefined;
            const pt = ds && typeof ds.label === 'string' ? points[ds.label]?.[el.index] : undefined;
            if (pt && reveal) reveal(pt.fileIndex, pt.line, pt.line);
          },
          plugins: { ...o.plugins, tooltip: { callbacks: { label: (c) => {
            const pt = typeof c.dataset.label === 'string' ? points[c.dataset.label]?.[c.dataIndex] : undefined;
            return pt ? `${byClass ? `pid ${pt.pid}: ` : ''}${pt.name} (line ${pt.line}) ${formatDurationUs(pt.durationUs)}` : '';
          } } } },
          scales: {
            x: { ...o.scales.x, type: 'linear' },
            y: { ...o.scales.y, type: 'linear', min: -0.5, max: rows.length - 0.5, reverse: true,
              // One tick per row, whatever the range: chart.js would otherwise start at -0.5.
              afterBuildTicks: (axis) => { axis.ticks = rows.map((_, i) => ({ value: i })); },
              ticks: { ...o.scales.y.ticks, autoSkip: rows.length > 24, callback: (v: string | number) => rows[Number(v)] ?? '' } },
          },
        },
      });
    }
  };
  return { section, draw };
}
