// strace -y/-yy (and perf trace) fd decorations: `3</tmp/a b>`, `0</dev/null<char 1:3>>`,
// `3<TCP:[127.0.0.1:57706->127.0.0.1:15507]>`, `AT_FDCWD</tmp/ctx/run>`, `-100 /* AT_FDCWD */`, `fd: 4</path>`.
// Pure and cheap: called on demand by the analysis, never on the parser's hot path.

import { decodeEscapes } from './escapes';

export interface FdArg {
  /** The fd number; AT_FDCWD (strace) and CWD (perf) give -100, the kernel's value. */
  fd: number;
  /** The decoration up to any nested `<...>`: `/tmp/a b`, `/dev/null`, `TCP:[1.2.3.4:5->6.7.8.9:10]`, `pipe:[61613]`; null when undecorated. */
  path: string | null;
  /** The nested -yy decoration (`char 1:3`), else null. */
  detail: string | null;
}

const AT_FDCWD = -100;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Copies a (short) string so it no longer shares memory with the big chunk it was cut from. */
export function detachString(s: string): string {
  // Concatenation then slice forces V8 to flatten into a fresh sequential string; the result no
  // longer keeps the parser's ~1 MB chunk string alive when a consumer stores it for long.
  return (' ' + s).slice(1);
}

/**
 * The engine's canonical (internalized) copy of `s`, the one a property key becomes: a fresh flat
 * string (a slice would keep the whole chunk alive from a global table), and equal names are then
 * one string: look-ups by syscall name (Maps, object keys, switch cases) compare by identity and
 * never rehash it.
 */
export function internalize(s: string): string {
  const holder: Record<string, number> = Object.create(null) as Record<string, number>;
  holder[s] = 0;
  for (const key in holder) return key;
  return detachString(s);
}

/** What -y prints after the decoration of an fd whose file has no name any more: `3</tmp/x>(deleted)`. */
export const DELETED_SUFFIX = '(deleted)';

/** The value of a lowercase hex digit (as strace prints them), or -1. */
export function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
}

/**
 * Parses an fd argument or result with its optional decoration. Returns null for text that is not an fd
 * (a pointer, a string, a flag set). With `detach` false the path may be a slice of the parser's
 * chunk: cheaper for a look-up, but copy it (detachString) before keeping it.
 */
export function parseFdArg(text: string, detach = true): FdArg | null {
  let s = text.trim();
  // perf prints `fd: 4</path>` when asked for a named arg's text with the name still on; tolerate it.
  const colon = s.indexOf(': ');
  if (colon > 0 && colon < 12 && /^[a-z_0-9]+$/.test(s.slice(0, colon))) s = s.slice(colon + 2);
  if (s.length === 0) return null;
  let i = 0;
  let fd: number;
  if (s.startsWith('AT_FDCWD')) {
    fd = AT_FDCWD;
    i = 8;
  } else if (s.startsWith('CWD')) {
    fd = AT_FDCWD;
    i = 3;
  } else {
    let neg = false;
    if (s.charCodeAt(0) === 45 /* - */) {
      neg = true;
      i = 1;
    }
    const start = i;
    let n = 0;
    if (s.startsWith('0x', i)) {
      // -e raw=...: `read(0x3, 0x5648..., 0x10000)`; a 32-bit int printed unsigned (AT_FDCWD: 0xffffff9c).
      i += 2;
      for (let h = hexDigit(s.charCodeAt(i)); h >= 0; h = hexDigit(s.charCodeAt(++i))) n = n * 16 + h;
      if (i === start + 2 || n > 0xffffffff) return null;
      if (n >= 0x80000000) n -= 0x100000000;
    } else {
      while (i < s.length && isDigit(s.charCodeAt(i))) {
        n = n * 10 + (s.charCodeAt(i) - 48);
        i++;
      }
    }
    if (i === start) return null;
    fd = neg ? -n : n;
  }
  if (i === s.length) return { fd, path: null, detail: null };
  // An unlinked file (O_TMPFILE, a memfd, a file removed while open): `3</tmp/x>(deleted)`.
  if (s.endsWith(DELETED_SUFFIX)) s = s.slice(0, s.length - DELETED_SUFFIX.length);
  const c = s.charCodeAt(i);
  if (c === 32 /* space */) {
    // -X verbose: `-100 /* AT_FDCWD */`, nothing else may follow a bare number.
    const rest = s.slice(i).trim();
    if (rest.startsWith('/*') && rest.endsWith('*/')) return { fd, path: null, detail: null };
    return null;
  }
  if (c !== 60 /* < */ || s.charCodeAt(s.length - 1) !== 62 /* > */) return null;
  const inner = s.slice(i + 1, s.length - 1);
  let path = inner;
  let detail: string | null = null;
  // Nested -yy detail: `/dev/null<char 1:3>`. A socket's `TCP:[a->b]` ends with `]`, so its `>` is not mistaken for one.
  if (inner.charCodeAt(inner.length - 1) === 62 /* > */) {
    const lt = inner.lastIndexOf('<');
    if (lt > 0) {
      path = inner.slice(0, lt);
      detail = inner.slice(lt + 1, inner.length - 1);
    }
  }
  if (path.indexOf('\\') !== -1) path = decodeEscapes(path);
  if (!detach) return { fd, path, detail };
  return { fd, path: detachString(path), detail: detail === null ? null : detachString(detail) };
}

