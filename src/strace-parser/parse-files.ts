// Entry points: parse trace files (streaming; several paths = the -ff parts of one trace) or text.

import * as path from 'node:path';
import { FileParser, ParseState, type ParserOutput } from './file-parser';
import { DEFAULT_CHUNK_BYTES, DEFAULT_MAX_LINE_BYTES, emitLines, emitLongLine, FileLineReader, type LineConsumer } from './line-reader';
import { LONG_LINE_HEAD_BYTES, LONG_LINE_TAIL_BYTES } from './long-line';
import type { ParseOptions, TraceEvent, TraceParseResult, TraceSink } from './types';

const PROGRESS_EVERY_BYTES = 4 << 20;
/** Calls whose effect other threads see from their start (mergeParts): a close frees its number, a clone's child runs. */
const EFFECT_AT_START: ReadonlySet<string> = new Set(['close', 'clone', 'clone3', 'fork', 'vfork']);

/** The pid strace -ff put in a part's name (`PREFIX.1234`), or null. */
export function pidFromFileName(file: string): number | null {
  // A compressed part keeps its pid before the .gz: `trace.1234.gz`.
  const m = /\.(\d+)(?:\.gz)?$/.exec(path.basename(file));
  if (m === null) return null;
  const pid = Number(m[1]);
  return Number.isSafeInteger(pid) ? pid : null;
}

/** What a file parser hands its events to: `event`, then the sink's own optional callbacks. */
function parserOutput(sink: TraceSink, event: (ev: TraceEvent) => void): ParserOutput {
  const output: ParserOutput = { event, diagnostic: (d) => sink.diagnostic(d) };
  if (sink.callStarted !== undefined) output.callStarted = (s) => sink.callStarted?.(s);
  if (sink.callStartedFor !== undefined) output.callStartedFor = new Set(sink.callStartedFor);
  if (sink.ignoredLine !== undefined) output.ignoredLine = (f, l) => sink.ignoredLine?.(f, l);
  return output;
}

