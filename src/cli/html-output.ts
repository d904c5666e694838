// Writes the standalone HTML report, never over an existing file the user did not name.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IoReport } from '../core/report-types';
import type { TraceComparison } from '../core/compare';
import { buildStandaloneComparisonHtml, buildStandaloneReportHtml, loadWebviewAssets } from '../report-html/standalone';

/** `distDir` holds webview/report.js (the CLI bundle sits beside it). */
export function writeHtmlReport(report: IoReport, outPath: string, distDir: string): string {
  return writeAtomically(outPath, buildStandaloneReportHtml(report, loadWebviewAssets(distDir, 'report')));
}

export function writeHtmlComparison(comparison: TraceComparison, before: IoReport, after: IoReport, outPath: string, distDir: string): string {
  return writeAtomically(outPath, buildStandaloneComparisonHtml(comparison, before, after, loadWebviewAssets(distDir, 'compare')));
}

function writeAtomically(outPath: string, html: string): string {
  const resolved = path.resolve(outPath);
  // Write beside and rename, so a failure half-way never leaves a truncated report behind.
  const temporary = `${resolved}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, html);
  fs.renameSync(temporary, resolved);
  return resolved;
}
