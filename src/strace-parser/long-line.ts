// A line too long to keep whole (strace -s 4194304 prints a 4 MiB buffer as ~11 MB of text) is read
// as its head and its tail: what the analysis needs of a data call is there (the call, its fd, the
// start of its buffer, its count and result), and only the middle of one printed string is left out,
// marked the way strace marks a string it cut itself (`"..."...`).

/** Bytes of a long line's start kept: the call, its fd and the start of its buffer. */
export const LONG_LINE_HEAD_BYTES = 64 << 10;
/** Bytes of a long line's end kept: the end of its arguments, the result and the duration. */
export const LONG_LINE_TAIL_BYTES = 64 << 10;

/** Whether `text` ends inside a "string" (quotes not escaped by a backslash). */
function endsInsideString(text: string): boolean {
  let inside = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ && inside) i++;
    else if (c === 34 /* " */) inside = !inside;
  }
  return inside;
}

/** The first `"` of `text` not escaped by a backslash before it within `text`, or -1. */
function firstUnescapedQuote(text: string): number {
  for (let q = text.indexOf('"'); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (q - 1 - backslashes >= 0 && text.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
    if ((backslashes & 1) === 0 && q - backslashes > 0) return q;
  }
  return -1;
}

/** `head` without an escape its cut may have split (`\26` of `\260`, a lone `\`): it then ends where that escape began. */
function withoutPartialEscape(head: string): string {
  // The longest escape strace prints is 4 chars (`\377`, `\x1f`).
  for (let i = head.length - 1; i >= Math.max(0, head.length - 4); i--) {
    if (head.charCodeAt(i) !== 92 /* \ */) continue;
    let before = 0;
    while (i - 1 - before >= 0 && head.charCodeAt(i - 1 - before) === 92) before++;
    // An odd run before it escapes this one: a whole `\\`, go on before it.
    if ((before & 1) === 0) return head.slice(0, i);
    i -= before;
  }
  return head;
}

/**
 * The line made of a long line's `head` and `tail` when the cut falls inside one printed string
 * (the head ends inside it, the tail's first unescaped quote closes it): `head"...rest`. null when
 * the line is long for another reason (a huge array), which cannot be joined safely.
 */
export function joinLongLine(head: string, tail: string): string | null {
  if (!endsInsideString(head)) return null;
  const close = firstUnescapedQuote(tail);
  if (close < 0) return null;
  let rest = close + 1;
  // The string was cut by -s already: its `...` mark is there.
  if (tail.startsWith('...', rest)) rest += 3;
  return `${withoutPartialEscape(head)}"...${tail.slice(rest)}`;
}
