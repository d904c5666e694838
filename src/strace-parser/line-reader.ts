// Streaming line reader: ~1 MB chunks (chunk-source.ts: read into two buffers used in turn, or
// gunzipped), decoding only up to the last '\n' of each chunk and carrying the partial last line over (copied).
// Splitting the bytes at '\n' means a UTF-8 sequence is never cut (0x0A never occurs inside one). A
// chunk that is pure ASCII (the usual case: strace escapes non-ASCII bytes) is decoded as latin1,
// several times faster than UTF-8 decoding and the same string. Memory: a chunk or two, plus one
// decoded chunk string. A line longer than maxLineBytes is not buffered whole: its first and last
// 64 KiB go on as one line (long-line.ts), with a diagnostic.

import { isAscii } from 'node:buffer';
import { openChunkSource, type ChunkSource } from './chunk-source';
import { joinLongLine, LONG_LINE_HEAD_BYTES, LONG_LINE_TAIL_BYTES } from './long-line';

export const DEFAULT_CHUNK_BYTES = 1 << 20;
export const DEFAULT_MAX_LINE_BYTES = 8 << 20;

/**
 * Receives the lines of one file, in order: line `lineNo` is text[start, end) (terminator `\n` or
 * `\r\n` excluded). The text is the whole decoded chunk; parsing in place avoids a slice per line.
 */
export interface LineConsumer {
  line(text: string, start: number, end: number, lineNo: number): void;
  /** A line that was too long to keep. */
  skippedLine(lineNo: number, reason: string): void;
  /** The line `lineNo` that comes next is too long to keep whole: it is given as its head and tail (long-line.ts). */
  shortenedLine?(lineNo: number, reason: string): void;
  /** The text given to line() so far is about to be dropped (strings kept beyond it should be copied). */
  endOfChunk?(): void;
  /** The data ended badly at line `lineNo` (a cut or damaged .gz): the lines before it were given. */
  endError?(lineNo: number, message: string): void;
}

/** Decodes buf[start, end) as text. */
export function decodeBytes(buf: Buffer, start: number, end: number): string {
  return isAscii(buf.subarray(start, end)) ? buf.toString('latin1', start, end) : buf.toString('utf8', start, end);
}

/**
 * Calls consumer.line for each line of `text`, which holds count('\n') + 1 lines: the caller has
 * cut it just before a '\n' (or at the end of the input), so its last line is complete too.
 */
export function emitLines(text: string, firstLineNo: number, consumer: LineConsumer): number {
  let lineNo = firstLineNo;
  let p = 0;
  for (;;) {
    const e = text.indexOf('\n', p);
    const stop = e === -1 ? text.length : e;
    const end = stop > p && text.charCodeAt(stop - 1) === 13 /* \r */ ? stop - 1 : stop;
    consumer.line(text, p, end, lineNo);
    lineNo++;
    if (e === -1) return lineNo;
    p = e + 1;
  }
}

/**
 * Hands line `lineNo`, too long to keep (`size` of it, over `limit`), to the consumer as its head and
 * tail joined (long-line.ts), with an info diagnostic; or skips it with a warning when they do not
 * join. `headUnit` names the unit of LONG_LINE_HEAD_BYTES in the message. Returns the next line number.
 */
export function emitLongLine(consumer: LineConsumer, lineNo: number, head: string, tail: string, size: string, limit: string, headUnit: string): number {
  const joined = joinLongLine(head, tail);
  if (joined === null) {
    consumer.skippedLine(lineNo, `line of ${size} (longer than ${limit}): skipped`);
    return lineNo + 1;
  }
  consumer.shortenedLine?.(lineNo, `line of ${size} (longer than ${limit}): read as its first and last ${LONG_LINE_HEAD_BYTES >> 10} ${headUnit}, the middle of a printed buffer left out`);
  return emitLines(joined, lineNo, consumer);
}

export class FileLineReader {
  private source: ChunkSource | null = null;
  /** The partial last line of the previous chunk(s): its pieces and their total size. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Next line number (1-based). */
  lineNo = 1;
  done = false;
  /** Inside a line too long to keep: its first and last bytes (long-line.ts), and its size so far. */
  private longHead: Buffer | null = null;
  private longTail: Buffer | null = null;
  private longBytes = 0;

