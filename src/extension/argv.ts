// Splits a command line typed by the user into an argv, the way a POSIX shell would split words
// (quotes and backslashes), but with no expansion, no redirection and no pipes: the result goes to
// spawn() directly, never through a shell. Pure, no VS Code.

export class CommandLineError extends Error {}

/**
 * `prog 'a b' "c \"d\"" e\ f` -> ['prog', 'a b', 'c "d"', 'e f'].
 * Single quotes keep everything literally; inside double quotes a backslash escapes only `"`, `\`,
 * `$` and a backquote; outside quotes a backslash escapes any character. Unquoted shell operators
 * (`|`, `&`, `;`, `<`, `>`, parentheses, backquotes) are refused rather than passed on as words a
 * user would not expect. `$VAR`, globs and `~` are not expanded.
 */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) {
        out.push(word);
        word = '';
        inWord = false;
      }
      i += 1;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError('Unterminated single quote in the command line.');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i += 1;
      let closed = false;
      while (i < n) {
        const d = line[i];
        if (d === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (d === '\\' && i + 1 < n && '"\\$`'.includes(line[i + 1])) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i += 1;
      }
      if (!closed) throw new CommandLineError('Unterminated double quote in the command line.');
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= n) throw new CommandLineError('The command line ends with a lone backslash.');
      word += line[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if ('|&;<>()`'.includes(c)) {
      throw new CommandLineError(`"${c}" is shell syntax, and the command does not run through a shell. Quote it to pass it as text, or run a pipeline or redirection as: sh -c '...'`);
    }
    word += c;
    inWord = true;
    i += 1;
  }
  if (inWord) out.push(word);
  return out;
}

/** Quotes an argv back into one line (for the recent-commands list and the output channel). */
export function joinCommandLine(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
