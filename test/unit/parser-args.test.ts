// Argument helpers (args.ts) and format detection: pure functions, exact answers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argOf, decodeCString, detectTraceFormat, parseFdArg, parseInOut, parseIntLoose, splitArgs, stripComment } from '../../src/strace-parser';
import { collectText } from './parser-support/helpers';

test('splitArgs: strings, nesting, decorations, comments', () => {
  assert.deepEqual(splitArgs(''), []);
  assert.deepEqual(splitArgs('3, "a, b\\"c", 16384'), ['3', '"a, b\\"c"', '16384']);
  assert.deepEqual(splitArgs('4, [{iov_base="x,y"..., iov_len=16384}, {iov_base="z", iov_len=1}], 2'), ['4', '[{iov_base="x,y"..., iov_len=16384}, {iov_base="z", iov_len=1}]', '2']);
  assert.deepEqual(splitArgs('3<TCP:[127.0.0.1:57706->127.0.0.1:15507]>, "GET", 3'), ['3<TCP:[127.0.0.1:57706->127.0.0.1:15507]>', '"GET"', '3']);
  assert.deepEqual(splitArgs('0</dev/null<char 1:3>>, 1</tmp/a, b (1)>'), ['0</dev/null<char 1:3>>', '1</tmp/a, b (1)>']);
  assert.deepEqual(splitArgs('AT_FDCWD</tmp/ctx/run>, "/etc/x", O_RDONLY|O_CLOEXEC'), ['AT_FDCWD</tmp/ctx/run>', '"/etc/x"', 'O_RDONLY|O_CLOEXEC']);
  assert.deepEqual(splitArgs('-100 /* AT_FDCWD */, "/x", 0x80000 /* O_RDONLY|O_CLOEXEC */'), ['-100 /* AT_FDCWD */', '"/x"', '0x80000 /* O_RDONLY|O_CLOEXEC */']);
  assert.deepEqual(splitArgs('"/bin/x", ["/bin/x", "a"], 0x7ffe /* 42 vars, really */'), ['"/bin/x"', '["/bin/x", "a"]', '0x7ffe /* 42 vars, really */']);
  assert.deepEqual(splitArgs('4, 3, [0] => [262144], 262144'), ['4', '3', '[0] => [262144]', '262144']);
  assert.deepEqual(splitArgs('fd: 16<socket:[38834]>, buf: 0x2193000, count: 262144'), ['fd: 16<socket:[38834]>', 'buf: 0x2193000', 'count: 262144']);
  assert.deepEqual(splitArgs('<... resuming interrupted read ...>'), ['<... resuming interrupted read ...>']);
  assert.deepEqual(splitArgs('f(a, b), {x=1, y=(2, 3)}'), ['f(a, b)', '{x=1, y=(2, 3)}']);
  // Unbalanced text never throws.
  assert.deepEqual(splitArgs('"abc, [1, 2'), ['"abc, [1, 2']);
});

test('parseFdArg: plain, -y, -yy nested, sockets, AT_FDCWD, -X verbose, perf', () => {
  assert.deepEqual(parseFdArg('3'), { fd: 3, path: null, detail: null });
  assert.deepEqual(parseFdArg(' 3</tmp/a b> '), { fd: 3, path: '/tmp/a b', detail: null });
  assert.deepEqual(parseFdArg('0</dev/null<char 1:3>>'), { fd: 0, path: '/dev/null', detail: 'char 1:3' });
  assert.deepEqual(parseFdArg('3<TCP:[127.0.0.1:1->127.0.0.1:2]>'), { fd: 3, path: 'TCP:[127.0.0.1:1->127.0.0.1:2]', detail: null });
  assert.deepEqual(parseFdArg('5<pipe:[61613]>'), { fd: 5, path: 'pipe:[61613]', detail: null });
  assert.deepEqual(parseFdArg('5<anon_inode:[io_uring]>'), { fd: 5, path: 'anon_inode:[io_uring]', detail: null });
  assert.deepEqual(parseFdArg('AT_FDCWD</tmp/ctx/run>'), { fd: -100, path: '/tmp/ctx/run', detail: null });
  assert.deepEqual(parseFdArg('AT_FDCWD'), { fd: -100, path: null, detail: null });
  assert.deepEqual(parseFdArg('-100 /* AT_FDCWD */'), { fd: -100, path: null, detail: null });
  assert.deepEqual(parseFdArg('4</tmp/ctx/data/in.bin>'), { fd: 4, path: '/tmp/ctx/data/in.bin', detail: null });
  assert.deepEqual(parseFdArg('fd: 4</tmp/x>'), { fd: 4, path: '/tmp/x', detail: null });
  assert.deepEqual(parseFdArg('CWD'), { fd: -100, path: null, detail: null });
  assert.deepEqual(parseFdArg('3</tmp/with\\nnewline>'), { fd: 3, path: '/tmp/with\nnewline', detail: null });
  assert.equal(parseFdArg('"/etc/passwd"'), null);
  assert.equal(parseFdArg('NULL'), null);
  assert.equal(parseFdArg('3 junk'), null);
  assert.equal(parseFdArg(''), null);
});

