// Reads the ground truth of the bundled corpora (test/fixtures/corpus and corpus-extra): real
// strace/perf recordings with the transfers each program really made.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExpectedEndpoint {
  kind: string;
  path?: string;
  description?: string;
}

export interface ExpectedTransfer {
  pid: number | 'main';
  source: ExpectedEndpoint;
  sink: ExpectedEndpoint;
  strategy: string;
  bytes: number;
  syscalls_involved: Record<string, number>;
  bytes_visible_in_trace?: boolean;
}

export interface CorpusEntry {
  file: string;
  flagset: string;
  workload: string;
  lines: number;
  expected_transfers: ExpectedTransfer[];
}

/** One trace to analyze: a single file, or all -ff parts of one run together. */
export interface CorpusCase {
  name: string;
  files: string[];
  expected: ExpectedTransfer[];
  flagset: string;
}

export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export function corpusDirs(): string[] {
  const root = repoRoot();
  return ['corpus', 'corpus-extra'].map((d) => path.join(root, 'test', 'fixtures', d)).filter((d) => fs.existsSync(path.join(d, 'manifest.json')));
}

export function loadCorpusCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const dir of corpusDirs()) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { traces: CorpusEntry[] };
    const ffGroups = new Map<string, CorpusCase>();
    for (const entry of manifest.traces) {
      const file = path.join(dir, entry.file);
      if (!fs.existsSync(file)) continue;
      if (entry.flagset === 'ff') {
        const group = path.dirname(file);
        let c = ffGroups.get(group);
        if (c === undefined) {
          c = { name: `${entry.workload}/ff.*`, files: [], expected: [], flagset: 'ff' };
          ffGroups.set(group, c);
          cases.push(c);
        }
        c.files.push(file);
        c.expected.push(...entry.expected_transfers);
      } else {
        cases.push({ name: entry.file.replace(/^traces\//, ''), files: [file], expected: entry.expected_transfers, flagset: entry.flagset });
      }
    }
  }
  return cases;
}

/**
 * The expected transfers of files of the shared corpus (test/fixtures/corpus), by their manifest
 * path (`traces/rw_copy_c/f.trace`); several files = the -ff parts of one trace. Throws on a file
 * the manifest does not know.
 */
export function expectedTransfersOf(...corpusFiles: string[]): ExpectedTransfer[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'corpus', 'manifest.json'), 'utf8')) as { traces: CorpusEntry[] };
  return corpusFiles.flatMap((file) => {
    const entry = manifest.traces.find((e) => e.file === file);
    if (entry === undefined) throw new Error(`${file} is not in the corpus manifest`);
    return entry.expected_transfers;
  });
}
