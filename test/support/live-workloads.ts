/**
 * Live workloads: programs to record with strace / perf trace in tests, each with the transfers it EXPECTS,
 * computed from what the program does (file sizes, buffer sizes, loop structure) the way
 * test/workloads/capture.py computed the corpus ground truth — never from a trace.
 *
 * Typical use (the analysis tests):
 *
 *   const env = await prepareWorkloadEnv();                       // builds test/workloads, makes in.bin/in.txt
 *   const rec = await recordLiveWorkload(liveWorkload('rw_copy'), { env });   // strace -f -ttt -T -yy -s 32
 *   assert.equal(rec.exitCode, 0); assert.deepEqual(rec.problems, []);
 *   const expected = rec.plan.expected;                           // ExpectedTransfer[] (see below)
 *   // analyze rec.tracePath and compare: pid placeholder, source/sink, strategy, bytes, syscall counts
 *
 * Every entry of LIVE_WORKLOADS was verified by recording it here (strace -f -ttt -T -yy, strace -f, and
 * perf trace where noted) and checking the expectations with test/workloads/tracecheck.py — the same
 * independent checker as the corpus — through verifyWithTracecheck() (test/support/tracecheck.ts); run
 * `node out/test/support/verify-live.js [NAME...]` to redo that.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_STRACE_FLAGS, firstPid, recordPerfTrace, recordStrace, startPeer, freePort, type Peer, type PeerKind, type PeerResult } from './record';
import { IN_BIN_SIZE, prepareWorkloadEnv, removeAtExit, type WorkloadEnv } from './workloads';

// ---------------------------------------------------------------------------------------------------------
// types

/** Endpoint kinds, as in the corpus manifest (there is no unix/tty/udp live workload). */
export type EndpointKind = 'file' | 'tcp' | 'pipe' | 'dev' | 'memory';

export interface ExpectedEndpoint {
  kind: EndpointKind;
  /** file / dev: absolute path as the program opened it (with -yy strace prints the same path) */
  path?: string;
  /** tcp: the port on 127.0.0.1 of the listening side (the peer's port when the program connects, the
   * program's own port when it accepts) */
  port?: number;
  /** human-readable: which fd / pipe / connection this is */
  description: string;
}

/** The strategies of docs/design io-model.md. */
export type Strategy =
  | 'read_write' | 'pread_pwrite' | 'readv_writev' | 'recv_write' | 'mmap_write' | 'sendfile' | 'splice'
  | 'copy_file_range' | 'vmsplice' | 'tee' | 'msg_zerocopy' | 'io_uring';

/** A syscall count: exact, or a range when it depends on timing (socket arrival, pipe fill level). */
export type CountExpectation = number | { min: number; max: number; /** what was seen here */ typical?: number };

/** One clause of test/workloads/tracecheck.py's analyze() (for re-checking with the independent parser):
 * syscall name(s), predicates on argument positions ('file:PATHSUFFIX' | 'sock' | 'pipe' | 'io_uring' | 'fd:N'
 * | 'unknown' | 'any', or a list = any of), whether its return value counts as payload bytes, and which arg
 * positions are the source / sink fds. */
export interface TracecheckClause {
  sc: string | string[];
  args?: Record<number, string | string[]>;
  bytes?: boolean;
  aux_bytes?: boolean;
  roles?: Record<number, 'source' | 'sink'>;
  while_open?: string;
}

export interface ExpectedTransfer {
  /** 'main' = the traced main process (first pid in a `strace -f` trace; 'main' in a trace without a pid
   * column); 'child' = a forked child or a thread (tid). Several 'child' entries with the same fields (the
   * fork/thread servers) are each one different child pid. */
  pid: 'main' | 'child';
  /** tells apart transfers of one workload (e.g. 'cat #1', 'client 3') */
  label?: string;
  source: ExpectedEndpoint;
  sink: ExpectedEndpoint;
  /** the pipe in between (splice) */
  via?: ExpectedEndpoint;
  strategy: Strategy;
  /** payload bytes, from the file sizes (not from a trace) */
  bytes: number;
  /** false when no syscall return value carries the bytes (io_uring_enter returns the submission count) */
  bytesVisible: boolean;
  /** calls that belong to this transfer, per syscall name, including the final 0-byte EOF read and failed
   * attempts (cp's FICLONE ioctl); a name that is absent is expected 0 times */
  syscalls: Record<string, CountExpectation>;
  /** 'analytic': every count follows from the program and the file size; 'observed': some depend on timing */
  countsBasis: 'analytic' | 'observed';
  /** fd numbers under strace (perf trace: +1, perf keeps an fd open in the child). Omitted when scheduling
   * decides them. */
  fds?: { source?: number; sink?: number };
  /** socket bytes may exceed `bytes` by at most this (protocol headers); default 0 */
  headerSlack?: number;
  /** the same transfer as clauses for test/workloads/tracecheck.py (used by verifyWithTracecheck) */
  tracecheck: TracecheckClause[];
  note?: string;
}

/** Where a plan runs: the built programs and data (WorkloadEnv), plus per-run things. */
export interface PlanContext extends WorkloadEnv {
  /** fresh temp dir: the program's cwd and where its outputs go */
  runDir: string;
  /** a free port on 127.0.0.1 for this run (the peer's or the program's listener) */
  port: number;
}

