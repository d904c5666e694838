// Which read's bytes a write sends on (the credit it draws from, transfer-credits.ts), in order of
// evidence: the same buffer address (perf), the same printed prefix (strace -s), HTTP framing and
// headers (write-evidence.ts), then the most recent source whose printed bytes do not contradict the
// write's. Runs for every write: plain loops, no closures; what it learns of the write is in one
// WriteView per call, and what it found is one CreditMatch.

import type { SyscallEvent } from '../strace-parser/types';
import { argText, positionArg, rawStringArg } from './event-args';
import type { FdObject } from './fd-table';
import { firstIovec, nextIovec } from './printed-iovecs';
import type { DataCallSpec } from './syscall-classes';
import {
  agreeingRead, bufferAddress, compatible, consume, creditMatch, isOwnSource, readAt, readPrefix, SHORT_WRITE, unsentFrom, usable,
  type Credit, type CreditMatch,
} from './transfer-credits';
import { isSocketKind } from './endpoints';
import {
  chunkLinePrinted, contradictsPrinted, framedMatch, framedRead, isRsyncDataMessage, remadeHeader, rsyncMatch,
} from './write-evidence';

/** The least a copy loop writes at a time under -s 0, when its count is not exactly a read's (a page). */
const COPY_PIECE = 4096;

/** matchCredit()'s answer when the write sends bytes back where they came from: a reply, no transfer's. */
export const REPLY = 'reply';

/** What matchCredit() learns of the write it looks at, asked by several of its checks. */
export class WriteView {
  /** The write names its file offset (pwrite64, pwritev): it may send its reads' bytes in any order. */
  readonly positional: boolean;
  /** The printed buffer once cut (null: none printed; undefined: not cut yet). */
  printed: string | null | undefined = undefined;
  /** The printed buffer, or each of its iovecs, when strace printed them whole; emptied when one was cut. */
  readonly wholePrints: string[] = [];
  /** The printed iovecs of a gathering write (cut or whole). */
  readonly iovecPrints: string[] = [];
  /** The write's bytes that are data, not the chunk framing it printed (all of them when none). */
  framedPayload: number;

  constructor(
    readonly event: SyscallEvent,
    readonly spec: DataCallSpec,
    /** The write's byte count. */
    readonly bytes: number,
  ) {
    this.positional = spec.positional === true;
    this.framedPayload = bytes;
  }

  /** The printed buffer (a buffer call's), cut once. */
  printedBuffer(): string | null {
    if (this.printed === undefined) this.printed = this.spec.buf === undefined ? null : rawStringArg(this.event, this.spec.buf);
    return this.printed;
  }
}

/**
 * Which read's bytes this write sends on, in order of evidence: the same buffer address (perf),
 * the same printed prefix (strace -s), then the most recent source with enough unsent bytes whose
 * printed bytes do not contradict the write's, then the most recent with any (not with
 * `evidenceOnly`: another thread's credits). Data is never paired with the descriptor it came from
 * (that is a reply, like an HTTP response to its request: REPLY), nor with the loader's or a
 * runtime's reads.
 */
