// Draws a PathModel as SVG (svg.datapath) with DOM APIs: three lanes (user space, kernel,
// devices), one box per buffer, one arrow per hop coloured by kind (CPU copy, DMA copy, no copy).

import { h, s, uid } from './dom';
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

/**
 * The picture in two layouts, one shown at a time by the panel's width (a CSS container query on
 * `.paths` / `.cpath`): lanes as rows, the path running left to right (wide), or lanes as columns,
 * the path running down (tall). A 520 px panel beside the source would otherwise draw the wide one
 * at 60 % of its size, its labels at about 7 px. `columns` / `tallRows`: draw the wide one at least
 * this many boxes wide, the tall one this many boxes high, so two pictures side by side share one
 * scale (the report's two tall ones are one above the other: no padding there).
 */
export function renderPath(model: PathModel, caption: string, variant: 'actual' | 'recommended', columns = 0, tallRows = 0): HTMLElement {
  // The wide picture grows by a column per box: with 5 or 6+ boxes (io_uring, vmsplice + tee) the
  // tall one takes over in wider panels too (report.css), where the wide one would shrink below ~85 %.
  const boxes = Math.max(model.boxes.length, columns);
  const size = boxes >= 6 ? ' dp-boxes-6' : boxes === 5 ? ' dp-boxes-5' : '';
  return h('div', { class: `datapath-views${size}` }, renderWide(model, caption, variant, columns), renderTall(model, caption, variant, tallRows));
}

function pictureFrame(model: PathModel, caption: string, variant: string, layout: 'wide' | 'tall', width: number, height: number): { svg: SVGSVGElement; markerIds: Record<HopKind, string> } {
  const titleId = uid('dp-title');
  const svg = s('svg', {
    class: `datapath datapath-${layout} datapath-${variant}`,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': titleId,
  });
  svg.append(s('title', { id: titleId }, `${caption}: ${describePath(model)}`));
  const markerIds = {} as Record<HopKind, string>;
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
  return { svg, markerIds };
}

/** The mode-switch count as a pill whose right edge is at `right`; its width, to make room. */
function modeSwitchText(model: PathModel): { text: string; width: number } {
  const text = `⇅ ${model.modeSwitches.toLocaleString('en-US')} mode switches`;
  return { text, width: text.length * 7.2 + 16 };
}

function drawModeSwitches(svg: SVGSVGElement, model: PathModel, right: number, y: number): void {
  const { text, width } = modeSwitchText(model);
  // The mode switches, counted: every call crosses the user/kernel boundary twice.
  const g = s('g', { class: 'dp-modeswitch' });
  g.append(s('title', undefined, `${model.modeSwitches} crossings between user and kernel mode: 2 per system call (enter and return)`));
  g.append(s('rect', { x: right - width, y, width, height: 20, rx: 10 }));
  g.append(s('text', { x: right - width / 2, y: y + 14, 'text-anchor': 'middle' }, text));
  svg.append(g);
}

/** One arrow from (x1, y1) to (x2, y2), bending along `axis`, with its label in a pill at the middle. */
function drawHop(svg: SVGSVGElement, model: PathModel, hop: PathModel['hops'][number], markerIds: Record<HopKind, string>, x1: number, y1: number, x2: number, y2: number, axis: 'x' | 'y'): void {
  const a = model.boxes[hop.from];
  const b = model.boxes[hop.to];
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  const g = s('g', { class: `dp-hop dp-${hop.kind}` });
  g.append(s('title', undefined, `${HOP_TEXT[hop.kind]}: ${a.label} → ${b.label}`));
  const d = axis === 'x' ? `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}` : `M ${x1} ${y1} C ${x1} ${my}, ${x2} ${my}, ${x2} ${y2}`;
  g.append(s('path', { class: 'dp-arrow', d, 'marker-end': `url(#${markerIds[hop.kind]})` }));
  const lw = Math.max(30, hop.label.length * 6.2 + 10);
  g.append(s('rect', { class: 'dp-hop-pill', x: mx - lw / 2, y: my - 9, width: lw, height: 18, rx: 9 }));
  g.append(s('text', { class: 'dp-hop-label', x: mx, y: my + 4, 'text-anchor': 'middle' }, hop.label));
  svg.append(g);
}

function drawBox(svg: SVGSVGElement, box: PathModel['boxes'][number], x: number, y: number, width: number, height: number): void {
  const g = s('g', { class: `dp-box dp-box-${box.lane}` });
  const full = box.title ?? box.detail;
  g.append(s('title', undefined, full ? `${box.label}: ${full}` : box.label));
  g.append(s('rect', { x, y, width, height, rx: 5 }));
  if (box.detail) {
    g.append(s('text', { class: 'dp-box-label', x: x + width / 2, y: y + height / 2 - 4, 'text-anchor': 'middle' }, box.label));
    g.append(s('text', { class: 'dp-box-detail', x: x + width / 2, y: y + height / 2 + 12, 'text-anchor': 'middle' }, shorten(box.detail, 19)));
  } else {
    g.append(s('text', { class: 'dp-box-label', x: x + width / 2, y: y + height / 2 + 4, 'text-anchor': 'middle' }, box.label));
  }
  svg.append(g);
}