export interface PeerPlan {
  kind: PeerKind;
  /** tcp_sink: connections; tcp_fetch: concurrent clients (default 1) */
  count?: number;
  /** tcp_send: the file it sends */
  file?: string;
  /** total bytes the peer must report (tcp_sink prints its total, each tcp_fetch its own count) */
  expectBytesEach?: number;
}

export interface LivePlan {
  /** the traced command (no shell unless argv[0] is sh) */
  argv: string[];
  /** redirect the program's stdout to this file (cat > file) */
  stdoutFile?: string;
  /** the untraced network peer: tcp_sink is started before the program, tcp_send / tcp_fetch once the
   * program's port listens */
  peer?: PeerPlan;
  /** files that must equal a reference file after the run */
  outputs: Array<{ path: string; sameAs: string }>;
  expected: ExpectedTransfer[];
}

export interface LiveWorkload {
  /** short name (unique) */
  name: string;
  /** the corpus workload it mirrors (manifest `workload`), if any */
  corpusWorkload?: string;
  description: string;
  /** the expectations were also verified under `perf trace` (false: not checked there — tracecheck.py cannot
   * follow them in perf output, e.g. perf omits zero-valued args, so `read(fd: 0, ...)` prints as
   * `read(buf: ..., count: ...)` for dd and cat #2, which read fd 0) */
  perfVerified: boolean;
  /** known perf trace flakiness for this workload. In general perf trace can DROP events without any "LOST"
   * line: seen here for fork_server (about 1 run in 8, the first events of a freshly forked child — clone
   * return, openat, first read/write — are missing, so that child shows 62/61 calls or no open) and once in
   * ~40 runs for splice_send (one splice missing). Tests on perf recordings should retry a run whose counts
   * fall short, or accept counts <= expected. strace never lost events in these runs. */
  perfCaveat?: string;
  plan(ctx: PlanContext): LivePlan;
}

// ---------------------------------------------------------------------------------------------------------
// helpers

const ceil = Math.ceil;
/** read/write loop with buffer `buf` over `size` bytes: data reads + 1 EOF read, and one write per data read */
export function rwCounts(size: number, buf: number): { reads: number; writes: number } {
  return { reads: ceil(size / buf) + 1, writes: ceil(size / buf) };
}

const file = (p: string, description = 'file'): ExpectedEndpoint => ({ kind: 'file', path: p, description });
const tcpTo = (port: number, who: string): ExpectedEndpoint => ({
  kind: 'tcp', port, description: `127.0.0.1:ephemeral -> 127.0.0.1:${port} (${who}, untraced)`,
});
const tcpFrom = (port: number, who: string): ExpectedEndpoint => ({
  kind: 'tcp', port, description: `127.0.0.1:${port} accepted connection (${who}, untraced)`,
});
const pipe = (description: string): ExpectedEndpoint => ({ kind: 'pipe', description });
const out = (ctx: PlanContext, name: string): string => path.join(ctx.runDir, name);

// ---------------------------------------------------------------------------------------------------------
// the table

const S = IN_BIN_SIZE;

