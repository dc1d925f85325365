import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { computeBurn } from '../../shared/monitor/burn';
import type { CostBurn } from '../../shared/monitor/cost';
import { nonFiniteLoss } from '../../shared/monitor/loss-check';
import type { MonitorNotice } from '../../shared/monitor/notices';
import type { MonitorDelta } from '../../shared/monitor/view';
import { earlierAttemptsCost } from '../../shared/report/run-attempts';
import { hasDoubledPeriod } from '../../shared/text/sentences';
import { FakeClock } from '../aws/testing/fake-clock';
import type { AutoStopSettings } from './auto-stop';
import { budgetUnpricedMessage, RunMonitor } from './run-monitor';

const RECORDED = join(import.meta.dirname, 'testing', 'fixtures', 'recorded');
const PLAIN = join(import.meta.dirname, 'testing', 'fixtures');

/** Every line of every recorded real training (stdout, stderr with tqdm's \r redraws, metrics.jsonl) and the plain fixtures. */
function recordedLines(): string[] {
  const files = [
    ...readdirSync(RECORDED)
      .filter((name) => /\.(raw|jsonl)$/.test(name) && !name.endsWith('.timing.jsonl'))
      .map((name) => join(RECORDED, name)),
    ...readdirSync(PLAIN)
      // garbage.log is made up to break the parser (it holds a `loss=NaN` on purpose).
      .filter((name) => name.endsWith('.log') && name !== 'garbage.log')
      .map((name) => join(PLAIN, name)),
  ];
  return files.flatMap((file) => readFileSync(file, 'utf8').split(/\r\n|\r|\n/));
}

function watched(autoStop: Partial<AutoStopSettings> | undefined, stallMinutes = 10) {
  const clock = new FakeClock(Date.parse('2026-12-05T10:00:00Z'));
  const stops: Array<{ cause: string; reason: string }> = [];
  const notices: MonitorNotice[] = [];
  const deltas: MonitorDelta[] = [];
  const monitor = new RunMonitor({
    runId: 'r1',
    clock,
    onDelta: (delta) => deltas.push(delta),
    onNotice: (notice) => notices.push(notice),
    stallRule: { windowMs: stallMinutes * 60_000, gpuIdlePct: 5, cpuIdlePct: 10 },
    ...(autoStop ? { autoStop: { ...autoStop, requestStop: (cause, reason) => stops.push({ cause, reason }) } } : {}),
  });
  return { clock, monitor, stops, notices, deltas, alerts: () => monitor.snapshot(10).alerts };
}

