import { expect, test, type WebSocketRoute } from '@playwright/test';
import { expectAccessible } from './axe';
import { RUN_ID, logLines, monitorSnapshot, runSnapshot } from './monitor-fixture';
import { collectProblems, expectFitsSmallestWindow, nav, screenshot, useWebHost } from './support';

/**
 * The run monitor page against the contract's own frames: the real browser host answers
 * everything except `runs.list`, `monitor.snapshot` and `runs.cancel`, which a route answers
 * with a run in training (the pipeline's end-to-end tests run real runs); then `monitor.delta`
 * and `runs.event` frames are pushed as main pushes them. "Tear down now" is real: the run id is
 * the one the in-memory AWS account (TRAINDECK_FAKE_AWS=1) has resources tagged with.
 */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

test('the monitor shows phases, progress and cost, charts with units, a virtualized log that follows, and stops a run', async ({ page }) => {
  const problems = await collectProblems(page);
  const sent: string[] = [];
  let client: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/ipc/, (ws) => {
    client = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string; payload: unknown };
      sent.push(frame.command);
      const answer = frame.command === 'runs.list' ? [runSnapshot()] : frame.command === 'monitor.snapshot' ? monitorSnapshot() : frame.command === 'runs.cancel' ? { cancelled: true } : undefined;
      if (answer === undefined) server.send(message);
      else ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: answer } }));
    });
    server.onMessage((message) => ws.send(message));
  });
  const push = (event: string, payload: unknown) => client?.send(JSON.stringify({ type: 'event', event, payload }));

  await page.goto(host().url);
  await page.locator('html[data-app-ready="true"]').waitFor();
  await nav(page, 'Runs').click();
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('phase-training')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('phase-pulling')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('run-stats')).toContainText('5200 / 13000');
  await expect(page.getByTestId('run-stats')).toContainText('3.21 it/s');
  await expect(page.getByTestId('run-stats')).toContainText('$3.29');
  await expect(page.getByTestId('run-stats')).toContainText('$1.03/h');
  for (const chart of ['cpu', 'gpu.util', 'gpu.mem', 'gpu.temp', 'memory', 'disk', 'net', 'metric.loss']) await expect(page.getByTestId(`chart-${chart}`).locator('svg.recharts-surface')).toBeVisible();
  await expect(page.getByTestId('chart-gpu.mem')).toContainText('GiB');

  // 5,000 lines, a few dozen rows in the DOM; following shows the last one.
  const tail = page.getByTestId('log-tail');
  await expect(tail).toContainText('step 4999 ');
  expect(await tail.locator('.log-tail__row').count()).toBeLessThan(100);
  await expect(page.getByTestId('run-history')).toContainText('resnet50-baseline');
  await expectAccessible(page, 'run monitor');
  await screenshot(page, 'runs-monitor');
  await expectFitsSmallestWindow(page, 'runs-monitor-narrow');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'runs-monitor-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Deltas append: new log lines arrive and the tail follows them.
  push('monitor.delta', { runId: RUN_ID, seq: 11, at: Date.now(), log: { first: 5_000, lines: logLines(3, 5_000) }, progress: { step: 5203, totalSteps: 13000, metrics: { loss: 0.41 }, itPerSec: 3.3 } });
  await expect(tail).toContainText('step 5002 ');
  await expect(page.getByTestId('run-stats')).toContainText('5203 / 13000');

  // Search filters the log; clearing it brings everything back.
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('step 4321 ');
  await expect(page.locator('.log-tail__count')).toHaveText('1 of 5003 lines');
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('');

  // Stop training sends runs.cancel; the run's events then move it on.
  await page.getByRole('button', { name: 'Stop training' }).click();
  await expect.poll(() => sent.includes('runs.cancel')).toBe(true);
  push('runs.event', { runId: RUN_ID, seq: 41, at: new Date().toISOString(), type: 'phase', phase: 'training', status: 'succeeded' });
  push('runs.event', { runId: RUN_ID, seq: 42, at: new Date().toISOString(), type: 'phase', phase: 'pushing', status: 'running' });
  await expect(page.getByTestId('phase-pushing')).toHaveAttribute('data-status', 'running');
  push('runs.event', { runId: RUN_ID, seq: 43, at: new Date().toISOString(), type: 'finished', outcome: 'cancelled', reason: 'Stopped by the user; data pushed and verified, resources deleted.', exitCode: 143 });
  await expect(monitor).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByTestId('run-history')).toContainText('Cancelled');
  // A phase the run's end cut short stops spinning.
  await expect(page.getByTestId('phase-pushing')).toHaveAttribute('data-status', 'skipped');

  // The finished run's report, as Markdown on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-report').click();
  const report = await page.evaluate(() => navigator.clipboard.readText());
  expect(report).toContain('# Run resnet50-baseline');
  expect(report).toContain('Outcome: **cancelled** (exit code 143)');
  expect(report).toMatch(/\| training \| succeeded \| 3 h \d\d min \|/);
  await screenshot(page, 'runs-finished');


  // Tear down now: asked twice, then the run's resources are deleted and verified gone.
  await page.getByTestId('teardown').click();
  await page.getByTestId('teardown-confirm').click();
  await expect(page.getByTestId('kill-verdict')).toContainText('Nothing of this run remains', { timeout: 30_000 });
  await expect(page.getByTestId('kill-verdict')).toContainText('4 deleted');
  await expectAccessible(page, 'run after teardown');
  await screenshot(page, 'runs-teardown');

  expect(problems).toEqual([]);
});
