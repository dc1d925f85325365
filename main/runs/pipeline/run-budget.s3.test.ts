import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyRunEvent, type RunEvent } from '../../../shared/domain/run';
import type { MonitorNotice } from '../../../shared/monitor/notices';
import { reportMarkdown } from '../../../shared/report/report-markdown';
import { buildRunReport } from '../../../shared/report/run-report';
import { systemClock } from '../../core/clock';
import { EventBus } from '../../core/event-bus';
import { silentLogger } from '../../core/logger';
import { NotificationService } from '../../core/notifications';
import { MonitorNotifier } from '../../monitor/monitor-notifier';
import { MonitorService } from '../../monitor/monitor-service';
import { monitorObserver } from '../monitor-observer';
import { RunStopRequest } from './run-ending';
import type { RunObserver } from './run-observer';
import { createRunFixture, type RunFixture } from './testing/run-fixture';

let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('budget');
}, 120_000);
afterAll(() => f?.cleanup());

describe('a budget stops a run on a real SSH host (sshd + git over SSH + Ceph RGW)', () => {
  it('the monitor prices it, stops training gracefully before the budget, pushes, verifies, tears down, and the report says why', async () => {
    const controller = new AbortController();
    const bus = new EventBus();
    const notices: MonitorNotice[] = [];
    const notifier = new MonitorNotifier(new NotificationService(bus));
    const notify = notifier.notify.bind(notifier);
    notifier.notify = (notice) => {
      notices.push(notice);
      notify(notice);
    };
    const monitor = new MonitorService({ bus, clock: systemClock, log: silentLogger, notifier });
    const real = monitorObserver(monitor, undefined, undefined, undefined, { stopsOnly: true });
    // The machine is sshd on loopback; the monitor prices it as the g5.xlarge an EC2 run would have, launched
    // 9 h 45 min ago: with a $10 budget the first cost check finds the run plus its stop would pass it.
    const launchedAt = Date.now() - (9 * 60 + 45) * 60_000;
    const observer: RunObserver = {
      ...real,
      trainingStarted: (runId, host, paths, context = {}) =>
        real.trainingStarted(runId, host, paths, {
          ...context,
          aws: {
            instanceId: 'i-0budget',
            region: 'us-east-1',
            instanceType: 'g5.xlarge',
            diskGb: 100,
            spot: false,
            launchedAt,
          },
          guard: {
            maxCostUsd: 10,
            graceSeconds: 30,
            requestStop: (cause, reason) => controller.abort(new RunStopRequest(cause, reason)),
          },
        }),
    };
    const run = await f.run(
      f.config((raw) => (raw.training.env = { TRAIN_MODE: 'hang' })),
      f.sshHost(),
      {
        signal: controller.signal,
        observer,
      },
    );
    expect(run.result.outcome).toBe('cancelled');
    expect(run.result.reason).toMatch(/^stopped by the budget: \$\d+\.\d\d of \$10\.00; data pushed$/);
    const spent = Number(/\$(\d+\.\d\d) of/.exec(run.result.reason!)![1]);
    expect(spent).toBeGreaterThan(9.9);
    expect(spent).toBeLessThan(10);
    // The graceful path: SIGTERM to the training, push, verified sync, teardown.
    expect(run.snapshot.phases.training).toMatchObject({
      status: 'failed',
      detail: { cancelled: true, exitCode: 143 },
    });
    // The training was running when the budget stopped it (its first cost check may come before
    // or after the epochs end and it hangs: the stop does not wait for either), and it was told so.
    expect(run.trainLines.some((l) => l.endsWith('SIGTERM received, saving'))).toBe(true);
    expect(run.snapshot.phases.pushing.status).toBe('succeeded');
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expect(run.snapshot.phases['tearing-down'].status).toBe('succeeded');
    // The monitor said it (alert) and notified once.
    const alerts = monitor.snapshot(run.snapshot.runId, 10).alerts;
    expect(alerts.map((a) => a.kind)).toContain('auto-stop');
    expect(notices.filter((n) => n.kind === 'auto-stop')).toEqual([
      {
        kind: 'auto-stop',
        runId: run.snapshot.runId,
        cause: 'budget',
        reason: expect.stringMatching(/^stopped by the budget: /),
      },
    ]);
    // The report, from the run's events with the `finished` the run service adds.
    const finished = {
      type: 'finished',
      outcome: run.result.outcome,
      reason: run.result.reason,
      runId: run.snapshot.runId,
      seq: 10_000,
      at: new Date().toISOString(),
    } as RunEvent;
    const report = reportMarkdown(
      buildRunReport(applyRunEvent(run.snapshot, finished), { generatedAt: new Date().toISOString() }),
    );
    expect(report).toContain(`- Reason: stopped by the budget: $${spent.toFixed(2)} of $10.00; data pushed`);
  });
});
