/**
 * Verify the live workload table: record every workload (or the named ones) here with strace -f -ttt -T -yy,
 * strace -f (no fd decorations: tracecheck must follow the fds itself) and perf trace (perfVerified ones),
 * and check each expectation with test/workloads/tracecheck.py.
 *
 *   npm run compile-tests && node out/test/support/verify-live.js [--runs N] [NAME...]
 *
 * Exits 1 when any expectation does not hold. Needs strace, perf, gcc, make, python3.
 */
import { LIVE_WORKLOADS, recordLiveWorkload } from './live-workloads';
import { verifyWithTracecheck } from './tracecheck';
import { prepareWorkloadEnv } from './workloads';

interface Config {
  label: string;
  tracer: 'strace' | 'perf';
  flags?: string[];
}

const CONFIGS: Config[] = [
  { label: 'strace -f -ttt -T -yy', tracer: 'strace', flags: ['-f', '-ttt', '-T', '-yy'] },
  { label: 'strace -f', tracer: 'strace', flags: ['-f'] },
  { label: 'perf trace', tracer: 'perf' },
];

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let runs = 1;
  const ri = args.indexOf('--runs');
  if (ri >= 0) {
    runs = Number(args[ri + 1]);
    args.splice(ri, 2);
  }
  const names = new Set(args);
  const env = await prepareWorkloadEnv();
  let failures = 0;
  for (const w of LIVE_WORKLOADS) {
    if (names.size > 0 && !names.has(w.name)) continue;
    for (const c of CONFIGS) {
      if (c.tracer === 'perf' && !w.perfVerified) continue;
      for (let i = 0; i < runs; i++) {
        const t0 = Date.now();
        // perf trace can silently lose events (see LiveWorkload.perfCaveat): give it up to 3 tries
        const tries = c.tracer === 'perf' ? 3 : 1;
        let problems: string[] = [];
        let skipped = '';
        let attempt = 0;
        for (; attempt < tries; attempt++) {
          const rec = await recordLiveWorkload(w, { env, tracer: c.tracer, flags: c.flags });
          if (!rec.ok) {
            skipped = rec.reason;
            break;
          }
          problems = [...rec.problems];
          if (c.tracer === 'strace' && rec.exitCode !== 0) problems.push(`exit code ${rec.exitCode}: ${rec.stderr.slice(-300)}`);
          problems.push(...(await verifyWithTracecheck(rec.tracePath, rec.plan.expected, { perf: c.tracer === 'perf' })));
          if (!problems.length) break;
        }
        if (skipped) {
          console.log(`SKIP  ${w.name.padEnd(14)} ${c.label}: ${skipped}`);
          continue;
        }
        if (problems.length) failures++;
        const retried = attempt > 0 && !problems.length ? ` (passed on try ${attempt + 1})` : '';
        console.log(`${problems.length ? 'FAIL' : 'ok  '}  ${w.name.padEnd(14)} ${c.label.padEnd(22)} ${Date.now() - t0} ms${retried} ${problems.join('; ')}`);
      }
    }
  }
  console.log(failures ? `${failures} failed` : 'all expectations hold');
  return failures ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
