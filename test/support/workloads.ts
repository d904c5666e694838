/**
 * Build the corpus workload programs (test/workloads/*.c) and create their input data, for tests that
 * record real traces.
 *
 * - `buildWorkloads()` compiles test/workloads with `make` (gcc, `-g -O0`, so `strace -k` frames resolve)
 *   into a per-machine cache dir `os.tmpdir()/iolens-workloads-<hash of the sources>` and returns its `bin`
 *   dir. Built once per machine (and once per process: the promise is cached); a concurrent build by another
 *   process is harmless (build in a scratch dir, then rename).
 * - `createInputData()` writes `in.bin` (1,000,000 random bytes) and `in.txt` (200,000 bytes of text, the
 *   same line format as the corpus) into a fresh temp dir, once per process; the dir is removed at exit.
 * - `prepareWorkloadEnv()` does both and also says where the sources and python are.
 *
 * Everything runs through execFile/spawn with argument arrays, never a shell.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The C programs the Makefile builds (all land in the bin dir). */
export const WORKLOAD_PROGRAMS = [
  'tcp_sink', 'tcp_fetch', 'tcp_send', 'rw_copy', 'rw_send', 'mmap_write', 'sendfile_send',
  'splice_send', 'splice_recv', 'recv_write', 'cfr_copy', 'vmsplice_tee', 'zerocopy_send',
  'vec_copy', 'io_uring_copy', 'fork_server',
] as const;
export type WorkloadProgram = (typeof WORKLOAD_PROGRAMS)[number];

/** Sizes of the generated input files (same as the corpus: /tmp/ctx/data/in.bin and in.txt). */
export const IN_BIN_SIZE = 1_000_000;
export const IN_TXT_SIZE = 200_000;

export interface InputData {
  /** temp dir holding the two files */
  dir: string;
  /** 1,000,000 random bytes */
  inBin: string;
  /** 200,000 bytes of text ("line NNNNNN: the quick brown fox ...") */
  inTxt: string;
}

export interface WorkloadEnv extends InputData {
  /** dir with the compiled programs (see WORKLOAD_PROGRAMS) */
  binDir: string;
  /** test/workloads in the repo (C sources, python workloads, tracecheck.py) */
  workloadsDir: string;
  /** python interpreter for the python workloads: /usr/bin/python3.11 when present (the corpus used it) */
  python: string;
}

/** Absolute path of test/workloads, found by walking up from this file (works from out/test/support too). */
export function workloadsSourceDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const cand = path.join(dir, 'test', 'workloads');
    if (fs.existsSync(path.join(cand, 'Makefile')) && fs.existsSync(path.join(cand, 'common.h'))) return cand;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`test/workloads not found above ${__dirname}`);
}

/** The python interpreter used for the python workloads. */
export function pythonPath(): string {
  return fs.existsSync('/usr/bin/python3.11') ? '/usr/bin/python3.11' : 'python3';
}

function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

function sourcesHash(srcDir: string): string {
  const h = createHash('sha256');
  const names = fs.readdirSync(srcDir).filter((n) => n === 'Makefile' || n.endsWith('.c') || n.endsWith('.h')).sort();
  for (const n of names) {
    h.update(n);
    h.update('\0');
    h.update(fs.readFileSync(path.join(srcDir, n)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function complete(binDir: string): boolean {
  return WORKLOAD_PROGRAMS.every((p) => fs.existsSync(path.join(binDir, p)));
}

let buildPromise: Promise<string> | undefined;

/**
 * Compile test/workloads with make into `os.tmpdir()/iolens-workloads-<hash>/bin` (cached per machine) and
 * return that bin dir. Rejects with make's output when the build fails (e.g. no gcc).
 */
export function buildWorkloads(): Promise<string> {
  buildPromise ??= doBuild().catch((e: unknown) => {
    buildPromise = undefined;
    throw e;
  });
  return buildPromise;
}

async function doBuild(): Promise<string> {
  const src = workloadsSourceDir();
  const cache = path.join(os.tmpdir(), `iolens-workloads-${sourcesHash(src)}`);
  const bin = path.join(cache, 'bin');
  if (complete(bin)) return bin;
  fs.mkdirSync(cache, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(cache, 'build-'));
  try {
    // the Makefile compiles each program straight into $(BIN); nothing is written next to the sources
    await run('make', ['-s', '-C', src, `BIN=${scratch}`, `-j${Math.max(1, Math.min(4, os.cpus().length))}`], { timeoutMs: 180_000 });
    if (!complete(scratch)) throw new Error(`make did not produce all of ${WORKLOAD_PROGRAMS.join(', ')} in ${scratch}`);
    try {
      fs.renameSync(scratch, bin);
    } catch (e) {
      // another process finished first: use its build
      if (!complete(bin)) throw e;
    }
  } finally {
    if (fs.existsSync(scratch)) fs.rmSync(scratch, { recursive: true, force: true });
  }
  return bin;
}

/** Text content of in.txt: the corpus line format, cut to `size` bytes. */
export function textData(size = IN_TXT_SIZE): Buffer {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const ln = `line ${String(i).padStart(6, '0')}: the quick brown fox jumps over the lazy dog, data copy test\n`;
    parts.push(ln);
    n += ln.length;
  }
  return Buffer.from(parts.join('').slice(0, size), 'latin1');
}

let dataPromise: Promise<InputData> | undefined;
const tempDirsToRemove = new Set<string>();
let exitHookInstalled = false;

/** Remember a temp dir to delete when the process exits (best effort). */
export function removeAtExit(dir: string): void {
  tempDirsToRemove.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const d of tempDirsToRemove) {
        try {
          fs.rmSync(d, { recursive: true, force: true });
        } catch {
          /* best effort */
        }
      }
    });
  }
}

/** Create in.bin and in.txt in a fresh temp dir (once per process; removed at exit). */
export function createInputData(): Promise<InputData> {
  dataPromise ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-data-'));
    removeAtExit(dir);
    const inBin = path.join(dir, 'in.bin');
    const inTxt = path.join(dir, 'in.txt');
    await fs.promises.writeFile(inBin, randomBytes(IN_BIN_SIZE));
    await fs.promises.writeFile(inTxt, textData());
    return { dir, inBin, inTxt };
  })();
  return dataPromise;
}

/** Build the programs and create the input data. */
export async function prepareWorkloadEnv(): Promise<WorkloadEnv> {
  const [binDir, data] = await Promise.all([buildWorkloads(), createInputData()]);
  return { ...data, binDir, workloadsDir: workloadsSourceDir(), python: pythonPath() };
}

/** Which of these executables are not on PATH (synchronous, so tests can decide to skip at load time). */
export function missingTools(tools: string[] = ['strace', 'make', 'gcc']): string[] {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return tools.filter((t) => !dirs.some((d) => {
    try {
      fs.accessSync(path.join(d, t), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }));
}