/** Lanes as rows (user space on top), the path left to right. */
function renderWide(model: PathModel, caption: string, variant: string, columns: number): SVGSVGElement {
  const n = Math.max(model.boxes.length, columns);
  // The mode-switch count sits right of the user lane's boxes: a wide count (1,234,566) widens the picture rather than covering a box.
  const msW = modeSwitchText(model).width;
  const userEnd = model.boxes.reduce((end, box, i) => (box.lane === 'user' ? Math.max(end, LEFT + i * COL + BOX_W) : end), 0);
  const width = Math.max(LEFT + Math.max(1, n) * COL - (COL - BOX_W) + 16, 470, userEnd + 12 + msW + 6);
  const height = TOP + LANES.length * LANE_H + 4;
  const { svg, markerIds } = pictureFrame(model, caption, variant, 'wide', width, height);

  // Lanes, and the user/kernel boundary every system call crosses twice.
  LANES.forEach((lane, i) => {
    const y = laneY(lane);
    svg.append(s('rect', { class: `dp-lane dp-lane-${lane}`, x: 0, y, width, height: LANE_H, rx: 3 }));
    svg.append(s('text', { class: 'dp-lane-label', x: 8, y: y + LANE_H / 2 + 4 }, LANE_LABEL[lane]));
    if (i === 1) svg.append(s('line', { class: 'dp-boundary', x1: 0, x2: width, y1: y, y2: y }));
    // Kernel and hardware apart even where a theme paints both lanes alike (high contrast).
    if (i === 2) svg.append(s('line', { class: 'dp-boundary-hardware', x1: 0, x2: width, y1: y, y2: y }));
  });
  drawModeSwitches(svg, model, width - 6, laneY('user') + 8);

  const boxX = (i: number): number => LEFT + i * COL;
  const boxY = (lane: Lane): number => laneY(lane) + (LANE_H - BOX_H) / 2;
  // Arrows first, so boxes sit on top of their ends.
  for (const hop of model.hops) {
    const a = model.boxes[hop.from];
    const b = model.boxes[hop.to];
    if (!a || !b) continue;
    drawHop(svg, model, hop, markerIds, boxX(hop.from) + BOX_W, boxY(a.lane) + BOX_H / 2, boxX(hop.to) - 2, boxY(b.lane) + BOX_H / 2, 'x');
  }
  model.boxes.forEach((box, i) => drawBox(svg, box, boxX(i), boxY(box.lane), BOX_W, BOX_H));
  return svg;
}

// The tall layout: three lane columns of TALL_COL, one row per box.
const TALL_COL = 140;
const TALL_BOX_W = 124;
const TALL_BOX_H = 40;
const TALL_ROW = 72;
const TALL_HEAD = 24;
const TALL_PAD = 4;

/** Lanes as columns (user space on the left), the path downwards: readable at full size in a narrow panel. */
function renderTall(model: PathModel, caption: string, variant: string, rows: number): SVGSVGElement {
  const n = Math.max(1, model.boxes.length, rows);
  const width = TALL_PAD * 2 + LANES.length * TALL_COL;
  const boxesEnd = TALL_HEAD + (n - 1) * TALL_ROW + TALL_BOX_H;
  const height = boxesEnd + 36;
  const { svg, markerIds } = pictureFrame(model, caption, variant, 'tall', width, height);

  const laneX = (lane: Lane): number => TALL_PAD + LANES.indexOf(lane) * TALL_COL;
  LANES.forEach((lane, i) => {
    const x = laneX(lane);
    svg.append(s('rect', { class: `dp-lane dp-lane-${lane}`, x, y: 0, width: TALL_COL, height: boxesEnd + 8, rx: 3 }));
    svg.append(s('text', { class: 'dp-lane-label', x: x + TALL_COL / 2, y: 15, 'text-anchor': 'middle' }, LANE_LABEL[lane]));
    if (i === 1) svg.append(s('line', { class: 'dp-boundary', x1: x, x2: x, y1: 0, y2: boxesEnd + 8 }));
    if (i === 2) svg.append(s('line', { class: 'dp-boundary-hardware', x1: x, x2: x, y1: 0, y2: boxesEnd + 8 }));
  });
  drawModeSwitches(svg, model, width - TALL_PAD, boxesEnd + 14);

  const boxX = (lane: Lane): number => laneX(lane) + (TALL_COL - TALL_BOX_W) / 2;
  const boxY = (i: number): number => TALL_HEAD + i * TALL_ROW;
  for (const hop of model.hops) {
    const a = model.boxes[hop.from];
    const b = model.boxes[hop.to];
    if (!a || !b) continue;
    drawHop(svg, model, hop, markerIds, boxX(a.lane) + TALL_BOX_W / 2, boxY(hop.from) + TALL_BOX_H, boxX(b.lane) + TALL_BOX_W / 2, boxY(hop.to) - 2, 'y');
  }
  model.boxes.forEach((box, i) => drawBox(svg, box, boxX(box.lane), boxY(i), TALL_BOX_W, TALL_BOX_H));
  return svg;
}
