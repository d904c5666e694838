// Editor support for trace files (language `strace`): hovers on each call (what it does, its
// class, its fds resolved, the transfer it belongs to in the loaded trace), document symbols per
// process, folding of -k stacks, go-to-definition from an fd to the call that opened it, and the
// content check that gives `strace` to plain-text documents that are strace/perf output.

import * as vscode from 'vscode';
import { TransferLocator, eventFdPaths } from '../core/call-sites';
import type { Transfer } from '../core/report-types';
import { DATA_CALLS } from '../core/syscall-classes';
import { describeSyscall, syscallClassInfo } from '../core/syscall-docs';
import { parseFdArg, parseTraceText, splitArgs } from '../strace-parser';
import type { SyscallEvent, TraceEvent } from '../strace-parser/types';
import { codeSpan, commandLink, endpointText, formatUs, HOVER_COMMANDS, SHOW_TRANSFER_COMMAND, EXPLAIN_TRANSFER_COMMAND } from './source-hover';
import { looksLikeTrace } from './trace-detect';
import { traceStore } from './trace-store';

export const TRACE_SELECTOR: vscode.DocumentSelector = [{ language: 'strace' }];
/** Documents larger than this are not parsed for hovers/definitions (folding still works). */
const MAX_PARSE_CHARS = 64 << 20;

interface FdBinding {
  fd: number;
  /** 1-based line of the call that made the fd. */
  line: number;
  call: string;
  path: string | null;
}

interface ModelEvent {
  kind: TraceEvent['type'];
  line: number;
  endLine: number;
  resumedLine?: number;
  pid: number;
  /** Syscall events only. */
  call?: SyscallEvent;
  signal?: string;
}

interface ProcessInfo {
  pid: number;
  first: number;
  last: number;
  calls: number;
  command?: string;
  exit?: string;
}

interface TraceModel {
  version: number;
  /** 1-based line -> index into events + 1 (0 = none). */
  lineEvent: Int32Array;
  events: ModelEvent[];
  processes: Map<number, ProcessInfo>;
  bindings: Map<number, Map<number, FdBinding[]>>;
  parents: Map<number, { parent: number; line: number; shared: boolean }>;
}

const FD_RESULT_CALLS = new Set([
  'open', 'openat', 'openat2', 'creat', 'socket', 'accept', 'accept4', 'dup', 'dup2', 'dup3', 'eventfd', 'eventfd2', 'memfd_create',
  'signalfd', 'signalfd4', 'timerfd_create', 'epoll_create', 'epoll_create1', 'inotify_init', 'inotify_init1', 'userfaultfd',
  'pidfd_open', 'perf_event_open', 'fanotify_init', 'io_uring_setup',
]);

/** Argument positions that hold fds, for calls whose fds are not decorated (no -y). */
function fdPositions(name: string): number[] {
  const data = DATA_CALLS[name];
  if (data) return [data.fd[0]];
  switch (name) {
    case 'sendfile': case 'sendfile64': case 'tee': case 'dup2': case 'dup3': return [0, 1];
    case 'splice': case 'copy_file_range': return [0, 2];
    case 'mmap': case 'mmap2': return [4];
    case 'epoll_ctl': return [0, 2];
    case 'close': case 'fstat': case 'lseek': case 'fcntl': case 'fcntl64': case 'ioctl': case 'dup': case 'fsync': case 'fdatasync':
    case 'ftruncate': case 'fadvise64': case 'vmsplice': case 'io_uring_enter': case 'io_uring_register': case 'accept': case 'accept4':
    case 'connect': case 'bind': case 'listen': case 'getsockopt': case 'setsockopt': case 'shutdown': case 'getsockname': case 'getpeername':
    case 'getdents64': case 'fchmod': case 'fchown': case 'flock': case 'fallocate': case 'sync_file_range': case 'readahead':
      return [0];
    case 'newfstatat': case 'openat': case 'openat2': case 'statx': case 'faccessat': case 'faccessat2': case 'unlinkat': case 'mkdirat': case 'renameat2':
      return [0];
    default: return [];
  }
}

