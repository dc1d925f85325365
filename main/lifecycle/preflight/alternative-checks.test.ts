import { describe, expect, it } from 'vitest';

import type { RunConfig } from '../../../shared/run-config/schema';
import { computeSchema } from '../../../shared/run-config/schema';
import { hasDoubledPeriod } from '../../../shared/text/sentences';
import { launchRun } from '../launch';
import { fakePreflight, type FakePreflightWorld } from '../testing/fake-preflight';

type Compute = Partial<NonNullable<RunConfig['compute']>>;

const preflight = fakePreflight;

async function failedAlternative(compute: Compute, seed?: (world: FakePreflightWorld) => void) {
  const { world, report, plan } = await preflight(compute, seed);
  expect(plan).toBeUndefined();
  const failed = report.checks.filter((c) => c.status === 'fail');
  expect(failed).toHaveLength(1);
  expect(failed[0]!.id).toMatch(/^alternative:/);
  expect(hasDoubledPeriod(`${failed[0]!.value}. ${failed[0]!.fix}`)).toBe(false);
  // Before anything costly: a launch with this config stops at its preflight and creates nothing.
  await expect(launchRun(world.config, world.deps)).rejects.toThrow(/^Preflight failed: .*Nothing was created\.$/);
  expect(world.fake.writes).toEqual([]);
  return failed[0]!;
}

describe('preflight of compute.alternatives', () => {
  it('an alternative not offered in the region: a clear sentence and a fix, nothing created', async () => {
    const failed = await failedAlternative({ alternatives: ['g6.xlarge'] }, (world) =>
      world.fake.region('eu-west-1').offerings.set('g6.xlarge', []),
    );
    expect(failed).toMatchObject({
      label: 'Alternative g6.xlarge',
      value: 'compute.alternatives: g6.xlarge is not offered in eu-west-1',
    });
    expect(failed.fix).toMatch(/^Remove g6\.xlarge from compute\.alternatives, or pick a type offered in eu-west-1; /);
    expect(failed.fix).toContain('aws ec2 describe-instance-type-offerings');
  });

  it('an alternative EC2 does not know', async () => {
    const failed = await failedAlternative({ alternatives: ['x9.huge'] });
    expect(failed.value).toBe('compute.alternatives: EC2 does not know "x9.huge"');
    expect(failed.fix).toMatch(/remove x9\.huge from compute\.alternatives\.$/);
  });

  it("an alternative whose architecture the run's AMI does not run", async () => {
    const failed = await failedAlternative({ amiId: 'ami-0d1a0000000000001', alternatives: ['t4g.small'] });
    expect(failed.value).toMatch(
      /^compute\.alternatives: t4g\.small: ami-0d1a0000000000001 is x86_64, t4g\.small runs arm64$/,
    );
    expect(failed.fix).toMatch(/Or remove t4g\.small from compute\.alternatives\.$/);
  });

  it('an alternative over its vCPU quota', async () => {
    const failed = await failedAlternative({ alternatives: ['p4d.24xlarge'] });
    expect(failed.value).toMatch(
      /^compute\.alternatives: p4d\.24xlarge: .*allows 64 vCPU; 0 in use, p4d\.24xlarge needs 96$/,
    );
    expect(failed.fix).toMatch(
      /^Request 96 or more in Service Quotas: .* Or remove p4d\.24xlarge from compute\.alternatives\.$/,
    );
  });

  it('alternatives that pass: one line each, and the plan lists every placement in the documented order with its own AMI', async () => {
    const { report, plan } = await preflight(
      { market: 'spot', alternatives: ['t3.large', 'g5.2xlarge'], spot: { fallbackOnDemand: true, maxRelaunches: 0 } },
      (world) => world.fake.region('eu-west-1').offerings.set('g5.2xlarge', ['eu-west-1b']),
    );
    expect(report.checks.filter((c) => c.id.startsWith('alternative:'))).toEqual([
      expect.objectContaining({
        status: 'pass',
        value: expect.stringMatching(/^2 vCPU, in eu-west-1a, eu-west-1b, eu-west-1c, AMI ami-0a12023000000086$/),
      }),
      expect.objectContaining({
        status: 'pass',
        value: expect.stringMatching(/^8 vCPU, 1 GPU, in eu-west-1b, AMI ami-0d1a/),
      }),
    ]);
    const order = plan!.candidates!.map((c) => `${c.market} ${c.instanceType} ${c.zone} ${c.sshUser}`);
    const pass = (market: string) => [
      `${market} g5.xlarge eu-west-1a ubuntu`,
      `${market} g5.xlarge eu-west-1b ubuntu`,
      `${market} g5.xlarge eu-west-1c ubuntu`,
      `${market} t3.large eu-west-1a ec2-user`,
      `${market} t3.large eu-west-1b ec2-user`,
      `${market} t3.large eu-west-1c ec2-user`,
      `${market} g5.2xlarge eu-west-1b ubuntu`,
    ];
    expect(order).toEqual([...pass('spot'), ...pass('on-demand')]);
    expect(plan!.candidates!.every((c) => c.subnetId === `subnet-${c.zone}`)).toBe(true);
  });

  it('on-demand ignores fallbackOnDemand: each placement once', async () => {
    const { plan } = await preflight({ market: 'on-demand', spot: { fallbackOnDemand: true, maxRelaunches: 0 } });
    expect(plan!.candidates!.map((c) => `${c.market} ${c.zone}`)).toEqual([
      'on-demand eu-west-1a',
      'on-demand eu-west-1b',
      'on-demand eu-west-1c',
    ]);
  });
});

describe('the compute.alternatives setting', () => {
  const parse = (alternatives: string[]) =>
    computeSchema.safeParse({ instanceType: 'g5.xlarge', ttlMinutes: 240, alternatives });
  const message = (alternatives: string[]) => parse(alternatives).error?.issues[0]?.message;

  it('lists other types, each once, at most four', () => {
    expect(parse(['g5.2xlarge', 'g6.xlarge']).success).toBe(true);
    expect(message(['g5.xlarge'])).toBe('alternatives repeats instanceType: list only the other types to try');
    expect(message(['g6.xlarge', 'g6.xlarge'])).toBe('alternatives lists each instance type once');
    expect(message(['a.b', 'c.d', 'e.f', 'g.h', 'i.j'])).toBe('alternatives lists at most 4 instance types');
    expect(message(['G6 XL'])).toBe('an instance type looks like "g5.xlarge"');
  });
});
