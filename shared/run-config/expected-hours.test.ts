import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { expectedHoursProblem, runConfigSchema } from './schema';

const base = {
  version: 1,
  aws: { region: 'eu-west-1' },
  storage: { bucket: 'td-data', sseKeyFile: 'k' },
  code: { repoUrl: 'https://github.com/me/repo.git' },
};
const issues = (input: unknown) => {
  const result = runConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('training.expectedHours (the estimate’s hours)', () => {
  it('is optional, a positive number of hours up to 7 days', () => {
    const ec2 = { ...base, compute: { instanceType: 'g5.xlarge', ttlMinutes: 480 } };
    expect(issues({ ...ec2, training: { command: 'python train.py' } })).toEqual([]);
    expect(issues({ ...ec2, training: { command: 'python train.py', expectedHours: 6.5 } })).toEqual([]);
    expect(issues({ ...ec2, training: { command: 'x', expectedHours: 0 } })).toEqual([
      'training.expectedHours: training.expectedHours is more than 0',
    ]);
    expect(issues({ ...ec2, training: { command: 'x', expectedHours: 'six' } })).toEqual([
      'training.expectedHours: training.expectedHours is a number of hours, such as 6',
    ]);
    expect(issues({ ...ec2, training: { command: 'x', expectedHours: 169 } })).toContain(
      'training.expectedHours: training.expectedHours is at most 168 (7 days, the longest time to live)',
    );
  });

  it('may not be longer than the run may live, with the fix', () => {
    const ec2 = { ...base, compute: { instanceType: 'g5.xlarge', ttlMinutes: 480 } };
    expect(issues({ ...ec2, training: { command: 'x', expectedHours: 10 } })).toEqual([
      'training.expectedHours: training.expectedHours (10 h) is longer than the run may live (compute.ttlMinutes: 8 h); raise compute.ttlMinutes or lower training.expectedHours',
    ]);
    expect(issues({ ...ec2, training: { command: 'x', expectedHours: 8 } })).toEqual([]);
    const own = { ...base, sshHost: { address: 'me@gpu.lan', identityFile: '~/.ssh/id_ed25519' } };
    expect(issues({ ...own, training: { command: 'x', expectedHours: 3, maxRuntimeMinutes: 90 } })).toEqual([
      'training.expectedHours: training.expectedHours (3 h) is longer than the run may live (training.maxRuntimeMinutes: 1.5 h); raise training.maxRuntimeMinutes or lower training.expectedHours',
    ]);
  });

  it('is refused exactly when its minutes pass the limit', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 168, noNaN: true }), fc.integer({ min: 15, max: 10080 }), (h, ttl) => {
        const problem = expectedHoursProblem({
          compute: { ttlMinutes: ttl },
          training: { expectedHours: h, maxRuntimeMinutes: 1440 },
        });
        expect(problem === undefined).toBe(h * 60 <= ttl);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
