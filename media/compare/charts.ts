// The comparison charts: each one draws before and after as two bar series over the same
// categories on ONE value axis, so the bars compare by eye. Colours: before = the muted foreground,
// after = charts-blue everywhere on the page (the side chips and total bars use the same two).

import { Chart, type ChartConfiguration } from 'chart.js';
import type { TraceComparison } from '../../src/core/compare';
import type { IoReport } from '../../src/core/report-types';
import { baseOptions } from '../report/charts';
import { h } from '../report/dom';
import { formatBytes, formatCount } from '../report/format';
import { readPalette } from '../report/theme';
import { byteStep, chunkSeries, classSeries, sharedMax, transferSeries, type PairedSeries } from './model';

const charts: Chart[] = [];

export function destroyCompareCharts(): void {
  while (charts.length) charts.pop()?.destroy();
}

interface ChartSpec {
  id: string;
  title: string;
  series: PairedSeries;
  yTitle: string;
  format: (n: number) => string;
  bytes?: boolean;
}

function summary(spec: ChartSpec): string {
  const s = spec.series;
  return s.labels.map((l, i) => `${l}: ${spec.format(s.before[i] ?? 0)} before, ${spec.format(s.after[i] ?? 0)} after`).join('; ');
}

export function renderCompareCharts(comparison: TraceComparison, before: IoReport, after: IoReport): { section: HTMLElement; draw: () => void } {
  const specs: ChartSpec[] = [
    { id: 'cchart-cpu', title: 'CPU bytes copied, per transfer', series: transferSeries(comparison, (t) => t.cpuBytesCopied), yTitle: 'bytes', format: formatBytes, bytes: true },
    { id: 'cchart-switches', title: 'Mode switches, per transfer', series: transferSeries(comparison, (t) => t.modeSwitches), yTitle: 'mode switches', format: formatCount },
    { id: 'cchart-classes', title: 'System calls, by class', series: classSeries(before, after), yTitle: 'calls', format: formatCount },
    { id: 'cchart-chunks', title: 'Chunk sizes (calls per power-of-two bucket)', series: chunkSeries(before, after), yTitle: 'calls', format: formatCount },
  ].filter((s) => s.series.labels.length > 0);

  const section = h('section', { class: 'charts compare-charts', 'aria-labelledby': 'ccharts-title' },
    h('h2', { id: 'ccharts-title' }, 'Charts'),
    h('p', { class: 'muted hint' }, 'Before and after share each chart\'s axis: bar heights compare directly.'));
  const grid = h('div', { class: 'chart-grid' });
  section.append(grid);
  const canvases = specs.map((spec) => {
    const text = summary(spec);
    const canvas = h('canvas', { id: spec.id, role: 'img', 'aria-label': `${spec.title}. ${text}` }, text);
    grid.append(h('figure', { class: 'chart' }, h('figcaption', undefined, spec.title), h('div', { class: 'chart-canvas' }, canvas)));
    return canvas;
  });
  if (specs.length === 0) section.append(h('p', { class: 'muted' }, 'Nothing to chart: neither trace has a transfer.'));

  const draw = (): void => {
    destroyCompareCharts();
    const p = readPalette();
    specs.forEach((spec, i) => {
      const canvas = canvases[i];
      if (!canvas) return;
      const o = baseOptions(p, undefined, spec.yTitle);
      const config: ChartConfiguration<'bar'> = {
        type: 'bar',
        data: {
          labels: spec.series.labels,
          datasets: [
            { label: 'before', data: spec.series.before, backgroundColor: p.muted, borderColor: p.muted },
            { label: 'after', data: spec.series.after, backgroundColor: p.blue, borderColor: p.blue },
          ],
        },
        options: {
          ...o,
          plugins: {
            ...o.plugins,
            tooltip: {
              ...o.plugins.tooltip,
              callbacks: {
                title: (items) => spec.series.titles[items[0]?.dataIndex ?? 0] ?? '',
                label: (c) => `${c.dataset.label ?? ''}: ${spec.format(c.parsed.y ?? 0)}`,
              },
            },
          },
          scales: {
            x: o.scales.x,
            y: { ...o.scales.y, beginAtZero: true, ticks: { ...o.scales.y.ticks, stepSize: spec.bytes ? byteStep(sharedMax(spec.series)) : undefined, precision: 0, callback: (v: string | number) => spec.format(Number(v)) } },
          },
        },
      };
      charts.push(new Chart(canvas, config));
    });
  };
  return { section, draw };
}
