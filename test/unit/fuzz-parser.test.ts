// Fuzz: thousands of random mutations of real corpus traces (fixed seed, own PRNG). The parse must
// never throw, and every line must be accounted for: part of an event, a known non-event line
// (blank, `strace: Process N attached`, summary headers) or a diagnostic with its line number.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectFiles, collectText, corpusDir, unaccountedLines, type Collected } from './parser-support/helpers';
import { Prng } from './parser-support/prng';

const SEED = 0x10125;
const TEXT_CASES = 4000;
const FILE_CASES = 150;

function corpusFiles(): string[] {
  const root = path.join(corpusDir(), 'traces');
  const out: string[] = [];
  for (const w of fs.readdirSync(root).sort()) for (const f of fs.readdirSync(path.join(root, w)).sort()) out.push(path.join(root, w, f));
  return out;
}

/** Fragments that make lines look almost right, which is where parsers break. */
const SNIPPETS = [
  ' <unfinished ...>',
  '<... read resumed>',
  '<... close resumed>) = 0',
  ' = ',
  ') = -1 ENOENT (No such file or directory)',
  ' <0.000123>',
  '"',
  '\\',
  '\\"',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '/*',
  '*/',
  '...',
  '\r',
  '\n',
  '\t',
  '[pid  123] ',
  '123 ',
  '00:00:00.000001 ',
  '1795308830.083672 ',
  'strace: Process 99 attached',
  '+++ exited with 0 +++',
  '--- SIGCHLD {si_signo=SIGCHLD} ---',
  ' > /bin/x(main+0x1) [0x1]',
  '     0.047 ( 0.015 ms): x/1 ',
  ' ... [continued]: write())',
  '    ...',
  'majfault [',
  ' => ',
  '% time     seconds  usecs/call     calls    errors syscall',
  '\u0000',
  '\uFFFD',
  'é',
];

function mutate(lines: string[], rng: Prng): string {
  const out = lines.slice();
  const ops = 1 + rng.int(6);
  for (let k = 0; k < ops && out.length > 0; k++) {
    const i = rng.int(out.length);
    const line = out[i];
    const at = rng.int(line.length + 1);
    switch (rng.int(10)) {
      case 0: // delete a range of chars
        out[i] = line.slice(0, at) + line.slice(at + 1 + rng.int(40));
        break;
      case 1: // insert a snippet
        out[i] = line.slice(0, at) + rng.pick(SNIPPETS) + line.slice(at);
        break;
      case 2: // random chars, any code point below 0x250
        out[i] = line.slice(0, at) + String.fromCharCode(...Array.from({ length: 1 + rng.int(8) }, () => rng.int(0x250))) + line.slice(at);
        break;
      case 3: // truncate the line
        out[i] = line.slice(0, at);
        break;
      case 4: // drop the line (a resumed line loses its start, or the reverse)
        out.splice(i, 1);
        break;
      case 5: // duplicate it
        out.splice(i, 0, line);
        break;
      case 6: // swap with another line
        {
          const j = rng.int(out.length);
          out[i] = out[j];
          out[j] = line;
        }
        break;
      case 7: // join with the next line
        if (i + 1 < out.length) out.splice(i, 2, line + out[i + 1]);
        break;
      case 8: // digits changed (pids, fds, times)
        out[i] = line.replace(/\d/g, (d) => (rng.int(4) === 0 ? String(rng.int(10)) : d));
        break;
      default: // splice a piece of another line in
        {
          const other = rng.pick(out);
          out[i] = line.slice(0, at) + other.slice(rng.int(other.length + 1)) ;
        }
        break;
    }
  }
  // Sometimes no final newline (truncated file), sometimes CRLF.
  let text = out.join(rng.int(8) === 0 ? '\r\n' : '\n');
  if (rng.int(4) !== 0) text += '\n';
  return text;
}

/** Lines of a text as the parser must count them: split on '\n', a final '\n' ends the last line. */
function lineCount(text: string): number {
  if (text.length === 0) return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function check(c: Collected, lines: number, label: string): void {
  assert.equal(c.result.lines, lines, `${label}: line count`);
  assert.equal(c.result.events, c.events.length, `${label}: event count`);
  const missing = unaccountedLines(c, [lines]);
  assert.deepEqual(missing, [], `${label}: lines neither in an event, nor ignored, nor diagnosed`);
  for (const d of c.diagnostics) assert.ok(d.line >= 1 && d.line <= lines && d.message.length > 0, `${label}: diagnostic line ${d.line}`);
  for (const e of c.events) assert.ok(e.line >= 1 && e.endLine >= e.line && e.endLine <= lines, `${label}: event lines ${e.line}-${e.endLine}`);
  const sum = c.result.diagnosticCounts.error + c.result.diagnosticCounts.warning + c.result.diagnosticCounts.info;
  assert.equal(sum, c.diagnostics.length);
  // Lazy fields must not throw either.
  for (const e of c.syscalls) {
    void e.args;
    void e.argNames;
    void e.resultText;
  }
}

test(`fuzz: ${TEXT_CASES} mutated windows of real traces (parseTraceText), seed ${SEED}`, () => {
  const rng = new Prng(SEED);
  const sources = corpusFiles().map((f) => fs.readFileSync(f, 'utf8').split('\n'));
  for (let n = 0; n < TEXT_CASES; n++) {
    const src = rng.pick(sources);
    const start = rng.int(src.length);
    const window = src.slice(start, start + 1 + rng.int(120));
    const text = mutate(window, rng);
    let c: Collected;
    try {
      c = collectText(text, `case-${n}.trace`);
    } catch (e) {
      assert.fail(`case ${n} threw: ${String(e)}\n${JSON.stringify(text.slice(0, 2000))}`);
    }
    check(c, lineCount(text), `case ${n}`);
  }
});

test(`fuzz: ${FILE_CASES} mutated files with raw bytes through the streaming reader, seed ${SEED}`, async () => {
  const rng = new Prng(SEED + 1);
  const files = corpusFiles();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-fuzz-'));
  try {
    for (let n = 0; n < FILE_CASES; n++) {
      const buf = Buffer.from(fs.readFileSync(rng.pick(files)));
      // Byte-level damage: flips, invalid UTF-8, NULs, stray newlines / carriage returns.
      const flips = 1 + rng.int(30);
      for (let k = 0; k < flips && buf.length > 0; k++) buf[rng.int(buf.length)] = rng.pick([0x00, 0x0a, 0x0d, 0x80, 0xc3, 0xff, 0x3c, 0x3e, 0x22, 0x28, 0x29, rng.int(256)]);
      const cut = rng.int(3) === 0 ? rng.int(buf.length + 1) : buf.length;
      const bytes = buf.subarray(0, cut);
      const p = path.join(dir, `fuzz.${1000 + n}`);
      fs.writeFileSync(p, bytes);
      let c: Collected;
      try {
        c = await collectFiles([p]);
      } catch (e) {
        assert.fail(`file case ${n} threw: ${String(e)}`);
      }
      let newlines = 0;
      for (const b of bytes) if (b === 0x0a) newlines++;
      const lines = newlines + (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? 1 : 0);
      check(c, lines, `file case ${n}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
