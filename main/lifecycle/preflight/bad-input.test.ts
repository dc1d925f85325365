import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { PreflightReport } from '../../../shared/domain/preflight';
import { TypedError } from '../../../shared/ipc/result';
import { hasDoubledPeriod } from '../../../shared/text/sentences';
import { awsError } from '../../aws/fake/fake-error';
import { launchRun } from '../launch';
import { type FakeWorld, fakeWorld } from '../testing/fake-lifecycle';

/** Launches and expects preflight to stop it: returns the failing check; asserts nothing was written to AWS. */
async function refused(world: FakeWorld, config = world.config) {
  let report: PreflightReport | undefined;
  const error = await launchRun(config, world.deps, { onPreflight: (r) => (report = r) }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TypedError);
  expect((error as TypedError).message).toMatch(/^Preflight failed: .*Nothing was created\.$/);
  expect(world.fake.writes).toEqual([]);
  const failed = report?.checks.find((c) => c.status === 'fail');
  expect(failed).toBeDefined();
  return failed!;
}

describe('bad input: a clear preflight error and no resource created', () => {
  it('unknown profile (before any AWS call)', async () => {
    const world = await fakeWorld();
    world.deps.env = { AWS_CONFIG_FILE: join(world.dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(world.dir, 'none') };
    const failed = await refused(world, { ...world.config, aws: { ...world.config.aws, profile: 'nope' } });
    expect(failed).toMatchObject({
      id: 'aws-profile',
      value: expect.stringContaining('profile "nope" not found'),
      fix: expect.stringContaining('aws configure list-profiles'),
    });
    expect(world.fake.calls).toEqual([]);
  });

  it('expired SSO session says which login to run', async () => {
    const world = await fakeWorld();
    world.fake.identityFault = 'expired-sso';
    const failed = await refused(world, { ...world.config, aws: { ...world.config.aws, profile: 'work' } });
    expect(failed).toMatchObject({ id: 'identity', fix: expect.stringContaining('aws sso login --profile work') });
  });

  it('region typo suggests the region meant', async () => {
    const world = await fakeWorld();
    const failed = await refused(world, { ...world.config, aws: { region: 'eu-wset-1' } });
    expect(failed).toMatchObject({
      id: 'region',
      value: '"eu-wset-1" is not an AWS region',
      fix: expect.stringContaining('"eu-west-1"'),
    });
    expect(world.fake.calls).toEqual([]);
  });

  it('instance type not offered in the region', async () => {
    const world = await fakeWorld();
    world.fake.region('eu-west-1').offerings.set('g5.xlarge', []);
    const failed = await refused(world);
    expect(failed).toMatchObject({
      id: 'instance-type',
      value: 'g5.xlarge is not offered in eu-west-1',
      fix: expect.stringContaining('describe-instance-type-offerings'),
    });
  });

  it('instance type unknown to EC2', async () => {
    const world = await fakeWorld({ compute: { instanceType: 'g5.xlarg' } });
    expect(await refused(world)).toMatchObject({ id: 'instance-type', value: 'EC2 does not know "g5.xlarg"' });
  });

  it('vCPU quota too low names the quota and how to raise it', async () => {
    const world = await fakeWorld({ compute: { instanceType: 'g5.2xlarge' } });
    world.fake.quotas.set('L-DB2E81BA', 4);
    const failed = await refused(world);
    expect(failed.value).toBe(
      '"Running On-Demand G and VT instances" (L-DB2E81BA) allows 4 vCPU; 0 in use, g5.2xlarge needs 8',
    );
    expect(failed.fix).toContain('--quota-code L-DB2E81BA --desired-value 8 --region eu-west-1');
  });

  it('spot uses the spot quota', async () => {
    const world = await fakeWorld({ compute: { market: 'spot' } });
    world.fake.quotas.set('L-3819A6DF', 0);
    expect((await refused(world)).value).toContain('All G and VT Spot Instance Requests');
  });

  it('bucket in another region', async () => {
    const world = await fakeWorld();
    world.fake.buckets.set('td-data', { region: 'us-west-2', versioning: 'off' });
    const failed = await refused(world);
    expect(failed).toMatchObject({
      id: 'bucket',
      value: 's3://td-data is in us-west-2, not eu-west-1',
      fix: expect.stringContaining('storage.region to "us-west-2"'),
    });
  });

  it('bucket that refuses SSE-C', async () => {
    const world = await fakeWorld();
    world.fake.buckets.set('td-data', { region: 'eu-west-1', versioning: 'off', blocksSseC: true });
    expect(await refused(world)).toMatchObject({ id: 'sse-c', value: expect.stringContaining('refused') });
  });

  it('AMI not found', async () => {
    const world = await fakeWorld({ compute: { amiId: 'ami-0123456789abcdef0' } });
    expect(await refused(world)).toMatchObject({
      id: 'ami',
      value: 'AMI ami-0123456789abcdef0 not found in eu-west-1',
      fix: expect.stringContaining('AMIs are regional'),
    });
  });

  it('key file unreadable (before any AWS call)', async () => {
    const world = await fakeWorld();
    const config = {
      ...world.config,
      storage: { ...world.config.storage, sseKeyFile: join(world.dir, 'missing.key') },
    };
    expect(await refused(world, config)).toMatchObject({
      id: 'sse-key',
      value: expect.stringMatching(/SSE-C key file .*missing\.key does not exist/),
      fix: expect.stringContaining('traindeck key generate'),
    });
    expect(world.fake.calls).toEqual([]);
  });

  it('a secret env file that is missing fails preflight naming the variable and the file (before any AWS call); a good one passes without its value', async () => {
    const world = await fakeWorld();
    const training = { command: 'python train.py', env: {}, graceSeconds: 60, diskReserveMb: 0, maxRuntimeMinutes: 60 };
    const missing = join(world.dir, 'missing-wandb-key');
    const config = { ...world.config, training: { ...training, secretEnv: { WANDB_API_KEY: missing } } };
    expect(await refused(world, config)).toMatchObject({
      id: 'secret-env',
      value: `The file for the secret env variable WANDB_API_KEY (${missing}) does not exist.`,
      fix: expect.stringContaining('training.secretEnv.WANDB_API_KEY'),
    });
    expect(world.fake.calls).toEqual([]);

    const good = join(world.dir, 'wandb-key');
    await writeFile(good, 'wandb-secret-value-42\n');
    let report: PreflightReport | undefined;
    const ok = { ...world.config, training: { ...training, secretEnv: { WANDB_API_KEY: good } } };
    await launchRun(ok, world.deps, { onPreflight: (r) => (report = r) }).catch(() => undefined);
    expect(report?.checks.find((c) => c.id === 'secret-env')).toMatchObject({ status: 'pass' });
    expect(JSON.stringify(report)).not.toContain('wandb-secret-value-42');
  });

  it('key file that is a folder says so, with a fix (was: no fix line)', async () => {
    const world = await fakeWorld();
    const config = { ...world.config, storage: { ...world.config.storage, sseKeyFile: world.dir } };
    expect(await refused(world, config)).toMatchObject({
      id: 'sse-key',
      value: `The SSE-C key file ${world.dir} is a folder.`,
      fix: expect.stringContaining('storage.sseKeyFile'),
    });
  });

  it('no credentials anywhere is a warning with a fix, never a pass (was "✓ AWS profile default (none-found)")', async () => {
    const world = await fakeWorld();
    world.deps.env = { AWS_CONFIG_FILE: join(world.dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(world.dir, 'none') };
    let report: PreflightReport | undefined;
    await launchRun(world.config, world.deps, { onPreflight: (r) => (report = r) }).catch(() => undefined);
    expect(report?.checks.find((c) => c.id === 'aws-profile')).toMatchObject({
      status: 'warn',
      label: 'AWS credentials',
      value: expect.stringContaining('none found'),
      fix: expect.stringContaining('aws configure'),
    });
  });

  it('no preflight line, fix or launch error has a doubled period', async () => {
    const world = await fakeWorld();
    world.fake.identityFault = 'expired-sso';
    const config = { ...world.config, storage: { ...world.config.storage, sseKeyFile: world.dir } };
    for (const c of [config, world.config]) {
      let report: PreflightReport | undefined;
      const error = await launchRun(c, world.deps, { onPreflight: (r) => (report = r) }).catch((e: unknown) => e);
      const texts = [(error as Error).message, ...(report?.checks ?? []).flatMap((k) => [k.value, k.fix ?? ''])];
      for (const text of texts) expect(hasDoubledPeriod(text), text).toBe(false);
    }
  });

  it('a missing compute section', async () => {
    const world = await fakeWorld();
    const { compute: _compute, ...config } = world.config;
    expect(await refused(world, config)).toMatchObject({ id: 'compute' });
  });

  it('warns (without blocking) on versioning and a cross-region bucket chosen on purpose', async () => {
    const world = await fakeWorld();
    world.fake.buckets.set('td-data', { region: 'us-west-2', versioning: 'enabled' });
    let report: PreflightReport | undefined;
    await launchRun({ ...world.config, storage: { ...world.config.storage, region: 'us-west-2' } }, world.deps, {
      onPreflight: (r) => (report = r),
    });
    expect(report?.checks.filter((c) => c.status === 'warn').map((c) => c.id)).toEqual(['bucket', 'versioning']);
  });
});

describe('a failure after the first create cleans up and says so', () => {
  it('RunInstances refused: the key pair and security group are deleted, nothing is left', async () => {
    const world = await fakeWorld();
    const ports = world.fake.ports();
    world.deps.ports = () => ({
      ...ports,
      ec2: (region) => ({
        ...ports.ec2(region),
        runInstance: async () => {
          throw awsError(
            'InsufficientInstanceCapacity',
            'We currently do not have sufficient g5.xlarge capacity in the Availability Zone you requested.',
          );
        },
      }),
    });
    const error = await launchRun(world.config, world.deps, { runId: 'nocap-20250601-000000-ffff' }).then(
      () => new Error('launched'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(
      /^Launch failed at "instance": No placement had capacity after 3 attempt\(s\)\. eu-west-1a: no capacity → eu-west-1b: no capacity → eu-west-1c: no capacity\. Cleaned up: 2 resource\(s\) deleted, nothing of run nocap-20250601-000000-ffff is left\.$/,
    );
    // Every zone was tried (capacity failover), and the fix says what the user can change.
    expect((error as TypedError).fix).toBe(
      'Try again later, or add instance types to compute.alternatives, or choose another region.',
    );
    const eu = world.fake.region('eu-west-1');
    expect(eu.keyPairs.size + eu.securityGroups.size + eu.instances.size).toBe(0);
  });

  it('a cancel during the waits terminates the instance and verifies', async () => {
    const world = await fakeWorld();
    const controller = new AbortController();
    const error = await launchRun(world.config, world.deps, {
      runId: 'cancel-20250601-000000-abcd',
      signal: controller.signal,
      onStep: (step) => step === 'status-checks' && controller.abort(),
    }).then(
      () => new Error('launched'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/^Launch failed at "status-checks": cancelled\. Cleaned up: 4 resource\(s\) deleted/);
    expect([...world.fake.region('eu-west-1').instances.values()].map((i) => i.state)).toEqual(['terminated']);
  });
});
