import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { budgetVerdict, gracefulStopSeconds } from '../../shared/monitor/budget';
import { computeBurn } from '../../shared/monitor/burn';
import { FakeAws } from '../aws/fake/fake-aws';
import { FakeClock } from '../aws/testing/fake-clock';
import { EventBus } from '../core/event-bus';
import { createLogger } from '../core/logger';
import { NotificationService } from '../core/notifications';
import type { Sleep } from '../core/sleep';
import { localHost } from '../host/local-host';
import { scanAccount } from '../lifecycle/cost/scanner';
import { spotNowOf } from '../lifecycle/pricing/spot-now';
import { MonitorNotifier } from '../monitor/monitor-notifier';
import { MonitorService } from '../monitor/monitor-service';
import { ManualTimers } from '../monitor/testing/manual-timers';
import { parked, until } from '../monitor/testing/parked-sleep';
import { monitorObserver } from './monitor-observer';
import type { AwsMachine } from './pipeline/compute-backend';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-12-05T21:00:00Z');
const LAUNCHED = NOW - 3 * 3_600_000;

/**
 * One spot g5.xlarge running in us-east-1a of the fake account (spot $0.31/h there, $0.45/h in
 * us-east-1b, on-demand $1.006/h), watched by the app's monitor (its observer, service and
 * spot-now reader over the same account) and scanned by the Costs page's scanner.
 */
function spotRun(options: { zone?: string; denyHistory?: boolean; maxCostUsd?: number; sleep?: Sleep } = {}) {
  const clock = new FakeClock(NOW);
  const fake = new FakeAws({ clock, regions: ['us-east-1'] });
  const region = fake.region('us-east-1');
  region.spotPrices.set('g5.xlarge', [
    { zone: 'us-east-1a', t: NOW - 3_600_000, usdPerHour: 0.31 },
    { zone: 'us-east-1b', t: NOW - 3_600_000, usdPerHour: 0.45 },
  ]);
  region.instances.set('i-spot', {
    id: 'i-spot',
    instanceType: 'g5.xlarge',
    state: 'running',
    since: 0,
    launchTime: new Date(LAUNCHED).toISOString(),
    tags: {},
    publicIp: '203.0.113.10',
    securityGroupIds: [],
    market: 'spot',
    zone: 'us-east-1a',
    hostKeyFingerprints: [],
  });
  if (options.denyHistory) fake.failOperation('spotPriceHistory', 'UnauthorizedOperation');
  dir = mkdtempSync(join(tmpdir(), 'traindeck-monitor-spot-'));
  mkdirSync(join(dir, 'logs'));
  const bus = new EventBus();
  const log = createLogger({ level: 'error' });
  const service = new MonitorService({
    bus,
    clock,
    log,
    timers: new ManualTimers(clock),
    sleep: options.sleep ?? parked,
    notifier: new MonitorNotifier(new NotificationService(bus, clock)),
  });
  const world = { ports: () => fake.ports(), clock } as unknown as Parameters<typeof spotNowOf>[0];
  const stops: string[] = [];
  const observer = monitorObserver(service, () => ({}) as never, undefined, undefined, {
    spotNow: spotNowOf(world),
  });
  const machine: AwsMachine = {
    instanceId: 'i-spot',
    region: 'us-east-1',
    instanceType: 'g5.xlarge',
    diskGb: 100,
    spot: true,
    ...(options.zone === undefined ? { zone: 'us-east-1a' } : options.zone ? { zone: options.zone } : {}),
    launchedAt: LAUNCHED,
  };
  const paths = {
    dataDir: dir,
    trainLog: join(dir, 'logs/train.log'),
    metricsJsonl: join(dir, 'logs/metrics.jsonl'),
    executorJsonl: join(dir, 'logs/executor.jsonl'),
  };
  observer.trainingStarted('r-spot', localHost(), paths, {
    aws: machine,
    ...(options.maxCostUsd !== undefined
      ? { guard: { maxCostUsd: options.maxCostUsd, graceSeconds: 30, requestStop: (_c, reason) => stops.push(reason) } }
      : {}),
  });
  const scanRow = () =>
    scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep, regions: ['us-east-1'] }).then((result) =>
      result.resources.find((r) => r.id === 'i-spot')!,
    );
  // The monitor's cost once the spot price was read (it starts on-demand, at most, for those seconds).
  const cost = async () => {
    await until(() => {
      const burn = service.snapshot('r-spot').cost;
      return burn !== undefined && !burn.spotPending;
    });
    return service.snapshot('r-spot').cost!;
  };
  return { service, scanRow, cost, stops, alerts: () => service.snapshot('r-spot').alerts, clock, fake, region };
}

