// The parser's output as compact batches, so that parsing can run in a worker thread while the
// analysis consumes events on the main thread (parse-in-worker.ts). A batch replays, in order, every
// call the parser made on its TraceSink: events, diagnostics, callStarted, ignoredLine.
//
// Why this shape: structured-cloning one object per event costs more than parsing it. A batch is
//   - one Float64Array of numbers (per record: kind, then its fields; doubles keep pids, times,
//     return values and addresses exact),
//   - the decoded texts the events were parsed from (the worker decodes ~96 KB pieces); argument
//     and result texts travel as ranges into them, cut lazily on the other side exactly as
//     in-thread. ASCII texts (the usual case: strace escapes other bytes) travel end to end as bytes
//     in one transferred buffer and become one string again on arrival (see EventBatch.ascii),
//   - one `extra` string that concatenates the texts that are no longer ranges of a decoded text
//     (calls copied out of their chunk while in flight, texts rewritten by the parser), also by ranges,
//   - a small array of rare objects (signals, exits, diagnostics, -k stacks, new syscall names).
// Decoding rebuilds TraceSyscall objects with the same field values, so the analysis (and its
// report) is byte-identical whichever thread parsed.

import { TraceSyscall } from './events';
import { internName } from './parsed-line';
import type { CallStart, ParseDiagnostic, TraceEvent, TraceSink } from './types';

const enum Kind {
  Syscall = 0,
  OtherEvent = 1,
  Diagnostic = 2,
  CallStarted = 3,
  IgnoredLine = 4,
}

// Flags of a syscall record.
const F_INCOMPLETE = 1;
const F_PERF = 2;
const F_STACK = 4;
const F_IP = 8;
const F_TIME_NULL = 32;
const F_DURATION_NULL = 64;
const F_RET_NULL = 128;
const F_RESULT_NULL = 1024;
const F_RESUMED = 2048;

/** Numbers of a syscall record: kind, flags, text slot, fileIndex, line, endLine, resumedLine, pid, time, startSeq, name, duration, ret, errno, a0, a1, r0, r1, t0, t1. */
const SYSCALL_SLOTS = 20;
/** Records a batch holds at most (a 1 MB chunk of strace makes ~8,000 events). */
const MAX_RECORDS = 16384;
/** Chunk texts (the worker decodes ~96 KB pieces) a batch refers to at most; more go through `extra`. */
const MAX_TEXTS = 64;
/** Extra text a batch holds at most before it is sent. */
const MAX_EXTRA_CHARS = 4 << 20;
/**
 * Chunk text a batch refers to at most before it is sent: a trace of long lines (1 MiB buffers
 * printed whole with -s) has one text per line, and 64 of them would be a batch of ~180 MB.
 */
const MAX_TEXT_CHARS = 8 << 20;

/** Where a text slot's text is on arrival: at `offset` in the batch's `ascii` bytes, or a string of its own. */
export type ShippedText = { offset: number; length: number } | { string: string };

export interface EventBatch {
  /** The records' numbers: the first `length` doubles of this buffer (which may be longer: buffers are recycled). */
  nums: ArrayBuffer;
  /** Numbers used in `nums`. */
  length: number;
  /**
   * The ASCII texts of the batch, end to end, as bytes (transferred, not copied). They become ONE
   * string on arrival: ~1 MB or more, which Node keeps outside the JS heap; a cloned string would
   * land in the receiving heap's old space and make it grow to ~200 MB between collections.
   */
  ascii: ArrayBuffer | null;
  /** Bytes used in `ascii`. */
  asciiLength: number;
  /** The texts that the ranges of records point into, by the record's text slot (-1: `extra`). */
  texts: ShippedText[];
  extra: string;
  objs: unknown[];
}

/** Gives a buffer of at least `bytes` bytes to send (transferred away: a recycled one, or a new one). */
export type BufferSource = (bytes: number) => ArrayBuffer;

const newBuffer: BufferSource = (bytes) => new ArrayBuffer(bytes);

