// Wake-ups an event loop sends itself through a self-pipe (a pipe or socketpair whose other end it
// reads: Go's netpoll, Python's selectors and asyncio): a few alike bytes, no data. transfer-copies
// asks these of a short write into a self-pipe and of the reads at its other end.

import { decodeEscapes } from '../strace-parser/escapes';
import type { SyscallEvent } from '../strace-parser/types';
import { rawStringArg } from './event-args';
import type { DataCallSpec } from './syscall-classes';

/** The most bytes a wake-up write repeats (one per call in asyncio, Go, glib; eventfd's 8 are no write into a pipe). */
const WAKE_UP_BYTES = 8;

/** The byte a short write repeats, all of its bytes printed and alike (a wake-up's), else null. */
export function wakeUpByte(event: SyscallEvent, spec: DataCallSpec, bytes: number): string | null {
  if (bytes > WAKE_UP_BYTES) return null;
  const decoded = printedBytes(event, spec);
  return decoded !== null && decoded.length === bytes && repeats(decoded, decoded.charAt(0)) ? decoded.charAt(0) : null;
}

/** A read whose printed bytes (strace may cut them) are all the wake-up byte. */
export function drainsWakeUps(event: SyscallEvent, spec: DataCallSpec, wake: string): boolean {
  const decoded = printedBytes(event, spec);
  return decoded !== null && decoded.length > 0 && repeats(decoded, wake);
}

/** The call's buffer as strace printed it, decoded to bytes; null when it has none printed. */
function printedBytes(event: SyscallEvent, spec: DataCallSpec): string | null {
  if (spec.buf === undefined) return null;
  const printed = rawStringArg(event, spec.buf);
  return printed === null ? null : decodeEscapes(printed);
}

function repeats(text: string, char: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charAt(i) !== char) return false;
  return true;
}
