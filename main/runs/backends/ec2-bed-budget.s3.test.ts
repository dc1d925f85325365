import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../../shared/domain/run';
import { MACHINE_WILL_NOTIFY } from '../../../shared/notify/machine-webhook';
import { leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { systemClock } from '../../core/clock';
import { EventBus } from '../../core/event-bus';
import { silentLogger } from '../../core/logger';
import { startWebhookRecorder } from '../../core/testing/webhook-recorder';
import { postWebhook } from '../../core/webhook-post';
import { webhookTee } from '../../core/webhook-tee';
import { MonitorNotifier } from '../../monitor/monitor-notifier';
import { MonitorService } from '../../monitor/monitor-service';
import { monitorObserver } from '../monitor-observer';
import { RunStopRequest } from '../pipeline/run-ending';
import type { RunObserver } from '../pipeline/run-observer';
import { PARQUET_BYTES } from '../pipeline/testing/training-repo';
import { createEc2Backend } from './ec2-backend';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';

// Issue 17 points 4 and 6 on the aws-ec2 path (the EC2 test bed: SDK over HTTP, a real sshd per
// instance, Ceph RGW). Invariants: a budget the run would pass stops it the graceful way (SIGTERM,
// push, verified sync, teardown to $0/h, nothing of the run left in the fake), priced from the
// instance the backend launched; the webhook hears the budget stop, the stopped training and the
// verified teardown, each once, and its URL appears nowhere but in the POSTs.

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-budget.s3.test.ts skipped: ${refusal}.`);

const SECRET = 'T0000-B0000-bed-budget-secret';
const HOURS_AGO = 3;

let world: Ec2BedWorld;
let recorder: Awaited<ReturnType<typeof startWebhookRecorder>>;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('budget-bed');
  recorder = await startWebhookRecorder();
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await recorder?.stop();
  await world?.close();
});

describe.skipIf(refusal)('a budget stops an aws-ec2 run on the EC2 test bed', () => {
  it('priced from its instance: stopped gracefully, pushed, verified, torn down to $0/h; the webhook hears each step once', async () => {
    const name = 'budget';
    const url = `${recorder.base}/hook/${SECRET}`;
    const target = { url, format: 'json' as const };
    await world.f.fx.seed(`runs/${name}/cached-datasets/train.parquet`, PARQUET_BYTES);
    const config = world.config((raw) => {
      raw.storage.prefix = `runs/${name}`;
      // Hangs after its first epoch: only the budget ends it (its TTL is an hour away).
      raw.training.env = { EPOCHS: '3', STEPS: '2', HANG_AFTER_EPOCH: '1' };
      raw.training.maxCostUsd = 0.02;
      raw.training.graceSeconds = 30;
    });

    // The desktop as create-core wires it: the monitor's notices and the run's events go through the
    // webhook tee, which posts what the machine does not post itself.
    const sends: Promise<unknown>[] = [];
    const tee = webhookTee(
      { notify: (level, title, body) => ({ id: '1', level, title, body, at: new Date().toISOString() }) },
      { send: (message) => (sends.push(postWebhook(target, message)), sends.at(-1) as never) },
      { warn: () => undefined },
    );
    const notifier = new MonitorNotifier(tee);
    const monitor = new MonitorService({ bus: new EventBus(), clock: systemClock, log: silentLogger, notifier });
    const real = monitorObserver(monitor, undefined, undefined, undefined, { stopsOnly: true });
    const controller = new AbortController();
    const launchedAt: number[] = [];
    // The instance the backend launched, as if it had been up for HOURS_AGO hours: the budget is spent.
    const observer: RunObserver = {
      ...real,
      trainingStarted: (runId, host, paths, context = {}) => {
        expect(context.aws, 'the aws-ec2 backend names its instance to the monitor').toMatchObject({
          instanceId: expect.stringMatching(/^i-/),
          instanceType: 't3.micro',
          spot: false,
        });
        launchedAt.push(Date.now() - HOURS_AGO * 3_600_000);
        real.trainingStarted(runId, host, paths, {
          ...context,
          aws: { ...context.aws!, launchedAt: launchedAt[0]! },
          guard: {
            maxCostUsd: 0.02,
            graceSeconds: 30,
            requestStop: (cause, reason) => controller.abort(new RunStopRequest(cause, reason)),
          },
        });
      },
    };
    let runId = '';
    const deliver = (event: RunEvent) => {
      notifier.onRunEvent(event);
      tee.onRunEvent(event);
    };
    const run = await world.f.run(
      config,
      (id) => {
        world.runIds.push((runId = id));
        // As the run service says it when the machine has the webhook (sent over stdin).
        tee.onRunEvent({ type: 'log', source: 'info', line: MACHINE_WILL_NOTIFY, runId: id, seq: 0, at: '' });
        return createEc2Backend(config, id, world.deps(name));
      },
      { signal: controller.signal, observer, webhook: target, onEvent: deliver },
    );
    monitor.stop(runId);
    await Promise.all(sends);

    // Stopped by the budget, priced as the t3.micro (+ its 30 GB gp3 and IPv4, ~$0.019/h) it is: a g5's price would be dollars.
    expect(run.result.outcome, story(run.events)).toBe('cancelled');
    expect(run.result.reason).toMatch(/^stopped by the budget: \$\d+\.\d{2,3} of \$0\.020?; data pushed$/);
    const spent = Number(/\$(\d+\.\d+) of/.exec(run.result.reason!)![1]);
    expect(spent).toBeGreaterThanOrEqual(0.03);
    expect(spent).toBeLessThan(0.1);
    // The graceful path: SIGTERM to the training, push, verified sync, teardown to $0/h.
    expect(run.trainLines.some((l) => l.endsWith('SIGTERM received, saving'))).toBe(true);
    expect(run.snapshot.phases.pushing.status).toBe('succeeded');
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expect(run.snapshot.phases['tearing-down'], story(run.events)).toMatchObject({
      status: 'succeeded',
      detail: { remainingHourlyUsd: 0 },
    });
    expect(leftOfRun(world.fake, runId)).toEqual([]);
    expect(world.bed.instances().filter((i) => i.up)).toEqual([]);
    // The saved checkpoint of the stopped training is in S3.
    expect(await world.f.fx.keys()).toContain(`runs/${name}/checkpoints/interrupted.ckpt`);

    // Each step heard once (whichever side posted "Training stopped"); the URL nowhere but in the POSTs.
    const titles = recorder.posted
      .filter((p) => p.path === `/hook/${SECRET}`)
      .map((p) => (JSON.parse(p.body) as { title: string }).title);
    const count = (title: string) => titles.filter((t) => t === title).length;
    expect(count('Budget reached: stopping the run'), titles.join(' | ')).toBe(1);
    expect(
      titles.filter((t) => t.startsWith('Training ')),
      titles.join(' | '),
    ).toEqual(['Training stopped']);
    expect(count('Sync verified'), titles.join(' | ')).toBe(1);
    expect(count('Teardown complete'), titles.join(' | ')).toBe(1);
    expect(JSON.stringify(run.events) + JSON.stringify(run.snapshot)).not.toContain(SECRET);
  }, 300_000);
});
