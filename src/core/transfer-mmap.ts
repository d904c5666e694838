// mmap_write: read-only mappings of data files, and which mapping a write sends from (the buffer
// address inside it when perf prints one, else the newest mapping of another file).

import type { PageFaultEvent, SyscallEvent } from '../strace-parser/types';
import { parseIntLoose } from '../strace-parser/args';
import { CallGroup } from './call-group';
import { argText, fdArg, hasFlag, intArg } from './event-args';
import type { FdObject } from './fd-table';
import type { DataCallSpec } from './syscall-classes';
import { bufferAddress } from './transfer-credits';
import { ringOf } from './transfer-io-uring';
import { isAncillary, type BuildContext, type ProcessState } from './transfer-state';

export interface Mapping {
  address: number;
  length: number;
  source: FdObject;
  /** The mmap call itself, counted once in each transfer that writes from the mapping. */
  mmap: CallGroup;
  /** Page faults on it (perf --pf) not yet given to the transfer that writes from it. */
  faults: number;
  /** Of those, the ones the kernel's own code took inside a call (a write copying from the mapping): no mode switch. */
  faultsInCalls: number;
  /** The mapped range of the file was read before in the trace (page cache warm); undefined when unknown. */
  warm: boolean | undefined;
  /** Where in the file the mapping starts (mmap's offset; 0 when not printed). */
  fileOffset: number;
}

/**
 * What an mmap's flags make it: code (PROT_EXEC, or the loader's MAP_DENYWRITE), a read-only mapping
 * of a file's data (PROT_READ, not MAP_FIXED or MAP_ANONYMOUS), or neither.
 */
function mappingKind(event: SyscallEvent): 'code' | 'data' | 'other' {
  const prot = argText(event, [2, 'prot']);
  const flags = argText(event, [3, 'flags']);
  const perf = event.argNames !== null;
  if (hasFlag(prot, 'PROT_EXEC', perf) || hasFlag(flags, 'MAP_DENYWRITE', perf)) return 'code';
  return hasFlag(prot, 'PROT_READ', perf) && !hasFlag(flags, 'MAP_FIXED', perf) && !hasFlag(flags, 'MAP_ANONYMOUS', perf) ? 'data' : 'other';
}

function writableShared(event: SyscallEvent): boolean {
  const perf = event.argNames !== null;
  return hasFlag(argText(event, [2, 'prot']), 'PROT_WRITE', perf) && hasFlag(argText(event, [3, 'flags']), 'MAP_SHARED', perf);
}

export function matchMapping(event: SyscallEvent, spec: DataCallSpec, state: ProcessState, sink: FdObject): Mapping | null {
  if (state.mappings.length === 0) return null;
  const address = spec.buf !== undefined ? bufferAddress(argText(event, spec.buf)) : null;
  const candidates = state.mappings.filter((m) => m.source !== sink);
  if (address !== null) return candidates.find((m) => address >= m.address && address < m.address + m.length) ?? null;
  return candidates[candidates.length - 1] ?? null;
}

/** A read-only mapping of a data file (not the loader's: no PROT_EXEC, no MAP_DENYWRITE/MAP_FIXED). */
export function onMmap(ctx: BuildContext, event: SyscallEvent): void {
  if (event.ret === null || event.errno !== null) return;
  // Most mmaps are anonymous (malloc, stacks): skip them before splitting their arguments.
  if (event.argText.includes('ANONYMOUS')) return;
  // A process without an io_uring ring: the loader's mappings are ruled out by their flags before
  // the fd argument (the 5th) is split off.
  const existing = ctx.existingState(event.pid);
  const mayBeRing = (existing?.rings.length ?? 0) > 0;
  const kind = mappingKind(event);
  if (!mayBeRing && kind !== 'data') {
    if (kind === 'code' && existing !== undefined && existing.credits.length > 0) forgetCode(ctx, event, existing);
    return;
  }
  const fdRef = fdArg(event, [4, 'fd']);
  if (fdRef === null || fdRef.fd < 0) return;
  const state = ctx.state(event.pid);
  const ring = mayBeRing ? ringOf(ctx, event, 4, 'fd') : undefined;
  if (ring !== undefined) {
    ring.calls.add(event);
    return;
  }
  if (kind !== 'data') return;
  const source = ctx.fds.resolve(event.pid, fdRef, event.line);
  if (source === null || source.endpoint.kind !== 'file' || isAncillary(source)) return;
  // A writable shared mapping of a file the program made (O_CREAT/O_TRUNC: an output file filled in
  // place, the JVM's hsperfdata) or of POSIX shared memory (PostgreSQL's /dev/shm segments, attached
  // by other backends without O_CREAT) is memory the program writes through: no file it sends from.
  // One of a file that was there (Python's mmap.mmap(f.fileno(), 0) of an "r+b" file) is a source.
  if (writableShared(event) && (source.created === true || source.endpoint.path.startsWith('/dev/shm/'))) return;
  const length = intArg(event, [1, 'len']) ?? 0;
  const address = event.resultText !== null ? parseIntLoose(event.resultText.split(' ')[0] ?? '') : null;
  const mmap = new CallGroup();
  mmap.add(event);
  const offset = source.named && source.hint !== true ? intArg(event, [5, 'off']) : null;
  const warm = offset !== null && length > 0 ? ctx.readRange(source, offset, length) : undefined;
  state.mappings.push({ address: address ?? 0, length, source, mmap, faults: 0, faultsInCalls: 0, warm, fileOffset: intArg(event, [5, 'off']) ?? 0 });
}