/** The texts of a batch as they travel; the ArrayBuffer to transfer is added to `transfer`. */
function shipTexts(texts: string[], transfer: ArrayBuffer[], allocate: BufferSource): { ascii: ArrayBuffer | null; asciiLength: number; shipped: ShippedText[] } {
  const shipped: ShippedText[] = [];
  let asciiLength = 0;
  for (const text of texts) {
    // ASCII <=> as many UTF-8 bytes as chars; then latin1 bytes are the text, one per char.
    if (Buffer.byteLength(text, 'utf8') === text.length) {
      shipped.push({ offset: asciiLength, length: text.length });
      asciiLength += text.length;
    } else shipped.push({ string: text });
  }
  if (asciiLength === 0) return { ascii: null, asciiLength, shipped };
  const ascii = allocate(asciiLength);
  const bytes = Buffer.from(ascii);
  for (let k = 0; k < texts.length; k++) {
    const s = shipped[k];
    if ('offset' in s) bytes.write(texts[k], s.offset, s.length, 'latin1');
  }
  transfer.push(ascii);
  return { ascii, asciiLength, shipped };
}

/**
 * A TraceSink that packs what it receives into batches and hands each full batch to `send`
 * (in the worker). Call flush() at the end.
 */
export class BatchEncoder implements TraceSink {
  private nums = new Float64Array(MAX_RECORDS * 2);
  private length = 0;
  private records = 0;
  private texts: string[] = [];
  /** Chars of `texts`. */
  private textChars = 0;
  private extraParts: string[] = [];
  private extraLength = 0;
  private objs: unknown[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly errnoIds = new Map<string, number>();

  constructor(
    private readonly send: (batch: EventBatch, transfer: ArrayBuffer[]) => void,
    /** Where the buffers that travel come from (the worker recycles those the main thread is done with). */
    private readonly allocate: BufferSource = newBuffer,
  ) {}

  event(event: TraceEvent): void {
    if (event.type !== 'syscall' || !(event instanceof TraceSyscall)) {
      this.push1(Kind.OtherEvent);
      this.objs.push(event);
      this.recordDone();
      return;
    }
    const e = event;
    let flags = e.incomplete ? F_INCOMPLETE : 0;
    if (e.perfStyle) flags |= F_PERF;
    if (e.stack !== null) flags |= F_STACK;
    if (e.ip !== null) flags |= F_IP;
    if (e.time === null) flags |= F_TIME_NULL;
    if (e.duration === null) flags |= F_DURATION_NULL;
    if (e.ret === null) flags |= F_RET_NULL;
    if (e.resumedLine !== undefined) flags |= F_RESUMED;
    const nameId = this.idOf(this.nameIds, e.name);
    const errnoId = e.errno === null ? -1 : this.idOf(this.errnoIds, e.errno);
    // Texts: ranges of the batch's chunk text when both are still ranges of it, else copied to `extra`.
    let a0 = e.a0;
    let a1 = e.a1;
    let r0 = e.r0;
    let r1 = e.r1;
    let t0 = e.t0;
    let t1 = e.t1;
    const textSlot = e.argCache === null && e.resultCache === undefined ? this.textSlot(e.src) : -1;
    if (textSlot < 0) {
      const args = e.argText;
      const result = e.resultText;
      a0 = this.extraLength;
      a1 = this.addExtra(args);
      t0 = t1 = -1;
      if (result === null) {
        flags |= F_RESULT_NULL;
        r0 = r1 = -1;
      } else {
        r0 = a1;
        r1 = this.addExtra(result);
      }
    } else if (r0 < 0) flags |= F_RESULT_NULL;
    this.reserve(SYSCALL_SLOTS);
    const n = this.nums;
    let i = this.length;
    n[i++] = Kind.Syscall;
    n[i++] = flags;
    n[i++] = textSlot;
    n[i++] = e.fileIndex;
    n[i++] = e.line;
    n[i++] = e.endLine;
    n[i++] = e.resumedLine ?? 0;
    n[i++] = e.pid;
    n[i++] = e.time ?? 0;
    n[i++] = e.startSeq;
    n[i++] = nameId;
    n[i++] = e.duration ?? 0;
    n[i++] = e.ret ?? 0;
    n[i++] = errnoId;
    n[i++] = a0;
    n[i++] = a1;
    n[i++] = r0;
    n[i++] = r1;
    n[i++] = t0;
    n[i++] = t1;
    this.length = i;
    if ((flags & F_STACK) !== 0) this.objs.push(e.stack);
    if ((flags & F_IP) !== 0) this.objs.push(e.ip);
    this.recordDone();
  }

  diagnostic(diagnostic: ParseDiagnostic): void {
    this.push1(Kind.Diagnostic);
    this.objs.push(diagnostic);
    this.recordDone();
  }

  callStarted(start: CallStart): void {
    this.reserve(10);
    const n = this.nums;
    let i = this.length;
    const a0 = this.extraLength;
    const a1 = this.addExtra(start.argText);
    const nameId = this.idOf(this.nameIds, start.name);
    n[i++] = Kind.CallStarted;
    n[i++] = start.time === null ? 1 : 0;
    n[i++] = start.fileIndex;
    n[i++] = start.line;
    n[i++] = start.pid;
    n[i++] = start.time ?? 0;
    n[i++] = nameId;
    n[i++] = start.startSeq;
    n[i++] = a0;
    n[i++] = a1;
    this.length = i;
    this.recordDone();
  }

  ignoredLine(fileIndex: number, line: number): void {
    this.reserve(3);
    const n = this.nums;
    n[this.length++] = Kind.IgnoredLine;
    n[this.length++] = fileIndex;
    n[this.length++] = line;
    this.recordDone();
  }

  /**
   * The id of a syscall name or errno in its table. A new one is also pushed to `objs`: the decoder
   * knows it is new because the id is the size of its own table, and takes the text from there.
   */
  private idOf(ids: Map<string, number>, value: string): number {
    let id = ids.get(value);
    if (id === undefined) {
      id = ids.size;
      ids.set(value, id);
      this.objs.push(value);
    }
    return id;
  }

  /** Sends what is buffered (a no-op when empty). */
  flush(): void {
    if (this.records === 0) return;
    const nums = this.allocate(this.length * 8);
    new Float64Array(nums, 0, this.length).set(this.nums.subarray(0, this.length));
    const transfer: ArrayBuffer[] = [nums];
    const { ascii, asciiLength, shipped } = shipTexts(this.texts, transfer, this.allocate);
    const batch: EventBatch = {
      nums,
      length: this.length,
      ascii,
      asciiLength,
      texts: shipped,
      extra: this.extraParts.join(''),
      objs: this.objs,
    };
    this.length = 0;
    this.records = 0;
    this.texts = [];
    this.textChars = 0;
    this.extraParts = [];
    this.extraLength = 0;
    this.objs = [];
    this.send(batch, transfer);
  }

  /**
   * The slot of `src` among the batch's texts (added if there is room), or -1: the event's texts then
   * go to `extra`. Identity first: the events of one chunk share its string.
   */
  private textSlot(src: string): number {
    const texts = this.texts;
    // From the newest: most events come from the piece being parsed.
    for (let k = texts.length - 1; k >= 0; k--) if (texts[k] === src) return k;
    if (src.length === 0 || texts.length >= MAX_TEXTS) return -1;
    texts.push(src);
    this.textChars += src.length;
    return texts.length - 1;
  }

  private addExtra(s: string): number {
    if (s.length > 0) {
      this.extraParts.push(s);
      this.extraLength += s.length;
    }
    return this.extraLength;
  }

  private push1(kind: Kind): void {
    this.reserve(1);
    this.nums[this.length++] = kind;
  }

  private reserve(slots: number): void {
    if (this.length + slots <= this.nums.length) return;
    const bigger = new Float64Array(Math.max(this.nums.length * 2, this.length + slots));
    bigger.set(this.nums.subarray(0, this.length));
    this.nums = bigger;
  }

  private recordDone(): void {
    this.records++;
    if (this.records >= MAX_RECORDS || this.extraLength >= MAX_EXTRA_CHARS || this.textChars >= MAX_TEXT_CHARS) this.flush();
  }
}

/** Replays batches into a TraceSink (on the main thread). One decoder per parse: it keeps the name tables. */
export class BatchDecoder {
  private readonly names: string[] = [];
  private readonly errnos: string[] = [];
  private stopped = false;