function buildModel(document: vscode.TextDocument): TraceModel {
  const lineEvent = new Int32Array(document.lineCount + 2);
  const events: ModelEvent[] = [];
  const processes = new Map<number, ProcessInfo>();
  const bindings = new Map<number, Map<number, FdBinding[]>>();
  const parents = new Map<number, { parent: number; line: number; shared: boolean }>();
  const bind = (pid: number, b: FdBinding): void => {
    let table = bindings.get(pid);
    if (!table) bindings.set(pid, (table = new Map()));
    const list = table.get(b.fd);
    if (list) list.push(b);
    else table.set(b.fd, [b]);
  };
  parseTraceText(document.getText(), document.uri.toString(), {
    event(ev: TraceEvent): void {
      if (ev.type === 'summary' || ev.type === 'fault') return;
      const m: ModelEvent = { kind: ev.type, line: ev.line, endLine: ev.endLine, pid: ev.pid };
      let proc = processes.get(ev.pid);
      if (!proc) processes.set(ev.pid, (proc = { pid: ev.pid, first: ev.line, last: ev.endLine, calls: 0 }));
      proc.first = Math.min(proc.first, ev.line);
      proc.last = Math.max(proc.last, ev.endLine);
      if (ev.type === 'syscall') {
        m.call = ev;
        m.resumedLine = ev.resumedLine;
        proc.calls++;
        if (ev.name === 'execve' && ev.ret === 0) {
          const prog = ev.args[0];
          if (prog && prog.startsWith('"')) proc.command = prog.slice(1, prog.lastIndexOf('"') > 0 ? prog.lastIndexOf('"') : undefined);
        }
        if (ev.ret !== null && ev.ret >= 0 && FD_RESULT_CALLS.has(ev.name)) {
          const dec = ev.resultText ? parseFdArg(ev.resultText.trim().split(' ')[0] ?? '') : null;
          const firstArg = ev.args[0];
          const opened = ev.name.startsWith('open') || ev.name === 'creat' ? (ev.name === 'open' || ev.name === 'creat' ? firstArg : ev.args[1]) : undefined;
          bind(ev.pid, { fd: ev.ret, line: ev.line, call: ev.name, path: dec?.path ?? (opened?.startsWith('"') ? opened.slice(1, opened.lastIndexOf('"')) : null) });
        }
        if ((ev.name === 'pipe' || ev.name === 'pipe2' || ev.name === 'socketpair') && ev.ret === 0) {
          const arr = ev.args[ev.name === 'socketpair' ? 3 : 0] ?? '';
          for (const piece of splitArgs(arr.replace(/^\[|\]$/g, ''))) {
            const fd = parseFdArg(piece);
            if (fd) bind(ev.pid, { fd: fd.fd, line: ev.line, call: ev.name, path: fd.path });
          }
        }
        if ((ev.name === 'clone' || ev.name === 'clone3' || ev.name === 'fork' || ev.name === 'vfork') && ev.ret !== null && ev.ret > 0) {
          parents.set(ev.ret, { parent: ev.pid, line: ev.line, shared: /CLONE_FILES|CLONE_THREAD/.test(ev.argText) });
        }
      } else if (ev.type === 'signal') {
        m.signal = ev.signal;
      } else if (ev.type === 'exit') {
        proc.exit = ev.signal ? `killed by ${ev.signal}` : `exited with ${ev.code}`;
      }
      events.push(m);
      const idx = events.length;
      const mark = (from: number, to: number): void => {
        for (let l = from; l <= to && l < lineEvent.length; l++) if (lineEvent[l] === 0) lineEvent[l] = idx;
      };
      mark(ev.line, ev.line);
      if (m.resumedLine !== undefined) mark(m.resumedLine, ev.endLine);
      else mark(ev.line, ev.endLine);
    },
    diagnostic(): void {
      // Unreadable lines just get no hover.
    },
  });
  return { version: document.version, lineEvent, events, processes, bindings, parents };
}

