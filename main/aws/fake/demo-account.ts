import { TAG_CREATED_BY, TAG_RUN_ID } from '../../../shared/domain/tags';
import type { Clock } from '../../core/clock';
import { FakeAws } from './fake-aws';
import type { FakeInstance } from './fake-ec2-region';

const HOUR = 3_600_000;
const ours = (runId: string, name: string) => ({
  [TAG_RUN_ID]: runId,
  [TAG_CREATED_BY]: 'traindeck/0.1.0',
  Name: name,
});
const RESNET = 'resnet50-20261124-093012-a1b2';
const BERT = 'bert-ft-20261122-181544-9f3c';

/**
 * A fake account that looks like a real one mid-project, for the browser host in tests and
 * demos (TRAINDECK_FAKE_AWS=1): a TrainDeck run training in eu-west-1, leftovers of an older
 * run in us-east-1, someone's untracked notebook box and snapshot in us-west-2, an enabled region
 * whose calls an SCP denies (sa-east-1: the scan reports it not readable), a region that is not
 * opted in (ap-southeast-4: not listed as enabled, its calls refused), and the buckets the
 * wizard's examples use.
 */
export function demoAccount(clock: Clock, latencyMs = 40): FakeAws {
  const fake = new FakeAws({
    clock,
    regions: ['eu-west-1', 'us-east-1', 'us-west-2', 'sa-east-1', 'ap-southeast-4'],
    latencyMs,
  });
  // As AWS has it: a region not opted in is not among the enabled regions and refuses every call;
  // an enabled region an organization's SCP denies is listed, and its calls are refused.
  fake.refuseRegion('ap-southeast-4', 'OptInRequired');
  fake.refuseRegion('sa-east-1', 'UnauthorizedOperation');
  fake.buckets.set('acme-ml-data', { region: 'eu-west-1', versioning: 'off' });
  fake.buckets.set('acme-versioned', { region: 'eu-west-1', versioning: 'enabled' });
  fake.buckets.set('acme-shared', { region: 'eu-west-1', versioning: 'off', blocksSseC: true });
  const now = clock.now();
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString();

  const eu = fake.region('eu-west-1');
  const resnet = ours(RESNET, 'traindeck-resnet50');
  eu.instances.set(
    'i-0a1b2c3d4e5f60718',
    instance('i-0a1b2c3d4e5f60718', 'g5.xlarge', resnet, at(3.2), now, {
      publicIp: '34.243.17.102',
      securityGroupIds: ['sg-0f1e2d3c4b5a69788'],
      keyName: `traindeck-${RESNET}`,
      zone: 'eu-west-1a',
    }),
  );
  eu.volumes.set('vol-0aa11bb22cc33dd44', {
    id: 'vol-0aa11bb22cc33dd44',
    volumeType: 'gp3',
    sizeGb: 150,
    state: 'in-use',
    attachedTo: 'i-0a1b2c3d4e5f60718',
    createTime: at(3.2),
    tags: resnet,
    deleteOnTermination: true,
  });
  eu.securityGroups.set('sg-0f1e2d3c4b5a69788', {
    id: 'sg-0f1e2d3c4b5a69788',
    name: `traindeck-${RESNET}`,
    tags: resnet,
    ingress: [],
  });
  eu.keyPairs.set(`traindeck-${RESNET}`, {
    id: 'key-0c0ffee0c0ffee001',
    name: `traindeck-${RESNET}`,
    tags: resnet,
    publicKey: '',
  });

  const us = fake.region('us-east-1');
  const bert = ours(BERT, 'traindeck-bert-ft');
  us.volumes.set('vol-0bert0000leftover1', {
    id: 'vol-0bert0000leftover1',
    volumeType: 'gp3',
    sizeGb: 200,
    state: 'available',
    createTime: at(42.5),
    tags: bert,
    deleteOnTermination: false,
  });
  us.addresses.set('eipalloc-0b3r7f7000000001', {
    allocationId: 'eipalloc-0b3r7f7000000001',
    publicIp: '52.20.144.9',
    tags: bert,
  });

  const west = fake.region('us-west-2');
  west.instances.set(
    'i-07e57e57e57e57e57',
    instance('i-07e57e57e57e57e57', 't3.large', { Name: 'jupyter-sandbox' }, at(26), now, {
      securityGroupIds: [],
      zone: 'us-west-2b',
    }),
  );
  west.volumes.set('vol-07e57000000000001', {
    id: 'vol-07e57000000000001',
    volumeType: 'gp2',
    sizeGb: 30,
    state: 'in-use',
    attachedTo: 'i-07e57e57e57e57e57',
    createTime: at(26),
    tags: { Name: 'jupyter-sandbox' },
    deleteOnTermination: true,
  });
  west.snapshots.set('snap-0d474000000000001', {
    id: 'snap-0d474000000000001',
    sizeGb: 50,
    state: 'completed',
    startTime: at(300),
    tags: { Name: 'imagenet-subset-backup' },
  });
  return fake;
}

function instance(
  id: string,
  instanceType: string,
  tags: Record<string, string>,
  launchTime: string,
  now: number,
  extra: Partial<FakeInstance>,
): FakeInstance {
  return {
    id,
    instanceType,
    state: 'running',
    since: now,
    runningSince: now,
    launchTime,
    tags,
    securityGroupIds: [],
    market: 'on-demand',
    zone: 'eu-west-1a',
    hostKeyFingerprints: [],
    ...extra,
  };
}
