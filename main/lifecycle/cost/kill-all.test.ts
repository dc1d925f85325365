import { describe, expect, it } from 'vitest';

import type { CostResource } from '../../../shared/domain/cost';
import { TAG_CREATED_BY, TAG_RUN_ID } from '../../../shared/domain/tags';
import { FakeAws } from '../../aws/fake/fake-aws';
import type { FakeInstance } from '../../aws/fake/fake-ec2-region';
import { FakeClock } from '../../aws/testing/fake-clock';
import { formatCleanup } from '../../cli/lifecycle/format';
import { confirmedDeleted, executeCleanup, planKillAll, runsToStopFirst } from './kill-all';
import { scanAccount } from './scanner';

const OURS = { [TAG_RUN_ID]: 'r1-20250601-000000-aaaa', [TAG_CREATED_BY]: 'traindeck/test', Name: 'traindeck-r1' };

function instance(id: string, tags: Record<string, string>, extra: Partial<FakeInstance> = {}): FakeInstance {
  return {
    id,
    instanceType: 'g5.xlarge',
    state: 'running',
    since: 0,
    runningSince: 0,
    tags,
    publicIp: '203.0.113.4',
    securityGroupIds: ['sg-ours'],
    market: 'on-demand',
    zone: 'eu-west-1a',
    hostKeyFingerprints: [],
    ...extra,
  };
}

/** An account with our run's leftovers in two regions and someone else's resources. */
function messyAccount() {
  const clock = new FakeClock();
  const fake = new FakeAws({ clock, regions: ['eu-west-1', 'us-east-1'] });
  const eu = fake.region('eu-west-1');
  eu.instances.set('i-ours', instance('i-ours', OURS));
  eu.volumes.set('vol-root', {
    id: 'vol-root',
    volumeType: 'gp3',
    sizeGb: 100,
    state: 'in-use',
    attachedTo: 'i-ours',
    tags: OURS,
    deleteOnTermination: true,
  });
  eu.volumes.set('vol-left', {
    id: 'vol-left',
    volumeType: 'gp3',
    sizeGb: 50,
    state: 'available',
    tags: OURS,
    deleteOnTermination: false,
  });
  eu.addresses.set('eipalloc-ours', {
    allocationId: 'eipalloc-ours',
    publicIp: '198.51.100.7',
    associationId: 'eipassoc-1',
    instanceId: 'i-ours',
    tags: OURS,
  });
  eu.securityGroups.set('sg-ours', { id: 'sg-ours', name: 'traindeck-r1', tags: OURS, ingress: [] });
  eu.keyPairs.set('traindeck-r1', { id: 'key-ours', name: 'traindeck-r1', tags: OURS, publicKey: '' });
  const us = fake.region('us-east-1');
  us.instances.set('i-theirs', instance('i-theirs', {}, { securityGroupIds: [], zone: 'us-east-1a' }));
  us.volumes.set('vol-theirs', {
    id: 'vol-theirs',
    volumeType: 'gp2',
    sizeGb: 20,
    state: 'available',
    tags: {},
    deleteOnTermination: false,
  });
  us.addresses.set('eipalloc-theirs', { allocationId: 'eipalloc-theirs', publicIp: '198.51.100.8', tags: {} });
  us.natGateways.set('nat-theirs', { id: 'nat-theirs', state: 'available', tags: {} });
  us.snapshots.set('snap-theirs', { id: 'snap-theirs', sizeGb: 10, state: 'completed', tags: {} });
  us.loadBalancers.set('arn:lb', { arn: 'arn:lb', name: 'web', lbType: 'network', state: 'active', tags: {} });
  return { clock, fake };
}

