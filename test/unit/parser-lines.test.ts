// Line-level behaviour of the parser on small hand-checked inputs (strings modelled on the corpus).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTraceText, type CallStart, type ExitEvent, type SignalEvent, type SyscallEvent } from '../../src/strace-parser';
import { collectFiles, collectText, corpusDir, unaccountedLines } from './parser-support/helpers';

const lines = (...l: string[]): string => l.join('\n') + '\n';

test('plain strace: no pid, no time, results and errno', () => {
  const c = collectText(
    lines(
      'execve("/tmp/ctx/bin/rw_copy", ["/tmp/ctx/bin/rw_copy", "a b"], 0x7fff46b1f2e8 /* 42 vars */) = 0',
      'brk(NULL)                               = 0x55e7d07ad000',
      'access("/etc/ld.so.preload", R_OK)      = -1 ENOENT (No such file or directory)',
      'read(3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0P\\237\\2\\0\\0\\0\\0\\0"..., 832) = 832',
      'exit_group(0)                           = ?',
      '+++ exited with 0 +++',
    ),
  );
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.lines, 6);
  assert.equal(c.result.events, 6);
  const [execve, brk, access, read, exit] = c.syscalls;
  assert.equal(execve.pid, 0);
  assert.equal(execve.time, null);
  assert.equal(execve.args.length, 3);
  assert.equal(execve.args[2], '0x7fff46b1f2e8 /* 42 vars */');
  assert.equal(brk.ret, 0x55e7d07ad000);
  assert.equal(brk.resultText, '0x55e7d07ad000');
  assert.equal(access.ret, -1);
  assert.equal(access.errno, 'ENOENT');
  assert.equal(access.resultText, '-1 ENOENT (No such file or directory)');
  assert.equal(read.ret, 832);
  assert.equal(read.args[2], '832');
  assert.equal(exit.ret, null);
  assert.equal(exit.resultText, '?');
  const ex = c.events[5] as ExitEvent;
  assert.equal(ex.type, 'exit');
  assert.equal(ex.code, 0);
  assert.equal(ex.signal, null);
  assert.equal(c.result.processes, 1);
});

test('-f -ttt -T -yy: pid column, epoch time, duration, decorations', () => {
  const c = collectText(
    lines(
      '20887 1795308830.084307 openat(AT_FDCWD</tmp/ctx/run>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache> <0.000009>',
      '20887 1795308830.090000 connect(3<TCP:[40162]>, {sa_family=AF_INET, sin_port=htons(15507), sin_addr=inet_addr("127.0.0.1")}, 16) = 0 <0.000120>',
      '20887 1795308830.091000 write(3<TCP:[127.0.0.1:57706->127.0.0.1:15507]>, "abc", 3) = 3 <0.000015>',
    ),
  );
  assert.deepEqual(c.diagnostics, []);
  const [open, , write] = c.syscalls;
  assert.equal(open.pid, 20887);
  assert.equal(open.time, 1795308830.084307);
  assert.equal(open.duration, 0.000009);
  assert.equal(open.ret, 3);
  assert.equal(open.resultText, '3</etc/ld.so.cache>');
  assert.equal(write.args[0], '3<TCP:[127.0.0.1:57706->127.0.0.1:15507]>');
  assert.deepEqual(c.result.flags, { pids: true, timestamps: 'ttt', durations: true, fdPaths: 'yy', stacks: false, instructionPointers: false, pageFaults: false });
});

