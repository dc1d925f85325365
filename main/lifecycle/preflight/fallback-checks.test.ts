import { describe, expect, it } from 'vitest';

import { vcpuQuotaFor } from '../../../shared/domain/instance-family';
import type { RunConfig } from '../../../shared/run-config/schema';
import { hasDoubledPeriod } from '../../../shared/text/sentences';
import { launchRun } from '../launch';
import { fakePreflight, type FakePreflightWorld } from '../testing/fake-preflight';

// Issue 17 point 2: spot with compute.spot.fallbackOnDemand ends on-demand, and on-demand has
// its own vCPU quota (the spot one says nothing of it). Invariant: a preflight that passes with
// the fallback on means every on-demand launch the failover may make fits its on-demand quota;
// when one would not, the preflight fails with a sentence and a fix before anything is created.

type Compute = Partial<NonNullable<RunConfig['compute']>>;
type World = FakePreflightWorld;

const G_ON_DEMAND = vcpuQuotaFor('g5.xlarge', 'on-demand')!.code;
const G_SPOT = vcpuQuotaFor('g5.xlarge', 'spot')!.code;
const STANDARD_ON_DEMAND = vcpuQuotaFor('t3.large', 'on-demand')!.code;
const SPOT_WITH_FALLBACK: Compute = { market: 'spot', spot: { fallbackOnDemand: true, maxRelaunches: 0 } };

async function preflight(compute: Compute, seed?: (world: World) => void) {
  const result = await fakePreflight(compute, seed);
  return { ...result, fallback: result.report.checks.find((c) => c.id === 'on-demand-fallback') };
}

/** The one failed check of a refused preflight; a launch with that config creates nothing. */
async function refusedFallback(compute: Compute, seed: (world: World) => void) {
  const { world, report, plan, fallback } = await preflight(compute, seed);
  expect(plan).toBeUndefined();
  expect(report.checks.filter((c) => c.status === 'fail')).toEqual([fallback]);
  expect(fallback).toMatchObject({ status: 'fail', field: 'compute.spot.fallbackOnDemand' });
  expect(hasDoubledPeriod(`${fallback!.value}. ${fallback!.fix}`)).toBe(false);
  await expect(launchRun(world.config, world.deps)).rejects.toThrow(/^Preflight failed: .*Nothing was created\.$/);
  expect(world.fake.writes).toEqual([]);
  return fallback!;
}

describe('preflight of the on-demand fallback (spot with compute.spot.fallbackOnDemand)', () => {
  it('room for spot but no on-demand quota: fails naming the quota, how to raise it, or to turn the fallback off', async () => {
    const failed = await refusedFallback(SPOT_WITH_FALLBACK, (world) => world.fake.quotas.set(G_ON_DEMAND, 0));
    expect(failed.value).toBe(
      'compute.spot.fallbackOnDemand: the on-demand launch would be over quota: ' +
        `"Running On-Demand G and VT instances" (${G_ON_DEMAND}) allows 0 vCPU; 0 in use, g5.xlarge needs 4`,
    );
    expect(failed.fix).toMatch(
      new RegExp(
        `^Request 4 or more in Service Quotas: .*--quota-code ${G_ON_DEMAND} --desired-value 4 --region eu-west-1\\. ` +
          'Or set compute\\.spot\\.fallbackOnDemand to false \\(the run then stops when no spot placement has room\\)\\.$',
      ),
    );
  });

  it('on-demand instances already running count against it', async () => {
    const failed = await refusedFallback(SPOT_WITH_FALLBACK, (world) => {
      world.fake.quotas.set(G_ON_DEMAND, 7);
      world.fake.region('eu-west-1').instances.set('i-0busy', {
        id: 'i-0busy',
        instanceType: 'g5.xlarge',
        state: 'running',
        since: 0,
        launchTime: new Date(0).toISOString(),
        tags: {},
        securityGroupIds: [],
        market: 'on-demand',
        zone: 'eu-west-1a',
        hostKeyFingerprints: [],
      });
      // A spot instance of the family does not count against the on-demand quota.
      world.fake.region('eu-west-1').instances.set('i-0spot', {
        ...world.fake.region('eu-west-1').instances.get('i-0busy')!,
        id: 'i-0spot',
        market: 'spot',
      });
    });
    expect(failed.value).toMatch(/allows 7 vCPU; 4 in use, g5\.xlarge needs 4$/);
    expect(failed.fix).toContain('--desired-value 8');
  });

  it('an alternative whose family has no on-demand room fails it too, by name', async () => {
    const failed = await refusedFallback({ ...SPOT_WITH_FALLBACK, alternatives: ['t3.large'] }, (world) =>
      world.fake.quotas.set(STANDARD_ON_DEMAND, 1),
    );
    expect(failed.value).toContain(`(${STANDARD_ON_DEMAND}) allows 1 vCPU; 0 in use, t3.large needs 2`);
    expect(failed.value).not.toContain('g5.xlarge');
  });

  it('every type fits on-demand: one passing line, and the plan ends with the on-demand placements', async () => {
    const { report, plan, fallback } = await preflight({ ...SPOT_WITH_FALLBACK, alternatives: ['t3.large'] }, (world) =>
      // The spot quota is the one that is tight: the fallback is what this account can launch.
      world.fake.quotas.set(G_SPOT, 4),
    );
    expect(report.ok).toBe(true);
    expect(fallback).toMatchObject({
      status: 'pass',
      value: expect.stringMatching(
        /^on-demand g5\.xlarge, t3\.large in the same zones with the same AMIs; .*g5\.xlarge needs 4; .*t3\.large needs 2$/,
      ),
    });
    expect(plan!.candidates!.filter((c) => c.market === 'on-demand').map((c) => c.instanceType)).toEqual([
      'g5.xlarge',
      'g5.xlarge',
      'g5.xlarge',
      't3.large',
      't3.large',
      't3.large',
    ]);
  });

  it('a quota that cannot be read is a warning (EC2 still refuses over quota at launch), not a failure', async () => {
    const { report, plan, fallback } = await preflight(SPOT_WITH_FALLBACK, (world) =>
      world.fake.failOperation('vcpuQuota', 'AccessDeniedException'),
    );
    expect(fallback).toMatchObject({ status: 'warn', fix: expect.stringContaining('servicequotas:GetServiceQuota') });
    expect(report.ok).toBe(true);
    expect(plan).toBeDefined();
  });

  it('no fallback, no line: on-demand runs, and spot without fallbackOnDemand (whose on-demand quota may be 0)', async () => {
    for (const compute of [
      { market: 'on-demand', spot: { fallbackOnDemand: true, maxRelaunches: 0 } },
      { market: 'spot' },
    ] as Compute[]) {
      const { report, fallback } = await preflight(compute, (world) => world.fake.quotas.set(G_ON_DEMAND, 0));
      expect(fallback).toBeUndefined();
      if (compute.market === 'spot') expect(report.ok).toBe(true);
    }
  });
});
