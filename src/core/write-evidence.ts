// What a write's printed bytes prove or rule out beyond a plain prefix (write-match.ts asks): HTTP
// bodies received or sent with chunked framing, a proxy's own response header, a response a client
// saves on another thread, and the printed bytes that contradict a source (tar archives and members).

import type { SyscallEvent } from '../strace-parser/types';
import { TraceSyscall } from '../strace-parser/events';
import { decodeEscapes } from '../strace-parser/escapes';
import { rawStringArg } from './event-args';
import type { FdObject } from './fd-table';
import { nextIovec } from './printed-iovecs';
import type { DataCallSpec } from './syscall-classes';
import {
  compatible, creditMatch, headRuledOut, MIN_PREFIX_EVIDENCE, prefixesAgree, readPrefix, SHORT_WRITE, unsentFrom, usable,
  type Credit, type CreditMatch, type UnsentRead,
} from './transfer-credits';
import type { WriteView } from './write-match';

/** How an HTTP response begins (its status line). */
const HTTP_RESPONSE = 'HTTP/';
/** How HTTP requests that carry a body begin. */
const UPLOAD_REQUESTS = ['POST ', 'PUT ', 'PATCH '];

/**
 * Whether strace's print of some bytes begins with `text` (ASCII): as printed, or, where it printed
 * them as hex escapes (-xx prints every byte `\xNN`), once decoded.
 */
function printedBeginsWith(printed: string, text: string): boolean {
  return printed.startsWith(text) || hexDecoded(printed, text.length)?.startsWith(text) === true;
}

/** The print begins like an HTTP response (its status line). */
function isHttpResponse(printed: string): boolean {
  return printedBeginsWith(printed, HTTP_RESPONSE);
}