const models = new Map<string, TraceModel>();

function modelFor(document: vscode.TextDocument): TraceModel | undefined {
  if (document.getText().length > MAX_PARSE_CHARS) return undefined;
  const key = document.uri.toString();
  const cached = models.get(key);
  if (cached && cached.version === document.version) return cached;
  const m = buildModel(document);
  models.set(key, m);
  return m;
}

function eventAtLine(model: TraceModel, line0: number): ModelEvent | undefined {
  const idx = model.lineEvent[line0 + 1] ?? 0;
  return idx > 0 ? model.events[idx - 1] : undefined;
}

/** The fd open at `line` (1-based) in `pid`: the last binding before it, through parents for inherited fds. */
function findBinding(model: TraceModel, pid: number, fd: number, line: number): FdBinding | undefined {
  let p: number | undefined = pid;
  let limit = line;
  for (let depth = 0; p !== undefined && depth < 64; depth++) {
    const list = model.bindings.get(p)?.get(fd);
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i].line < limit || (list[i].line === limit && p !== pid)) return list[i];
    }
    const parent = model.parents.get(p);
    if (!parent) return undefined;
    if (!parent.shared) limit = Math.min(limit, parent.line);
    p = parent.parent;
  }
  return undefined;
}

interface FdToken {
  fd: number;
  start: number;
  end: number;
  path: string | null;
}

/** The fd arguments of the call on this line, with their columns. */
function fdTokens(text: string, ev: ModelEvent): FdToken[] {
  const call = ev.call;
  if (!call) return [];
  const open = text.indexOf(`${call.name}(`);
  if (open < 0) return [];
  const positions = new Set(fdPositions(call.name));
  const out: FdToken[] = [];
  let cursor = open + call.name.length + 1;
  const args = splitArgs(text.slice(cursor, text.lastIndexOf(')') > cursor ? text.lastIndexOf(')') : undefined));
  args.forEach((arg, i) => {
    const at = text.indexOf(arg, cursor);
    if (at < 0) return;
    cursor = at + arg.length;
    const fd = parseFdArg(arg);
    if (!fd || fd.fd < 0) return;
    const decorated = /^-?\d+</.test(arg.replace(/^[a-z_]+: /, ''));
    if (!decorated && !positions.has(i)) return;
    const num = /-?\d+/.exec(arg);
    if (!num) return;
    out.push({ fd: fd.fd, start: at + num.index, end: at + num.index + num[0].length, path: fd.path });
  });
  return out;
}

function transferOf(document: vscode.TextDocument, ev: ModelEvent): { transfers: Transfer[]; loaded: boolean } {
  const trace = traceStore.current;
  const call = ev.call;
  if (!trace || !call) return { transfers: [], loaded: false };
  const fileIndex = trace.uris.findIndex((u) => u.toString() === document.uri.toString());
  if (fileIndex < 0) return { transfers: [], loaded: false };
  const locator = new TransferLocator(trace.report);
  return { transfers: locator.find({ pid: call.pid, fileIndex, line: call.line, name: call.name }, () => eventFdPaths(call)), loaded: true };
}

