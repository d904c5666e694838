// -k frames -> source lines: resolves each user-code frame (`/path/bin(func+0x1f) [0x1599]`) to
// `file:line` with the binary's debug info through binutils' addr2line, and maps the files onto the
// workspace. One addr2line process per binary, all its addresses on stdin, results cached per
// binary + mtime + size. Spawned with an argument array (never a shell). No VS Code.
//
// Addresses: strace prints the frame's address as an offset into the binary FILE (pc - start of the
// mapping + the mapping's file offset). addr2line wants the link-time virtual address, so the offset
// goes through the ELF program headers (PT_LOAD: vaddr = offset - p_offset + p_vaddr), which handles
// PIE and non-PIE binaries alike. Frames are return addresses (the caller's next instruction), so
// one byte is taken off to land inside the call and get its line, not the next one.

import { spawn } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { CallSiteIndex, FrameRef, SiteCallStats } from './call-sites';

export interface SourceLocation {
  /** The file as the debug info names it (absolute, or relative to the compilation folder). */
  file: string;
  /** 1-based line. */
  line: number;
  /** The function (demangled), null when unknown. */
  function: string | null;
  /** This location is inside an inlined call (addr2line -i printed an enclosing scope after it). */
  inlined: boolean;
}

export interface LoadSegment {
  offset: number;
  vaddr: number;
  filesz: number;
}

/** Reads the PT_LOAD program headers of an ELF file (32/64-bit, either byte order); null when not ELF. */
export async function readLoadSegments(file: string): Promise<LoadSegment[] | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    if (bytesRead < 52 || head.readUInt32BE(0) !== 0x7f454c46) return null;
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number): number => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const phoff = is64 ? u64(head, 32) : u32(head, 28);
    const phentsize = u16(head, is64 ? 54 : 42);
    const phnum = u16(head, is64 ? 56 : 44);
    if (phnum === 0 || phnum > 4096 || phentsize < (is64 ? 56 : 32)) return [];
    const table = Buffer.alloc(phentsize * phnum);
    await fh.read(table, 0, table.length, phoff);
    const out: LoadSegment[] = [];
    for (let i = 0; i < phnum; i++) {
      const b = i * phentsize;
      if (u32(table, b) !== 1 /* PT_LOAD */) continue;
      if (is64) out.push({ offset: u64(table, b + 8), vaddr: u64(table, b + 16), filesz: u64(table, b + 32) });
      else out.push({ offset: u32(table, b + 4), vaddr: u32(table, b + 8), filesz: u32(table, b + 16) });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** File offset -> link-time virtual address (identity when no segment holds it, or no headers). */
export function fileOffsetToVaddr(offset: number, segments: readonly LoadSegment[] | null): number {
  if (segments) {
    for (const s of segments) {
      if (offset >= s.offset && offset < s.offset + Math.max(s.filesz, 1)) return offset - s.offset + s.vaddr;
    }
  }
  return offset;
}

/**
 * Parses `addr2line -a -f -i` output: each address line (`0x...`) is followed by function/location
 * pairs, innermost inlined scope first. Returns locations per address (as printed in hex).
 */
export function parseAddr2lineOutput(text: string): Map<number, SourceLocation[]> {
  const out = new Map<number, SourceLocation[]>();
  const lines = text.split('\n');
  let current: SourceLocation[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    if (/^0x[0-9a-fA-F]+$/.test(line)) {
      current = [];
      out.set(Number.parseInt(line, 16), current);
      continue;
    }
    if (current === null || line.length === 0) continue;
    const fn = line;
    const loc = lines[i + 1]?.trimEnd() ?? '';
    i++;
    const m = /^(.*):(\d+|\?)(?: \(discriminator \d+\))?$/.exec(loc);
    if (m === null || m[1] === '??' || m[2] === '?' || m[2] === '0') continue;
    current.push({ file: m[1], line: Number(m[2]), function: fn === '??' ? null : fn, inlined: false });
  }
  for (const locs of out.values()) for (let k = 0; k < locs.length - 1; k++) locs[k].inlined = true;
  return out;
}

/** Runs a program with arguments and stdin, resolves its stdout; the seam tests and the extension can replace. */
export type ProcessRunner = (file: string, args: readonly string[], stdin: string, timeoutMs: number) => Promise<string>;

export const spawnRunner: ProcessRunner = (file, args, stdin, timeoutMs) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= 64 << 20) chunks.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 4096) err += d.toString('utf8');
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new Error(`${file} exited with ${code}: ${err.trim().slice(0, 500)}`));
    });
    child.stdin.on('error', () => undefined); // addr2line gone early: the close handler reports it
    child.stdin.end(stdin);
  });

