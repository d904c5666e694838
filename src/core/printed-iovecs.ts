// The iovec arrays strace prints for vectored calls (readv, writev, and a msghdr's msg_iov):
// `[{iov_base="HTTP..."..., iov_len=254}, {iov_base="\220"..., iov_len=32768}]`, read one at a time.

import { closingQuote } from '../strace-parser/args';

/** One printed iovec. */
export interface PrintedIovec {
  /** Its printed bytes (escapes kept), without the quotes. */
  prefix: string;
  /** Its iov_len. */
  length: number;
  /** strace printed its whole buffer (no `...`: shorter than -s). */
  whole: boolean;
  /** Where the next iovec is looked for (nextIovec's `from`). */
  next: number;
}

/**
 * The next printed iovec of an array, from `from` on, or null when there is none. A scan, one iovec
 * at a time: a gathering write prints up to -s bytes per iovec, and the first that matches a source
 * ends the search.
 */
export function nextIovec(text: string, from: number): PrintedIovec | null {
  for (let at = text.indexOf('iov_base="', from); at >= 0; at = text.indexOf('iov_base="', at + 1)) {
    const open = at + 9;
    const close = closingQuote(text, open, text.length);
    if (close >= text.length) continue;
    let next = close + 1;
    const whole = !text.startsWith('...', next);
    if (!whole) next += 3;
    if (!text.startsWith(', iov_len=', next)) continue;
    let length = 0;
    let digit = next + 10;
    for (let c = text.charCodeAt(digit); c >= 48 && c <= 57; c = text.charCodeAt(++digit)) length = length * 10 + (c - 48);
    if (digit === next + 10) continue;
    return { prefix: text.slice(open + 1, close), length, whole, next: digit };
  }
  return null;
}

/** The first printed iovec of an iovec array, or of a msghdr's msg_iov (`{msg_name=..., msg_iov=[...]...}`), if it prints any. */
export function firstIovec(text: string | undefined): PrintedIovec | null {
  return text !== undefined && (text.startsWith('[') || text.startsWith('{')) ? nextIovec(text, 0) : null;
}