describe('the NaN/inf loss check on recorded real trainings', () => {
  const lines = recordedLines();

  it('finds nothing in the recorded PyTorch/tqdm, HF Trainer, Lightning and Keras outputs (no false alarm)', () => {
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.filter((line) => nonFiniteLoss(line))).toEqual([]);
  });

  it('finds the loss going NaN in each framework’s own form (recorded lines with the loss replaced)', () => {
    const hf = lines.find((line) => line.startsWith("{'loss': "))!;
    const tqdm = readFileSync(join(RECORDED, 'torch-tqdm.stderr.raw'), 'utf8')
      .split('\r')
      .find((line) => /loss=\d/.test(line))!;
    const metrics = readFileSync(join(RECORDED, 'torch-tqdm.metrics.jsonl'), 'utf8').split('\n')[0]!;
    const cases: Array<[string, string, string]> = [
      // The HF Trainer prints the dict's repr: Python writes a NaN float as `nan`.
      [hf.replace(/'loss': [\d.]+/, "'loss': nan").replace(/'grad_norm': [\d.]+/, "'grad_norm': nan"), 'loss', 'nan'],
      // tqdm's postfix formats a float NaN as `nan`, an overflow as `inf`.
      [tqdm.replace(/loss=[\d.]+/, 'loss=nan'), 'loss', 'nan'],
      [tqdm.replace(/loss=[\d.]+/, 'loss=inf'), 'loss', 'inf'],
      // Python's json.dumps writes NaN and Infinity (not JSON, so the metrics parser drops the record).
      [metrics.replace(/"loss": [\d.]+/, '"loss": NaN'), 'loss', 'NaN'],
      [metrics.replace(/"loss": [\d.]+/, '"loss": -Infinity'), 'loss', '-Infinity'],
      // Printing a tensor: `train_loss: tensor(nan, device='cuda:0')`.
      ["epoch 3 train_loss: tensor(nan, device='cuda:0')", 'train_loss', 'nan'],
      ['Epoch 2: 40%|████ | 120/300 [00:03<00:04, val/loss=inf, v_num=0]', 'val/loss', 'inf'],
    ];
    for (const [line, name, value] of cases) expect(nonFiniteLoss(line), line).toEqual({ name, value });
  });

  it('finds the made-up garbage fixture’s `loss=NaN`', () => {
    const garbage = readFileSync(join(PLAIN, 'garbage.log'), 'utf8').split('\n');
    expect(garbage.map((line) => nonFiniteLoss(line)).filter(Boolean)).toEqual([{ name: 'loss', value: 'NaN' }]);
  });

  it('leaves words alone: "infinite loss of patience", "loss_scale: info", a finite loss beside a NaN lr', () => {
    for (const line of [
      'warning: infinite loss of patience',
      'loss_scale: info',
      "{'loss': 0.31, 'learning_rate': nan}",
      'loss=0.25 nan_count=3',
      'loss: informative',
    ]) {
      expect(nonFiniteLoss(line), line).toBeUndefined();
    }
  });

  it('off by default: a run without the setting neither alerts nor stops', () => {
    const run = watched(undefined);
    run.monitor.addTrainLines(["{'loss': nan, 'epoch': 1.0}"]);
    expect(run.alerts()).toEqual([]);
    expect(run.notices).toEqual([]);
  });

  it('"alert": one alert and one notification, however many NaN lines follow; the run goes on', () => {
    const run = watched({ lossAction: 'alert' });
    run.monitor.addTrainLines(["{'loss': nan, 'epoch': 1.0}", "{'loss': nan, 'epoch': 1.1}"]);
    run.monitor.addMetricsLines(['{"step": 10, "loss": NaN}']);
    expect(run.alerts().map((a) => a.kind)).toEqual(['loss-not-finite']);
    expect(run.notices).toEqual([{ kind: 'loss-not-finite', runId: 'r1', name: 'loss', value: 'nan' }]);
    expect(run.stops).toEqual([]);
  });

  it('"stop": the run is stopped once, with the reason, from metrics.jsonl too', () => {
    const run = watched({ lossAction: 'stop' });
    run.monitor.addMetricsLines(['{"step": 10, "loss": NaN}', '{"step": 20, "loss": NaN}']);
    expect(run.stops).toEqual([{ cause: 'loss', reason: 'stopped because loss became NaN' }]);
    expect(run.alerts().map((a) => a.kind)).toEqual(['auto-stop', 'loss-not-finite']);
    expect(run.notices.map((n) => n.kind)).toEqual(['auto-stop']);
  });
});

describe('the stall action', () => {
  const idle = (monitor: RunMonitor, at: number) =>
    monitor.addHealth({ at, cpuPct: 2, gpus: [{ index: 0, name: 'A10G', utilizationPct: 0 }] } as never);

  it('"alert" (the default) only alerts; "stop" also stops the run once', () => {
    for (const action of [undefined, 'alert', 'stop'] as const) {
      const run = watched(action ? { stallAction: action } : {}, 1);
      idle(run.monitor, run.clock.now());
      run.clock.advance(61_000);
      idle(run.monitor, run.clock.now());
      run.clock.advance(5_000);
      idle(run.monitor, run.clock.now());
      expect(run.notices.filter((n) => n.kind === 'stall')).toHaveLength(1);
      expect(run.stops).toEqual(
        action === 'stop'
          ? [
              {
                cause: 'stall',
                reason: 'stopped because the training stalled: no new log line and GPU idle for 1 min 01 s',
              },
            ]
          : [],
      );
    }
  });
});

