// Read "credits": bytes a process has read from a source and not yet written on, and which credit a
// write draws from (same buffer address, same printed prefix, else the most recent source whose
// printed bytes do not contradict the write's). recordRead and matchCredit run for every data call:
// plain loops, no closures or intermediate arrays.

import type { SyscallEvent } from '../strace-parser/types';
import { TraceSyscall } from '../strace-parser/events';
import { closingQuote, parseIntLoose } from '../strace-parser/args';
import { decodeEscapes } from '../strace-parser/escapes';
import { CallGroup } from './call-group';
import { keep } from './strings';
import { isSocketKind } from './endpoints';
import { argText, positionArg, rawStringArg } from './event-args';
import type { FdObject } from './fd-table';
import type { DataCallSpec } from './syscall-classes';
import type { TransferAccumulator } from './transfer';
import type { Endpoint, Strategy } from './report-types';

/** How many distinct sources with unsent bytes a process may hold before the oldest is forgotten. */
const MAX_CREDITS = 8;
/** Shortest printed buffer prefix that counts as evidence that a write sends a read's bytes. */
const MIN_PREFIX_EVIDENCE = 4;

type ReadKind = 'plain' | 'positional' | 'vectored' | 'socket';

/** The least a copy loop writes at a time under -s 0, when its count is not exactly a read's (a page). */
const COPY_PIECE = 4096;
/** A write of at most this many bytes (a wake-up byte, a counter) is checked against the read it would send. */
const SHORT_WRITE = 64;
/** How many unsent reads a credit keeps apart; a later one joins the newest (whose prefix still says how it starts). */
const MAX_UNSENT_READS = 16;
/** Start offsets a joined read keeps of the positional reads that joined it (a database's pages). */
const MAX_JOINED_STARTS = 4096;

/**
 * A read whose bytes are not all sent on yet. Its printed prefix (strace -s) is the evidence for the
 * write that starts sending it. A program that reads a whole file before writing it out holds many:
 * its first write then starts with the first read's bytes, not the last's.
 */
interface UnsentRead {
  bytes: number;
  /** Nothing of it is sent yet: a write that sends from it starts with its printed prefix. */
  fresh: boolean;
  /** The read itself, kept only while it is the credit's newest (then its prefix is cut and it is let go, with its chunk). */
  event: SyscallEvent | null;
  spec: DataCallSpec | null;
  /** Its printed prefix once cut (a copy), null when it printed none; undefined: not cut yet. */
  prefix: string | null | undefined;
  /** perf: where its unsent bytes start in the process's memory (perf prints buffers as addresses). */
  address: number | null;
  /** A file's bytes read before in the trace (page cache warm); null when its offset is unknown. */
  warm: boolean | null;
  /** Read into several buffers (readv, recvmsg: more than one iovec printed; known once its prefix is cut): its prefix is only its first buffer's. */
  scattered: boolean;
  /** The read's line in the trace. */
  line: number;
  /** pread family: the file offset its unsent bytes start at; -1: unknown. */
  fileFrom: number;
  /** The file offsets the pread family reads that joined it started at (at most MAX_JOINED_STARTS), else null. */
  joinedStarts: Set<number> | null;
}

/** The last read a single write sent whole, and where: the same bytes written to another sink next are fanned out (tee(1)). */
interface SentRead {
  read: UnsentRead;
  bytes: number;
  sinks: FdObject[];
  /** The writing process's data-call count at the last write of it: fan-out writes follow one another. */
  seq: number;
}

/** Bytes read from `source` that no write has sent on yet. */
export interface Credit {
  source: FdObject;
  /** Unsent bytes: the sum of `reads`' bytes. */
  remaining: number;
  kind: ReadKind;
  /** The unsent reads, oldest first. */
  reads: UnsentRead[];
  sent: SentRead | null;
  /** A write has drawn from this credit: it is a transfer's source, not a stray read. */
  confirmed: boolean;
  /** Its bytes are being sent back where they came from (an echo): the writes that go on doing so are replies too. */
  echoing: boolean;
  /** UDP: the address the last datagram came from (recvfrom), the only one a datagram is sent back to. */
  peer: string | null;
  /** A tar archive: one of its reads began with a member's header (then its verbose listing's lines are never its bytes). */
  tarArchive?: boolean;
  /** Its reads are not in stream order (several threads' parts, merged when they ended): a write that starts with a later one skips none. */
  unordered: boolean;
  /** The source's fd was closed after the read (the bytes may still sit in a user buffer). */
  closed: boolean;
  /** Reads not yet given to a transfer (they join the one their bytes go to). */
  pending: CallGroup;
  lastTransfer: TransferAccumulator | null;
  /** The last write that sent its bytes ran on another thread than the one that read them (a pool's): see matchCopyUnderWay. */
  sentByOther?: boolean;
}

export function pairStrategy(kind: ReadKind, write: DataCallSpec, source: FdObject, sink: FdObject): Strategy {
  if (isSocketKind(source.endpoint.kind) && (sink.endpoint.kind === 'file' || sink.endpoint.kind === 'dev')) return 'recv_write';
  if (kind === 'vectored' && write.vectored === true) return 'readv_writev';
  if (kind === 'positional' && write.positional === true && write.vectored !== true) return 'pread_pwrite';
  return 'read_write';
}

function readKindOf(spec: DataCallSpec, source: FdObject): ReadKind {
  if (spec.socketCall === true || isSocketKind(source.endpoint.kind)) return 'socket';
  if (spec.vectored === true) return 'vectored';
  if (spec.positional === true) return 'positional';
  return 'plain';
}

/** perf prints buffers as addresses (`buf: 0x7ffd3f4c9348`); strace prints contents. */
export function bufferAddress(text: string | undefined): number | null {
  if (text === undefined || !text.startsWith('0x')) return null;
  return parseIntLoose(text);
}

/**
 * The next printed iovec of a vectored call's array, from `from` on: `[{iov_base="HTTP..."..., iov_len=254},
 * {iov_base="\220"..., iov_len=32768}]`. Sets iovecPrefix/iovecLength and returns where to look for the
 * one after it, or -1 when there is none. A scan, one iovec at a time: a gathering write prints up to
 * -s bytes per iovec, this runs for every one, and the first that matches a source ends the search.
 */
