// Traces recorded here and now with the real strace and perf trace (spawned with argument arrays, no
// shell), checked against facts known independently: the size of the file copied, the processes
// started, their exits. perf tests skip only when perf itself cannot trace on this machine.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { argOf, decodeCString, parseFdArg, type SyscallEvent } from '../../src/strace-parser';
import { collectFiles, type Collected } from './parser-support/helpers';
import { buildWorkload } from './support/programs';
import { PERF_RECORDING_ATTEMPTS } from '../support/record';

const SIZE = 100_000;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-live-'));
const input = path.join(work, 'in.bin');
// Deterministic content with a recognisable start (for -x decoding).
const content = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) content[i] = (i * 131 + 7) & 0xff;
content.write('IOLENS-HEADER', 0, 'latin1');
fs.writeFileSync(input, content);

process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function have(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}
const HAVE_STRACE = have('strace', ['-V']);

/** Runs strace with `args` then the command; its trace goes to a file (-o) unless `stderrTrace`. */
function strace(name: string, args: string[], command: string[], stderrTrace = false): { trace: string; stdout: Buffer } {
  const trace = path.join(work, name);
  const full = stderrTrace ? [...args, ...command] : [...args, '-o', trace, ...command];
  const r = spawnSync('strace', full, { cwd: work, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `strace ${full.join(' ')} failed: ${r.stderr?.toString()}`);
  if (stderrTrace) fs.writeFileSync(trace, r.stderr);
  return { trace, stdout: r.stdout };
}

function sumRet(events: SyscallEvent[], pred: (e: SyscallEvent) => boolean): number {
  return events.filter(pred).reduce((a, e) => a + (e.ret !== null && e.ret > 0 ? e.ret : 0), 0);
}

/** fd of the call's first argument, and the -y path on it. */
const fd0 = (e: SyscallEvent) => parseFdArg(e.args[0] ?? '');

test('strace -f -ttt -T -yy -s 64 -o: cat of a 100000-byte file into a pipe', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  const { trace, stdout } = strace('cat_yy.trace', ['-f', '-ttt', '-T', '-yy', '-s', '64'], ['cat', input]);
  assert.equal(stdout.length, SIZE);
  const c = await collectFiles([trace]);
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.processes, 1);
  assert.deepEqual(
    { ...c.result.flags },
    { pids: true, timestamps: 'ttt', durations: true, fdPaths: 'yy', stacks: false, instructionPointers: false, pageFaults: false },
  );
  const open = c.syscalls.find((e) => e.name === 'openat' && e.args[1] === JSON.stringify(input)) as SyscallEvent;
  assert.ok(open, 'openat of the input');
  assert.equal(parseFdArg(open.resultText ?? '')?.path, input);
  assert.equal(sumRet(c.syscalls, (e) => e.name === 'read' && fd0(e)?.path === input), SIZE, 'bytes read from the file');
  assert.equal(sumRet(c.syscalls, (e) => e.name === 'write' && fd0(e)?.fd === 1), SIZE, 'bytes written to stdout');
  // Node's 'pipe' stdio is a socketpair: -yy shows the unix socket.
  const out = fd0(c.syscalls.find((e) => e.name === 'write' && fd0(e)?.fd === 1) as SyscallEvent);
  assert.match(out?.path ?? '', /^(pipe|UNIX-STREAM|UNIX):\[/);
  const exits = c.events.filter((e) => e.type === 'exit');
  assert.deepEqual(exits.map((e) => (e.type === 'exit' ? e.code : -1)), [0]);
  assert.ok(c.syscalls.every((e) => e.time !== null && e.time > 1e9));
  assert.ok(c.syscalls.filter((e) => e.name !== 'exit_group').every((e) => e.duration !== null));
});

test('strace -xx -yy: decorations whose every byte is escaped (`3<\\x2f\\x74...>`) are fd paths', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  // cp touches files and /dev/null only (no pipe or socket, whose decorations strace leaves unescaped).
  const trace = path.join(work, 'cp_xx_yy.trace');
  const run = spawnSync('strace', ['-f', '-xx', '-yy', '-o', trace, 'cp', '--reflink=never', input, path.join(work, 'cp_xx.bin')], { stdio: 'ignore' });
  assert.equal(run.status, 0);
  assert.match(fs.readFileSync(trace, 'latin1'), /\d<\\x2f\\x/, 'strace escaped the decorations');
  const c = await collectFiles([trace]);
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.flags.fdPaths, 'yy');
  const opened = c.syscalls.filter((e) => e.name === 'openat' && e.ret !== null && e.ret >= 0).map((e) => parseFdArg(e.resultText ?? '')?.path);
  assert.ok(opened.includes(input), opened.join(', '));
});

