// One card per transfer (`.transfer[data-strategy]`): endpoints, figures, the data-path picture
// now and as recommended, calls by name, chunk sizes, assumptions and -k frames.

import type { Endpoint, Transfer } from '../../src/core/report-types';
import { h } from './dom';
import { recommendedPath, savings, transferPath } from './datapath-model';
import { renderPath } from './datapath';
import { baseName, formatBytes, formatCopies, formatCount, formatDurationUs, formatExactBytes, log2BucketLabel } from './format';
import type { RevealFn } from './header';

export const STRATEGY_LABEL: Record<string, string> = {
  read_write: 'read + write',
  pread_pwrite: 'pread + pwrite',
  readv_writev: 'readv + writev',
  recv_write: 'recv + write',
  mmap_write: 'mmap + write',
  sendfile: 'sendfile',
  splice: 'splice',
  copy_file_range: 'copy_file_range',
  vmsplice: 'vmsplice',
  tee: 'tee',
  msg_zerocopy: 'MSG_ZEROCOPY',
  io_uring: 'io_uring',
  larger_buffers: 'larger buffers',
};

export function strategyLabel(s: string): string {
  return STRATEGY_LABEL[s] ?? s;
}

function endpointLabel(e: Endpoint): HTMLElement {
  const short = e.kind === 'file' ? baseName(e.path) : e.path;
  return h('span', { class: `endpoint endpoint-${e.kind}`, title: `${e.kind}: ${e.path}` }, h('span', { class: 'kind' }, e.kind), ' ', h('span', { class: 'path' }, short));
}

function metric(label: string, value: string, title?: string): HTMLElement {
  return h('div', { class: 'metric', title }, h('dt', undefined, label), h('dd', undefined, value));
}

function copiesText(t: { cpu: number | null; dma: number | null }): string {
  return `${formatCopies(t.cpu)} CPU + ${formatCopies(t.dma)} DMA`;
}

export function transferTitle(t: Transfer): string {
  const src = t.source.kind === 'file' ? baseName(t.source.path) : t.source.kind;
  const snk = t.sink.kind === 'file' ? baseName(t.sink.path) : t.sink.kind;
  return `${t.id} ${src} → ${snk}`;
}