/** The print begins like an HTTP request that carries a body (an upload). */
function isUploadRequest(printed: string): boolean {
  return UPLOAD_REQUESTS.some((method) => printedBeginsWith(printed, method));
}
/** A tar member header as strace prints it: the member's name, then NUL padding to the end of the print. */
const TAR_MEMBER_HEADER = /^[^\\"]+(?:\\0)+$/;
/** The same as bytes (a print in hex escapes, decoded): printable chars but `"` and `\`, then NULs. */
const TAR_MEMBER_HEADER_BYTES = /^[\x20\x21\x23-\x5b\x5d-\x7e]+\0+$/;
/** One line of text as strace prints it: no escape but the final newline. */
const ONE_TEXT_LINE = /^[^\\"]*\\n$/;
/** The same as bytes: printable chars but `"` and `\`, then a newline. */
const ONE_TEXT_LINE_BYTES = /^[\x20\x21\x23-\x5b\x5d-\x7e]*\n$/;
/** A pax extended header's name: `dir/PaxHeaders/file` (GNU tar), `dir/PaxHeaders.1234/file` (older). */
const PAX_HEADERS = /(^|\/)PaxHeaders(?:\.\d+)?\//;
/** A tar header's size: tar reads and writes whole records of them. */
const TAR_BLOCK = 512;
/** A line of tar's verbose listing (tar tv): the member's mode, then its owner/group. */
const TAR_LISTING_LINE = /^[-dlcbphs][-r][-w][-xsStT][-r][-w][-xsStT][-r][-w][-xtT] /;

/**
 * The credit's next bytes are a whole read whose printed prefix the write's printed bytes do not
 * begin like (io-model: "where strace printed buffer contents, the printed prefixes agree"). Except
 * where a program reads a header and the data behind it in one read and writes the data (which
 * strace does not print): an HTTP response a client saves (curl, wget), an upload (POST, PUT, PATCH)
 * a server stores in a file, a tar member's header read with its data (tar x); a read scattered
 * into several buffers (a header iovec, then the payload's); a server that writes its HTTP header
 * and the first body bytes in one write (Go's http.ServeFile); and tar c, which writes a member's
 * header and the file's first bytes in one record.
 */
export function contradictsPrinted(credit: Credit, sink: FdObject, view: WriteView): boolean {
  const { event, spec } = view;
  const head = credit.reads[0];
  if (head === undefined || event.argNames !== null) return false;
  if (spec.buf === undefined) return spec.iov !== undefined && contradictsIovecs(credit, head, sink, view.iovecPrints);
  if (!head.fresh) {
    // Where a read was sent in part, its printed prefix says nothing of the rest: but an archive's
    // rest is no line of tar's verbose listing (tar xv, tar tv print one per member); a member's
    // file, which tar opens once it has read the member's header, may hold one line.
    if (credit.tarArchive !== true || credit.lastTransfer?.sink === sink || openedSince(sink, credit.source)) return false;
    const printed = view.printedBuffer();
    return printed !== null && isListingLine(printed);
  }
  // A copy loop under way (this source's bytes already go to this sink): its writes are not re-checked.
  if (credit.confirmed && credit.lastTransfer?.sink === sink) return false;
  const prefix = readPrefix(head);
  if (head.scattered || prefix === null || prefix.length === 0) return false;
  if (credit.kind === 'socket' && (isHttpResponse(prefix) || (sink.endpoint.kind === 'file' && isUploadRequest(prefix)))) return false;
  // tar x reads archives from files and pipes (`xz -d | tar x`), and writes members into files it
  // opens once it has read their header (also from a socket: `tar xf - < /dev/tcp/...`); a
  // protocol's NUL-padded messages on a socket, logged to a file open before, are no archive.
  const archiveKind = credit.source.endpoint.kind === 'file' || credit.source.endpoint.kind === 'pipe' || sink.openedAtLine > head.line;
  const readHeader = head.bytes >= TAR_BLOCK && archiveKind ? tarMemberName(prefix) : null;
  if (view.printed === undefined && readHeader === null && spec.buf[0] === 1 && event instanceof TraceSyscall) {
    // Hot path (a plain copy loop asks this of every write): compared where the write was parsed, no cut.
    const inPlace = event.compareSecondString(prefix);
    if (inPlace === 1) return false;
    // (A write printed in hex escapes is judged below, on its cut text.)
    if (inPlace === 0 && credit.source.endpoint.kind !== 'file' && event.secondStringStartsWith('\\x') === false) {
      return sink.endpoint.kind === 'file' || event.secondStringStartsWith(HTTP_RESPONSE) !== true;
    }
  }
  const writePrinted = view.printedBuffer();
  if (writePrinted === null || writePrinted.length === 0) return false;
  if (readHeader !== null) {
    credit.tarArchive = true;
    // The archive itself copied (cat arc.tar > copy.tar) begins with the same header.
    return !compatible(prefix, writePrinted) && !extractsMember(readHeader, sink, writePrinted);
  }
  // A server's header written with the first body bytes goes to its client, not into a file: a file
  // that gets an HTTP header the read did not begin with holds what the program made of the read
  // (openssl s_client saving the plaintext of TLS records).
  if (compatible(prefix, writePrinted) || (isHttpResponse(writePrinted) && sink.endpoint.kind !== 'file')) return false;
  const writtenHeader = (event.ret ?? 0) > TAR_BLOCK ? tarMemberName(writePrinted) : null;
  return writtenHeader === null || !namesMember(writtenHeader, credit.source);
}

/**
 * A gathering write (writev, pwritev) none of whose printed iovecs begins like the credit's next bytes,
 * a whole read that printed other bytes (PostgreSQL zero-filling a WAL segment with pwritev after it
 * read relation pages): not that read's data. A copy loop under way is not re-checked.
 */
function contradictsIovecs(credit: Credit, head: UnsentRead, sink: FdObject, iovecPrints: readonly string[]): boolean {
  if (!head.fresh || head.scattered || iovecPrints.length === 0) return false;
  if (credit.confirmed && credit.lastTransfer?.sink === sink) return false;
  const prefix = readPrefix(head);
  if (prefix === null || prefix.length === 0) return false;
  // A response a client saves goes on behind its header; but a header the program made itself in
  // place of the one it read (a proxy's own response header, written alone: nginx with
  // proxy_buffering off) is no byte of the upstream's.
  if (credit.kind === 'socket' && isHttpResponse(prefix) && !iovecPrints.every(isHttpResponse)) return false;
  for (const printed of iovecPrints) if (printed.length === 0 || compatible(prefix, printed)) return false;
  return true;
}

/**
 * tar x: a write after a read that began with a member's header sends that member's data when it
 * goes to the file of that name, or elsewhere (tar xO) when it is no line of tar's verbose listing
 * (tar tv writes `-rw-r--r-- user/group ...`, tar xv the member names: `m/a.bin\n`).
 */
function extractsMember(name: string, sink: FdObject, printed: string): boolean {
  return namesMember(name, sink) || !(isListingLine(printed) || printed.startsWith(name));
}

/** The sink is a file opened after the source was (tar opens each member's file as it comes to it). */
function openedSince(sink: FdObject, source: FdObject): boolean {
  return sink.endpoint.kind === 'file' && sink.openedAtLine > source.openedAtLine;
}

/** A line of tar's verbose listing: `-rw-r--r-- user/group ...` (tar tv), or one line of text (tar xv's member names). */
function isListingLine(printed: string): boolean {
  const bytes = hexDecoded(printed);
  return TAR_LISTING_LINE.test(bytes ?? printed) || (bytes !== null ? ONE_TEXT_LINE_BYTES.test(bytes) : ONE_TEXT_LINE.test(printed));
}

/** One line of text: printable chars, then its newline. */
function isOneTextLine(printed: string): boolean {
  const bytes = hexDecoded(printed);
  return bytes !== null ? ONE_TEXT_LINE_BYTES.test(bytes) : ONE_TEXT_LINE.test(printed);
}

/** The member name of a tar header as strace prints it (its name, then NUL padding to the end of the print), else null. */
function tarMemberName(printed: string): string | null {
  const bytes = hexDecoded(printed);
  if (bytes !== null) return TAR_MEMBER_HEADER_BYTES.test(bytes) ? bytes.slice(0, bytes.indexOf('\0')) : null;
  return TAR_MEMBER_HEADER.test(printed) ? printed.slice(0, printed.indexOf('\\0')) : null;
}

/**
 * A print in hex escapes (-xx prints every byte `\xNN`, four chars each) decoded, its first `bytes`
 * only when given; null for any other print, which the checks read as printed.
 */
function hexDecoded(printed: string, bytes?: number): string | null {
  if (!printed.startsWith('\\x')) return null;
  return decodeEscapes(bytes === undefined ? printed : printed.slice(0, 4 * bytes));
}

/**
 * The file is the tar member a header names (its own, its pax header's, or any for GNU's
 * `././@LongLink`), or inside that member directory (a directory's header starts its first file's record). Without -y a path is as the program opened it, maybe relative to a directory
 * fd (tar opens `b` in `dir/`): then its last part is compared, and any directory may hold it.
 */
function namesMember(header: string, object: FdObject): boolean {
  if (object.endpoint.kind !== 'file') return false;
  // GNU tar's long-name header (the name is in the next block) and pax's extended header for a member.
  if (header === '././@LongLink') return true;
  const name = header.replace(PAX_HEADERS, '$1');
  const relative = !object.endpoint.path.startsWith('/');
  const path = `/${object.endpoint.path}`;
  if (name.endsWith('/')) return relative || path.includes(`/${name}`);
  return path.endsWith(`/${name}`) || (relative && name.endsWith(path));
}

/** HTTP/1.1 chunk framing a socket read may begin with (decoded bytes): the end of the previous chunk, then a chunk-size line. */
const CHUNK_START = /^(?:\r\n)?[0-9a-fA-F]{1,16}(?:;[^\r\n]*)?\r\n/;
/** A chunk-size line inside a read, after the end of the previous chunk (decoded bytes). */
const CHUNK_BOUNDARY = /\r\n[0-9a-fA-F]{1,16}(?:;[^\r\n]*)?\r\n/g;

/** A chunk-size line at the start of a write as strace prints it (`8000\\r\\n`, `-x`: `\\x0d\\x0a`); group 1: its hex digits. */
const CHUNK_LINE_PRINTED = /^([0-9a-fA-F]{1,16})(?:\\r|\\x0[dD])(?:\\n|\\x0[aA])/;

/** A chunk-size line a write's printed bytes begin with. */
export interface ChunkLine {
  /** Its hex digits (the line's bytes are these and a CRLF). */
  digits: number;
  /** The chunk size they say. */
  size: number;
  /** How long the line is as printed (escapes and all). */
  printedLength: number;
}

/** The chunk-size line the write's printed bytes begin with (an HTTP body it sends chunked), if any. */
export function chunkLinePrinted(printed: string): ChunkLine | null {
  const line = CHUNK_LINE_PRINTED.exec(printed);
  return line === null ? null : { digits: line[1].length, size: parseInt(line[1], 16), printedLength: line[0].length };
}

/**
 * A proxy's own response header, written as an iovec before the body's (nginx proxying to nginx):
 * it begins like the upstream's header read `k` (both `HTTP/1.1 200 OK\r\nServer: nginx...`), but
 * is not as long, and the next printed iovec begins like the read after it. The upstream's header is
 * read and never written; the proxy's is no payload. `at`: where the iovec after the matched one is looked for.
 */
export function remadeHeader(credit: Credit, k: number, length: number, iov: string, at: number): boolean {
  const read = credit.reads[k];
  const next = credit.reads[k + 1];
  if (credit.kind !== 'socket' || read === undefined || next === undefined || !next.fresh || read.bytes === length) return false;
  const prefix = readPrefix(read);
  if (prefix === null || !isHttpResponse(prefix)) return false;
  const nextPrefix = readPrefix(next);
  const nextIov = nextIovec(iov, at);
  return nextIov !== null && prefixesAgree(nextPrefix, nextIov.prefix);
}

/** A read a write sends from behind framing (framedRead): its index among the credit's unsent reads, and how many of its bytes come before the write's (the framing, and what preceded it). */
export interface FramedRead {
  read: number;
  skip: number;
}

/**
 * A socket's HTTP body sent with chunked transfer encoding: each read may begin with a chunk-size
 * line (`10000\r\n`, after the previous chunk's `\r\n`) or hold one after the previous chunk's last
 * bytes (`...\r\n10000\r\n...`), and the program writes the chunk's data without it, so the write
 * never begins like the read. The first of the credit's fresh reads in whose printed bytes the
 * write's printed bytes begin right after such a line (decoded, so -x prints alike), on the same
 * terms as agreeingRead: the oldest unsent read, else a later one when the oldest is whole and
 * printed other bytes or the write sends exactly the rest of that read. A line inside a read (the
 * bytes before it are the previous chunk's, maybe unsent) only when the write sends exactly the rest
 * of it. null when there is none.
 */
export function framedRead(credit: Credit, printed: string, bytes: number): FramedRead | null {
  const reads = credit.reads;
  const head = reads[0];
  if (head === undefined) return null;
  let written: string | null = null;
  const laterMayStart = headRuledOut(credit, printed);
  for (let k = 0; k < reads.length; k++) {
    const read = reads[k];
    if (!read.fresh || read.scattered) continue;
    const prefix = readPrefix(read);
    // Framing has a CR in it: strace prints it `\r` (`\x0d` under -x / -xx).
    if (prefix === null || !(prefix.includes('\\r') || prefix.includes('\\x0d') || prefix.includes('\\x0D'))) continue;
    const decoded = decodeEscapes(prefix);
    written ??= decodeEscapes(printed);
    const start = CHUNK_START.exec(decoded);
    if (start !== null && (k === 0 || laterMayStart || read.bytes - start[0].length === bytes) && bytesAgree(decoded, start[0].length, written)) {
      return { read: k, skip: start[0].length };
    }
    CHUNK_BOUNDARY.lastIndex = 0;
    for (let m = CHUNK_BOUNDARY.exec(decoded); m !== null; m = CHUNK_BOUNDARY.exec(decoded)) {
      const after = m.index + m[0].length;
      if (read.bytes - after === bytes && bytesAgree(decoded, after, written)) {
        return { read: k, skip: after };
      }
    }
  }
  return null;
}

/**
 * The write's `bytes` from the framed read on, after `header` bytes the program wrote of its own
 * (a header iovec, a chunk-size line); the read's first `skip` bytes are framing the write leaves out.
 */
export function framedMatch(credit: Credit, bytes: number, framed: FramedRead, header: number, positional: boolean): CreditMatch {
  const match = creditMatch(credit, Math.min(bytes, unsentFrom(credit, framed.read) - framed.skip), framed.read, positional);
  match.skip = framed.skip;
  match.header = header;
  return match;
}

/** The read's decoded bytes from `from` on and the write's begin alike over at least MIN_PREFIX_EVIDENCE bytes. */
function bytesAgree(read: string, from: number, written: string): boolean {
  const n = Math.min(read.length - from, written.length);
  return n >= MIN_PREFIX_EVIDENCE && read.startsWith(written.slice(0, n), from);
}

/** A chunked body's last chunk and empty trailer, as a read's printed bytes (decoded) end with them. */
const LAST_CHUNK = /(?:^|\r\n)0\r\n\r\n$/;

/** One of the credit's later unsent reads, before `line`, printed whole and ends with a chunked body's last chunk. */
function endedBefore(credit: Credit, line: number): boolean {
  const reads = credit.reads;
  for (let k = 1; k < reads.length && reads[k].line < line; k++) {
    const read = reads[k];
    if (!read.fresh) continue;
    const prefix = readPrefix(read);
    if (prefix === null) continue;
    const decoded = decodeEscapes(prefix);
    if (decoded.length === read.bytes && LAST_CHUNK.test(decoded)) return true;
  }
  return false;
}

/** The longest HTTP response header a saved body is taken to follow in one read (Node's default limit: 16 KiB). */
const MAX_HTTP_HEADER = 16 * 1024;

/**
 * An HTTP response a client saves, its reader and writer two threads of one process (Node's http
 * client reads on the loop's thread, its fs.WriteStream writes on the pool's): the first write into
 * a file opened after another thread read a response whose header came with body bytes, and no
 * write drew from that read yet. The body's bytes follow the header (strace printed only its start),
 * so the evidence is the file and the byte counts: the write is all of the read but the header (at
 * least as long as what strace printed of it, with no end of header in that, and at most
 * MAX_HTTP_HEADER), more than a short write, not a printed line of text (a log line).
 */
export function matchSavedResponse(event: SyscallEvent, spec: DataCallSpec, others: readonly { credits: Credit[] }[], sink: FdObject, bytes: number): CreditMatch | null {
  if (event.argNames !== null || spec.buf === undefined || sink.endpoint.kind !== 'file' || bytes <= SHORT_WRITE) return null;
  const printed = rawStringArg(event, spec.buf);
  if (printed === null || printed.length === 0 || isHttpResponse(printed) || isOneTextLine(printed)) return null;
  let found: Credit | null = null;
  let header = 0;
  for (const other of others) {
    for (const c of other.credits) {
      if (!usable(c, sink) || c.kind !== 'socket' || c.confirmed) continue;
      const head = c.reads[0];
      if (head === undefined || !head.fresh || head.scattered || sink.openedAtLine <= head.line) continue;
      // A response whose end (a chunked body's last chunk, printed whole) was read before the file was
      // opened: a program that read it to its end, then wrote a file of its own bytes, saved none of it.
      if (endedBefore(c, sink.openedAtLine)) continue;
      const prefix = readPrefix(head);
      if (prefix === null || !isHttpResponse(prefix)) continue;
      const skip = head.bytes - bytes;
      const shown = decodeEscapes(prefix);
      if (shown.includes('\r\n\r\n') || skip < shown.length || skip > MAX_HTTP_HEADER) continue;
      // Byte counts are the only evidence: two responses that fit alike (two downloads of one size at once) tell none apart.
      if (found !== null) return null;
      found = c;
      header = skip;
    }
  }
  if (found === null) return null;
  const match = creditMatch(found, bytes, 0, false);
  match.skip = header;
  return match;
}

/** rsync's multiplexed stream: each message begins with 4 bytes, its length (24 bits, little-endian), then its tag. */
const RSYNC_HEADER = 4;
/** The tag of a data message: MSG_BASE (7) + MSG_DATA (0). */
const RSYNC_MSG_DATA = 7;

/** The length the rsync data message header at `at` of `bytes` (decoded) says, or -1 when there is none there. */
function rsyncDataLength(bytes: string, at = 0): number {
  if (bytes.length < at + RSYNC_HEADER || bytes.charCodeAt(at + 3) !== RSYNC_MSG_DATA) return -1;
  return bytes.charCodeAt(at) | (bytes.charCodeAt(at + 1) << 8) | (bytes.charCodeAt(at + 2) << 16);
}

/** The first bytes of a print, decoded: the 4 bytes of a header take at most 16 printed chars (`\377`, `\xff`). */
function headerBytes(printed: string): string {
  return decodeEscapes(printed.slice(0, 4 * RSYNC_HEADER));
}

/** The write is one whole rsync data message: the header it begins with says the rest of its bytes. */
export function isRsyncDataMessage(printed: string, bytes: number): boolean {
  return bytes > RSYNC_HEADER && rsyncDataLength(headerBytes(printed)) === bytes - RSYNC_HEADER;
}

/** A fresh read of the credit a write may start from: the oldest unsent one, or a later one when the oldest printed other bytes. */
function candidateReads(credit: Credit, printed: string): number[] {
  const reads = credit.reads;
  if (reads.length === 0) return [];
  const laterMayStart = headRuledOut(credit, printed);
  const found: number[] = [];
  for (let k = 0; k < reads.length && (k === 0 || laterMayStart); k++) {
    if (reads[k].fresh && !reads[k].scattered) found.push(k);
  }
  return found;
}

/** rsync sends a file's bytes in tokens of at most this many, each behind its length (4 bytes, little-endian). */
const RSYNC_CHUNK = 32 * 1024;

/** The little-endian 32-bit number at `at` of `bytes` (decoded), or -1 when they end before it does. */
function int32At(bytes: string, at: number): number {
  if (at < 0 || at + 4 > bytes.length) return -1;
  return (bytes.charCodeAt(at) | (bytes.charCodeAt(at + 1) << 8) | (bytes.charCodeAt(at + 2) << 16) | (bytes.charCodeAt(at + 3) << 24)) >>> 0;
}

/**
 * `outer` (decoded) goes on from `at` with the start of `inner` (decoded) as far as strace printed
 * either: over at least MIN_PREFIX_EVIDENCE bytes, or over the last bytes of `outer`'s print when the
 * 4 bytes before them are the token rsync puts before a file's first bytes (their count: a chunk, or
 * all of them when fewer: `first`).
 */
function goesOnWith(outer: string, at: number, inner: string, first: number): boolean {
  const n = Math.min(outer.length - at, inner.length);
  if (n <= 0 || !outer.startsWith(inner.slice(0, n), at)) return false;
  return n >= MIN_PREFIX_EVIDENCE || (at + n === outer.length && int32At(outer, at - 4) === Math.min(RSYNC_CHUNK, first));
}

/**
 * rsync's sender (a local copy's, or one over ssh) writes each file as data messages of its
 * multiplexed stream: a header that says the message's length, then protocol bytes (the file's
 * index, its checksum header, a token that says how many of the file's bytes follow), then the bytes
 * it read. A write that is one whole such message, whose printed bytes go on, after the header, with
 * the start of a read's printed bytes (goesOnWith), sends that read: the bytes before it are framing
 * the program made (`header`).
 */
function rsyncSentRead(credit: Credit, printed: string): { read: number; header: number } | null {
  let written: string | null = null;
  for (const k of candidateReads(credit, printed)) {
    const unsent = credit.reads[k];
    const prefix = readPrefix(unsent);
    if (prefix === null || prefix.length === 0) continue;
    written ??= decodeEscapes(printed);
    const read = (unsent.decoded ??= decodeEscapes(prefix));
    for (let at = RSYNC_HEADER; at < written.length; at++) {
      if (goesOnWith(written, at, read, credit.reads[k].bytes)) return { read: k, header: at };
    }
  }
  return null;
}

/**
 * rsync's receiver reads its multiplexed stream in raw pieces (a message's header anywhere in them)
 * and writes the file's bytes out of them: a read that holds a data message's header, whose printed
 * bytes after it go on with the write's printed start (goesOnWith) inside that message, is where the
 * write's bytes start; the bytes before are framing and the previous message's, read and never
 * written by this write (`skip`).
 */
function rsyncReceivedRead(credit: Credit, printed: string, bytes: number): FramedRead | null {
  // Runs for every write no read's printed bytes agree with (a compressor's, an encoder's): cheap
  // checks first. A file's bytes are no multiplexed stream (a socket's or a pipe's are: a local
  // copy's socketpair, ssh's pipe); the read's print is searched for the write's start (indexOf),
  // not compared at every byte behind every header.
  if (credit.source.endpoint.kind === 'file' || printed.length === 0) return null;
  let written: string | null = null;
  for (const k of candidateReads(credit, printed)) {
    const unsent = credit.reads[k];
    const prefix = readPrefix(unsent);
    if (prefix === null || prefix.indexOf('7') < 0) continue;
    // Decoded once per read, not once per write that looks at it (a compressor's writes each would).
    const read = (unsent.decoded ??= decodeEscapes(prefix));
    written ??= decodeEscapes(printed);
    const limit = Math.min(read.length, credit.reads[k].bytes);
    const needle = written.slice(0, MIN_PREFIX_EVIDENCE);
    // Where the write's first bytes are in the read's print whole, then where its print ends with their start.
    for (let at = read.indexOf(needle, RSYNC_HEADER); at >= 0 && at < limit; at = read.indexOf(needle, at + 1)) {
      if (framedAt(read, at, written, bytes)) return { read: k, skip: at };
    }
    for (let at = Math.max(RSYNC_HEADER, read.length - needle.length + 1); at < limit; at++) {
      if (framedAt(read, at, written, bytes)) return { read: k, skip: at };
    }
  }
  return null;
}

/**
 * rsync's multiplexed stream: the match of a write that sends a read's bytes from inside data messages,
 * the sender's (a write that is one whole data message: `dataMessage`) or the receiver's, else null.
 * A later data message of a stream that sends a file so has its header left out of `view.framedPayload`.
 */
export function rsyncMatch(credits: Credit[], sink: FdObject, printed: string, view: WriteView, dataMessage: boolean): CreditMatch | null {
  const { bytes, positional } = view;
  for (const c of credits) {
    if (!usable(c, sink)) continue;
    if (dataMessage) {
      const sent = rsyncSentRead(c, printed);
      if (sent !== null) {
        c.rsyncFramed = true;
        return framedMatch(c, bytes - sent.header, { read: sent.read, skip: 0 }, sent.header, positional);
      }
    } else {
      const received = rsyncReceivedRead(c, printed, bytes);
      if (received !== null) {
        c.rsyncFramed = true;
        return framedMatch(c, bytes, received, 0, positional);
      }
    }
  }
  if (dataMessage && view.framedPayload === bytes) {
    for (const c of credits) if (c.rsyncFramed === true && usable(c, sink)) view.framedPayload = bytes - RSYNC_HEADER;
  }
  return null;
}

/** The write's bytes go on in the read's print from `at` (goesOnWith), inside a data message whose header is before `at`. */
function framedAt(read: string, at: number, written: string, bytes: number): boolean {
  if (!goesOnWith(read, at, written, bytes)) return false;
  const last = at + Math.min(read.length - at, written.length);
  for (let header = 0; header + RSYNC_HEADER <= at; header++) {
    const length = rsyncDataLength(read, header);
    if (length > 0 && at < header + RSYNC_HEADER + length && last <= header + RSYNC_HEADER + length) return true;
  }
  return false;
}