describe('kill-all', () => {
  it('plans only our resources by default, in dependency order, and lists the untracked it leaves', async () => {
    const { clock, fake } = messyAccount();
    const plan = planKillAll(await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep }), false);
    expect(plan.targets.map((r) => r.id)).toEqual([
      'i-ours',
      'vol-root',
      'vol-left',
      'eipalloc-ours',
      'key-ours',
      'sg-ours',
    ]);
    expect(plan.untouchedUntracked.map((r) => r.id).sort()).toEqual([
      'arn:lb',
      'eipalloc-theirs',
      'i-theirs',
      'nat-theirs',
      'snap-theirs',
      'vol-theirs',
    ]);
  });

  it('deletes ours, verifies by rescan, and leaves untracked resources alone', async () => {
    const { clock, fake } = messyAccount();
    const plan = planKillAll(await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep }), false);
    const report = await executeCleanup(plan.targets, (r) => r.ours, {
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
    });
    expect(report.survivors).toEqual([]);
    expect(report.rescan.resources.every((r) => !r.ours)).toBe(true);
    expect(report.rescan.resources).toHaveLength(6);
    expect(fake.writes.some((w) => w.includes('us-east-1'))).toBe(false);
  });

  it('with untracked included leaves the account at $0/h (volume left available, Elastic IP, NAT, snapshot, load balancer)', async () => {
    const { clock, fake } = messyAccount();
    const plan = planKillAll(await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep }), true);
    const report = await executeCleanup(plan.targets, () => true, { ports: fake.ports(), clock, sleep: clock.sleep });
    expect(report.survivors).toEqual([]);
    expect(report.rescan.totalHourlyUsd).toBe(0);
    expect(report.rescan.resources).toEqual([]);
  });

  it('names an instance stuck in shutting-down, and what it holds, as survivors with reasons', async () => {
    const { clock, fake } = messyAccount();
    const eu = fake.region('eu-west-1');
    eu.instances.get('i-ours')!.stuck = true;
    const plan = planKillAll(await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep }), false);
    const report = await executeCleanup(plan.targets, (r) => r.ours, {
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
      instanceWaitMs: 60_000,
    });
    const reasons = Object.fromEntries(report.survivors.map((s) => [s.resource.id, s.reason]));
    expect(reasons['i-ours']).toMatch(/still shutting-down after the wait/);
    expect(reasons['vol-root']).toMatch(/VolumeInUse|attached/);
    expect(reasons['sg-ours']).toMatch(/still in use/);
    expect(reasons['vol-left']).toBeUndefined(); // what could go, went
  });

  it('"Deleted N" counts only what the rescan confirms gone, not every delete call that returned', async () => {
    const { clock, fake } = messyAccount();
    const ports = fake.ports();
    // An endpoint that answers a delete with success and deletes nothing.
    const lying = {
      ...ports,
      ec2: (region: string) => ({ ...ports.ec2(region), deleteSecurityGroup: async () => undefined }),
    };
    const plan = planKillAll(await scanAccount({ ports, clock, sleep: clock.sleep }), false);
    const report = await executeCleanup(plan.targets, (r) => r.ours, { ports: lying, clock, sleep: clock.sleep });
    const claimed = report.outcomes.filter((o) => o.outcome === 'deleted').length;
    expect(report.survivors.map((s) => s.resource.id)).toContain('sg-ours');
    expect(confirmedDeleted(report)).toHaveLength(claimed - 1);
    expect(formatCleanup(report)).toMatch(new RegExp(`^Deleted ${claimed - 1} resource\\(s\\)\\. Rescan: 1 remain`));
  });

  it('explains a snapshot that an AMI still uses', async () => {
    const { clock, fake } = messyAccount();
    fake.region('us-east-1').images.set('ami-mine', {
      id: 'ami-mine',
      name: 'mine',
      architecture: 'x86_64',
      rootDeviceName: '/dev/xvda',
      ebsDeviceNames: [],
      rootSizeGb: 8,
      snapshotIds: ['snap-theirs'],
    });
    const plan = planKillAll(await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep }), true);
    const report = await executeCleanup(plan.targets, () => true, { ports: fake.ports(), clock, sleep: clock.sleep });
    expect(report.survivors.map((s) => [s.resource.id, s.reason])).toEqual([
      ['snap-theirs', expect.stringMatching(/in use by ami-mine.*deregister that AMI first/)],
    ]);
  });
});

describe('runsToStopFirst', () => {
  const resource = (kind: CostResource['kind'], runId?: string) =>
    ({
      kind,
      id: `${kind}-${runId ?? 'x'}`,
      region: 'eu-west-1',
      ours: true,
      ...(runId ? { runId } : {}),
    }) as CostResource;

  it('only the runs whose instance, security group or key pair goes, each once', () => {
    expect(
      runsToStopFirst([
        resource('instance', 'run-a'),
        resource('security-group', 'run-a'),
        resource('volume', 'run-b'),
        resource('snapshot', 'run-c'),
        resource('key-pair', 'run-d'),
        resource('instance'),
      ]),
    ).toEqual(['run-a', 'run-d']);
  });
});
