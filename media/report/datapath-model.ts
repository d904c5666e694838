// The data-path picture of one transfer, as data: the buffers the payload passes through (disk,
// page cache, user buffer, socket buffer, NIC, pipe, ...) in user space, the kernel or a device,
// and each hop between them as a DMA copy, a CPU copy, or a hand-over by reference (no copy).
// Built from the transfer's endpoints and strategy (io-model.md), then reconciled with the
// analyzer's copies-per-byte so the picture never disagrees with the numbers beside it.
// Pure: no DOM, so plain-Node tests can check it.

import type { Endpoint, Recommendation, Strategy, Transfer } from '../../src/core/report-types';

export type Lane = 'user' | 'kernel' | 'device';
export type HopKind = 'dma' | 'cpu' | 'ref' | 'unknown' | 'cached';

export interface PathBox {
  label: string;
  /** Second line (a path, "loopback", "shared with user space"): untrusted text. */
  detail?: string;
  /** Full text for the tooltip when `detail` is a short form. */
  title?: string;
  lane: Lane;
}

export interface PathHop {
  from: number;
  to: number;
  kind: HopKind;
  /** Short label drawn on the arrow. */
  label: string;
}

export interface PathModel {
  boxes: PathBox[];
  hops: PathHop[];
  cpuCopies: number | null;
  dmaCopies: number | null;
  modeSwitches: number;
  /** Only where the picture cannot show the analyzer's figure (the analyzer lists its own assumptions). */
  notes: string[];
}

const KERNEL_COPY_STRATEGIES: ReadonlySet<string> = new Set(['read_write', 'pread_pwrite', 'readv_writev', 'recv_write']);

/** `a:1->b:2` -> `b:2` (the peer), for a short label; other text unchanged. */
export function peerAddress(path: string): string {
  const i = path.lastIndexOf('->');
  return i >= 0 ? path.slice(i + 2) : path;
}

function isNet(e: Endpoint): boolean {
  return e.kind === 'tcp' || e.kind === 'udp';
}

interface Side {
  boxes: PathBox[];
  /** Hops inside this side (device <-> kernel), in data order. */
  hops: { kind: HopKind; label: string }[];
}

/** The boxes on the source side, in data order, ending at the kernel (or user) buffer the data leaves from. */
function sourceSide(e: Endpoint): Side {
  // O_DIRECT: the disk fills the user buffer itself (buildPathModel makes that hop a DMA).
  if (e.direct === true && (e.kind === 'file' || e.kind === 'dev')) return { boxes: [{ label: 'Disk', detail: e.path, lane: 'device' }], hops: [] };
  switch (e.kind) {
    case 'file':
      return { boxes: [{ label: 'Disk', detail: e.path, lane: 'device' }, { label: 'Page cache', lane: 'kernel' }], hops: [{ kind: 'dma', label: 'DMA' }] };
    case 'tcp':
    case 'udp':
      if (e.loopback) return { boxes: [{ label: 'Socket buffer', detail: 'loopback · no NIC', title: e.path, lane: 'kernel' }], hops: [] };
      return { boxes: [{ label: 'NIC', detail: peerAddress(e.path), title: e.path, lane: 'device' }, { label: 'Socket buffer', lane: 'kernel' }], hops: [{ kind: 'dma', label: 'DMA' }] };
    case 'unix':
      return { boxes: [{ label: 'Socket buffer', detail: e.path, lane: 'kernel' }], hops: [] };
    case 'pipe':
      return { boxes: [{ label: 'Pipe buffer', detail: e.path, lane: 'kernel' }], hops: [] };
    case 'memory':
      return { boxes: [{ label: 'User memory', detail: e.path, lane: 'user' }], hops: [] };
    case 'tty':
      return { boxes: [{ label: 'Terminal', detail: e.path, lane: 'kernel' }], hops: [] };
    case 'dev':
      return { boxes: [{ label: 'Device', detail: e.path, lane: 'kernel' }], hops: [] };
    default:
      return { boxes: [{ label: 'Kernel object', detail: e.path, lane: 'kernel' }], hops: [] };
  }
}

