// What a person sees: in a running workbench, open a trace, run "I/O Lens: Analyze I/O trace"
// from the command palette, pick "Analyze the active editor", and check the report webview.
//
// Contract with the webview (media/report): <body data-state="ready"> once the report is drawn
// (data-state="error" with the message in #error on failure), the totals in #totals, one
// `.transfer[data-strategy=...]` per transfer. Expected figures come from the corpus manifest.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './harness.mjs';
import { openFile, runCommand, runSteps, tapRecorder, waitForWebviewDrawn, webviewContent } from './ui-common.mjs';
import { runCompareUiCheck } from './ui-compare.mjs';
import { runEditorUiCheck } from './ui-editor.mjs';

/**
 * Theme ids as VS Code 1.139 names them (`workbench.colorTheme`): "Dark 2026" is the default dark
 * theme; "Light Modern" is the theme older releases called "Default Light Modern". `kind` is the
 * class the workbench element gets, checked so a screenshot's name never lies about its theme.
 */
export const THEMES = {
  dark: { id: 'Dark 2026', kind: 'vs-dark' },
  light: { id: 'Light Modern', kind: 'vs' },
};

/** The workspace's traces: unedited copies of corpus traces, so the manifest is their ground truth. */
export const TRACES = [
  { file: 'rw_send.strace', name: 'rw_send', corpus: 'traces/rw_send_c/f_ttt_T_yy.trace' },
  { file: 'sendfile.strace', name: 'sendfile', corpus: 'traces/sendfile_c/f_ttt_T_yy.trace' },
];

const COMMAND = 'I/O Lens: Analyze I/O trace';
const PICK_ACTIVE = 'Analyze the active editor';
const REPORT_TIMEOUT_MS = 60_000;

function expectedFor(trace) {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'corpus', 'manifest.json'), 'utf8'));
  const entry = manifest.traces.find((t) => t.file === trace.corpus);
  if (!entry) throw new Error(`${trace.corpus} is not in the corpus manifest`);
  return {
    strategies: [...new Set(entry.expected_transfers.map((t) => t.strategy))],
    bytes: entry.expected_transfers.reduce((sum, t) => sum + t.bytes, 0),
  };
}

const UNIT = { b: 1, byte: 1, bytes: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

/** Every byte quantity written in `text` ("977 KiB", "1,000,000 bytes", "1.0 MB"), in bytes. */
export function byteFigures(text) {
  const out = [];
  for (const m of text.matchAll(/(\d[\d,\u00a0\u202f]*(?:\.\d+)?)\s*(bytes|byte|KiB|MiB|GiB|kB|KB|MB|GB|B)\b/gi)) {
    out.push(Number(m[1].replace(/[,\u00a0\u202f]/g, '')) * UNIT[m[2].toLowerCase()]);
  }
  return out;
}

const RELOAD = 'Developer: Reload Window';

async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  for (let i = 0; i < 50 && (await page.locator('iframe.webview').count()) > 0; i++) await page.waitForTimeout(100);
}

/**
 * The checks for one theme, on a page that is loading the workbench. Returns [{ name, ok, error }]
 * and prints one TAP-style line per check. Never throws: a failed step fails its check and skips
 * the rest of that trace (counted as failed too), and leaves `<name>.fail.png` in shotsDir.
 */