describe('the monitor prices a spot run as the Costs page does (one home: spot-now.ts)', () => {
  it('its zone’s spot price now: the monitor’s instance rate is the Costs page’s row, not on-demand', async () => {
    const run = spotRun();
    const [cost, row] = [await run.cost(), await run.scanRow()];
    expect(row).toMatchObject({ hourlyUsd: 0.315 });
    // The instance (with its public IPv4) at the Costs page's figure; the disk is a row of its own there.
    expect(cost.instanceHourlyUsd).toBeCloseTo(row.hourlyUsd!, 9);
    expect(cost.instanceNote).toBe(row.note);
    expect(cost.upperBound).toBeUndefined();
    expect(cost.hourlyUsd).toBeCloseTo(0.315 + (100 * 0.08) / 730, 9);
    expect(cost.soFarUsd).toBeCloseTo(3 * cost.hourlyUsd!, 9);
    run.service.stopAll();
  });

  it('its zone unknown: both say at most the dearest zone’s price, with the same reason', async () => {
    const run = spotRun({ zone: '' });
    const cost = await run.cost();
    expect(cost.instanceHourlyUsd).toBeCloseTo(0.455, 9);
    expect(cost.upperBound).toBe(true);
    expect(cost.instanceNote).toBe(
      "At most: the dearest zone's spot price now (us-east-1b); the instance's zone is not known.",
    );
    run.service.stopAll();
  });

  it('the history refused: both price on-demand as an upper bound with why; the budget counts that bound and says so', async () => {
    const run = spotRun({ denyHistory: true, maxCostUsd: 100 });
    const [cost, row] = [await run.cost(), await run.scanRow()];
    expect(row).toMatchObject({ hourlyUsd: 1.011, upperBound: true });
    expect(cost).toMatchObject({ instanceHourlyUsd: row.hourlyUsd, upperBound: true, instanceNote: row.note });
    expect(cost.instanceNote).toMatch(/^At most: priced on-demand, as the spot price history is unavailable \(.+\)\.$/);
    const said = run.alerts().filter((a) => a.kind === 'budget-upper-bound');
    expect(said).toHaveLength(1);
    expect(said[0]!.message).toMatch(
      /^The budget of \$100\.00 counts this spot instance at an upper bound: priced on-demand, as the spot price history is unavailable \(.+\)\. It may stop the run sooner than the spot price would need, never later\.$/,
    );
    run.service.stopAll();
  });

  it('a budget the on-demand price would pass but the spot price does not: the spot run goes on', async () => {
    // 3 h so far: $0.97 at spot + disk, $3.05 at on-demand; the stop adds ~9 min and a check interval.
    const run = spotRun({ maxCostUsd: 2 });
    await run.cost();
    expect(run.stops).toEqual([]);
    expect(run.alerts().map((a) => a.kind)).not.toContain('budget-upper-bound');
    run.service.stopAll();
    // The same run budgeted while the spot price is unknown stops at once (safe: the on-demand bound).
    const unknown = spotRun({ maxCostUsd: 2, denyHistory: true });
    await unknown.cost();
    expect(unknown.stops).toEqual([expect.stringMatching(/^stopped by the budget: \$3\.\d\d of \$2\.00$/)]);
    unknown.service.stopAll();
  });
});

describe('the budget of a spot run stops it at the right time with spot prices', () => {
  const spot = { zones: [{ zone: 'us-east-1a', usdPerHour: 0.31 }] };
  const base = {
    instanceType: 'g5.xlarge',
    volumes: [{ volumeType: 'gp3', sizeGb: 100 }],
    startedAt: 0,
    hasPublicIp: true,
    market: 'spot' as const,
    zone: 'us-east-1a',
  };
  const stopSeconds = gracefulStopSeconds({ graceSeconds: 30, pushBytes: 2e9 });
  // The first minute at which the budget's rule says stop, checking once a minute for 48 h.
  const firstStop = (input: Partial<Parameters<typeof computeBurn>[0]>, maxCostUsd: number) => {
    for (let minute = 0; minute <= 48 * 60; minute++) {
      const burn = computeBurn({ ...base, ...input, now: minute * 60_000 });
      const verdict = budgetVerdict({
        maxCostUsd,
        soFarUsd: burn.soFarUsd!,
        hourlyUsd: burn.hourlyUsd!,
        stopSeconds,
        checkEverySeconds: 70,
      });
      if (verdict.stop) return minute;
    }
    return undefined;
  };

  it('a $5 budget: stopped near 5 / (spot + disk + IPv4) hours, not at the on-demand hour count', () => {
    const rate = 0.31 + 0.005 + (100 * 0.08) / 730;
    const atSpot = firstStop({ spot }, 5)!;
    const atOnDemand = firstStop({ market: 'on-demand' }, 5)!;
    // The stop leaves room for the graceful stop and one check: stopped just before the budget would be passed.
    const expected = Math.ceil(((5 / rate) * 3600 - stopSeconds - 70) / 60);
    expect(atSpot).toBe(expected);
    expect(atSpot).toBeGreaterThan(14 * 60);
    expect(atOnDemand).toBeLessThan(5 * 60);
    // Never past the budget: what the run has cost at the stop, plus the stop, stays under it.
    const burn = computeBurn({ ...base, spot, now: atSpot * 60_000 });
    expect(burn.soFarUsd! + (burn.hourlyUsd! * stopSeconds) / 3600).toBeLessThan(5);
  });

  it('a relaunched run: the earlier attempts count, so its budget stops it sooner by what they cost', () => {
    const fresh = firstStop({ spot }, 5)!;
    const after = firstStop({ spot, earlier: { usd: 1.5, attempts: 1, upperBound: false } }, 5)!;
    // Stopped sooner by the hours the earlier $1.50 buys at the spot rate (within the one-minute check).
    const rate = 0.31 + 0.005 + (100 * 0.08) / 730;
    expect(Math.abs(fresh - after - (1.5 / rate) * 60)).toBeLessThanOrEqual(1);
    // An earlier attempt that could not be priced: the cost so far is unknown (the budget says it cannot stop the run).
    expect(
      computeBurn({ ...base, spot, now: 0, earlier: { usd: null, attempts: 1, upperBound: false } }).soFarUsd,
    ).toBe(null);
  });
});