/** The sink side, in data order, starting at the kernel (or user) buffer the data arrives in. */
function sinkSide(e: Endpoint): Side {
  if (e.direct === true && (e.kind === 'file' || e.kind === 'dev')) return { boxes: [{ label: 'Disk', detail: e.path, lane: 'device' }], hops: [] };
  switch (e.kind) {
    case 'file':
      return { boxes: [{ label: 'Page cache', lane: 'kernel' }, { label: 'Disk', detail: e.path, lane: 'device' }], hops: [{ kind: 'dma', label: 'DMA' }] };
    case 'tcp':
    case 'udp':
      if (e.loopback) return { boxes: [{ label: 'Socket buffer', detail: 'loopback · no NIC', title: e.path, lane: 'kernel' }], hops: [] };
      return { boxes: [{ label: 'Socket buffer', lane: 'kernel' }, { label: 'NIC', detail: peerAddress(e.path), title: e.path, lane: 'device' }], hops: [{ kind: 'dma', label: 'DMA' }] };
    default: {
      const src = sourceSide(e);
      return src;
    }
  }
}

/** The middle of the path for a strategy: extra boxes and the hops joining source side, middle, sink side. */
function middle(strategy: Strategy, via: Endpoint | undefined, source: Endpoint, sink: Endpoint): { boxes: PathBox[]; hops: { kind: HopKind; label: string }[]; notes: string[] } {
  if (KERNEL_COPY_STRATEGIES.has(strategy) || strategy === 'msg_zerocopy') {
    if (strategy === 'msg_zerocopy') {
      return { boxes: [{ label: 'User buffer', detail: 'pinned (MSG_ZEROCOPY)', lane: 'user' }], hops: [{ kind: 'cpu', label: 'CPU' }, { kind: 'ref', label: 'pinned' }], notes: [] };
    }
    return { boxes: [{ label: 'User buffer', lane: 'user' }], hops: [{ kind: 'cpu', label: 'CPU' }, { kind: 'cpu', label: 'CPU' }], notes: [] };
  }
  switch (strategy) {
    case 'mmap_write':
      return { boxes: [{ label: 'Mapped pages', detail: 'shared page cache', lane: 'user' }], hops: [{ kind: 'ref', label: 'mmap' }, { kind: 'cpu', label: 'CPU' }], notes: [] };
    case 'sendfile':
      return { boxes: [], hops: [isNet(sink) ? { kind: 'ref', label: 'refs' } : { kind: 'cpu', label: 'CPU' }], notes: [] };
    case 'splice':
      // One end already is a pipe: splice moves page references straight to or from it.
      if (source.kind === 'pipe' || sink.kind === 'pipe') {
        return { boxes: [], hops: [sink.kind === 'file' ? { kind: 'cpu', label: 'CPU' } : { kind: 'ref', label: 'refs' }], notes: [] };
      }
      return {
        boxes: [{ label: 'Pipe', detail: via?.path ?? 'page references', lane: 'kernel' }],
        hops: [{ kind: 'ref', label: 'refs' }, sink.kind === 'file' ? { kind: 'cpu', label: 'CPU' } : { kind: 'ref', label: 'refs' }],
        notes: [],
      };
    case 'copy_file_range':
      return { boxes: [], hops: [{ kind: 'cpu', label: 'CPU' }], notes: [] };
    case 'vmsplice':
    case 'tee':
      return { boxes: [], hops: [{ kind: 'ref', label: strategy === 'tee' ? 'refs' : 'map' }], notes: [] };
    case 'io_uring':
      return { boxes: [{ label: 'io_uring', detail: 'opcodes not visible', lane: 'kernel' }], hops: [{ kind: 'unknown', label: '?' }, { kind: 'unknown', label: '?' }], notes: [] };
    default:
      return { boxes: [], hops: [{ kind: 'unknown', label: '?' }], notes: [] };
  }
}

/** Turns hops of `from` kind into `to` kind, from the end of the path backwards, `n` times. */
function convert(hops: PathHop[], from: HopKind, to: HopKind, n: number, label: string): number {
  let left = n;
  for (let i = hops.length - 1; i >= 0 && left > 0; i--) {
    if (hops[i].kind === from) {
      hops[i] = { ...hops[i], kind: to, label };
      left -= 1;
    }
  }
  return n - left;
}