export class TraceHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const model = modelFor(document);
    if (!model) return undefined;
    const ev = eventAtLine(model, position.line);
    if (!ev) return undefined;
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = { enabledCommands: [...HOVER_COMMANDS, 'iolens.analyzeTrace'] };
    const text = document.lineAt(position.line).text;
    if (ev.kind === 'signal') {
      md.appendMarkdown(`**Signal** ${codeSpan(ev.signal ?? '')} delivered to pid ${ev.pid}.`);
      return new vscode.Hover(md);
    }
    if (ev.kind === 'exit') {
      const proc = model.processes.get(ev.pid);
      md.appendMarkdown(`**Process ${ev.pid}** ${proc?.exit ?? 'ended'}`);
      if (proc) md.appendText(` · ${proc.calls.toLocaleString('en-US')} calls traced, lines ${proc.first}–${proc.last}`);
      return new vscode.Hover(md);
    }
    const call = ev.call;
    if (!call) return undefined;
    const cls = syscallClassInfo(call.name);
    md.appendMarkdown(`**${codeSpan(call.name)}** · ${cls.words} · pid ${call.pid}`);
    const doc = describeSyscall(call.name);
    if (doc) {
      md.appendMarkdown('\n\n');
      md.appendText(doc);
    }
    const facts: string[] = [];
    if (call.resultText !== null) facts.push(`returned ${call.resultText.length > 80 ? `${call.resultText.slice(0, 80)}…` : call.resultText}`);
    else facts.push(call.incomplete ? 'did not finish in the trace' : 'no result');
    if (call.duration !== null) facts.push(`took ${formatUs(call.duration * 1e6)}`);
    if (call.stack) facts.push(`${call.stack.length} stack frames`);
    md.appendMarkdown('\n\n');
    md.appendText(facts.join(' · '));
    // On a `<... read resumed>` line the fds are on the call's first line (`read(0<pipe:[..]>, <unfinished ...>`).
    const callText = text.includes(`${call.name}(`) || ev.line - 1 === position.line ? text : document.lineAt(Math.min(ev.line - 1, document.lineCount - 1)).text;
    const tokens = fdTokens(callText, ev);
    for (const tok of tokens) {
      const b = findBinding(model, call.pid, tok.fd, call.line);
      const what = tok.path ?? b?.path ?? null;
      md.appendMarkdown(`\n\n- fd ${tok.fd} → `);
      // Opened in the trace but never named (perf prints open's path as a pointer): say that, not "unknown".
      md.appendText(what ?? (b ? 'not named in the trace' : tok.fd <= 2 ? ['stdin', 'stdout', 'stderr'][tok.fd] + ' (inherited)' : 'unknown (opened before the trace or untracked)'));
      if (b) md.appendText(` · opened by ${b.call} at line ${b.line}`);
    }
    const { transfers, loaded } = transferOf(document, ev);
    if (transfers.length > 0) {
      for (const t of transfers.slice(0, 3)) {
        md.appendMarkdown(`\n\n**Part of transfer ${t.id}** · ${codeSpan(t.strategy)} · `);
        md.appendText(`${endpointText(t.source)} → ${endpointText(t.sink)}`);
        md.appendMarkdown('\n\n');
        md.appendText(`${t.bytes === null ? 'bytes unknown' : `${t.bytes.toLocaleString('en-US')} bytes`} · ${t.modeSwitches} mode switches · ${t.copies.cpu ?? '?'} CPU copies/byte`);
        if (t.recommendation) {
          md.appendMarkdown(` · cheaper: ${codeSpan(t.recommendation.strategy)}`);
        }
        md.appendMarkdown(`\n\n[Open in report](${commandLink(SHOW_TRANSFER_COMMAND, { id: t.id })}) · [Explain](${commandLink(EXPLAIN_TRANSFER_COMMAND, { id: t.id })})`);
      }
    } else if (!loaded && document.uri.scheme === 'file' && (cls.class === 'read' || cls.class === 'write' || cls.class === 'zerocopy')) {
      md.appendMarkdown(`\n\n[Analyze this trace](${commandLink('iolens.analyzeTrace', document.uri.toJSON())}) to see the transfer this call belongs to.`);
    }
    const word = tokens.find((t) => position.character >= t.start && position.character <= t.end);
    const range = word ? new vscode.Range(position.line, word.start, position.line, word.end) : undefined;
    return new vscode.Hover(md, range);
  }
}

