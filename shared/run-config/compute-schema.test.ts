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
  ])('rejects %j', (input, message) => {
    expect(first(input)).toBe(message);
  });

  it('is optional in the run config (storage-only tools), strict when present', () => {
    const base = { version: 1, aws: { region: 'eu-west-1' }, storage: { bucket: 'td-data', sseKeyFile: 'k' } };
    expect(runConfigSchema.safeParse(base).success).toBe(true);
    expect(runConfigSchema.safeParse({ ...base, compute: { instanceType: 'g5.xlarge' } }).success).toBe(false);
  });
});