describe('the budget, as the monitor checks it at every cost update', () => {
  const burnAt = (startedAt: number, now: number) =>
    computeBurn({
      instanceType: 'g5.xlarge',
      volumes: [{ volumeType: 'gp3', sizeGb: 100 }],
      startedAt,
      now,
      hasPublicIp: true,
    });

  it('goes on while the run and a stop fit, then stops once, before the budget, and says "$X of $Y"', () => {
    const run = watched({ budget: { maxCostUsd: 2, graceSeconds: 60, checkEverySeconds: 70 } });
    const start = run.clock.now();
    run.monitor.setPushBytes(2e9);
    let stoppedAt: number | undefined;
    for (let t = 0; t <= 3 * 3600_000; t += 5000) {
      run.monitor.setCost(burnAt(start, start + t));
      if (run.stops.length && stoppedAt === undefined) stoppedAt = t;
    }
    expect(run.stops).toHaveLength(1);
    const burn = burnAt(start, start + stoppedAt!);
    // Stopped with the modelled stop (60 s grace, push of 2 GB, verify, teardown) still under the budget.
    const stopSeconds = 60 + 60 + 100 + 120 + 300;
    expect(burn.soFarUsd! + (burn.hourlyUsd! * stopSeconds) / 3600).toBeLessThanOrEqual(2);
    // …and not much earlier than needed: within one check (70 s) and one tick (5 s) of the last moment.
    expect(burn.soFarUsd! + (burn.hourlyUsd! * (stopSeconds + 70 + 5)) / 3600).toBeGreaterThan(2);
    expect(run.stops[0]).toEqual({
      cause: 'budget',
      reason: `stopped by the budget: $${burn.soFarUsd!.toFixed(2)} of $2.00`,
    });
    expect(run.alerts()).toEqual([
      expect.objectContaining({
        kind: 'auto-stop',
        message: `Stopped by the budget: $${burn.soFarUsd!.toFixed(2)} of $2.00: stopping training, pushing, then tearing down.`,
      }),
    ]);
    expect(run.notices).toEqual([{ kind: 'auto-stop', runId: 'r1', cause: 'budget', reason: run.stops[0]!.reason }]);
  });

  it('an instance it cannot price: the budget cannot stop the run, and the monitor says so once', () => {
    const run = watched({ budget: { maxCostUsd: 2, graceSeconds: 60, checkEverySeconds: 70 } });
    const start = run.clock.now();
    const unpriced = (now: number) =>
      computeBurn({ instanceType: 'zz9.mega', volumes: [{ volumeType: 'gp3', sizeGb: 100 }], startedAt: start, now });
    for (let t = 0; t <= 2 * 3600_000; t += 60_000) run.monitor.setCost(unpriced(start + t));
    expect(run.stops).toEqual([]);
    expect(run.alerts()).toEqual([
      expect.objectContaining({
        kind: 'budget-unpriced',
        message:
          'TrainDeck has no price for this instance, so the budget of $2.00 cannot stop the run: it runs until its time limit or until you stop it.',
      }),
    ]);
  });

  // #17 point 4: an earlier attempt without a price was said as "this instance or its disk" (both priced).
  it('an earlier attempt it cannot price: the alert names the attempt and why, not this instance', () => {
    const run = watched({ budget: { maxCostUsd: 2, graceSeconds: 60, checkEverySeconds: 70 } });
    const start = run.clock.now();
    const earlier = earlierAttemptsCost([
      {
        attempt: 1,
        instanceType: 'zz9.mega',
        end: 'interrupted',
        costNote: 'zz9.mega has no price in the price table, so attempt 1 cannot be priced.',
      },
      { attempt: 2, instanceType: 'g5.xlarge', end: 'interrupted', costUsd: 0.4 },
    ])!;
    expect(earlier.usd).toBeNull();
    run.monitor.setCost(
      computeBurn({
        instanceType: 'g5.xlarge',
        volumes: [{ volumeType: 'gp3', sizeGb: 100 }],
        startedAt: start,
        now: start + 60_000,
        earlier,
      }),
    );
    expect(run.stops).toEqual([]);
    expect(run.alerts()).toEqual([
      expect.objectContaining({
        kind: 'budget-unpriced',
        message:
          'TrainDeck has no price for attempt 1 of zz9.mega (zz9.mega has no price in the price table, so attempt 1 cannot be priced), so the budget of $2.00 cannot stop the run: it runs until its time limit or until you stop it.',
      }),
    ]);
    // The disk alone, and both with an earlier attempt: each named.
    const both = budgetUnpricedMessage(2, { instanceHourlyUsd: null, ebsHourlyUsd: null, earlier } as CostBurn);
    expect(both).toMatch(/^TrainDeck has no price for this instance; its disk; attempt 1 of zz9\.mega \(zz9/);
    expect(budgetUnpricedMessage(2, { instanceHourlyUsd: 1, ebsHourlyUsd: null } as CostBurn)).toMatch(
      /^TrainDeck has no price for this instance's disk, so /,
    );
    expect(hasDoubledPeriod(both)).toBe(false);
  });

  it('without a measured push, the data disk’s used bytes price the stop (an upper bound): it stops sooner', () => {
    const stopAt = (measured: boolean) => {
      const run = watched({ budget: { maxCostUsd: 2, graceSeconds: 60, checkEverySeconds: 70 } });
      const start = run.clock.now();
      run.monitor.addHealth({ at: start, disk: { mount: '/', usedBytes: 40e9, totalBytes: 100e9 } } as never);
      if (measured) run.monitor.setPushBytes(1e9);
      for (let t = 0; t <= 3 * 3600_000; t += 5000) {
        run.monitor.setCost(burnAt(start, start + t));
        if (run.stops.length) return t;
      }
      return Infinity;
    };
    expect(stopAt(false)).toBeLessThan(stopAt(true));
  });

  // The page's view of the budget (#17): what crosses to the renderer, in the snapshot and in the deltas.
  describe('what the page is sent', () => {
    const budget = { maxCostUsd: 2, graceSeconds: 60, checkEverySeconds: 70 };
    // The delta of everything since the last flush (a snapshot flushes what is pending first).
    const flushed = (run: ReturnType<typeof watched>) => {
      const snapshot = run.monitor.snapshot(10);
      return { snapshot, delta: run.deltas.at(-1) };
    };

    it('a run without a budget sends none', () => {
      const run = watched({ stallAction: 'stop' });
      run.monitor.setCost(burnAt(run.clock.now(), run.clock.now() + 60_000));
      const { snapshot, delta } = flushed(run);
      expect(snapshot).not.toHaveProperty('budget');
      expect(delta).not.toHaveProperty('budget');
    });

    it('waiting before the first cost, then under, near (worst case at 80 %), then stopped with the stop’s words', () => {
      const run = watched({ budget });
      const start = run.clock.now();
      run.monitor.setPushBytes(2e9);
      expect(run.monitor.snapshot(10).budget).toEqual({ maxCostUsd: 2, state: 'waiting' });
      const seen: string[] = [];
      for (let t = 0; t <= 3 * 3600_000 && !run.stops.length; t += 5000) {
        const cost = burnAt(start, start + t);
        run.monitor.setCost(cost);
        const { snapshot, delta } = flushed(run);
        expect(delta?.budget).toEqual(snapshot.budget);
        const view = snapshot.budget!;
        if (seen.at(-1) !== view.state) seen.push(view.state);
        // The stop's cost is the rule's own: the budget's graceful stop at the run's rate.
        const stopSeconds = 60 + 60 + 100 + 120 + 300;
        expect(view.stopCostUsd).toBeCloseTo((cost.hourlyUsd! * stopSeconds) / 3600, 10);
        const worst = cost.soFarUsd! + view.stopCostUsd! + (cost.hourlyUsd! * 70) / 3600;
        expect(view.state).toBe(worst >= 2 ? 'stopped' : worst >= 1.6 ? 'near' : 'under');
      }
      expect(seen).toEqual(['under', 'near', 'stopped']);
      expect(run.monitor.snapshot(10).budget).toMatchObject({ state: 'stopped', stopReason: run.stops[0]!.reason });
      // Stopped stays stopped while the stop itself still costs.
      run.monitor.setCost(burnAt(start, start + 4 * 3600_000));
      expect(flushed(run).snapshot.budget?.state).toBe('stopped');
    });

    it('unknown (never $0) when the instance has no price', () => {
      const run = watched({ budget });
      const start = run.clock.now();
      run.monitor.setCost(
        computeBurn({
          instanceType: 'zz9.mega',
          volumes: [{ volumeType: 'gp3', sizeGb: 100 }],
          startedAt: start,
          now: start,
        }),
      );
      const { snapshot, delta } = flushed(run);
      expect(snapshot.budget).toEqual({ maxCostUsd: 2, state: 'unknown' });
      expect(delta?.budget).toEqual({ maxCostUsd: 2, state: 'unknown' });
    });

    it('waits while the spot price is read (the stand-in is not the run’s price)', () => {
      const run = watched({ budget });
      const start = run.clock.now();
      run.monitor.setCost({ ...burnAt(start, start + 60_000), spotPending: true });
      expect(flushed(run).snapshot.budget).toEqual({ maxCostUsd: 2, state: 'waiting' });
    });

    it('a delta already sent keeps its figures when the next cost changes the view', () => {
      const run = watched({ budget });
      const start = run.clock.now();
      run.monitor.setCost(burnAt(start, start + 60_000));
      const first = flushed(run).delta!;
      const before = structuredClone(first.budget);
      run.monitor.setCost(burnAt(start, start + 3 * 3600_000));
      flushed(run);
      expect(first.budget).toEqual(before);
    });
  });
});
