// Source patterns -> syscalls (issue #6): what a line of C, C++, Rust, Go, Python, Java or
// JavaScript calls, with the column range a hover covers. Plus the syscall docs and -k frame parsing.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isUserFrame, parseFrame } from '../../src/core/call-sites';
import { findSourceCalls, findSourceCallsInLines, maskLine, sourceLanguageOf, SOURCE_PATTERNS, syscallsOf, type SourceLanguage } from '../../src/core/source-patterns';
import { describeSyscall, documentedSyscalls, syscallClassInfo } from '../../src/core/syscall-docs';

/** The callee texts and syscalls found on a line. */
function calls(line: string, language: SourceLanguage): Array<[string, string[]]> {
  return findSourceCalls(line, language).map((c) => [line.slice(c.start, c.end), [...syscallsOf(c, line)]]);
}

test('C: libc wrappers, not members, declarations of longer names or comments', () => {
  assert.deepEqual(calls('    ssize_t n = sendfile(out, in, &off, 262144);', 'c'), [['sendfile', ['sendfile', 'sendfile64']]]);
  assert.deepEqual(calls('  while ((n = read(in, buf, sizeof buf)) > 0) {', 'c'), [['read', ['read']]]);
  assert.deepEqual(calls('if (write(out, buf, (size_t)n) != n) return 1;', 'c'), [['write', ['write']]]);
  assert.deepEqual(calls('static int copy_sendfile(const char *src) {', 'c'), [], 'copy_sendfile is not sendfile');
  assert.deepEqual(calls('obj.read(x); p->write(y);', 'c'), [], 'members are not libc calls');
  assert.deepEqual(calls('// sendfile(out, in, 0, n) would be better', 'c'), []);
  assert.deepEqual(calls('/* read( */ x = copy_file_range(a, NULL, b, NULL, n, 0);', 'c'), [['copy_file_range', ['copy_file_range']]]);
  assert.deepEqual(calls('puts("read(fd)"); splice(p[0], NULL, s, NULL, 65536, SPLICE_F_MOVE);', 'c'), [['splice', ['splice']]]);
  assert.deepEqual(calls('  void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);', 'c'), [['mmap', ['mmap']]]);
  assert.deepEqual(calls('  ::send(fd, p, n, MSG_ZEROCOPY);', 'cpp'), [['send', ['sendto', 'send']]]);
  assert.deepEqual(calls('io_uring_submit(&ring);', 'c'), [['io_uring_submit', ['io_uring_enter']]]);
});

test('columns: the range is the callee name, so a hover anywhere on it finds the call', () => {
  const line = '    ssize_t n = sendfile(out, in, &off, 262144);';
  const [c] = findSourceCalls(line, 'c');
  assert.ok(c);
  assert.equal(c.start, line.indexOf('sendfile'));
  assert.equal(c.end, line.indexOf('sendfile') + 'sendfile'.length);
});

test('Rust: std::io::copy, fs::copy, libc and nix calls, Read/Write methods', () => {
  assert.deepEqual(calls('    let copied = io::copy(&mut src, &mut dst)?;', 'rust'), [['io::copy', ['copy_file_range', 'sendfile', 'splice', 'read', 'write']]]);
  assert.deepEqual(calls('std::io::copy(&mut a, &mut b)', 'rust')[0]?.[0], 'std::io::copy');
  assert.deepEqual(calls('fs::copy("a", "b")?;', 'rust')[0]?.[1], ['copy_file_range', 'sendfile', 'read', 'write']);
  assert.deepEqual(calls('unsafe { libc::sendfile(out, inp, ptr::null_mut(), n) };', 'rust'), [['libc::sendfile', ['sendfile']]]);
  assert.deepEqual(calls('nix::sys::sendfile::sendfile(out, inp, None, n)?;', 'rust')[0]?.[1], ['sendfile']);
  assert.deepEqual(calls('let n = file.read(&mut buf)?;', 'rust'), [['read', ['read', 'pread64', 'recvfrom']]]);
  assert.deepEqual(calls('out.write_all(&buf[..n])?;', 'rust'), [['write_all', ['write', 'pwrite64', 'writev', 'sendto']]]);
  assert.deepEqual(calls("let s = \"io::copy(\"; // io::copy(a, b)", 'rust'), []);
});

test('Go: io.Copy, ReadFrom, syscall.Sendfile', () => {
  assert.deepEqual(calls('n, err := io.Copy(conn, f)', 'go'), [['io.Copy', ['copy_file_range', 'sendfile', 'splice', 'read', 'write']]]);
  assert.deepEqual(calls('dst.ReadFrom(src)', 'go')[0]?.[0], 'ReadFrom');
  assert.deepEqual(calls('syscall.Sendfile(out, in, &off, n)', 'go'), [['syscall.Sendfile', ['sendfile']]]);
  assert.deepEqual(calls('unix.CopyFileRange(a, nil, b, nil, n, 0)', 'go'), [['unix.CopyFileRange', ['copy_file_range']]]);
});