export function matchCredit(event: SyscallEvent, spec: DataCallSpec, credits: Credit[], sink: FdObject, bytes: number, evidenceOnly: boolean): CreditMatch | typeof REPLY | null {
  let count = 0;
  let only: Credit | null = null;
  let replies = false;
  for (const c of credits) {
    if (usable(c, sink)) {
      count++;
      only = c;
    } else if (c.remaining > 0 && isOwnSource(c, sink)) replies = true;
  }
  if (only === null) return null;
  const view = new WriteView(event, spec, bytes);
  const positional = view.positional;
  const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
  if (address !== null) {
    for (const c of credits) {
      if (!usable(c, sink)) continue;
      const k = readAt(c, address);
      if (k >= 0) return creditMatch(c, Math.min(bytes, unsentFrom(c, k)), k, positional);
    }
  }
  // Printed contents pick the source (and its read) among competing ones, confirm a source whose fd is
  // already closed, find the read a write starts with when several wait unsent, find the payload
  // iovec of a gathering write (a header iovec before it is not payload), and rule out a source
  // whose next bytes are not a short write's. A plain copy loop (one source, one unsent read, a
  // write of a chunk) needs none of it: its buffers are not cut.
  let allWhole = true;
  // A source whose unsent read this write repeats as a message of a protocol (sameMessage): not its data.
  let protocolSource: Credit | null = null;
  const needsEvidence = evidenceOnly || replies || count > 1 || (only.closed && !only.confirmed) || only.reads.length > 1 || bytes <= SHORT_WRITE;
  if (spec.buf !== undefined && needsEvidence) {
    const printed = view.printedBuffer();
    if (printed !== null) {
      // Its own bytes sent back first: two clients that sent the same bytes each get their own echo.
      if (replies && sendsBack(credits, sink, printed, view)) return REPLY;
      // rsync's multiplexed stream: a file's bytes behind a data message's header and protocol bytes.
      const rsyncMessage = isRsyncDataMessage(printed, bytes);
      for (const c of credits) {
        if (!usable(c, sink)) continue;
        const k = agreeingRead(c, printed, bytes);
        if (k < 0) continue;
        if (!rsyncMessage || !sameMessage(c, k, sink, bytes)) return creditMatch(c, Math.min(bytes, unsentFrom(c, k)), k, positional);
        protocolSource = c;
      }
      for (const c of credits) {
        if (!usable(c, sink) || c.kind !== 'socket') continue;
        const framed = framedRead(c, printed, bytes);
        if (framed !== null) return framedMatch(c, bytes, framed, 0, positional);
      }
      const rsync = rsyncMatch(credits, sink, printed, view, rsyncMessage);
      if (rsync !== null) return rsync;
      // A chunk-size line the program wrote before the data (an HTTP body it sends chunked: Go's
      // http server, Python's chunked writes): framing of its own, the bytes after it are a read's.
      const line = chunkLinePrinted(printed);
      if (line !== null && bytes > line.digits + 2) {
        // One whole chunk (size line, data, CRLF) or its first part: the data's bytes.
        const wholeChunk = bytes === line.digits + 2 + line.size + 2;
        const framing = wholeChunk ? bytes - line.size : line.digits + 2;
        // Without a read that agrees (the fallback below), only a write exactly one whole chunk long
        // is taken to be framed: hex digits and a CRLF also begin CRLF text (a number per line, cut
        // anywhere by a buffered writer: sort, a copy in pieces), whose bytes are all the file's.
        if (wholeChunk) view.framedPayload = bytes - framing;
        const after = printed.slice(line.printedLength);
        for (const c of credits) {
          if (!usable(c, sink)) continue;
          const k = agreeingRead(c, after, bytes - framing);
          if (k >= 0) return framedMatch(c, bytes - framing, { read: k, skip: 0 }, framing, positional);
          const framed = c.kind === 'socket' ? framedRead(c, after, bytes - framing) : null;
          if (framed !== null) return framedMatch(c, bytes - framing, framed, framing, positional);
        }
      }
      if (argText(event, spec.buf)?.endsWith('"...') === false) view.wholePrints.push(printed);
      else allWhole = false;
    }
  } else if (spec.iov !== undefined || (spec.msg !== undefined && event.argNames === null)) {
    // A gathering write's iovecs, or a sendmsg's msghdr, whose msg_iov strace prints the same way.
    const iov = argText(event, spec.iov ?? spec.msg ?? spec.fd) ?? '';
    let headerBytes = 0;
    for (let iovec = firstIovec(iov); iovec !== null; iovec = nextIovec(iov, iovec.next)) {
      const prefix = iovec.prefix;
      const length = iovec.length;
      if (replies && sendsBack(credits, sink, prefix, view)) return REPLY;
      for (const c of credits) {
        if (!usable(c, sink)) continue;
        const k = agreeingRead(c, prefix, length);
        if (k >= 0) {
          if (remadeHeader(c, k, length, iov, iovec.next)) break;
          const match = creditMatch(c, Math.min(bytes - headerBytes, unsentFrom(c, k)), k, positional);
          match.header = headerBytes;
          return match;
        }
        if (c.kind !== 'socket') continue;
        // An HTTP body received chunked: the read begins with a chunk-size line the write leaves out.
        const framed = framedRead(c, prefix, length);
        if (framed !== null) return framedMatch(c, bytes - headerBytes, framed, headerBytes, positional);
      }
      view.iovecPrints.push(prefix);
      if (iovec.whole) view.wholePrints.push(prefix);
      else allWhole = false;
      headerBytes += length;
    }
  }
  if (!allWhole) view.wholePrints.length = 0;
  if (evidenceOnly) return null;
  const echo = replies ? echoing(credits, sink) : null;
  if (echo !== null) {
    sendBack(echo, 0, bytes, sink, positional);
    return REPLY;
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
    if (!usable(c, sink) || (c.closed && !c.confirmed && !fitsUnprinted(c, view, count === 1)) || contradictsAll(c, view)) continue;
    if (c === protocolSource || leftFraming(c, sink)) continue;
    if (contradictsPrinted(c, sink, view)) {
      // Blocks written at their own offsets go out in any order: not the credit's next bytes, but
      // maybe bytes read at that offset that no printed prefix shows (unknownContentReadAt).
      const k = positional ? unknownContentReadAt(c, positionArg(event, spec)) : -1;
      if (k < 0 || unprovenShort(c, k, sink, view)) continue;
      return creditMatch(c, Math.min(bytes, unsentFrom(c, k)), k, positional);
    }
    if (unfilledShort && c.reads[0]?.address != null) continue;
    if (unprovenShort(c, 0, sink, view)) continue;
    if (c.remaining >= view.framedPayload) {
      const match = creditMatch(c, view.framedPayload, 0, positional);
      // A chunk-size line (and the chunk's CRLF) the program wrote around the data: framing of its own.
      match.header = bytes - view.framedPayload;
      return match;
    }
    partial ??= c;
  }
  if (partial === null) return null;
  const guess = creditMatch(partial, Math.min(bytes, partial.remaining), 0, positional);
  guess.onlyPart = true;
  return guess;
}