function pipeline(): string[] {
  return ['sh', '-c', `cat ${input} | cat > out.bin`];
}

function checkPipeline(c: Collected): void {
  assert.deepEqual(c.diagnostics, []);
  assert.equal(fs.statSync(path.join(work, 'out.bin')).size, SIZE);
  assert.equal(c.result.processes, 3, 'sh and two cats');
  const exits = c.events.filter((e) => e.type === 'exit');
  assert.deepEqual(exits.map((e) => (e.type === 'exit' ? e.code : -1)), [0, 0, 0]);
  // Every byte of the file goes through the pipe: read from it by one cat, written into out.bin by the other.
  const writes = c.syscalls.filter((e) => e.name === 'write' && e.ret !== null && e.ret > 0);
  assert.equal(writes.reduce((a, e) => a + (e.ret as number), 0), 2 * SIZE, 'cat #1 writes into the pipe, cat #2 into out.bin');
  const clones = c.syscalls.filter((e) => /^(clone|clone3|fork|vfork)$/.test(e.name));
  assert.equal(clones.length, 2);
}

test('strace -f to stderr: [pid N] prefixes, attach messages, sh -c "cat a | cat > b"', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  const { trace } = strace('pipe_stderr.trace', ['-f', '-s', '32'], pipeline(), true);
  const c = await collectFiles([trace]);
  checkPipeline(c);
  assert.ok(c.result.mainPid !== null && c.result.mainPid !== undefined && c.result.mainPid > 0, 'the shell pid is learnt from its [pid N] lines');
  const pids = new Set(c.events.map((e) => e.pid));
  assert.ok(pids.has(0), 'the command itself is pid 0');
  assert.ok(!pids.has(c.result.mainPid as number));
  const cloneRets = c.syscalls.filter((e) => e.name === 'clone' || e.name === 'clone3').map((e) => e.ret);
  assert.deepEqual([...pids].filter((p) => p !== 0).sort(), cloneRets.sort());
});

