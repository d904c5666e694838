// Read "credits": bytes a process has read from a source and not yet written on, and which credit a
// write draws from (same buffer address, same printed prefix, else the most recent source).
// recordRead and matchCredit run for every data call: they stay allocation-free.

import type { SyscallEvent } from '../strace-parser/types';
import { parseIntLoose } from '../strace-parser/args';
import { CallGroup } from './call-group';
import { isSocketKind } from './endpoints';
import { argText, rawStringArg } from './event-args';
import type { FdObject } from './fd-table';
import type { DataCallSpec } from './syscall-classes';
import type { TransferAccumulator } from './transfer';
import type { Strategy } from './report-types';

/** How many distinct sources with unsent bytes a process may hold before the oldest is forgotten. */
const MAX_CREDITS = 8;
/** Shortest printed buffer prefix that counts as evidence that a write sends a read's bytes. */
const MIN_PREFIX_EVIDENCE = 4;

type ReadKind = 'plain' | 'positional' | 'vectored' | 'socket';

/** Bytes read from `source` that no write has sent on yet. */
export interface Credit {
  source: FdObject;
  remaining: number;
  kind: ReadKind;
  /** The latest read, whose printed buffer prefix (strace -s) is read only when two sources compete. */
  lastRead: SyscallEvent | null;
  /** The spec of `lastRead`'s call. */
  lastReadSpec: DataCallSpec | null;
  /** The read whose printed buffer `prefix` is (creditPrefix's memo). */
  prefixOf: SyscallEvent | null;
  prefix: string | null;
  /** perf: the latest read's buffer address range. */
  bufferStart: number | null;
  bufferEnd: number;
  /** A write has drawn from this credit: it is a transfer's source, not a stray read. */
  confirmed: boolean;
  /** The source's fd was closed after the read (the bytes may still sit in a user buffer). */
  closed: boolean;
  /** Reads not yet given to a transfer (they join the one their bytes go to). */
  pending: CallGroup;
  lastTransfer: TransferAccumulator | null;
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
    const close = closingQuote(text, open);
    if (close < 0) continue;
    let next = close + 1;
    if (text.startsWith('...', next)) next += 3;
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

/** The printed prefix of the first iovec of a vectored call's array argument, or null. */
function firstIovecPrefix(text: string | undefined): string | null {
  if (text === undefined || !text.startsWith('[')) return null;
  return nextIovec(text, 0) >= 0 ? iovecPrefix : null;
}

/** The `"` that ends the string opened at `open` (backslash escapes skipped), or -1. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* backslash */) i++;
    else if (c === 34 /* " */) return i;
  }
  return -1;
}

/** A write drew from the credit: its latest read (and that read's chunk of text) is not needed any more. */
export function forgetLastRead(credit: Credit): void {
  credit.lastRead = null;
  credit.lastReadSpec = null;
  credit.prefixOf = null;
  credit.prefix = null;
}

/** The printed buffer of the credit's latest read, when no write has drawn from it yet. */
function creditPrefix(credit: Credit): string | null {
  const read = credit.lastRead;
  const spec = credit.lastReadSpec;
  if (read === null || spec === null) return null;
  // A gathering write asks once per iovec and candidate: cut the read's buffer once.
  if (credit.prefixOf === read) return credit.prefix;
  let prefix: string | null = null;
  if (spec.buf !== undefined) prefix = rawStringArg(read, spec.buf);
  else if (spec.iov !== undefined) prefix = firstIovecPrefix(argText(read, spec.iov));
  credit.prefixOf = read;
  credit.prefix = prefix;
  return prefix;
}

/** A credit a write to `sink` may draw from: unsent bytes, from another descriptor and another path. */
function usable(c: Credit, sink: FdObject): boolean {
  return c.remaining > 0 && c.source !== sink && c.source.endpoint.path !== sink.endpoint.path;
}

