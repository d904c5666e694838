// What the UI checks (ui-checks.mjs, ui-compare.mjs, ui-editor.mjs) share: the TAP-style line per
// check, running a list of steps, the command palette, Quick Open, and waiting for a webview page.
import path from 'node:path';

/**
 * One TAP-style line per check, numbered from `firstNumber`, with the time since the previous
 * line; a failure's message follows as `#` comment lines. `results` collects { name, ok, error }.
 */
export function tapRecorder(firstNumber = 1) {
  const results = [];
  let last = Date.now();
  const record = (name, error) => {
    results.push({ name, ok: !error, error });
    const took = ` (${((Date.now() - last) / 1000).toFixed(1)} s)`;
    last = Date.now();
    // eslint-disable-next-line no-control-regex -- playwright's messages carry ANSI colours
    const why = error ? `\n  # ${String(error.message ?? error).replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').join('\n  # ')}` : '';
    console.log(`${error ? 'not ok' : 'ok'} ${firstNumber + results.length - 1} - ${name}${took}${why}`);
  };
  return { results, record };
}

/**
 * Runs `steps` ([name, async fn]) in order, one check each, named `${prefix}${name}`. The first
 * failure calls `onFail` (a screenshot; its own errors are ignored) and the later steps are
 * recorded as failed, skipped. Never throws.
 */
export async function runSteps(steps, { record, prefix = '', onFail = async () => {} }) {
  let failed = null;
  for (const [name, fn] of steps) {
    if (failed) {
      record(`${prefix}${name}`, new Error('skipped: an earlier step failed'));
      continue;
    }
    try {
      await fn();
      record(`${prefix}${name}`);
    } catch (e) {
      failed = e;
      record(`${prefix}${name}`, e);
      await onFail().catch(() => {});
    }
  }
}

/**
 * Runs a command from the command palette (F1) by its title. A webview that takes the focus back
 * (after a layout change) closes the palette under our feet, so it tries up to three times.
 */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await input.fill(`>${title}`, { timeout: 5000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (process.env.VERBOSE) console.log(`  # palette attempt ${attempt} for "${title}" failed: ${e.message.split('\n')[0]}`);
      if (attempt === 3) throw new Error(`could not run "${title}" from the command palette: ${e.message}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
}

/** Quick Open (Ctrl+P) a workspace file and wait until its editor shows `expectText`. */
export async function openFile(page, relPath, expectText) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relPath);
  // Enter opens the focused row: wait until the list has caught up with the text typed (until
  // then the focus can be on a recently opened file, such as the active editor).
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: path.basename(relPath) }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(relPath) }).waitFor();
  await page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: expectText }).first().waitFor();
}

/** The page inside the active webview (VS Code nests it in two iframes). */
export function webviewContent(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * Waits until the active webview's page is drawn (`body[data-state]` ready or error); throws
 * with the page's `#error` text when it shows an error. `what` names the page in that message.
 */
export async function waitForWebviewDrawn(page, what, timeout) {
  const body = webviewContent(page).locator('body[data-state="ready"], body[data-state="error"]');
  await body.waitFor({ timeout });
  if ((await body.getAttribute('data-state')) === 'error') {
    const msg = await body.locator('#error').textContent().catch(() => '(no #error element)');
    throw new Error(`the ${what} shows an error: ${msg}`);
  }
}