function nextIovec(text: string, from: number): number {
  for (let at = text.indexOf('iov_base="', from); at >= 0; at = text.indexOf('iov_base="', at + 1)) {
    const open = at + 9;
    const close = closingQuote(text, open, text.length);
    if (close >= text.length) continue;
    let next = close + 1;
    iovecWhole = !text.startsWith('...', next);
    if (!iovecWhole) next += 3;
    if (!text.startsWith(', iov_len=', next)) continue;
    let length = 0;
    let digit = next + 10;
    for (let c = text.charCodeAt(digit); c >= 48 && c <= 57; c = text.charCodeAt(++digit)) length = length * 10 + (c - 48);
    if (digit === next + 10) continue;
    iovecPrefix = text.slice(open + 1, close);
    iovecLength = length;
    return digit;
  }
  return -1;
}

let iovecPrefix = '';
let iovecLength = 0;
/** strace printed the iovec's whole buffer (no `...`: shorter than -s). */
let iovecWhole = false;

/** The printed buffer prefix a read starts with (cut once, as a copy, and the read let go). */
function readPrefix(read: UnsentRead): string | null {
  if (read.prefix === undefined) {
    const event = read.event;
    const spec = read.spec;
    let prefix: string | null = null;
    if (event !== null && spec !== null) {
      if (spec.buf !== undefined) prefix = rawStringArg(event, spec.buf);
      else if (spec.iov !== undefined || spec.msg !== undefined) {
        // A vectored call's array, or a msghdr's msg_iov: its first iovec's bytes; more printed iovecs
        // make it a read scattered into several buffers.
        const text = argText(event, spec.iov ?? spec.msg ?? spec.fd);
        const after = text !== undefined && (text.startsWith('[') || text.startsWith('{')) ? nextIovec(text, 0) : -1;
        if (after >= 0) {
          prefix = iovecPrefix;
          read.scattered = nextIovec(text as string, after) >= 0;
        }
      }
    }
    read.prefix = prefix === null ? null : keep(prefix);
    read.event = null;
    read.spec = null;
  }
  return read.prefix;
}

/**
 * A credit a write to `sink` may draw from: unsent bytes, from another descriptor and another path
 * (a path perf only hints at may be another file's: perf names an fd when it prints, so a program's
 * output opened on the number its input had can show the input's name; and two placeholders' `fd N`
 * names say nothing).
 */
export function usable(c: Credit, sink: FdObject): boolean {
  return c.remaining > 0 && !isOwnSource(c, sink) && (c.source.endpoint.path !== sink.endpoint.path || c.source.hint === true || sink.hint === true || !c.source.named || !sink.named) && !ends(c.source, sink);
}

/** `a->b` of a connected socket's name (`UNIX-STREAM:[123->456]`, `127.0.0.1:40000->127.0.0.1:80`). */
// An IPv6 address is bracketed ([::1]:40000->[::1]:80).
const CONNECTION = /((?:\[[^\]\s]*\]|[^\s[\],])+)->((?:\[[^\]\s]*\]|[^\s[\],])+)/;

/**
 * The two ends of one connection, both in this process (a socketpair, a client and the server it
 * connected to): what one end reads came from a write on the other, so it is never that write's
 * source. A blocking send ends after the peer thread read its first bytes (strace prints the read
 * first, with the same bytes).
 */
function ends(source: FdObject, sink: FdObject): boolean {
  const a = source.endpoint;
  const b = sink.endpoint;
  if (a.kind !== b.kind || (a.kind !== 'unix' && a.kind !== 'tcp')) return false;
  const x = connectionOf(a);
  if (x === null) return false;
  const y = connectionOf(b);
  return y !== null && x[0] === y[1] && x[1] === y[0];
}

/**
 * A socket endpoint's two addresses, cut once per endpoint (asked of every credit a relay's write
 * looks at). Endpoints are replaced, never changed in place, when an object is named anew.
 */
const connections = new WeakMap<Endpoint, readonly [string, string] | null>();

function connectionOf(endpoint: Endpoint): readonly [string, string] | null {
  let connection = connections.get(endpoint);
  if (connection === undefined) {
    const m = CONNECTION.exec(endpoint.path);
    connection = m !== null ? [m[1], m[2]] : null;
    connections.set(endpoint, connection);
  }
  return connection;
}

/** perf: the credit's oldest unsent bytes were read into [from, to). */
export function unsentStartsWithin(c: Credit, from: number, to: number): boolean {
  const address = c.reads[0]?.address ?? null;
  return address !== null && address >= from && address < to;
}

