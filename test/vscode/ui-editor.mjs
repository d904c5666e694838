// What a person sees of issue #6 (syscalls in the editor): in a running workbench, build the C
// fixture of the workspace's editor/ folder with debug info, record it with strace -k, analyze the
// trace from the command palette, then hover `sendfile(` in the C source and a sendfile line of the
// trace file, and take screenshots of both hovers.
//
// Usage (from run.mjs or any driver that has a page on a loaded workbench):
//   import { runEditorUiCheck } from './ui-editor.mjs';
//   results.push(...await runEditorUiCheck(page, { shotsDir, theme: 'dark' }));
// The workspace folder is read from the page URL (`?folder=`), or given as `workspace`.
// Returns [{ name, ok, error }] and prints one TAP-style line per check; never throws.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openFile, runCommand, runSteps, tapRecorder, waitForWebviewDrawn, webviewContent } from './ui-common.mjs';

const ANALYZE = 'I/O Lens: Analyze I/O trace';
const PICK_ACTIVE = 'Analyze the active editor';

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
}

/** Builds editor/copy_demo.c with -g and records it with strace -k into editor/copy_demo.strace. */
export function recordEditorTrace(workspace) {
  const dir = path.join(workspace, 'editor');
  const buf = Buffer.alloc(1_000_000);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 31 + 7) & 0xff;
  fs.writeFileSync(path.join(dir, 'in.bin'), buf);
  run('gcc', ['-g', '-O0', '-o', 'copy_demo', 'copy_demo.c'], dir);
  run('strace', ['-f', '-k', '-ttt', '-T', '-yy', '-s', '32', '-o', 'copy_demo.strace', './copy_demo', 'in.bin', 'out_rw.bin', 'out_sf.bin'], dir);
  return path.join(dir, 'copy_demo.strace');
}

/** Go to a line with Ctrl+G so it is on screen. */
async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** Moves the mouse over the token `token` of the visible line containing `lineText`; waits for the I/O Lens hover. */
async function hoverToken(page, lineText, token, hoverText) {
  const line = page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: lineText }).first();
  await line.waitFor();
  const span = line.locator('span > span', { hasText: token }).first();
  // Wait for the editor to stop scrolling (go to line reveals with an animation).
  let box = await span.boundingBox();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(150);
    const next = await span.boundingBox();
    if (box && next && Math.abs(next.y - box.y) < 0.5 && Math.abs(next.x - box.x) < 0.5) break;
    box = next;
  }
  if (!box) throw new Error(`no box for ${token} on the line "${lineText}"`);
  // Find the token's x inside the span (the span may hold more text than the token).
  const spanText = (await span.textContent()) ?? '';
  const at = Math.max(0, spanText.indexOf(token));
  const x = box.x + (box.width * (at + token.length / 2)) / Math.max(1, spanText.length);
  const hover = page.locator('.monaco-hover:visible', { hasText: hoverText }).first();
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.mouse.move(x - 30, box.y - 30);
    await page.waitForTimeout(200);
    await page.mouse.move(x, box.y + box.height / 2, { steps: 4 });
    try {
      await hover.waitFor({ state: 'visible', timeout: attempt === 3 ? 8000 : 4000 });
      return hover;
    } catch (e) {
      if (attempt === 2) {
        // The mouse did not bring it up: click the token and ask for the hover at the cursor.
        await page.mouse.click(x, box.y + box.height / 2);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
      }
      if (attempt === 3) {
        const seen = await page.locator('.monaco-hover').allInnerTexts().catch(() => []);
        throw new Error(`no hover with "${hoverText}" over ${token} at (${Math.round(x)}, ${Math.round(box.y)}); hovers: ${JSON.stringify(seen).slice(0, 300)}: ${e.message}`);
      }
    }
  }
  return hover;
}