export async function runUiChecks(page, { theme, shotsDir, firstNumber = 1 }) {
  fs.mkdirSync(shotsDir, { recursive: true });
  const { results, record } = tapRecorder(firstNumber);
  const failShot = (name) => page.screenshot({ path: path.join(shotsDir, `${name}.fail.png`) }).catch(() => {});

  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor();
    // The workbench starts with the `vs` class and switches once the theme from the settings loads.
    const kind = THEMES[theme].kind;
    await page.waitForFunction((k) => document.querySelector('.monaco-workbench')?.classList.contains(k), kind, { timeout: 15_000 })
      .catch(async () => {
        const classes = await page.locator('.monaco-workbench').getAttribute('class');
        throw new Error(`the workbench is not in a ${kind} theme (classes: ${classes}): is "${THEMES[theme].id}" a theme of this VS Code?`);
      });
    record(`${theme}: the workbench loads in the ${THEMES[theme].id} theme`);
  } catch (e) {
    record(`${theme}: the workbench loads in the ${THEMES[theme].id} theme`, e);
    await failShot(`workbench-${theme}`);
    return results;
  }

  for (const trace of TRACES) {
    const shot = `analyze-${trace.name}-${theme}`;
    const expected = expectedFor(trace);
    const prefix = `${theme}: ${trace.file}:`;
    const inner = webviewContent(page);
    const steps = [
      [`report drawn after "${COMMAND}" > "${PICK_ACTIVE}"`, async () => {
        await openFile(page, trace.file, 'execve');
        await runCommand(page, COMMAND);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: PICK_ACTIVE }).first().click();
        await waitForWebviewDrawn(page, 'webview', REPORT_TIMEOUT_MS);
      }],
      ...expected.strategies.map((s) => [`a .transfer[data-strategy="${s}"] is visible`, async () => {
        await inner.locator(`.transfer[data-strategy="${s}"]`).first().waitFor({ state: 'visible', timeout: 5000 });
      }]),
      [`#totals shows ${expected.bytes.toLocaleString('en-US')} bytes (within 1%)`, async () => {
        const totals = inner.locator('#totals');
        await totals.waitFor({ state: 'visible', timeout: 5000 });
        const text = await totals.evaluate((el) => [el.innerText, ...[el, ...el.querySelectorAll('[title]')].map((e) => e.getAttribute('title') ?? '')].join('\n'));
        const figures = byteFigures(text);
        if (!figures.some((b) => Math.abs(b - expected.bytes) <= expected.bytes * 0.01)) {
          throw new Error(`no figure near ${expected.bytes} bytes in #totals: ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 300))}`);
        }
      }],
      ['screenshots taken', async () => {
        await page.waitForTimeout(500); // let charts and fonts settle
        await page.screenshot({ path: path.join(shotsDir, `${shot}.png`) });
        // The report alone, at full width: double-click its tab (the last group: it opens beside
        // the trace) to maximize that group, shoot, double-click again to restore. The palette
        // is no use here: F1 does not reach the workbench while the webview has the focus.
        const reportTab = page.locator('.editor-group-container').last().locator('.tab.active');
        await reportTab.dblclick();
        await page.waitForTimeout(700); // the webview follows its group's new size
        await page.locator('iframe.webview.ready').screenshot({ path: path.join(shotsDir, `${shot}-webview.png`) });
        await reportTab.dblclick();
        await page.waitForTimeout(500);
        // Give the focus back to the trace's editor, out of the webview.
        await page.locator('.editor-group-container').first().locator('.tab.active').click();
      }],
    ];
    if (trace === TRACES[0]) {
      // The panel serializer: after a window reload the report comes back, analyzed again from its source.
      steps.push([`the report comes back after "${RELOAD}" (state restored by the serializer)`, async () => {
        const loadedAt = await page.evaluate(() => globalThis.performance.timeOrigin);
        await runCommand(page, RELOAD);
        await page.waitForFunction((t) => globalThis.performance.timeOrigin !== t, loadedAt, { timeout: 30_000 });
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await page.locator('iframe.webview').first().waitFor({ timeout: 60_000 });
        await waitForWebviewDrawn(page, 'restored webview', REPORT_TIMEOUT_MS);
        for (const s of expected.strategies) await inner.locator(`.transfer[data-strategy="${s}"]`).first().waitFor({ state: 'visible', timeout: 10_000 });
      }]);
    }
    await runSteps(steps, { record, prefix: `${prefix} `, onFail: () => failShot(shot) });
    try {
      await page.keyboard.press('Escape');
      await closeAllEditors(page);
    } catch (e) {
      record(`${prefix} editors close afterwards`, e);
      await failShot(`${shot}-close`);
      break;
    }
  }
  // Compare I/O traces: the two workspace traces side by side.
  results.push(...(await runCompareUiCheck(page, { shotsDir, theme, firstNumber: firstNumber + results.length })));
  // Syscalls in the editor: a hover over sendfile( in C source and over a line of a trace file.
  results.push(...(await runEditorUiCheck(page, { shotsDir, theme, firstNumber: firstNumber + results.length })));
  return results;
}
