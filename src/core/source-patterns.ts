// Source patterns -> system calls: which calls a line of C, C++, Rust, Go, Python, Java or
// JavaScript/TypeScript can make, so hovers and CodeLens find the I/O calls in source code and
// look up what the loaded trace says about them. Pure and line-based (no parser): comments and
// string literals are masked first, then a table of regular expressions is run over the line.

export type SourceLanguage = 'c' | 'cpp' | 'rust' | 'go' | 'python' | 'java' | 'javascript';

/** VS Code language ids -> the pattern family used for them. */
const LANGUAGE_IDS: Readonly<Record<string, SourceLanguage>> = {
  c: 'c',
  cpp: 'cpp',
  cuda: 'cpp',
  'objective-c': 'c',
  'objective-cpp': 'cpp',
  rust: 'rust',
  go: 'go',
  python: 'python',
  java: 'java',
  kotlin: 'java',
  javascript: 'javascript',
  javascriptreact: 'javascript',
  typescript: 'javascript',
  typescriptreact: 'javascript',
};

export const SOURCE_LANGUAGE_IDS: readonly string[] = Object.keys(LANGUAGE_IDS);

export function sourceLanguageOf(languageId: string): SourceLanguage | undefined {
  return Object.prototype.hasOwnProperty.call(LANGUAGE_IDS, languageId) ? LANGUAGE_IDS[languageId] : undefined;
}

export interface SourcePattern {
  /** Stable id: `c.sendfile`, `rust.io-copy`, ... */
  id: string;
  languages: readonly SourceLanguage[];
  /** What the code calls, for the hover title: `sendfile(2)`, `std::io::copy`. */
  api: string;
  /** Matches the callee (group 1 = the name range to highlight), anchored before its `(`. */
  regex: RegExp;
  /** The system calls it can make, most likely first (name matching sums these). */
  syscalls: readonly string[];
  /** What the library does under the hood, when it is not obvious. */
  note?: string;
}

export interface SourceCall {
  pattern: SourcePattern;
  /** Column range of the callee name in the line (0-based, end exclusive). */
  start: number;
  end: number;
}

const C_FAMILY: readonly SourceLanguage[] = ['c', 'cpp'];
/** Copy loops in libraries pick the cheapest call that works, then fall back. */
const GENERIC_COPY = ['copy_file_range', 'sendfile', 'splice', 'read', 'write'] as const;

/** C/C++ free function (also `::name(` in C++), not a member (`.name(`, `->name(`) nor part of a longer name. */
function cFree(names: string): RegExp {
  return new RegExp(`(?<![\\w$.]|->)(?:::)?\\b(${names})\\s*\\(`, 'g');
}

/** A method call `.name(` (receiver unknown: a name match by nature). */
function member(names: string): RegExp {
  return new RegExp(`\\.(${names})\\s*\\(`, 'g');
}

/** A qualified call `pkg.name(` / `mod::name(`: `qualifier` is a regex source ending with the separator. */
function qualified(qualifier: string, names: string): RegExp {
  return new RegExp(`(?<![\\w$.])(${qualifier}(?:${names}))\\s*\\(`, 'g');
}

function c(id: string, names: string, syscalls: readonly string[], note?: string): SourcePattern {
  return { id: `c.${id}`, languages: C_FAMILY, api: `${id}(${id.startsWith('f') || id.startsWith('io_uring') ? '3' : '2'})`, regex: cFree(names), syscalls, note };
}

