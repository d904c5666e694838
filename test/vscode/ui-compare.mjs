// What a person sees when comparing two traces: in a running workbench, run "I/O Lens: Compare I/O
// traces" from the command palette, pick the workspace's rw_send.strace as the before trace and
// sendfile.strace as the after trace, and check the comparison webview.
//
// Contract with the webview (media/compare): <body data-state="loading|ready|error">, #compare-totals,
// `.matched-transfer[data-before-strategy][data-after-strategy]`, `.added-transfer`,
// `.removed-transfer`, #incomparable (only when there are notes).
//
// Usage (from the ui mode, after the report checks of a theme):
//   import { runCompareUiCheck } from './ui-compare.mjs';
//   results.push(...await runCompareUiCheck(page, { shotsDir, theme, firstNumber }));
import fs from 'node:fs';
import path from 'node:path';
import { runCommand, runSteps, tapRecorder, waitForWebviewDrawn, webviewContent } from './ui-common.mjs';

const COMMAND = 'I/O Lens: Compare I/O traces';
const BEFORE = 'rw_send.strace';
const AFTER = 'sendfile.strace';
const TIMEOUT_MS = 60_000;

/** Picks the row showing `file` in the open quick pick whose title contains `titleText`. */
async function pickTrace(page, titleText, file) {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: titleText }).waitFor({ timeout: 15_000 });
  await widget.locator('input').fill(file);
  await widget.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * The compare check on a loaded workbench. Returns [{ name, ok, error }] like runUiChecks and prints
 * TAP-style lines; never throws. Leaves compare-rw_send-vs-sendfile[-<theme>].png in shotsDir
 * (the workbench, and -webview.png: the comparison without the side bar), `.fail.png` on failure.
 */
export async function runCompareUiCheck(page, { shotsDir, theme, firstNumber = 1 } = {}) {
  fs.mkdirSync(shotsDir, { recursive: true });
  const suffix = theme ? `-${theme}` : '';
  const shot = `compare-rw_send-vs-sendfile${suffix}`;
  const prefix = `${theme ? `${theme}: ` : ''}compare ${BEFORE} with ${AFTER}:`;
  const { results, record } = tapRecorder(firstNumber);
  const inner = webviewContent(page);
  const steps = [
    [`comparison drawn after "${COMMAND}" > ${BEFORE} > ${AFTER}`, async () => {
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, COMMAND);
      await pickTrace(page, 'BEFORE', BEFORE);
      await pickTrace(page, 'AFTER', AFTER);
      await waitForWebviewDrawn(page, 'comparison webview', TIMEOUT_MS);
    }],
    ['one .matched-transfer[data-before-strategy="read_write"][data-after-strategy="sendfile"], nothing added or removed', async () => {
      const matched = inner.locator('.matched-transfer[data-before-strategy="read_write"][data-after-strategy="sendfile"]');
      await matched.first().waitFor({ state: 'visible', timeout: 5000 });
      const counts = await inner.locator('body').evaluate(() => ({
        matched: document.querySelectorAll('.matched-transfer').length,
        wanted: document.querySelectorAll('.matched-transfer[data-before-strategy="read_write"][data-after-strategy="sendfile"]').length,
        added: document.querySelectorAll('.added-transfer').length,
        removed: document.querySelectorAll('.removed-transfer').length,
        // Each picture comes in two layouts, one shown (the other display: none) by the room it has.
        diagrams: [...document.querySelectorAll('.matched-transfer svg.datapath')].filter((svg) => svg.getBoundingClientRect().width > 0).length,
        notes: document.querySelectorAll('#incomparable').length,
        csp: Number(document.body.dataset.cspViolations ?? '0'),
      }));
      const expected = { matched: 1, wanted: 1, added: 0, removed: 0, diagrams: 2, notes: 0, csp: 0 };
      if (JSON.stringify(counts) !== JSON.stringify(expected)) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(counts)}`);
    }],
    ['#compare-totals: CPU bytes copied 1.91 MiB → 0 B, −100%', async () => {
      const card = inner.locator('#compare-totals [data-total="cpuBytesCopied"]');
      await card.waitFor({ state: 'visible', timeout: 5000 });
      const text = (await card.innerText()).replace(/\s+/g, ' ');
      if (!/1\.91 MiB → 0 B/.test(text) || !text.includes('−100%')) throw new Error(`#compare-totals cpuBytesCopied reads ${JSON.stringify(text)}`);
    }],
    ['screenshots taken', async () => {
      await page.waitForTimeout(500); // charts and fonts settle
      await page.screenshot({ path: path.join(shotsDir, `${shot}.png`) });
      // The comparison alone, at full width: the panel is the only editor group, so hide the side
      // bar (Maximize Editor Group needs two groups), shoot, and show it again.
      await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      await page.waitForTimeout(700);
      await page.locator('iframe.webview.ready').screenshot({ path: path.join(shotsDir, `${shot}-webview.png`) });
      await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      await page.waitForTimeout(500);
    }],
  ];
  await runSteps(steps, { record, prefix: `${prefix} `, onFail: () => page.screenshot({ path: path.join(shotsDir, `${shot}.fail.png`) }) });
  try {
    await page.keyboard.press('Escape');
    await runCommand(page, 'View: Close All Editors');
  } catch (e) {
    record(`${prefix} editors close afterwards`, e);
  }
  return results;
}