export const LIVE_WORKLOADS: LiveWorkload[] = [
  {
    name: 'rw_copy', corpusWorkload: 'rw_copy_c', perfVerified: true,
    description: 'rw_copy.c: read()/write() loop, 64 KiB buffer, in.bin -> file',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_rw_copy.bin');
      const c = rwCounts(S, 65536); // 17 reads (15 full + 1 of 16,960 B + EOF), 16 writes
      return {
        argv: [path.join(ctx.binDir, 'rw_copy'), ctx.inBin, dst, '65536'],
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: file(dst, 'output file (fd 4)'),
          strategy: 'read_write', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { read: c.reads, write: c.writes }, fds: { source: 3, sink: 4 },
          tracecheck: [
            { sc: 'read', args: { 0: `file:${ctx.inBin}` }, roles: { 0: 'source' } },
            { sc: 'write', args: { 0: `file:${dst}` }, bytes: true, roles: { 0: 'sink' } },
          ],
          note: 'the dynamic loader also read()s libc on fd 3 before main reuses fd 3 for in.bin',
        }],
      };
    },
  },
  {
    name: 'rw_send', corpusWorkload: 'rw_send_c', perfVerified: true,
    description: 'rw_send.c: read() from in.bin, write() to a TCP socket connected to tcp_sink, 64 KiB buffer',
    plan(ctx): LivePlan {
      const c = rwCounts(S, 65536);
      return {
        argv: [path.join(ctx.binDir, 'rw_send'), String(ctx.port), ctx.inBin, '65536'],
        peer: { kind: 'tcp_sink', count: 1, expectBytesEach: S },
        outputs: [],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: tcpTo(ctx.port, 'tcp_sink'),
          strategy: 'read_write', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { read: c.reads, write: c.writes }, fds: { source: 3, sink: 4 },
          tracecheck: [
            { sc: 'read', args: { 0: `file:${ctx.inBin}` }, roles: { 0: 'source' } },
            { sc: 'write', args: { 0: 'sock' }, bytes: true, roles: { 0: 'sink' } },
          ],
        }],
      };
    },
  },
  {
    name: 'sendfile_send', corpusWorkload: 'sendfile_c', perfVerified: true,
    description: 'sendfile_send.c: sendfile(sock, file, &off, 256 KiB) until the file is sent',
    plan(ctx): LivePlan {
      return {
        argv: [path.join(ctx.binDir, 'sendfile_send'), String(ctx.port), ctx.inBin, '262144'],
        peer: { kind: 'tcp_sink', count: 1, expectBytesEach: S },
        outputs: [],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: tcpTo(ctx.port, 'tcp_sink'),
          strategy: 'sendfile', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          // 3 x 262144 + 213568; the loop stops at off == size, so no final 0-byte call
          syscalls: { sendfile: ceil(S / 262144) }, fds: { source: 3, sink: 4 },
          tracecheck: [{ sc: 'sendfile', args: { 0: 'sock', 1: `file:${ctx.inBin}` }, bytes: true, roles: { 1: 'source', 0: 'sink' } }],
        }],
      };
    },
  },
  {
    name: 'mmap_write', corpusWorkload: 'mmap_write_c', perfVerified: true,
    description: 'mmap_write.c: one PROT_READ mmap of in.bin, written in 256 KiB chunks to tcp_sink, then to a file',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_mmap.bin');
      const writes = ceil(S / 262144); // 3 x 262144 + 213568
      return {
        argv: [path.join(ctx.binDir, 'mmap_write'), String(ctx.port), ctx.inBin, dst, '262144'],
        peer: { kind: 'tcp_sink', count: 1, expectBytesEach: S },
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [
          {
            pid: 'main', label: 'to socket', source: file(ctx.inBin, 'in.bin mmapped (fd 3)'), sink: tcpTo(ctx.port, 'tcp_sink'),
            strategy: 'mmap_write', bytes: S, bytesVisible: true, countsBasis: 'analytic',
            syscalls: { mmap: 1, write: writes }, fds: { source: 3, sink: 4 },
            tracecheck: [
              { sc: 'mmap', args: { 4: `file:${ctx.inBin}` }, roles: { 4: 'source' } },
              { sc: 'write', args: { 0: 'sock' }, bytes: true, roles: { 0: 'sink' } },
            ],
            note: 'the one mmap is shared by both transfers and counted in both',
          },
          {
            pid: 'main', label: 'to file', source: file(ctx.inBin, 'in.bin mmapped (fd 3)'),
            sink: file(dst, 'output file (fd 4: opened after the socket was closed)'),
            strategy: 'mmap_write', bytes: S, bytesVisible: true, countsBasis: 'analytic',
            syscalls: { mmap: 1, write: writes }, fds: { source: 3, sink: 4 },
            tracecheck: [
              { sc: 'mmap', args: { 4: `file:${ctx.inBin}` }, roles: { 4: 'source' } },
              { sc: 'write', args: { 0: `file:${dst}` }, bytes: true, roles: { 0: 'sink' } },
            ],
          },
        ],
      };
    },
  },
  {
    name: 'splice_send', corpusWorkload: 'splice_send_c', perfVerified: true,
    description: 'splice_send.c: splice(file -> pipe, 64 KiB) then splice(pipe -> socket) per chunk',
    plan(ctx): LivePlan {
      const chunks = ceil(S / 65536);
      return {
        argv: [path.join(ctx.binDir, 'splice_send'), String(ctx.port), ctx.inBin],
        peer: { kind: 'tcp_sink', count: 1, expectBytesEach: S },
        outputs: [],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: tcpTo(ctx.port, 'tcp_sink'),
          via: pipe('pipe2() pair, fds 4 (read) / 5 (write)'),
          strategy: 'splice', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          // 16 file->pipe + final 0 + 16 pipe->socket
          syscalls: { splice: 2 * chunks + 1 }, fds: { source: 3, sink: 6 },
          tracecheck: [
            { sc: 'splice', args: { 0: `file:${ctx.inBin}`, 2: 'pipe' }, roles: { 0: 'source' } },
            { sc: 'splice', args: { 0: 'pipe', 2: 'sock' }, bytes: true, roles: { 2: 'sink' } },
          ],
        }],
      };
    },
  },
  {
    name: 'splice_recv', corpusWorkload: 'splice_recv_c', perfVerified: true,
    description: 'splice_recv.c: accept one connection (tcp_send sends in.bin), splice socket -> pipe -> file',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_splice_recv.bin');
      const minChunks = ceil(S / 65536);
      return {
        argv: [path.join(ctx.binDir, 'splice_recv'), String(ctx.port), dst],
        peer: { kind: 'tcp_send', file: ctx.inBin },
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: tcpFrom(ctx.port, 'tcp_send'), sink: file(dst, 'output file (fd 7)'),
          via: pipe('pipe2() pair, fds 5 (read) / 6 (write)'),
          strategy: 'splice', bytes: S, bytesVisible: true, countsBasis: 'observed',
          // each socket->pipe splice returns what has arrived (<= 64 KiB): k >= 16 of them + final 0, and one
          // pipe->file splice per socket splice: 2k + 1
          syscalls: { splice: { min: 2 * minChunks + 1, max: 2 * ceil(S / 1024) + 1, typical: 33 } },
          fds: { source: 4, sink: 7 },
          tracecheck: [
            { sc: 'splice', args: { 0: 'sock', 2: 'pipe' }, roles: { 0: 'source' } },
            { sc: 'splice', args: { 0: 'pipe', 2: `file:${dst}` }, bytes: true, roles: { 2: 'sink' } },
          ],
        }],
      };
    },
  },
  {
    name: 'cfr_copy', corpusWorkload: 'cfr_c', perfVerified: true,
    description: 'cfr_copy.c: copy_file_range(in, NULL, out, NULL, 256 KiB) until it returns 0',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_cfr.bin');
      return {
        argv: [path.join(ctx.binDir, 'cfr_copy'), ctx.inBin, dst, '262144'],
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: file(dst, 'output file (fd 4)'),
          strategy: 'copy_file_range', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { copy_file_range: ceil(S / 262144) + 1 }, fds: { source: 3, sink: 4 },
          tracecheck: [{ sc: 'copy_file_range', args: { 0: `file:${ctx.inBin}`, 2: `file:${dst}` }, bytes: true, roles: { 0: 'source', 2: 'sink' } }],
        }],
      };
    },
  },
  ...(['readv', 'pread'] as const).map((mode): LiveWorkload => ({
    name: `vec_${mode}`, corpusWorkload: `vec_${mode}_c`, perfVerified: true,
    description: mode === 'readv'
      ? 'vec_copy.c readv: readv() into 4 x 16 KiB iovecs, writev() the filled part'
      : 'vec_copy.c pread: pread64()/pwrite64() 64 KiB at explicit offsets',
    plan(ctx): LivePlan {
      const dst = out(ctx, `out_vec_${mode}.bin`);
      const r = mode === 'readv' ? 'readv' : 'pread64';
      const w = mode === 'readv' ? 'writev' : 'pwrite64';
      const c = rwCounts(S, 65536);
      return {
        argv: [path.join(ctx.binDir, 'vec_copy'), mode, ctx.inBin, dst],
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: file(dst, 'output file (fd 4)'),
          strategy: mode === 'readv' ? 'readv_writev' : 'pread_pwrite', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { [r]: c.reads, [w]: c.writes }, fds: { source: 3, sink: 4 },
          tracecheck: [
            { sc: r, args: { 0: `file:${ctx.inBin}` }, roles: { 0: 'source' } },
            { sc: w, args: { 0: `file:${dst}` }, bytes: true, roles: { 0: 'sink' } },
          ],
          note: mode === 'pread' ? 'the dynamic loader also pread64()s libc on fd 3 before main (not part of the transfer)' : undefined,
        }],
      };
    },
  })),
  {
    name: 'recv_write', corpusWorkload: 'recv_write_c', perfVerified: true,
    description: 'recv_write.c: accept one connection (tcp_send sends in.bin), recv() 64 KiB, write() to a file',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_recv_write.bin');
      const minData = ceil(S / 65536);
      return {
        argv: [path.join(ctx.binDir, 'recv_write'), String(ctx.port), dst, '65536'],
        peer: { kind: 'tcp_send', file: ctx.inBin },
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: tcpFrom(ctx.port, 'tcp_send'), sink: file(dst, 'output file (fd 5)'),
          strategy: 'recv_write', bytes: S, bytesVisible: true, countsBasis: 'observed',
          // recv returns what has arrived: k >= 16 data recvs + 1 EOF recv, and exactly k writes (file writes
          // are never short here): recvfrom = write + 1
          syscalls: {
            recvfrom: { min: minData + 1, max: ceil(S / 1024) + 1, typical: 21 },
            write: { min: minData, max: ceil(S / 1024), typical: 20 },
          },
          fds: { source: 4, sink: 5 },
          tracecheck: [
            { sc: 'recvfrom', args: { 0: 'sock' }, roles: { 0: 'source' } },
            { sc: 'write', args: { 0: `file:${dst}` }, bytes: true, roles: { 0: 'sink' } },
          ],
          note: 'recv(c, buf, 65536, 0) shows as recvfrom(4, ..., 65536, 0, NULL, NULL)',
        }],
      };
    },
  },
  {
    name: 'vmsplice_tee', corpusWorkload: 'vmsplice_tee_c', perfVerified: false,
    description: 'vmsplice_tee.c: 300000 B user buffer -> vmsplice P1 (64 KiB) -> tee P1->P2 -> splice P1->A, P2->B',
    plan(ctx): LivePlan {
      const T = 300000; // 4 x 65536 + 37856: 5 rounds, one call of each kind per round
      const a = out(ctx, 'out_vt_a.bin');
      const b = out(ctx, 'out_vt_b.bin');
      const n = ceil(T / 65536);
      return {
        argv: [path.join(ctx.binDir, 'vmsplice_tee'), a, b, String(T)],
        outputs: [],
        expected: [
          {
            pid: 'main', label: 'vmsplice', source: { kind: 'memory', description: 'page-aligned user buffer (300000 B, generated)' },
            sink: pipe('pipe P1 write end (fd 4)'), strategy: 'vmsplice', bytes: T, bytesVisible: true, countsBasis: 'analytic',
            syscalls: { vmsplice: n }, fds: { sink: 4 },
            tracecheck: [{ sc: 'vmsplice', args: { 0: 'pipe' }, bytes: true, roles: { 0: 'sink' } }],
          },
          {
            pid: 'main', label: 'tee', source: pipe('pipe P1 read end (fd 3)'), sink: pipe('pipe P2 write end (fd 6)'),
            strategy: 'tee', bytes: T, bytesVisible: true, countsBasis: 'analytic', syscalls: { tee: n }, fds: { source: 3, sink: 6 },
            tracecheck: [{ sc: 'tee', args: { 0: 'pipe', 1: 'pipe' }, bytes: true, roles: { 0: 'source', 1: 'sink' } }],
          },
          {
            pid: 'main', label: 'splice P1 -> A', source: pipe('pipe P1 read end (fd 3)'), sink: file(a, 'OUT_A (fd 7)'),
            strategy: 'splice', bytes: T, bytesVisible: true, countsBasis: 'analytic', syscalls: { splice: n }, fds: { source: 3, sink: 7 },
            tracecheck: [{ sc: 'splice', args: { 0: 'pipe', 2: `file:${a}` }, bytes: true, roles: { 0: 'source', 2: 'sink' } }],
          },
          {
            pid: 'main', label: 'splice P2 -> B', source: pipe('pipe P2 read end (fd 5)'), sink: file(b, 'OUT_B (fd 8)'),
            strategy: 'splice', bytes: T, bytesVisible: true, countsBasis: 'analytic', syscalls: { splice: n }, fds: { source: 5, sink: 8 },
            tracecheck: [{ sc: 'splice', args: { 0: 'pipe', 2: `file:${b}` }, bytes: true, roles: { 0: 'source', 2: 'sink' } }],
          },
        ],
      };
    },
  },
  {
    name: 'zerocopy_send', corpusWorkload: 'zerocopy_c', perfVerified: true,
    description: 'zerocopy_send.c: one read() of in.bin, SO_ZEROCOPY, 16 x send(MSG_ZEROCOPY) 64 KiB, recvmsg(MSG_ERRQUEUE)',
    plan(ctx): LivePlan {
      return {
        argv: [path.join(ctx.binDir, 'zerocopy_send'), String(ctx.port), ctx.inBin, '65536'],
        peer: { kind: 'tcp_sink', count: 1, expectBytesEach: S },
        outputs: [],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3, closed before connect)'), sink: tcpTo(ctx.port, 'tcp_sink'),
          strategy: 'msg_zerocopy', bytes: S, bytesVisible: true, countsBasis: 'observed',
          syscalls: {
            read: 1, setsockopt: 1, sendto: ceil(S / 65536),
            // completions: one coalesced notification is typical; a first EAGAIN adds a poll + recvmsg
            recvmsg: { min: 1, max: 20, typical: 1 }, poll: { min: 0, max: 20, typical: 0 },
          },
          fds: { source: 3, sink: 3 },
          tracecheck: [
            { sc: 'read', args: { 0: `file:${ctx.inBin}` }, roles: { 0: 'source' } },
            { sc: 'setsockopt', args: { 0: 'sock' } },
            { sc: 'sendto', args: { 0: 'sock' }, bytes: true, roles: { 0: 'sink' } },
            { sc: 'recvmsg', args: { 0: 'sock' } },
            { sc: 'poll', args: {} },
          ],
          note: 'on loopback the completion has ee_origin=5, ee_code=1 (SO_EE_CODE_ZEROCOPY_COPIED): the kernel copied',
        }],
      };
    },
  },
  {
    name: 'io_uring_copy', corpusWorkload: 'io_uring_c', perfVerified: false,
    description: 'io_uring_copy.c: IORING_OP_READ / IORING_OP_WRITE per 64 KiB, one io_uring_enter each',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_uring.bin');
      const chunks = ceil(S / 65536);
      return {
        argv: [path.join(ctx.binDir, 'io_uring_copy'), ctx.inBin, dst],
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: file(dst, 'output file (fd 4)'),
          strategy: 'io_uring', bytes: S, bytesVisible: false, countsBasis: 'analytic',
          // 16 reads + 16 writes + 1 final read returning 0; 2 mmaps of the ring fd with IORING_FEAT_SINGLE_MMAP
          syscalls: { io_uring_setup: 1, io_uring_enter: 2 * chunks + 1, mmap: 2 },
          tracecheck: [
            { sc: 'io_uring_setup', args: {} },
            { sc: 'mmap', args: { 4: 'io_uring' } },
            { sc: 'io_uring_enter', args: { 0: 'io_uring' } },
          ],
          note: 'the ring is fd 5; io_uring_enter returns the number of submissions, not bytes',
        }],
      };
    },
  },
  {
    name: 'fork_server', corpusWorkload: 'fork_server_c', perfVerified: true,
    perfCaveat: 'perf trace sometimes loses the first events of a forked child (about 1 run in 8 here)',
    description: 'fork_server.c fork mode: 4 concurrent tcp_fetch clients, a forked child per connection sends in.bin with 16 KiB read/write',
    plan(ctx): LivePlan {
      const c = rwCounts(S, 16384); // 63 reads, 62 writes (61 x 16384 + 576)
      return {
        argv: [path.join(ctx.binDir, 'fork_server'), String(ctx.port), '4', ctx.inBin, 'fork', '16384'],
        peer: { kind: 'tcp_fetch', count: 4, expectBytesEach: S },
        outputs: [],
        expected: [1, 2, 3, 4].map((i): ExpectedTransfer => ({
          pid: 'child', label: `client ${i}`, source: file(ctx.inBin, 'in.bin (fd 3 in the child)'), sink: tcpFrom(ctx.port, 'tcp_fetch'),
          strategy: 'read_write', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { read: c.reads, write: c.writes }, fds: { source: 3, sink: 4 },
          tracecheck: [
            { sc: 'read', args: { 0: `file:${ctx.inBin}` }, roles: { 0: 'source' } },
            { sc: 'write', args: { 0: ['sock', 'fd:4'] }, bytes: true, roles: { 0: 'sink' } },
          ],
          note: 'the parent has a SIGCHLD handler without SA_RESTART: accept() may show ERESTARTSYS, and signal lines appear',
        })),
      };
    },
  },
  {
    name: 'thread_server', corpusWorkload: 'thread_server_c', perfVerified: true,
    description: 'fork_server.c thread mode: 4 concurrent tcp_fetch clients, one pthread per connection sends in.bin with sendfile 128 KiB',
    plan(ctx): LivePlan {
      return {
        argv: [path.join(ctx.binDir, 'fork_server'), String(ctx.port), '4', ctx.inBin, 'thread', '131072'],
        peer: { kind: 'tcp_fetch', count: 4, expectBytesEach: S },
        outputs: [],
        expected: [1, 2, 3, 4].map((i): ExpectedTransfer => ({
          pid: 'child', label: `client ${i} (thread)`, source: file(ctx.inBin, 'in.bin (fd depends on thread scheduling)'),
          sink: tcpFrom(ctx.port, 'tcp_fetch'),
          strategy: 'sendfile', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { sendfile: ceil(S / 131072) }, // 7 x 131072 + 82496
          tracecheck: [{ sc: 'sendfile', args: { 0: ['sock', 'unknown'], 1: `file:${ctx.inBin}` }, bytes: true, roles: { 1: 'source', 0: 'sink' } }],
          note: 'the pid of each transfer is the thread id; threads share the fd table (close/open races between threads)',
        })),
      };
    },
  },
  {
    name: 'cat_pipe_cat', corpusWorkload: 'cat_pipe_cat', perfVerified: false,
    description: "sh -c 'cat in.bin | cat > out': cat #1 file -> pipe, cat #2 pipe -> file (two child pids of sh)",
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_catpipe.bin');
      // coreutils cat reads 128 KiB (io_blksize) and falls back to read/write when the output is a pipe
      const c1 = rwCounts(S, 131072); // 9 reads, 8 writes
      return {
        argv: ['sh', '-c', `cat '${ctx.inBin}' | cat > '${dst}'`],
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [
          {
            pid: 'child', label: 'cat #1', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: pipe('shell pipeline pipe, first cat stdout (fd 1)'),
            strategy: 'read_write', bytes: S, bytesVisible: true, countsBasis: 'analytic',
            syscalls: { read: c1.reads, write: c1.writes }, fds: { source: 3, sink: 1 },
            tracecheck: [
              { sc: 'read', args: { 0: `file:${ctx.inBin}` }, roles: { 0: 'source' } },
              { sc: 'write', args: { 0: ['pipe', 'fd:1'] }, bytes: true, roles: { 0: 'sink' } },
              { sc: 'copy_file_range', args: { 0: `file:${ctx.inBin}` } },
            ],
          },
          {
            pid: 'child', label: 'cat #2', source: pipe('shell pipeline pipe, second cat stdin (fd 0)'), sink: file(dst, 'output file (fd 1)'),
            strategy: 'read_write', bytes: S, bytesVisible: true, countsBasis: 'observed',
            // a pipe read returns what is in the pipe (<= 64 KiB pipe capacity here): k data reads + EOF, k writes
            syscalls: {
              read: { min: c1.reads, max: ceil(S / 4096) + 1, typical: ceil(S / 65536) + 1 },
              write: { min: c1.writes, max: ceil(S / 4096), typical: ceil(S / 65536) },
            },
            fds: { source: 0, sink: 1 },
            tracecheck: [
              { sc: 'read', args: { 0: ['pipe', 'fd:0'] }, roles: { 0: 'source' } },
              { sc: 'write', args: { 0: `file:${dst}` }, bytes: true, roles: { 0: 'sink' } },
              { sc: 'copy_file_range', args: { 0: ['pipe', 'fd:0'] } },
            ],
          },
        ],
      };
    },
  },
  {
    name: 'cat_file2file', corpusWorkload: 'cat_file2file', perfVerified: true,
    description: 'cat in.bin > out (stdout redirected by the harness): coreutils 9.1 uses copy_file_range, not read/write',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_cat.bin');
      return {
        argv: ['cat', ctx.inBin],
        stdoutFile: dst,
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: file(dst, 'stdout (fd 1, inherited: no open in the trace)'),
          strategy: 'copy_file_range', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          // copy_file_range(3, NULL, 1, NULL, 9223372035781033984, 0) = 1000000, then = 0
          syscalls: { copy_file_range: 2 }, fds: { source: 3, sink: 1 },
          tracecheck: [{ sc: 'copy_file_range', args: { 0: `file:${ctx.inBin}`, 2: ['fd:1', `file:${dst}`] }, bytes: true, roles: { 0: 'source', 2: 'sink' } }],
        }],
      };
    },
  },
  {
    name: 'dd_dev2file', corpusWorkload: 'dd_dev2file', perfVerified: false,
    description: 'dd if=/dev/zero of=out bs=65536 count=8 (dd dup2()s its files onto fd 0 / 1)',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_dd.bin');
      return {
        argv: ['dd', 'if=/dev/zero', `of=${dst}`, 'bs=65536', 'count=8'],
        outputs: [],
        expected: [{
          pid: 'main', source: { kind: 'dev', path: '/dev/zero', description: '/dev/zero (dup2 onto fd 0)' },
          sink: file(dst, 'of= file (dup2 onto fd 1)'),
          strategy: 'read_write', bytes: 8 * 65536, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { read: 8, write: 8 }, fds: { source: 0, sink: 1 },
          tracecheck: [
            { sc: 'read', args: { 0: 'file:/dev/zero' }, roles: { 0: 'source' } },
            { sc: 'write', args: { 0: `file:${dst}` }, bytes: true, roles: { 0: 'sink' } },
          ],
          note: 'count=8: no EOF read; dd prints its statistics to stderr (fd 2), not a transfer',
        }],
      };
    },
  },
  {
    name: 'cp', corpusWorkload: 'cp', perfVerified: true,
    description: 'cp in.bin out: FICLONE ioctl fails (EOPNOTSUPP on ext4), then copy_file_range',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_cp.bin');
      return {
        argv: ['cp', ctx.inBin, dst],
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: file(dst, 'output file (fd 4)'),
          strategy: 'copy_file_range', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { ioctl: 1, copy_file_range: 2 }, fds: { source: 3, sink: 4 },
          tracecheck: [
            { sc: 'ioctl', args: { 0: `file:${dst}` } },
            { sc: 'copy_file_range', args: { 0: `file:${ctx.inBin}`, 2: `file:${dst}` }, bytes: true, roles: { 0: 'source', 2: 'sink' } },
          ],
          note: 'on a filesystem with reflinks (btrfs, xfs) the FICLONE ioctl succeeds and there is no copy_file_range',
        }],
      };
    },
  },
  {
    name: 'py_sendfile', corpusWorkload: 'py_sendfile', perfVerified: false,
    description: 'python socket.sendfile() of in.bin to tcp_sink (one sendfile with count = file size, then one returning 0)',
    plan(ctx): LivePlan {
      return {
        argv: [ctx.python, path.join(ctx.workloadsDir, 'py_sendfile.py'), String(ctx.port), ctx.inBin],
        peer: { kind: 'tcp_sink', count: 1, expectBytesEach: S },
        outputs: [],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 4)'), sink: tcpTo(ctx.port, 'tcp_sink'),
          strategy: 'sendfile', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          syscalls: { sendfile: 2 }, fds: { source: 4, sink: 3 },
          tracecheck: [{ sc: 'sendfile', args: { 0: 'sock', 1: `file:${ctx.inBin}` }, bytes: true, roles: { 1: 'source', 0: 'sink' } }],
          note: 'the trace is mostly interpreter start-up (reads of .py/.pyc files are not transfers)',
        }],
      };
    },
  },
  {
    name: 'py_copyfile', corpusWorkload: 'py_copyfile', perfVerified: false,
    description: 'python shutil.copyfile(): os.sendfile file -> file (8 MiB blocks), not copy_file_range',
    plan(ctx): LivePlan {
      const dst = out(ctx, 'out_pycopy.bin');
      return {
        argv: [ctx.python, path.join(ctx.workloadsDir, 'py_copyfile.py'), ctx.inBin, dst],
        outputs: [{ path: dst, sameAs: ctx.inBin }],
        expected: [{
          pid: 'main', source: file(ctx.inBin, 'in.bin (fd 3)'), sink: file(dst, 'output file (fd 4)'),
          strategy: 'sendfile', bytes: S, bytesVisible: true, countsBasis: 'analytic',
          // sendfile(4, 3, [0] => [1000000], 8388608) = 1000000, then = 0
          syscalls: { sendfile: 2 }, fds: { source: 3, sink: 4 },
          tracecheck: [{ sc: 'sendfile', args: { 0: `file:${dst}`, 1: `file:${ctx.inBin}` }, bytes: true, roles: { 1: 'source', 0: 'sink' } }],
        }],
      };
    },
  },
];