test('-t and -tt across midnight: time keeps growing past 86400', () => {
  const tt = collectText(lines('1 23:59:59.900000 getpid() = 1', '1 23:59:59.999999 getpid() = 1', '1 00:00:00.000100 getpid() = 1', '1 00:00:01.5 getpid() = 1'));
  assert.deepEqual(tt.diagnostics, []);
  assert.equal(tt.result.flags.timestamps, 'tt');
  const times = tt.syscalls.map((e) => e.time as number);
  assert.ok(Math.abs(times[0] - 86399.9) < 1e-6);
  assert.ok(Math.abs(times[2] - 86400.0001) < 1e-6, String(times[2]));
  assert.ok(Math.abs(times[3] - 86401.5) < 1e-6);
  const t = collectText(lines('23:59:59 getpid() = 1', '00:00:00 getpid() = 1'));
  assert.equal(t.result.flags.timestamps, 't');
  assert.deepEqual(
    t.syscalls.map((e) => e.time),
    [86399, 86400],
  );
});

test('-r: relative stamps summed from the first line (any pid)', () => {
  const c = collectText(lines('20891      0.000000 execve("/x", ["/x"], 0x1 /* 1 var */) = 0', '20891      0.000258 brk(NULL) = 0x1', '20892      0.000100 getpid() = 20892'));
  assert.equal(c.result.flags.timestamps, 'r');
  const t = c.syscalls.map((e) => e.time as number);
  assert.ok(Math.abs(t[1] - 0.000258) < 1e-9 && Math.abs(t[2] - 0.000358) < 1e-9, String(t));
  const noPid = collectText(lines('     0.000000 execve("/x", ["/x"], 0x1 /* 1 var */) = 0', '     0.000258 brk(NULL)           = 0x1'));
  assert.equal(noPid.result.flags.pids, false);
  assert.equal(noPid.syscalls[1].pid, 0);
});

test('unfinished/resumed: one event per call, line = start, emitted at the resumed line, startSeq orders starts', () => {
  // thread_server_c: another thread reuses fd 5 before `<... close resumed>`.
  const starts: CallStart[] = [];
  const events: SyscallEvent[] = [];
  const result = parseTraceText(
    lines(
      '22782 close(5 <unfinished ...>',
      '22783 openat(AT_FDCWD, "/tmp/ctx/data/in.bin", O_RDONLY) = 5',
      '22781 read(3,  <unfinished ...>',
      '22782 <... close resumed>)              = 0',
      '22781 <... read resumed>"\\221;E6"..., 16384) = 16384',
    ),
    'x.trace',
    {
      event: (e) => events.push(e as SyscallEvent),
      diagnostic: (d) => assert.fail(d.message),
      callStarted: (s) => starts.push(s),
    },
  );
  assert.equal(result.events, 3);
  assert.deepEqual(
    events.map((e) => [e.name, e.line, e.endLine, e.resumedLine]),
    [
      ['openat', 2, 2, undefined],
      ['close', 1, 4, 4],
      ['read', 3, 5, 5],
    ],
  );
  const [openat, close, read] = events;
  assert.ok((close.startSeq as number) < (openat.startSeq as number), 'close started before the openat that reused fd 5');
  assert.equal(close.argText, '5');
  assert.equal(close.ret, 0);
  assert.equal(close.incomplete, false);
  assert.deepEqual(read.args, ['3', '"\\221;E6"...', '16384']);
  assert.equal(read.ret, 16384);
  assert.deepEqual(
    starts.map((s) => [s.name, s.pid, s.line, s.argText, s.startSeq]),
    [
      ['close', 22782, 1, '5', close.startSeq],
      ['read', 22781, 3, '3, ', read.startSeq],
    ],
  );
  // clone: the resumed part adds arguments.
  const c = collectText(lines('1 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD <unfinished ...>', '2 set_robust_list(0x7f, 24) = 0', '1 <... clone resumed>, child_tidptr=0x7fa8fd5a0a10) = 2'));
  const clone = c.syscalls.find((e) => e.name === 'clone') as SyscallEvent;
  assert.deepEqual(clone.args, ['child_stack=NULL', 'flags=CLONE_CHILD_CLEARTID|SIGCHLD', 'child_tidptr=0x7fa8fd5a0a10']);
  assert.equal(clone.ret, 2);
});

