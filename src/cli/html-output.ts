// Writes the standalone HTML report, never over an existing file the user did not name.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IoReport } from '../core/report-types';
import { buildStandaloneReportHtml, loadWebviewAssets } from '../report-html/standalone';

/** `distDir` holds webview/report.js (the CLI bundle sits beside it). */
export function writeHtmlReport(report: IoReport, outPath: string, distDir: string): string {
  const html = buildStandaloneReportHtml(report, loadWebviewAssets(distDir));
  const resolved = path.resolve(outPath);
  // Write beside and rename, so a failure half-way never leaves a truncated report behind.
  const temporary = `${resolved}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, html);
  fs.renameSync(temporary, resolved);
  return resolved;
}