export function abortError(signal: AbortSignal): Error {
  const err = new Error('Trace parsing was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

interface Part {
  index: number;
  file: string;
  reader: FileLineReader;
  parser: FileParser;
  /** Parsed events not yet emitted (only used when merging several files). */
  queue: TraceEvent[];
  head: number;
  done: boolean;
  /** Merge key of the last event taken from this part (events without a time sort right after it). */
  lastKey: number;
}

/**
 * Parses one trace, streaming. Several paths are the -ff parts of ONE trace: each part's pid comes
 * from its `.PID` suffix; parts with -t/-tt/-ttt timestamps are merged by time (k-way merge, each
 * part read a chunk at a time), otherwise emitted part after part in ascending pid order.
 * A path that cannot be read gives an error diagnostic (line 0); if none can, the promise rejects.
 */
export async function parseTraceFiles(paths: string[], sink: TraceSink, options: ParseOptions = {}): Promise<TraceParseResult> {
  if (paths.length === 0) throw new Error('parseTraceFiles: no trace file given');
  const { signal, onProgress } = options;
  if (signal?.aborted) throw abortError(signal);
  const state = new ParseState();
  const many = paths.length > 1;
  // With many parts, smaller chunks keep the merge's read-ahead (one chunk per part) bounded.
  const chunk = paths.length > 8 ? Math.max(64 << 10, Math.floor((64 << 20) / paths.length)) : DEFAULT_CHUNK_BYTES;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const parts: Part[] = [];
  const failures: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    const file = paths[i];
    const queue: TraceEvent[] = [];
    const output = parserOutput(sink, many ? (ev) => queue.push(ev) : (ev) => sink.event(ev));
    const parser = new FileParser(i, file, output, state, pidFromFileName(file));
    const reader = new FileLineReader(file, parser, chunk, maxLine, options.decodePieceBytes);
    const part: Part = { index: i, file, reader, parser, queue, head: 0, done: false, lastKey: -Infinity };
    try {
      await part.reader.open();
      parts.push(part);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      failures.push(`cannot read ${file}: ${reason}`);
      part.parser.diag(0, 'error', `cannot read trace file: ${reason}`);
    }
  }
  if (parts.length === 0) throw new Error(failures.join('; '));

  const totalBytes = parts.reduce((a, p) => a + p.reader.totalBytes, 0);
  let nextProgress = PROGRESS_EVERY_BYTES;
  const progress = (): void => {
    if (onProgress === undefined) return;
    const bytesRead = parts.reduce((a, p) => a + p.reader.bytesRead, 0);
    if (bytesRead >= nextProgress) {
      nextProgress = bytesRead + PROGRESS_EVERY_BYTES;
      onProgress({ bytesRead, totalBytes, lines: state.lines, events: state.events });
    }
  };
  /** Reads one more chunk of a part; finishes its parser at the end. */
  const step = async (part: Part): Promise<void> => {
    if (signal?.aborted) throw abortError(signal);
    const more = await part.reader.readChunk();
    if (!more) {
      part.parser.finish();
      part.done = true;
      await part.reader.close();
    }
    progress();
  };

  try {
    if (!many) {
      const part = parts[0];
      while (!part.done) await step(part);
    } else {
      await mergeParts(parts, sink, state, step);
    }
    if (onProgress !== undefined) {
      onProgress({ bytesRead: parts.reduce((a, p) => a + p.reader.bytesRead, 0), totalBytes, lines: state.lines, events: state.events });
    }
  } finally {
    await Promise.all(parts.map((p) => p.reader.close()));
  }
  return state.result(paths);
}

async function mergeParts(parts: Part[], sink: TraceSink, state: ParseState, step: (p: Part) => Promise<void>): Promise<void> {
  const fill = async (part: Part): Promise<boolean> => {
    while (part.head === part.queue.length && !part.done) {
      part.queue.length = 0;
      part.head = 0;
      await step(part);
    }
    return part.head < part.queue.length;
  };
  // Merged events get a fresh startSeq in emission order (each part counted its own while read ahead).
  let seq = 0;
  const take = (part: Part): void => {
    const ev = part.queue[part.head++];
    ev.startSeq = ++seq;
    sink.event(ev);
  };
  for (const part of parts) await fill(part);
  const byTime = parts.every((p) => {
    const style = p.parser.timestampStyle;
    return style === 't' || style === 'tt' || style === 'ttt' || (style === null && p.head === p.queue.length);
  });
  state.seq = 0;
  if (!byTime) {
    // No usable clock: part after part, ascending pid (the parent usually has the lowest).
    const ordered = [...parts].sort((a, b) => (a.parser.defaultPid ?? Infinity) - (b.parser.defaultPid ?? Infinity) || a.index - b.index);
    for (const part of ordered) {
      while (await fill(part)) {
        while (part.head < part.queue.length) take(part);
      }
    }
    return;
  }
  // k-way merge on a binary heap keyed by (time, part index). With -T a call's effect is seen at its
  // return (an open gets its fd number as it ends: another thread's close that started during it may
  // have freed that number), but a close's at its start (io-model.md) and a clone's too (its child
  // runs, and may end calls, before the clone returns); within a part each call ends before the next
  // starts, so a part's keys still only grow.
  const key = (p: Part): number => {
    const ev = p.queue[p.head];
    const t = ev.time;
    if (t === null) return p.lastKey;
    return ev.type === 'syscall' && ev.duration !== null && !EFFECT_AT_START.has(ev.name) ? t + ev.duration : t;
  };
  const less = (a: Part, b: Part): boolean => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb || (ka === kb && a.index < b.index);
  };
  const heap: Part[] = [];
  const push = (p: Part): void => {
    heap.push(p);
    let i = heap.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!less(heap[i], heap[up])) break;
      [heap[i], heap[up]] = [heap[up], heap[i]];
      i = up;
    }
  };
  const pop = (): Part => {
    const top = heap[0];
    const last = heap.pop() as Part;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  for (const part of parts) if (part.head < part.queue.length) push(part);
  while (heap.length > 0) {
    const part = pop();
    part.lastKey = key(part);
    take(part);
    if (await fill(part)) push(part);
  }
}

/**
 * Parses trace text held in memory (an editor's content) with the same line parser, synchronously.
 * `fileName` names the text in diagnostics (and gives the pid of a -ff part from its `.PID` suffix).
 */
export function parseTraceText(text: string, fileName: string, sink: TraceSink): TraceParseResult {
  const state = new ParseState();
  const output = parserOutput(sink, (ev) => sink.event(ev));
  const parser = new FileParser(0, fileName, output, state, pidFromFileName(fileName));
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (text.length > 0) {
    const maxChars = DEFAULT_MAX_LINE_BYTES;
    const consumer: LineConsumer = {
      line: (s, b, e, n) => (e - b > maxChars ? longLine(s, b, e, n) : parser.line(s, b, e, n)),
      skippedLine: (n, reason) => parser.skippedLine(n, reason),
    };
    // As the file reader does (line-reader.ts): a line too long to keep is read as its head and tail.
    const longLine = (s: string, b: number, e: number, n: number): void => {
      emitLongLine(parser, n, s.slice(b, b + LONG_LINE_HEAD_BYTES), s.slice(e - LONG_LINE_TAIL_BYTES, e), `${e - b} characters`, `${maxChars}`, 'K characters');
    };
    emitLines(body, 1, consumer);
  }
  parser.finish();
  return state.result([fileName]);
}
