import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import type { WebhookMessage, WebhookTarget } from '../../shared/notify/webhook';
import type { RunAttempt } from '../../shared/report/run-attempts';
import { EventBus } from '../core/event-bus';
import { NotificationService } from '../core/notifications';
import { startWebhookRecorder } from '../core/testing/webhook-recorder';
import { postWebhook } from '../core/webhook-post';
import { webhookTee } from '../core/webhook-tee';
import { MonitorNotifier } from './monitor-notifier';

// Issue 17 point 6, the desktop's side for spot relaunch: a spot interruption, a relaunch
// ("attempt N in zone Z", from the engine's `attempts` run event) and a budget stop reach the
// webhook (a real HTTP server on loopback records the POSTs); a webhook that fails (500, reset,
// never answering) fails nothing: notify returns at once, the app's notification is shown, and
// the log says why without the URL.
let recorder: Awaited<ReturnType<typeof startWebhookRecorder>>;
beforeAll(async () => {
  recorder = await startWebhookRecorder();
});
afterAll(async () => {
  await recorder?.stop();
});

const SECRET = 'T0000-B0000-relaunch-secret';

// A post that answers gets a limit no load reaches (0.4 s failed one in CI at load 24); one that
// never answers is what the short limit is for.
function desktop(target: WebhookTarget, timeoutMs = 30_000) {
  const bus = new EventBus();
  const shown: string[] = [];
  bus.on('app.notification', (n) => shown.push(n.title));
  const warnings: Array<{ message: string; fields: unknown }> = [];
  const sends: Array<Promise<unknown>> = [];
  const webhook = {
    send(message: WebhookMessage) {
      const sent = postWebhook(target, message, { timeoutMs });
      sends.push(sent);
      return sent;
    },
  };
  const log = { warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }) };
  const notifier = new MonitorNotifier(webhookTee(new NotificationService(bus), webhook, log));
  // The tee reports a failed post after it settles: one more turn lets its .then run.
  const settled = async () => {
    await Promise.all(sends);
    await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { notifier, shown, warnings, settled };
}

const attempt = (n: number, zone: string, end?: RunAttempt['end']): RunAttempt => ({
  attempt: n,
  instanceId: `i-0${n}`,
  instanceType: 'g5.xlarge',
  zone,
  market: 'spot',
  startedAt: '2026-12-05T10:00:00.000Z',
  ...(end ? { endedAt: '2026-12-05T10:42:00.000Z', end } : {}),
});
const attemptsEvent = (seq: number, attempts: RunAttempt[]): RunEvent => ({
  type: 'attempts',
  runId: 'spot-1',
  seq,
  at: '2026-12-05T10:45:00.000Z',
  attempts,
});

/** The run's notices in the order the engine and the monitor raise them. */
function relaunchedRun(notifier: MonitorNotifier) {
  notifier.notify({ kind: 'spot-interruption', runId: 'spot-1', action: 'terminate', time: '2026-12-05T10:42:00Z' });
  notifier.onRunEvent(attemptsEvent(1, [attempt(1, 'eu-west-1a', 'interrupted'), attempt(2, 'eu-west-1b')]));
  notifier.notify({
    kind: 'auto-stop',
    runId: 'spot-1',
    cause: 'budget',
    reason: 'stopped by the budget: $4.80 of $5.00',
  });
}

describe('the webhook hears about spot interruptions, relaunches and budget stops', () => {
  it('posts each one (Slack) with its title and words', async () => {
    const before = recorder.posted.length;
    const { notifier, settled, warnings } = desktop({ url: `${recorder.base}/ok/${SECRET}`, format: 'slack' });
    relaunchedRun(notifier);
    await settled();
    const texts = recorder.posted.slice(before).map((p) => (JSON.parse(p.body) as { text: string }).text);
    expect(texts).toEqual([
      expect.stringMatching(/^:rotating_light: \*Spot instance interrupted\*\nRun spot-1: AWS will terminate/),
      expect.stringMatching(
        /^:warning: \*Spot run relaunched \(attempt 2 in eu-west-1b\)\*\nRun spot-1: attempt 2 is a g5\.xlarge spot instance in eu-west-1b/,
      ),
      expect.stringMatching(
        /^:warning: \*Budget reached: stopping the run\*\nRun spot-1: stopped by the budget: \$4\.80 of \$5\.00\./,
      ),
    ]);
    expect(warnings).toEqual([]);
  });

  it('JSON gets the same message as fields', async () => {
    const before = recorder.posted.length;
    const { notifier, settled } = desktop({ url: `${recorder.base}/json/${SECRET}`, format: 'json' });
    notifier.onRunEvent(attemptsEvent(1, [attempt(1, 'eu-west-1a', 'interrupted'), attempt(2, 'eu-west-1c')]));
    await settled();
    expect(JSON.parse(recorder.posted.slice(before)[0]!.body)).toMatchObject({
      source: 'traindeck',
      level: 'warning',
      title: 'Spot run relaunched (attempt 2 in eu-west-1c)',
    });
  });

  it('a webhook that answers 500, resets or never answers fails nothing, and the log never holds the URL', async () => {
    for (const path of ['status-500', 'reset', 'hang']) {
      const { notifier, shown, warnings, settled } = desktop(
        { url: `${recorder.base}/${path}/${SECRET}`, format: 'json' },
        400,
      );
      // notify returns at once (the post runs in the background) and the app still shows each notification.
      expect(() => relaunchedRun(notifier)).not.toThrow();
      expect(shown, path).toEqual([
        'Spot instance interrupted',
        'Spot run relaunched (attempt 2 in eu-west-1b)',
        'Budget reached: stopping the run',
      ]);
      await settled();
      expect(warnings, path).toHaveLength(3);
      expect(JSON.stringify(warnings), path).not.toContain(SECRET);
      expect(JSON.stringify(warnings), path).toMatch(/answered 500|could not be reached|did not answer within/);
    }
  });
});
