import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

import { TAG_CREATED_BY, TAG_RUN_ID } from '../../../shared/domain/tags';
import type { PriceListProduct } from '../../../shared/pricing/price-list';
import { FakeAws } from '../fake/fake-aws';
import { FAKE_TIMING } from '../fake/fake-ec2-region';
import type { AwsPorts } from '../ports/aws-ports';
import type { RunInstanceSpec } from '../ports/ec2-launch-port';
import { createSdkInstanceMetricsPort } from '../sdk/cloudwatch-adapter';
import { createSdkAwsPorts } from '../sdk/sdk-aws-ports';
import { type AwsQueryServer, startAwsQueryServer } from './aws-query-server';
import { FakeClock } from './fake-clock';

// The HTTP fake is the in-memory fake behind the SDK's real HTTP path. Invariant: it is
// transparent — the same port calls give the same answers through the SDK over HTTP as on the
// fake directly — and with a state file the account outlives the server's process.

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const dir = mkdtempSync(join(tmpdir(), 'traindeck-query-server-'));
let server: AwsQueryServer | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sdkPorts(server: AwsQueryServer): AwsPorts {
  return createSdkAwsPorts({
    region: 'eu-west-1',
    credentials,
    maxAttempts: 1,
    env: {},
    endpoints: server.endpoints(),
  });
}

const tags = { [TAG_RUN_ID]: 'r1', [TAG_CREATED_BY]: 'traindeck/test', Name: 'a <b> & "c"' };
const profileSpec = {
  roleName: 'role',
  profileName: 'profile',
  policyName: 'p',
  policyDocument: '{}',
  description: 'd',
  tags,
};

function launchSpec(
  securityGroupId: string,
  subnetId: string,
  overrides: Partial<RunInstanceSpec> = {},
): RunInstanceSpec {
  return {
    clientToken: 'token-1',
    imageId: 'ami-0a12023000000086',
    instanceType: 't3.micro',
    keyName: 'kp',
    securityGroupId,
    subnetId,
    instanceProfileName: 'profile',
    rootDeviceName: '/dev/xvda',
    extraEbsDeviceNames: [],
    diskGb: 30,
    market: 'on-demand',
    userData: '#!/bin/sh\necho hi',
    tags,
    ...overrides,
  };
}

