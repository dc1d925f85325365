import { expect, test } from '@playwright/test';

import { emptyRunSnapshot, type RunSnapshot } from '../../shared/domain/run';
import { provisioningBurn } from '../../shared/monitor/burn';
import { formatUsd } from '../../shared/report/format';
import { expectAccessible } from './axe';
import { FAILED_RUN_ID, INSTANCE_ID, SSH_ERROR, writeFailedRun } from './failed-run-fixture';
import { collectProblems, nav, openApp, shotAtWidths, useDataDirOnDisk, useWebHost } from './support';

/**
 * A failed run, as a user meets it: one failure summary (the SSH error once, though the run's
 * events hold it three times), the causes that fit EC2 with the instance's console link, no
 * empty panels, and "Retry with the same settings" that starts a real run in the browser host
 * (fake AWS) from the settings main recorded; that run fails at preflight (its key file is
 * missing), and the "Run failed" notification says so. Then a run still provisioning shows its
 * burn rate from the instance's create on, not "—".
 */
const STARTED = Date.now() - 2 * 3_600_000;
const { env } = useDataDirOnDisk('failed', (dataDir) => writeFailedRun(dataDir, STARTED));
const host = useWebHost(env);

test('a failed run: one summary with EC2 causes, no empty panels, Retry with the same settings, "Run failed"', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Runs');
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'failed');
  const summary = page.getByTestId('failure-summary');
  await expect(summary.getByRole('heading', { name: 'Connect failed' })).toBeVisible();
  await expect(page.getByTestId('failure-reason')).toHaveText(SSH_ERROR);
  // Said once: not again under the timeline, not as the run's "connecting: …" line. (The log keeps its line.)
  const outsideLog = await monitor.evaluate((root, error) => {
    const clone = root.cloneNode(true) as HTMLElement;
    clone.querySelector('.run-monitor__log')?.remove();
    return clone.textContent?.split(error.slice(0, 40)).length ?? 0;
  }, SSH_ERROR);
  expect(outsideLog - 1).toBe(1);
  // The causes of an EC2 run that never answered SSH, with the instance's console page.
  const causes = page.getByTestId('failure-causes');
  await expect(causes).toContainText('public IP address changed');
  await expect(causes).toContainText('security group');
  await expect(causes).toContainText('status checks');
  await expect(causes).toContainText('Get system log');
  await expect(causes.getByRole('link', { name: `Open ${INSTANCE_ID} in the EC2 console` }).first()).toHaveAttribute(
    'href',
    `https://console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=${INSTANCE_ID}`,
  );
  await expect(causes).not.toContainText('authorized_keys');
  // Nothing was measured, synced or trained: those panels are not shown at all.
  await expect(page.getByTestId('sync-status-empty')).toHaveCount(0);
  await expect(page.getByTestId('run-stats')).toHaveCount(0);
  await expect(monitor).not.toContainText('No health samples');
  // The pipeline's notes are there, folded: the summary above already says what they say.
  await expect(page.getByTestId('pipeline-log')).not.toHaveAttribute('open');
  await expect(page.getByTestId('pipeline-log').locator('summary')).toHaveText('Pipeline log · 1 line');
  await expectAccessible(page, 'a failed run');
  await shotAtWidths(page, 'failed-run');

  // Retry: a new run from the recorded settings, shown at once; it fails at preflight, and says so.
  await page.getByTestId('run-retry').click();
  await expect(monitor).not.toHaveAttribute('data-run-id', FAILED_RUN_ID);
  await expect(page.getByTestId('failure-summary').getByRole('heading', { name: 'Preflight failed' })).toBeVisible();
  await expect(page.getByTestId('failure-reason')).toContainText('missing-sse.key');
  // Preflight errors name their cause: no guesses about networks for it.
  await expect(page.getByTestId('failure-causes')).toHaveCount(0);
  const toast = page.getByTestId('toast').filter({ hasText: 'Run failed' });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText('failed at preflight: The SSE-C key file');
  await expect(page.getByTestId('runs-history').getByRole('row')).toHaveCount(3);
  await expectAccessible(page, 'a retried run that failed');
  await shotAtWidths(page, 'failed-run-retried');
  expect(problems).toEqual([]);
});

test('a run still provisioning shows its burn rate from the instance create on', async ({ page }) => {
  const startedAt = Date.now() - 4 * 60_000;
  const run: RunSnapshot = emptyRunSnapshot('gpt-small-20261205-090000-beef', 'gpt-small', 'aws-ec2', '');
  run.startedAt = new Date(startedAt).toISOString();
  run.lastSeq = 5;
  run.phases.preflight = {
    status: 'succeeded',
    startedAt: run.startedAt,
    endedAt: new Date(startedAt + 30_000).toISOString(),
    detail: { instanceType: 'g5.xlarge', diskGb: 150 },
  };
  run.phases.provisioning = {
    status: 'running',
    startedAt: new Date(startedAt + 30_000).toISOString(),
    detail: { step: 'status-checks', progress: 'waiting for status checks: 40 s of 10 min' },
  };
  await page.routeWebSocket(/\/ipc/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string };
      if (frame.command !== 'runs.list') return server.send(message);
      ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: [run] } }));
    });
    server.onMessage((message) => ws.send(message));
  });
  await openApp(page, host().url, 'Runs');
  await expect(page.getByTestId('phase-provisioning')).toHaveAttribute('data-status', 'running');
  const hourly = provisioningBurn(run, Date.now())!.hourlyUsd!;
  await expect(page.getByTestId('run-stats')).toContainText(`${formatUsd(hourly)}/h`);
  await expect(page.getByTestId('run-stats')).not.toContainText('Burn rate—');
  // The badge seen from every page says the same burn while the instance boots (not "1 running" without a price).
  await expect(page.getByTestId('sidebar-live')).toHaveText(`1 running · ${formatUsd(hourly)}/h`);
  await nav(page, 'Costs').click();
  await expect(page.getByTestId('sidebar-live')).toHaveText(`1 running · ${formatUsd(hourly)}/h`);
  await nav(page, 'Runs').click();
  await expectAccessible(page, 'a run provisioning');
  await shotAtWidths(page, 'provisioning-burn');
});