export class TraceDefinitionProvider implements vscode.DefinitionProvider {
  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    const model = modelFor(document);
    if (!model) return undefined;
    const ev = eventAtLine(model, position.line);
    if (!ev?.call) return undefined;
    const tok = fdTokens(document.lineAt(position.line).text, ev).find((t) => position.character >= t.start && position.character <= t.end);
    if (!tok) return undefined;
    const b = findBinding(model, ev.call.pid, tok.fd, ev.call.line);
    if (!b) return undefined;
    const line = b.line - 1;
    return new vscode.Location(document.uri, new vscode.Range(line, 0, line, document.lineAt(line).text.length));
  }
}

export class TraceSymbolProvider implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const model = modelFor(document);
    if (!model) return [];
    const out: vscode.DocumentSymbol[] = [];
    const last = Math.max(0, document.lineCount - 1);
    const symbols = new Map<number, vscode.DocumentSymbol>();
    for (const p of [...model.processes.values()].sort((a, b) => a.first - b.first)) {
      const start = Math.min(p.first - 1, last);
      const end = Math.min(p.last - 1, last);
      const range = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
      const name = `pid ${p.pid}${p.command ? ` ${p.command}` : ''}`;
      const sym = new vscode.DocumentSymbol(name, `${p.calls.toLocaleString('en-US')} calls${p.exit ? ` · ${p.exit}` : ''}`, vscode.SymbolKind.Module, range, new vscode.Range(start, 0, start, document.lineAt(start).text.length));
      symbols.set(p.pid, sym);
      out.push(sym);
    }
    // One pass over the events (a pass per process was processes x events: 10 s on a 4,000-process trace).
    for (const ev of model.events) {
      const sym = symbols.get(ev.pid);
      if (sym === undefined || sym.children.length >= 200) continue;
      const isExecve = ev.call?.name === 'execve';
      if (!isExecve && ev.kind !== 'signal' && ev.kind !== 'exit') continue;
      const l = Math.min(ev.line - 1, last);
      const sel = new vscode.Range(l, 0, l, document.lineAt(l).text.length);
      if (isExecve) sym.children.push(new vscode.DocumentSymbol('execve', '', vscode.SymbolKind.Function, sel, sel));
      else if (ev.kind === 'signal') sym.children.push(new vscode.DocumentSymbol(ev.signal ?? 'signal', 'signal', vscode.SymbolKind.Event, sel, sel));
      else sym.children.push(new vscode.DocumentSymbol(model.processes.get(ev.pid)?.exit ?? 'exit', 'exit', vscode.SymbolKind.Event, sel, sel));
    }
    return out;
  }
}

/** Folds each call's -k frames under its line (text-based, so it works on any size). */
export class TraceFoldingProvider implements vscode.FoldingRangeProvider {
  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    const out: vscode.FoldingRange[] = [];
    let start = -1;
    for (let i = 0; i < document.lineCount; i++) {
      const frame = document.lineAt(i).text.startsWith(' > ');
      if (frame && start < 0) start = Math.max(0, i - 1);
      if (!frame && start >= 0) {
        if (i - 1 > start) out.push(new vscode.FoldingRange(start, i - 1, vscode.FoldingRangeKind.Region));
        start = -1;
      }
    }
    if (start >= 0 && document.lineCount - 1 > start) out.push(new vscode.FoldingRange(start, document.lineCount - 1, vscode.FoldingRangeKind.Region));
    return out;
  }
}

const checked = new Set<string>();

/** Gives the `strace` language to plain-text/log documents whose content is strace or perf trace output (once per document). */
export async function detectTraceDocument(document: vscode.TextDocument): Promise<boolean> {
  if (document.languageId !== 'plaintext' && document.languageId !== 'log') return false;
  const key = document.uri.toString();
  if (checked.has(key)) return false;
  checked.add(key);
  const head = document.getText(new vscode.Range(0, 0, Math.min(document.lineCount, 80), 0));
  if (!looksLikeTrace(head)) return false;
  await vscode.languages.setTextDocumentLanguage(document, 'strace');
  return true;
}

export function forgetTraceDocument(document: vscode.TextDocument): void {
  models.delete(document.uri.toString());
}
