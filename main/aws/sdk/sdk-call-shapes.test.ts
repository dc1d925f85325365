import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  GetConsoleOutputCommand,
  ImportKeyPairCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';

import { TAG_CREATED_BY, TAG_RUN_ID } from '../../../shared/domain/tags';
import { computeSchema } from '../../../shared/run-config/schema';
import { RunJournal } from '../../lifecycle/journal/run-journal';
import { provisionRun } from '../../lifecycle/provision/provision';
import { awsError } from '../fake/fake-error';
import { FakeClock } from '../testing/fake-clock';
import { createSdkAwsPorts } from './sdk-aws-ports';

const ec2 = mockClient(EC2Client);
const iam = mockClient(IAMClient);
mockClient(ElasticLoadBalancingV2Client);
afterEach(() => {
  ec2.reset();
  iam.reset();
});

const RUN = 'shape-20250601-000000-aaaa';
const TAGS = [
  { Key: TAG_RUN_ID, Value: RUN },
  { Key: TAG_CREATED_BY, Value: 'traindeck/test' },
  { Key: 'Name', Value: `traindeck-${RUN}` },
];

function mockHappyAccount() {
  ec2.on(ImportKeyPairCommand).resolves({ KeyPairId: 'key-1' });
  ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-1' });
  ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });
  ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-1' }] });
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [
          {
            InstanceId: 'i-1',
            State: { Name: 'running' },
            PublicIpAddress: '203.0.113.5',
            InstanceType: 'g5.xlarge',
          },
        ],
      },
    ],
  });
  ec2
    .on(DescribeInstanceStatusCommand)
    .resolves({ InstanceStatuses: [{ InstanceStatus: { Status: 'ok' }, SystemStatus: { Status: 'ok' } }] });
  const output =
    '-----BEGIN SSH HOST KEY FINGERPRINTS-----\n256 SHA256:abcDEF123+/x root@ip (ED25519)\n-----END SSH HOST KEY FINGERPRINTS-----\n';
  ec2.on(GetConsoleOutputCommand).resolves({ Output: Buffer.from(output).toString('base64') });
  iam.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 'role not found'));
  iam.on(GetInstanceProfileCommand).rejects(awsError('NoSuchEntity', 'profile not found'));
  iam.on(CreateRoleCommand).resolves({});
  iam.on(PutRolePolicyCommand).resolves({});
  iam.on(CreateInstanceProfileCommand).resolves({});
  iam.on(AddRoleToInstanceProfileCommand).resolves({});
}

async function provisionThroughSdk(market: 'on-demand' | 'spot', happy = true) {
  if (happy) mockHappyAccount();
  const clock = new FakeClock();
  const dataDir = await mkdtemp(join(tmpdir(), 'traindeck-shapes-'));
  const ports = createSdkAwsPorts({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
    env: {},
  });
  const compute = computeSchema.parse({ instanceType: 'g5.xlarge', market, ttlMinutes: 240, diskGb: 120 });
  const plan = {
    region: 'eu-west-1',
    account: '123456789012',
    compute,
    sshUser: 'ubuntu',
    sshCidr: '198.51.100.23/32',
    bucket: 'td-data',
    prefix: 'team/demo',
    placement: { vpcId: 'vpc-1', subnetId: 'subnet-1', zone: 'eu-west-1a' },
    image: {
      id: 'ami-0d1a0000000000001',
      name: 'Deep Learning Base',
      architecture: 'x86_64',
      state: 'available',
      rootDeviceName: '/dev/sda1',
      ebsDeviceNames: ['/dev/sda1', '/dev/sdb'],
    },
  };
  const journal = await RunJournal.open(dataDir, RUN, () => clock.now());
  const run = await provisionRun(plan, RUN, {
    ports,
    journal,
    dataDir,
    clock,
    sleep: clock.sleep,
    probe: { sshBanner: async () => 'SSH-2.0-OpenSSH_9' },
    createdBy: 'traindeck/test',
  });
  await journal.close();
  return run;
}