/** A sleep the test ends by hand: each `tick()` lets every parked watch loop run one more round. */
function steppedSleep() {
  const waiting: Array<() => void> = [];
  const sleep: Sleep = (_ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      waiting.push(resolve);
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  // Two loops sleep on it: the watch's rounds and CloudWatch's. A round is over once both are parked again.
  const parked = () => waiting.length >= 2;
  const round = async () => {
    await until(parked);
    waiting.splice(0).forEach((resolve) => resolve());
    await until(parked);
  };
  return { sleep, round, tick: () => waiting.splice(0).forEach((resolve) => resolve()) };
}

// #17 point 3: the monitor read the spot price once per attempt, and priced the whole attempt at it.
// Invariant: the cost so far is the sum, over the periods between reads, of each period's hours at
// the price in force then; a re-read never fails the run, and a failed one keeps the price in force.
describe('the monitor re-reads a spot price while the run trains, and prices each period at its price', () => {
  const disk = (100 * 0.08) / 730;
  const HOUR = 3_600_000;

  it('a price change: the hours before the re-read at the old price, the hours after at the new one', async () => {
    const step = steppedSleep();
    const run = spotRun({ sleep: step.sleep });
    const first = await run.cost();
    const before = 0.315 + disk;
    expect(first.hourlyUsd).toBeCloseTo(before, 9);
    expect(first.soFarUsd).toBeCloseTo(3 * before, 9);
    // The price in us-east-1a doubles; an hour later (past the re-read interval) the next round reads it.
    run.region.spotPrices.get('g5.xlarge')!.push({ zone: 'us-east-1a', t: NOW + 30 * 60_000, usdPerHour: 0.62 });
    run.clock.advance(HOUR);
    await step.round();
    const after = 0.625 + disk;
    await until(() => Math.abs((run.service.snapshot('r-spot').cost?.hourlyUsd ?? 0) - after) < 1e-9);
    // Read at NOW + 1 h: the 4 h before it at the old price.
    expect(run.service.snapshot('r-spot').cost!.soFarUsd).toBeCloseTo(4 * before, 9);
    run.clock.advance(HOUR);
    await step.round();
    await until(() => (run.service.snapshot('r-spot').cost?.soFarUsd ?? 0) > 4 * before + 1e-6);
    const cost = run.service.snapshot('r-spot').cost!;
    expect(cost.soFarUsd).toBeCloseTo(4 * before + after, 9);
    expect(cost.upperBound).toBeUndefined();
    expect(cost.soFarUpperBound).toBeUndefined();
    run.service.stopAll();
  });

  it('a re-read refused (or an answer with no price) keeps the price in force: no jump to on-demand, no failure', async () => {
    const step = steppedSleep();
    const run = spotRun({ sleep: step.sleep });
    await run.cost();
    run.fake.failOperation('spotPriceHistory', 'UnauthorizedOperation');
    const reads = () => run.fake.calls.filter((c) => c.endsWith(' spotPriceHistory')).length;
    const readsBefore = reads();
    run.clock.advance(HOUR);
    await step.round();
    await until(() => reads() > readsBefore);
    await step.round();
    const cost = run.service.snapshot('r-spot').cost!;
    expect(cost.hourlyUsd).toBeCloseTo(0.315 + disk, 9);
    expect(cost.soFarUsd).toBeCloseTo(4 * (0.315 + disk), 9);
    expect(cost.upperBound).toBeUndefined();
    expect(run.alerts().map((a) => a.kind)).not.toContain('budget-upper-bound');
    run.service.stopAll();
  });

  it('bounded: rounds closer than the interval do not read again; a stopped watch reads no more', async () => {
    const step = steppedSleep();
    const run = spotRun({ sleep: step.sleep });
    await run.cost();
    const reads = () => run.fake.calls.filter((c) => c.endsWith(' spotPriceHistory')).length;
    const readsAfterFirst = reads();
    for (let round = 0; round < 5; round++) {
      run.clock.advance(60_000);
      await step.round();
    }
    expect(reads()).toBe(readsAfterFirst);
    run.service.stopAll();
    run.clock.advance(HOUR);
    step.tick();
    expect(reads()).toBe(readsAfterFirst);
  });
});