/**
 * A short write to a socket, itself one whole rsync data message (the caller checks: isRsyncDataMessage;
 * a SOCKS or HTTP CONNECT proxy relays a short message read behind its unsent handshake), whose bytes
 * are exactly a later unsent read of another socket, behind older unsent reads of it that no write sent
 * on: both sockets carry a protocol's messages, and the process sends one alike to one it received (rsync's sender reads the 5-byte end-of-list message
 * `\1\0\0\7\0` from its generator and sends its own to the receiver), not bytes it relays: a relay
 * sends on what it reads in order.
 */
function sameMessage(credit: Credit, k: number, sink: FdObject, bytes: number): boolean {
  return k > 0 && bytes <= SHORT_WRITE && credit.kind === 'socket' && isSocketKind(sink.endpoint.kind) && credit.reads[k].bytes === bytes;
}

/**
 * The unsent rest of a stream whose bytes went into a file out of rsync's data messages is framing
 * (headers and tokens the program read and never wrote): no protocol message it writes to a socket
 * without evidence of its own (rsync's receiver tells its generator each file is done) sends it on.
 */
function leftFraming(credit: Credit, sink: FdObject): boolean {
  return credit.rsyncFramed === true && credit.lastTransfer?.sink !== sink && isSocketKind(sink.endpoint.kind);
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

/**
 * strace printed the short positional write matchCredit() looks at whole, and no unsent read starts
 * with it; where read `k`'s bytes go on is unknown (it was sent in part), so nothing contradicts it
 * either: bytes the program made (sqlite's 12-byte journal header after a backup's pages, to a
 * journal it opened before reading them), unless they go on to where this credit's bytes went, to a
 * file opened since that read, or are exactly its rest. Only pwrite's: a stream's short writes are
 * usually lines dealt out of one read to files already open (awk, split, tar x).
 */
function unprovenShort(credit: Credit, k: number, sink: FdObject, view: WriteView): boolean {
  if (!view.positional || view.bytes > SHORT_WRITE || view.wholePrints.length === 0) return false;
  const read = credit.reads[k];
  return read !== undefined && read.prefix === null && credit.lastTransfer?.sink !== sink && read.bytes !== view.bytes && sink.openedAtLine < read.line;
}

/**
 * The write sends back bytes its own sink sent (an echo server, a reply that quotes its request):
 * a reply, not another source's data, even when another source has bytes waiting. They are sent
 * (no transfer), and the writes that go on sending that credit's bytes back are replies too.
 */
function sendsBack(credits: Credit[], sink: FdObject, printed: string, view: WriteView): boolean {
  for (const c of credits) {
    if (!isOwnSource(c, sink) || c.remaining <= 0) continue;
    const k = agreeingRead(c, printed, view.bytes);
    if (k >= 0) {
      // Only as far as the printed bytes show: a protocol's fixed record sent both ways (TLS's
      // ChangeCipherSpec, `\24\3\3\0\1\1`) at the start of a longer write is no echo of the reads after it.
      const proven = echoedBytes(c, k, printed, view.bytes);
      sendBack(c, k, proven, sink, view.positional);
      if (proven < view.bytes) c.echoing = false;
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
function sendBack(credit: Credit, fromRead: number, bytes: number, sink: FdObject, positional: boolean): void {
  consume(creditMatch(credit, Math.min(bytes, unsentFrom(credit, fromRead)), fromRead, positional), sink);
  credit.echoing = credit.remaining > 0;
}

/** The credit of the write's own sink that is being echoed back, if any (see sendsBack). */
function echoing(credits: Credit[], sink: FdObject): Credit | null {
  for (const c of credits) if (isOwnSource(c, sink) && c.echoing && c.remaining > 0) return c;
  return null;
}

/**
 * strace printed no byte of the write (-s 0: no evidence can be had) and it sends exactly the credit's
 * unsent bytes, or its oldest unsent read's, or a page or more of them when no other source has any;
 * and more than a short write's (a 4-byte pid file, sha256sum's line are no copy of what was read).
 */
function fitsUnprinted(credit: Credit, view: WriteView, onlySource: boolean): boolean {
  const bytes = view.bytes;
  if (bytes <= SHORT_WRITE || view.spec.buf === undefined || view.event.argNames !== null) return false;
  const exact = bytes === credit.remaining || (credit.reads[0]?.fresh === true && bytes === credit.reads[0].bytes);
  // Part of it only in pieces a copy loop writes (a page or more): not a checksum or a status line.
  if (!exact && !(onlySource && credit.remaining >= bytes && bytes >= COPY_PIECE)) return false;
  return view.printedBuffer() === '';
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

/** strace printed the write's bytes whole (its buffer, or every iovec), and none of them can be the credit's next ones. */
function contradictsAll(credit: Credit, view: WriteView): boolean {
  if (view.wholePrints.length === 0) return false;
  for (const printed of view.wholePrints) if (!contradicts(credit, printed)) return false;
  return true;
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
export function matchCopyUnderWay(event: SyscallEvent, spec: DataCallSpec, credits: Credit[], sink: FdObject, bytes: number): CreditMatch | null {
  if (event.argNames !== null) return null;
  let printed: string | null = null;
  if (spec.buf !== undefined) printed = rawStringArg(event, spec.buf);
  else if (spec.iov !== undefined) {
    // A gathering write (Node's fs.WriteStream writes the chunks it holds with writev): its first iovec.
    const text = argText(event, spec.iov);
    const first = text !== undefined && text.startsWith('[') ? nextIovec(text, 0) : null;
    if (first !== null) printed = first.prefix;
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
    return creditMatch(c, bytes, 0, spec.positional === true);
  }
  return null;
}
