// Read "credits": bytes a process has read from a source and not yet written on, the unsent reads
// they are made of (each with its printed prefix, the evidence a write starts sending it), and what a
// write that draws from one does to it (consume). Which credit a write draws from is write-match.ts's
// question. recordRead and consume run for every data call: plain loops, no closures or intermediate
// arrays.

import type { SyscallEvent } from '../strace-parser/types';
import { parseIntLoose } from '../strace-parser/args';
import { CallGroup } from './call-group';
import { keep } from './strings';
import { isSocketKind } from './endpoints';
import { argText, rawStringArg } from './event-args';
import type { FdObject } from './fd-table';
import { firstIovec, nextIovec } from './printed-iovecs';
import type { DataCallSpec } from './syscall-classes';
import type { TransferAccumulator } from './transfer';
import type { Endpoint, Strategy } from './report-types';

/** How many distinct sources with unsent bytes a process may hold before the oldest is forgotten. */
const MAX_CREDITS = 8;
/** Shortest printed buffer prefix that counts as evidence that a write sends a read's bytes. */
export const MIN_PREFIX_EVIDENCE = 4;

export type ReadKind = 'plain' | 'positional' | 'vectored' | 'socket';

/** A write of at most this many bytes (a wake-up byte, a counter) is checked against the read it would send. */
export const SHORT_WRITE = 64;
/** How many unsent reads a credit keeps apart; a later one joins the newest (whose prefix still says how it starts). */
const MAX_UNSENT_READS = 16;
/** Start offsets a joined read keeps of the positional reads that joined it (a database's pages). */
const MAX_JOINED_STARTS = 4096;

/**
 * A read whose bytes are not all sent on yet. Its printed prefix (strace -s) is the evidence for the
 * write that starts sending it. A program that reads a whole file before writing it out holds many:
 * its first write then starts with the first read's bytes, not the last's.
 */