function prefixesAgree(a: string | null, b: string): boolean {
  if (a === null) return false;
  const n = Math.min(a.length, b.length);
  if (n < MIN_PREFIX_EVIDENCE) return false;
  return a.slice(0, n) === b.slice(0, n);
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
export function recordRead(credits: Credit[], credit: Credit | undefined, source: FdObject, event: SyscallEvent, spec: DataCallSpec, bytes: number): void {
  if (credit === undefined) {
    credit = { source, remaining: 0, kind: readKindOf(spec, source), lastRead: null, lastReadSpec: null, prefixOf: null, prefix: null, bufferStart: null, bufferEnd: 0, confirmed: false, closed: false, pending: new CallGroup(), lastTransfer: null };
    credits.unshift(credit);
    if (credits.length > MAX_CREDITS) credits.pop();
  } else if (credits[0] !== credit) {
    credits.splice(credits.indexOf(credit), 1);
    credits.unshift(credit);
  }
  credit.remaining += bytes;
  credit.pending.add(event);
  credit.lastRead = event;
  credit.lastReadSpec = spec;
  const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
  credit.bufferStart = address;
  credit.bufferEnd = address !== null ? address + bytes : 0;
}

/** matchCredit's second result: how many of the write's bytes the credit it returned covers. */
let matched = 0;

/** How many of the write's bytes the credit the last matchCredit() returned covers. */
export function matchedBytes(): number {
  return matched;
}

function match(credit: Credit, bytes: number): Credit {
  matched = bytes;
  return credit;
}

/**
 * Which read's bytes this write sends on, in order of evidence: the same buffer address (perf),
 * the same printed prefix (strace -s), then the most recent source with enough unsent bytes,
 * then the most recent with any (not with `evidenceOnly`: another thread's credits). Data is never
 * paired with the descriptor it came from (that is a reply, like an HTTP response to its request),
 * nor with the loader's or a runtime's reads.
 */
export function matchCredit(event: SyscallEvent, spec: DataCallSpec, credits: Credit[], sink: FdObject, bytes: number, evidenceOnly: boolean): Credit | null {
  // Runs for every write: plain loops, no intermediate arrays or closures; the byte count goes to matchedBytes().
  let count = 0;
  let only: Credit | null = null;
  for (const c of credits) {
    if (usable(c, sink)) {
      count++;
      only = c;
    }
  }
  if (only === null) return null;
  const address = event.argNames !== null && spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
  if (address !== null) {
    for (const c of credits) {
      if (usable(c, sink) && c.bufferStart !== null && address >= c.bufferStart && address < c.bufferEnd) return match(c, Math.min(bytes, c.remaining));
    }
  }
  // Printed contents decide between competing sources, confirm a source whose fd is already closed,
  // and find the payload iovec of a gathering write (a header iovec before it is not payload).
  // One open candidate needs no evidence (the common case: skip reading the buffers).
  const needsEvidence = evidenceOnly || count > 1 || (only.closed && !only.confirmed);
  if (spec.buf !== undefined && needsEvidence) {
    const printed = rawStringArg(event, spec.buf);
    if (printed !== null) {
      for (const c of credits) {
        if (usable(c, sink) && prefixesAgree(creditPrefix(c), printed)) return match(c, Math.min(bytes, c.remaining));
      }
    }
  } else if (spec.iov !== undefined) {
    const iov = argText(event, spec.iov);
    let headerBytes = 0;
    for (let at = iov !== undefined && iov.startsWith('[') ? nextIovec(iov, 0) : -1; at >= 0; at = nextIovec(iov as string, at)) {
      // Read both now: creditPrefix() may scan a read's iovecs with the same cursor.
      const prefix = iovecPrefix;
      const length = iovecLength;
      for (const c of credits) {
        if (usable(c, sink) && prefixesAgree(creditPrefix(c), prefix)) return match(c, Math.min(bytes - headerBytes, c.remaining));
      }
      headerBytes += length;
    }
  }
  if (evidenceOnly) return null;
  // Without evidence, a source whose fd is already closed only counts once a write has drawn from it.
  let partial: Credit | null = null;
  for (const c of credits) {
    if (!usable(c, sink) || (c.closed && !c.confirmed)) continue;
    if (c.remaining >= bytes) return match(c, bytes);
    partial ??= c;
  }
  return partial !== null ? match(partial, Math.min(bytes, partial.remaining)) : null;
}
