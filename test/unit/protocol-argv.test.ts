// The pure helpers behind "Run a command under strace / perf trace": the quote-aware command-line
// splitter (no shell, ever), the tracer's argv, trace detection, and the tracer error explanations.

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommandLineError, joinCommandLine, splitCommandLine } from '../../src/extension/argv';
import { looksLikeTrace } from '../../src/extension/trace-detect';
import { buildPerfArgs, buildStraceArgs, DEFAULT_SECCOMP_FILTER } from '../../src/extension/trace-runner';
import { explainSpawnError, explainTracerFailure, tracerErrorLines } from '../../src/extension/tracer-diagnosis';

const root = path.resolve(__dirname, '../../..');

describe('splitCommandLine', () => {
  test('splits words on blanks', () => {
    assert.deepEqual(splitCommandLine('  ./rw_copy   in.bin out.bin\t65536 '), ['./rw_copy', 'in.bin', 'out.bin', '65536']);
    assert.deepEqual(splitCommandLine(''), []);
  });
  test('single quotes are literal, double quotes honour \\" \\\\ \\$ \\`', () => {
    assert.deepEqual(splitCommandLine(`sh -c 'cat in.bin | cat > "out"'`), ['sh', '-c', 'cat in.bin | cat > "out"']);
    assert.deepEqual(splitCommandLine(`echo "a \\"b\\" \\$HOME \\n"`), ['echo', 'a "b" $HOME \\n']);
    assert.deepEqual(splitCommandLine(`a"b c"'d e'f`), ['ab cd ef']);
    assert.deepEqual(splitCommandLine(`x '' ""`), ['x', '', '']);
  });
  test('backslash escapes outside quotes', () => {
    assert.deepEqual(splitCommandLine('cat my\\ file.txt'), ['cat', 'my file.txt']);
  });
  test('no expansion: $VAR, globs and ~ stay as typed', () => {
    assert.deepEqual(splitCommandLine('ls $HOME *.c ~'), ['ls', '$HOME', '*.c', '~']);
  });
  test('refuses shell operators and unterminated quotes', () => {
    for (const bad of ['cat a | cat', 'a > b', 'a>b', 'a && b', 'a; b', 'x `id`', 'http://x/?a=1&b=2', `echo 'oops`, 'echo "oops', 'trailing\\']) {
      assert.throws(() => splitCommandLine(bad), CommandLineError, bad);
    }
    // ...but quoted or escaped, operators are just characters.
    assert.deepEqual(splitCommandLine(`curl 'http://x/?a=1&b=2' "a>b" c\\|d`), ['curl', 'http://x/?a=1&b=2', 'a>b', 'c|d']);
  });
  test('joinCommandLine round-trips', () => {
    for (const argv of [['a', 'b c', "it's", '', '$X', 'a"b']]) assert.deepEqual(splitCommandLine(joinCommandLine(argv)), argv);
  });
});

describe('tracer argv', () => {
  test('strace: settings flags, -s, -o, then -- and the program', () => {
    assert.deepEqual(
      buildStraceArgs({ baseArgs: ['-f', '-ttt', '-T', '-yy'], stringSize: 32, stacks: false }, '/w/t.trace', ['./prog', '-x']),
      ['-f', '-ttt', '-T', '-yy', '-s', '32', '-o', '/w/t.trace', '--', './prog', '-x'],
    );
  });
  test('strace: -k and --seccomp-bpf with a trace filter (adds -f when missing)', () => {
    const args = buildStraceArgs({ baseArgs: ['-ttt'], stringSize: 64, stacks: true, seccompFilter: DEFAULT_SECCOMP_FILTER }, 't', ['p']);
    assert.deepEqual(args, ['-f', '-ttt', '--seccomp-bpf', '-e', `trace=${DEFAULT_SECCOMP_FILTER}`, '-k', '-s', '64', '-o', 't', '--', 'p']);
  });
  test('strace: -ff in the settings is read as -f (the run analyzes the one file it names with -o)', () => {
    assert.deepEqual(
      buildStraceArgs({ baseArgs: ['-ff', '-ttt', '-T', '-yy'], stringSize: 32, stacks: false }, '/w/t.trace', ['./prog']),
      ['-f', '-ttt', '-T', '-yy', '-s', '32', '-o', '/w/t.trace', '--', './prog'],
    );
  });
  test('perf trace', () => {
    assert.deepEqual(buildPerfArgs('/w/p.trace', ['./prog']), ['trace', '-o', '/w/p.trace', '--', './prog']);
  });
});

describe('looksLikeTrace', () => {
  test('recognises every corpus flag set, strace and perf', () => {
    const dir = path.join(root, 'test/fixtures/corpus/traces/cfr_c');
    for (const f of ['plain.trace', 'f.trace', 'f_r.trace', 'f_tt_T.trace', 'f_ttt_T_yy.trace', 'k.trace', 'perf.trace', 'ff.25143']) {
      assert.ok(looksLikeTrace(readFileSync(path.join(dir, f), 'utf8')), f);
    }
  });
  test('refuses source code and prose', () => {
    assert.equal(looksLikeTrace(readFileSync(path.join(root, 'src/extension/argv.ts'), 'utf8')), false);
    assert.equal(looksLikeTrace('Hello world\nThis is a README.\n'), false);
    assert.equal(looksLikeTrace(''), false);
  });
});

describe('tracer errors', () => {
  test('ENOENT says how to install', () => {
    const m = explainSpawnError('strace', 'strace', 'ENOENT', 'spawn strace ENOENT');
    assert.match(m, /not found/);
    assert.match(m, /apt install strace/);
    assert.match(m, /iolens\.stracePath/);
    assert.match(explainSpawnError('perf', '/opt/perf', 'ENOENT', ''), /linux-perf/);
  });
  test('strace ptrace refusal explains ptrace_scope', () => {
    const lines = tracerErrorLines('strace', 'hello from the program\nstrace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted\n');
    assert.deepEqual(lines, ['strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted']);
    const m = explainTracerFailure('strace', lines, { ptraceScope: 1, perfEventParanoid: 2 });
    assert.ok(m);
    assert.match(m, /ptrace_scope is 1/);
    assert.match(m, /SYS_PTRACE/);
  });
  test('perf permission explains perf_event_paranoid', () => {
    const lines = tracerErrorLines('perf', 'Error:\tNo permissions to read /sys/kernel/tracing/events/raw_syscalls/sys_(enter|exit)\nHint:\tTry \'sudo mount -o remount,mode=755 /sys/kernel/tracing/\'\n');
    const m = explainTracerFailure('perf', lines, { ptraceScope: null, perfEventParanoid: 2 });
    assert.ok(m);
    assert.match(m, /perf_event_paranoid is 2/);
  });
  test('the program failing is not a tracer failure', () => {
    assert.equal(explainTracerFailure('strace', tracerErrorLines('strace', 'cat: nope: No such file or directory\n')), null);
  });
  test('other tracer errors are quoted', () => {
    const m = explainTracerFailure('strace', ['strace: Can\'t stat \'./nope\': No such file or directory'], { ptraceScope: 0, perfEventParanoid: 2 });
    assert.match(m ?? '', /strace failed: strace: Can't stat/);
  });
});
