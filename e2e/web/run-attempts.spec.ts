import { expect, type Locator, test } from '@playwright/test';

import { expectAccessible } from './axe';
import { monitorSnapshot } from './monitor-fixture';
import { RELAUNCHED_RUN_ID, relaunchingRunSnapshot, writeRelaunchedRun } from './relaunched-run-fixture';
import {
  collectProblems,
  expectFitsSmallestWindow,
  openApp,
  shotAccessibleAtWidths,
  shotAtWidths,
  useDataDirOnDisk,
  useWebHost,
} from './support';

/**
 * A spot run that was relaunched, as a user meets it in the browser host (fake AWS): its
 * attempts on one timeline in the monitor (each said in words: zone, market, duration, why it
 * ended, not by colour alone) and listed in the run report with instance, type, zone, market,
 * start, duration, end and cost. First the finished run from the data folder (three launches),
 * then the same run live in its second attempt (runs.list answered by a route).
 */
const STARTED = Date.now() - 4 * 3_600_000;
const { env } = useDataDirOnDisk('attempts', (dataDir) => writeRelaunchedRun(dataDir, STARTED));
const host = useWebHost(env);

test('a relaunched spot run: its attempts on one timeline in the monitor, and each in the report', async ({ page }) => {
  test.slow();
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Runs');
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-run-id', RELAUNCHED_RUN_ID);
  const attempts = page.getByTestId('run-attempts');
  await expect(attempts.getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('attempts-lead')).toHaveText('3 launches · 2 spot interruptions · together $1.83');
  await expect(page.getByTestId('attempt-1')).toContainText('Attempt 1 · eu-west-1a · spot');
  await expect(page.getByTestId('attempt-1')).toContainText('48 min · spot interruption');
  await expect(page.getByTestId('attempt-2')).toContainText('Attempt 2 · eu-west-1b · spot');
  await expect(page.getByTestId('attempt-3')).toContainText('Attempt 3 · eu-west-1b · on-demand');
  await expect(page.getByTestId('attempt-3')).toContainText('55 min · finished');
  // Left to right, on one row at 1280 px.
  const tops = await attempts
    .getByRole('listitem')
    .evaluateAll((items) => items.map((li) => li.getBoundingClientRect().top));
  expect(new Set(tops).size).toBe(1);

  const table = page.getByTestId('report-run-attempts');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tbody tr').nth(0)).toContainText('i-0a11b22c33d44e551');
  await expect(table.locator('tbody tr').nth(0)).toContainText('spot interruption');
  await expect(table.locator('tbody tr').nth(0)).toContainText('$0.326');
  await expect(table.locator('tbody tr').nth(2)).toContainText('$0.937');
  await expect(table.locator('tbody tr').nth(2)).toContainText('on-demand');
  await expect(page.getByTestId('run-report')).toContainText(
    '3 launches of the instance, 2 ended by a spot interruption; together $1.83.',
  );
  // The run's cost record: one line per attempt (its own market and zone, disk and IPv4), the total their sum plus S3.
  const report = page.getByTestId('run-report');
  await expect(report).toContainText('Attempt 2: instance g5.xlarge (spot, eu-west-1b), disk and IPv4');
  await expect(report).not.toContainText('No cost was recorded');
  await expect(page.getByTestId('run-history')).toContainText('$1.83');
  // At 1280 px each attempt's cost label is on one line, in the timeline and in the report's cost
  // table (both broke in two: the timeline's "$0.326" fell under its instance id, the report's
  // "Attempt 2: instance g5.xlarge (spot, eu-west-1b), disk and IPv4" took two lines).
  await page.setViewportSize({ width: 1280, height: 900 });
  for (const n of [1, 2, 3]) {
    const meta = page.getByTestId(`attempt-${n}`).locator('.attempts__meta');
    await expect(meta).toContainText(/\$\d/);
    expect(await textLines(meta), `attempt ${n}'s cost label`).toBe(1);
    const item = page.getByTestId('report-cost').getByRole('rowheader', { name: new RegExp(`^Attempt ${n}: `) });
    expect(await textLines(item), `the report's attempt ${n} cost item`).toBe(1);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
  await attempts.scrollIntoViewIfNeeded();
  await shotAccessibleAtWidths(page, 'run-attempts');
  // (The smallest window is checked on the live run below: this page's report has the resources
  // table, whose long ids overflow at 960 px on their own, an older matter than the attempts.)
  expect(problems).toEqual([]);
});

test('the same run live in its second attempt: the first interrupted, the second running', async ({ page }) => {
  test.slow();
  const problems = await collectProblems(page);
  const now = Date.now();
  await page.routeWebSocket(/\/ipc/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string };
      const answer =
        frame.command === 'runs.list'
          ? [relaunchingRunSnapshot(now)]
          : frame.command === 'monitor.snapshot'
            ? { ...monitorSnapshot(24), runId: RELAUNCHED_RUN_ID }
            : undefined;
      if (answer === undefined) server.send(message);
      else ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: answer } }));
    });
    server.onMessage((message) => ws.send(message));
  });
  await openApp(page, host().url, 'Runs');
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('attempt-1')).toContainText('spot interruption');
  await expect(page.getByTestId('attempt-2')).toHaveAttribute('data-end', 'running');
  await expect(page.getByTestId('attempt-2')).toContainText(/\d+ min( \d+ s)? · running/);
  await expect(page.getByTestId('attempt-2')).toContainText('cost when it ends');
  await expect(page.getByTestId('attempts-lead')).toHaveText(
    '2 launches · 1 spot interruption · ended attempts $0.326, the running one priced when it ends',
  );
  await expectAccessible(page, 'a run in its second attempt');
  await shotAtWidths(page, 'run-attempts-live');
  await expectFitsSmallestWindow(page, 'run-attempts-live-narrow');
  expect(problems).toEqual([]);
});

/** How many lines a text takes as laid out: the distinct tops of its line boxes (a table cell's own height is its row's). */
function textLines(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    // Boxes of one line differ by a few pixels (a <code> with padding beside text): a new line starts 8 px lower.
    const tops = [...range.getClientRects()]
      .filter((r) => r.width > 0)
      .map((r) => r.top)
      .sort((a, b) => a - b);
    return tops.filter((top, i) => i === 0 || top - tops[i - 1]! > 8).length;
  });
}
