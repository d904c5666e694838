// Draws a PathModel as an SVG (svg.datapath) with DOM APIs: three lanes (user space, kernel,
// devices), one box per buffer, one arrow per hop coloured by kind (CPU copy, DMA copy, no copy).

import { s, uid } from './dom';
import type { HopKind, Lane, PathModel } from './datapath-model';

const BOX_W = 122;
const BOX_H = 44;
const COL = 174;
const LANE_H = 60;
const LEFT = 90;
const TOP = 8;
const LANES: Lane[] = ['user', 'kernel', 'device'];
const LANE_LABEL: Record<Lane, string> = { user: 'user space', kernel: 'kernel', device: 'hardware' };

function laneY(lane: Lane): number {
  return TOP + LANES.indexOf(lane) * LANE_H;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const slash = text.lastIndexOf('/');
  const tail = slash >= 0 && text.length - slash <= max ? text.slice(slash) : text.slice(text.length - (max - 1));
  return `…${tail.slice(Math.max(0, tail.length - (max - 1)))}`;
}

const HOP_TEXT: Record<HopKind, string> = {
  cpu: 'CPU copy',
  dma: 'DMA copy',
  ref: 'no copy',
  unknown: 'unknown',
  cached: 'no DMA (cached)',
};

export function describePath(model: PathModel): string {
  const parts: string[] = [];
  model.boxes.forEach((b, i) => {
    if (i > 0) {
      const hop = model.hops[i - 1];
      parts.push(`then ${HOP_TEXT[hop?.kind ?? 'unknown']} to`);
    }
    parts.push(`${b.label} (${LANE_LABEL[b.lane]})`);
  });
  return parts.join(' ');
}

/** `columns`: draw at least this many box columns wide, so two pictures side by side share one scale. */
export function renderPath(model: PathModel, caption: string, variant: 'actual' | 'recommended', columns = 0): SVGSVGElement {
  const n = Math.max(model.boxes.length, columns);
  // The mode-switch count sits right of the user lane's boxes: a wide count (1,234,566) widens the picture rather than covering a box.
  const ms = `⇅ ${model.modeSwitches.toLocaleString('en-US')} mode switches`;
  const msW = ms.length * 7.2 + 16;
  const userEnd = model.boxes.reduce((end, box, i) => (box.lane === 'user' ? Math.max(end, LEFT + i * COL + BOX_W) : end), 0);
  const width = Math.max(LEFT + Math.max(1, n) * COL - (COL - BOX_W) + 16, 470, userEnd + 12 + msW + 6);
  const height = TOP + LANES.length * LANE_H + 4;
  const titleId = uid('dp-title');
  const svg = s('svg', {
    class: `datapath datapath-${variant}`,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': titleId,
  });
  svg.append(s('title', { id: titleId }, `${caption}: ${describePath(model)}`));

  const markerIds: Partial<Record<HopKind, string>> = {};
  const defs = s('defs');
  for (const kind of ['cpu', 'dma', 'ref', 'unknown', 'cached'] as HopKind[]) {
    const id = uid('dp-arrow');
    markerIds[kind] = id;
    defs.append(
      s('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', class: `dp-marker dp-${kind}` },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z' })),
    );
  }
  svg.append(defs);

  // Lanes, and the user/kernel boundary every system call crosses twice.
  LANES.forEach((lane, i) => {
    const y = laneY(lane);
    svg.append(s('rect', { class: `dp-lane dp-lane-${lane}`, x: 0, y, width, height: LANE_H, rx: 3 }));
    svg.append(s('text', { class: 'dp-lane-label', x: 8, y: y + LANE_H / 2 + 4 }, LANE_LABEL[lane]));
    if (i === 1) svg.append(s('line', { class: 'dp-boundary', x1: 0, x2: width, y1: y, y2: y }));
    // Kernel and hardware apart even where a theme paints both lanes alike (high contrast).
    if (i === 2) svg.append(s('line', { class: 'dp-boundary-hardware', x1: 0, x2: width, y1: y, y2: y }));
  });
  // The mode switches, counted: every call crosses the user/kernel boundary twice.
  const msG = s('g', { class: 'dp-modeswitch' });
  msG.append(s('title', undefined, `${model.modeSwitches} crossings between user and kernel mode: 2 per system call (enter and return)`));
  const msY = laneY('user') + 8;
  msG.append(s('rect', { x: width - msW - 6, y: msY, width: msW, height: 20, rx: 10 }));
  msG.append(s('text', { x: width - msW / 2 - 6, y: msY + 14, 'text-anchor': 'middle' }, ms));
  svg.append(msG);

  const boxX = (i: number): number => LEFT + i * COL;
  const boxY = (lane: Lane): number => laneY(lane) + (LANE_H - BOX_H) / 2;

  // Arrows first, so boxes sit on top of their ends.
  model.hops.forEach((hop) => {
    const a = model.boxes[hop.from];
    const b = model.boxes[hop.to];
    if (!a || !b) return;
    const x1 = boxX(hop.from) + BOX_W;
    const y1 = boxY(a.lane) + BOX_H / 2;
    const x2 = boxX(hop.to) - 2;
    const y2 = boxY(b.lane) + BOX_H / 2;
    const mx = (x1 + x2) / 2;
    const g = s('g', { class: `dp-hop dp-${hop.kind}` });
    g.append(s('title', undefined, `${HOP_TEXT[hop.kind]}: ${a.label} → ${b.label}`));
    g.append(s('path', { class: 'dp-arrow', d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}`, 'marker-end': `url(#${markerIds[hop.kind]})` }));
    const ly = (y1 + y2) / 2;
    const lw = Math.max(30, hop.label.length * 6.2 + 10);
    g.append(s('rect', { class: 'dp-hop-pill', x: mx - lw / 2, y: ly - 9, width: lw, height: 18, rx: 9 }));
    g.append(s('text', { class: 'dp-hop-label', x: mx, y: ly + 4, 'text-anchor': 'middle' }, hop.label));
    svg.append(g);
  });

  model.boxes.forEach((box, i) => {
    const x = boxX(i);
    const y = boxY(box.lane);
    const g = s('g', { class: `dp-box dp-box-${box.lane}` });
    const full = box.title ?? box.detail;
    g.append(s('title', undefined, full ? `${box.label}: ${full}` : box.label));
    g.append(s('rect', { x, y, width: BOX_W, height: BOX_H, rx: 5 }));
    if (box.detail) {
      g.append(s('text', { class: 'dp-box-label', x: x + BOX_W / 2, y: y + 18, 'text-anchor': 'middle' }, box.label));
      g.append(s('text', { class: 'dp-box-detail', x: x + BOX_W / 2, y: y + 34, 'text-anchor': 'middle' }, shorten(box.detail, 19)));
    } else {
      g.append(s('text', { class: 'dp-box-label', x: x + BOX_W / 2, y: y + BOX_H / 2 + 4, 'text-anchor': 'middle' }, box.label));
    }
    svg.append(g);
  });
  return svg;
}
