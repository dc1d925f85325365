import { describe, expect, it } from 'vitest';

import { computeSchema, runConfigSchema } from './schema';

const first = (input: unknown) => {
  const result = computeSchema.safeParse(input);
  return result.success ? undefined : `${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`;
};

describe('the compute section', () => {
  it('fills defaults: on-demand, 100 GB gp3, shutdown after push', () => {
    expect(computeSchema.parse({ instanceType: 'g5.xlarge', ttlMinutes: 240 })).toEqual({
      instanceType: 'g5.xlarge',
      market: 'on-demand',
      diskGb: 100,
      ttlMinutes: 240,
      shutdownAfterPush: true,
    });
  });

  it.each([
    [{ instanceType: 'G5 xlarge', ttlMinutes: 60 }, 'instanceType: an instance type looks like "g5.xlarge"'],
    [
      { instanceType: 'g5.xlarge' },
      'ttlMinutes: ttlMinutes is required: the hard limit after which the instance powers itself off',
    ],
    [{ instanceType: 'g5.xlarge', ttlMinutes: 5 }, 'ttlMinutes: ttlMinutes is at least 15'],
    [{ instanceType: 'g5.xlarge', ttlMinutes: 60, market: 'reserved' }, 'market: market is "on-demand" or "spot"'],
    [{ instanceType: 'g5.xlarge', ttlMinutes: 60, diskGb: 8 }, 'diskGb: diskGb is at least 20 (the AMIs need it)'],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, amiId: 'ubuntu' },
      'amiId: an AMI id looks like "ami-0123456789abcdef0"',
    ],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, allowedSshCidr: '0.0.0.0/0' },
      'allowedSshCidr: allowedSshCidr must be /24 to /32: SSH is never opened wider',
    ],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, allowedSshCidr: '300.1.1.1/32' },
      'allowedSshCidr: allowedSshCidr has an octet above 255',
    ],
    [{ instanceType: 'g5.xlarge', ttlMinutes: 60, sshPort: 2222 }, ': Unrecognized key: "sshPort"'],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, market: 'spot', spot: { maxRelaunches: 1.5 } },
      'spot.maxRelaunches: spot.maxRelaunches is a whole number, such as 2',
    ],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, market: 'spot', spot: { maxRelaunches: -1 } },
      'spot.maxRelaunches: spot.maxRelaunches is 0 (off) or more',
    ],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, market: 'spot', spot: { maxRelaunches: 11 } },
      'spot.maxRelaunches: spot.maxRelaunches is at most 10: a run interrupted that often needs another zone, type or the on-demand market',
    ],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, market: 'spot', spot: { maxRelaunches: '2' } },
      'spot.maxRelaunches: spot.maxRelaunches is a number of relaunches, such as 2',
    ],
    [
      { instanceType: 'g5.xlarge', ttlMinutes: 60, spot: { maxRelaunches: 2 } },
      'spot.maxRelaunches: spot.maxRelaunches applies to spot runs only: set market to "spot", or remove spot.maxRelaunches',
    ],
  ])('rejects %j', (input, message) => {
    expect(first(input)).toBe(message);
  });

  it('spot relaunch is off by default and takes 0 to 10 relaunches on spot', () => {
    const spot = { instanceType: 'g5.xlarge', ttlMinutes: 60, market: 'spot' };
    expect(computeSchema.parse({ ...spot, spot: {} }).spot).toEqual({ fallbackOnDemand: false, maxRelaunches: 0 });
    expect(computeSchema.parse({ ...spot, spot: { maxRelaunches: 3, fallbackOnDemand: true } }).spot).toEqual({
      fallbackOnDemand: true,
      maxRelaunches: 3,
    });
    // 0 is "off", so an on-demand run may say it.
    expect(computeSchema.safeParse({ ...spot, market: 'on-demand', spot: { maxRelaunches: 0 } }).success).toBe(true);
  });

  it('is optional in the run config (storage-only tools), strict when present', () => {
    const base = { version: 1, aws: { region: 'eu-west-1' }, storage: { bucket: 'td-data', sseKeyFile: 'k' } };
    expect(runConfigSchema.safeParse(base).success).toBe(true);
    expect(runConfigSchema.safeParse({ ...base, compute: { instanceType: 'g5.xlarge' } }).success).toBe(false);
  });
});