export interface PathInput {
  source: Endpoint;
  sink: Endpoint;
  via?: Endpoint;
  strategy: Strategy;
  copies: { cpu: number | null; dma: number | null };
  modeSwitches: number;
}

export function buildPathModel(input: PathInput): PathModel {
  const src = sourceSide(input.source);
  const mid = middle(input.strategy, input.via, input.source, input.sink);
  const snk = sinkSide(input.sink);
  const boxes: PathBox[] = [...src.boxes, ...mid.boxes, ...snk.boxes];
  // Data order: source hops, then the middle hops (one more than middle boxes, joining the sides), then sink hops.
  const kinds = [...src.hops, ...mid.hops, ...snk.hops];
  // O_DIRECT ends: the hop between the disk and the middle is the device's DMA, not a CPU copy.
  if (input.source.direct === true && src.hops.length === 0 && src.boxes[0]?.label === 'Disk' && kinds.length > 0) kinds[0] = { kind: 'dma', label: 'DMA' };
  if (input.sink.direct === true && snk.hops.length === 0 && snk.boxes[0]?.label === 'Disk' && kinds.length >= boxes.length - 1) kinds[boxes.length - 2] = { kind: 'dma', label: 'DMA' };
  const hops: PathHop[] = [];
  for (let i = 0; i + 1 < boxes.length; i++) {
    const k = kinds[i] ?? { kind: 'unknown' as HopKind, label: '?' };
    hops.push({ from: i, to: i + 1, kind: k.kind, label: k.label });
  }
  const notes = [...mid.notes];
  // Reconcile with the analyzer's figures: they are the truth, the picture follows them.
  const cpu = input.copies.cpu;
  if (cpu !== null) {
    const drawn = hops.filter((x) => x.kind === 'cpu').length;
    if (drawn > cpu) convert(hops, 'cpu', 'ref', drawn - cpu, 'no copy');
    else if (drawn < cpu) {
      const added = convert(hops, 'ref', 'cpu', cpu - drawn, 'CPU');
      if (drawn + added < cpu) notes.push(`The analysis counts ${cpu} CPU copies per byte; the picture shows ${drawn + added}.`);
    }
  }
  const dma = input.copies.dma;
  if (dma !== null) {
    const drawn = hops.filter((x) => x.kind === 'dma').length;
    if (drawn > dma) {
      // Typically a warm page cache: the disk was not read again.
      for (let i = 0, left = drawn - dma; i < hops.length && left > 0; i++) {
        if (hops[i].kind === 'dma') {
          hops[i] = { ...hops[i], kind: 'cached', label: 'no DMA' };
          left -= 1;
        }
      }
    }
  }
  return { boxes, hops, cpuCopies: cpu, dmaCopies: dma, modeSwitches: input.modeSwitches, notes };
}

export function transferPath(t: Transfer): PathModel {
  return buildPathModel({ source: t.source, sink: t.sink, via: t.via, strategy: t.strategy, copies: t.copies, modeSwitches: t.modeSwitches });
}

/** The recommended path for the same endpoints and bytes, or null when there is no recommendation. */
export function recommendedPath(t: Transfer, r: Recommendation | null = t.recommendation): PathModel | null {
  if (!r) return null;
  const strategy: Strategy = r.strategy === 'larger_buffers' ? t.strategy : r.strategy;
  return buildPathModel({
    source: t.source,
    sink: t.sink,
    via: r.strategy === 'splice' ? { kind: 'pipe', path: 'pipe' } : undefined,
    strategy,
    copies: r.copies,
    modeSwitches: r.modeSwitches,
  });
}

/** What the recommendation would save, for the line under the recommended picture. */
export function savings(t: Transfer): { modeSwitches: number; cpuCopies: number | null; cpuBytes: number | null } | null {
  const r = t.recommendation;
  if (!r) return null;
  const cpuCopies = t.copies.cpu === null ? null : t.copies.cpu - r.copies.cpu;
  const cpuBytes = t.bytes === null || cpuCopies === null ? null : t.bytes * cpuCopies;
  return { modeSwitches: t.modeSwitches - r.modeSwitches, cpuCopies, cpuBytes };
}
