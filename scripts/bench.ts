// Parser benchmark: `npm run bench [-- TRACE] [--runs N]` (built by esbuild to dist/bench.js).
//
// Measures, each in its own child process (so every peak RSS is its own):
//   (1) baseline: the plainest Node loop that reads the file and splits it into lines
//       (fs read stream, 1 MB chunks, utf8 decoding, indexOf('\n') + slice per line, carry the rest);
//       a latin1-decoding variant is shown too, for information, and a 'floor': the least work any
//       line-by-line pipeline does (pid, name and result of each line into a Map, no event objects);
//   (2) parser: parseTraceFiles() with a sink that only counts events; and the same parse in a worker
//       thread replayed into that sink ('parser-thread': the two-thread pipeline with no analysis);
//   (3) parse + analyze: analyzeTraceFiles(), the engine of `iolens analyze`, as it runs by default
//       (one thread), and with the parse in a worker thread ('analyze-2threads', `--parse-thread`);
//       checked against the big trace's ground-truth totals by strategy when OUT.json is beside it;
// and prints lines/s, MB/s, wall and CPU seconds, peak RSS (VmHWM) and the parser/baseline ratio.
// The machine may be shared: runs alternate baseline/parser and the best of N runs of each is kept.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { analyzeTraceFiles } from '../src/core/analyze';
import { parseTraceFiles } from '../src/strace-parser';
import { parseTraceFilesInWorker } from '../src/strace-parser/parse-in-worker';
import type { TraceEvent } from '../src/strace-parser';

const DEFAULT_TRACE = '/tmp/bigtrace.txt';

interface Measure {
  byStrategy?: Record<string, { transfers: number; bytes: number }>;
  mode: string;
  lines: number;
  events: number;
  bytes: number;
  wallS: number;
  cpuS: number;
  peakRssMB: number;
}

function vmHwmMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to the sampled RSS
  }
  return 0;
}

async function baseline(file: string, encoding: 'utf8' | 'latin1'): Promise<{ lines: number; events: number }> {
  let lines = 0;
  let carry = '';
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20, encoding })) {
    const s = carry + (chunk as string);
    let p = 0;
    let i: number;
    while ((i = s.indexOf('\n', p)) !== -1) {
      const line = s.slice(p, i);
      if (line.length >= 0) lines++;
      p = i + 1;
    }
    carry = s.slice(p);
  }
  if (carry.length > 0) lines++;
  return { lines, events: 0 };
}

async function parserOnly(file: string, inWorker: boolean): Promise<{ lines: number; events: number }> {
  let events = 0;
  const sink = {
    event(_e: TraceEvent): void {
      events++;
    },
    diagnostic(): void {
      // counted by the result
    },
  };
  const r = inWorker ? await parseTraceFilesInWorker([file], sink) : await parseTraceFiles([file], sink);
  return { lines: r.lines, events };
}

/**
 * A floor for any line-by-line pipeline in JS, for information: latin1 chunks split into lines, and per
 * line only the leading pid, the call name's first two letters and the number after the last ` = `,
 * summed into a Map. No event objects, no arguments, no analysis: what the speed bound leaves room for
 * (2.5x the baseline's time) has to hold the whole parse and analysis.
 */
function floor(file: string): { lines: number; events: number } {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const sums = new Map<number, number>();
  let carry = '';
  let lines = 0;
  let position = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, position);
      if (n <= 0) break;
      position += n;
      const s = carry + buffer.latin1Slice(0, n);
      let p = 0;
      for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', p)) {
        lines++;
        let j = p;
        let pid = 0;
        for (let c = s.charCodeAt(j); c >= 48 && c <= 57; c = s.charCodeAt(++j)) pid = pid * 10 + c - 48;
        j++;
        while (j < i && s.charCodeAt(j) !== 32) j++;
        const name = j + 1;
        const equals = s.lastIndexOf(' = ', i);
        let ret = 0;
        if (equals > p) for (let k = equals + 3, c = s.charCodeAt(k); c >= 48 && c <= 57; c = s.charCodeAt(++k)) ret = ret * 10 + c - 48;
        const key = pid * 1024 + ((s.charCodeAt(name) * 31 + s.charCodeAt(name + 1)) & 1023);
        sums.set(key, (sums.get(key) ?? 0) + ret);
        p = i + 1;
      }
      carry = s.slice(p);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (carry.length > 0) lines++;
  return { lines, events: sums.size };
}

