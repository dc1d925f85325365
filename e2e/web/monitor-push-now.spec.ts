import { expect, test } from '@playwright/test';

import { silentLogger } from '../../main/core/logger';
import { toAppError } from '../../main/core/router';
import { FIX_LINE_PREFIX } from '../../main/executor/phase-error';
import { pushFailure } from '../../main/runs/pipeline/executor-push';
import type { PushNowReport } from '../../shared/executor/protocol';
import type { AppError } from '../../shared/ipc/result';
import { monitorSnapshot, runSnapshot } from './monitor-fixture';
import {
  collectProblems,
  expectAccessibleLightAndDark,
  expectFitsSmallestWindow,
  openApp,
  shotAtWidths,
  useWebHost,
} from './support';

/**
 * "Push checkpoints now" in the monitor (#17 point 5): idle with the age of the newest checkpoint
 * in S3, pushing, done (what moved, the newest checkpoint's new age), refused with the executor's
 * fix line, and failed. The real browser host answers everything except the run, its monitor and
 * the push's two commands, which a route answers; the push's answer is held until the spec lets it
 * go, so "pushing" is a state the page stays in, not a flash. The refusal and the failure are made
 * by main's own code (pushFailure from the executor's stderr, then the router's toAppError), so
 * the page gets exactly what main would send.
 */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

type Answer = { ok: true; value: unknown } | { ok: false; error: AppError };

test('Push checkpoints now: idle, pushing, done, refused with its fix, failed', async ({ page }) => {
  // Axe twice per state and shots at three widths, on a machine shared by eight (load 30 measured).
  test.setTimeout(900_000);
  const problems = await collectProblems(page);
  // What main lists as the newest checkpoint in S3 (the page asks at start and once a minute): a push moves it.
  let newestAt = new Date(Date.now() - 12 * 60_000).toISOString();
  // The push's answers, in order; each is sent when the spec releases it.
  const pending: Array<(answer: Answer) => void> = [];
  let pushes = 0;
  await page.routeWebSocket(/\/ipc/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string; payload: unknown };
      const reply = (result: Answer) => ws.send(JSON.stringify({ type: 'result', id: frame.id, result }));
      if (frame.command === 'runs.pushNow') {
        pushes += 1;
        expect(frame.payload).toMatchObject({ folders: ['checkpoints'] });
        pending.push(reply);
        return;
      }
      const answer =
        frame.command === 'runs.list'
          ? [runSnapshot()]
          : frame.command === 'monitor.snapshot'
            ? monitorSnapshot(24)
            : frame.command === 'runs.newestCheckpoint'
              ? { newest: { key: 'runs/r/checkpoints/epoch-4.ckpt', at: newestAt } }
              : undefined;
      if (answer === undefined) server.send(message);
      else reply({ ok: true, value: answer });
    });
    server.onMessage((message) => ws.send(message));
  });
  const release = async (answer: Answer) => {
    await expect.poll(() => pending.length).toBe(1);
    pending.shift()!(answer);
  };

  await openApp(page, host().url, 'Runs');
  const panel = page.getByTestId('push-now');
  const button = page.getByTestId('push-now-button');
  const age = page.getByTestId('push-now-age');

  // Idle: the button, and the age of the newest checkpoint main found in S3.
  await expect(button).toHaveText('Push checkpoints now');
  await expect(button).toBeEnabled();
  await expect(age).toHaveText(/^Newest checkpoint in S3: 12 min( \d+ s)? ago$/);
  await expect(page.getByTestId('push-now-result')).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'push now, idle');
  await shotAtWidths(page, 'monitor-push-now-idle');

  // Pushing: the button says so and takes no second click until main answers.
  await button.click();
  await expect(button).toHaveText('Pushing…');
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('aria-busy', 'true');
  await expectAccessibleLightAndDark(page, 'push now, pushing');
  await shotAtWidths(page, 'monitor-push-now-pushing');
  expect(pushes).toBe(1);

  // Done: what moved in one sentence, and the newest checkpoint's age from the push's own listing.
  const report: PushNowReport = {
    folders: ['checkpoints'],
    uploaded: 2,
    bytes: 1_840_000_000,
    skipped: [{ folder: 'checkpoints', relPath: 'epoch-6.ckpt', reason: 'still being written' }],
    failures: [],
    newestCheckpoint: { key: 'runs/r/checkpoints/epoch-5.ckpt', at: new Date().toISOString() },
  };
  newestAt = report.newestCheckpoint!.at;
  await release({ ok: true, value: report });
  await expect(page.getByTestId('push-now-result')).toHaveText(
    '2 files pushed; 1 still being written (epoch-6.ckpt) will go on the next push.',
  );
  await expect(age).toHaveAttribute('data-newest-at', report.newestCheckpoint!.at);
  await expect(age).toHaveText(/^Newest checkpoint in S3: (just now|\d+ s ago|\d+ min \d+ s ago)$/);
  await expect(button).toHaveText('Push checkpoints now');
  await expect(button).toBeEnabled();
  await expectAccessibleLightAndDark(page, 'push now, done');
  await shotAtWidths(page, 'monitor-push-now-done');

  // Refused: the executor's reason and its own fix line (a push asked for earlier still runs).
  await button.click();
  await expect(button).toHaveText('Pushing…');
  // The earlier push's result goes: beside the refusal it would read as this push's.
  await expect(page.getByTestId('push-now-result')).toHaveCount(0);
  const refusal = pushFailure(
    1,
    `${FIX_LINE_PREFIX}Wait for it to finish; the run’s events say what it moved.\ntraindeck-executor: a push asked for earlier is still running (PID 4242)\n`,
  );
  await release({ ok: false, error: toAppError(refusal, 'runs.pushNow', silentLogger) });
  const callout = panel.getByRole('alert');
  await expect(callout).toContainText('The push did not run');
  await expect(callout).toContainText(
    'The push failed (exit 1): a push asked for earlier is still running (PID 4242).',
  );
  await expect(callout.locator('.error-callout__fix')).toHaveText(
    'Wait for it to finish; the run’s events say what it moved.',
  );
  await expect(page.getByTestId('push-now-result')).toHaveCount(0);
  // The newest checkpoint in S3 is still the one the done push left.
  await expect(age).toHaveAttribute('data-newest-at', report.newestCheckpoint!.at);
  await expectAccessibleLightAndDark(page, 'push now, refused');
  await shotAtWidths(page, 'monitor-push-now-refused');
  await expectFitsSmallestWindow(page, 'monitor-push-now-refused-narrow');

  // Failed: the executor killed, no fix of its own; main's sentence and where to look.
  await button.click();
  await expect(callout).toHaveCount(0);
  await release({
    ok: false,
    error: toAppError(pushFailure(137, 'traindeck-executor: killed\n'), 'runs.pushNow', silentLogger),
  });
  await expect(callout).toContainText('"runs.pushNow" failed: the push failed (exit 137): killed');
  await expect(callout.locator('.error-callout__fix')).toHaveText('See the TrainDeck log for details.');
  await expect(button).toBeEnabled();
  await expectAccessibleLightAndDark(page, 'push now, failed');
  await shotAtWidths(page, 'monitor-push-now-failed');
  expect(pushes).toBe(3);
  expect(problems).toEqual([]);
});