export interface ResolverOptions {
  /** addr2line executable (default `addr2line` on PATH). */
  addr2line?: string;
  run?: ProcessRunner;
  /** Per binary (default 30 s). */
  timeoutMs?: number;
  /** Where a binary named by the trace really is (the trace was recorded elsewhere); default: itself. */
  locateBinary?: (binary: string) => Promise<string | undefined>;
}

export interface BinaryResolution {
  binary: string;
  /** The file actually read (after locateBinary), or null when none was found. */
  file: string | null;
  /** file offset -> locations (innermost first); empty list = no line info. */
  locations: Map<number, SourceLocation[]>;
  /** Why nothing came out (missing binary, no addr2line, no debug info), else undefined. */
  problem?: string;
}

/** Resolves frames to source locations with a cache per binary + mtime + size. */
export class SourceLineResolver {
  private readonly cache = new Map<string, Map<number, SourceLocation[]>>();
  private readonly run: ProcessRunner;

  constructor(private readonly options: ResolverOptions = {}) {
    this.run = options.run ?? spawnRunner;
  }

  /** How many binary versions are cached (tests). */
  get cachedBinaries(): number {
    return this.cache.size;
  }

  clear(): void {
    this.cache.clear();
  }

  /** Resolves every offset of one binary; only the offsets not yet cached go to addr2line. */
  async resolveBinary(binary: string, offsets: readonly number[]): Promise<BinaryResolution> {
    const file = this.options.locateBinary ? await this.options.locateBinary(binary) : binary;
    if (file === undefined) return { binary, file: null, locations: new Map(), problem: `${binary} is not on this machine` };
    let st;
    try {
      st = await stat(file);
    } catch {
      return { binary, file: null, locations: new Map(), problem: `${file} is not on this machine` };
    }
    const key = `${file}\0${st.mtimeMs}\0${st.size}`;
    let cached = this.cache.get(key);
    if (cached === undefined) {
      for (const k of this.cache.keys()) if (k.startsWith(`${file}\0`)) this.cache.delete(k); // rebuilt binary
      cached = new Map();
      this.cache.set(key, cached);
    }
    const missing = [...new Set(offsets)].filter((o) => !cached.has(o));
    let problem: string | undefined;
    if (missing.length > 0) {
      let segments: LoadSegment[] | null = null;
      try {
        segments = await readLoadSegments(file);
      } catch {
        segments = null;
      }
      if (segments === null) {
        problem = `${file} is not an ELF file`;
        for (const o of missing) cached.set(o, []);
      } else {
        const query = missing.map((o) => ({ offset: o, vaddr: Math.max(0, fileOffsetToVaddr(o, segments) - 1) }));
        const stdin = query.map((q) => `0x${q.vaddr.toString(16)}`).join('\n') + '\n';
        try {
          const out = await this.run(this.options.addr2line ?? 'addr2line', ['-e', file, '-a', '-f', '-C', '-i'], stdin, this.options.timeoutMs ?? 30_000);
          const parsed = parseAddr2lineOutput(out);
          for (const q of query) cached.set(q.offset, parsed.get(q.vaddr) ?? []);
          if (query.every((q) => (cached.get(q.offset) ?? []).length === 0)) problem = `${path.basename(file)} has no line information (build it with -g)`;
        } catch (e) {
          problem = `addr2line failed on ${file}: ${e instanceof Error ? e.message : String(e)}`;
          // Not cached: a later try (addr2line installed, binary rebuilt) may work.
          this.cache.delete(key);
          return { binary, file, locations: new Map(), problem };
        }
      }
    }
    const locations = new Map<number, SourceLocation[]>();
    for (const o of offsets) locations.set(o, cached.get(o) ?? []);
    return { binary, file, locations, problem };
  }

  /** Resolves frames of several binaries (in parallel, one process each). Key: `binary\0offset`. */
  async resolveFrames(framesByBinary: Map<string, FrameRef[]>): Promise<{ locations: Map<string, SourceLocation[]>; problems: string[] }> {
    const results = await Promise.all([...framesByBinary].map(([binary, frames]) => this.resolveBinary(binary, frames.map((f) => f.fileOffset))));
    const locations = new Map<string, SourceLocation[]>();
    const problems: string[] = [];
    for (const r of results) {
      if (r.problem) problems.push(r.problem);
      for (const [o, locs] of r.locations) locations.set(frameKey(r.binary, o), locs);
    }
    return { locations, problems };
  }
}