// (3) parse + analyze: the whole pipeline of `iolens analyze`, with its bytes by strategy kept for
// the comparison with the big trace's ground truth (OUT.json beside the trace).
let analyzedBytesByStrategy: Record<string, { transfers: number; bytes: number }> = {};

async function parseAndAnalyze(file: string, parseInWorker: boolean): Promise<{ lines: number; events: number }> {
  const report = await analyzeTraceFiles([file], { parseInWorker });
  analyzedBytesByStrategy = {};
  for (const t of report.transfers) {
    const row = (analyzedBytesByStrategy[t.strategy] ??= { transfers: 0, bytes: 0 });
    row.transfers += t.instances ?? 1;
    row.bytes += t.bytes ?? 0;
  }
  return { lines: report.trace.lines, events: report.trace.events };
}

const MODES = ['baseline', 'baseline-latin1', 'floor', 'parser', 'parser-thread', 'analyze', 'analyze-2threads'] as const;

async function runChild(mode: string, file: string): Promise<void> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let r: { lines: number; events: number };
  switch (mode) {
    case 'baseline':
      r = await baseline(file, 'utf8');
      break;
    case 'baseline-latin1':
      r = await baseline(file, 'latin1');
      break;
    case 'floor':
      r = floor(file);
      break;
    case 'parser':
      r = await parserOnly(file, false);
      break;
    case 'parser-thread':
      r = await parserOnly(file, true);
      break;
    case 'analyze':
      r = await parseAndAnalyze(file, false);
      break;
    case 'analyze-2threads':
      r = await parseAndAnalyze(file, true);
      break;
    default:
      throw new Error(`unknown mode ${mode}`);
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const m: Measure = {
    mode,
    lines: r.lines,
    events: r.events,
    bytes: fs.statSync(file).size,
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    peakRssMB: Math.max(vmHwmMB(), peak / (1 << 20)),
  };
  if (mode.startsWith('analyze')) m.byStrategy = analyzedBytesByStrategy;
  process.stdout.write(JSON.stringify(m) + '\n');
}

