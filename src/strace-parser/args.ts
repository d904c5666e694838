// Argument helpers over the raw argument text of an event. All pure and cheap, called on demand
// by the analysis (the parser itself never decodes arguments of calls nobody asks about).

import type { SyscallEvent } from './types';
import { decodeEscapes } from './escapes';

export { parseFdArg, detachString, internalize, decorationEnd, DELETED_SUFFIX } from './fd-decoration';
export type { FdArg } from './fd-decoration';
export { decodeEscapes } from './escapes';

const enum Ch {
  Tab = 9,
  Space = 32,
  Quote = 34,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Comma = 44,
  Slash = 47,
  Lt = 60,
  Gt = 62,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  LBrace = 123,
  RBrace = 125,
}

/** Stack mark of a decoration that is a path (`3</tmp/a[b>`): brackets in it are no group. */
const PATH_DECORATION = -Ch.Gt;

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * The index of the `"` that closes the string opened at `open`, skipping backslash escapes; `n` or
 * more when the text ends first (a cut line). Every scan over argument text skips strings this way.
 */
export function closingQuote(text: string, open: number, n: number): number {
  // Jump from quote to quote (indexOf is vectorized; buffers are most of the text of data calls): a
  // quote closes the string unless an odd number of backslashes precedes it.
  let from = open + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1 || q >= n) return n;
    let b = q - 1;
    while (b > open && text.charCodeAt(b) === Ch.Backslash) b--;
    if (((q - 1 - b) & 1) === 0) return q;
    from = q + 1;
  }
}

/** indexOf that skips quoted strings (strace's printed buffers, whose bytes may say anything; escapes included). */
export function indexOutsideStrings(text: string, needle: string, from: number): number {
  for (;;) {
    const found = text.indexOf(needle, from);
    if (found < 0) return -1;
    const quote = text.indexOf('"', from);
    if (quote < 0 || found < quote) return found;
    from = closingQuote(text, quote, text.length) + 1;
  }
}

/**
 * Splits argument text on its top-level commas. Commas inside "strings" (with escapes), (), [], {},
 * `/* comments *\/` and fd decorations `<...>` (nested `<char 1:3>`, `[a->b]` inside) do not split.
 * Each piece is trimmed. Never throws; unbalanced text just ends inside its open group. With `limit`,
 * only the first `limit` arguments are split off (the rest of the text is not scanned).
 */
export function splitArgs(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  const n = text.length;
  if (n === 0) return out;
  // Open groups as a small stack of closing char codes; decoration depth is tracked apart, because
  // inside `<...>` quotes, parentheses and braces are path characters, not syntax. The stack array
  // is reused from call to call (this runs for most data calls): `depth` is its live height.
  const stack = groupStack;
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = depth > 0 ? stack[depth - 1] : 0;
    if (top === Ch.Gt || top === PATH_DECORATION) {
      // Inside a decoration: only `<` (nesting), `[` (socket addresses with `->`) and `>` matter; in
      // a path (`/...`, whose `<` and `>` strace escapes) a `[` is a character of the name (`/tmp/a[b`).
      if (c === Ch.Lt) stack[depth++] = Ch.Gt;
      else if (c === Ch.LBracket && top === Ch.Gt) stack[depth++] = -Ch.RBracket; // negative: bracket inside a decoration
      else if (c === Ch.Gt) depth--;
      i++;
      continue;
    }
    if (top === -Ch.RBracket) {
      // A unix socket's quoted path (`UNIX-STREAM:[7,"/run/a]b>"]`) may hold `]` and `>`.
      if (c === Ch.Quote) {
        i = closingQuote(text, i, n) + 1;
        continue;
      }
      if (c === Ch.RBracket) depth--;
      i++;
      continue;
    }
    switch (c) {
      case Ch.Quote:
        i = closingQuote(text, i, n) + 1;
        continue;
      case Ch.Slash:
        if (text.charCodeAt(i + 1) === Ch.Star) {
          const end = text.indexOf('*/', i + 2);
          i = end === -1 ? n : end + 2;
          continue;
        }
        break;
      case Ch.LParen:
        stack[depth++] = Ch.RParen;
        break;
      case Ch.LBracket:
        stack[depth++] = Ch.RBracket;
        break;
      case Ch.LBrace:
        stack[depth++] = Ch.RBrace;
        break;
      case Ch.RParen:
      case Ch.RBracket:
      case Ch.RBrace:
        if (top === c) depth--;
        break;
      case Ch.Lt:
        // A decoration follows an fd number / AT_FDCWD / perf's `fd: 4`; `<...` after `(` is strace's
        // `<... resuming interrupted read ...>` and is a group too.
        if (i > 0 && (isIdentChar(text.charCodeAt(i - 1)) || text.startsWith('<...', i))) stack[depth++] = text.charCodeAt(i + 1) === Ch.Slash ? PATH_DECORATION : Ch.Gt;
        break;
      case Ch.Comma:
        if (depth === 0) {
          out.push(trimmedSlice(text, start, i));
          // The analysis asks for the first one or two arguments of most calls: stop scanning there.
          if (out.length >= limit) return out;
          start = i + 1;
        }
        break;
      default:
        break;
    }
    i++;
  }
  const last = trimmedSlice(text, start, n);
  if (last.length > 0 || out.length > 0) out.push(last);
  return out;
}

/** splitArgs' stack of open groups (never shrinks; splitArgs does not recurse). */
const groupStack: number[] = [];

