// iolens: the I/O Lens analysis for terminals and CI.
//   iolens analyze TRACE... [--json] [--html OUT.html] [--no-gather-nic]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTraceFiles } from '../core/analyze';
import { renderTextReport } from './text-report';
import { writeHtmlReport } from './html-output';

const USAGE = `Usage:
  iolens analyze TRACE... [--json] [--html OUT.html] [--no-gather-nic]

  TRACE...          strace or perf trace output; several files = the -ff parts of one trace
  --json            print the report as one JSON document (schemaVersion 1) on stdout
  --html OUT.html   also write the report as one self-contained HTML file
  --no-gather-nic   do not assume the NIC gathers (sendfile to a socket then costs 1 CPU copy)`;

interface AnalyzeArgs {
  traces: string[];
  json: boolean;
  html: string | null;
  assumeGatherNic: boolean;
}

class UsageError extends Error {}

function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  const args: AnalyzeArgs = { traces: [], json: false, html: null, assumeGatherNic: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--json') args.json = true;
    else if (arg === '--no-gather-nic') args.assumeGatherNic = false;
    else if (arg === '--html') {
      const out = argv[++i];
      if (out === undefined) throw new UsageError('--html needs an output file');
      args.html = out;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else args.traces.push(arg);
  }
  if (args.traces.length === 0) throw new UsageError('no trace file given');
  return args;
}

async function analyzeCommand(argv: string[]): Promise<number> {
  const args = parseAnalyzeArgs(argv);
  for (const trace of args.traces) {
    try {
      if (!fs.statSync(trace).isFile()) throw new Error('not a regular file');
    } catch (error) {
      process.stderr.write(`iolens: cannot read ${trace}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const report = await analyzeTraceFiles(args.traces, { assumeGatherNic: args.assumeGatherNic });
  if (args.html !== null) {
    const written = writeHtmlReport(report, args.html, path.join(__dirname, 'webview'));
    process.stderr.write(`iolens: report written to ${written}\n`);
  }
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderTextReport(report)}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'analyze') return await analyzeCommand(rest);
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`iolens: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`iolens: ${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