/** A workload of the table by name (throws when unknown). */
export function liveWorkload(name: string): LiveWorkload {
  const w = LIVE_WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`no live workload ${name}; known: ${LIVE_WORKLOADS.map((x) => x.name).join(', ')}`);
  return w;
}

/** Whether an actual count satisfies a CountExpectation. */
export function countMatches(exp: CountExpectation, actual: number): boolean {
  return typeof exp === 'number' ? actual === exp : actual >= exp.min && actual <= exp.max;
}

// ---------------------------------------------------------------------------------------------------------
// recording a workload

export interface LiveRecordOptions {
  /** 'strace' (default) or 'perf' (perf trace; fds are +1 and perf's exit code is not the program's) */
  tracer?: 'strace' | 'perf';
  /** strace flags (default -f -ttt -T -yy); see recordStrace */
  flags?: string[];
  /** strace -s (default 32) */
  stringSize?: number;
  /** perf trace options, e.g. ['--syscalls', '--pf=all'] */
  perfArgs?: string[];
  /** built programs + data (default: prepareWorkloadEnv()) */
  env?: WorkloadEnv;
  /** where the trace goes (default: a temp dir removed at exit) */
  outDir?: string;
  /** trace file name without extension */
  name?: string;
  /** kill everything after this long (default 60 s) */
  timeoutMs?: number;
}

