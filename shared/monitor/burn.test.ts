import { describe, expect, it } from 'vitest';

import { emptyRunSnapshot, type PhaseState, type RunSnapshot } from '../domain/run';
import { PRICE_TABLE } from '../pricing/price-table';
import { computeBurn, provisioningBurn } from './burn';

const T0 = Date.parse('2026-12-05T10:00:00Z');

function ec2Run(provisioning: PhaseState, over: Partial<RunSnapshot> = {}): RunSnapshot {
  const run = emptyRunSnapshot('r1', 'resnet', 'aws-ec2', new Date(T0).toISOString());
  run.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 150 } };
  run.phases.provisioning = provisioning;
  return { ...run, ...over };
}
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('provisioningBurn: the burn rate from the instance create on, before the monitor prices it', () => {
  const expected = computeBurn({
    instanceType: 'g5.xlarge',
    volumes: [{ volumeType: 'gp3', sizeGb: 150 }],
    startedAt: T0 + 60_000,
    now: T0 + 11 * 60_000,
    hasPublicIp: true,
  });

  it('instance created, booting (status checks, sshd wait): the instance and its disk bill from the launch', () => {
    for (const step of ['instance', 'running', 'status-checks', 'ssh']) {
      const burn = provisioningBurn(
        ec2Run({ status: 'running', startedAt: at(1), detail: { step } }),
        T0 + 11 * 60_000,
      );
      expect(burn).toEqual(expected);
    }
    expect(expected.hourlyUsd).toBeGreaterThan(1);
    expect(expected.soFarUsd).toBeCloseTo(expected.hourlyUsd! / 6, 6);
    // Connecting after provisioning, and a launch that failed after the create: it still bills.
    const connecting = ec2Run({ status: 'succeeded', startedAt: at(1), endedAt: at(5) });
    connecting.phases.connecting = { status: 'running', startedAt: at(5) };
    expect(provisioningBurn(connecting, T0 + 11 * 60_000)).toEqual(expected);
    const failed = ec2Run({ status: 'failed', startedAt: at(1), detail: { step: 'status-checks' } });
    expect(provisioningBurn(failed, T0 + 11 * 60_000)).toEqual(expected);
  });

  // #17 point 2: a spot instance was priced at the on-demand price as if that were what it bills.
  it('a spot instance is priced at most on-demand, marked an upper bound with why', () => {
    const spot = ec2Run({ status: 'running', startedAt: at(1), detail: { step: 'ssh' } });
    spot.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 150, market: 'spot' } };
    const burn = provisioningBurn(spot, T0 + 11 * 60_000)!;
    expect(burn.upperBound).toBe(true);
    expect(burn.hourlyUsd).toBeCloseTo(expected.hourlyUsd!, 9);
    expect(burn.instanceNote).toBe(
      'At most: priced on-demand, as the spot price history is unavailable (its spot price is read once the instance trains).',
    );
    expect(burn.spotPending).toBeUndefined();
    // On-demand stays exact: no bound, no note.
    expect(expected.upperBound).toBeUndefined();
    expect(expected.instanceNote).toBeUndefined();
  });

  it('nothing before the instance, after a verified teardown, once the run ended, or for a machine not rented', () => {
    const now = T0 + 11 * 60_000;
    expect(provisioningBurn(ec2Run({ status: 'pending' }), now)).toBeUndefined();
    for (const step of ['key-pair', 'security-group']) {
      expect(provisioningBurn(ec2Run({ status: 'running', startedAt: at(1), detail: { step } }), now)).toBeUndefined();
    }
    const tornDown = ec2Run({ status: 'succeeded', startedAt: at(1) });
    tornDown.phases['tearing-down'] = { status: 'succeeded' };
    expect(provisioningBurn(tornDown, now)).toBeUndefined();
    expect(
      provisioningBurn(ec2Run({ status: 'succeeded', startedAt: at(1) }, { state: 'failed' }), now),
    ).toBeUndefined();
    const own = { ...ec2Run({ status: 'succeeded', startedAt: at(1) }), backend: 'ssh-host' as const };
    expect(provisioningBurn(own, now)).toBeUndefined();
  });
});