/**
 * The index of the `>` that closes the fd decoration opened by the `<` at `open` (nested `<char 1:3>`
 * and socket addresses `[a->b]` inside), or -1 when `end` comes first.
 */
export function decorationEnd(text: string, open: number, end: number): number {
  let depth = 0;
  let inBracket = false;
  // A path escapes its `<` and `>` (`\76`) but not its brackets (`/tmp/a[b`): they group only in
  // socket and inode names (`TCP:[a->b]`, `pipe:[61613]`).
  const brackets = text.charCodeAt(open + 1) !== 47; /* / */
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (inBracket) {
      if (c === 34 /* " */) {
        // A unix socket's quoted path (`UNIX-STREAM:[7,"/run/a]b>"]`): strace escapes only its quotes.
        for (i++; i < end && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \ */) i++;
      } else if (c === 93 /* ] */) inBracket = false;
    } else if (c === 91 /* [ */ && brackets) inBracket = true;
    else if (c === 60 /* < */) depth++;
    else if (c === 62 /* > */ && --depth === 0) return i;
  }
  return -1;
}

/** Kinds of -yy-only decorations: -y prints plain paths and `socket:[N]`, -yy adds protocol details and device numbers. */
const YY_MARKERS = ['<TCP:[', '<TCPv6:[', '<UDP:[', '<UDPv6:[', '<UNIX', '<NETLINK:[', '<char ', '<block ', '<RAW:[', '<PACKET:['];

/**
 * Which decoration style the text shows: 2 for -yy evidence, 1 for a -y decoration, 0 for none.
 * Cheap enough to call on every line until -yy is seen (one indexOf for lines without `<`).
 */
export function decorationLevel(text: string, start = 0, end = text.length): 0 | 1 | 2 {
  // Searches stay inside [start, end): `text` may be a whole 1 MB chunk.
  for (let at = start; at < end; at++) {
    if (text.charCodeAt(at) !== 60 /* < */ || !isDecorationStart(text, start, at)) continue;
    const line = text.slice(at, end);
    for (const m of YY_MARKERS) {
      if (line.indexOf(m) !== -1) return 2;
    }
    return 1;
  }
  return 0;
}

/**
 * Is the `<` at `at` an fd decoration? It must follow a whole argument that is an fd number or
 * AT_FDCWD (`3<`, `(3<`, `, 3<`, `fd: 3<`), open onto a path or a `kind:[`, and lie outside strings
 * (`"\364<qv"` in a buffer is not one).
 */
function isDecorationStart(text: string, start: number, at: number): boolean {
  const next = text.charCodeAt(at + 1);
  // -xx escapes every byte of the decoration too: `3<\x2f\x74...>`.
  const escaped = next === 92 /* \ */ && text.charCodeAt(at + 2) === 120 /* x */;
  if (!(escaped || next === 47 /* / */ || (next >= 97 && next <= 122) || (next >= 65 && next <= 90))) return false;
  let k = at;
  if (k - start >= 8 && text.startsWith('AT_FDCWD', k - 8)) k -= 8;
  else {
    while (k > start && isDigit(text.charCodeAt(k - 1))) k--;
    if (k === at) return false;
  }
  const before = k === start ? 32 : text.charCodeAt(k - 1);
  if (before !== 32 && before !== 40 /* ( */ && before !== 44 /* , */ && before !== 61 /* = */) return false;
  // Outside strings: an even number of unescaped quotes before it.
  let quotes = 0;
  for (let i = start; i < k; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) quotes++;
  }
  return (quotes & 1) === 0;
}