export type LiveRecording =
  | {
      ok: true;
      workload: LiveWorkload;
      /** the plan as run: argv, peer, outputs and the EXPECTED transfers with this run's paths and port */
      plan: LivePlan;
      ctx: PlanContext;
      tracer: 'strace' | 'perf';
      tracePath: string;
      /** [tracePath], or the per-pid files with -ff */
      traceFiles: string[];
      /** program exit status (strace); perf trace's own status with tracer 'perf' */
      exitCode: number;
      stderr: string;
      /** pid of the first trace line = the traced main pid (strace -f -o traces only) */
      mainPid?: number;
      peerResults: PeerResult[];
      /** what went wrong with the run itself: output file differs, peer got the wrong byte count, timeout... */
      problems: string[];
    }
  | { ok: false; reason: string };

/** Record one live workload: start its peer, trace it, wait for the peer, check outputs. Cleans up its
 * processes in every case; temp dirs are removed at process exit. */
export async function recordLiveWorkload(w: LiveWorkload, options: LiveRecordOptions = {}): Promise<LiveRecording> {
  const env = options.env ?? (await prepareWorkloadEnv());
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `iolens-run-${w.name}-`));
  removeAtExit(runDir);
  const ctx: PlanContext = { ...env, runDir, port: await freePort() };
  const plan = w.plan(ctx);
  const tracer = options.tracer ?? 'strace';
  const problems: string[] = [];
  let peer: Peer | undefined;
  let peerResults: PeerResult[] = [];
  try {
    if (plan.peer?.kind === 'tcp_sink') {
      peer = await startPeer('tcp_sink', ctx.port, { binDir: env.binDir, connections: plan.peer.count ?? 1, cwd: runDir });
    }
    const common = { cwd: runDir, outDir: options.outDir, name: options.name, stdoutFile: plan.stdoutFile, timeoutMs: options.timeoutMs };
    let finished = false;
    const recording = (tracer === 'perf'
      ? recordPerfTrace(plan.argv, { ...common, perfArgs: options.perfArgs })
      : recordStrace(plan.argv, { ...common, flags: options.flags, stringSize: options.stringSize }).then((r) => ({ ok: true as const, ...r }))
    ).finally(() => (finished = true));
    if (plan.peer && plan.peer.kind !== 'tcp_sink') {
      try {
        peer = await startPeer(plan.peer.kind, ctx.port, {
          binDir: env.binDir, file: plan.peer.file, clients: plan.peer.count ?? 1, cwd: runDir, gaveUp: () => finished,
        });
      } catch (e) {
        problems.push(`peer ${plan.peer.kind}: ${(e as Error).message}`);
      }
    }
    const rec = await recording;
    if (!rec.ok) return rec;
    if (peer) {
      const p = peer;
      const timer = setTimeout(() => void p.stop(), 10_000);
      peerResults = await p.wait();
      clearTimeout(timer);
      peer = undefined;
      for (const r of peerResults) {
        if (r.exitCode !== 0 || r.timedOut) problems.push(`peer pid ${r.pid} exited ${r.exitCode}${r.timedOut ? ' (timed out)' : ''}: ${r.stderr.trim()}`);
        if (plan.peer?.expectBytesEach !== undefined && Number(r.stdout.trim()) !== plan.peer.expectBytesEach) {
          problems.push(`peer pid ${r.pid} received ${r.stdout.trim()} B, expected ${plan.peer.expectBytesEach}`);
        }
      }
    }
    if (rec.timedOut) problems.push('the traced program timed out');
    for (const o of plan.outputs) {
      if (!fs.existsSync(o.path) || !fs.readFileSync(o.path).equals(fs.readFileSync(o.sameAs))) {
        problems.push(`output ${o.path} does not equal ${o.sameAs}`);
      }
    }
    const traceFiles = rec.traceFiles;
    const flags = options.flags ?? DEFAULT_STRACE_FLAGS;
    const mainPid = tracer === 'strace' && flags.includes('-f') && traceFiles.length === 1 ? firstPid(rec.tracePath) : undefined;
    return {
      ok: true, workload: w, plan, ctx, tracer, tracePath: rec.tracePath, traceFiles, exitCode: rec.exitCode,
      stderr: rec.stderr, mainPid, peerResults, problems,
    };
  } finally {
    if (peer) await peer.stop();
  }
}