// Issue #17 (prices-ui, point 1): the burn priced the configured type and market, not what a capacity failover landed on.
describe('provisioningBurn prices what runs: the type, market and zone the launch got', () => {
  const now = T0 + 11 * 60_000;
  const onDemand = (instanceType: string) =>
    computeBurn({
      instanceType,
      volumes: [{ volumeType: 'gp3', sizeGb: 150 }],
      startedAt: T0 + 60_000,
      now,
      hasPublicIp: true,
    });
  const spotConfigured = (provisioning: PhaseState) => {
    const run = ec2Run(provisioning);
    run.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 150, market: 'spot' } };
    return run;
  };

  it('a failover to an alternative type, while the instance boots: the alternative', () => {
    const booting = ec2Run({
      status: 'running',
      startedAt: at(1),
      detail: { step: 'status-checks', instanceType: 'g5.2xlarge', market: 'on-demand', zone: 'us-east-1b' },
    });
    expect(provisioningBurn(booting, now)).toEqual(onDemand('g5.2xlarge'));
    expect(onDemand('g5.2xlarge').hourlyUsd).not.toBeCloseTo(onDemand('g5.xlarge').hourlyUsd!, 3);
  });

  it('spot that fell back to on-demand: exact on-demand, no "at most", once the launch says so', () => {
    const fellBack = spotConfigured({
      status: 'running',
      startedAt: at(1),
      detail: { step: 'ssh', instanceType: 'g5.xlarge', market: 'on-demand', zone: 'us-east-1a' },
    });
    const burn = provisioningBurn(fellBack, now)!;
    expect(burn).toEqual(onDemand('g5.xlarge'));
    expect(burn.upperBound).toBeUndefined();
  });

  it('after provisioning (connecting, bootstrapping): the running attempt, then the acquire detail', () => {
    const connecting = ec2Run({
      status: 'succeeded',
      startedAt: at(1),
      endedAt: at(5),
      detail: { instanceType: 'g6.xlarge', market: 'on-demand', zone: 'us-east-1c' },
    });
    connecting.phases.connecting = { status: 'running', startedAt: at(5) };
    expect(provisioningBurn(connecting, now)).toEqual(onDemand('g6.xlarge'));
    connecting.attempts = [
      {
        attempt: 1,
        instanceId: 'i-1',
        instanceType: 'g4dn.xlarge',
        zone: 'us-east-1d',
        market: 'on-demand',
        startedAt: at(1),
      },
    ];
    expect(provisioningBurn(connecting, now)).toEqual(onDemand('g4dn.xlarge'));
  });

  it('a spot attempt in another zone keeps that zone (and the on-demand bound until the monitor reads its price)', () => {
    const run = spotConfigured({
      status: 'running',
      startedAt: at(1),
      detail: { step: 'ssh', instanceType: 'g5.xlarge', market: 'spot', zone: 'us-east-1f' },
    });
    const burn = provisioningBurn(run, now)!;
    expect(burn.upperBound).toBe(true);
    expect(burn.hourlyUsd).toBeCloseTo(onDemand('g5.xlarge').hourlyUsd!, 9);
  });

  it('a relaunch provisioning after its verified teardown bills again, with the earlier attempt in the cost so far', () => {
    const run = ec2Run({ status: 'running', startedAt: at(3), detail: { step: 'status-checks' } });
    run.phases['tearing-down'] = { status: 'succeeded', startedAt: at(2), endedAt: at(3), detail: { relaunch: 2 } };
    run.attempts = [
      {
        attempt: 1,
        instanceId: 'i-1',
        instanceType: 'g5.xlarge',
        zone: 'us-east-1a',
        market: 'spot',
        startedAt: at(0),
        endedAt: at(3),
        end: 'interrupted',
        costUsd: 0.25,
      },
    ];
    const burn = provisioningBurn(run, now)!;
    expect(burn).toBeDefined();
    const alone = computeBurn({
      instanceType: 'g5.xlarge',
      volumes: [{ volumeType: 'gp3', sizeGb: 150 }],
      startedAt: T0 + 3 * 60_000,
      now,
      hasPublicIp: true,
    });
    expect(burn.soFarUsd).toBeCloseTo(0.25 + alone.soFarUsd!, 9);
    // The run's own teardown, after this provisioning began, still ends the burn.
    run.phases['tearing-down'] = { status: 'succeeded', startedAt: at(9), endedAt: at(10) };
    expect(provisioningBurn(run, now)).toBeUndefined();
  });
});

