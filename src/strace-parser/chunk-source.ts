// Where the line reader's bytes come from: a trace file as it is, or gunzipped on the fly (traces
// are often kept compressed: `strace -o >(gzip > t.gz)`, logs rotated by gzip). The first bytes say
// which; a file that is some other binary (perf.data, an xz or zstd archive, an executable) is
// refused with what to do instead, rather than read as thousands of garbage "lines".

import { promises as fsp } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';

export interface ChunkSource {
  /** The next chunk of text bytes (valid until the call after next), or null at the end. */
  next(): Promise<Buffer | null>;
  /** Bytes read from the file so far (compressed bytes for a .gz), for progress. */
  readonly bytesRead: number;
  /** The file's size. */
  readonly totalBytes: number;
  /** Set when the data ended badly (a gzip stream cut short or corrupt): what was before it was still given. */
  readonly endError: string | null;
  close(): Promise<void>;
}

/** Binary formats people pass by mistake, by their first bytes, and what to do instead. */
const REFUSED: Array<{ magic: number[]; what: string }> = [
  { magic: [0x50, 0x45, 0x52, 0x46, 0x49, 0x4c, 0x45, 0x32], what: 'a perf.data file (perf record / perf trace record), not text: convert it with `perf trace -i FILE -o FILE.txt` and open that' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed: decompress it first (`zstd -d FILE`)' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed: decompress it first (`xz -dk FILE`)' },
  { magic: [0x42, 0x5a, 0x68], what: 'bzip2-compressed: decompress it first (`bzip2 -dk FILE`)' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: 'an executable (ELF), not a trace: run it under strace or perf trace instead' },
];

const GZIP_MAGIC = [0x1f, 0x8b];

function startsWith(bytes: Buffer, length: number, magic: number[]): boolean {
  if (length < magic.length) return false;
  for (let k = 0; k < magic.length; k++) if (bytes[k] !== magic[k]) return false;
  return true;
}

/**
 * Opens `path` for reading in chunks of about `chunkBytes`. Throws, with a reason a user can act
 * on, when it cannot be read or is a binary format that is not a trace.
 */
export async function openChunkSource(path: string, chunkBytes: number): Promise<ChunkSource> {
  const fh = await fsp.open(path, 'r');
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new Error(`${path} is a directory`);
    // Two buffers used in turn: the next chunk is read while this one is parsed. Not a positional
    // read (files and pipes alike): the first chunk is read, looked at, and handed out first.
    const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    const first = (await fh.read(buffers[0], 0, chunkBytes, null)).bytesRead;
    for (const refused of REFUSED) if (startsWith(buffers[0], first, refused.magic)) throw new Error(`it is ${refused.what.replaceAll('FILE', path)}`);
    if (startsWith(buffers[0], first, GZIP_MAGIC)) return new GunzipSource(fh, Buffer.from(buffers[0].subarray(0, first)), st.size, chunkBytes);
    return new PlainFileSource(fh, buffers, first, st.size);
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

class PlainFileSource implements ChunkSource {
  /** Which buffer the read in flight fills (the first chunk is in buffers[0]). */
  private filling = 0;
  /** The read in flight (read-ahead): resolves to the number of bytes read, 0 at end of file. */
  private reading: Promise<number> | null;
  bytesRead = 0;
  readonly endError = null;

  constructor(
    private fh: fsp.FileHandle | null,
    private buffers: [Buffer, Buffer] | null,
    firstBytes: number,
    readonly totalBytes: number,
  ) {
    // The first chunk is in buffers[0] already: it is "the read in flight", done.
    this.reading = Promise.resolve(firstBytes);
  }

  private startRead(): void {
    const fh = this.fh;
    const buffers = this.buffers;
    if (fh === null || buffers === null) return;
    const reading = fh.read(buffers[this.filling], 0, buffers[this.filling].length, null).then((r) => r.bytesRead);
    // Awaited by next(); if close() comes first its failure is of no interest (no unhandled rejection).
    reading.catch(() => undefined);
    this.reading = reading;
  }

  async next(): Promise<Buffer | null> {
    const reading = this.reading;
    const buffers = this.buffers;
    if (reading === null || buffers === null) return null;
    const n = await reading;
    if (n === 0) {
      this.reading = null;
      return null;
    }
    const chunk = buffers[this.filling].subarray(0, n);
    // Read ahead into the other buffer: this one is fully used before the call after next.
    this.filling ^= 1;
    this.startRead();
    this.bytesRead += n;
    return chunk;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    const reading = this.reading;
    this.reading = null;
    this.buffers = null;
    if (reading !== null) await reading.catch(() => 0);
    if (fh !== null) await fh.close().catch(() => undefined);
  }
}

/** A gzip file (one member or several end to end), decompressed as it is read: memory stays a few chunks. */
class GunzipSource implements ChunkSource {
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly gunzip: zlib.Gunzip;
  bytesRead = 0;
  endError: string | null = null;
  private ended = false;

  constructor(
    private readonly fh: fsp.FileHandle,
    first: Buffer,
    readonly totalBytes: number,
    chunkBytes: number,
  ) {
    const compressed = async function* (source: GunzipSource): AsyncGenerator<Buffer> {
      source.bytesRead += first.length;
      yield first;
      for (;;) {
        // A new buffer each time: zlib may still hold the previous one.
        const buffer = Buffer.allocUnsafe(chunkBytes);
        const { bytesRead } = await fh.read(buffer, 0, chunkBytes, null);
        if (bytesRead === 0) return;
        source.bytesRead += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    };
    this.gunzip = zlib.createGunzip({ chunkSize: chunkBytes });
    // pipeline() ends the gunzip stream with the error of either side; next() then reports it once.
    pipeline(Readable.from(compressed(this)), this.gunzip, () => undefined);
    this.chunks = this.gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async next(): Promise<Buffer | null> {
    if (this.ended) return null;
    try {
      const r = await this.chunks.next();
      if (r.done === true) this.ended = true;
      return r.done === true ? null : r.value;
    } catch (e) {
      // A cut or damaged .gz (strace killed while writing it): what was decompressed stays analyzed.
      this.ended = true;
      const reason = e instanceof Error ? e.message : String(e);
      this.endError = reason === 'unexpected end of file' ? 'the gzip data ends early (a cut file): the trace stops here' : `the gzip data is damaged (${reason}): the trace stops here`;
      return null;
    }
  }

  async close(): Promise<void> {
    this.ended = true;
    this.gunzip.destroy();
    await this.fh.close().catch(() => undefined);
  }
}