export interface UnsentRead {
  bytes: number;
  /** Nothing of it is sent yet: a write that sends from it starts with its printed prefix. */
  fresh: boolean;
  /** The read itself, kept only while it is the credit's newest (then its prefix is cut and it is let go, with its chunk). */
  event: SyscallEvent | null;
  spec: DataCallSpec | null;
  /** Its printed prefix once cut (a copy), null when it printed none; undefined: not cut yet. */
  prefix: string | null | undefined;
  /** Its prefix decoded (escapes to bytes), kept once a write's evidence needed it (write-evidence rsyncReceivedRead). */
  decoded?: string;
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
  /** A plain read of a file whose position the trace follows: the offset it read from; -1: none such. */
  readFrom: number;
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
  /** Its bytes went out of or into rsync's multiplexed frames (write-evidence rsyncSentRead, rsyncReceivedRead): its unsent rest holds framing. */
  rsyncFramed?: boolean;
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

/** The printed buffer prefix a read starts with (cut once, as a copy, and the read let go). */
export function readPrefix(read: UnsentRead): string | null {
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
        const first = firstIovec(text);
        if (first !== null) {
          prefix = first.prefix;
          read.scattered = nextIovec(text as string, first.next) !== null;
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
export function compatible(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** Evidence that printed text `b` is the bytes `a` was printed from: alike over at least MIN_PREFIX_EVIDENCE chars. */
export function prefixesAgree(a: string | null, b: string): boolean {
  return a !== null && a.length >= MIN_PREFIX_EVIDENCE && b.length >= MIN_PREFIX_EVIDENCE && compatible(a, b);
}

/** perf: the unsent read whose bytes are at `address` (the write sends from there), or -1. */
export function readAt(credit: Credit, address: number): number {
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
export function isOwnSource(c: Credit, sink: FdObject): boolean {
  return c.source === sink || (c.source === sink.datagramOf && c.peer !== null && c.peer === sink.endpoint.path);
}

/** The credit's unsent bytes from its unsent read `k` on. */
export function unsentFrom(credit: Credit, k: number): number {
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
export function agreeingRead(credit: Credit, printed: string, bytes: number): number {
  const reads = credit.reads;
  const head = reads[0];
  if (head === undefined) return -1;
  if (head.fresh && prefixesAgree(readPrefix(head), printed)) return 0;
  const laterMayStart = headRuledOut(credit, printed);
  for (let k = 1; k < reads.length; k++) {
    const read = reads[k];
    if (read.fresh && (laterMayStart || read.bytes === bytes) && prefixesAgree(readPrefix(read), printed)) return k;
  }
  return -1;
}

/**
 * A write whose printed bytes are these may start with a later unsent read than the oldest: the oldest
 * is still whole and printed other bytes, or the credit's reads are sent in no set order.
 */
export function headRuledOut(credit: Credit, printed: string): boolean {
  const head = credit.reads[0];
  const headPrefix = head !== undefined && head.fresh ? readPrefix(head) : null;
  return (headPrefix !== null && headPrefix.length > 0 && !compatible(headPrefix, printed)) || credit.unordered;
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
 * one), which moves to the front; past MAX_CREDITS the oldest is forgotten. `offset`: a pread's;
 * `readFrom`: a plain read's file position, where the trace follows it (else -1).
 */
export function recordRead(credits: Credit[], credit: Credit | undefined, source: FdObject, event: SyscallEvent, spec: DataCallSpec, bytes: number, warm: boolean | null = null, offset: number | null = null, readFrom = -1): void {
  if (credit === undefined) {
    credit = { source, remaining: 0, kind: readKindOf(spec, source), reads: [], sent: null, confirmed: false, echoing: false, peer: null, unordered: false, closed: false, pending: new CallGroup(), lastTransfer: null };
    credits.unshift(credit);
    if (credits.length > MAX_CREDITS) credits.pop();
  } else if (credits[0] !== credit) {
    credits.splice(credits.indexOf(credit), 1);
    credits.unshift(credit);
  }
  const reads = credit.reads;
  // The same bytes of a file read again while their earlier read is unsent (Go's http.ServeContent
  // reads a file's first 512 bytes to sniff its type, seeks back and reads them again to send):
  // the program sends the second read; the first one's bytes go nowhere.
  const newest = reads[reads.length - 1];
  if (readFrom >= 0 && newest !== undefined && newest.fresh && newest.readFrom === readFrom && newest.bytes === bytes) {
    reads.pop();
    credit.remaining -= bytes;
    // Those bytes came from the disk then (a cold page cache), not when they were read again.
    if (newest.warm === false) warm = false;
  }
  credit.remaining += bytes;
  credit.pending.add(event);
  // A fan-out writes a read to every sink before the next read (and this lets go of its chunk).
  credit.sent = null;
  const fileFrom = offset ?? -1;
  if (reads.length >= MAX_UNSENT_READS) joinNewest(reads, bytes, fileFrom);
  else {
    const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
    appendRead(reads, { bytes, fresh: true, event, spec, prefix: undefined, address, warm, scattered: false, line: event.line, fileFrom, readFrom, joinedStarts: null });
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

/** A read goes last among the unsent ones; only the newest keeps its event (and chunk), so the one before is cut now. */
function appendRead(reads: UnsentRead[], read: UnsentRead): void {
  const newest = reads[reads.length - 1];
  if (newest !== undefined) readPrefix(newest);
  reads.push(read);
}

/** Which of a credit's bytes a write sends: write-match.ts finds it, consume() sends them on. */
export interface CreditMatch {
  credit: Credit;
  /** How many of the write's bytes the credit covers. */
  bytes: number;
  /** The unsent read they start with. */
  fromRead: number;
  /** Bytes at the start of that read that are framing, read and never written (an HTTP chunk-size line). */
  skip: number;
  /** Bytes of the write before them that the program made (a header iovec, a chunk-size line). */
  header: number;
  /** No evidence and no source with enough bytes: a guess for part of the write. */
  onlyPart: boolean;
  /** The write names its file offset (pwrite64, pwritev): it may send its reads' bytes in any order. */
  positional: boolean;
}

/** `bytes` of the write come from the credit's unsent read `fromRead` on, all of them its data. */
export function creditMatch(credit: Credit, bytes: number, fromRead: number, positional: boolean): CreditMatch {
  return { credit, bytes, fromRead, skip: 0, header: 0, onlyPart: false, positional };
}

/** Whether the bytes of the credit's unsent read `k` were read before (page cache warm); undefined when unknown. */
export function readWarm(credit: Credit, k: number): boolean | undefined {
  return credit.reads[k]?.warm ?? undefined;
}

/**
 * A write sent the matched bytes on to `sink`, starting with the read the match found: those reads
 * are sent, oldest first (in part or whole). A read one write sent whole is remembered for fan-out
 * (`seq`: the writing process's data-call count; replies pass none).
 */
export function consume(match: CreditMatch, sink: FdObject, seq = -1): void {
  const { credit, bytes, fromRead } = match;
  credit.confirmed = true;
  const reads = credit.reads;
  if (fromRead > 0 && fromRead < reads.length) {
    if (credit.unordered || match.positional) {
      // Parts several threads read, or blocks written at their own offsets (a database copying its
      // pages last to first): the one this write starts with goes first, the others wait.
      reads.unshift(...reads.splice(fromRead, 1));
    } else {
      // The write starts with a later read: the bytes before it are never sent on, in stream order
      // (a header the program kept, like the status line of an HTTP response it saves the body of).
      for (let k = 0; k < fromRead; k++) credit.remaining -= reads[k].bytes;
      reads.splice(0, fromRead);
    }
  }
  if (match.skip > 0 && reads.length > 0) {
    // The matched read (now the first) begins with framing the write leaves out (an HTTP chunk-size
    // line): read, never sent on, so no transfer's bytes.
    const read = reads[0];
    const skip = Math.min(match.skip, read.bytes);
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
  consume(creditMatch(credit, credit.remaining, 0, false), sink);
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