test('a resumed line without its start: diagnostic AND an incomplete event; never resumed: incomplete at EOF', () => {
  const c = collectText(lines('7 <... read resumed>"abc", 10) = 3', '8 write(1, "x", 1 <unfinished ...>', '9 getpid() = 9'));
  assert.equal(c.diagnostics.length, 1);
  assert.equal(c.diagnostics[0].line, 1);
  assert.match(c.diagnostics[0].message, /without its <unfinished \.\.\.> start/);
  assert.deepEqual(
    c.syscalls.map((e) => [e.name, e.pid, e.incomplete, e.ret]),
    [
      ['read', 7, true, 3],
      ['getpid', 9, false, 9],
      ['write', 8, true, null],
    ],
  );
  assert.equal(c.syscalls[2].argText, '1, "x", 1');
  assert.equal(c.syscalls[2].resultText, null);
  // A process killed mid-call: its pending call is emitted (incomplete) before its exit.
  const k = collectText(lines('5 read(0,  <unfinished ...>', '5 +++ killed by SIGKILL +++'));
  assert.deepEqual(k.diagnostics, []);
  assert.deepEqual(k.events.map((e) => e.type), ['syscall', 'exit']);
  assert.equal((k.events[1] as ExitEvent).signal, 'SIGKILL');
  assert.equal((k.events[1] as ExitEvent).code, null);
});

test('stderr capture: [pid N] prefixes, `strace: Process N attached` in the middle of a line is rejoined', () => {
  const file = path.join(corpusDir(), 'traces', 'fork_server_c', 'stderr_f.trace');
  const text = fs.readFileSync(file, 'utf8');
  const c = collectText(text, file);
  assert.deepEqual(c.diagnostics, []);
  // Line 36-37: `clone(...SIGCHLDstrace: Process 22808 attached` + `, child_tidptr=0x7fa8fd5a0a10) = 22808`
  const clone = c.syscalls.find((e) => e.line === 36) as SyscallEvent;
  assert.equal(clone.name, 'clone');
  assert.equal(clone.endLine, 37);
  assert.equal(clone.ret, 22808);
  assert.deepEqual(clone.args, ['child_stack=NULL', 'flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', 'child_tidptr=0x7fa8fd5a0a10']);
  // Line 46-47: `[pid 22808] openat(..., O_RDONLYstrace: Process 22809 attached` + `) = 3`
  const open = c.syscalls.find((e) => e.line === 46) as SyscallEvent;
  assert.deepEqual([open.name, open.pid, open.ret, open.args[2]], ['openat', 22808, 3, 'O_RDONLY']);
  // The command's own process prints no pid before its first child: it is pid 0 throughout, real pid in mainPid.
  assert.equal(c.result.mainPid, 22803);
  assert.ok(!c.events.some((e) => e.pid === 22803));
  assert.deepEqual([...new Set(c.events.map((e) => e.pid))].sort((a, b) => a - b), [0, 22808, 22809, 22811, 22812]);
  assert.equal(c.result.processes, 5);
  // The last lines (children gone, no prefix again) belong to the parent.
  assert.equal(c.events[c.events.length - 1].pid, 0);
  assert.equal(c.events.filter((e) => e.type === 'exit').length, 5);
  assert.deepEqual(unaccountedLines(c, [c.result.lines]), []);
});

