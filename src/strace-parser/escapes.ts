// C escape decoding as strace prints it (`\n`, `\t`, `\\`, `\"`, octal `\0`..`\377`, hex `\x41` from -x/-xx).
// Each escaped byte becomes one char (code 0-255), so `value.length` is the byte count strace printed.

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const SIMPLE: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, e: 27, '\\': 92, '"': 34, "'": 39, '?': 63 };

/** Decodes the C escapes in `text` (no surrounding quotes). Unknown escapes keep the escaped char. */
export function decodeEscapes(text: string): string {
  if (text.indexOf('\\') === -1) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  let runStart = 0;
  while (i < n) {
    if (text.charCodeAt(i) !== 92 /* \ */) {
      i++;
      continue;
    }
    out += text.slice(runStart, i);
    i++;
    if (i >= n) {
      out += '\\';
      runStart = i;
      break;
    }
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 55) {
      // Octal: up to three digits.
      let v = 0;
      let k = 0;
      while (k < 3 && i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 55) {
        v = v * 8 + (text.charCodeAt(i) - 48);
        i++;
        k++;
      }
      out += String.fromCharCode(v & 0xff);
    } else if (c === 120 /* x */ && i + 1 < n && hexVal(text.charCodeAt(i + 1)) >= 0) {
      let v = hexVal(text.charCodeAt(i + 1));
      i += 2;
      if (i < n && hexVal(text.charCodeAt(i)) >= 0) {
        v = v * 16 + hexVal(text.charCodeAt(i));
        i++;
      }
      out += String.fromCharCode(v);
    } else {
      const ch = text[i];
      const simple = SIMPLE[ch];
      out += simple !== undefined ? String.fromCharCode(simple) : ch;
      i++;
    }
    runStart = i;
  }
  if (runStart < n) out += text.slice(runStart);
  return out;
}