describe('SDK call shapes of provisioning', () => {
  it('tags every create call through TagSpecifications', async () => {
    await provisionThroughSdk('on-demand');
    expect(ec2.commandCalls(ImportKeyPairCommand)[0]?.args[0].input.TagSpecifications).toEqual([
      { ResourceType: 'key-pair', Tags: TAGS },
    ]);
    expect(ec2.commandCalls(CreateSecurityGroupCommand)[0]?.args[0].input.TagSpecifications).toEqual([
      { ResourceType: 'security-group', Tags: TAGS },
    ]);
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]?.args[0].input.TagSpecifications).toEqual([
      { ResourceType: 'security-group-rule', Tags: TAGS },
    ]);
    const run = ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(run?.TagSpecifications?.map((spec) => spec.ResourceType)).toEqual([
      'instance',
      'volume',
      'network-interface',
    ]);
    for (const spec of run?.TagSpecifications ?? []) expect(spec.Tags).toEqual(TAGS);
  });

  it('RunInstances: gp3 sized from the config, DeleteOnTermination on every volume, IMDSv2, shutdown terminates, TTL in user data', async () => {
    const result = await provisionThroughSdk('on-demand');
    const input = ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(input?.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/sda1',
        Ebs: { VolumeSize: 120, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: true },
      },
      { DeviceName: '/dev/sdb', Ebs: { DeleteOnTermination: true } },
    ]);
    expect(input?.MetadataOptions?.HttpTokens).toBe('required');
    expect(input?.InstanceInitiatedShutdownBehavior).toBe('terminate');
    expect(input?.InstanceMarketOptions).toBeUndefined();
    expect(input?.ClientToken).toBe(RUN);
    expect(input?.NetworkInterfaces?.[0]).toMatchObject({
      Groups: ['sg-1'],
      SubnetId: 'subnet-1',
      DeleteOnTermination: true,
    });
    expect(Buffer.from(input?.UserData ?? '', 'base64').toString()).toContain('shutdown -P +240');
    expect(result.hostKeyFingerprints).toEqual(['SHA256:abcDEF123+/x']);
  });

  it('spot is one-time and terminates on interruption, and its request is tagged', async () => {
    await provisionThroughSdk('spot');
    const input = ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(input?.InstanceMarketOptions).toEqual({
      MarketType: 'spot',
      SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    });
    expect(input?.TagSpecifications?.map((spec) => spec.ResourceType)).toContain('spot-instances-request');
  });

  it('the security group allows only 22/tcp from the /32', async () => {
    await provisionThroughSdk('on-demand');
    const calls = ec2.commandCalls(AuthorizeSecurityGroupIngressCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: '198.51.100.23/32', Description: 'SSH from the TrainDeck desktop' }],
      },
    ]);
  });

  it("reusing a role with TrainDeck's name reads its trust policy, managed and inline policies and tags first", async () => {
    mockHappyAccount();
    iam.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 'x',
        Path: '/',
        RoleId: 'AROA',
        Arn: 'arn:aws:iam::123456789012:role/x',
        CreateDate: new Date(),
        AssumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify({
            Statement: [
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' },
            ],
          }),
        ),
        Tags: [],
      },
    });
    iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    });
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['traindeck-run-prefix'] });
    await expect(provisionThroughSdk('on-demand', false)).rejects.toThrow(
      /exists but is not TrainDeck's own: its trust policy lets more than EC2 assume it; managed policies are attached to it \(arn:aws:iam::aws:policy\/AdministratorAccess\); it has no traindeck:created-by tag/,
    );
    expect(iam.commandCalls(ListAttachedRolePoliciesCommand)[0]?.args[0].input.RoleName).toMatch(/^TrainDeck-td-data-/);
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(AddRoleToInstanceProfileCommand)).toHaveLength(0);
  });

  it('the instance role may only list, read and write the run prefix of its bucket', async () => {
    await provisionThroughSdk('on-demand');
    const trust = JSON.parse(
      iam.commandCalls(CreateRoleCommand)[0]?.args[0].input.AssumeRolePolicyDocument ?? '{}',
    ) as { Statement: Array<{ Principal: unknown }> };
    expect(trust.Statement[0]?.Principal).toEqual({ Service: 'ec2.amazonaws.com' });
    const policy = JSON.parse(iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input.PolicyDocument ?? '{}') as {
      Statement: Array<Record<string, unknown>>;
    };
    expect(policy.Statement).toEqual([
      {
        Sid: 'ListRunPrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::td-data',
        Condition: { StringLike: { 's3:prefix': ['team/demo', 'team/demo/*'] } },
      },
      {
        Sid: 'ReadDeleteRunPrefix',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: 'arn:aws:s3:::td-data/team/demo/*',
      },
      {
        Sid: 'WriteRunPrefixSseC',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::td-data/team/demo/*',
        Condition: { StringEquals: { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' } },
      },
    ]);
    expect(iam.commandCalls(AddRoleToInstanceProfileCommand)[0]?.args[0].input).toMatchObject({
      InstanceProfileName: expect.stringMatching(/^TrainDeck-td-data-[0-9a-f]{8}$/),
    });
  });
});

describe('SDK call shape of the spot price history', () => {
  const ports = () =>
    createSdkAwsPorts({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
      env: {},
    });
  const from = new Date('2025-06-01T12:00:00Z');
  const to = new Date('2025-06-01T15:30:00Z');

  it('asks for Linux/UNIX prices of the type in the zone over the window, and flattens every page', async () => {
    const pages = [
      {
        SpotPriceHistory: [
          {
            AvailabilityZone: 'eu-west-1a',
            InstanceType: 'g5.xlarge' as const,
            ProductDescription: 'Linux/UNIX' as const,
            SpotPrice: '0.412300',
            Timestamp: new Date('2025-06-01T14:00:00Z'),
          },
        ],
        NextToken: 'page-2',
      },
      {
        SpotPriceHistory: [
          { AvailabilityZone: 'eu-west-1a', SpotPrice: '0.390000', Timestamp: new Date('2025-06-01T09:12:00Z') },
          { AvailabilityZone: 'eu-west-1a', SpotPrice: 'n/a', Timestamp: new Date('2025-06-01T13:00:00Z') },
        ],
      },
    ];
    // The paginator reuses one input object across pages: copy each as it is sent.
    const inputs: unknown[] = [];
    ec2
      .on(DescribeSpotPriceHistoryCommand)
      .callsFake((input: object) => (inputs.push(structuredClone(input)), pages.shift()));
    const controller = new AbortController();
    const points = await ports()
      .ec2('eu-west-1')
      .spotPriceHistory('g5.xlarge', 'eu-west-1a', from, to, { signal: controller.signal });
    expect(points).toEqual([
      { zone: 'eu-west-1a', t: Date.parse('2025-06-01T14:00:00Z'), usdPerHour: 0.4123 },
      { zone: 'eu-west-1a', t: Date.parse('2025-06-01T09:12:00Z'), usdPerHour: 0.39 },
    ]);
    const calls = ec2.commandCalls(DescribeSpotPriceHistoryCommand);
    expect(calls).toHaveLength(2);
    const first = {
      ProductDescriptions: ['Linux/UNIX'],
      InstanceTypes: ['g5.xlarge'],
      AvailabilityZone: 'eu-west-1a',
      StartTime: from,
      EndTime: to,
      MaxResults: 1000,
    };
    expect(inputs).toEqual([first, { ...first, NextToken: 'page-2' }]);
    // Every page is sent with the caller's signal: the wait is bounded by it.
    for (const call of calls) expect((call.args as unknown[])[1]).toMatchObject({ abortSignal: controller.signal });
  });

  it('asks for every zone of the region when the zone is unknown', async () => {
    ec2.on(DescribeSpotPriceHistoryCommand).resolves({ SpotPriceHistory: [] });
    expect(await ports().ec2('eu-west-1').spotPriceHistory('g5.xlarge', undefined, from, to)).toEqual([]);
    expect(ec2.commandCalls(DescribeSpotPriceHistoryCommand)[0]?.args[0].input).not.toHaveProperty('AvailabilityZone');
  });
});