test('-k frames attach to their call (after the resumed line; after `+++ exited` to the exit)', () => {
  const c = collectText(
    lines(
      '22781 close(3 <unfinished ...>',
      '22775 accept(3, NULL, NULL <unfinished ...>',
      '22781 <... close resumed>)              = 0',
      ' > /usr/lib/x86_64-linux-gnu/libc.so.6(__close+0x10) [0xf89f0]',
      ' > /tmp/ctx/bin/fork_server(main+0x1d7) [0x1912]',
      '22775 <... accept resumed>)             = 4',
      ' > /usr/lib/x86_64-linux-gnu/libc.so.6(accept+0x10) [0x10a6f0]',
      '22775 exit_group(0)                     = ?',
      '22775 +++ exited with 0 +++',
      ' > /usr/lib/x86_64-linux-gnu/libc.so.6(_exit+0x29) [0xd4409]',
    ),
  );
  assert.deepEqual(c.diagnostics, []);
  const [close, accept, exitGroup] = c.syscalls;
  assert.deepEqual(close.stack, ['/usr/lib/x86_64-linux-gnu/libc.so.6(__close+0x10) [0xf89f0]', '/tmp/ctx/bin/fork_server(main+0x1d7) [0x1912]']);
  assert.equal(close.endLine, 5);
  assert.deepEqual(accept.stack, ['/usr/lib/x86_64-linux-gnu/libc.so.6(accept+0x10) [0x10a6f0]']);
  assert.equal(exitGroup.stack, null);
  const exit = c.events[c.events.length - 1] as ExitEvent;
  assert.deepEqual(exit.stack, ['/usr/lib/x86_64-linux-gnu/libc.so.6(_exit+0x29) [0xd4409]']);
  assert.equal(c.result.flags.stacks, true);
  assert.deepEqual(unaccountedLines(c, [10]), []);
});

test('-i instruction pointers, signals, kills, restarts, in/out args, -X comments', () => {
  const c = collectText(
    lines(
      '[00007f3b1c2a1b3c] read(0, "x", 1) = 1',
      '22803 rt_sigsuspend([], 8)              = ? ERESTARTNOHAND (To be restarted if no handler)',
      '22803 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=22808, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---',
      '22803 rt_sigreturn({mask=[CHLD]})       = -1 EINTR (Interrupted system call)',
      '22803 read(0, 0x7ffc, 4096)             = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
      '22803 sendfile(4, 3, [0] => [262144], 262144) = 262144',
      '22803 openat(-100 /* AT_FDCWD */, "/etc/ld.so.cache", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3',
      '22803 --- stopped by SIGSTOP ---',
      '22804 +++ killed by SIGSEGV (core dumped) +++',
    ),
  );
  assert.deepEqual(c.diagnostics, []);
  const [read, susp, sigret, read2, sendfile, openat] = c.syscalls;
  assert.equal(read.ip, '[00007f3b1c2a1b3c]');
  assert.equal(c.result.flags.instructionPointers, true);
  assert.deepEqual([susp.ret, susp.errno], [null, 'ERESTARTNOHAND']);
  assert.deepEqual([sigret.ret, sigret.errno], [-1, 'EINTR']);
  assert.deepEqual([read2.ret, read2.errno], [null, 'ERESTARTSYS']);
  assert.equal(sendfile.args[2], '[0] => [262144]');
  assert.deepEqual(openat.args, ['-100 /* AT_FDCWD */', '"/etc/ld.so.cache"', '0x80000 /* O_RDONLY|O_CLOEXEC */']);
  const sigs = c.events.filter((e): e is SignalEvent => e.type === 'signal');
  assert.equal(sigs[0].signal, 'SIGCHLD');
  assert.match(sigs[0].detail, /^si_signo=SIGCHLD, .*si_stime=0$/);
  assert.equal(sigs[1].signal, 'SIGSTOP');
  const kill = c.events[c.events.length - 1] as ExitEvent;
  assert.deepEqual([kill.pid, kill.code, kill.signal], [22804, null, 'SIGSEGV']);
});