export function renderTransfer(t: Transfer, reveal: RevealFn | null): HTMLElement {
  const lineText = t.lines[0] === t.lines[1] ? `line ${t.lines[0]}` : `lines ${t.lines[0]}–${t.lines[1]}`;
  const card = h('article', {
    class: 'transfer',
    'data-strategy': t.strategy,
    'data-id': t.id,
    tabindex: 0,
    'aria-label': `Transfer ${t.id}: ${strategyLabel(t.strategy)} from ${t.source.path} to ${t.sink.path}, ${formatExactBytes(t.bytes)}, ${t.modeSwitches} mode switches. ${reveal ? `Enter reveals ${lineText}.` : ''}`,
  });

  const head = h('header', { class: 'transfer-head' },
    h('span', { class: 'transfer-id' }, t.id),
    h('span', { class: `strategy strategy-${t.strategy}` }, strategyLabel(t.strategy)),
    h('span', { class: 'route' }, endpointLabel(t.source), h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '),
      ...(t.via ? [endpointLabel(t.via), h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → ')] : []), endpointLabel(t.sink)),
    h('span', { class: 'pid' }, `pid ${t.pid}`));
  if (reveal) {
    const btn = h('button', { type: 'button', class: 'link reveal', tabindex: -1, title: 'Show these calls in the trace' }, lineText);
    btn.addEventListener('click', (ev) => {
      ev.stopPropagation();
      reveal(t.fileIndex ?? 0, t.lines[0], t.lines[1]);
    });
    head.append(btn);
  } else {
    head.append(h('span', { class: 'muted' }, lineText));
  }
  card.append(head);

  const metrics = h('dl', { class: 'metrics' },
    metric('bytes', formatBytes(t.bytes), formatExactBytes(t.bytes)),
    metric('copies per byte', copiesText(t.copies)),
    metric('CPU bytes copied', formatBytes(t.cpuBytesCopied), formatExactBytes(t.cpuBytesCopied)),
    metric('mode switches', formatCount(t.modeSwitches), t.pageFaults ? '2 per system call (enter and return) and 2 per page fault on the mapping' : '2 per system call: enter and return'),
    metric('time', formatDurationUs(t.durationUs)),
  );
  if (t.pageFaults !== undefined && t.pageFaults !== null) metrics.append(metric('page faults', formatCount(t.pageFaults)));
  card.append(metrics);

  // The picture: the path now, and the recommended one beside it.
  const now = transferPath(t);
  const rec = recommendedPath(t);
  const columns = Math.max(now.boxes.length, rec?.boxes.length ?? 0);
  const figures = h('div', { class: 'paths' });
  figures.append(h('figure', { class: 'path path-actual' },
    h('figcaption', undefined, h('strong', undefined, 'Now: '), `${strategyLabel(t.strategy)} — ${copiesText(t.copies)} copies per byte, ${formatCount(t.modeSwitches)} mode switches`),
    renderPath(now, `Data path of ${t.id} (${strategyLabel(t.strategy)})`, 'actual', columns)));
  const save = savings(t);
  if (rec && t.recommendation && save) {
    const r = t.recommendation;
    const gains: string[] = [];
    if (save.modeSwitches > 0) gains.push(`${formatCount(save.modeSwitches)} mode switches`);
    if (save.cpuCopies !== null && save.cpuCopies > 0) gains.push(`${save.cpuCopies} CPU ${save.cpuCopies === 1 ? 'copy' : 'copies'} per byte (${formatBytes(save.cpuBytes)} not copied)`);
    figures.append(h('figure', { class: 'path path-recommended' },
      h('figcaption', undefined, h('strong', undefined, 'Recommended: '), `${strategyLabel(r.strategy)} — ${r.copies.cpu} CPU + ${r.copies.dma} DMA copies per byte, ${formatCount(r.modeSwitches)} mode switches`),
      renderPath(rec, `Recommended data path for ${t.id} (${strategyLabel(r.strategy)})`, 'recommended', columns),
      h('p', { class: 'saving' }, gains.length ? `Saves ${gains.join(', ')}.` : 'Same cost.'),
      h('p', { class: 'why' }, r.why)));
  } else {
    figures.append(h('p', { class: 'no-rec' }, 'No cheaper strategy for these endpoints.'));
  }
  card.append(figures);
  const notes = now.notes;
  const details = h('div', { class: 'transfer-details' });

  const calls = h('ul', { class: 'calls', 'aria-label': 'System calls by name' });
  for (const [name, n] of Object.entries(t.syscalls).sort((a, b) => b[1] - a[1])) {
    calls.append(h('li', undefined, h('code', undefined, name), ` × ${formatCount(n)}`));
  }
  details.append(h('section', undefined, h('h4', undefined, 'Calls'), calls));

  if (t.chunks) {
    const c = t.chunks;
    const top = Object.entries(c.log2Histogram).map(([k, v]) => [Number(k), v] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
    // One chunk has no spread to describe.
    details.append(c.count === 1
      ? h('section', undefined, h('h4', undefined, 'Chunks'), h('p', undefined, `1 chunk of ${formatBytes(c.min)}`))
      : h('section', undefined, h('h4', undefined, 'Chunks'),
        h('p', undefined, `${formatCount(c.count)} chunks, min ${formatBytes(c.min)}, mean ${formatBytes(Math.round(c.mean))}, max ${formatBytes(c.max)}`),
        h('p', { class: 'muted' }, `most common: ${top.map(([k, v]) => `${log2BucketLabel(k)} × ${v}`).join(', ')}`)));
  }

  const assumptions = [...t.assumptions, ...notes];
  if (assumptions.length) {
    const ul = h('ul', { class: 'assumptions' });
    for (const a of assumptions) ul.append(h('li', undefined, a));
    details.append(h('section', undefined, h('h4', undefined, 'Assumptions'), ul));
  }
  if (t.frames && t.frames.length) {
    const ul = h('ul', { class: 'frames' });
    for (const f of t.frames) ul.append(h('li', undefined, h('code', undefined, f)));
    details.append(h('section', undefined, h('h4', undefined, 'Issued by (-k)'), ul));
  }
  card.append(details);

  if (reveal) {
    card.addEventListener('click', (ev) => {
      const target = ev.target as Element | null;
      if (target && target.closest('button, a')) return;
      reveal(t.fileIndex ?? 0, t.lines[0], t.lines[1]);
    });
  }
  return card;
}