for (const [label, flags, check] of [
  ['-t', ['-f', '-t'], (c: Collected) => assert.equal(c.result.flags.timestamps, 't')],
  ['-tt', ['-f', '-tt'], (c: Collected) => assert.equal(c.result.flags.timestamps, 'tt')],
  [
    '-r',
    ['-f', '-r'],
    (c: Collected) => {
      assert.equal(c.result.flags.timestamps, 'r');
      // Merged unfinished/resumed calls arrive at their resumed line with their START time: order by startSeq.
      const t = [...c.events].sort((a, b) => (a.startSeq as number) - (b.startSeq as number)).map((e) => e.time as number);
      assert.ok(t.every((x, i) => i === 0 || x >= t[i - 1]), 'running sum never decreases');
    },
  ],
  [
    '-k',
    ['-f', '-k'],
    (c: Collected) => {
      assert.equal(c.result.flags.stacks, true);
      const withStack = c.syscalls.filter((e) => e.stack !== null && e.stack.length > 0).length;
      assert.ok(withStack >= c.syscalls.length * 0.9, `${withStack} of ${c.syscalls.length} calls have frames`);
    },
  ],
  [
    '-x',
    ['-f', '-x'],
    (c: Collected) => {
      // cat reads the whole file in one 128 KiB request; strace shows its first 32 bytes, hex-escaped.
      const first = c.syscalls.find((e) => e.name === 'read' && e.ret === SIZE) as SyscallEvent;
      const s = decodeCString(first.args[1]);
      assert.ok(s !== null && s.truncated);
      assert.equal(s?.value, content.subarray(0, 32).toString('latin1'));
    },
  ],
  [
    '-X raw -i',
    ['-f', '-X', 'raw', '-i'],
    (c: Collected) => {
      assert.equal(c.result.flags.instructionPointers, true);
      assert.ok(c.syscalls.every((e) => e.ip !== null && /^\[[0-9a-f]+\]$/.test(e.ip)));
    },
  ],
  [
    '-Y',
    ['-f', '-ttt', '-Y'],
    (c: Collected) => {
      // `1234<cat> ...`: the pid, its command skipped; clone's result `= 1235<sh>` is the child's pid.
      const cloneRets = c.syscalls.filter((e) => e.name === 'clone' || e.name === 'clone3').map((e) => e.ret);
      const children = [...new Set(c.events.map((e) => e.pid))].filter((p) => !c.events.some((e) => e.pid === p && e.type === 'syscall' && e.name === 'execve' && e.args[0]?.includes('/sh')));
      assert.deepEqual(children.sort(), cloneRets.sort());
      assert.equal(c.result.flags.timestamps, 'ttt');
    },
  ],
  ['-n', ['-f', '-n'], (c: Collected) => assert.equal(c.result.flags.instructionPointers, false, "-n's `[  59]` is no address")],
  [
    '-n -i',
    ['-f', '-n', '-i'],
    (c: Collected) => assert.ok(c.syscalls.every((e) => e.ip !== null && /^\[[0-9a-f]{8,}\]$/.test(e.ip))),
  ],
  [
    '-r -tt',
    ['-f', '-r', '-tt'],
    (c: Collected) => {
      // `12:34:56.123456 (+     0.000123) read(...`: the time of day is kept.
      assert.equal(c.result.flags.timestamps, 'tt');
      assert.ok(c.events.every((e) => e.time !== null && e.time > 0 && e.time < 2 * 86_400));
    },
  ],
  [
    '--timestamps=unix,s',
    ['-f', '--timestamps=unix,s'],
    (c: Collected) => {
      assert.equal(c.result.flags.timestamps, 'ttt');
      const now = Date.now() / 1000;
      assert.ok(c.events.every((e) => e.time !== null && Number.isInteger(e.time) && Math.abs(e.time - now) < 600));
    },
  ],
  ['--relative-timestamps=s', ['-f', '--relative-timestamps=s'], (c: Collected) => assert.equal(c.result.flags.timestamps, 'r')],
  ['-ttt --relative-timestamps=s', ['-f', '-ttt', '--relative-timestamps=s'], (c: Collected) => assert.equal(c.result.flags.timestamps, 'ttt')],
  [
    '-e read=3 -e write=1',
    ['-f', '-e', 'read=3', '-e', 'write=1'],
    (c: Collected) => {
      // Each read of fd 3 and write to fd 1 is followed by its bytes as ` | 00000  49 4f ...  |` lines.
      const text = fs.readFileSync(c.result.files[0], 'utf8');
      assert.ok((text.match(/^ \| [0-9a-f]{5} /gm) ?? []).length > SIZE / 16, 'the dumps are in the trace');
      assert.ok(c.result.lines > c.events.length + SIZE / 16);
    },
  ],
  [
    '-e raw=read,write',
    ['-f', '-e', 'raw=read,write'],
    (c: Collected) => {
      // `read(0x3, 0x5648..., 0x20000) = 0x186a0`: hex fds.
      const data = c.syscalls.filter((e) => e.name === 'read' || e.name === 'write');
      assert.ok(data.every((e) => /^(0x[0-9a-f]+|0)$/.test(e.args[0]) && fd0(e) !== null));
      assert.equal(sumRet(c.syscalls, (e) => e.name === 'write' && fd0(e)?.fd === 1), 2 * SIZE);
    },
  ],
] as [string, string[], (c: Collected) => void][]) {
  test(`strace ${label} -o: sh -c "cat a | cat > b"`, { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
    const { trace } = strace(`pipe_${label.replace(/\W+/g, '_')}.trace`, [...flags, '-s', '32'], pipeline());
    const c = await collectFiles([trace]);
    checkPipeline(c);
    assert.equal(c.result.flags.pids, true);
    check(c);
  });
}

test('strace --timestamps=unix,s without -f: a whole-second time is no pid column', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  const { trace } = strace('cat_unix_s.trace', ['--timestamps=unix,s', '-s', '32'], ['cat', input]);
  const c = await collectFiles([trace]);
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.flags.pids, false);
  assert.equal(c.result.flags.timestamps, 'ttt');
  assert.deepEqual([...new Set(c.events.map((e) => e.pid))], [0]);
  assert.equal(sumRet(c.syscalls, (e) => e.name === 'write' && fd0(e)?.fd === 1), SIZE);
});