test('perf trace: calls, interrupted + [continued] merged, orphan continued, page faults', () => {
  const c = collectText(
    lines(
      '         ? (         ): fork_server/22816  ... [continued]: execve())                                           = 0',
      '     0.047 ( 0.015 ms): fork_server/22816 brk()                                                                 = 0x56177f714000',
      '   264.116 (         ): fork_server/22825 write(fd: 5<socket:[66608]>, buf: 0x55e834946160, count: 16384)    ...',
      '   264.120 ( 0.010 ms): fork_server/22816 read(fd: 4</tmp/ctx/data/in.bin>, buf: 0x55e8, count: 16384)     = 16384',
      '   264.116 ( 0.015 ms): fork_server/22825  ... [continued]: write())                                            = 16384',
      '     0.350 ( 0.017 ms): fork_server/22816 access(filename: 0x2ad9e2a0, mode: R)                                 = -1 ENOENT (No such file or directory)',
      '         ? (         ): fork_server/22824  ... [continued]: clone())                                            = ',
      '     0.109 ( 0.000 ms): fork_server/22816 minfault [_start+0x0] => /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2@0x1ab70 (d.)',
      '     0.110 ( 0.000 ms): fork_server/22816 majfault [elf_load+0x28a] => 0x557721306098 (?k)',
      '   265.410 (         ): fork_server/22816 rt_sigreturn()                                                     ...',
      '   265.436 ( 0.012 ms): fork_server/22816 wait4(upid: -1, options: NOHANG)                                      = ',
    ),
  );
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.format, 'perf');
  assert.deepEqual(
    c.syscalls.map((e) => [e.name, e.pid, e.incomplete, e.ret, e.line, e.endLine]),
    [
      ['execve', 22816, true, 0, 1, 1],
      ['brk', 22816, false, 0x56177f714000, 2, 2],
      ['read', 22816, false, 16384, 4, 4],
      ['write', 22825, false, 16384, 3, 5],
      ['access', 22816, false, -1, 6, 6],
      ['clone', 22824, true, null, 7, 7],
      ['rt_sigreturn', 22816, true, null, 10, 10],
      ['wait4', 22816, false, null, 11, 11],
    ],
  );
  const write = c.syscalls[3];
  assert.deepEqual(write.argNames, ['fd', 'buf', 'count']);
  assert.equal(write.args[0], '5<socket:[66608]>');
  assert.equal(write.time, 0.264116);
  assert.equal(write.duration, 0.000015);
  assert.equal(c.syscalls[0].time, null);
  assert.equal(c.syscalls[4].errno, 'ENOENT');
  const faults = c.events.filter((e) => e.type === 'fault');
  assert.deepEqual(
    faults.map((f) => (f.type === 'fault' ? [f.major, f.location, f.target] : [])),
    [
      [false, '_start+0x0', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2@0x1ab70'],
      [true, 'elf_load+0x28a', '0x557721306098'],
    ],
  );
  assert.equal(c.result.flags.pageFaults, true);
  assert.equal(c.result.flags.timestamps, 'perf');
  assert.deepEqual(unaccountedLines(c, [11]), []);
});

test('summary tables: perf -s and strace -c', () => {
  const perf = collectText(
    lines(
      '',
      ' Summary of events:',
      '',
      ' rw_copy (20911), 132 events, 95.7%',
      '',
      '   syscall            calls  errors  total       min       avg       max       stddev',
      '                                     (msec)    (msec)    (msec)    (msec)        (%)',
      '   --------------- --------  ------ -------- --------- --------- ---------     ------',
      '   write                 16      0     0.437     0.021     0.027     0.045      4.75%',
      '   access                 1      1     0.015     0.015     0.015     0.015      0.00%',
      '',
    ),
  );
  assert.deepEqual(perf.diagnostics, []);
  assert.equal(perf.result.format, 'perf');
  assert.deepEqual(
    perf.events.map((e) => (e.type === 'summary' ? [e.pid, e.syscall, e.calls, e.errors, e.totalTime] : e.type)),
    [
      [20911, 'write', 16, 0, 0.000437],
      [20911, 'access', 1, 1, 0.000015],
    ],
  );
  assert.deepEqual(unaccountedLines(perf, [perf.result.lines]), []);
  const strace = collectText(
    lines(
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 36.13    0.000155           7        20           mmap',
      ' 10.00    0.000043          43         1         1 access',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000429           9        47         3 total',
    ),
  );
  assert.deepEqual(strace.diagnostics, []);
  assert.deepEqual(
    strace.events.map((e) => (e.type === 'summary' ? [e.syscall, e.calls, e.errors, e.totalTime] : e.type)),
    [
      ['mmap', 20, 0, 0.000155],
      ['access', 1, 1, 0.000043],
    ],
  );
});