export async function runEditorUiCheck(page, { shotsDir, theme = 'dark', workspace, firstNumber = 1 } = {}) {
  fs.mkdirSync(shotsDir, { recursive: true });
  const { results, record } = tapRecorder(firstNumber);
  const ws = workspace ?? new URL(page.url()).searchParams.get('folder');
  const steps = [
    ['the C fixture is built with -g and recorded with strace -k', async () => {
      if (!ws) throw new Error('no workspace folder in the page URL');
      recordEditorTrace(ws);
    }],
    [`"${ANALYZE}" > "${PICK_ACTIVE}" on editor/copy_demo.strace draws the report`, async () => {
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await openFile(page, 'editor/copy_demo.strace', 'execve');
      await runCommand(page, ANALYZE);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: PICK_ACTIVE }).first().click();
      await waitForWebviewDrawn(page, 'report', 60_000);
    }],
    ['hover over sendfile( in copy_demo.c is exact to the line (screenshot)', async () => {
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'editor/copy_demo.c', 'copy_sendfile');
      await goToLine(page, 33);
      const hover = await hoverToken(page, 'ssize_t n = sendfile(', 'sendfile', 'exact line');
      const text = (await hover.innerText()).replace(/\u00a0/g, " ");
      for (const want of ['4 calls', 'sendfile ×4', '1,000,000', 'mode switches', 'Recommendation']) {
        if (!text.includes(want)) throw new Error(`the hover lacks "${want}": ${text.slice(0, 400)}`);
      }
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(shotsDir, `editor-hover-c-${theme}.png`) });
    }],
    ['CodeLens shows the one-line summary above the sendfile line', async () => {
      await page.mouse.move(5, 5);
      const lensLine = page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'mode switches' }).first();
      await lensLine.waitFor({ timeout: 15_000 });
    }],
    ['clicking that CodeLens opens the report scrolled to the sendfile transfer, selected (screenshot)', async () => {
      // The lens of the sendfile line (4 calls), not the read/write loop's.
      const lens = page.locator('.editor-group-container.active .codelens-decoration a', { hasText: /^4 calls · .*mode switches/ }).first();
      await lens.click();
      await waitForWebviewDrawn(page, 'report', 60_000);
      const card = webviewContent(page).locator('.transfer.selected');
      await card.waitFor({ timeout: 15_000 });
      const strategy = await card.getAttribute('data-strategy');
      if (strategy !== 'sendfile') throw new Error(`the selected transfer is ${strategy}, not the sendfile one`);
      // In view: scrolled to, not just marked.
      const inView = await card.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top < window.innerHeight && r.bottom > 0;
      });
      if (!inView) throw new Error('the selected transfer card is not scrolled into view');
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(shotsDir, `editor-open-transfer-${theme}.png`) });
      // The report's tab title names the trace too: close it (and its group) so the next step finds the trace's tab.
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'View: Close All Editor Groups');
    }],
    ['hover over a sendfile line of the trace shows the call, its fds and its transfer (screenshot)', async () => {
      // Any line names the program: VS Code may restore the view where the last step left it.
      await openFile(page, 'editor/copy_demo.strace', 'copy_demo');
      await page.keyboard.press('Control+F');
      await page.keyboard.type(' sendfile(');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
      const hover = await hoverToken(page, ' sendfile(', 'sendfile', 'Part of transfer');
      const text = (await hover.innerText()).replace(/\u00a0/g, " ");
      for (const want of ['in-kernel mover', 'opened by openat']) {
        if (!text.includes(want)) throw new Error(`the trace hover lacks "${want}": ${text.slice(0, 400)}`);
      }
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(shotsDir, `editor-hover-trace-${theme}.png`) });
    }],
  ];
  await runSteps(steps, { record, prefix: `${theme}: editor: `, onFail: () => page.screenshot({ path: path.join(shotsDir, `editor-${theme}.fail.png`) }) });
  await page.keyboard.press('Escape').catch(() => {});
  return results;
}
