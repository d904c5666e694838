// Does this text look like strace or perf trace output? Used to offer "Analyze the active editor".
// Pure, no VS Code.

const STRACE_LINE = /^(?:\[pid\s+\d+\]\s+|\d+\s+)?(?:\d{2}:\d{2}:\d{2}(?:\.\d+)?\s+|\d+\.\d+\s+|\s*\+?\d+\.\d+\s+)?(?:[a-z_][a-z0-9_]*\(.*(?:\)\s+=\s+.*|<unfinished \.\.\.>)$|<\.\.\. [a-z_][a-z0-9_]* resumed>|\+\+\+ (?:exited|killed) |--- SIG[A-Z0-9]+ )/;
const PERF_LINE = /^\s*\d+\.\d+\s+\(\s*[\d.]+ ms\):\s+\S.*\/\d+\s+[a-z_][a-z0-9_]*\(/;

/** True when most of the first non-empty lines look like strace or perf trace lines. */
export function looksLikeTrace(text: string, maxLines = 60): boolean {
  let seen = 0;
  let hits = 0;
  let start = 0;
  while (start < text.length && seen < maxLines) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, Math.min(end, start + 4096)).trimEnd();
    start = end + 1;
    if (!line) continue;
    seen += 1;
    if (STRACE_LINE.test(line) || PERF_LINE.test(line) || /^ > /.test(line)) hits += 1;
  }
  return seen > 0 && hits / seen >= 0.5;
}
