import { describe, expect, it } from 'vitest';

import { scanAccount } from '../../lifecycle/cost/scanner';
import { fakeWorld } from '../../lifecycle/testing/fake-lifecycle';
import { createEc2Backend } from './ec2-backend';

describe('aws-ec2 backend (against the in-memory EC2)', () => {
  it("sends the desktop's S3 endpoint to the executor: it syncs with the store the desktop verifies", async () => {
    const { deps, config } = await fakeWorld();
    deps.env = { ...deps.env, AWS_ENDPOINT_URL_S3: 'https://s3.example.test' };
    const backend = createEc2Backend(config, 'ep-20250601-120000-ab12', deps);
    await backend.preflight(new AbortController().signal);
    const host = await backend.acquire(new AbortController().signal, () => undefined);
    expect(host.s3Endpoint).toBe('https://s3.example.test');
    await backend.release(new AbortController().signal);
  });

  it('acquire launches a pinned, self-terminating instance; release tears it down to $0/h', async () => {
    const { fake, deps, config, clock } = await fakeWorld({ compute: { ttlMinutes: 120, shutdownAfterPush: true } });
    const backend = createEc2Backend(config, 'demo-20250601-120000-ab12', deps);
    // The run's preflight phase is the one preflight (the launch then uses its plan, not a second one).
    expect(await backend.preflight(new AbortController().signal)).toMatchObject({
      instanceType: 'g5.xlarge',
      // The region it bills in: the renderer prices the booting instance at this region's prices.
      region: config.aws.region,
      ttlMinutes: 120,
      market: 'on-demand',
      checks: expect.any(Number),
    });
    const identityCalls = fake.calls.filter((c) => c.endsWith('whoAmI')).length;
    const firstSight: string[] = [];
    const host = await backend.acquire(new AbortController().signal, (fp) => firstSight.push(fp));
    expect(host).toMatchObject({
      onInstance: true,
      powerOff: { kind: 'system' },
      powerOffAtEnd: true,
      sendS3Credentials: false,
      workDir: '/var/tmp/traindeck/demo-20250601-120000-ab12',
    });
    expect(host.connector.label).toMatch(/^ubuntu@203\.0\.113\.\d+:22$/);
    // What the monitor needs to price and watch the instance.
    expect(host.aws).toMatchObject({
      instanceId: expect.stringMatching(/^i-/),
      instanceType: 'g5.xlarge',
      spot: false,
      diskGb: expect.any(Number),
    });
    // The executor stops 10 minutes before the instance's own TTL to leave time for the push.
    expect(host.ttlSeconds).toBeLessThanOrEqual(120 * 60 - 600);
    expect(host.ttlSeconds).toBeGreaterThan(60);
    expect(firstSight).toEqual([]);
    expect(fake.calls.filter((c) => c.endsWith('whoAmI')).length).toBe(identityCalls);

    expect(await backend.release(AbortSignal.timeout(60_000))).toMatchObject({ remainingHourlyUsd: 0 });
    expect((await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep })).resources).toEqual([]);
  });

  it('a config without a compute section fails preflight with the fix', async () => {
    const { deps, config } = await fakeWorld();
    const backend = createEc2Backend({ ...config, compute: undefined }, 'demo-20250601-120000-ab13', deps);
    await expect(backend.preflight(new AbortController().signal)).rejects.toMatchObject({
      message: expect.stringContaining('no "compute" section'),
      fix: expect.stringContaining('instanceType'),
    });
  });
});