test('decodeCString: escapes, octal, hex, truncation', () => {
  assert.deepEqual(decodeCString('"abc"'), { value: 'abc', truncated: false });
  assert.deepEqual(decodeCString('"a\\nb\\t\\\\\\"q"'), { value: 'a\nb\t\\"q', truncated: false });
  assert.deepEqual(decodeCString('"\\220\\17X"...'), { value: '\x90\x0fX', truncated: true });
  assert.deepEqual(decodeCString('"\\x61\\x62\\x0a"'), { value: 'ab\n', truncated: false });
  assert.deepEqual(decodeCString('"\\0\\1\\377"'), { value: '\x00\x01\xff', truncated: false });
  assert.deepEqual(decodeCString('"\\3\\34751"'), { value: '\x03\xe751', truncated: false });
  assert.equal(decodeCString('0x7ffc0dea0c28'), null);
  assert.equal(decodeCString(''), null);
  assert.deepEqual(decodeCString('"cut'), { value: 'cut', truncated: true });
});

test('parseInOut, parseIntLoose, stripComment', () => {
  assert.deepEqual(parseInOut('[0] => [262144]'), { in: '0', out: '262144', inValue: 0, outValue: 262144 });
  assert.deepEqual(parseInOut('[4096]'), { in: '4096', out: null, inValue: 4096, outValue: null });
  assert.deepEqual(parseInOut('NULL'), { in: 'NULL', out: null, inValue: null, outValue: null });
  assert.equal(parseIntLoose('262144'), 262144);
  assert.equal(parseIntLoose('-1'), -1);
  assert.equal(parseIntLoose('0x80000 /* O_RDONLY|O_CLOEXEC */'), 0x80000);
  assert.equal(parseIntLoose('-100 /* AT_FDCWD */'), -100);
  assert.equal(parseIntLoose('0644'), 0o644);
  assert.equal(parseIntLoose('0'), 0);
  assert.equal(parseIntLoose('[262144]'), 262144);
  assert.equal(parseIntLoose('3</tmp/x>'), 3);
  assert.equal(parseIntLoose('9223372035781033984'), 9223372035781033984);
  assert.equal(parseIntLoose('NULL'), null);
  assert.equal(parseIntLoose('12abc'), null);
  assert.equal(parseIntLoose(''), null);
  assert.equal(stripComment('0x80000 /* O_RDONLY|O_CLOEXEC */'), '0x80000');
  assert.equal(stripComment('"/* not a comment */" /* one */'), '"/* not a comment */"');
  assert.equal(stripComment(' plain '), 'plain');
});

test('argOf: positions for strace, names for perf (which omits zero args)', () => {
  const s = collectText('read(3, "abc", 16384) = 3\n').syscalls[0];
  assert.equal(argOf(s, 0, 'fd'), '3');
  assert.equal(argOf(s, 2, 'count'), '16384');
  assert.equal(argOf(s, 5, 'x'), undefined);
  assert.equal(s.argNames, null);
  const p = collectText('     0.386 ( 0.019 ms): cfr_copy/25151 copy_file_range(fd_in: 4, fd_out: 5, len: 262144) = 262144\n').syscalls[0];
  assert.deepEqual(p.argNames, ['fd_in', 'fd_out', 'len']);
  assert.deepEqual(p.args, ['4', '5', '262144']);
  assert.equal(argOf(p, 4, 'len'), '262144');
  assert.equal(argOf(p, 1, 'off_in'), undefined);
});

test('detectTraceFormat', () => {
  assert.equal(detectTraceFormat([]), null);
  assert.equal(detectTraceFormat(['', 'hello world']), null);
  assert.equal(detectTraceFormat(['execve("/bin/true", ["true"], 0x7ffd /* 1 var */) = 0']), 'strace');
  assert.equal(detectTraceFormat(['1234 read(3, "", 10) = 0']), 'strace');
  assert.equal(detectTraceFormat(['[pid  22808] close(3) = 0']), 'strace');
  assert.equal(detectTraceFormat(['12:00:01.123456 close(3) = 0']), 'strace');
  assert.equal(detectTraceFormat(['     0.000123 close(3) = 0']), 'strace');
  assert.equal(detectTraceFormat(['1795308830.083672 close(3) = 0\r']), 'strace');
  assert.equal(detectTraceFormat(['strace: Process 5 attached']), 'strace');
  assert.equal(detectTraceFormat(['garbage', '     0.047 ( 0.015 ms): rw_copy/20909 brk()   = 0x56177f714000']), 'perf');
  assert.equal(detectTraceFormat(['         ? (         ): fork_server/22816  ... [continued]: execve())  = 0']), 'perf');
  assert.equal(detectTraceFormat(['', ' Summary of events:']), 'perf');
});
