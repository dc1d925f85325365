import { describe, expect, it } from 'vitest';

import { TAG_CREATED_BY, TAG_RUN_ID } from '../../../shared/domain/tags';
import { FakeAws } from '../../aws/fake/fake-aws';
import { FakeClock } from '../../aws/testing/fake-clock';
import { scanAccount } from './scanner';

function seededAccount() {
  const clock = new FakeClock();
  const fake = new FakeAws({ clock, regions: ['us-east-1', 'eu-west-1', 'ap-south-2'] });
  const region = fake.region('us-east-1');
  const ours = { [TAG_RUN_ID]: 'r1-20250601-000000-aaaa', [TAG_CREATED_BY]: 'traindeck/test', Name: 'x' };
  const launchTime = new Date(clock.now() - 3 * 3_600_000).toISOString();
  region.instances.set('i-1', {
    id: 'i-1',
    instanceType: 'g5.xlarge',
    state: 'running',
    since: 0,
    runningSince: 0,
    launchTime,
    tags: ours,
    publicIp: '203.0.113.9',
    securityGroupIds: [],
    market: 'on-demand',
    zone: 'us-east-1a',
    hostKeyFingerprints: [],
  });
  region.instances.set('i-2', {
    id: 'i-2',
    instanceType: 'x9.mystery',
    state: 'running',
    since: 0,
    tags: {},
    securityGroupIds: [],
    market: 'on-demand',
    zone: 'us-east-1a',
    hostKeyFingerprints: [],
  });
  region.volumes.set('vol-1', {
    id: 'vol-1',
    volumeType: 'gp3',
    sizeGb: 730,
    state: 'available',
    tags: {},
    deleteOnTermination: false,
  });
  region.addresses.set('eipalloc-1', { allocationId: 'eipalloc-1', publicIp: '198.51.100.1', tags: {} });
  region.snapshots.set('snap-1', { id: 'snap-1', sizeGb: 146, state: 'completed', tags: {} });
  region.natGateways.set('nat-1', { id: 'nat-1', state: 'available', tags: {} });
  region.loadBalancers.set('arn:lb', { arn: 'arn:lb', name: 'web', lbType: 'application', state: 'active', tags: {} });
  region.keyPairs.set('traindeck-r1', { id: 'key-1', name: 'traindeck-r1', tags: ours, publicKey: '' });
  region.keyPairs.set('someone-else', { id: 'key-2', name: 'someone-else', tags: {}, publicKey: '' });
  return { clock, fake };
}

