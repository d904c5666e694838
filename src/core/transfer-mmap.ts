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
  /** The mapped range of the file was read before in the trace (page cache warm); undefined when unknown. */
  warm: boolean | undefined;
}

/** mmap flags of a read-only mapping of a file's data (not the loader's: no PROT_EXEC, no MAP_DENYWRITE/MAP_FIXED). */
function isFileDataMapping(event: SyscallEvent): boolean {
  const prot = argText(event, [2, 'prot']);
  const flags = argText(event, [3, 'flags']);
  const perf = event.argNames !== null;
  return hasFlag(prot, 'PROT_READ', perf) && !hasFlag(prot, 'PROT_EXEC', perf) && !hasFlag(flags, 'MAP_DENYWRITE', perf) && !hasFlag(flags, 'MAP_FIXED', perf) && !hasFlag(flags, 'MAP_ANONYMOUS', perf);
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
  const mayBeRing = (ctx.existingState(event.pid)?.rings.length ?? 0) > 0;
  if (!mayBeRing && !isFileDataMapping(event)) return;
  const fdRef = fdArg(event, [4, 'fd']);
  if (fdRef === null || fdRef.fd < 0) return;
  const state = ctx.state(event.pid);
  const ring = mayBeRing ? ringOf(ctx, event, 4, 'fd') : undefined;
  if (ring !== undefined) {
    ring.calls.add(event);
    return;
  }
  if (mayBeRing && !isFileDataMapping(event)) return;
  const source = ctx.fds.resolve(event.pid, fdRef, event.line);
  if (source === null || source.endpoint.kind !== 'file' || isAncillary(source)) return;
  const length = intArg(event, [1, 'len']) ?? 0;
  const address = event.resultText !== null ? parseIntLoose(event.resultText.split(' ')[0] ?? '') : null;
  const mmap = new CallGroup();
  mmap.add(event);
  const offset = source.named && source.hint !== true ? intArg(event, [5, 'off']) : null;
  const warm = offset !== null && length > 0 ? ctx.readRange(source, offset, length) : undefined;
  state.mappings.push({ address: address ?? 0, length, source, mmap, faults: 0, warm });
}

/** perf --pf: a page fault at an address inside one of the process's file mappings counts on that mapping. */
export function onFault(ctx: BuildContext, event: PageFaultEvent): void {
  const state = ctx.existingState(event.pid);
  if (state === undefined || state.mappings.length === 0 || !event.target.startsWith('0x')) return;
  const address = parseIntLoose(event.target.split(' ')[0] ?? '');
  if (address === null) return;
  for (const mapping of state.mappings) {
    if (address >= mapping.address && address < mapping.address + mapping.length) {
      mapping.faults++;
      return;
    }
  }
}

export function onMunmap(ctx: BuildContext, event: SyscallEvent): void {
  const state = ctx.existingState(event.pid);
  if (state === undefined || state.mappings.length === 0) return;
  const address = intArg(event, [0, 'addr']);
  state.mappings = state.mappings.filter((m) => m.address !== address);
}
