// Bad input never throws: every unreadable line becomes a diagnostic (file, line, reason) and the
// rest is still parsed. Files that cannot be opened, aborts and progress are covered here too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTraceFiles } from '../../src/strace-parser';
import { collectFiles, collectText, unaccountedLines, withDir } from './parser-support/helpers';

const GOOD = '20879 read(3, "abc", 3) = 3\n20879 close(3) = 0\n';

test('empty file and empty text: no events, no lines, no diagnostics', async () => {
  await withDir(async (dir) => {
    const p = path.join(dir, 'empty.trace');
    fs.writeFileSync(p, '');
    const c = await collectFiles([p]);
    assert.deepEqual([c.result.lines, c.events.length, c.diagnostics.length], [0, 0, 0]);
    assert.equal(c.result.format, 'strace');
  });
  const t = collectText('');
  assert.deepEqual([t.result.lines, t.events.length, t.diagnostics.length], [0, 0, 0]);
});

test('binary garbage between good lines: diagnostics with file and line, good lines still parsed', async () => {
  await withDir(async (dir) => {
    const p = path.join(dir, 'garbage.trace');
    const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x0d, 0x7f, 0xc3, 0x28, 0x01]);
    fs.writeFileSync(p, Buffer.concat([Buffer.from(GOOD), garbage, Buffer.from('\n'), garbage, Buffer.from('\n' + GOOD)]));
    const c = await collectFiles([p]);
    assert.equal(c.syscalls.length, 4);
    assert.deepEqual(
      c.diagnostics.map((d) => [d.file, d.line, d.severity]),
      [
        [p, 3, 'warning'],
        [p, 4, 'warning'],
      ],
    );
    // Control bytes are shown escaped in messages (NUL would garble a problems list).
    assert.ok(c.diagnostics.every((d) => d.message.length > 0 && !d.message.includes(String.fromCharCode(0))));
    assert.deepEqual(unaccountedLines(c, [c.result.lines]), []);
  });
});

test('a truncated last line (no newline, cut mid-call) is reported, the rest is parsed', async () => {
  await withDir(async (dir) => {
    const p = path.join(dir, 'cut.trace');
    fs.writeFileSync(p, GOOD + '20879 write(4, "abc", 3');
    const c = await collectFiles([p]);
    assert.equal(c.result.lines, 3);
    assert.equal(c.syscalls.length, 2);
    assert.equal(c.diagnostics.length, 1);
    assert.equal(c.diagnostics[0].line, 3);
    // A complete last line without newline is a normal line.
    fs.writeFileSync(p, GOOD + '20879 exit_group(0) = ?');
    const d = await collectFiles([p]);
    assert.deepEqual([d.result.lines, d.syscalls.length, d.diagnostics.length], [3, 3, 0]);
  });
});

test('a 10 MB line is not buffered whole: a long printed buffer is read as its head and tail, a long array is skipped', async () => {
  await withDir(async (dir) => {
    const p = path.join(dir, 'long.trace');
    const long = '20879 write(1, "' + 'x'.repeat(10 * 1024 * 1024) + '", 10485760) = 10485760\n';
    fs.writeFileSync(p, GOOD + long + GOOD);
    const c = await collectFiles([p], { maxLineBytes: 4 << 20 });
    assert.equal(c.result.lines, 5);
    assert.deepEqual(c.syscalls.map((e) => [e.line, e.name, e.ret]), [[1, 'read', 3], [2, 'close', 0], [3, 'write', 10485760], [4, 'read', 3], [5, 'close', 0]]);
    assert.deepEqual(c.diagnostics.map((d) => [d.line, d.severity]), [[3, 'info']]);
    assert.match(c.diagnostics[0].message, new RegExp(`line of ${long.length - 1} bytes .*first and last 64 KiB`));
    // The buffer is marked cut, as strace marks it: its printed start is there, not all of it.
    assert.ok(c.syscalls[2].argText.startsWith('1, "xxx') && c.syscalls[2].argText.endsWith('"..., 10485760'), c.syscalls[2].argText.slice(-40));
    // Under the default limit (8 MiB) the same holds; the same from an editor's text.
    const d = await collectFiles([p]);
    assert.deepEqual(d.diagnostics.map((x) => x.severity), ['info']);
    const t = collectText(GOOD + long + GOOD);
    assert.deepEqual(t.syscalls.map((e) => e.ret), [3, 0, 10485760, 3, 0]);
    // A long but acceptable line is parsed whole.
    fs.writeFileSync(p, '20879 write(1, "' + 'y'.repeat(3 << 20) + '", 3145728) = 3145728\n' + GOOD);
    const e = await collectFiles([p]);
    assert.deepEqual([e.diagnostics.length, e.syscalls.length, e.syscalls[0].ret], [0, 3, 3145728]);
    // Long for another reason (a huge array): no string to cut in, the line is skipped with a warning.
    const array = '20879 poll([' + '{fd=3, events=POLLIN}, '.repeat(500_000) + '{fd=4, events=POLLIN}], 500001, -1) = 1\n';
    fs.writeFileSync(p, GOOD + array + GOOD);
    const f = await collectFiles([p]);
    assert.deepEqual(f.syscalls.map((x) => x.line), [1, 2, 4, 5]);
    assert.deepEqual(f.diagnostics.map((x) => [x.line, x.severity]), [[3, 'warning']]);
    assert.match(f.diagnostics[0].message, /skipped/);
  });
});

