import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot, type RunEvent } from '../domain/run';
import { PRICE_TABLE } from '../pricing/price-table';
import { formatRunTotal } from './format';
import { computeRunCost } from './run-cost';
import { finishedRun, finishedRunEvents } from './testing/finished-run';

const START = Date.parse('2026-11-24T10:00:00.000Z');
const ec2 = (market: 'on-demand' | 'spot', bucketRegion = 'eu-west-1') => ({
  backend: 'aws-ec2' as const,
  compute: { instanceType: 'g5.xlarge', diskGb: 100, market },
  instanceRegion: 'eu-west-1',
  bucketRegion,
});
// Provisioning starts after the 1-minute preflight; teardown ends the run: 189 minutes billed.
const HOURS = 189 / 60;

describe('computeRunCost', () => {
  const run = finishedRun({ runId: 'r-1', name: 'resnet', backend: 'aws-ec2', start: START });

  it('itemizes an on-demand EC2 run: instance, EBS, public IPv4, free same-region transfer, S3 requests', () => {
    const cost = computeRunCost(run, ec2('on-demand'), START + 10 * 3_600_000);
    const byKind = Object.fromEntries(cost.items.map((item) => [item.kind, item]));
    expect(byKind.instance).toMatchObject({ label: 'Instance g5.xlarge (on-demand)', quantity: '3.15 h × $1.006/h' });
    expect(byKind.instance!.usd).toBeCloseTo(HOURS * 1.006, 6);
    expect(byKind.ebs!.usd).toBeCloseTo(((100 * 0.08) / 730) * HOURS, 6);
    expect(byKind['public-ipv4']!.usd).toBeCloseTo(0.005 * HOURS, 6);
    expect(byKind.transfer).toMatchObject({
      usd: 0,
      quantity: 'pulled 12 files, 4.7 GiB; pushed 40 files, 1.4 GiB',
      note: expect.stringContaining('both in eu-west-1'),
    });
    expect(byKind['s3-requests']).toMatchObject({ quantity: '12 GET + 31 PUT' });
    expect(byKind['s3-requests']!.usd).toBeCloseTo((12 * 0.0004 + 31 * 0.005) / 1000, 9);
    expect(cost.totalUsd).toBeCloseTo(
      cost.items.reduce((sum, item) => sum + item.usd!, 0),
      9,
    );
    expect(cost).toMatchObject({ pricesAsOf: PRICE_TABLE.asOf, ownMachine: false, upperBound: false });
    expect(cost.notes.join(' ')).toContain("Prices are us-east-1's");
    expect(formatRunTotal('aws-ec2', cost)).toBe(`$${cost.totalUsd!.toFixed(2)}`);
  });

  it('attempts recorded without a price (before attempts were priced) are priced here, spot at the on-demand upper bound', () => {
    // The relaunch's provisioning started 2 h into the run; each attempt is billed for its own window only.
    const relaunched = {
      ...run,
      phases: {
        ...run.phases,
        provisioning: { ...run.phases.provisioning, startedAt: new Date(START + 2 * 3_600_000).toISOString() },
      },
      attempts: [1, 2].map((n) => ({
        attempt: n,
        instanceId: `i-${n}`,
        instanceType: 'g5.xlarge',
        zone: 'eu-west-1a',
        market: 'spot' as const,
        startedAt: new Date(START + (n - 1) * 2 * 3_600_000).toISOString(),
        endedAt: new Date(START + ((n - 1) * 2 + 1) * 3_600_000).toISOString(),
        end: n === 1 ? ('interrupted' as const) : ('finished' as const),
      })),
    };
    const cost = computeRunCost(relaunched, ec2('spot'), START);
    const line = cost.items.find((i) => i.kind === 'instance')!;
    expect(line).toMatchObject({ quantity: '1.00 h', upperBound: true });
    expect(line.usd).toBeCloseTo(1.006 + (100 * 0.08) / 730 + 0.005, 9);
    expect(line.note).toMatch(
      /^At most: 1\.00 h priced on-demand at \$1\.006\/h, as the spot price history was not read for it/,
    );
    expect(cost.upperBound).toBe(true);
  });

  it('prices spot at the on-demand price and says the total is an upper bound', () => {
    const cost = computeRunCost(run, ec2('spot'), START);
    expect(cost.items[0]).toMatchObject({
      label: 'Instance g5.xlarge (spot)',
      note: expect.stringContaining('upper bound'),
    });
    expect(cost.upperBound).toBe(true);
    expect(cost.totalUsd).toBeCloseTo(computeRunCost(run, ec2('on-demand'), START).totalUsd!, 9);
    expect(formatRunTotal('aws-ec2', cost)).toMatch(/^≤ \$\d+\.\d\d$/);
  });

  it('prices spot from the price history of its zone: the exact charge, no upper bound', () => {
    const spot = {
      source: 'history' as const,
      charge: { usd: 0.9876, hours: 3, avgHourlyUsd: 0.3292, points: 4, zone: 'eu-west-1a' },
    };
    const cost = computeRunCost(run, { ...ec2('spot'), spot }, START);
    expect(cost.items[0]).toEqual({
      kind: 'instance',
      label: 'Instance g5.xlarge (spot)',
      quantity: '3.00 h × avg $0.3292/h',
      usd: 0.9876,
      note: 'Spot, from the price history: avg $0.3292/h over 4 price points in eu-west-1a; launch to termination.',
    });
    expect(cost.upperBound).toBe(false);
    // EBS and the address are billed as before; only the instance line changed.
    const bound = computeRunCost(run, ec2('spot'), START);
    expect(cost.totalUsd).toBeCloseTo(bound.totalUsd! - bound.items[0]!.usd! + 0.9876, 9);
    expect(formatRunTotal('aws-ec2', cost)).toMatch(/^\$\d+\.\d\d$/);
  });

  it('says so when the zone was unknown and the dearest zone was priced: still at most this', () => {
    const spot = {
      source: 'history' as const,
      charge: { usd: 1.2, hours: 3, avgHourlyUsd: 0.4, points: 1, zone: 'eu-west-1b', zonesCompared: 3 },
    };
    const cost = computeRunCost(run, { ...ec2('spot'), spot }, START);
    expect(cost.items[0]).toMatchObject({
      usd: 1.2,
      note: expect.stringContaining('over 1 price point in eu-west-1b, the dearest of 3 zones'),
    });
    expect(cost.upperBound).toBe(true);
  });

  it('falls back to the on-demand upper bound when the history was unavailable, and says why', () => {
    const cost = computeRunCost(
      run,
      { ...ec2('spot'), spot: { source: 'unavailable', reason: 'Timeout: no answer within 20 s' } },
      START,
    );
    expect(cost.items[0]).toMatchObject({
      quantity: '3.15 h × $1.006/h',
      note: expect.stringMatching(/upper bound \(Timeout: no answer within 20 s\)\.$/),
    });
    expect(cost.upperBound).toBe(true);
    expect(cost.totalUsd).toBeCloseTo(computeRunCost(run, ec2('on-demand'), START).totalUsd!, 9);
    // History is for spot only: an on-demand run ignores it.
    expect(
      computeRunCost(
        run,
        {
          ...ec2('on-demand'),
          spot: {
            source: 'history',
            charge: { usd: 0.01, hours: 3, avgHourlyUsd: 0.003, points: 1, zone: 'eu-west-1a' },
          },
        },
        START,
      ).items[0]!.usd,
    ).toBeCloseTo(HOURS * 1.006, 6);
  });

  // Issue #17 (prices-ui, point 1): a run launched once was priced as configured, whatever the failover launched.
  describe('a run launched once is priced as what ran (its attempt), not as configured', () => {
    const once = (instanceType: string, market: 'spot' | 'on-demand', zone = 'eu-west-1b') => ({
      ...run,
      attempts: [
        {
          attempt: 1,
          instanceId: 'i-1',
          instanceType,
          zone,
          market,
          startedAt: run.phases.provisioning.startedAt!,
          endedAt: run.phases['tearing-down'].endedAt!,
          end: 'finished' as const,
        },
      ],
    });
    const history = {
      source: 'history' as const,
      charge: { usd: 0.3, hours: 3, avgHourlyUsd: 0.1, points: 2, zone: 'eu-west-1b' },
    };

    it('a failover to an alternative type: the alternative at its price', () => {
      const cost = computeRunCost(once('g5.2xlarge', 'on-demand'), ec2('on-demand'), START);
      expect(cost.items[0]).toMatchObject({ label: 'Instance g5.2xlarge (on-demand)', quantity: '3.15 h × $1.212/h' });
      expect(cost.items[0]!.usd).toBeCloseTo(HOURS * 1.212, 6);
    });

    it('spot that fell back to on-demand: on-demand, exact, a spot history read for the run ignored', () => {
      const cost = computeRunCost(once('g5.xlarge', 'on-demand'), { ...ec2('spot'), spot: history }, START);
      expect(cost.items[0]).toMatchObject({ label: 'Instance g5.xlarge (on-demand)' });
      expect(cost.items[0]!.usd).toBeCloseTo(HOURS * 1.006, 6);
      expect(cost.items[0]!.note).toBeUndefined();
      expect(cost.upperBound).toBe(false);
    });

    it("spot in another zone: that zone's history prices it (the attempt's type in the label)", () => {
      const cost = computeRunCost(once('g5.2xlarge', 'spot'), { ...ec2('spot'), spot: history }, START);
      expect(cost.items[0]).toMatchObject({ label: 'Instance g5.2xlarge (spot)', usd: 0.3 });
      expect(cost.upperBound).toBe(false);
    });
  });

  it('costs $0 of compute on ssh-host and local, and says so', () => {
    for (const backend of ['ssh-host', 'local'] as const) {
      const own = finishedRun({ runId: 'r-2', name: 'own', backend, start: START });
      const cost = computeRunCost(own, { backend, instanceRegion: 'eu-west-1', bucketRegion: 'eu-west-1' }, START);
      expect(cost.items[0]).toMatchObject({ kind: 'own-machine', usd: 0, quantity: 'nothing rented' });
      expect(cost.items.find((i) => i.kind === 'transfer')).toMatchObject({
        usd: 0,
        note: expect.stringContaining('100 GB a month'),
      });
      expect(cost.ownMachine).toBe(true);
      expect(cost.totalUsd).toBeLessThan(0.001);
      expect(formatRunTotal(backend, cost)).toBe('$0.00 (own machine)');
    }
    // A run recorded before costs were: still nothing rented.
    expect(formatRunTotal('ssh-host', undefined)).toBe('$0.00 (own machine)');
    expect(formatRunTotal('aws-ec2', undefined)).toBe('—');
  });

  it('says "unknown" rather than $0 for what the table cannot price', () => {
    const unpriced = computeRunCost(
      run,
      { ...ec2('on-demand'), compute: { instanceType: 'x9.huge', diskGb: 100, market: 'on-demand' } },
      START,
    );
    expect(unpriced.items[0]).toMatchObject({
      usd: null,
      note: expect.stringContaining('not in the bundled price table'),
    });
    expect(unpriced.totalUsd).toBeNull();
    expect(formatRunTotal('aws-ec2', unpriced)).toBe('—');
    const crossRegion = computeRunCost(run, ec2('on-demand', 'us-east-1'), START);
    expect(crossRegion.items.find((i) => i.kind === 'transfer')).toMatchObject({
      usd: null,
      label: expect.stringContaining('cross-region'),
    });
    const bigPull = finishedRun({
      runId: 'r-3',
      name: 'big',
      backend: 'ssh-host',
      start: START,
      pulledBytes: 200 * 2 ** 30,
    });
    expect(
      computeRunCost(bigPull, { backend: 'ssh-host', instanceRegion: 'eu-west-1', bucketRegion: 'eu-west-1' }, START)
        .totalUsd,
    ).toBeNull();
  });

  it('bills nothing when the run failed before provisioning, and warns when teardown failed', () => {
    const early = applyRunEvent(emptyRunSnapshot('r-4', 'early', 'aws-ec2', new Date(START).toISOString()), {
      runId: 'r-4',
      seq: 1,
      at: new Date(START).toISOString(),
      type: 'phase',
      phase: 'preflight',
      status: 'failed',
      reason: 'no key',
    });
    expect(computeRunCost(early, ec2('on-demand'), START + 3_600_000).totalUsd).toBe(0);
    const events = finishedRunEvents({ runId: 'r-5', name: 'left', backend: 'aws-ec2', start: START });
    const failedTeardown = events.map((e): RunEvent =>
      e.type === 'phase' && e.phase === 'tearing-down' && e.status === 'succeeded'
        ? { ...e, status: 'failed', reason: 'teardown left 1 resource(s)' }
        : e,
    );
    const left = failedTeardown.reduce(
      applyRunEvent,
      emptyRunSnapshot('r-5', 'left', 'aws-ec2', new Date(START).toISOString()),
    );
    expect(computeRunCost(left, ec2('on-demand'), START).notes.join(' ')).toContain('keeps billing');
  });
});

describe('the cost event', () => {
  it('is folded into the snapshot (and so into history read back from events.jsonl)', () => {
    const run = finishedRun({ runId: 'r-1', name: 'resnet', backend: 'aws-ec2', start: START });
    const cost = computeRunCost(run, ec2('on-demand'), START);
    const event: RunEvent = {
      runId: 'r-1',
      seq: run.lastSeq + 1,
      at: new Date(START).toISOString(),
      type: 'cost',
      ...cost,
    };
    const folded = applyRunEvent(run, JSON.parse(JSON.stringify(event)) as RunEvent);
    expect(folded.cost).toEqual(cost);
    expect(folded.lastSeq).toBe(run.lastSeq + 1);
    expect(Object.keys(folded.cost!)).not.toContain('seq');
  });
});
