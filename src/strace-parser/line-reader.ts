// Streaming line reader: reads a file in ~1 MB chunks into ONE reused buffer, decodes only up to
// the last '\n' of the chunk and carries the partial last line over. Splitting the bytes at '\n'
// means a UTF-8 sequence is never cut (0x0A never occurs inside one). A chunk that is pure ASCII (the
// usual case: strace escapes non-ASCII bytes) is decoded as latin1, which is several times faster
// than UTF-8 decoding and gives the same string. Memory: the buffer, plus one decoded chunk string.
// A line longer than maxLineBytes is dropped with a diagnostic instead of growing the buffer forever.

import { isAscii } from 'node:buffer';
import { promises as fsp } from 'node:fs';

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
  /** The text given to line() so far is about to be dropped (strings kept beyond it should be copied). */
  endOfChunk?(): void;
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

export class FileLineReader {
  private fh: fsp.FileHandle | null = null;
  private buf: Buffer;
  private filled = 0;
  /** Next line number (1-based). */
  lineNo = 1;
  bytesRead = 0;
  totalBytes = 0;
  done = false;
  /** Inside a line that was too long: drop bytes until its end. */
  private skipping = false;

  constructor(
    readonly path: string,
    private readonly consumer: LineConsumer,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Opens the file; throws (with the OS reason) when it cannot be read. */
  async open(): Promise<void> {
    this.fh = await fsp.open(this.path, 'r');
    const st = await this.fh.stat();
    if (st.isDirectory()) {
      await this.close();
      throw new Error(`${this.path} is a directory`);
    }
    this.totalBytes = st.size;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh !== null) await fh.close().catch(() => undefined);
  }

  /** Reads one chunk and hands its complete lines to the consumer; false at end of file (after the last line). */
  async readChunk(): Promise<boolean> {
    if (this.done) return false;
    if (this.fh === null) throw new Error(`${this.path} is not open`);
    if (this.filled === this.buf.length) this.grow();
    const { bytesRead } = await this.fh.read(this.buf, this.filled, this.buf.length - this.filled, null);
    if (bytesRead === 0) {
      this.atEof();
      return false;
    }
    this.bytesRead += bytesRead;
    const prev = this.filled;
    this.filled += bytesRead;
    let start = 0;
    if (this.skipping) {
      const nl = this.buf.indexOf(10, prev);
      if (nl === -1 || nl >= this.filled) {
        this.filled = 0;
        return true;
      }
      this.skipping = false;
      start = nl + 1;
    }
    const last = this.buf.lastIndexOf(10, this.filled - 1);
    if (last < start) {
      this.compact(start);
      return true;
    }
    this.lineNo = emitLines(decodeBytes(this.buf, start, last), this.lineNo, this.consumer);
    this.consumer.endOfChunk?.();
    this.compact(last + 1);
    return true;
  }

  private compact(from: number): void {
    if (from > 0) {
      this.buf.copy(this.buf, 0, from, this.filled);
      this.filled -= from;
    }
  }

  /** The buffer is full and holds no '\n': grow it up to maxLineBytes, then give up on the line. */
  private grow(): void {
    if (this.buf.length < this.maxLineBytes) {
      const bigger = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.maxLineBytes));
      this.buf.copy(bigger, 0, 0, this.filled);
      this.buf = bigger;
      return;
    }
    this.consumer.skippedLine(this.lineNo, `line longer than ${this.maxLineBytes} bytes: skipped`);
    this.lineNo++;
    this.skipping = true;
    this.filled = 0;
    // Back to the normal size: the long line is dropped, no need to keep the big buffer.
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
  }

  private atEof(): void {
    this.done = true;
    if (this.filled > 0 && !this.skipping) {
      // A last line without '\n' (truncated trace): still a line.
      this.lineNo = emitLines(decodeBytes(this.buf, 0, this.filled), this.lineNo, this.consumer);
    }
    this.filled = 0;
    this.skipping = false;
  }
}