/** `text.slice(start, end).trim()` in one allocation (none when nothing is cut). */
function trimmedSlice(text: string, start: number, end: number): string {
  let a = start;
  let b = end;
  while (a < b && isTrimmed(text.charCodeAt(a))) a++;
  while (b > a && isTrimmed(text.charCodeAt(b - 1))) b--;
  return text.slice(a, b);
}

/** The characters String#trim removes: WhiteSpace and LineTerminator of ECMA-262. */
function isTrimmed(c: number): boolean {
  if (c === Ch.Space) return true;
  if (c < 0xa0) return c >= Ch.Tab && c <= 13;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Decodes a strace string argument `"abc\n"` / `"\x61"` (-x) / `"abc"...` (-s truncation). The value is a
 * byte string (one char per byte, escapes decoded). Null when the text is not a quoted string
 * (a pointer such as `0x7ffc...`, NULL).
 */
export function decodeCString(text: string): { value: string; truncated: boolean } | null {
  let s = text;
  if (s.length === 0) return null;
  if (s.charCodeAt(0) !== Ch.Quote) {
    s = s.trim();
    if (s.charCodeAt(0) !== Ch.Quote) return null;
  }
  const n = s.length;
  const i = closingQuote(s, 0, n);
  if (i >= n) {
    // No closing quote (cut line): decode what is there and say it is truncated.
    return { value: decodeEscapes(s.slice(1)), truncated: true };
  }
  const rest = s.slice(i + 1).trim();
  return { value: decodeEscapes(s.slice(1, i)), truncated: rest.startsWith('...') };
}

/**
 * Parses an in/out argument (`[0] => [262144]` of sendfile, splice, copy_file_range offsets; also plain `[0]`).
 * `in`/`out` are the texts inside the brackets; `out` is null when strace printed no `=>` part.
 */
export function parseInOut(text: string): { in: string; out: string | null; inValue: number | null; outValue: number | null } | null {
  const s = text.trim();
  if (s.length === 0) return null;
  const arrow = s.indexOf(' => ');
  const unwrap = (t: string): string => {
    const u = t.trim();
    return u.charCodeAt(0) === Ch.LBracket && u.charCodeAt(u.length - 1) === Ch.RBracket ? u.slice(1, -1).trim() : u;
  };
  const inText = unwrap(arrow === -1 ? s : s.slice(0, arrow));
  const outText = arrow === -1 ? null : unwrap(s.slice(arrow + 4));
  return { in: inText, out: outText, inValue: parseIntLoose(inText), outValue: outText === null ? null : parseIntLoose(outText) };
}

/** Removes `/* ... *\/` comments (strace -X verbose, `/* 39 vars *\/`) outside strings, and trims. */
export function stripComment(text: string): string {
  if (text.indexOf('/*') === -1) return text.trim();
  let out = '';
  let i = 0;
  let runStart = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) {
      i = closingQuote(text, i, n) + 1;
      continue;
    }
    if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      out += text.slice(runStart, i);
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      runStart = i;
      continue;
    }
    i++;
  }
  if (runStart < n) out += text.slice(runStart);
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Parses a number the way strace prints it: decimal, `-1`, hex `0x7f...`, C octal `0644`, optionally
 * in brackets `[262144]` and followed by a comment (`0x80000 /* O_RDONLY|O_CLOEXEC *\/`) or an fd
 * decoration (`3</tmp/x>`). Null when the text does not start with a number. Values past 2^53 lose precision.
 */
export function parseIntLoose(text: string): number | null {
  let i = 0;
  const n = text.length;
  while (i < n && (text.charCodeAt(i) === Ch.Space || text.charCodeAt(i) === Ch.Tab)) i++;
  let bracket = false;
  if (text.charCodeAt(i) === Ch.LBracket) {
    bracket = true;
    i++;
  }
  let neg = false;
  if (text.charCodeAt(i) === 45 /* - */) {
    neg = true;
    i++;
  }
  const start = i;
  let v = 0;
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88)) {
    i += 2;
    const hexStart = i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0) break;
      v = v * 16 + h;
    }
    if (i === hexStart) return null;
    // Past 2^53 the running sum rounds differently from the nearest double: let the engine round.
    if (i - hexStart > 13) v = parseInt(text.slice(hexStart, i), 16);
  } else if (text.charCodeAt(i) === 48 && i + 1 < n && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 55) {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 55) break;
      v = v * 8 + (c - 48);
    }
  } else {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
    }
    if (i === start) return null;
    if (i - start > 15) v = Number(text.slice(start, i));
  }
  if (bracket && text.charCodeAt(i) === Ch.RBracket) i++;
  if (i < n) {
    const c = text.charCodeAt(i);
    // What may follow a number: space (comment, trailing text such as ` ENOENT`), a decoration, a comma.
    if (c !== Ch.Space && c !== Ch.Tab && c !== Ch.Lt && c !== Ch.Comma && c !== Ch.RParen) return null;
  }
  return neg ? -v : v;
}

/**
 * The argument at strace position `index`, or for perf events the argument named `perfName`
 * (perf leaves out zero/NULL arguments, so positions do not work there; a missing perf argument
 * usually means 0/NULL). Undefined when absent.
 */
export function argOf(event: SyscallEvent, index: number, perfName?: string): string | undefined {
  const names = event.argNames;
  if (names !== null) {
    if (perfName === undefined) return undefined;
    const at = names.indexOf(perfName);
    return at === -1 ? undefined : event.args[at];
  }
  return event.args[index];
}
