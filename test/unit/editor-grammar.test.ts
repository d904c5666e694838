// The strace TextMate grammar (syntaxes/strace.tmLanguage.json) on the corpus traces, tokenized with
// the real vscode-textmate + vscode-oniguruma (devDependencies, the versions VS Code 1.139 ships).
// Also that every regex compiles, and the package.json firstLine regex.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './support/corpus';

const GRAMMAR = path.join(repoRoot(), 'syntaxes', 'strace.tmLanguage.json');
// The same versions VS Code 1.139 ships (devDependencies), so the grammar is tested as VS Code runs it.
const TM_MODULES = path.join(repoRoot(), 'node_modules');
const CORPUS = path.join(repoRoot(), 'test', 'fixtures', 'corpus', 'traces');

interface Token { text: string; scopes: string[] }
type Tokenize = (lines: string[]) => { tokens: Token[][]; closedEveryLine: boolean };

/** Every `match`/`begin`/`end` regex of the grammar. */
function grammarRegexes(): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(JSON.parse(fs.readFileSync(GRAMMAR, 'utf8')));
  return out;
}

async function loadTokenizer(): Promise<Tokenize | null> {
  if (!fs.existsSync(path.join(TM_MODULES, 'vscode-textmate')) || !fs.existsSync(path.join(TM_MODULES, 'vscode-oniguruma'))) return null;
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- optional modules of the harness, untyped here */
  const tm = require(path.join(TM_MODULES, 'vscode-textmate')) as any;
  const onig = require(path.join(TM_MODULES, 'vscode-oniguruma')) as any;
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
  const wasm = fs.readFileSync(path.join(TM_MODULES, 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new onig.OnigScanner(s), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async () => tm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR),
  });
  const grammar = await registry.loadGrammar('source.strace');
  return (lines) => {
    const tokens: Token[][] = [];
    let closedEveryLine = true;
    let stack = tm.INITIAL;
    for (const line of lines) {
      const r = grammar.tokenizeLine(line, stack);
      tokens.push(r.tokens.map((t: { startIndex: number; endIndex: number; scopes: string[] }) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
      stack = r.ruleStack;
      if (stack.depth !== 1) closedEveryLine = false; // only the root scope left: every begin/end rule closed
    }
    return { tokens, closedEveryLine };
  };
}

const tokenizerPromise = loadTokenizer();

function scopeOf(line: Token[], text: string): string[] {
  const t = line.find((x) => x.text === text);
  assert.ok(t, `no token ${JSON.stringify(text)} in ${JSON.stringify(line.map((x) => x.text))}`);
  return t.scopes;
}

function hasScope(line: Token[], text: string, scope: string): void {
  const scopes = scopeOf(line, text);
  assert.ok(scopes.some((s) => s.startsWith(scope)), `${JSON.stringify(text)} has ${scopes.join(' ')}, not ${scope}`);
}

function traceLines(rel: string): string[] {
  return fs.readFileSync(path.join(CORPUS, rel), 'utf8').split('\n');
}

function tokenizeWhere(tokenize: Tokenize, rel: string, pick: (l: string) => boolean): { line: string; tokens: Token[] } {
  const lines = traceLines(rel);
  const idx = lines.findIndex(pick);
  assert.ok(idx >= 0, `no such line in ${rel}`);
  // Tokenize from the start so the state is the real one.
  const { tokens } = tokenize(lines.slice(0, idx + 1));
  return { line: lines[idx] as string, tokens: tokens[idx] as Token[] };
}

test('every grammar regex compiles (JS subset check)', () => {
  const regexes = grammarRegexes();
  assert.ok(regexes.length > 20);
  for (const r of regexes) assert.doesNotThrow(() => new RegExp(r), r);
});

test('package.json: the grammar is contributed for strace, and firstLine recognizes the corpus traces', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
  const g = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'strace');
  assert.equal(g.scopeName, 'source.strace');
  assert.ok(fs.existsSync(path.join(repoRoot(), g.path)));
  const lang = pkg.contributes.languages.find((x: { id: string }) => x.id === 'strace');
  assert.ok(fs.existsSync(path.join(repoRoot(), lang.configuration)));
  const firstLine = new RegExp(lang.firstLine);
  let checked = 0;
  for (const wl of fs.readdirSync(CORPUS)) {
    for (const f of fs.readdirSync(path.join(CORPUS, wl))) {
      if (/perf_s|perf_pf/.test(f)) continue; // summary / page-fault only files have no call line first
      const first = traceLines(path.join(wl, f))[0] ?? '';
      assert.ok(firstLine.test(first), `${wl}/${f}: firstLine does not match ${JSON.stringify(first.slice(0, 100))}`);
      checked++;
    }
  }
  assert.ok(checked > 50);
  assert.ok(!firstLine.test('#include <stdio.h>'));
  assert.ok(!firstLine.test('def main():'));
});

