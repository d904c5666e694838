// Strings the analysis keeps after the parser has moved on. The parser's strings can be slices of
// its ~1 MB read chunk: keeping one slice keeps the whole chunk alive, so every string that outlives
// its event goes through here first.

import { detachString, internalize } from '../strace-parser/args';

const interned = new Map<string, string>();

/**
 * One shared copy per distinct syscall name (a trace has only a few hundred): the engine's canonical
 * (internalized) string, the one a property key becomes. It is never a slice of a parser chunk, and
 * equal names are then one string, compared by identity.
 */
export function internName(name: string): string {
  // Calls come in runs of one name (a copy loop): the parser hands out the same string each time.
  if (name === lastCopy) return lastCopy;
  let copy = interned.get(name);
  if (copy === undefined) {
    copy = internalize(name);
    interned.set(copy, copy);
  }
  // Kept as the copy (a parser's name is this very string): a slice would keep its chunk alive.
  lastCopy = copy;
  return copy;
}

let lastCopy = '';

export const keep = detachString;