function measure(mode: string, file: string): Measure {
  const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measure;
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await runChild(args[1], args[2]);
    return;
  }
  let runs = 3;
  let file = DEFAULT_TRACE;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Math.max(1, Number(args[++i]));
    else file = args[i];
  }
  if (!fs.existsSync(file)) {
    console.error(`No trace at ${file}. Build the ~1 GB benchmark trace first (about 40 s):`);
    console.error('  bash /path/to/corpus/big/make_big.sh /tmp/bigtrace.txt');
    console.error('(make_big.sh takes OUT and TARGET_BYTES as positional arguments and reads the corpus traces next to it;');
    console.error(' e.g. `python3 scripts/big/gen_big.py --out /tmp/bigtrace.txt --manifest test/fixtures/corpus/manifest.json test/fixtures/corpus/traces/*/f_ttt_T_yy.trace`.)');
    console.error('Or pass another trace: npm run bench -- path/to/trace [--runs N]');
    process.exit(1);
  }
  const size = fs.statSync(file).size;
  console.log(`trace: ${file} (${fmt(size / 1e6, 0)} MB), best of ${runs} run(s) per mode, each in its own process`);
  const best = new Map<string, Measure>();
  for (let r = 0; r < runs; r++) {
    for (const mode of MODES) {
      const m = measure(mode, file);
      const prev = best.get(mode);
      if (prev === undefined || m.wallS < prev.wallS) best.set(mode, { ...m, peakRssMB: Math.max(m.peakRssMB, prev?.peakRssMB ?? 0) });
      console.log(`  run ${r + 1} ${mode.padEnd(16)} ${fmt(m.wallS)} s wall, ${fmt(m.cpuS)} s CPU`);
    }
  }
  console.log('');
  console.log('mode              lines       wall s  CPU s   Mlines/s  MB/s     peak RSS MB');
  for (const mode of MODES) {
    const m = best.get(mode) as Measure;
    console.log(
      `${mode.padEnd(16)}  ${String(m.lines).padEnd(10)}  ${fmt(m.wallS).padEnd(6)}  ${fmt(m.cpuS).padEnd(6)}  ${fmt(m.lines / m.wallS / 1e6).padEnd(8)}  ${fmt(m.bytes / m.wallS / 1e6, 0).padEnd(7)}  ${fmt(m.peakRssMB, 0)}`,
    );
  }
  const base = best.get('baseline') as Measure;
  const base1 = best.get('baseline-latin1') as Measure;
  const parser = best.get('parser') as Measure;
  console.log('');
  console.log(`parser events: ${parser.events}`);
  console.log(`parser / baseline (utf8) throughput:   ${fmt((100 * base.wallS) / parser.wallS, 0)} % wall, ${fmt((100 * base.cpuS) / parser.cpuS, 0)} % CPU   (target >= 40 %)`);
  console.log(`parser / baseline (latin1) throughput: ${fmt((100 * base1.wallS) / parser.wallS, 0)} % wall, ${fmt((100 * base1.cpuS) / parser.cpuS, 0)} % CPU`);
  console.log(`parser peak RSS: ${fmt(parser.peakRssMB, 0)} MB (target <= 256 MB)`);
  const floorRun = best.get('floor') as Measure;
  console.log(`floor (per line: pid, name, result into a Map; no events) / baseline (utf8): ${fmt((100 * base.wallS) / floorRun.wallS, 0)} % wall`);
  if (base.lines !== parser.lines) console.log(`WARNING: line counts differ (baseline ${base.lines}, parser ${parser.lines})`);
  const analyze = best.get('analyze') as Measure;
  const analyze2 = best.get('analyze-2threads') as Measure;
  console.log(`parse+analyze / baseline (utf8) throughput: ${fmt((100 * base.wallS) / analyze.wallS, 0)} % wall, ${fmt((100 * base.cpuS) / analyze.cpuS, 0)} % CPU   (target >= 40 %)`);
  console.log(`parse+analyze peak RSS: ${fmt(analyze.peakRssMB, 0)} MB (target <= 256 MB)`);
  console.log(`with --parse-thread: ${fmt((100 * base.wallS) / analyze2.wallS, 0)} % wall (CPU ${fmt(analyze2.cpuS)} s over both threads), peak RSS ${fmt(analyze2.peakRssMB, 0)} MB`);
  // What --parse-thread costs with no analysis at all: the parse, the batches shipped and replayed.
  const parserThread = best.get('parser-thread') as Measure;
  console.log(`parse in a worker, replayed into a counting sink (no analysis): ${fmt((100 * base.wallS) / parserThread.wallS, 0)} % wall, peak RSS ${fmt(parserThread.peakRssMB, 0)} MB`);
  if (analyze.lines !== analyze2.lines || JSON.stringify(analyze.byStrategy) !== JSON.stringify(analyze2.byStrategy)) {
    console.log('WARNING: the two-thread and one-thread analyses differ');
  }
  const truthFile = `${file}.json`;
  if (fs.existsSync(truthFile)) {
    const truth = (JSON.parse(fs.readFileSync(truthFile, 'utf8')) as { ground_truth_totals_by_strategy?: Record<string, { transfers: number; bytes: number }> }).ground_truth_totals_by_strategy ?? {};
    console.log('');
    console.log('strategy          truth transfers  found    truth bytes       found bytes       bytes found');
    for (const [strategy, want] of Object.entries(truth)) {
      const got = analyze.byStrategy?.[strategy] ?? { transfers: 0, bytes: 0 };
      console.log(`${strategy.padEnd(16)}  ${String(want.transfers).padEnd(15)}  ${String(got.transfers).padEnd(7)}  ${String(want.bytes).padEnd(16)}  ${String(got.bytes).padEnd(16)}  ${fmt((100 * got.bytes) / want.bytes, 2)} %`);
    }
    console.log('(the truth counts every replay started; the last few are cut off by the size target)');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