export function frameKey(binary: string, fileOffset: number): string {
  return `${binary}\0${fileOffset}`;
}

/**
 * Maps a file named by debug info onto the workspace: a path inside a root that exists is itself;
 * otherwise the longest tail of the path that exists under a root (a trace recorded in another
 * checkout, a container, a CI machine); a relative path is tried under each root. Else null.
 */
export function mapSourceToWorkspace(file: string, roots: readonly string[], exists: (p: string) => boolean): string | null {
  const norm = file.replace(/\\/g, '/');
  if (!path.posix.isAbsolute(norm)) {
    for (const r of roots) {
      const p = path.join(r, norm);
      if (exists(p)) return p;
    }
  }
  for (const r of roots) {
    const rel = path.relative(r, norm);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel) && exists(norm)) return norm;
  }
  const parts = norm.split('/').filter((s) => s.length > 0 && s !== '.');
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join('/');
    for (const r of roots) {
      const p = path.join(r, tail);
      if (exists(p)) return p;
    }
  }
  return null;
}

/** What one source line did in the trace (every stack whose innermost workspace frame is this line). */
export interface SourceLineSite {
  file: string;
  /** 1-based. */
  line: number;
  function: string | null;
  bySyscall: Record<string, SiteCallStats>;
  /** The -k frames that resolved to this line (distinct, a few). */
  frames: string[];
  pids: number[];
}

/** file -> line -> site. */
export type SourceLineIndex = Map<string, Map<number, SourceLineSite>>;

function mergeStats(into: Record<string, SiteCallStats>, from: Record<string, SiteCallStats>): void {
  for (const [name, s] of Object.entries(from)) {
    const t = into[name];
    if (t === undefined) {
      into[name] = { ...s, transferIds: [...s.transferIds] };
      continue;
    }
    t.calls += s.calls;
    t.errors += s.errors;
    t.bytes += s.bytes;
    t.payloadCalls += s.payloadCalls;
    t.durationUs = t.durationUs === null && s.durationUs === null ? null : (t.durationUs ?? 0) + (s.durationUs ?? 0);
    for (const id of s.transferIds) if (!t.transferIds.includes(id)) t.transferIds.push(id);
    if (s.fileIndex < t.fileIndex || (s.fileIndex === t.fileIndex && s.firstLine < t.firstLine)) {
      t.firstLine = s.firstLine;
      t.fileIndex = s.fileIndex;
    }
  }
}

/**
 * Joins call sites and resolved frames: each stack is attributed to its innermost location that is
 * a workspace file (the program's own line that made the call, through inlined scopes and library
 * code compiled into the binary, like Rust's std).
 */
export function buildSourceLineIndex(
  index: CallSiteIndex,
  locations: Map<string, SourceLocation[]>,
  mapFile: (file: string) => string | null,
): SourceLineIndex {
  const out: SourceLineIndex = new Map();
  const mapped = new Map<string, string | null>();
  const map = (f: string): string | null => {
    let m = mapped.get(f);
    if (m === undefined) mapped.set(f, (m = mapFile(f)));
    return m;
  };
  for (const site of index.sites) {
    let hit: { file: string; loc: SourceLocation; frame: FrameRef } | null = null;
    for (const frame of site.frames) {
      for (const loc of locations.get(frameKey(frame.binary, frame.fileOffset)) ?? []) {
        const file = map(loc.file);
        if (file !== null) {
          hit = { file, loc, frame };
          break;
        }
      }
      if (hit) break;
    }
    if (!hit) continue;
    let lines = out.get(hit.file);
    if (!lines) out.set(hit.file, (lines = new Map()));
    let ls = lines.get(hit.loc.line);
    if (!ls) lines.set(hit.loc.line, (ls = { file: hit.file, line: hit.loc.line, function: hit.loc.function, bySyscall: {}, frames: [], pids: [] }));
    mergeStats(ls.bySyscall, site.bySyscall);
    if (ls.frames.length < 8 && !ls.frames.includes(hit.frame.text)) ls.frames.push(hit.frame.text);
    for (const p of site.pids) if (!ls.pids.includes(p) && ls.pids.length < 64) ls.pids.push(p);
  }
  return out;
}
