// Read "credits": bytes a process has read from a source and not yet written on, and which credit a
// write draws from (same buffer address, same printed prefix, else the most recent source).
// recordRead and matchCredit run for every data call: they stay allocation-free.

import type { SyscallEvent } from '../strace-parser/types';
import { parseIntLoose } from '../strace-parser/args';
import { CallGroup } from './call-group';
import { isSocketKind } from './endpoints';
import { argText, rawQuoted, rawStringArg } from './event-args';
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

/** Printed iovec prefixes of a vectored write: `[{iov_base="HTTP..."..., iov_len=254}, {iov_base="\220"..., iov_len=32768}]`. */
function iovecPrefixes(text: string | undefined): Array<{ prefix: string; length: number }> {
  if (text === undefined || !text.startsWith('[')) return [];
  const result: Array<{ prefix: string; length: number }> = [];
  const pattern = /iov_base=("(?:[^"\\]|\\.)*")(?:\.\.\.)?, iov_len=(\d+)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    result.push({ prefix: rawQuoted(match[1] ?? '""'), length: Number(match[2]) });
  }
  return result;
}

/** The printed buffer of the credit's latest read, when no write has drawn from it yet. */
function creditPrefix(credit: Credit): string | null {
  const read = credit.lastRead;
  const spec = credit.lastReadSpec;
  if (read === null || spec === null) return null;
  if (spec.buf !== undefined) return rawStringArg(read, spec.buf);
  if (spec.iov !== undefined) return iovecPrefixes(argText(read, spec.iov))[0]?.prefix ?? null;
  return null;
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
    credit = { source, remaining: 0, kind: readKindOf(spec, source), lastRead: null, lastReadSpec: null, bufferStart: null, bufferEnd: 0, confirmed: false, closed: false, pending: new CallGroup(), lastTransfer: null };
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
 * then the most recent with any. Data is never paired with the descriptor it came from (that is
 * a reply, like an HTTP response to its request), nor with the loader's or a runtime's reads.
 */
export function matchCredit(event: SyscallEvent, spec: DataCallSpec, credits: Credit[], sink: FdObject, bytes: number): Credit | null {
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
  const needsEvidence = count > 1 || (only.closed && !only.confirmed);
  if (spec.buf !== undefined && needsEvidence) {
    const printed = rawStringArg(event, spec.buf);
    if (printed !== null) {
      for (const c of credits) {
        if (usable(c, sink) && prefixesAgree(creditPrefix(c), printed)) return match(c, Math.min(bytes, c.remaining));
      }
    }
  } else if (spec.iov !== undefined) {
    let headerBytes = 0;
    for (const iovec of iovecPrefixes(argText(event, spec.iov))) {
      for (const c of credits) {
        if (usable(c, sink) && prefixesAgree(creditPrefix(c), iovec.prefix)) return match(c, Math.min(bytes - headerBytes, c.remaining));
      }
      headerBytes += iovec.length;
    }
  }
  // Without evidence, a source whose fd is already closed only counts once a write has drawn from it.
  let partial: Credit | null = null;
  for (const c of credits) {
    if (!usable(c, sink) || (c.closed && !c.confirmed)) continue;
    if (c.remaining >= bytes) return match(c, bytes);
    partial ??= c;
  }
  return partial !== null ? match(partial, Math.min(bytes, partial.remaining)) : null;
}
