// The standalone HTML reports of a trace with hundreds of transfers (scripts/big/make_big.sh replays
// the corpus's real traces), in headless Chromium: the report's cards come costliest first a page
// at a time and can be ordered otherwise, "Show more" hands the focus to the first new card, and
// the comparison of two such traces is drawn a page at a time too (all at once it froze for 14 s).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './harness.mjs';
import { runSteps, tapRecorder } from './ui-common.mjs';

/** The checks, on `page` (a fresh Chromium page). Returns [{ name, ok, error }]. */
export async function runStandaloneChecks(page, { shotsDir, firstNumber = 1 }) {
  const { results, record } = tapRecorder(firstNumber);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-ui-big-'));
  const trace = path.join(dir, 'big.trace');
  const reportHtml = path.join(dir, 'report.html');
  const compareHtml = path.join(dir, 'compare.html');
  const iolens = (...args) => execFileSync(process.execPath, [path.join(REPO, 'dist', 'iolens.js'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  let report;
  const cardIds = () => page.evaluate(() => [...document.querySelectorAll('.transfer')].map((el) => el.dataset.id));
  const steps = [
    ['a 6 MB trace replayed from the corpus, its report and its comparison with itself written as HTML', async () => {
      execFileSync('bash', [path.join(REPO, 'scripts', 'big', 'make_big.sh'), trace, String(6_000_000)], { stdio: 'ignore' });
      report = JSON.parse(iolens('analyze', trace, '--json'));
      if (report.transfers.length <= 200) throw new Error(`only ${report.transfers.length} transfers`);
      iolens('analyze', trace, '--html', reportHtml);
      iolens('compare', trace, trace, '--html', compareHtml);
    }],
    ['report: 100 cards drawn, the one with the most CPU bytes copied first', async () => {
      await page.goto(`file://${reportHtml}`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
      const ids = await cardIds();
      // Ties go to the most mode switches (as the charts pick), then the trace's order.
      const costliest = [...report.transfers].sort((a, b) => (b.cpuBytesCopied ?? -1) - (a.cpuBytesCopied ?? -1) || b.modeSwitches - a.modeSwitches)[0];
      if (ids.length !== 100 || ids[0] !== costliest.id) throw new Error(`${ids.length} cards, first ${ids[0]}; expected 100, first ${costliest.id}`);
      if ((await page.inputValue('#transfer-order')) !== 'cost') throw new Error('the order select does not say cost');
      await page.screenshot({ path: path.join(shotsDir, 'standalone-big-report.png') });
    }],
    ['report: "trace order" puts t1 first; "Show more" adds 100 cards and focuses the first of them', async () => {
      await page.selectOption('#transfer-order', 'trace');
      const ids = await cardIds();
      if (ids[0] !== 't1' || ids.length !== 100) throw new Error(`first ${ids[0]} of ${ids.length}`);
      await page.click('.show-more');
      const focused = await page.evaluate(() => document.activeElement?.dataset?.id);
      const after = await cardIds();
      if (after.length !== 200 || focused !== after[100]) throw new Error(`${after.length} cards, focus on ${focused}, expected ${after[100]}`);
    }],
    ['report: from the order select, Tab then Enter on "Skip to the system calls table" focuses that table\'s heading', async () => {
      await page.focus('#transfer-order');
      await page.keyboard.press('Tab');
      const onSkip = await page.evaluate(() => document.activeElement?.classList.contains('skip-transfers'));
      await page.keyboard.press('Enter');
      const focused = await page.evaluate(() => document.activeElement?.id);
      if (!onSkip || focused !== 'summary-title') throw new Error(`Tab reached the skip button: ${onSkip}; focus after Enter: ${focused}`);
    }],
    ['report in a 520 px panel (beside the source): the diagrams are drawn downwards at full size; at 1200 px left to right; at 800 px never below 84 %', async () => {
      const drawn = () => page.evaluate(() => [...document.querySelectorAll('.transfer svg.datapath')]
        .filter((svg) => svg.getBoundingClientRect().width > 0)
        .map((svg) => ({ layout: svg.classList.contains('datapath-tall') ? 'tall' : 'wide', scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width })));
      const original = page.viewportSize();
      await page.setViewportSize({ width: 520, height: 900 });
      const narrow = await drawn();
      await page.setViewportSize({ width: 800, height: 900 });
      const middle = await drawn();
      await page.setViewportSize({ width: 1200, height: 900 });
      const wide = await drawn();
      if (original) await page.setViewportSize(original);
      const describe = (list) => `${list.length} drawn: ${[...new Set(list.map((d) => `${d.layout} at ${d.scale.toFixed(2)}`))].join(', ')}`;
      // Each card draws its path and, mostly, the recommended one: at least one picture per card, never both layouts of one.
      if (narrow.length < 200 || narrow.some((d) => d.layout !== 'tall' || Math.abs(d.scale - 1) > 0.01)) throw new Error(`at 520 px ${describe(narrow)}`);
      if (wide.length !== narrow.length || wide.some((d) => d.layout !== 'wide' || d.scale < 0.99)) throw new Error(`at 1200 px ${describe(wide)}`);
      // In between, a picture too wide to keep ~85 % of its size (5 or more boxes) is drawn downwards.
      if (middle.length !== narrow.length || middle.some((d) => (d.layout === 'tall' ? Math.abs(d.scale - 1) > 0.01 : d.scale < 0.84))) throw new Error(`at 800 px ${describe(middle)}`);
      await page.setViewportSize({ width: 520, height: 900 });
      await page.locator('.transfer').first().screenshot({ path: path.join(shotsDir, 'standalone-narrow-card.png') });
      if (original) await page.setViewportSize(original);
    }],
    ['comparison: one page of cards and a "Show more"', async () => {
      await page.goto(`file://${compareHtml}`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
      const counts = await page.evaluate(() => ({ cards: document.querySelectorAll('.matched-transfer, .added-transfer, .removed-transfer').length, more: document.querySelectorAll('.show-more').length }));
      if (counts.cards !== 100 || counts.more !== 1) throw new Error(JSON.stringify(counts));
      await page.click('.show-more');
      const cards = await page.evaluate(() => document.querySelectorAll('.matched-transfer').length);
      if (cards !== 200) throw new Error(`${cards} matched cards after "Show more"`);
    }],
  ];
  await runSteps(steps, { record, prefix: 'standalone big report: ', onFail: () => page.screenshot({ path: path.join(shotsDir, 'standalone-big.fail.png') }) });
  fs.rmSync(dir, { recursive: true, force: true });
  return results;
}