test('CRLF line endings parse like LF', async () => {
  const crlf = GOOD.replace(/\n/g, '\r\n');
  const c = collectText(crlf);
  assert.deepEqual(c.diagnostics, []);
  assert.deepEqual(
    c.syscalls.map((e) => [e.name, e.ret, e.resultText]),
    [
      ['read', 3, '3'],
      ['close', 0, '0'],
    ],
  );
  await withDir(async (dir) => {
    const p = path.join(dir, 'crlf.trace');
    fs.writeFileSync(p, crlf);
    const d = await collectFiles([p]);
    assert.deepEqual([d.diagnostics.length, d.syscalls.length, d.syscalls[1].resultText], [0, 2, '0']);
  });
});

test('non-UTF-8 bytes: a line with them still parses (replacement chars), none is lost', async () => {
  await withDir(async (dir) => {
    const p = path.join(dir, 'latin1.trace');
    fs.writeFileSync(p, Buffer.concat([Buffer.from('20879 openat(AT_FDCWD, "/tmp/caf'), Buffer.from([0xe9, 0xff]), Buffer.from('", O_RDONLY) = 3\n' + GOOD)]));
    const c = await collectFiles([p]);
    assert.deepEqual(c.diagnostics, []);
    assert.equal(c.syscalls.length, 3);
    assert.equal(c.syscalls[0].ret, 3);
    assert.ok(c.syscalls[0].args[1].startsWith('"/tmp/caf'));
    // A UTF-8 character split across the 1 MB chunk boundary is decoded whole.
    const pad = 'a'.repeat((1 << 20) - 40);
    fs.writeFileSync(p, `20879 write(1, "${pad}", 1) = 1\n20879 openat(AT_FDCWD, "/tmp/é€😀", O_RDONLY) = 3\n`);
    const d = await collectFiles([p]);
    assert.deepEqual(d.diagnostics, []);
    assert.equal(d.syscalls[1].args[1], '"/tmp/é€😀"');
  });
});

test('a file that is not a trace at all: one diagnostic per line, no exception', async () => {
  await withDir(async (dir) => {
    const p = path.join(dir, 'readme.md');
    fs.writeFileSync(p, '# Hello\n\nThis is not a trace.\nNeither is this (really) = 3 things.\n');
    const c = await collectFiles([p]);
    assert.equal(c.result.lines, 4);
    assert.equal(c.events.length, 0);
    assert.deepEqual(c.diagnostics.map((d) => d.line), [1, 3, 4]);
    assert.deepEqual(unaccountedLines(c, [4]), []);
  });
  const t = collectText('{"json": true}\n');
  assert.equal(t.diagnostics.length, 1);
});

test('unreadable paths: error diagnostic for one, rejection naming the file when none can be read', async () => {
  await withDir(async (dir) => {
    const good = path.join(dir, 'ok.1');
    fs.writeFileSync(good, 'getpid() = 1\n');
    const missing = path.join(dir, 'missing.2');
    const c = await collectFiles([good, missing]);
    assert.equal(c.syscalls.length, 1);
    assert.equal(c.diagnostics.length, 1);
    assert.deepEqual([c.diagnostics[0].file, c.diagnostics[0].severity], [missing, 'error']);
    assert.match(c.diagnostics[0].message, /ENOENT/);
    await assert.rejects(parseTraceFiles([missing], { event() {}, diagnostic() {} }), (e: Error) => e.message.includes(missing) && /ENOENT/.test(e.message));
    await assert.rejects(parseTraceFiles([dir], { event() {}, diagnostic() {} }), (e: Error) => e.message.includes(dir));
    await assert.rejects(parseTraceFiles([], { event() {}, diagnostic() {} }));
  });
});

test('abort: rejects with an AbortError; progress is reported every few MB', async () => {
  await withDir(async (dir) => {
    const p = path.join(dir, 'big.trace');
    const line = '20879 read(3, "abcdefghijklmnopqrstuvwxyz012345"..., 65536) = 65536 <0.000012>\n';
    fs.writeFileSync(p, line.repeat(Math.ceil((12 << 20) / line.length)));
    const progress: number[] = [];
    const r = await parseTraceFiles([p], { event() {}, diagnostic() {} }, { onProgress: (x) => progress.push(x.bytesRead) });
    assert.ok(progress.length >= 3 && progress.length <= 6, String(progress.length));
    assert.equal(progress[progress.length - 1], fs.statSync(p).size);
    const ac = new AbortController();
    let events = 0;
    const run = parseTraceFiles([p], { event: () => void (++events === 1000 && ac.abort()), diagnostic() {} }, { signal: ac.signal });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    assert.ok(events < r.events);
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(parseTraceFiles([p], { event() {}, diagnostic() {} }, { signal: pre.signal }), (e: Error) => e.name === 'AbortError');
  });
});

test('never throws on odd but plausible lines', () => {
  const odd = [
    '<... read resumed>',
    '[pid 1',
    '[pid 12] ',
    '123',
    '12:34',
    '--- SIGCHLD',
    '+++ exited with x +++',
    ' > ',
    'read(',
    'read(3, "\\',
    '1 <... read resumed> <unfinished ...>) = ?',
    '         ? (',
    '     0.1 ( 0.1 ms): a/1 ',
    '     0.1 ( 0.1 ms): a/1 majfault [',
    '% time',
    'strace: Process x attached',
    'x'.repeat(100000),
  ];
  const c = collectText(odd.join('\n'));
  assert.equal(c.result.lines, odd.length);
  assert.deepEqual(unaccountedLines(c, [odd.length]), []);
});