describe('the cost scanner', () => {
  it('lists every billable kind with age, ownership and $/h, and totals the known prices', async () => {
    const { clock, fake } = seededAccount();
    const scan = await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep });
    const byId = Object.fromEntries(scan.resources.map((r) => [r.id, r]));
    expect(byId['i-1']).toMatchObject({
      kind: 'instance',
      ours: true,
      runId: 'r1-20250601-000000-aaaa',
      ageHours: 3,
      hourlyUsd: 1.011,
    });
    expect(byId['i-2']).toMatchObject({ ours: false, hourlyUsd: null });
    expect(byId['vol-1']).toMatchObject({ type: 'gp3 730 GB', hourlyUsd: 0.08 });
    expect(byId['snap-1']?.hourlyUsd).toBe(0.01);
    expect(byId['eipalloc-1']?.hourlyUsd).toBe(0.005);
    expect(byId['nat-1']?.hourlyUsd).toBe(0.045);
    expect(byId['arn:lb']?.hourlyUsd).toBe(0.0225);
    expect(byId['key-1']).toMatchObject({ kind: 'key-pair', hourlyUsd: 0 });
    expect(byId['key-2']).toBeUndefined(); // untagged key pairs are free and none of our business
    expect(scan.totalHourlyUsd).toBeCloseTo(1.011 + 0.08 + 0.01 + 0.005 + 0.045 + 0.0225, 4);
    expect(scan.unpricedCount).toBe(1);
    expect(scan.regions.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('reports a refusing region without failing the scan', async () => {
    const { clock, fake } = seededAccount();
    fake.refuseRegion('ap-south-2', 'OptInRequired');
    fake.refuseRegion('eu-west-1', 'UnauthorizedOperation');
    // A region not opted in is not among the enabled ones: it refuses when asked by name (`scan --region`).
    const enabled = await fake.ports().regions.listEnabledRegions();
    expect(enabled).not.toContain('ap-south-2');
    const scan = await scanAccount({
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
      regions: [...enabled, 'ap-south-2'],
    });
    expect(scan.regions.find((r) => r.region === 'ap-south-2')).toMatchObject({
      status: 'refused',
      reason: 'not opted in',
    });
    expect(scan.regions.find((r) => r.region === 'eu-west-1')).toMatchObject({
      status: 'refused',
      reason: 'no permission (UnauthorizedOperation)',
    });
    expect(scan.resources.some((r) => r.id === 'i-1')).toBe(true);
  });

  it('reports its progress: 0 of N once the regions are known, then one more per region, refused ones included', async () => {
    const { clock, fake } = seededAccount();
    fake.refuseRegion('ap-south-2', 'UnauthorizedOperation');
    const seen: { done: number; total: number }[] = [];
    const scan = await scanAccount({
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
      onProgress: (progress) => seen.push(progress),
    });
    const total = scan.regions.length;
    expect(total).toBeGreaterThan(1);
    expect(scan.regions.find((r) => r.region === 'ap-south-2')?.status).toBe('refused');
    expect(seen).toEqual(Array.from({ length: total + 1 }, (_, done) => ({ done, total })));
  });

  it('retries throttling with backoff and still lists everything', async () => {
    const { clock, fake } = seededAccount();
    fake.throttle('us-east-1', 5);
    const scan = await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep });
    expect(scan.regions.every((r) => r.status === 'ok')).toBe(true);
    expect(scan.resources.filter((r) => r.region === 'us-east-1')).toHaveLength(8);
  });

  it('gives up on a region after the attempts and says why', async () => {
    const { clock, fake } = seededAccount();
    fake.throttle('us-east-1', 1000);
    const scan = await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep, attempts: 3 });
    expect(scan.regions.find((r) => r.region === 'us-east-1')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('RequestLimitExceeded'),
    });
  });

  it('keeps at most `concurrency` regions in flight', async () => {
    const clock = new FakeClock();
    const fake = new FakeAws({
      clock,
      regions: Array.from({ length: 12 }, (_, i) => `eu-test-${i + 1}`),
      latencyMs: 5,
    });
    let inFlight = 0;
    let peak = 0;
    const ports = fake.ports();
    const ec2 = (region: string) => {
      const port = ports.ec2(region);
      return {
        ...port,
        listInstances: async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          try {
            return await port.listInstances();
          } finally {
            inFlight--;
          }
        },
      };
    };
    await scanAccount({ ports: { ...ports, ec2 }, clock, sleep: clock.sleep, concurrency: 4 });
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });
});

describe('the cost scanner prices spot instances at spot prices', () => {
  function withSpot(zone: string | undefined) {
    const clock = new FakeClock(Date.parse('2026-12-05T21:00:00Z'));
    const fake = new FakeAws({ clock, regions: ['us-east-1'] });
    const region = fake.region('us-east-1');
    const t = clock.now() - 3_600_000;
    region.spotPrices.set('g5.xlarge', [
      { zone: 'us-east-1a', t, usdPerHour: 0.31 },
      { zone: 'us-east-1b', t, usdPerHour: 0.45 },
    ]);
    region.instances.set('i-spot', {
      id: 'i-spot',
      instanceType: 'g5.xlarge',
      state: 'running',
      since: 0,
      tags: {},
      publicIp: '203.0.113.10',
      securityGroupIds: [],
      market: 'spot',
      zone: zone ?? 'us-east-1a',
      hostKeyFingerprints: [],
    });
    const scan = () =>
      scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep, regions: ['us-east-1'] }).then((result) =>
        result.resources.find((r) => r.id === 'i-spot')!,
      );
    return { fake, scan };
  }

  it('its zone’s newest price plus its IPv4, as the wizard quotes spot: not a bound', async () => {
    const row = await withSpot('us-east-1a').scan();
    expect(row).toMatchObject({
      type: 'g5.xlarge (spot)',
      hourlyUsd: 0.315,
      note: "Spot price now in us-east-1a (EC2's price history).",
    });
    expect(row.upperBound).toBeUndefined();
  });

  it('no spot price history (a denied call): the on-demand price, said as an upper bound with why', async () => {
    const { fake, scan } = withSpot('us-east-1a');
    fake.failOperation('spotPriceHistory', 'UnauthorizedOperation');
    const row = await scan();
    expect(row).toMatchObject({ type: 'g5.xlarge (spot)', hourlyUsd: 1.011, upperBound: true });
    expect(row.note).toMatch(/^At most: priced on-demand, as the spot price history is unavailable \(.+\)\.$/);
  });
});
