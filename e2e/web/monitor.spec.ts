import { statSync } from 'node:fs';
import { join } from 'node:path';

import { expect, test, type WebSocketRoute } from '@playwright/test';

import { formatCostTotal } from '../../shared/report/format';
import { expectAccessible } from './axe';
import { logLines, monitorSnapshot, RUN_ID, runSnapshot, trainingProgress } from './monitor-fixture';
import { PUSHED, useFinishedRunOnDisk } from './report-fixture';
import { collectProblems, openApp, screenshot, shotAtWidths, shotEveryWay, useWebHost } from './support';

/**
 * The run monitor page against the contract's own frames: the real browser host answers
 * everything except `runs.list`, `monitor.snapshot` and `runs.cancel`, which a route answers
 * with a run in training (the pipeline's end-to-end tests run real runs); then `monitor.delta`
 * and `runs.event` frames are pushed as main pushes them. "Tear down now" is real: the run id is
 * the one the in-memory AWS account (TRAINDECK_FAKE_AWS=1) has resources tagged with. The run
 * report is real too: the host's data folder holds the run as main leaves it once stopped.
 */
const finished = useFinishedRunOnDisk(Date.now());
const host = useWebHost(finished.env);

test('the monitor shows phases, progress and cost, charts with units, a virtualized log that follows, and stops a run', async ({
  page,
}) => {
  // A long walk (monitor, stop, push, report, teardown, axe four times, a dozen screenshots) on a shared machine.
  test.slow();
  const problems = await collectProblems(page);
  const sent: string[] = [];
  let client: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/ipc/, (ws) => {
    client = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string; payload: unknown };
      sent.push(frame.command);
      const answer =
        frame.command === 'runs.list'
          ? [runSnapshot()]
          : frame.command === 'monitor.snapshot'
            ? monitorSnapshot()
            : frame.command === 'runs.cancel'
              ? { cancelled: true }
              : undefined;
      if (answer === undefined) server.send(message);
      else ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: answer } }));
    });
    server.onMessage((message) => ws.send(message));
  });
  const push = (event: string, payload: unknown) => client?.send(JSON.stringify({ type: 'event', event, payload }));

  await openApp(page, host().url, 'Runs');
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('phase-training')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('phase-pulling')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('run-stats')).toContainText('5200 / 13000');
  await expect(page.getByTestId('run-stats')).toContainText('3.21 it/s');
  // Speed says where it is measured; the live tqdm bar shows between the log's lines.
  await expect(page.getByTestId('run-stats')).toContainText('from metrics.jsonl');
  await expect(page.getByTestId('live-bar')).toContainText('528/1300 [02:44<04:00,  3.21it/s, loss=0.412]');
  await expect(page.getByTestId('run-stats')).toContainText('$3.29');
  await expect(page.getByTestId('run-stats')).toContainText('$1.03/h');
  // Sync per folder: the finished pull, the datasets verified; no push yet. Done, it is folded to one line, which opens.
  await expect(page.getByTestId('sync-summary')).toContainText(/Pull done · 130 files · [\d.]+ GiB · 128 verified/);
  await page.getByTestId('sync-toggle').click();
  const pulled = page.getByTestId('sync-pull-cached_datasets');
  await expect(
    page
      .getByRole('table', { name: 'Sync status per folder, pull then push' })
      .getByRole('rowheader', { name: 'cached_datasets' }),
  ).toBeVisible();
  for (const text of ['pull-only', '128 / 128', '14.2 GiB', '202 MiB/s', 'Done']) {
    await expect(pulled).toContainText(text);
  }
  await expect(page.getByTestId('sync-pull-cached_datasets-verified')).toHaveText('Passed: 128 verified');
  await expect(page.getByTestId('sync-pull-models')).toContainText('Up to date');
  await expect(page.getByTestId('sync-pull-checkpoints')).toContainText('1.7 GiB');
  await expect(page.getByTestId('sync-push')).toHaveCount(0);
  for (const chart of ['cpu', 'gpu.util', 'gpu.mem', 'gpu.temp', 'memory', 'disk', 'net', 'metric.loss']) {
    await expect(page.getByTestId(`chart-${chart}`).locator('svg.recharts-surface')).toBeVisible();
  }
  await expect(page.getByTestId('chart-gpu.mem')).toContainText('GiB');

  // 5,000 lines, a few dozen rows in the DOM; following shows the last one.
  const tail = page.getByTestId('log-tail');
  await expect(tail).toContainText('step 4999 ');
  expect(await tail.locator('.log-tail__row').count()).toBeLessThan(100);
  await expect(page.getByTestId('run-history')).toContainText('resnet50-baseline');
  await expectAccessible(page, 'run monitor');
  await shotEveryWay(page, 'runs-monitor');

  // Deltas append: new log lines arrive and the tail follows them.
  push('monitor.delta', {
    runId: RUN_ID,
    seq: 11,
    at: Date.now(),
    log: { first: 5_000, lines: logLines(3, 5_000) },
    progress: trainingProgress(5203, 'Epoch 5/10:  42%|████▏     | 553/1300 [02:52<03:52,  3.21it/s, loss=0.410]'),
  });
  await expect(tail).toContainText('step 5002 ');
  await expect(page.getByTestId('run-stats')).toContainText('5203 / 13000');

  // The bar moves with the next redraw carried live (no newline from tqdm yet).
  push('monitor.delta', {
    runId: RUN_ID,
    seq: 12,
    at: Date.now(),
    progress: trainingProgress(5210, 'Epoch 5/10:  43%|████▎     | 560/1300 [02:54<03:50,  3.21it/s, loss=0.409]'),
  });
  await expect(page.getByTestId('live-bar')).toContainText('560/1300');
  // What the bar knows (epoch 5 of 10, 1300 steps each) is in the figures: epoch and ETA beside it.
  await expect(page.getByTestId('run-stats')).toContainText('5 / 10');
  await expect(page.getByTestId('run-stats')).toContainText(/ETA\d+ min/);
  await screenshot(page, 'runs-monitor-live-bar');

  // Search filters the log; clearing it brings everything back.
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('step 4321 ');
  await expect(page.locator('.log-tail__count')).toHaveText('1 of 5003 lines');
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('');

  // Stop training asks first, saying what follows; then sends runs.cancel and says "Stopping…" until main says the training ended.
  await page.getByTestId('stop-training').click();
  await expect(page.getByTestId('stop-consequence')).toContainText(
    'its data is pushed to S3 and verified, then the instance is torn down',
  );
  expect(sent.includes('runs.cancel')).toBe(false);
  await expectAccessible(page, 'stop confirmation');
  await shotAtWidths(page, 'runs-stop-confirm');
  await page.getByTestId('stop-confirm').click();
  await expect.poll(() => sent.includes('runs.cancel')).toBe(true);
  await expect(page.getByTestId('stop-training')).toHaveText('Stopping…');
  await expect(page.getByTestId('stop-training')).toBeDisabled();
  await expectAccessible(page, 'stopping');
  await screenshot(page, 'runs-stopping');
  push('runs.event', {
    runId: RUN_ID,
    seq: 41,
    at: new Date().toISOString(),
    type: 'phase',
    phase: 'training',
    status: 'succeeded',
  });
  await expect(page.getByTestId('stop-training')).toHaveCount(0);
  push('runs.event', {
    runId: RUN_ID,
    seq: 42,
    at: new Date().toISOString(),
    type: 'phase',
    phase: 'pushing',
    status: 'running',
  });
  await expect(page.getByTestId('phase-pushing')).toHaveAttribute('data-status', 'running');
  // The push's figures arrive live (about once a second), then the S3 verification per folder.
  // The final figures of the run on disk (PUSHED), `filesDone` files into each folder; the verification comes in its own event.
  const pushing = (filesDone: number, state: 'running' | 'done') =>
    PUSHED.map(({ verified: _verified, ...f }) => ({
      ...f,
      state,
      filesDone: Math.min(filesDone, f.filesTotal),
      bytesDone: Math.min(f.bytesTotal, Math.round((f.bytesTotal / f.filesTotal) * filesDone)),
    }));
  push('runs.event', {
    runId: RUN_ID,
    seq: 43,
    at: new Date().toISOString(),
    type: 'sync',
    direction: 'push',
    folders: pushing(1, 'running'),
  });
  await expect(page.getByTestId('sync-push-checkpoints')).toContainText('1 / 4');
  await expect(page.getByTestId('sync-push-checkpoints')).toContainText('877 MiB / 3.4 GiB');
  await expect(page.getByTestId('sync-push-checkpoints')).toContainText('Moving');
  await expect(page.getByTestId('sync-push-checkpoints-verified')).toHaveText('pending');
  push('runs.event', {
    runId: RUN_ID,
    seq: 44,
    at: new Date().toISOString(),
    type: 'sync',
    direction: 'push',
    folders: pushing(4, 'done'),
  });
  push('runs.event', {
    runId: RUN_ID,
    seq: 45,
    at: new Date().toISOString(),
    type: 'sync-verified',
    direction: 'push',
    folders: PUSHED.map((f) => ({ folder: f.folder, policy: f.policy, ...f.verified })),
  });
  await expect(page.getByTestId('sync-push-checkpoints-verified')).toHaveText('Passed: 6 verified');
  await expect(page.getByTestId('sync-push-checkpoints')).toContainText('4 / 4');
  // main prices the run just before it says it finished.
  push('runs.event', { runId: RUN_ID, seq: 46, at: new Date().toISOString(), type: 'cost', ...finished.cost });
  push('runs.event', {
    runId: RUN_ID,
    seq: 47,
    at: new Date().toISOString(),
    type: 'finished',
    outcome: 'cancelled',
    reason: 'Stopped by the user; data pushed and verified, resources deleted.',
    exitCode: 143,
  });
  await expect(monitor).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByTestId('run-history')).toContainText('Cancelled');
  // A phase the run's end cut short stops spinning.
  await expect(page.getByTestId('phase-pushing')).toHaveAttribute('data-status', 'skipped');

  // The finished run's report (main's: its events, its journal): outcome, timeline, data, resources, itemized cost.
  const total = formatCostTotal(finished.cost);
  expect(total).toMatch(/^\$3\.\d\d$/);
  const reportCard = page.getByTestId('run-report');
  await expect(page.getByTestId('report-summary')).toContainText('Cancelled');
  await expect(page.getByTestId('report-summary')).toContainText('exit code 143');
  await expect(page.getByTestId('report-summary')).toContainText(total);
  await expect(page.getByTestId('report-summary')).toContainText('Not all confirmed gone');
  await expect(page.getByTestId('report-timeline').getByRole('row', { name: /Train/ })).toContainText(/3 h \d\d min/);
  await expect(page.getByTestId('report-data')).toContainText('130 files, 16.0 GiB');
  await expect(page.getByTestId('report-data')).toContainText('verified: 128 files');
  await expect(page.getByTestId('report-data')).toContainText('verified: 11 files compared with S3');
  await expect(page.getByTestId('report-resources').getByRole('row', { name: /i-0a1b2c3d4e5f60718/ })).toContainText(
    'Not confirmed deleted',
  );
  await expect(page.getByTestId('report-resources').getByRole('row', { name: /traindeck-executor/ })).toContainText(
    'Kept · shared, free',
  );
  await expect(
    page.getByTestId('report-cost').getByRole('row', { name: /Instance g5\.xlarge \(on-demand\)/ }),
  ).toContainText('/h');
  await expect(page.getByTestId('report-cost').getByRole('row', { name: /Data transfer EC2 ↔ S3/ })).toContainText(
    '$0.00',
  );
  await expect(page.getByTestId('report-cost-total')).toHaveText(total);
  // History: the cost column, from the run's `cost` event.
  await expect(page.getByTestId('run-history').getByRole('columnheader', { name: 'Cost' })).toBeVisible();
  await expect(page.getByTestId('run-history-cost')).toHaveText(total);

  // As Markdown on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-report').click();
  const report = await page.evaluate(() => navigator.clipboard.readText());
  expect(report).toContain('# Run resnet50-baseline');
  expect(report).toContain('Outcome: **cancelled** (exit code 143)');
  expect(report).toMatch(/\| training \| succeeded \| 3 h \d\d min \|/);
  expect(report).toContain('| instance | `i-0a1b2c3d4e5f60718` | eu-west-1 |');
  expect(report).toContain(`| **Total** |  | **${total}** |`);

  // Save report: Markdown and HTML in the run's folder (owner-only); no PDF in browser mode.
  await reportCard.getByRole('button', { name: 'Save report' }).click();
  const saved = page.getByTestId('report-saved');
  const runFolder = join(finished.dataDir(), 'runs', RUN_ID);
  await expect(saved).toContainText(join(runFolder, 'report.md'));
  await expect(saved).toContainText(join(runFolder, 'report.html'));
  await expect(saved.getByRole('definition').last()).toHaveText('desktop app only');
  for (const name of ['report.md', 'report.html']) expect(statSync(join(runFolder, name)).mode & 0o777).toBe(0o600);
  await expectAccessible(page, 'finished run report');
  await screenshot(page, 'runs-finished');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'runs-finished-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Tear down now: asked twice, then the run's resources are deleted and verified gone.
  await page.getByTestId('teardown').click();
  await page.getByTestId('teardown-confirm').click();
  await expect(page.getByTestId('kill-verdict')).toContainText('Nothing of this run remains', { timeout: 30_000 });
  await expect(page.getByTestId('kill-verdict')).toContainText('4 deleted');
  // Verified gone: nothing more to tear down.
  await expect(page.getByTestId('teardown')).toHaveCount(0);
  // The report reads the journal again: every resource deleted, and the rescan verified it.
  await expect(page.getByTestId('report-summary')).toContainText('All gone, verified');
  await expect(page.getByTestId('report-resources').getByRole('row', { name: /i-0a1b2c3d4e5f60718/ })).toContainText(
    'Deleted · verified',
  );
  await expectAccessible(page, 'run after teardown');
  await screenshot(page, 'runs-teardown');

  expect(problems).toEqual([]);
});