  constructor(private readonly sink: TraceSink) {}

  /** No more sink calls, even in the middle of a batch (the parse was aborted or the sink threw). */
  stop(): void {
    this.stopped = true;
  }

  replay(batch: EventBatch): void {
    const { length, extra, objs } = batch;
    const n = new Float64Array(batch.nums, 0, length);
    // Each slot's text and where its ranges start in it.
    const ascii = batch.ascii === null ? '' : Buffer.from(batch.ascii, 0, batch.asciiLength).toString('latin1');
    const texts = batch.texts.map((t) => ('string' in t ? t.string : ascii));
    const bases = batch.texts.map((t) => ('string' in t ? 0 : t.offset));
    const sink = this.sink;
    let o = 0;
    let i = 0;
    while (i < length && !this.stopped) {
      const kind = n[i] as Kind;
      switch (kind) {
        case Kind.Syscall: {
          const flags = n[i + 1];
          if (n[i + 10] === this.names.length) this.names.push(interned(objs[o++] as string));
          if (n[i + 13] === this.errnos.length) this.errnos.push(interned(objs[o++] as string));
          const slot = n[i + 2];
          const src = slot < 0 ? extra : texts[slot];
          const base = slot < 0 ? 0 : bases[slot];
          const e = new TraceSyscall(
            n[i + 3],
            n[i + 4],
            n[i + 7],
            (flags & F_TIME_NULL) !== 0 ? null : n[i + 8],
            n[i + 9],
            this.names[n[i + 10]],
            src,
            n[i + 14] + base,
            n[i + 15] + base,
            (flags & F_PERF) !== 0,
          );
          e.endLine = n[i + 5];
          if ((flags & F_RESUMED) !== 0) e.resumedLine = n[i + 6];
          if ((flags & F_DURATION_NULL) === 0) e.duration = n[i + 11];
          if ((flags & F_RET_NULL) === 0) e.ret = n[i + 12];
          const errnoId = n[i + 13];
          if (errnoId >= 0) e.errno = this.errnos[errnoId];
          if ((flags & F_RESULT_NULL) !== 0) e.setResultRange(-1, -1);
          else e.setResultRange(n[i + 16] + base, n[i + 17] + base);
          if (n[i + 18] >= 0) e.setTailRange(n[i + 18] + base, n[i + 19] + base);
          if ((flags & F_INCOMPLETE) !== 0) e.incomplete = true;
          if ((flags & F_STACK) !== 0) e.stack = objs[o++] as string[];
          if ((flags & F_IP) !== 0) e.ip = objs[o++] as string;
          i += SYSCALL_SLOTS;
          sink.event(e);
          break;
        }
        case Kind.OtherEvent:
          i += 1;
          sink.event(objs[o++] as TraceEvent);
          break;
        case Kind.Diagnostic:
          i += 1;
          sink.diagnostic(objs[o++] as ParseDiagnostic);
          break;
        case Kind.CallStarted: {
          const flags = n[i + 1];
          if (n[i + 6] === this.names.length) this.names.push(interned(objs[o++] as string));
          const start: CallStart = {
            fileIndex: n[i + 2],
            line: n[i + 3],
            pid: n[i + 4],
            time: (flags & 1) !== 0 ? null : n[i + 5],
            name: this.names[n[i + 6]],
            startSeq: n[i + 7],
            argText: extra.slice(n[i + 8], n[i + 9]),
          };
          i += 10;
          sink.callStarted?.(start);
          break;
        }
        case Kind.IgnoredLine:
          sink.ignoredLine?.(n[i + 1], n[i + 2]);
          i += 3;
          break;
        default:
          throw new Error(`corrupt event batch: record kind ${String(kind)} at ${i}`);
      }
    }
  }
}

/**
 * A cloned string is a fresh copy; the analysis compares names with `===` against literals and looks
 * them up in maps, which is fastest on the internalized string the parser's own table hands out.
 */
function interned(name: string): string {
  return internName(name, 0, name.length);
}