/** A launch and teardown as the lifecycle does it, every answer recorded (ids are the fake's, so equal on both sides). */
async function scenario(ports: AwsPorts, clock: FakeClock): Promise<unknown[]> {
  const seen: unknown[] = [];
  const ec2 = ports.ec2('eu-west-1');
  const ami = await ports
    .parameters('eu-west-1')
    .getParameter('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
  seen.push(ami, await ports.parameters('eu-west-1').getParameter('/no/such'));
  seen.push(await ports.identity.whoAmI(), await ports.regions.listEnabledRegions());
  seen.push(await ports.quotas('eu-west-1').vcpuQuota('L-DB2E81BA'));
  seen.push(await ec2.offeredZones('g5.xlarge'), await ec2.describeInstanceType('g5.xlarge'));
  seen.push(
    await ec2.describeInstanceType('nope.large'),
    await ec2.describeImage(ami!),
    await ec2.describeImage('ami-0'),
  );
  const network = (await ec2.defaultNetwork())!;
  seen.push(network);
  seen.push(await ports.instanceRole.ensureInstanceProfile(profileSpec));
  // Reuse reads the role back (trust policy, policies, tags): the same through IAM's XML as in memory.
  seen.push(await ports.instanceRole.describeRole(profileSpec.roleName));
  const publicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0000000000000000000000000000000000000000 k';
  seen.push(await ec2.importKeyPair({ name: 'kp', publicKey, tags }));
  const group = await ec2.createSecurityGroup({ name: 'sg', description: 'd', vpcId: network.vpcId, tags });
  await ec2.authorizeSsh({ groupId: group, cidr: '127.0.0.1/32', tags });
  const spec = launchSpec(group, network.subnets[0]!.subnetId, {
    imageId: ami!,
    instanceType: 'g5.xlarge',
    diskGb: 120,
  });

  const id = await ec2.runInstance(spec);
  seen.push(id, await ec2.runInstance(spec), await ec2.describeInstance(id), await ec2.statusChecks(id));
  clock.advance(FAKE_TIMING.pendingMs + FAKE_TIMING.statusInitMs);
  seen.push(await ec2.describeInstance(id), await ec2.statusChecks(id), await ec2.consoleOutput(id));
  seen.push(await ec2.listInstances(), await ec2.listVolumes(), await ec2.listOurKeyPairs());
  seen.push(await ec2.listOurSecurityGroups(), await ec2.listAddresses(), await ec2.listSnapshots());
  seen.push(await ec2.listNatGateways(), await ec2.listLoadBalancers());
  await ec2.terminateInstances([id]);
  seen.push(await ec2.listInstances());
  clock.advance(FAKE_TIMING.shuttingDownMs);
  seen.push(await ec2.listInstances(), await ec2.listVolumes());
  await ec2.deleteSecurityGroup(group);
  const [pair] = await ec2.listOurKeyPairs();
  await ec2.deleteKeyPair(pair!.id);
  await ec2.deleteVolume('vol-gone');
  seen.push(await ec2.listOurSecurityGroups(), await ec2.listOurKeyPairs());
  seen.push(await ec2.describeInstance('i-0000000000000dead'));
  const failure = await ec2.deleteSecurityGroup('sg-missing').then(
    () => 'deleted',
    (error: Error) => error.name,
  );
  seen.push(failure);
  return seen;
}

describe('the HTTP fake (EC2 query protocol and friends over the stateful fake)', () => {
  it('answers every port call of a launch and teardown as the in-memory fake does', async () => {
    const start = Date.parse('2026-12-01T10:00:00Z');
    const directClock = new FakeClock(start);
    const direct = await scenario(new FakeAws({ clock: directClock, regions: ['eu-west-1'] }).ports(), directClock);
    const httpClock = new FakeClock(start);
    server = await startAwsQueryServer({ fake: new FakeAws({ clock: httpClock, regions: ['eu-west-1'] }) });
    const overHttp = await scenario(sdkPorts(server), httpClock);
    expect(overHttp).toEqual(direct);
    expect(server.calls()).toContain('RunInstances');
    expect(server.calls()).not.toContain('InvalidAction');
  });

  it('keeps the account in its state file: a restarted server (a new process) sees the same instance', async () => {
    const stateFile = join(dir, 'account.json');
    server = await startAwsQueryServer({ regions: ['eu-west-1'], stateFile, timeScale: 100 });
    const ports = sdkPorts(server);
    const ec2 = ports.ec2('eu-west-1');
    const network = (await ec2.defaultNetwork())!;
    await ports.instanceRole.ensureInstanceProfile(profileSpec);
    await ec2.importKeyPair({ name: 'kp', publicKey: 'ssh-ed25519 AAAA k', tags });
    const group = await ec2.createSecurityGroup({ name: 'sg', description: 'd', vpcId: network.vpcId, tags });
    const id = await ec2.runInstance(launchSpec(group, network.subnets[0]!.subnetId));
    // Written before the answer went out: the file already holds the instance.
    expect(readFileSync(stateFile, 'utf8')).toContain(id);
    await server.close();

    server = await startAwsQueryServer({ stateFile, timeScale: 100 });
    const again = sdkPorts(server).ec2('eu-west-1');
    expect((await again.listInstances()).map((i) => [i.id, i.tags[TAG_RUN_ID]])).toEqual([[id, 'r1']]);
    expect((await again.listOurSecurityGroups()).map((g) => g.id)).toEqual([group]);
    // New ids never reuse old ones.
    const second = await again.createSecurityGroup({ name: 'sg2', description: 'd', vpcId: network.vpcId, tags });
    expect(second).not.toBe(group);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toBeTruthy();
  });

  it('reaches every client but S3 through the standard AWS_ENDPOINT_URL_<ID> variables alone', async () => {
    server = await startAwsQueryServer({ regions: ['eu-west-1'] });
    for (const [name, value] of Object.entries(server.env())) vi.stubEnv(name, value);
    const settings = { region: 'eu-west-1', credentials, maxAttempts: 1, env: process.env };
    const ports = createSdkAwsPorts(settings);
    await ports.identity.whoAmI();
    await ports.regions.listEnabledRegions();
    await ports.parameters('eu-west-1').getParameter('/x');
    await ports.quotas('eu-west-1').vcpuQuota('L-DB2E81BA');
    await ports.instanceRole.ensureInstanceProfile(profileSpec);
    await ports.ec2('eu-west-1').listLoadBalancers();
    const metrics = createSdkInstanceMetricsPort(settings);
    await metrics.describeInstance('i-0000000000000dead').catch(() => undefined);
    const end = new Date();
    const start = new Date(end.getTime() - 600_000);
    await metrics.getInstanceMetrics({ instanceId: 'i-0000000000000dead', start, end, periodSeconds: 60 });
    await ports.priceList.regionProducts('eu-west-1');
    expect(new Set(server.calls())).toEqual(
      new Set([
        'GetCallerIdentity',
        'DescribeRegions',
        'GetParameter',
        'GetServiceQuota',
        'GetAWSDefaultServiceQuota',
        'GetRole',
        'CreateRole',
        'PutRolePolicy',
        'GetInstanceProfile',
        'CreateInstanceProfile',
        'AddRoleToInstanceProfile',
        'DescribeLoadBalancers',
        'DescribeInstances',
        'GetMetricData',
        'GetProducts',
      ]),
    );
  });

  // No test's price lookup may reach AWS's real Price List endpoint (the bed's preflight and monitor read prices).
  it('serves the Price List: through the SDK, the same region prices as the in-memory fake, each query filtered', async () => {
    server = await startAwsQueryServer({ regions: ['eu-west-1'] });
    const overHttp = await sdkPorts(server).priceList.regionProducts('eu-west-1');
    const inMemory = await server.fake.ports().priceList.regionProducts('eu-west-1');
    const key = (p: PriceListProduct) =>
      JSON.stringify([
        p.family,
        p.attributes.instanceType ?? p.attributes.volumeApiName ?? p.attributes.usagetype,
        p.onDemand,
      ]);
    expect(overHttp.map(key).sort()).toEqual(inMemory.map(key).sort());
    expect(overHttp.length).toBeGreaterThan(10);
    expect(server.calls().filter((c) => c === 'GetProducts')).toHaveLength(6);
    expect(await sdkPorts(server).priceList.regionProducts('xx-nowhere-1')).toEqual([]);
  });
});

// #17 point 5: the EC2 test bed's runs price a spot attempt from DescribeSpotPriceHistory; through the
// SDK over HTTP it answers what the fake holds, in AWS's documented shape (spotPriceHistorySet items
// with instanceType, productDescription, spotPrice, timestamp, availabilityZone), zone and window honoured.
describe('DescribeSpotPriceHistory over HTTP', () => {
  it('answers the fake’s points per zone, the one in force at the window’s start included, newest first', async () => {
    const clock = new FakeClock(Date.parse('2026-12-06T06:00:00Z'));
    const fake = new FakeAws({ clock, regions: ['eu-west-1'] });
    const t0 = clock.now();
    fake.region('eu-west-1').spotPrices.set('g5.xlarge', [
      { zone: 'eu-west-1a', t: t0 - 7_200_000, usdPerHour: 0.31 },
      { zone: 'eu-west-1a', t: t0 - 1_800_000, usdPerHour: 0.62 },
      { zone: 'eu-west-1b', t: t0 - 3_600_000, usdPerHour: 0.45 },
    ]);
    server = await startAwsQueryServer({ fake });
    const from = new Date(t0 - 3_600_000);
    const to = new Date(t0);
    const direct = await fake.ports().ec2('eu-west-1').spotPriceHistory('g5.xlarge', undefined, from, to);
    const overHttp = await sdkPorts(server).ec2('eu-west-1').spotPriceHistory('g5.xlarge', undefined, from, to);
    expect(overHttp).toEqual(direct);
    expect(overHttp).toEqual([
      { zone: 'eu-west-1a', t: t0 - 1_800_000, usdPerHour: 0.62 },
      { zone: 'eu-west-1b', t: t0 - 3_600_000, usdPerHour: 0.45 },
      { zone: 'eu-west-1a', t: t0 - 7_200_000, usdPerHour: 0.31 },
    ]);
    const oneZone = await sdkPorts(server).ec2('eu-west-1').spotPriceHistory('g5.xlarge', 'eu-west-1b', from, to);
    expect(oneZone).toEqual([{ zone: 'eu-west-1b', t: t0 - 3_600_000, usdPerHour: 0.45 }]);
  });
});