test('-ff parts with timestamps are merged by time; without, part after part by pid', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-ff-'));
  try {
    fs.writeFileSync(path.join(dir, 'p.200'), lines('10:00:00.000002 getpid() = 200', '10:00:00.000004 getpid() = 200', '10:00:00.000004 +++ exited with 0 +++'));
    fs.writeFileSync(path.join(dir, 'p.100'), lines('10:00:00.000001 getpid() = 100', '10:00:00.000003 clone(child_stack=NULL, flags=SIGCHLD) = 200', '10:00:00.000005 getpid() = 100'));
    const c = await collectFiles([path.join(dir, 'p.200'), path.join(dir, 'p.100')]);
    assert.deepEqual(c.diagnostics, []);
    assert.deepEqual(
      c.events.map((e) => [e.pid, e.time === null ? null : Math.round((e.time - 36000) * 1e6)]),
      [
        [100, 1],
        [200, 2],
        [100, 3],
        [200, 4],
        [200, 4],
        [100, 5],
      ],
    );
    assert.deepEqual(
      c.events.map((e) => e.startSeq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(c.events.map((e) => e.fileIndex), [1, 0, 1, 0, 0, 1]);
    assert.equal(c.result.lines, 6);
    assert.equal(c.result.processes, 2);
    fs.writeFileSync(path.join(dir, 'q.9'), lines('getpid() = 9'));
    fs.writeFileSync(path.join(dir, 'q.10'), lines('getpid() = 10', 'getpid() = 10'));
    fs.writeFileSync(path.join(dir, 'q.8'), lines('getpid() = 8'));
    const d = await collectFiles(['q.10', 'q.8', 'q.9'].map((f) => path.join(dir, f)));
    assert.deepEqual(d.events.map((e) => e.pid), [8, 9, 10, 10]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a single file named like a -ff part keeps the pids printed in it', () => {
  const c = collectText(lines('5 getpid() = 5', 'getppid() = 1'), 'trace.1234');
  assert.deepEqual(c.syscalls.map((e) => e.pid), [5, 1234]);
});

test('lazy args: not split until asked, JSON includes them', () => {
  const e = collectText(lines('write(1, "a,b", 3) = 3')).syscalls[0];
  const json = JSON.parse(JSON.stringify(e)) as { args: string[]; argText: string; resultText: string };
  assert.deepEqual(json.args, ['1', '"a,b"', '3']);
  assert.equal(json.argText, '1, "a,b", 3');
  assert.equal(json.resultText, '3');
});

test('stderr capture mixed with the program\'s own stderr: entry part, program text, exit part', () => {
  // dd writing its report to the stderr strace prints on (from a real `strace -f ... dd ... 2>FILE`).
  const c = collectText(
    lines(
      'close(1)                                = 0',
      'write(2, "8+0 records in\\n8+0 records out\\n", 318+0 records in',
      '8+0 records out',
      ') = 31',
      'write(2, "524288 bytes (524 kB, 512 KiB) c"..., 61524288 bytes (524 kB, 512 KiB) copied, 0.00200742 s, 261 MB/s) = 61',
      'write(2, "\\n", 1',
      ')                       = 1',
      'exit_group(0)                           = ?',
      '+++ exited with 0 +++',
    ),
  );
  assert.deepEqual(c.diagnostics, []);
  assert.deepEqual(
    c.syscalls.map((e) => [e.name, e.line, e.endLine, e.args.join(' | '), e.ret]),
    [
      ['close', 1, 1, '1', 0],
      ['write', 2, 4, '2 | "8+0 records in\\n8+0 records out\\n" | 31', 31],
      ['write', 5, 5, '2 | "524288 bytes (524 kB, 512 KiB) c"... | 61', 61],
      ['write', 6, 7, '2 | "\\n" | 1', 1],
      ['exit_group', 8, 8, '0', null],
    ],
  );
  assert.deepEqual(unaccountedLines(c, [9]), []);
  // In a -o trace with a pid column nothing is mixed in: a cut line stays a diagnostic.
  const o = collectText(lines('5 write(2, "x", 1', '5 close(3) = 0'));
  assert.deepEqual(o.diagnostics.map((d) => d.line), [1]);
  // Without a pid column a call that never gets its exit part is reported at the end, with the lines after it that are not trace lines.
  const p = collectText(lines('write(2, "x", 1', 'hello', 'close(3) = 0'));
  assert.deepEqual(p.diagnostics.map((d) => d.line), [1, 2]);
  assert.equal(p.syscalls.length, 1);
});

test('call names that begin other names (read, readv, readlink, readlinkat), whole or resumed, each read as itself', () => {
  const names = ['readlinkat', 'read', 'readlink', 'readv', 'r', 'read', 'pread64', 'readlinkat'];
  const c = collectText(
    lines(
      ...names.map((n, k) => `${100 + k} ${n}(3, "x", 1) = 1`),
      ...names.map((n, k) => `${200 + k} ${n}(3 <unfinished ...>`),
      ...names.map((n, k) => `${200 + k} <... ${n} resumed>, "x", 1) = 1`),
      // Not a name of identifier chars: the first ` resumed>` of the line ends it.
      '300 clock_nanosleep(CLOCK_MONOTONIC <unfinished ...>',
      '300 <... clock_nanosleep x resumed>, 0) = 0',
    ),
  );
  assert.deepEqual(
    c.syscalls.map((e) => e.name),
    [...names, ...names, 'clock_nanosleep', 'clock_nanosleep x'],
  );
  assert.deepEqual(
    c.diagnostics.map((d) => d.line),
    [25, 26],
    "the odd resumed name is not the unfinished call's: both are reported",
  );
});

test('thousands of pids in and out of calls: leftovers still end the file oldest first, and a bare exit part goes to the latest', () => {
  const l: string[] = [];
  // Many pids, each with a call in and out of flight (the pairing's slots are reused, then pruned).
  for (let p = 1000; p < 4000; p++) l.push(`${p} read(3 <unfinished ...>`, `${p} <... read resumed>, "", 1) = 0`);
  l.push('7 write(1 <unfinished ...>', '5 close(3 <unfinished ...>', '9 openat(AT_FDCWD <unfinished ...>', '7 <... write resumed>, "", 0) = 0');
  for (let p = 5000; p < 7000; p++) l.push(`${p} getpid( <unfinished ...>`);
  for (let p = 5000; p < 7000; p++) if (p !== 6500) l.push(`${p} <... getpid resumed>) = ${p}`);
  const c = collectText(lines(...l));
  const left = c.syscalls.filter((e) => e.incomplete);
  assert.deepEqual(
    left.map((e) => `${e.pid} ${e.name}`),
    ['5 close', '9 openat', '6500 getpid'],
  );
  assert.equal(c.syscalls.length, 3000 + 3 + 2000);

  const z = collectText(lines('5 read(3 <unfinished ...>', '6 write(1 <unfinished ...>', '5 <... read resumed>"", 1) = 0', ')                                       = 2 <0.000084>'));
  const write = z.syscalls.find((e) => e.name === 'write');
  assert.equal(write?.pid, 6);
  assert.equal(write?.ret, 2);
  assert.equal(write?.incomplete, false);
});