for (const [label, flags, prefix] of [
  ['-n', ['-n'], '`[  59]`'],
  ['-Y', ['-Y'], 'no pid'],
  ['-f -Y', ['-f', '-Y'], '`[pid N<comm>]`'],
] as [string, string[], string][]) {
  test(`strace ${label} to stderr: every line is a call (${prefix} prefixes)`, { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
    const { trace } = strace(`stderr_${label.replace(/\W+/g, '_')}.trace`, [...flags, '-s', '32'], flags.includes('-f') ? pipeline() : ['cat', input], true);
    const c = await collectFiles([trace]);
    assert.deepEqual(c.diagnostics, []);
    if (flags.includes('-f')) checkPipeline(c);
    else assert.equal(sumRet(c.syscalls, (e) => e.name === 'write' && fd0(e)?.fd === 1), SIZE);
  });
}

// -U picks and orders the -c table's columns; a call that never failed leaves its errors cell blank.
for (const columns of ['name,calls,errors', 'calls,name', 'max-time,min-time,total-time,avg-time,calls,errors,name', 'time-percent,calls,errors,total-time,avg-time,name', 'time-percent,total-time,calls,avg-time,errors,name']) {
  test(`strace -f -C -U ${columns}: the table's rows say what the calls above it say`, { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
    const { trace } = strace(`table_${columns.replace(/\W+/g, '_')}.trace`, ['-f', '-C', '-U', columns], pipeline());
    const c = await collectFiles([trace]);
    checkPipeline(c);
    const fromCalls = new Map<string, [number, number]>();
    // strace's table leaves out calls that never return (exit_group: `= ?`).
    for (const e of c.syscalls.filter((call) => call.ret !== null)) {
      const row = fromCalls.get(e.name) ?? [0, 0];
      row[0]++;
      if (e.errno !== null) row[1]++;
      fromCalls.set(e.name, row);
    }
    const rows = c.events.flatMap((e) => (e.type === 'summary' ? [[e.syscall, e.calls, columns.includes('errors') ? e.errors : fromCalls.get(e.syscall)?.[1]]] : []));
    assert.ok(rows.length >= 10, `${rows.length} rows`);
    assert.deepEqual(new Map(rows.map(([name, calls, errors]) => [name, [calls, errors]])), fromCalls);
    assert.equal(c.result.processes, 3, 'the table is no process of its own');
  });
}

const CAN_UNSHARE_PID = have('unshare', ['-pf', 'true']);

test('strace --decode-pids=pidns in a new pid namespace: a clone result is the pid the child\'s lines go by', { skip: (!HAVE_STRACE && 'strace not installed') || (!CAN_UNSHARE_PID && 'unshare -p not permitted here (needs root)') }, async () => {
  const { trace } = strace('pidns.trace', ['-f', '-ttt', '--decode-pids=pidns', '-s', '32'], ['unshare', '-pf', ...pipeline()]);
  const c = await collectFiles([trace]);
  assert.deepEqual(c.diagnostics, []);
  assert.match(fs.readFileSync(trace, 'utf8'), /= \d+ \/\* \d+ in strace's PID NS \*\//);
  const clones = c.syscalls.filter((e) => /^(clone|clone3|fork|vfork)$/.test(e.name));
  const pids = new Set(c.events.map((e) => e.pid));
  assert.equal(clones.length, 3, 'unshare forks sh, sh forks two cats');
  for (const clone of clones) assert.ok(pids.has(clone.ret as number), `clone = ${clone.resultText}: no lines of pid ${clone.ret}`);
});

test('strace -ff -tt: per-process files merged by time agree with the process tree', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  const prefix = path.join(work, 'ff');
  const r = spawnSync('strace', ['-ff', '-tt', '-s', '32', '-o', prefix, ...pipeline()], { cwd: work });
  assert.equal(r.status, 0);
  const parts = fs.readdirSync(work).filter((f) => /^ff\.\d+$/.test(f)).map((f) => path.join(work, f));
  assert.equal(parts.length, 3);
  const c = await collectFiles(parts);
  checkPipeline(c);
  const times = c.events.map((e) => e.time as number);
  assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]), 'merged in time order');
});

function perfTrace(t: TestContext, name: string, args: string[], command: string[]): string | null {
  const trace = path.join(work, name);
  const r = spawnSync('perf', ['trace', ...args, '-o', trace, '--', ...command], { cwd: work, maxBuffer: 64 << 20 });
  if (r.error !== undefined || r.status !== 0 || !fs.existsSync(trace) || fs.statSync(trace).size === 0) {
    t.skip(`perf trace cannot run here: ${r.error?.message ?? r.stderr?.toString().trim().split('\n')[0] ?? 'no output'}`);
    return null;
  }
  return trace;
}

