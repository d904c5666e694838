// The end of a call line, shared by strace and perf: `args)   = result <0.000012>`.
// Found from the END of the line (the result is short, the arguments may be long strings), so the
// common case never scans the arguments; only when that shortcut cannot be verified do we walk the
// arguments honouring quotes and brackets.

import { indexIn, ParsedLine, parseResult } from './parsed-line';

/**
 * Fills o's argument and result ranges, ret / errno / duration from s[argStart, lineEnd), where argStart is just
 * after the call's `(` (or after `resumed>`). Sets o.kind = Bad with a reason when there is no result.
 */
export function parseCallTail(s: string, argStart: number, lineEnd: number, o: ParsedLine): boolean {
  let end = lineEnd;
  while (end > argStart && s.charCodeAt(end - 1) === 32) end--;
  // -T duration ` <0.000123>` (only digits and a dot: `= 3</etc/x>` also ends with `>`).
  if (end > argStart + 3 && s.charCodeAt(end - 1) === 62 /* > */) {
    // Scan the digits right to left, computing the value on the way (one pass).
    let k = end - 2;
    let v = 0;
    let scale = 1;
    let dot = 0;
    while (k > argStart) {
      const c = s.charCodeAt(k);
      if (c >= 48 && c <= 57) {
        v += (c - 48) * scale;
        scale *= 10;
      } else if (c === 46 && dot === 0) {
        dot = scale;
      } else break;
      k--;
    }
    if (k < end - 2 && s.charCodeAt(k) === 60 /* < */ && s.charCodeAt(k - 1) === 32) {
      o.duration = dot === 0 ? v : v / dot;
      end = k - 1;
      while (end > argStart && s.charCodeAt(end - 1) === 32) end--;
    }
  }
  let eq: number;
  let resStart: number;
  if (s.charCodeAt(end - 1) === 61 /* = */ && s.charCodeAt(end - 2) === 32) {
    // perf prints `= ` with nothing after it for some results (a clone child, wait4 with no child).
    eq = end - 2;
    resStart = end;
  } else {
    // Last ` = ` of the line, by hand (String#lastIndexOf is a runtime call, slow per line).
    eq = -1;
    for (let k = end - 2; k > argStart; k--) {
      if (s.charCodeAt(k) === 61 /* = */ && s.charCodeAt(k + 1) === 32 && s.charCodeAt(k - 1) === 32) {
        eq = k - 1;
        break;
      }
    }
    resStart = eq + 3;
  }
  let close = -1;
  if (eq > argStart) {
    let k = eq;
    while (k > argStart && s.charCodeAt(k - 1) === 32) k--;
    if (s.charCodeAt(k - 1) === 41 /* ) */) close = k - 1;
  }
  if (close < argStart) {
    // Shortcut failed (`) = ` inside a result, or no result at all): walk the arguments.
    close = findCloseParen(s, argStart, end);
    if (close === -1) {
      o.bad('no closing parenthesis (cut or garbled line)');
      return false;
    }
    let k = close + 1;
    while (k < end && s.charCodeAt(k) === 32) k++;
    if (k >= end || s.charCodeAt(k) !== 61 /* = */) {
      o.bad('call without a result');
      return false;
    }
    resStart = k + 1;
    if (resStart < end && s.charCodeAt(resStart) === 32) resStart++;
  }
  o.src = s;
  o.a0 = argStart;
  o.a1 = close;
  if (resStart >= end) {
    o.r0 = -1;
    o.ret = null;
  } else {
    o.r0 = resStart;
    o.r1 = end;
    parseResult(s, resStart, end, o);
  }
  return true;
}

/** Index of the `)` closing the argument list that starts at `start`, or -1. Honours strings, brackets and comments. */
export function findCloseParen(s: string, start: number, end: number): number {
  let depth = 0;
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < end) {
        const d = s.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 47 /* / */ && s.charCodeAt(i + 1) === 42 /* * */) {
      const e = indexIn(s, '*/', i + 2, end);
      if (e === -1 || e >= end) return -1;
      i = e + 2;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth--;
    else if (c === 41) {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return -1;
}
