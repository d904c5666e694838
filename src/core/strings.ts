// Strings the analysis keeps after the parser has moved on. The parser's strings can be slices of
// its ~1 MB read chunk: keeping one slice keeps the whole chunk alive, so every string that outlives
// its event goes through here first.

import { detachString } from '../strace-parser/args';

const interned = new Map<string, string>();

/** One shared copy per distinct syscall name (a trace has only a few hundred). */
export function internName(name: string): string {
  // Calls come in runs of one name (a copy loop): the parser hands out the same string each time.
  if (name === lastName) return lastCopy;
  let copy = interned.get(name);
  if (copy === undefined) {
    copy = detachString(name);
    interned.set(copy, copy);
  }
  lastName = name;
  lastCopy = copy;
  return copy;
}

let lastName = '';
let lastCopy = '';

export const keep = detachString;