test('tokens: pids, timestamps, syscall names by class, fd decorations, results, durations', async () => {
  const tokenize = await tokenizerPromise;
  assert.ok(tokenize, 'vscode-textmate and vscode-oniguruma are installed (devDependencies)');
  const { tokens } = tokenizeWhere(tokenize, 'sendfile_c/f_ttt_T_yy.trace', (l) => / sendfile\(/.test(l));
  assert.ok(/^\d+$/.test(tokens[0]?.text ?? '') && tokens[0]?.scopes.includes('constant.numeric.pid.strace'), 'pid');
  assert.ok(tokens.some((x) => /^\d{10}\.\d{6}$/.test(x.text) && x.scopes.includes('constant.numeric.timestamp.strace')), 'timestamp');
  hasScope(tokens, 'sendfile', 'entity.name.function.syscall.zerocopy.strace');
  hasScope(tokens, '/tmp/ctx/data/in.bin', 'string.unquoted.fd-path.strace');
  assert.ok(tokens.some((x) => x.text.startsWith('TCP:[127.0.0.1:') && x.text.includes('->') && x.scopes.includes('string.unquoted.fd-path.strace')), 'socket decoration with -> stays one path');
  hasScope(tokens, '=', 'keyword.operator.assignment.result.strace');
  assert.ok(tokens.some((x) => x.scopes.includes('constant.numeric.duration.strace')), 'duration');
  const read = tokenizeWhere(tokenize, 'rw_send_c/f_ttt_T_yy.trace', (l) => / read\(3</.test(l));
  hasScope(read.tokens, 'read', 'entity.name.function.syscall.data.strace');
  assert.ok(read.tokens.some((x) => x.scopes.includes('string.quoted.double.strace')), 'buffer string');
  assert.ok(read.tokens.some((x) => x.scopes.includes('constant.character.escape.strace')), 'escapes in the buffer');
  assert.ok(read.tokens.some((x) => x.text === '...' && x.scopes.includes('comment.truncated.strace')), '-s truncation');
});

test('tokens: errors, signals, exits, unfinished/resumed, [pid N], -k frames, perf', async () => {
  const tokenize = await tokenizerPromise;
  assert.ok(tokenize, 'vscode-textmate and vscode-oniguruma are installed (devDependencies)');
  const enoent = tokenizeWhere(tokenize, 'rw_copy_c/f.trace', (l) => l.includes('ENOENT'));
  hasScope(enoent.tokens, 'ENOENT', 'invalid.illegal.errno.strace');
  hasScope(enoent.tokens, '(No such file or directory)', 'comment.errno-message.strace');
  const sig = tokenizeWhere(tokenize, 'fork_server_c/f.trace', (l) => l.includes('--- SIGCHLD'));
  hasScope(sig.tokens, 'SIGCHLD', 'keyword.control.signal.strace');
  const exit = tokenizeWhere(tokenize, 'fork_server_c/f.trace', (l) => l.includes('+++ exited with 0 +++'));
  hasScope(exit.tokens, 'exited with', 'keyword.control.exit.strace');
  const unfinished = tokenizeWhere(tokenize, 'fork_server_c/f.trace', (l) => l.includes('<unfinished ...>'));
  hasScope(unfinished.tokens, '<unfinished ...>', 'comment.unfinished.strace');
  const resumed = tokenizeWhere(tokenize, 'fork_server_c/f.trace', (l) => l.includes('resumed>'));
  hasScope(resumed.tokens, '<...', 'comment.resumed.strace');
  const bracketPid = tokenizeWhere(tokenize, 'fork_server_c/stderr_f.trace', (l) => l.startsWith('[pid '));
  hasScope(bracketPid.tokens, 'pid', 'keyword.other.pid.strace');
  const frame = tokenizeWhere(tokenize, 'sendfile_c/k.trace', (l) => l.includes('sendfile_send(main+'));
  assert.ok(frame.tokens.every((x) => x.scopes.includes('meta.stack-frame.strace')));
  hasScope(frame.tokens, 'main', 'entity.name.function.frame.strace');
  hasScope(frame.tokens, '/tmp/ctx/bin/sendfile_send', 'string.unquoted.binary.strace');
  const perf = tokenizeWhere(tokenize, 'rw_copy_c/perf.trace', (l) => / read\(fd: /.test(l));
  hasScope(perf.tokens, 'rw_copy', 'entity.name.type.comm.strace');
  hasScope(perf.tokens, 'fd', 'variable.parameter.strace');
  hasScope(perf.tokens, 'read', 'entity.name.function.syscall.data.strace');
});

test('every line of every corpus trace is tokenized and leaves no rule open', async () => {
  const tokenize = await tokenizerPromise;
  assert.ok(tokenize, 'vscode-textmate and vscode-oniguruma are installed (devDependencies)');
  let lines = 0;
  for (const wl of fs.readdirSync(CORPUS)) {
    for (const f of fs.readdirSync(path.join(CORPUS, wl))) {
      const text = traceLines(path.join(wl, f)).filter((l) => l.trim().length > 0);
      const { tokens, closedEveryLine } = tokenize(text);
      assert.ok(closedEveryLine, `${wl}/${f}: a rule stays open across lines`);
      const bare = tokens.filter((line) => line.every((x) => x.scopes.length === 1 || x.text.trim() === '')).length;
      assert.ok(bare <= Math.max(2, text.length * 0.01), `${wl}/${f}: ${bare} of ${text.length} lines match no rule`);
      lines += text.length;
    }
  }
  assert.ok(lines > 10_000);
});