export const SOURCE_PATTERNS: readonly SourcePattern[] = [
  // ---- C and C++ (libc wrappers, stdio, liburing)
  c('read', 'read', ['read']),
  c('write', 'write', ['write']),
  c('pread', 'pread|pread64', ['pread64']),
  c('pwrite', 'pwrite|pwrite64', ['pwrite64']),
  c('readv', 'readv', ['readv']),
  c('writev', 'writev', ['writev']),
  c('preadv', 'preadv|preadv2|preadv64', ['preadv', 'preadv2']),
  c('pwritev', 'pwritev|pwritev2|pwritev64', ['pwritev', 'pwritev2']),
  c('recv', 'recv', ['recvfrom', 'recv'], 'glibc\'s recv() is the recvfrom system call.'),
  c('recvfrom', 'recvfrom', ['recvfrom']),
  c('recvmsg', 'recvmsg', ['recvmsg']),
  c('send', 'send', ['sendto', 'send'], 'glibc\'s send() is the sendto system call.'),
  c('sendto', 'sendto', ['sendto']),
  c('sendmsg', 'sendmsg', ['sendmsg']),
  c('sendfile', 'sendfile|sendfile64', ['sendfile', 'sendfile64']),
  c('splice', 'splice', ['splice']),
  c('tee', 'tee', ['tee']),
  c('vmsplice', 'vmsplice', ['vmsplice']),
  c('copy_file_range', 'copy_file_range', ['copy_file_range']),
  c('mmap', 'mmap|mmap64', ['mmap']),
  c('munmap', 'munmap', ['munmap']),
  c('madvise', 'madvise', ['madvise']),
  c('open', 'open|open64', ['openat', 'open'], 'glibc\'s open() is the openat system call.'),
  c('openat', 'openat|openat64', ['openat']),
  c('close', 'close', ['close']),
  c('socket', 'socket', ['socket']),
  c('accept', 'accept|accept4', ['accept', 'accept4']),
  c('connect', 'connect', ['connect']),
  c('pipe', 'pipe|pipe2', ['pipe2', 'pipe']),
  c('fread', 'fread', ['read'], 'stdio buffers: the read calls happen when its buffer runs dry.'),
  c('fwrite', 'fwrite|fputs|fprintf|fflush', ['write'], 'stdio buffers: the write calls happen when its buffer fills or is flushed.'),
  c('io_uring_submit', 'io_uring_submit|io_uring_submit_and_wait|io_uring_wait_cqe|io_uring_enter', ['io_uring_enter'], 'liburing: the operations go through the rings; strace sees only io_uring_enter.'),

  // ---- Rust (std, libc, nix, memmap2)
  { id: 'rust.io-copy', languages: ['rust'], api: 'std::io::copy', regex: qualified('(?:std::)?io::', 'copy'), syscalls: GENERIC_COPY, note: 'std specializes io::copy on Linux: copy_file_range between files, sendfile or splice to sockets and pipes, else a read/write loop.' },
  { id: 'rust.fs-copy', languages: ['rust'], api: 'std::fs::copy', regex: qualified('(?:std::)?fs::', 'copy'), syscalls: ['copy_file_range', 'sendfile', 'read', 'write'], note: 'copy_file_range first, sendfile or read/write when the filesystem refuses it.' },
  { id: 'rust.fs-read', languages: ['rust'], api: 'std::fs::read', regex: qualified('(?:std::)?fs::', 'read_to_string|read'), syscalls: ['read', 'openat'] },
  { id: 'rust.fs-write', languages: ['rust'], api: 'std::fs::write', regex: qualified('(?:std::)?fs::', 'write'), syscalls: ['write', 'openat'] },
  { id: 'rust.libc', languages: ['rust'], api: 'libc', regex: qualified('libc::', 'read|write|pread|pwrite|readv|writev|sendfile|sendfile64|splice|tee|vmsplice|copy_file_range|mmap|munmap|recv|send|recvfrom|sendto|recvmsg|sendmsg'), syscalls: [] },
  { id: 'rust.nix', languages: ['rust'], api: 'nix', regex: qualified('(?:nix::)?(?:sys::sendfile::|fcntl::|unistd::|sys::mman::|sys::uio::|sys::socket::)', 'sendfile|sendfile64|splice|tee|vmsplice|copy_file_range|read|write|pread|pwrite|mmap|recv|send'), syscalls: [] },
  { id: 'rust.mmap', languages: ['rust'], api: 'memmap2::Mmap::map', regex: qualified('(?:memmap2::)?(?:Mmap|MmapMut|MmapOptions)::', 'map|map_mut'), syscalls: ['mmap'] },
  { id: 'rust.file-read', languages: ['rust'], api: 'Read::read', regex: new RegExp(`(?:File::)?\\b(read|read_exact|read_to_end|read_to_string|read_buf|read_at)\\s*\\(`, 'g'), syscalls: ['read', 'pread64', 'recvfrom'] },
  { id: 'rust.file-write', languages: ['rust'], api: 'Write::write', regex: /(?:File::)?\b(write|write_all|write_at|write_vectored)\s*\(/g, syscalls: ['write', 'pwrite64', 'writev', 'sendto'] },

  // ---- Go
  { id: 'go.io-copy', languages: ['go'], api: 'io.Copy', regex: qualified('io\\.', 'CopyN|CopyBuffer|Copy'), syscalls: GENERIC_COPY, note: 'io.Copy uses the ReaderFrom/WriterTo of *os.File and *net.TCPConn: copy_file_range, sendfile or splice, else a 32 KiB read/write loop.' },
  { id: 'go.readfrom', languages: ['go'], api: 'ReadFrom / WriteTo', regex: member('ReadFrom|WriteTo'), syscalls: GENERIC_COPY, note: '*os.File.ReadFrom tries copy_file_range, then splice; *net.TCPConn.ReadFrom tries sendfile, then splice.' },
  { id: 'go.syscall', languages: ['go'], api: 'syscall / x/sys/unix', regex: qualified('(?:syscall|unix)\\.', 'Sendfile|Splice|Tee|Vmsplice|CopyFileRange|Mmap|Munmap|Read|Write|Pread|Pwrite|Readv|Writev|Recvfrom|Sendto|Recvmsg|Sendmsg'), syscalls: [] },
  { id: 'go.os-readfile', languages: ['go'], api: 'os.ReadFile', regex: qualified('os\\.', 'ReadFile'), syscalls: ['read', 'openat'] },
  { id: 'go.os-writefile', languages: ['go'], api: 'os.WriteFile', regex: qualified('os\\.', 'WriteFile'), syscalls: ['write', 'openat'] },
  { id: 'go.read', languages: ['go'], api: 'Read', regex: member('Read|ReadAt|ReadFull'), syscalls: ['read', 'pread64', 'recvfrom'] },
  { id: 'go.write', languages: ['go'], api: 'Write', regex: member('Write|WriteAt|WriteString'), syscalls: ['write', 'pwrite64', 'sendto'] },

  // ---- Python
  { id: 'python.os-sendfile', languages: ['python'], api: 'os.sendfile', regex: qualified('os\\.', 'sendfile'), syscalls: ['sendfile'] },
  { id: 'python.socket-sendfile', languages: ['python'], api: 'socket.sendfile', regex: member('sendfile'), syscalls: ['sendfile', 'send', 'sendto'], note: 'socket.sendfile() makes sendfile calls (a send loop when the socket is not blocking or the file is not a regular file).' },
  { id: 'python.shutil-copy', languages: ['python'], api: 'shutil.copyfile', regex: qualified('shutil\\.', 'copyfile|copy2|copy|move'), syscalls: ['sendfile', 'copy_file_range', 'read', 'write'], note: 'On Linux shutil.copyfile uses sendfile between the two files (copy_file_range from Python 3.14), else a read/write loop.' },
  { id: 'python.shutil-copyfileobj', languages: ['python'], api: 'shutil.copyfileobj', regex: qualified('shutil\\.', 'copyfileobj'), syscalls: ['read', 'write'] },
  { id: 'python.os-io', languages: ['python'], api: 'os', regex: qualified('os\\.', 'read|write|pread|pwrite|readv|writev|preadv|pwritev|splice|copy_file_range|open|close'), syscalls: [] },
  { id: 'python.mmap', languages: ['python'], api: 'mmap.mmap', regex: qualified('mmap\\.', 'mmap'), syscalls: ['mmap'] },
  { id: 'python.open', languages: ['python'], api: 'open', regex: /(?<![\w.])(open)\s*\(/g, syscalls: ['openat'] },
  { id: 'python.read', languages: ['python'], api: 'file.read', regex: member('read|readinto|readline|readlines'), syscalls: ['read', 'pread64'] },
  { id: 'python.write', languages: ['python'], api: 'file.write', regex: member('write|writelines'), syscalls: ['write'] },
  { id: 'python.recv', languages: ['python'], api: 'socket.recv', regex: member('recv|recv_into|recvfrom|recvmsg'), syscalls: ['recvfrom', 'recvmsg'] },
  { id: 'python.send', languages: ['python'], api: 'socket.send', regex: member('send|sendall|sendto|sendmsg'), syscalls: ['sendto', 'sendmsg'] },

  // ---- Java (NIO)
  { id: 'java.transferto', languages: ['java'], api: 'FileChannel.transferTo', regex: member('transferTo'), syscalls: ['sendfile', 'copy_file_range', 'splice', 'mmap', 'write'], note: 'FileChannel.transferTo uses sendfile (copy_file_range between files on newer JDKs), else mmap + write.' },
  { id: 'java.transferfrom', languages: ['java'], api: 'FileChannel.transferFrom', regex: member('transferFrom'), syscalls: ['copy_file_range', 'sendfile', 'mmap', 'read', 'write'] },
  { id: 'java.files-copy', languages: ['java'], api: 'Files.copy', regex: qualified('Files\\.', 'copy'), syscalls: ['copy_file_range', 'sendfile', 'read', 'write'] },
  { id: 'java.map', languages: ['java'], api: 'FileChannel.map', regex: member('map'), syscalls: ['mmap'] },
  { id: 'java.read', languages: ['java'], api: 'read', regex: member('read'), syscalls: ['read', 'pread64', 'recvfrom'] },
  { id: 'java.write', languages: ['java'], api: 'write', regex: member('write'), syscalls: ['write', 'pwrite64', 'sendto'] },

  // ---- Node.js
  { id: 'node.copyfile', languages: ['javascript'], api: 'fs.copyFile', regex: /(?<![\w$])((?:fs(?:Promises)?\.|promises\.)?copyFile(?:Sync)?)\s*\(/g, syscalls: ['copy_file_range', 'sendfile', 'ioctl'], note: 'libuv copies with copy_file_range, then sendfile (FICLONE first with COPYFILE_FICLONE).' },
  { id: 'node.pipe', languages: ['javascript'], api: 'stream.pipe', regex: /(?:\.(pipe)|(?<![\w$.])(pipeline))\s*\(/g, syscalls: ['read', 'pread64', 'write', 'writev'], note: 'Streams copy through JavaScript buffers: a read/write loop, 64 KiB per chunk for file streams.' },
  { id: 'node.fs-read', languages: ['javascript'], api: 'fs.read', regex: /(?<![\w$])((?:fs(?:Promises)?\.)?(?:readFileSync|readFile|readSync|read|createReadStream))\s*\(/g, syscalls: ['read', 'pread64', 'openat'] },
  { id: 'node.fs-write', languages: ['javascript'], api: 'fs.write', regex: /(?<![\w$])((?:fs(?:Promises)?\.)?(?:writeFileSync|writeFile|writeSync|write|createWriteStream))\s*\(/g, syscalls: ['write', 'pwrite64', 'writev', 'openat'] },
];

/** Patterns whose syscalls are named by the call itself (`libc::sendfile` -> sendfile). */
const NAME_IS_SYSCALL: Readonly<Record<string, string>> = {
  pread: 'pread64', pwrite: 'pwrite64', sendfile64: 'sendfile', recv: 'recvfrom', send: 'sendto',
  Sendfile: 'sendfile', Splice: 'splice', Tee: 'tee', Vmsplice: 'vmsplice', CopyFileRange: 'copy_file_range',
  Mmap: 'mmap', Munmap: 'munmap', Read: 'read', Write: 'write', Pread: 'pread64', Pwrite: 'pwrite64',
  Readv: 'readv', Writev: 'writev', Recvfrom: 'recvfrom', Sendto: 'sendto', Recvmsg: 'recvmsg', Sendmsg: 'sendmsg',
  open: 'openat', preadv: 'preadv', pwritev: 'pwritev',
};

/** The syscalls of one match: the pattern's list, or the call's own name for libc/nix/os/syscall wrappers. */
export function syscallsOf(call: SourceCall, lineText: string): readonly string[] {
  if (call.pattern.syscalls.length > 0) return call.pattern.syscalls;
  const callee = lineText.slice(call.start, call.end);
  const name = callee.slice(Math.max(callee.lastIndexOf('.'), callee.lastIndexOf(':')) + 1);
  return [NAME_IS_SYSCALL[name] ?? name];
}

const patternsByLanguage = new Map<SourceLanguage, SourcePattern[]>();
function patternsFor(language: SourceLanguage): SourcePattern[] {
  let list = patternsByLanguage.get(language);
  if (list === undefined) {
    list = SOURCE_PATTERNS.filter((p) => p.languages.includes(language));
    patternsByLanguage.set(language, list);
  }
  return list;
}

/**
 * Replaces comments and the contents of string literals by spaces (same length, so columns stay).
 * `inBlock` says whether the line starts inside a block comment; the result says whether it ends in one.
 */
export function maskLine(line: string, language: SourceLanguage, inBlock = false): { text: string; inBlock: boolean } {
  const out = line.split('');
  const hash = language === 'python';
  const singleQuoteStrings = language !== 'rust' && language !== 'c' && language !== 'cpp';
  let i = 0;
  let block = inBlock;
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k++) out[k] = ' ';
  };
  while (i < line.length) {
    if (block) {
      const end = line.indexOf('*/', i);
      if (end < 0) {
        blank(i, line.length);
        return { text: out.join(''), inBlock: true };
      }
      blank(i, end + 2);
      i = end + 2;
      block = false;
      continue;
    }
    const ch = line[i];
    if (hash && ch === '#') {
      blank(i, line.length);
      break;
    }
    if (!hash && ch === '/' && line[i + 1] === '/') {
      blank(i, line.length);
      break;
    }
    if (!hash && ch === '/' && line[i + 1] === '*') {
      block = true;
      blank(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '"' || ch === '`' || (ch === "'" && singleQuoteStrings)) {
      let j = i + 1;
      while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, line.length));
      i = j + 1;
      continue;
    }
    i++;
  }
  return { text: out.join(''), inBlock: block };
}

/** The I/O calls on one line of source, left to right; overlapping matches keep the earliest, longest one. */
export function findSourceCalls(line: string, language: SourceLanguage, inBlock = false): SourceCall[] {
  if (line.length > 4000) return [];
  const masked = maskLine(line, language, inBlock).text;
  const found: SourceCall[] = [];
  for (const pattern of patternsFor(language)) {
    pattern.regex.lastIndex = 0;
    for (let m = pattern.regex.exec(masked); m !== null; m = pattern.regex.exec(masked)) {
      const name = m.slice(1).find((g) => g !== undefined) ?? m[0];
      const start = m.index + m[0].indexOf(name);
      found.push({ pattern, start, end: start + name.length });
      if (m[0].length === 0) pattern.regex.lastIndex++;
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SourceCall[] = [];
  for (const call of found) {
    const prev = out[out.length - 1];
    if (prev !== undefined && call.start < prev.end) continue;
    out.push(call);
  }
  return out;
}

/** Every call of a whole document (lines as an array), with its 0-based line number. */
export function findSourceCallsInLines(lines: readonly string[], language: SourceLanguage): Array<SourceCall & { line: number }> {
  const out: Array<SourceCall & { line: number }> = [];
  let inBlock = false;
  for (let n = 0; n < lines.length; n++) {
    const text = lines[n] ?? '';
    for (const call of findSourceCalls(text, language, inBlock)) out.push({ ...call, line: n });
    inBlock = maskLine(text, language, inBlock).inBlock;
  }
  return out;
}