/** perf drops an event now and then; a `[continued]` call whose start it dropped is the parser's only possible complaint about it. */
const LOST_START = /^\[continued\]: \w+\(\) of tid \d+ without its start$/;

/**
 * Records with perfTrace and parses, recording again (up to PERF_RECORDING_ATTEMPTS times) while the only diagnostics are
 * calls whose start perf dropped: the final recording is checked to have none at all.
 */
async function perfTraceParsed(t: TestContext, name: string, args: string[], command: string[]): Promise<Collected | null> {
  for (let attempt = 1; ; attempt++) {
    const trace = perfTrace(t, name, args, command);
    if (trace === null) return null;
    const c = await collectFiles([trace]);
    const lost = c.diagnostics.length > 0 && c.diagnostics.every((d) => d.severity === 'warning' && LOST_START.test(d.message));
    if (!lost || attempt === PERF_RECORDING_ATTEMPTS) return c;
  }
}

test('perf trace -o: cat of a 100000-byte file', async (t) => {
  const c = await perfTraceParsed(t, 'cat.perf', [], ['cat', input]);
  if (c === null) return;
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.format, 'perf');
  assert.equal(c.result.processes, 1);
  assert.equal(c.result.flags.timestamps, 'perf');
  // cat reads the file in 128 KiB requests (perf names the arguments, and omits zero ones).
  const reads = c.syscalls.filter((e) => e.name === 'read' && argOf(e, 2, 'count') === '131072');
  assert.equal(reads.reduce((a, e) => a + (e.ret ?? 0), 0), SIZE);
  const writes = c.syscalls.filter((e) => e.name === 'write' && parseFdArg(argOf(e, 0, 'fd') ?? '')?.fd === 1);
  assert.equal(writes.reduce((a, e) => a + (e.ret ?? 0), 0), SIZE);
  assert.equal(c.syscalls[0].name, 'execve');
  assert.equal(c.syscalls[0].incomplete, true, 'perf starts tracing inside execve');
  // perf prints the program's path as a pointer; its lines name the command (`cat/1234 read(`).
  assert.deepEqual(Object.values(c.result.commands ?? {}), ['cat']);
});

test('perf trace -s and --pf=all: summary rows and page faults', async (t) => {
  const c = await perfTraceParsed(t, 'cat_s.perf', ['-s'], ['cat', input]);
  if (c === null) return;
  assert.deepEqual(c.diagnostics, []);
  const rows = c.events.filter((e) => e.type === 'summary');
  const read = rows.find((e) => e.type === 'summary' && e.syscall === 'read');
  assert.ok(read !== undefined && read.type === 'summary' && read.calls >= 3);
  const d = await perfTraceParsed(t, 'cat_pf.perf', ['--syscalls', '--pf=all'], ['cat', input]);
  if (d === null) return;
  assert.deepEqual(d.diagnostics, []);
  assert.equal(d.result.flags.pageFaults, true);
  assert.ok(d.events.some((e) => e.type === 'fault'));
  assert.ok(d.syscalls.some((e) => e.name === 'read'));
});

/** cat's writes to stdout (fd 1), in bytes. */
function catOutput(c: Collected): number {
  return c.syscalls.filter((e) => e.name === 'write' && parseFdArg(argOf(e, 0, 'fd') ?? '')?.fd === 1).reduce((a, e) => a + (e.ret ?? 0), 0);
}

test('perf trace --no-inherit and --no-comm: lines without comm/tid, or with the tid alone', async (t) => {
  // One thread traced (--no-inherit, or -p PID of a single thread): `0.043 ( 0.024 ms): read(fd: 3, ...)`.
  const alone = await perfTraceParsed(t, 'cat_no_inherit.perf', ['--no-inherit'], ['cat', input]);
  if (alone === null) return;
  assert.deepEqual(alone.diagnostics, []);
  assert.equal(alone.result.format, 'perf');
  assert.ok(alone.syscalls.length > 20);
  assert.deepEqual([...new Set(alone.events.map((e) => e.pid))], [0], 'no tid printed: the traced process');
  assert.equal(catOutput(alone), SIZE);
  // --no-comm: `2.953 ( 0.022 ms): 10070 brk()`.
  const tids = await perfTraceParsed(t, 'cat_no_comm.perf', ['--no-comm'], ['cat', input]);
  if (tids === null) return;
  assert.deepEqual(tids.diagnostics, []);
  assert.equal(tids.result.processes, 1);
  assert.ok(tids.events.every((e) => e.pid > 0));
  assert.equal(catOutput(tids), SIZE);
});

