import { getEventListeners } from 'node:events';

import { describe, expect, it } from 'vitest';

import { journaledInstance, type JournalEntry } from '../../shared/domain/run-journal';
import type { SpotPricePoint } from '../../shared/pricing/spot-history';
import { appendToJournal, readJournal } from './journal/run-journal';
import { launchRun } from './launch';
import { priceSpotRun, type SpotCostDeps } from './spot-cost';
import { teardownRun } from './teardown';
import { type FakeWorld, fakeWorld } from './testing/fake-lifecycle';

const H = 3_600_000;
const RUN = 'spot-20250601-120000-ab12';

function spotDeps(world: FakeWorld, extra: Partial<SpotCostDeps> = {}): SpotCostDeps {
  return {
    dataDir: world.deps.dataDir,
    spotPrices: (target) => world.fake.ports().ec2(target.region),
    now: () => world.clock.now(),
    ...extra,
  };
}

function seed(world: FakeWorld, points: Array<[zone: string, hoursFromNow: number, usdPerHour: number]>): void {
  const now = world.clock.now();
  world.fake.region('eu-west-1').spotPrices.set(
    'g5.xlarge',
    points.map(([zone, hours, usdPerHour]): SpotPricePoint => ({ zone, t: now + hours * H, usdPerHour })),
  );
}

// A journal as an older version wrote it (no zone), for an instance launched at `launch` and deleted 2 h later.
async function oldJournal(world: FakeWorld, launch: number): Promise<void> {
  const { dataDir } = world.deps;
  await appendToJournal(dataDir, RUN, () => launch - 60_000, [
    { type: 'opened', runId: RUN, region: 'eu-west-1', instanceType: 'g5.xlarge', pid: 1 },
  ]);
  await appendToJournal(dataDir, RUN, () => launch, [
    { type: 'created', step: 'instance', kind: 'instance', id: 'i-1' },
  ]);
  await appendToJournal(dataDir, RUN, () => launch + 2 * H, [{ type: 'deleted', kind: 'instance', id: 'i-1' }]);
}