test('Python: os.sendfile, socket.sendfile, shutil.copyfile, os.read/write', () => {
  assert.deepEqual(calls('sent = os.sendfile(fout.fileno(), fin.fileno(), offset, 262144)', 'python'), [['os.sendfile', ['sendfile']]]);
  assert.deepEqual(calls('sock.sendfile(f)', 'python'), [['sendfile', ['sendfile', 'send', 'sendto']]]);
  assert.deepEqual(calls('shutil.copyfile(a, b)', 'python')[0]?.[1], ['sendfile', 'copy_file_range', 'read', 'write']);
  assert.deepEqual(calls('chunk = os.read(fin, 65536)', 'python'), [['os.read', ['read']]]);
  assert.deepEqual(calls('os.write(fout, chunk)', 'python'), [['os.write', ['write']]]);
  assert.deepEqual(calls('os.pread(fd, n, off)', 'python')[0]?.[1], ['pread64']);
  assert.deepEqual(calls('# os.sendfile(a, b, 0, n)', 'python'), []);
});

test('Java and Node', () => {
  assert.deepEqual(calls('src.transferTo(0, size, socketChannel);', 'java')[0], ['transferTo', ['sendfile', 'copy_file_range', 'splice', 'mmap', 'write']]);
  assert.deepEqual(calls('await fs.promises.copyFile(a, b);', 'javascript')[0]?.[1], ['copy_file_range', 'sendfile', 'ioctl']);
  assert.deepEqual(calls('fs.copyFileSync(a, b)', 'javascript')[0]?.[0], 'fs.copyFileSync');
  assert.deepEqual(calls('fs.createReadStream(p).pipe(res);', 'javascript').map((c) => c[0]), ['fs.createReadStream', 'pipe']);
});

test('language ids map to pattern families; block comments span lines', () => {
  assert.equal(sourceLanguageOf('typescript'), 'javascript');
  assert.equal(sourceLanguageOf('cpp'), 'cpp');
  assert.equal(sourceLanguageOf('plaintext'), undefined);
  const lines = ['/* the old way:', '   read(fd, buf, n);', '*/', 'n = read(fd, buf, n);'];
  assert.deepEqual(findSourceCallsInLines(lines, 'c').map((c) => c.line), [3]);
  assert.equal(maskLine('x = "a(b)"; // read(', 'c').text, 'x = "    ";         ');
});

test('every pattern is global, names its languages and has syscalls or derives them from the callee', () => {
  for (const p of SOURCE_PATTERNS) {
    assert.ok(p.regex.global, `${p.id} regex must be /g`);
    assert.ok(p.languages.length > 0, p.id);
    assert.ok(p.api.length > 0, p.id);
  }
  assert.equal(new Set(SOURCE_PATTERNS.map((p) => p.id)).size, SOURCE_PATTERNS.length, 'ids are unique');
});

test('syscall docs: the data and zero-copy calls are described and classified', () => {
  for (const name of ['read', 'write', 'sendfile', 'splice', 'tee', 'vmsplice', 'copy_file_range', 'mmap', 'io_uring_enter', 'openat', 'close']) {
    assert.ok(describeSyscall(name), `${name} has a description`);
  }
  assert.equal(describeSyscall('toString'), undefined, 'no prototype keys');
  assert.equal(syscallClassInfo('sendfile').class, 'zerocopy');
  assert.equal(syscallClassInfo('pread64').class, 'read');
  assert.ok(documentedSyscalls().length > 60);
});

test('-k frames: binary, symbol, symbol offset and file offset; libraries are not user code', () => {
  const f = parseFrame(' > /tmp/ctx/bin/sendfile_send(main+0xed) [0x1599]');
  assert.deepEqual(f, { text: '/tmp/ctx/bin/sendfile_send(main+0xed) [0x1599]', binary: '/tmp/ctx/bin/sendfile_send', symbol: 'main', symbolOffset: 0xed, fileOffset: 0x1599 });
  assert.ok(f && isUserFrame(f));
  const rust = parseFrame(' > /tmp/r/copy(<std::sys::Copier<R,W> as std::SpecCopy>::copy+0x37f) [0x165ef]');
  assert.equal(rust?.symbol, '<std::sys::Copier<R,W> as std::SpecCopy>::copy');
  assert.equal(rust?.fileOffset, 0x165ef);
  const libc = parseFrame(' > /usr/lib/x86_64-linux-gnu/libc.so.6(sendfile64+0xa) [0xfc80a]');
  assert.ok(libc && !isUserFrame(libc));
  const anon = parseFrame(' > /opt/app/bin/server() [0x4242]');
  assert.equal(anon?.symbol, null);
  assert.equal(parseFrame(' > unexpected_backtracing_error [0x7f00]'), null);
});