test('perf trace --call-graph fp --max-stack 3: the frames under each call are its stack', async (t) => {
  const c = await perfTraceParsed(t, 'cat_callgraph.perf', ['--call-graph', 'fp', '--max-stack', '3'], ['cat', input]);
  if (c === null) return;
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.flags.stacks, true);
  const withStack = c.syscalls.filter((e) => e.stack !== null && e.stack !== undefined && e.stack.length > 0);
  assert.ok(withStack.length >= c.syscalls.length / 2, `${withStack.length} of ${c.syscalls.length} calls have frames`);
  assert.ok(withStack.every((e) => (e.stack ?? []).length <= 3));
  assert.equal(catOutput(c), SIZE);
});

test('perf trace: a command name with `/digits ` in it (`w/7 x/25358 read(`) is not taken for comm/tid', async (t) => {
  // The thread names itself `w/7 x` (prctl PR_SET_NAME), then copies the file to its stdout.
  const script = `import ctypes,os,sys\nctypes.CDLL(None).prctl(15, b'w/7 x', 0, 0, 0)\nf=os.open(sys.argv[1], os.O_RDONLY)\nwhile True:\n  b=os.read(f, 65536)\n  if not b: break\n  os.write(1, b)\n`;
  // /usr/bin/python3 itself: a version manager's `python3` shim would run shell scripts first.
  const c = await perfTraceParsed(t, 'slash_comm.perf', [], ['/usr/bin/python3', '-c', script, input]);
  if (c === null) return;
  assert.match(fs.readFileSync(path.join(work, 'slash_comm.perf'), 'utf8'), /w\/7 x\/\d+ read\(/);
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.result.processes, 1);
  assert.equal(catOutput(c), SIZE);
});

test('strace -f -z: the exit part of a call cut in two is printed bare (`)   = 4096`), and still ends that call', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  const bin = buildWorkload(work, 'threads_write', ['-pthread']);
  // Four threads writing at once: strace cuts a few of their calls; a recording where it cut none is redone.
  for (let attempt = 1; ; attempt++) {
    const { trace } = strace(`threads_z${attempt}.trace`, ['-f', '-z'], [bin, path.join(work, 'threads.out')]);
    const bare = (fs.readFileSync(trace, 'utf8').match(/^\) +=/gm) ?? []).length;
    if (bare === 0 && attempt < 10) continue;
    assert.ok(bare > 0, 'strace printed a bare exit part');
    const c = await collectFiles([trace]);
    assert.deepEqual(c.diagnostics, []);
    const writes = c.syscalls.filter((e) => e.name === 'write' && fd0(e)?.fd === 3);
    assert.equal(writes.length, 4 * 2000);
    assert.equal(sumRet(writes, () => true), 4 * 2000 * 4096);
    return;
  }
});

test('strace -e read=all of a read of more than 1 MiB: the dump\'s offsets grow past 5 hex digits', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  const big = path.join(work, 'big.bin');
  fs.writeFileSync(big, Buffer.alloc(1_200_000, 7));
  const { trace } = strace('big_dump.trace', ['-e', 'trace=read', '-e', 'read=all'], ['dd', `if=${big}`, 'of=/dev/null', 'bs=1200000', 'count=1']);
  assert.match(fs.readFileSync(trace, 'utf8'), /^ \| 1[0-9a-f]{5} /m);
  const c = await collectFiles([trace]);
  assert.deepEqual(c.diagnostics, []);
  assert.equal(sumRet(c.syscalls, (e) => e.name === 'read' && e.ret === 1_200_000), 1_200_000);
});

test('strace -n -i: a syscall number wider than 4 digits (`[99999] [00007f...] syscall_0x1869f(`)', { skip: !HAVE_STRACE && 'strace not installed' }, async () => {
  const { trace } = strace('wide_number.trace', ['-f', '-n', '-i'], ['/usr/bin/python3', '-c', 'import ctypes; ctypes.CDLL(None).syscall(99999)']);
  assert.match(fs.readFileSync(trace, 'utf8'), /\[99999\] \[[0-9a-f]+\] syscall_0x1869f\(/);
  const c = await collectFiles([trace]);
  assert.deepEqual(c.diagnostics, []);
  const unknown = c.syscalls.find((e) => e.name === 'syscall_0x1869f');
  assert.ok(unknown !== undefined && unknown.ip !== null && /^\[[0-9a-f]+\]$/.test(unknown.ip));
});