  constructor(
    readonly path: string,
    private readonly consumer: LineConsumer,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    /** Decode a chunk's lines in pieces of about this size (ParseOptions.decodePieceBytes). */
    private readonly pieceBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Bytes read from the file so far (compressed bytes for a .gz). */
  get bytesRead(): number {
    return this.source?.bytesRead ?? 0;
  }

  /** The file's size. */
  get totalBytes(): number {
    return this.source?.totalBytes ?? 0;
  }

  /** Opens the file; throws (with the OS reason, or why it is not a trace) when it cannot be read. */
  async open(): Promise<void> {
    this.source = await openChunkSource(this.path, this.chunkBytes);
  }

  async close(): Promise<void> {
    const source = this.source;
    if (source !== null) await source.close();
  }

  /** Reads one chunk and hands its complete lines to the consumer; false at end of file (after the last line). */
  async readChunk(): Promise<boolean> {
    if (this.done) return false;
    const source = this.source;
    if (source === null) throw new Error(`${this.path} is not open`);
    const chunk = await source.next();
    if (chunk === null) {
      this.atEof();
      if (source.endError !== null) this.consumer.endError?.(this.lineNo, source.endError);
      return false;
    }
    let start = 0;
    if (this.carryBytes > 0 || this.longHead !== null) {
      // The first '\n' ends the line carried over from the previous chunk.
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.keep(chunk, 0);
        return true;
      }
      if (this.longHead !== null) {
        this.keep(chunk.subarray(0, nl), 0);
        this.endLongLine();
      } else {
        this.carry.push(chunk.subarray(0, nl));
        const line = Buffer.concat(this.carry);
        this.lineNo = emitLines(decodeBytes(line, 0, line.length), this.lineNo, this.consumer);
      }
      this.carry = [];
      this.carryBytes = 0;
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      let p = start;
      while (last - p > this.pieceBytes) {
        let cut = chunk.lastIndexOf(10, p + this.pieceBytes);
        // No line end within the piece (a very long line): cut at the next one (chunk[last] is one).
        if (cut < p) cut = chunk.indexOf(10, p + this.pieceBytes);
        this.lineNo = emitLines(decodeBytes(chunk, p, cut), this.lineNo, this.consumer);
        p = cut + 1;
      }
      // p > last: the last piece was a long line ending at `last`; nothing is left.
      if (p <= last) this.lineNo = emitLines(decodeBytes(chunk, p, last), this.lineNo, this.consumer);
      start = last + 1;
    }
    this.consumer.endOfChunk?.();
    if (start < chunk.length) this.keep(chunk, start);
    return true;
  }

  /** Carries chunk[from..] over as the start of a line; past maxLineBytes only its head and tail are kept. */
  private keep(chunk: Buffer, from: number): void {
    const piece = chunk.subarray(from);
    if (this.longHead !== null) {
      this.longTail = lastBytes([this.longTail ?? Buffer.alloc(0), piece], LONG_LINE_TAIL_BYTES);
      this.longBytes += piece.length;
      return;
    }
    if (this.carryBytes + piece.length > this.maxLineBytes) {
      const pieces = [...this.carry, piece];
      this.longHead = firstBytes(pieces, LONG_LINE_HEAD_BYTES);
      this.longTail = lastBytes(pieces, LONG_LINE_TAIL_BYTES);
      this.longBytes = this.carryBytes + piece.length;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    // A copy: the read buffer is reused for the chunk after next.
    this.carry.push(Buffer.from(piece));
    this.carryBytes += piece.length;
  }

  /** The long line has ended: its head and tail go on as one line when they join (long-line.ts), else it is skipped. */
  private endLongLine(): void {
    const head = this.longHead;
    const tail = this.longTail;
    const bytes = this.longBytes;
    this.longHead = null;
    this.longTail = null;
    this.longBytes = 0;
    if (head === null || tail === null) return;
    this.lineNo = emitLongLine(this.consumer, this.lineNo, decodeBytes(head, 0, head.length), decodeBytes(tail, 0, tail.length), `${bytes} bytes`, `${this.maxLineBytes}`, 'KiB');
  }

  private atEof(): void {
    this.done = true;
    if (this.longHead !== null) this.endLongLine();
    else if (this.carryBytes > 0) {
      // A last line without '\n' (truncated trace): still a line.
      const line = Buffer.concat(this.carry);
      this.lineNo = emitLines(decodeBytes(line, 0, line.length), this.lineNo, this.consumer);
    }
    this.carry = [];
    this.carryBytes = 0;
  }
}

/** The first `n` bytes of `pieces` end to end (copied). */
function firstBytes(pieces: readonly Buffer[], n: number): Buffer {
  const out: Buffer[] = [];
  let have = 0;
  for (const piece of pieces) {
    if (have >= n) break;
    const take = piece.subarray(0, n - have);
    out.push(take);
    have += take.length;
  }
  return Buffer.concat(out);
}

/** The last `n` bytes of `pieces` end to end (copied). */
function lastBytes(pieces: readonly Buffer[], n: number): Buffer {
  const out: Buffer[] = [];
  let have = 0;
  for (let k = pieces.length - 1; k >= 0 && have < n; k--) {
    const piece = pieces[k];
    const take = piece.subarray(Math.max(0, piece.length - (n - have)));
    out.unshift(take);
    have += take.length;
  }
  return Buffer.concat(out);
}