describe('computeBurn with the run region prices', () => {
  it('prices from the given region table and carries its origin; a type that region does not price is unknown, not $0', () => {
    const origin = { source: 'live' as const, region: 'eu-west-1', asOf: '2026-12-05T21:00:00.000Z' };
    const prices = { ...PRICE_TABLE, instanceHourly: { 'g5.xlarge': 1.123 }, origin };
    const base = { volumes: [], startedAt: 0, now: 3_600_000, prices };
    const burn = computeBurn({ ...base, instanceType: 'g5.xlarge' });
    expect(burn).toMatchObject({ hourlyUsd: 1.123, soFarUsd: 1.123, pricesOrigin: origin });
    expect(computeBurn({ ...base, instanceType: 'p5.48xlarge' })).toMatchObject({ hourlyUsd: null, soFarUsd: null });
  });
});

// #17 point 3: each spot period is priced at the price in force then, not the whole attempt at the last.
describe('computeBurn over spot price changes', () => {
  const base = {
    instanceType: 'g5.xlarge',
    volumes: [] as { volumeType: string; sizeGb: number }[],
    startedAt: T0,
    market: 'spot' as const,
    zone: 'us-east-1a',
  };
  const zone = (usdPerHour: number) => ({ zones: [{ zone: 'us-east-1a', usdPerHour }] });
  const HOUR = 3_600_000;

  it('sums each period at its own price: 2 h at $0.30, 1 h at $0.60, then 0.5 h at $0.45', () => {
    const burn = computeBurn({
      ...base,
      now: T0 + 3.5 * HOUR,
      spotBefore: [
        { until: T0 + 2 * HOUR, spot: zone(0.3) },
        { until: T0 + 3 * HOUR, spot: zone(0.6) },
      ],
      spot: zone(0.45),
    });
    expect(burn.hourlyUsd).toBeCloseTo(0.45, 9);
    expect(burn.soFarUsd).toBeCloseTo(2 * 0.3 + 0.6 + 0.5 * 0.45, 9);
    expect(burn.upperBound).toBeUndefined();
    expect(burn.soFarUpperBound).toBeUndefined();
  });

  it('a period priced at most (its read failed: on-demand) makes the cost so far an upper bound, not the rate', () => {
    const burn = computeBurn({
      ...base,
      now: T0 + 2 * HOUR,
      spotBefore: [{ until: T0 + HOUR, spot: { problem: 'Denied.' } }],
      spot: zone(0.3),
    });
    expect(burn.soFarUsd).toBeCloseTo(PRICE_TABLE.instanceHourly['g5.xlarge']! + 0.3, 9);
    expect(burn.upperBound).toBeUndefined();
    expect(burn.soFarUpperBound).toBe(true);
  });

  it('on-demand ignores spot periods; periods past now count only to now', () => {
    const onDemand = computeBurn({
      ...base,
      market: 'on-demand',
      now: T0 + HOUR,
      spotBefore: [{ until: T0 + HOUR / 2, spot: zone(0.1) }],
    });
    expect(onDemand.soFarUsd).toBeCloseTo(PRICE_TABLE.instanceHourly['g5.xlarge']!, 9);
    const early = computeBurn({
      ...base,
      now: T0 + HOUR,
      spotBefore: [{ until: T0 + 5 * HOUR, spot: zone(0.3) }],
      spot: zone(0.6),
    });
    expect(early.soFarUsd).toBeCloseTo(0.3, 9);
  });
});