describe('pricing a spot run from the price history', () => {
  it('integrates the price steps of the zone the journal recorded, from launch to termination', async () => {
    const world = await fakeWorld({ compute: { market: 'spot' } });
    const { deps, config, clock, fake } = world;
    // Zone a: $0.30/h, then $0.40/h from an hour in; the other zones are dearer and must not count.
    seed(world, [
      ['eu-west-1a', -24, 0.3],
      ['eu-west-1a', 1, 0.4],
      ['eu-west-1b', -24, 0.9],
      ['eu-west-1c', -24, 0.8],
    ]);
    const stepAt = clock.now() + H;
    await launchRun(config, deps, { runId: RUN });
    clock.advance(3 * H);
    expect(
      (
        await teardownRun(RUN, {
          dataDir: deps.dataDir,
          ports: fake.ports(),
          clock,
          sleep: clock.sleep,
          regions: ['eu-west-1'],
        })
      ).closed,
    ).toBe(true);

    const entries = await readJournal(deps.dataDir, RUN);
    expect(entries[0]).toMatchObject({ type: 'opened', zone: 'eu-west-1a' });
    const instance = journaledInstance(entries, clock.now())!;
    expect(instance.to - instance.from).toBeGreaterThan(3 * H);

    const pricing = await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(world));
    expect(pricing?.source).toBe('history');
    if (pricing?.source !== 'history') return;
    expect(pricing.charge).toMatchObject({ zone: 'eu-west-1a', points: 2 });
    expect(pricing.charge.zonesCompared).toBeUndefined();
    expect(pricing.charge.usd).toBeCloseTo((0.3 * (stepAt - instance.from) + 0.4 * (instance.to - stepAt)) / H, 9);
    expect(fake.calls).toContain('eu-west-1 spotPriceHistory');
  });

  it('without a zone in the journal, prices the dearest zone of the region and says it compared them', async () => {
    const world = await fakeWorld();
    await oldJournal(world, world.clock.now());
    seed(world, [
      ['eu-west-1a', -1, 0.3],
      ['eu-west-1b', -1, 0.5],
      ['eu-west-1c', -1, 0.45],
    ]);
    const pricing = await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(world));
    expect(pricing).toMatchObject({
      source: 'history',
      charge: { zone: 'eu-west-1b', zonesCompared: 3, points: 1, hours: 2, usd: expect.closeTo(1, 9) },
    });
  });

  it('an unseeded fake region answers a stable made-up market (the in-memory world of the app)', async () => {
    const world = await fakeWorld();
    await oldJournal(world, world.clock.now());
    const first = await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(world));
    expect(first).toMatchObject({ source: 'history', charge: { zonesCompared: 3, avgHourlyUsd: expect.any(Number) } });
    if (first?.source !== 'history') return;
    expect(first.charge.avgHourlyUsd).toBeGreaterThanOrEqual(0.3 * 1.006 - 1e-4);
    expect(first.charge.avgHourlyUsd).toBeLessThanOrEqual(0.4 * 1.006 + 1e-4);
    expect(await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(world))).toEqual(first);
  });

  it('falls back, with the reason, when EC2 refuses, has no history, or does not answer in time', async () => {
    const refused = await fakeWorld();
    await oldJournal(refused, refused.clock.now());
    refused.fake.refuseRegion('eu-west-1', 'UnauthorizedOperation');
    expect(await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(refused))).toEqual({
      source: 'unavailable',
      reason: expect.stringContaining('UnauthorizedOperation'),
    });

    const empty = await fakeWorld();
    await oldJournal(empty, empty.clock.now());
    seed(empty, []);
    expect(await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(empty))).toEqual({
      source: 'unavailable',
      reason: 'EC2 has no spot price history for g5.xlarge in eu-west-1',
    });

    const silent = await fakeWorld();
    await oldJournal(silent, silent.clock.now());
    let signal: AbortSignal | undefined;
    const hanging = {
      spotPriceHistory: (
        _type: string,
        _zone: string | undefined,
        _from: Date,
        _to: Date,
        options?: { signal?: AbortSignal },
      ) => ((signal = options?.signal), new Promise<SpotPricePoint[]>(() => {})),
    };
    const started = Date.now();
    expect(
      await priceSpotRun(
        RUN,
        { instanceType: 'g5.xlarge' },
        spotDeps(silent, { spotPrices: () => hanging, limitMs: 100 }),
      ),
    ).toEqual({
      source: 'unavailable',
      reason: 'the spot price history could not be read (Timeout: no answer within 0.1 s)',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(signal?.aborted).toBe(true);
  });

  it("a prompt answer leaves no abort listener on the limit's signal (the race is over)", async () => {
    const world = await fakeWorld();
    await oldJournal(world, world.clock.now());
    let signal: AbortSignal | undefined;
    const prompt = {
      spotPriceHistory: (
        _type: string,
        _zone: string | undefined,
        _from: Date,
        _to: Date,
        options?: { signal?: AbortSignal },
      ) => ((signal = options?.signal), Promise.resolve<SpotPricePoint[]>([])),
    };
    expect(
      await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(world, { spotPrices: () => prompt })),
    ).toMatchObject({ source: 'unavailable' });
    expect(signal && getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('has nothing to price when the journal shows no instance (nothing was launched)', async () => {
    const world = await fakeWorld();
    expect(await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(world))).toBeUndefined();
    await appendToJournal(world.deps.dataDir, RUN, () => world.clock.now(), [
      { type: 'opened', runId: RUN, region: 'eu-west-1', pid: 1 },
    ]);
    expect(await priceSpotRun(RUN, { instanceType: 'g5.xlarge' }, spotDeps(world))).toBeUndefined();
    expect(world.fake.calls).toEqual([]);
  });
});

describe('the instance interval in the journal', () => {
  const t = (minutes: number) => new Date(Date.parse('2025-06-01T12:00:00Z') + minutes * 60_000).toISOString();
  const base: JournalEntry[] = [
    {
      type: 'opened',
      at: t(0),
      runId: RUN,
      region: 'eu-west-1',
      instanceType: 'g5.xlarge',
      zone: 'eu-west-1c',
      pid: 1,
    },
    { type: 'created', at: t(2), step: 'instance', kind: 'instance', id: 'i-1' },
  ];
  const now = Date.parse(t(600));

  it('ends when teardown deleted the instance', () => {
    const entries: JournalEntry[] = [
      ...base,
      { type: 'cleanup', at: t(100), reason: 'teardown' },
      { type: 'deleted', at: t(104), kind: 'instance', id: 'i-1' },
    ];
    expect(journaledInstance(entries, now)).toEqual({
      region: 'eu-west-1',
      zone: 'eu-west-1c',
      instanceType: 'g5.xlarge',
      from: Date.parse(t(2)),
      to: Date.parse(t(104)),
    });
  });

  it('ends by the teardown scan that no longer found it (it terminated itself)', () => {
    const entries: JournalEntry[] = [
      ...base,
      { type: 'cleanup', at: t(100), reason: 'teardown' },
      { type: 'deleted', at: t(101), kind: 'volume', id: 'vol-1' },
    ];
    expect(journaledInstance(entries, now)?.to).toBe(Date.parse(t(100)));
  });

  it('runs until now when it survived teardown, or teardown never ran', () => {
    expect(
      journaledInstance(
        [
          ...base,
          { type: 'cleanup', at: t(100), reason: 'x' },
          { type: 'survivor', at: t(101), kind: 'instance', id: 'i-1', reason: 'stuck' },
        ],
        now,
      )?.to,
    ).toBe(now);
    expect(journaledInstance(base, now)?.to).toBe(now);
    expect(journaledInstance(base.slice(0, 1), now)).toBeUndefined();
  });
});