/**
 * A file mapped to be run (PROT_EXEC, or the loader's MAP_DENYWRITE) is code: the bytes read from it
 * before (the loader reads an ELF header, 832 bytes, then its program headers) were no payload. Under
 * perf, which prints openat's file name as a pointer, nothing else tells a library from a data file.
 * Only the bytes waiting are dropped: the object is not marked, because under perf a lost close can
 * leave the library's object under a number the program reuses for its data.
 */
function forgetCode(ctx: BuildContext, event: SyscallEvent, state: ProcessState): void {
  const fdRef = fdArg(event, [4, 'fd']);
  if (fdRef === null || fdRef.fd < 0) return;
  const object = ctx.fds.tables.of(event.pid).get(fdRef.fd);
  if (object === undefined) return;
  state.credits = state.credits.filter((credit) => credit.source !== object);
}

/**
 * perf --pf: a page fault on one of the process's file mappings counts on that mapping: at an address
 * inside it (`=> 0x7f...`), or at an offset of its file inside the mapped range (perf names the file:
 * `=> /tmp/in.bin@0xd000`; an unnamed mapping's file is taken to be it). A fault the kernel's own code
 * takes inside a call (perf's level `k`: a write copying from the mapping) is counted apart: it is no
 * crossing from user mode.
 */
export function onFault(ctx: BuildContext, event: PageFaultEvent): void {
  const state = ctx.existingState(event.pid);
  if (state === undefined || state.mappings.length === 0) return;
  const mapping = faultedMapping(state.mappings, event.target.split(' ')[0] ?? '');
  if (mapping === null) return;
  mapping.faults++;
  if (event.inKernel === true) mapping.faultsInCalls++;
}

function faultedMapping(mappings: readonly Mapping[], target: string): Mapping | null {
  if (target.startsWith('0x')) {
    const address = parseIntLoose(target);
    if (address === null) return null;
    for (const mapping of mappings) if (address >= mapping.address && address < mapping.address + mapping.length) return mapping;
    return null;
  }
  const at = target.lastIndexOf('@0x');
  const offset = at > 0 ? parseIntLoose(target.slice(at + 1)) : null;
  if (offset === null) return null;
  const path = target.slice(0, at);
  const covers = (mapping: Mapping): boolean => offset >= mapping.fileOffset && offset < mapping.fileOffset + mapping.length;
  // The mapping of that file (by name, even a hint); else the newest unnamed one that covers the offset.
  for (const mapping of mappings) if (mapping.source.endpoint.path === path && covers(mapping)) return mapping;
  for (let k = mappings.length - 1; k >= 0; k--) {
    const mapping = mappings[k];
    if (!mapping.source.named && covers(mapping)) return mapping;
  }
  return null;
}

export function onMunmap(ctx: BuildContext, event: SyscallEvent): void {
  const state = ctx.existingState(event.pid);
  if (state === undefined || state.mappings.length === 0) return;
  const address = intArg(event, [0, 'addr']);
  state.mappings = state.mappings.filter((m) => m.address !== address);
}