/** Printed texts that begin alike over the shorter one's length (equal bytes print as equal text). */
function compatible(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** Evidence that printed text `b` is the bytes `a` was printed from: alike over at least MIN_PREFIX_EVIDENCE chars. */
function prefixesAgree(a: string | null, b: string): boolean {
  return a !== null && a.length >= MIN_PREFIX_EVIDENCE && b.length >= MIN_PREFIX_EVIDENCE && compatible(a, b);
}

/** perf: the unsent read whose bytes are at `address` (the write sends from there), or -1. */
function readAt(credit: Credit, address: number): number {
  const reads = credit.reads;
  for (let k = 0; k < reads.length; k++) {
    const start = reads[k].address;
    if (start !== null && address >= start && address < start + reads[k].bytes) return k;
  }
  return -1;
}

/**
 * The credit's bytes came from the write's own sink: the same descriptor, or, for a datagram, the
 * socket it is sent from when it goes back to the address the bytes came from (an echo; a relay that
 * forwards to another address on the same socket sends another source's data).
 */
function isOwnSource(c: Credit, sink: FdObject): boolean {
  return c.source === sink || (c.source === sink.datagramOf && c.peer !== null && c.peer === sink.endpoint.path);
}

/** The credit's unsent bytes from its unsent read `k` on. */
function unsentFrom(credit: Credit, k: number): number {
  let bytes = credit.remaining;
  for (let j = 0; j < k; j++) bytes -= credit.reads[j].bytes;
  return bytes;
}

/**
 * The first of the credit's unsent reads (still whole) that the write's printed bytes start with, or
 * -1. A write goes on from the oldest unsent byte: it starts with a later read only when the oldest
 * read is whole and printed other bytes, or when it sends exactly that later read (`bytes`) — not on
 * a printed prefix alone, which repeating data (zeros) gives every read.
 */
function agreeingRead(credit: Credit, printed: string, bytes: number): number {
  const reads = credit.reads;
  const head = reads[0];
  if (head === undefined) return -1;
  if (head.fresh && prefixesAgree(readPrefix(head), printed)) return 0;
  const headPrefix = head.fresh ? readPrefix(head) : null;
  const headRuledOut = (headPrefix !== null && headPrefix.length > 0 && !compatible(headPrefix, printed)) || credit.unordered;
  for (let k = 1; k < reads.length; k++) {
    const read = reads[k];
    if (read.fresh && (headRuledOut || read.bytes === bytes) && prefixesAgree(readPrefix(read), printed)) return k;
  }
  return -1;
}

/** HTTP/1.1 chunk framing a socket read may begin with (decoded bytes): the end of the previous chunk, then a chunk-size line. */
const CHUNK_START = /^(?:\r\n)?[0-9a-fA-F]{1,16}(?:;[^\r\n]*)?\r\n/;
/** A chunk-size line inside a read, after the end of the previous chunk (decoded bytes). */
const CHUNK_BOUNDARY = /\r\n[0-9a-fA-F]{1,16}(?:;[^\r\n]*)?\r\n/g;

/** The bytes of the write matchCredit() looks at that are data, not the chunk framing it printed (bytes when none). */
let framedPayload = 0;

/** A chunk-size line at the start of a write as strace prints it (`8000\\r\\n`, `-x`: `\\x0d\\x0a`); group 1: its hex digits and CRLF as bytes are counted below. */
const CHUNK_LINE_PRINTED = /^([0-9a-fA-F]{1,16})(?:\\r|\\x0[dD])(?:\\n|\\x0[aA])/;

/**
 * A proxy's own response header, written as an iovec before the body's (nginx proxying to nginx):
 * it begins like the upstream's header read `k` (both `HTTP/1.1 200 OK\r\nServer: nginx...`), but
 * is not as long, and the next printed iovec begins like the read after it. The upstream's header is
 * read and never written; the proxy's is no payload. (Reads the next iovec: call before using the
 * current one's iovecPrefix no more.)
 */
function remadeHeader(credit: Credit, k: number, length: number, iov: string, at: number): boolean {
  const read = credit.reads[k];
  const next = credit.reads[k + 1];
  if (credit.kind !== 'socket' || read === undefined || next === undefined || !next.fresh || read.bytes === length) return false;
  const prefix = readPrefix(read);
  if (prefix === null || !prefix.startsWith(HTTP_RESPONSE)) return false;
  const nextPrefix = readPrefix(next);
  if (nextIovec(iov, at) < 0) return false;
  return prefixesAgree(nextPrefix, iovecPrefix);
}

/** framedRead's other result: how many bytes of the read it found come before the write's (the framing, and what preceded it). */
let framedSkip = 0;

/**
 * A socket's HTTP body sent with chunked transfer encoding: each read may begin with a chunk-size
 * line (`10000\r\n`, after the previous chunk's `\r\n`) or hold one after the previous chunk's last
 * bytes (`...\r\n10000\r\n...`), and the program writes the chunk's data without it, so the write
 * never begins like the read. The first of the credit's fresh reads in whose printed bytes the
 * write's printed bytes begin right after such a line (decoded, so -x prints alike), on the same
 * terms as agreeingRead: the oldest unsent read, else a later one when the oldest is whole and
 * printed other bytes or the write sends exactly the rest of that read. A line inside a read (the
 * bytes before it are the previous chunk's, maybe unsent) only when the write sends exactly the rest
 * of it. Sets framedSkip (bytes of the read before the write's); returns the read's index, or -1.
 */
function framedRead(credit: Credit, printed: string, bytes: number): number {
  const reads = credit.reads;
  const head = reads[0];
  if (head === undefined) return -1;
  let written: string | null = null;
  const headPrefix = head.fresh ? readPrefix(head) : null;
  const headRuledOut = (headPrefix !== null && headPrefix.length > 0 && !compatible(headPrefix, printed)) || credit.unordered;
  for (let k = 0; k < reads.length; k++) {
    const read = reads[k];
    if (!read.fresh || read.scattered) continue;
    const prefix = readPrefix(read);
    // Framing has a CR in it: strace prints it `\r` (`\x0d` under -x / -xx).
    if (prefix === null || !(prefix.includes('\\r') || prefix.includes('\\x0d') || prefix.includes('\\x0D'))) continue;
    const decoded = decodeEscapes(prefix);
    written ??= decodeEscapes(printed);
    const start = CHUNK_START.exec(decoded);
    if (start !== null && (k === 0 || headRuledOut || read.bytes - start[0].length === bytes) && bytesAgree(decoded, start[0].length, written)) {
      framedSkip = start[0].length;
      return k;
    }
    CHUNK_BOUNDARY.lastIndex = 0;
    for (let m = CHUNK_BOUNDARY.exec(decoded); m !== null; m = CHUNK_BOUNDARY.exec(decoded)) {
      const after = m.index + m[0].length;
      if (read.bytes - after === bytes && bytesAgree(decoded, after, written)) {
        framedSkip = after;
        return k;
      }
    }
  }
  return -1;
}

/** The read's decoded bytes from `from` on and the write's begin alike over at least MIN_PREFIX_EVIDENCE bytes. */
function bytesAgree(read: string, from: number, written: string): boolean {
  const n = Math.min(read.length - from, written.length);
  return n >= MIN_PREFIX_EVIDENCE && read.startsWith(written.slice(0, n), from);
}

/**
 * A thread pool (libuv's) writes what another thread read: a write with no evidence of its own may
 * still go on with a copy loop under way, the credit of another thread whose bytes already go to
 * this sink (on evidence: matchCredit), when that credit has the write's bytes unsent and the write
 * does not contradict it (its next read is not a whole one that printed other bytes). Under strace
 * with printed bytes only: -s 0 shows no evidence of any pairing, so none is guessed across threads.
 * An HTTP body saved with chunked encoding needs it: where a chunk-size line falls beyond what strace
 * printed of a read, nothing shows the next write is that read's data.
 */
export function matchCopyUnderWay(event: SyscallEvent, spec: DataCallSpec, credits: Credit[], sink: FdObject, bytes: number): Credit | null {
  if (event.argNames !== null) return null;
  let printed: string | null = null;
  if (spec.buf !== undefined) printed = rawStringArg(event, spec.buf);
  else if (spec.iov !== undefined) {
    // A gathering write (Node's fs.WriteStream writes the chunks it holds with writev): its first iovec.
    const text = argText(event, spec.iov);
    if (text !== undefined && text.startsWith('[') && nextIovec(text, 0) >= 0) printed = iovecPrefix;
  }
  if (printed === null || printed.length === 0) return null;
  for (const c of credits) {
    // Only a loop whose writes already run on another thread than its reads (a pool's): where the
    // reading thread writes its bytes itself, a write from a third thread is that thread's own (its
    // records in the same file, another download into another part of it).
    if (!usable(c, sink) || !c.confirmed || c.sentByOther !== true || c.lastTransfer?.sink !== sink || c.remaining < bytes) continue;
    const head = c.reads[0];
    if (head !== undefined && head.fresh) {
      const prefix = readPrefix(head);
      if (prefix !== null && prefix.length > 0 && !compatible(prefix, printed)) continue;
    }
    return match(c, bytes, 0);
  }
  return null;
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
export function matchSavedResponse(event: SyscallEvent, spec: DataCallSpec, others: readonly { credits: Credit[] }[], sink: FdObject, bytes: number): Credit | null {
  if (event.argNames !== null || spec.buf === undefined || sink.endpoint.kind !== 'file' || bytes <= SHORT_WRITE) return null;
  const printed = rawStringArg(event, spec.buf);
  if (printed === null || printed.length === 0 || printed.startsWith(HTTP_RESPONSE) || ONE_TEXT_LINE.test(printed)) return null;
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
      if (prefix === null || !prefix.startsWith(HTTP_RESPONSE)) continue;
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
  match(found, bytes, 0);
  matchedSkip = header;
  return found;
}

/**
 * The write's printed bytes cannot be the credit's next ones: its oldest unsent read is still whole
 * and printed other bytes (io-model: "where strace printed buffer contents, the printed prefixes
 * agree"). Asked only of a write whose whole buffer strace printed (a wake-up byte written to a pipe
 * between a read and its write): a longer one may send the part after a header its read began with.
 */
function contradicts(credit: Credit, printed: string): boolean {
  const head = credit.reads[0];
  if (head === undefined || !head.fresh || printed.length === 0) return false;
  const prefix = readPrefix(head);
  return prefix !== null && prefix.length > 0 && !compatible(prefix, printed);
}

/** The credit of `source` among a process's credits (most recent first), if it has one. */
export function findCredit(credits: Credit[], source: FdObject): Credit | undefined {
  for (const c of credits) {
    if (c.source === source) return c;
  }
  return undefined;
}

/**
 * A read of `bytes` > 0 from `source`: adds them to its credit (`credit`, from findCredit, or a new
 * one), which moves to the front; past MAX_CREDITS the oldest is forgotten.
 */
export function recordRead(credits: Credit[], credit: Credit | undefined, source: FdObject, event: SyscallEvent, spec: DataCallSpec, bytes: number, warm: boolean | null = null, offset: number | null = null): void {
  if (credit === undefined) {
    credit = { source, remaining: 0, kind: readKindOf(spec, source), reads: [], sent: null, confirmed: false, echoing: false, peer: null, unordered: false, closed: false, pending: new CallGroup(), lastTransfer: null };
    credits.unshift(credit);
    if (credits.length > MAX_CREDITS) credits.pop();
  } else if (credits[0] !== credit) {
    credits.splice(credits.indexOf(credit), 1);
    credits.unshift(credit);
  }
  credit.remaining += bytes;
  credit.pending.add(event);
  // A fan-out writes a read to every sink before the next read (and this lets go of its chunk).
  credit.sent = null;
  const reads = credit.reads;
  const fileFrom = offset ?? -1;
  if (reads.length >= MAX_UNSENT_READS) joinNewest(reads, bytes, fileFrom);
  else {
    const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
    appendRead(reads, { bytes, fresh: true, event, spec, prefix: undefined, address, warm, scattered: false, line: event.line, fileFrom, joinedStarts: null });
  }
}

/** Past MAX_UNSENT_READS a read joins the newest one, whose prefix still says how their bytes start. */
function joinNewest(reads: UnsentRead[], bytes: number, fileFrom: number): void {
  const newest = reads[reads.length - 1];
  newest.bytes += bytes;
  if (fileFrom >= 0) {
    const starts = (newest.joinedStarts ??= new Set<number>());
    if (starts.size < MAX_JOINED_STARTS) starts.add(fileFrom);
  }
}

/**
 * For a write at file offset `at` (pwrite family): the first unsent read whose bytes at `at` no
 * printed prefix shows (a read that joined it started there, or it was sent in part up to there), or -1.
 * A copy of blocks keeps their offsets (a database backing up its pages, cp of a sparse file); bytes
 * the program wrote of its own (a journal's header) are no block it read there.
 */
function unknownContentReadAt(credit: Credit, at: number | null): number {
  if (at === null) return -1;
  const reads = credit.reads;
  for (let k = 0; k < reads.length; k++) {
    const read = reads[k];
    if (read.joinedStarts?.delete(at) === true || (!read.fresh && read.fileFrom === at)) return k;
  }
  return -1;
}

/** A read goes last among the unsent ones; only the newest keeps its event (and chunk), so the one before is cut now. */
function appendRead(reads: UnsentRead[], read: UnsentRead): void {
  const newest = reads[reads.length - 1];
  if (newest !== undefined) readPrefix(newest);
  reads.push(read);
}

/** matchCredit's other results: how many of the write's bytes the credit covers, and from which of its unsent reads they start. */
let matched = 0;
let matchedRead = 0;

/** Whether the bytes the last matchCredit() found (or the credit's oldest, `oldest`) were read before; undefined when unknown. */
export function matchedWarm(credit: Credit, oldest = false): boolean | undefined {
  return credit.reads[oldest ? 0 : matchedRead]?.warm ?? undefined;
}

/** How many of the write's bytes the credit the last matchCredit() returned covers. */
export function matchedBytes(): number {
  return matched;
}

function match(credit: Credit, bytes: number, fromRead: number): Credit {
  matched = bytes;
  matchedRead = fromRead;
  matchedPart = false;
  matchedHeader = 0;
  matchedSkip = 0;
  return credit;
}

/** Bytes at the start of the matched read that are framing, read and never written (an HTTP chunk-size line): see framedRead. */
let matchedSkip = 0;

/**
 * match() of a write's `bytes` from unsent read `k` on, whose first `skip` bytes are framing the write
 * leaves out (framedRead), after `header` bytes the program wrote of its own before them.
 */
function matchFramed(credit: Credit, bytes: number, k: number, skip: number, header: number): Credit {
  match(credit, Math.min(bytes, unsentFrom(credit, k) - skip), k);
  matchedSkip = skip;
  matchedHeader = header;
  return credit;
}

/** The write matchCredit() looks at names its file offset (pwrite64, pwritev): it may send its reads' bytes in any order. */
let writePositional = false;

/** Bytes of the write's iovecs before the one matchCredit() matched (a header the program made). */
let matchedHeader = 0;

/** How many of the write's bytes, before the ones the last matchCredit() matched, are a header of the program's. */
export function matchedHeaderBytes(): number {
  return matchedHeader;
}

/** The last matchCredit() found no evidence and no source with enough bytes: its credit covers only part of the write. */
let matchedPart = false;

/** Whether the credit the last matchCredit() returned is only a guess for part of the write (see matchedPart). */
export function matchedOnlyPart(): boolean {
  return matchedPart;
}

/** The write's printed buffer, or each of its iovecs, when strace printed them whole (reused: no array per call); cleared when one was cut. */
const wholePrints: string[] = [];

/**
 * Which read's bytes this write sends on, in order of evidence: the same buffer address (perf),
 * the same printed prefix (strace -s), then the most recent source with enough unsent bytes whose
 * printed bytes do not contradict the write's, then the most recent with any (not with
 * `evidenceOnly`: another thread's credits). Data is never paired with the descriptor it came from
 * (that is a reply, like an HTTP response to its request), nor with the loader's or a runtime's reads.
 */
export function matchCredit(event: SyscallEvent, spec: DataCallSpec, credits: Credit[], sink: FdObject, bytes: number, evidenceOnly: boolean): Credit | null {
  // Runs for every write: plain loops; the byte count and first read go to matchedBytes() / consume().
  writePositional = spec.positional === true;
  let count = 0;
  let only: Credit | null = null;
  let replies = false;
  for (const c of credits) {
    if (usable(c, sink)) {
      count++;
      only = c;
    } else if (c.remaining > 0 && isOwnSource(c, sink)) replies = true;
  }
  repliedBack = false;
  if (only === null) return null;
  printedBytes = bytes;
  const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
  if (address !== null) {
    for (const c of credits) {
      if (!usable(c, sink)) continue;
      const k = readAt(c, address);
      if (k >= 0) return match(c, Math.min(bytes, unsentFrom(c, k)), k);
    }
  }
  // Printed contents pick the source (and its read) among competing ones, confirm a source whose fd is
  // already closed, find the read a write starts with when several wait unsent, find the payload
  // iovec of a gathering write (a header iovec before it is not payload), and rule out a source
  // whose next bytes are not a short write's. A plain copy loop (one source, one unsent read, a
  // write of a chunk) needs none of it: its buffers are not cut.
  wholePrints.length = 0;
  iovecPrints.length = 0;
  writePrinted = undefined;
  framedPayload = bytes;
  let allWhole = true;
  const needsEvidence = evidenceOnly || replies || count > 1 || (only.closed && !only.confirmed) || only.reads.length > 1 || bytes <= SHORT_WRITE;
  if (spec.buf !== undefined && needsEvidence) {
    const printed = rawStringArg(event, spec.buf);
    writePrinted = printed;
    if (printed !== null) {
      // Its own bytes sent back first: two clients that sent the same bytes each get their own echo.
      if (replies && sendsBack(credits, sink, printed)) return reply();
      for (const c of credits) {
        if (!usable(c, sink)) continue;
        const k = agreeingRead(c, printed, bytes);
        if (k >= 0) return match(c, Math.min(bytes, unsentFrom(c, k)), k);
      }
      for (const c of credits) {
        if (!usable(c, sink) || c.kind !== 'socket') continue;
        const k = framedRead(c, printed, bytes);
        if (k >= 0) return matchFramed(c, bytes, k, framedSkip, 0);
      }
      // A chunk-size line the program wrote before the data (an HTTP body it sends chunked: Go's
      // http server, Python's chunked writes): framing of its own, the bytes after it are a read's.
      const line = CHUNK_LINE_PRINTED.exec(printed);
      if (line !== null && bytes > line[1].length + 2) {
        // One whole chunk (size line, data, CRLF) or its first part: the data's bytes.
        const size = parseInt(line[1], 16);
        const wholeChunk = bytes === line[1].length + 2 + size + 2;
        const framing = wholeChunk ? bytes - size : line[1].length + 2;
        // Without a read that agrees (the fallback below), only a write exactly one whole chunk long
        // is taken to be framed: hex digits and a CRLF also begin CRLF text (a number per line, cut
        // anywhere by a buffered writer: sort, a copy in pieces), whose bytes are all the file's.
        if (wholeChunk) framedPayload = bytes - framing;
        const after = printed.slice(line[0].length);
        for (const c of credits) {
          if (!usable(c, sink)) continue;
          let k = agreeingRead(c, after, bytes - framing);
          let skip = 0;
          if (k < 0 && c.kind === 'socket') {
            k = framedRead(c, after, bytes - framing);
            skip = framedSkip;
          }
          if (k >= 0) return matchFramed(c, bytes - framing, k, skip, framing);
        }
      }
      if (argText(event, spec.buf)?.endsWith('"...') === false) wholePrints.push(printed);
      else allWhole = false;
    }
  } else if (spec.iov !== undefined || (spec.msg !== undefined && event.argNames === null)) {
    // A gathering write's iovecs, or a sendmsg's msghdr, whose msg_iov strace prints the same way.
    const iov = argText(event, spec.iov ?? spec.msg ?? spec.fd);
    let headerBytes = 0;
    for (let at = iov !== undefined && (iov.startsWith('[') || iov.startsWith('{')) ? nextIovec(iov, 0) : -1; at >= 0; at = nextIovec(iov as string, at)) {
      // Read them now: readPrefix() may scan a read's iovecs with the same cursor.
      const prefix = iovecPrefix;
      const length = iovecLength;
      const whole = iovecWhole;
      if (replies && sendsBack(credits, sink, prefix)) return reply();
      for (const c of credits) {
        if (!usable(c, sink)) continue;
        const k = agreeingRead(c, prefix, length);
        if (k >= 0) {
          if (remadeHeader(c, k, length, iov as string, at)) break;
          match(c, Math.min(bytes - headerBytes, unsentFrom(c, k)), k);
          matchedHeader = headerBytes;
          return c;
        }
        if (c.kind !== 'socket') continue;
        // An HTTP body received chunked: the read begins with a chunk-size line the write leaves out.
        const f = framedRead(c, prefix, length);
        if (f >= 0) return matchFramed(c, bytes - headerBytes, f, framedSkip, headerBytes);
      }
      iovecPrints.push(prefix);
      if (whole) wholePrints.push(prefix);
      else allWhole = false;
      headerBytes += length;
    }
  }
  if (!allWhole) wholePrints.length = 0;
  if (evidenceOnly) return null;
  const echo = replies ? echoing(credits, sink) : null;
  if (echo !== null) {
    sendBack(echo, 0, bytes, sink);
    return reply();
  }
  // Without evidence, a source whose fd is already closed only counts once a write has drawn from it,
  // or, under -s 0 (no printed bytes to tell), when the write's count fits it (a program that reads a
  // file whole, closes it and writes it out: fitsUnprinted); and none whose next bytes
  // strace printed otherwise than the write's (a log line written after a request was read, a program
  // that compresses or encrypts what it reads).
  // perf shows no bytes, only buffer addresses: a short write (a checksum, a count: sha256sum, wc)
  // from a buffer no unsent read filled is no copy of them.
  const unfilledShort = address !== null && bytes <= SHORT_WRITE;
  let partial: Credit | null = null;
  for (const c of credits) {
    if (!usable(c, sink) || (c.closed && !c.confirmed && !fitsUnprinted(c, event, spec, bytes, count === 1)) || contradictsAll(c)) continue;
    if (contradictsPrinted(c, sink, event, spec)) {
      // Blocks written at their own offsets go out in any order: not the credit's next bytes, but
      // maybe bytes read at that offset that no printed prefix shows (unknownContentReadAt).
      const k = writePositional ? unknownContentReadAt(c, positionArg(event, spec)) : -1;
      if (k < 0 || unprovenShort(c, k, sink, bytes)) continue;
      return match(c, Math.min(bytes, unsentFrom(c, k)), k);
    }
    if (unfilledShort && c.reads[0]?.address != null) continue;
    if (unprovenShort(c, 0, sink, bytes)) continue;
    if (c.remaining >= framedPayload) {
      match(c, framedPayload, 0);
      // A chunk-size line (and the chunk's CRLF) the program wrote around the data: framing of its own.
      matchedHeader = bytes - framedPayload;
      return c;
    }
    partial ??= c;
  }
  if (partial === null) return null;
  match(partial, Math.min(bytes, partial.remaining), 0);
  matchedPart = true;
  return partial;
}

/**
 * strace printed the short positional write matchCredit() looks at whole, and no unsent read starts
 * with it; where read `k`'s bytes go on is unknown (it was sent in part), so nothing contradicts it
 * either: bytes the program made (sqlite's 12-byte journal header after a backup's pages, to a
 * journal it opened before reading them), unless they go on to where this credit's bytes went, to a
 * file opened since that read, or are exactly its rest. Only pwrite's: a stream's short writes are
 * usually lines dealt out of one read to files already open (awk, split, tar x).
 */
function unprovenShort(credit: Credit, k: number, sink: FdObject, bytes: number): boolean {
  if (!writePositional || bytes > SHORT_WRITE || wholePrints.length === 0) return false;
  const read = credit.reads[k];
  return read !== undefined && read.prefix === null && credit.lastTransfer?.sink !== sink && read.bytes !== bytes && sink.openedAtLine < read.line;
}

/**
 * The write sends back bytes its own sink sent (an echo server, a reply that quotes its request):
 * a reply, not another source's data, even when another source has bytes waiting. They are sent
 * (no transfer), and the writes that go on sending that credit's bytes back are replies too.
 */
function sendsBack(credits: Credit[], sink: FdObject, printed: string): boolean {
  for (const c of credits) {
    if (!isOwnSource(c, sink) || c.remaining <= 0) continue;
    const k = agreeingRead(c, printed, printedBytes);
    if (k >= 0) {
      // Only as far as the printed bytes show: a protocol's fixed record sent both ways (TLS's
      // ChangeCipherSpec, `\24\3\3\0\1\1`) at the start of a longer write is no echo of the reads after it.
      const proven = echoedBytes(c, k, printed, printedBytes);
      sendBack(c, k, proven, sink);
      if (proven < printedBytes) c.echoing = false;
      return true;
    }
  }
  return false;
}

/**
 * How many of a write's `bytes` sent back from unsent read `k` on its printed text shows to be those
 * reads' bytes: all of them, unless a read printed whole (fewer characters than the write's text goes
 * on with) is followed by a read whose printed bytes the write's next ones are not.
 */
function echoedBytes(credit: Credit, k: number, printed: string, bytes: number): number {
  const reads = credit.reads;
  let rest = printed;
  let sum = 0;
  for (let j = k; j < reads.length && sum < bytes; j++) {
    const read = reads[j];
    const prefix = read.fresh ? readPrefix(read) : null;
    if (prefix === null || prefix.length === 0) return bytes;
    if (!compatible(prefix, rest)) return sum;
    if (rest.length <= prefix.length) return bytes;
    sum += read.bytes;
    rest = rest.slice(prefix.length);
  }
  return bytes;
}

/** The write sends `bytes` of its own sink's credit back, from unsent read `fromRead` on (no transfer); more may follow. */
function sendBack(credit: Credit, fromRead: number, bytes: number, sink: FdObject): void {
  match(credit, Math.min(bytes, unsentFrom(credit, fromRead)), fromRead);
  consume(credit, matched, sink);
  credit.echoing = credit.remaining > 0;
}

/** The credit of the write's own sink that is being echoed back, if any (see sendsBack). */
function echoing(credits: Credit[], sink: FdObject): Credit | null {
  for (const c of credits) if (isOwnSource(c, sink) && c.echoing && c.remaining > 0) return c;
  return null;
}

/** The bytes of the write matchCredit is looking at (sendsBack sends that many back). */
let printedBytes = 0;

/** The last matchCredit() found the write sending bytes back where they came from (null, and nothing else to look for). */
let repliedBack = false;

function reply(): null {
  repliedBack = true;
  return null;
}

/** Whether the last matchCredit() found a reply: the write sends its own sink's bytes back, it is no transfer's. */
export function wasReply(): boolean {
  return repliedBack;
}

/** How an HTTP response begins (its status line). */
const HTTP_RESPONSE = 'HTTP/';
/** An HTTP request that carries a body. */
const UPLOAD_REQUEST = /^(?:POST|PUT|PATCH) /;
/** A tar member header as strace prints it: the member's name, then NUL padding to the end of the print. */
const TAR_MEMBER_HEADER = /^[^\\"]+(?:\\0)+$/;
/** One line of text as strace prints it: no escape but the final newline. */
const ONE_TEXT_LINE = /^[^\\"]*\\n$/;
/** A pax extended header's name: `dir/PaxHeaders/file` (GNU tar), `dir/PaxHeaders.1234/file` (older). */
const PAX_HEADERS = /(^|\/)PaxHeaders(?:\.\d+)?\//;
/** A tar header's size: tar reads and writes whole records of them. */
const TAR_BLOCK = 512;
/** A line of tar's verbose listing (tar tv): the member's mode, then its owner/group. */
const TAR_LISTING_LINE = /^[-dlcbphs][-r][-w][-xsStT][-r][-w][-xsStT][-r][-w][-xtT] /;

/**
 * strace printed no byte of the write (-s 0: no evidence can be had) and it sends exactly the credit's
 * unsent bytes, or its oldest unsent read's, or a page or more of them when no other source has any;
 * and more than a short write's (a 4-byte pid file, sha256sum's line are no copy of what was read).
 */
function fitsUnprinted(credit: Credit, event: SyscallEvent, spec: DataCallSpec, bytes: number, onlySource: boolean): boolean {
  if (bytes <= SHORT_WRITE || spec.buf === undefined || event.argNames !== null) return false;
  const exact = bytes === credit.remaining || (credit.reads[0]?.fresh === true && bytes === credit.reads[0].bytes);
  // Part of it only in pieces a copy loop writes (a page or more): not a checksum or a status line.
  if (!exact && !(onlySource && credit.remaining >= bytes && bytes >= COPY_PIECE)) return false;
  if (writePrinted === undefined) writePrinted = rawStringArg(event, spec.buf);
  return writePrinted === '';
}

/** The printed iovecs of the gathering write matchCredit() looks at (cut or whole). */
const iovecPrints: string[] = [];

/** The write's printed buffer once cut for this write (null: none printed; undefined: not cut yet). */
let writePrinted: string | null | undefined;

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
function contradictsPrinted(credit: Credit, sink: FdObject, event: SyscallEvent, spec: DataCallSpec): boolean {
  const head = credit.reads[0];
  if (head === undefined || event.argNames !== null) return false;
  if (spec.buf === undefined) return spec.iov !== undefined && contradictsIovecs(credit, head, sink);
  if (!head.fresh) {
    // Where a read was sent in part, its printed prefix says nothing of the rest: but an archive's
    // rest is no line of tar's verbose listing (tar xv, tar tv print one per member); a member's
    // file, which tar opens once it has read the member's header, may hold one line.
    if (credit.tarArchive !== true || credit.lastTransfer?.sink === sink || openedSince(sink, credit.source)) return false;
    if (writePrinted === undefined) writePrinted = rawStringArg(event, spec.buf);
    return writePrinted !== null && isListingLine(writePrinted);
  }
  // A copy loop under way (this source's bytes already go to this sink): its writes are not re-checked.
  if (credit.confirmed && credit.lastTransfer?.sink === sink) return false;
  const prefix = readPrefix(head);
  if (head.scattered || prefix === null || prefix.length === 0) return false;
  if (credit.kind === 'socket' && (prefix.startsWith(HTTP_RESPONSE) || (sink.endpoint.kind === 'file' && UPLOAD_REQUEST.test(prefix)))) return false;
  // tar x reads archives from files and pipes (`xz -d | tar x`), and writes members into files it
  // opens once it has read their header (also from a socket: `tar xf - < /dev/tcp/...`); a
  // protocol's NUL-padded messages on a socket, logged to a file open before, are no archive.
  const archiveKind = credit.source.endpoint.kind === 'file' || credit.source.endpoint.kind === 'pipe' || sink.openedAtLine > head.line;
  const readHeader = head.bytes >= TAR_BLOCK && archiveKind ? tarMemberName(prefix) : null;
  if (writePrinted === undefined && readHeader === null && spec.buf[0] === 1 && event instanceof TraceSyscall) {
    // Hot path (a plain copy loop asks this of every write): compared where the write was parsed, no cut.
    const inPlace = event.compareSecondString(prefix);
    if (inPlace === 1) return false;
    if (inPlace === 0 && credit.source.endpoint.kind !== 'file') return sink.endpoint.kind === 'file' || event.secondStringStartsWith(HTTP_RESPONSE) !== true;
  }
  if (writePrinted === undefined) writePrinted = rawStringArg(event, spec.buf);
  if (writePrinted === null || writePrinted.length === 0) return false;
  if (readHeader !== null) {
    credit.tarArchive = true;
    // The archive itself copied (cat arc.tar > copy.tar) begins with the same header.
    return !compatible(prefix, writePrinted) && !extractsMember(readHeader, sink, writePrinted);
  }
  // A server's header written with the first body bytes goes to its client, not into a file: a file
  // that gets an HTTP header the read did not begin with holds what the program made of the read
  // (openssl s_client saving the plaintext of TLS records).
  if (compatible(prefix, writePrinted) || (writePrinted.startsWith(HTTP_RESPONSE) && sink.endpoint.kind !== 'file')) return false;
  const writtenHeader = (event.ret ?? 0) > TAR_BLOCK ? tarMemberName(writePrinted) : null;
  return writtenHeader === null || !namesMember(writtenHeader, credit.source);
}

/**
 * A gathering write (writev, pwritev) none of whose printed iovecs begins like the credit's next bytes,
 * a whole read that printed other bytes (PostgreSQL zero-filling a WAL segment with pwritev after it
 * read relation pages): not that read's data. A copy loop under way is not re-checked.
 */
function contradictsIovecs(credit: Credit, head: UnsentRead, sink: FdObject): boolean {
  if (!head.fresh || head.scattered || iovecPrints.length === 0) return false;
  if (credit.confirmed && credit.lastTransfer?.sink === sink) return false;
  const prefix = readPrefix(head);
  if (prefix === null || prefix.length === 0) return false;
  // A response a client saves goes on behind its header; but a header the program made itself in
  // place of the one it read (a proxy's own response header, written alone: nginx with
  // proxy_buffering off) is no byte of the upstream's.
  if (credit.kind === 'socket' && prefix.startsWith(HTTP_RESPONSE) && !iovecPrints.every((printed) => printed.startsWith(HTTP_RESPONSE))) return false;
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
  return TAR_LISTING_LINE.test(printed) || ONE_TEXT_LINE.test(printed);
}

/** The member name of a tar header as strace prints it (its name, then NUL padding to the end of the print), else null. */
function tarMemberName(printed: string): string | null {
  return TAR_MEMBER_HEADER.test(printed) ? printed.slice(0, printed.indexOf('\\0')) : null;
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

/** strace printed the write's bytes whole (its buffer, or every iovec), and none of them can be the credit's next ones. */
function contradictsAll(credit: Credit): boolean {
  if (wholePrints.length === 0) return false;
  for (const printed of wholePrints) if (!contradicts(credit, printed)) return false;
  return true;
}

/**
 * A write sent `bytes` of the credit's bytes on to `sink`, starting with the read matchCredit found:
 * those reads are sent, oldest first (in part or whole). A read one write sent whole is remembered
 * for fan-out (`seq`: the writing process's data-call count; replies pass none).
 */
export function consume(credit: Credit, bytes: number, sink: FdObject, seq = -1): void {
  credit.confirmed = true;
  const reads = credit.reads;
  if (matchedRead > 0 && matchedRead < reads.length) {
    if (credit.unordered || writePositional) {
      // Parts several threads read, or blocks written at their own offsets (a database copying its
      // pages last to first): the one this write starts with goes first, the others wait.
      reads.unshift(...reads.splice(matchedRead, 1));
    } else {
      // The write starts with a later read: the bytes before it are never sent on, in stream order
      // (a header the program kept, like the status line of an HTTP response it saves the body of).
      for (let k = 0; k < matchedRead; k++) credit.remaining -= reads[k].bytes;
      reads.splice(0, matchedRead);
    }
  }
  if (matchedSkip > 0 && reads.length > 0) {
    // The matched read (now the first) begins with framing the write leaves out (an HTTP chunk-size
    // line): read, never sent on, so no transfer's bytes.
    const read = reads[0];
    const skip = Math.min(matchedSkip, read.bytes);
    credit.remaining -= skip;
    read.bytes -= skip;
    if (read.bytes === 0) reads.shift();
    else startsLater(read, skip);
  }
  credit.remaining -= bytes;
  let left = bytes;
  while (left > 0 && reads.length > 0) {
    const read = reads[0];
    const take = Math.min(left, read.bytes);
    if (read.fresh && take === read.bytes && seq >= 0) remember(credit, read, sink, seq);
    read.bytes -= take;
    left -= take;
    if (read.bytes === 0) reads.shift();
    else startsLater(read, take);
  }
}

/** A read whose first `bytes` are gone (sent, or framing): what is left starts somewhere strace did not print (perf: `bytes` further). */
function startsLater(read: UnsentRead, bytes: number): void {
  read.fresh = false;
  read.event = null;
  read.spec = null;
  read.prefix = null;
  if (read.address !== null) read.address += bytes;
  if (read.fileFrom >= 0) read.fileFrom += bytes;
}

/** A write sent all of the credit's unsent bytes, behind another source's (no fan-out to remember). */
export function consumeAll(credit: Credit, sink: FdObject): void {
  matchedRead = 0;
  matchedSkip = 0;
  consume(credit, credit.remaining, sink);
}

function remember(credit: Credit, read: UnsentRead, sink: FdObject, seq: number): void {
  const sent = credit.sent;
  if (sent === null) credit.sent = { read, bytes: read.bytes, sinks: [sink], seq };
  else {
    sent.read = read;
    sent.bytes = read.bytes;
    sent.sinks.length = 0;
    sent.sinks.push(sink);
    sent.seq = seq;
  }
}

/**
 * A write that matched no credit but prints the bytes a single write of this process just sent whole
 * from a read, to another sink: the same data fanned out (tee(1) writes each read to every file it
 * was given). Evidence only: the same printed bytes (perf: the same buffer address), no more of
 * them than that read had.
 */
export function matchFanOut(event: SyscallEvent, spec: DataCallSpec, credits: Credit[], sink: FdObject, bytes: number, seq: number): Credit | null {
  if (spec.buf === undefined) return null;
  let printed: string | null | undefined;
  // perf prints buffers as addresses: the same bytes are written from where the read put them.
  const address = event.argNames !== null ? bufferAddress(argText(event, spec.buf)) : null;
  for (const c of credits) {
    const sent = c.sent;
    // The copies come right after the write that sent the read (no data call between): a later write
    // from the same buffer (a log line formatted into it) is not the same data.
    if (sent === null || seq !== sent.seq + 1 || bytes > sent.bytes || c.source === sink || sent.sinks.includes(sink)) continue;
    let same: boolean;
    if (address !== null) same = address === sent.read.address;
    else {
      printed ??= rawStringArg(event, spec.buf);
      if (printed === null) return null;
      same = prefixesAgree(readPrefix(sent.read), printed);
    }
    if (same) {
      sent.sinks.push(sink);
      sent.seq = seq;
      return c;
    }
  }
  return null;
}

/**
 * Adds to `into` the unsent reads of `from`, a credit of the same source another thread of the
 * process held (threads of a pool that each read part of a file, then ended): after its own, in
 * the order the threads ended (their writes' evidence finds each one).
 */
export function mergeCredit(into: Credit, from: Credit): void {
  into.unordered = true;
  into.remaining += from.remaining;
  into.closed = into.closed || from.closed;
  into.pending.takeAll(from.pending);
  for (const read of from.reads) {
    if (into.reads.length >= MAX_UNSENT_READS) joinNewest(into.reads, read.bytes, read.fresh ? read.fileFrom : -1);
    else appendRead(into.reads, read);
  }
}
