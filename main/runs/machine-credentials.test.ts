import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { storageSchema } from '../../shared/run-config/schema';
import { createStsClient } from '../aws/client-factory';
import { FakeAws } from '../aws/fake/fake-aws';
import { createScopedCredentialsAdapter } from '../aws/sdk/sts-scoped-credentials-adapter';
import { FakeClock } from '../aws/testing/fake-clock';
import { instancePolicyDocument } from '../lifecycle/provision/instance-policy';
import { iamPatternMatches } from '../lifecycle/provision/testing/iam-pattern';
import { credentialsDestination, type MachineCredentialsInput, machineS3Credentials } from './machine-credentials';

// The desktop's own credentials: an IAM user's long-term keys, or a role (SSO) session.
const LONG_TERM = { accessKeyId: 'AKIADESKTOPLONGTERM1', secretAccessKey: 'desktop-long-term-secret' };
const SESSION = { accessKeyId: 'ASIADESKTOPSESSION01', secretAccessKey: 'desktop-session-secret', sessionToken: 'tok' };
const MINTED = {
  AccessKeyId: 'ASIASCOPEDBYSTS00001',
  SecretAccessKey: 'scoped-secret',
  SessionToken: 'scoped-token',
  Expiration: new Date('2026-12-06T12:00:00Z'),
};

const sts = mockClient(STSClient);
beforeEach(() => {
  sts.reset();
  sts.on(GetFederationTokenCommand).resolves({ Credentials: MINTED });
  sts.on(AssumeRoleCommand).resolves({ Credentials: MINTED });
  sts.on(GetCallerIdentityCommand).resolves({
    Account: '123456789012',
    Arn: 'arn:aws:sts::123456789012:assumed-role/ml-dev/ana',
  });
});
afterEach(() => vi.unstubAllEnvs());

function input(desktop: AwsCredentialIdentity, patch: Partial<MachineCredentialsInput> = {}): MachineCredentialsInput {
  const client = createStsClient({ region: 'eu-west-1', credentials: desktop, env: {}, maxAttempts: 1 });
  return {
    env: {},
    region: 'eu-west-1',
    bucket: 'td-data',
    prefix: 'team/demo',
    runId: 'demo-20261205-1200-ab12',
    runName: 'demo',
    destination: 'ana@10.0.0.5:22',
    neededSeconds: 3 * 3600,
    whenTooLong: 'refuse',
    scoped: createScopedCredentialsAdapter(client),
    confirmStoreCredentials: undefined,
    signal: AbortSignal.timeout(10_000),
    ...patch,
  };
}

const sentTo = <T extends object>(command: new (input: T) => unknown) =>
  sts.commandCalls(command as never).map((call) => call.args[0].input as Record<string, unknown>);

describe('an ssh-host or local run gets short-lived STS credentials scoped to its prefix (aws-sdk-client-mock)', () => {
  it("an IAM user's long-term keys: GetFederationToken with the instance policy and the run's duration; the keys stay here", async () => {
    const sent = await machineS3Credentials(input(LONG_TERM));
    expect(sent).toEqual({
      accessKeyId: MINTED.AccessKeyId,
      secretAccessKey: 'scoped-secret',
      sessionToken: 'scoped-token',
    });
    expect(sent.accessKeyId).not.toBe(LONG_TERM.accessKeyId);
    expect(JSON.stringify(sent)).not.toContain(LONG_TERM.secretAccessKey);
    expect(sentTo(GetFederationTokenCommand)).toEqual([
      {
        Name: 'traindeck-emo-20261205-1200-ab12',
        Policy: instancePolicyDocument('td-data', 'team/demo'),
        DurationSeconds: 3 * 3600,
      },
    ]);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('a role or SSO session: AssumeRole of its own role (role chaining), same policy and duration', async () => {
    await machineS3Credentials(input(SESSION, { neededSeconds: 50 * 60 }));
    expect(sentTo(AssumeRoleCommand)).toEqual([
      {
        RoleArn: 'arn:aws:iam::123456789012:role/ml-dev',
        RoleSessionName: 'traindeck-emo-20261205-1200-ab12',
        Policy: instancePolicyDocument('td-data', 'team/demo'),
        DurationSeconds: 50 * 60,
      },
    ]);
    expect(sts.commandCalls(GetFederationTokenCommand)).toHaveLength(0);
  });

  it('TRAINDECK_RUN_ROLE_ARN names the role to assume; an SSO role is found under its reserved path', async () => {
    await machineS3Credentials(
      input(SESSION, { env: { TRAINDECK_RUN_ROLE_ARN: 'arn:aws:iam::111122223333:role/td-runs' }, neededSeconds: 600 }),
    );
    expect(sentTo(AssumeRoleCommand)[0]).toMatchObject({
      RoleArn: 'arn:aws:iam::111122223333:role/td-runs',
      DurationSeconds: 900,
    });
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);

    sts.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_MLDev_0123abcd/ana@example.com',
    });
    await machineS3Credentials(input(SESSION, { neededSeconds: 600 }));
    expect(sentTo(AssumeRoleCommand)[1]?.RoleArn).toBe(
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_MLDev_0123abcd',
    );
  });

  it('durations: at least 900 s; a new run needing more than STS gives is refused with the fix before any STS call', async () => {
    await machineS3Credentials(input(LONG_TERM, { neededSeconds: 60 }));
    expect(sentTo(GetFederationTokenCommand)[0]?.DurationSeconds).toBe(900);
    sts.resetHistory();

    const federation = machineS3Credentials(input(LONG_TERM, { neededSeconds: 37 * 3600 }));
    await expect(federation).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringMatching(/needs AWS credentials for 37 h 00 min .*at most 36 h 00 min$/),
      fix: expect.stringMatching(/^Lower training\.maxRuntimeMinutes by at least 60 min/),
    });
    const chained = machineS3Credentials(input(SESSION, { neededSeconds: 2 * 3600 }));
    await expect(chained).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      fix: expect.stringContaining("use an IAM user's access keys for this profile"),
    });
    expect(sts.calls()).toHaveLength(0);
  });

  it('a re-push or resume takes the longest STS gives instead of refusing', async () => {
    await machineS3Credentials(input(LONG_TERM, { neededSeconds: 40 * 3600, whenTooLong: 'clamp' }));
    await machineS3Credentials(input(SESSION, { neededSeconds: 3 * 3600, whenTooLong: 'clamp' }));
    expect(sentTo(GetFederationTokenCommand)[0]?.DurationSeconds).toBe(36 * 3600);
    expect(sentTo(AssumeRoleCommand)[0]?.DurationSeconds).toBe(3600);
  });

  it('STS refusing (AccessDenied) is a sentence naming the permission to add; nothing falls back to the own keys', async () => {
    const denied = Object.assign(
      new Error('User: arn:aws:iam::123456789012:user/ana is not authorized to perform: sts:GetFederationToken'),
      {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      },
    );
    sts.on(GetFederationTokenCommand).rejects(denied);
    await expect(machineS3Credentials(input(LONG_TERM))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(
        /^STS refused GetFederationToken \(AccessDenied\), .*never sends your own keys instead$/,
      ),
      fix: expect.stringContaining('Allow "sts:GetFederationToken" on "arn:aws:sts::*:federated-user/traindeck-*"'),
    });
    sts.on(AssumeRoleCommand).rejects(denied);
    await expect(machineS3Credentials(input(SESSION, { neededSeconds: 600 }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      fix: expect.stringContaining('Allow "sts:AssumeRole" on arn:aws:iam::123456789012:role/ml-dev'),
    });
    expect(sts.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name)).toEqual([
      'GetFederationTokenCommand',
      'GetCallerIdentityCommand',
      'AssumeRoleCommand',
    ]);
  });

  it('a session that is not of a role (GetSessionToken of a user) cannot be assumed again: the fix names the setting', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::123456789012:user/ana' });
    await expect(machineS3Credentials(input(SESSION, { neededSeconds: 600 }))).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      fix: expect.stringMatching(/^Set TRAINDECK_RUN_ROLE_ARN to a role you may assume/),
    });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});

describe('the session policy never grants anything outside bucket/prefix/', () => {
  interface Statement {
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: { StringLike?: { 's3:prefix'?: string[] } };
    NotAction?: unknown;
    NotResource?: unknown;
  }
  const prefixes = fc
    .array(fc.constantFrom('a', 'b', '/', '.', '-', '_', '*', '?', '$'), { minLength: 1, maxLength: 10 })
    .map((chars) => chars.join(''))
    .filter((prefix) => storageSchema.safeParse({ bucket: 'td-data', prefix, sseKeyFile: 'k' }).success);
  const keys = fc.array(fc.constantFrom('a', 'b', '/', '.', 'x'), { maxLength: 12 }).map((chars) => chars.join(''));

  it('property: every statement of the Policy sent to STS is an S3 Allow that matches only the prefix', async () => {
    await fc.assert(
      fc.asyncProperty(prefixes, keys, async (prefix, key) => {
        sts.resetHistory();
        await machineS3Credentials(input(LONG_TERM, { prefix }));
        const policy = JSON.parse(sentTo(GetFederationTokenCommand)[0]!.Policy as string) as { Statement: Statement[] };
        const inside = key.startsWith(`${prefix}/`);
        for (const statement of policy.Statement) {
          expect(statement.Effect).toBe('Allow');
          expect(statement.NotAction ?? statement.NotResource).toBeUndefined();
          for (const action of [statement.Action].flat()) expect(action).toMatch(/^s3:[A-Za-z]+$/);
          for (const resource of [statement.Resource].flat()) {
            if (resource === 'arn:aws:s3:::td-data') {
              // The bucket itself: listing only, and only under the prefix.
              expect(statement.Action).toBe('s3:ListBucket');
              const listed = statement.Condition?.StringLike?.['s3:prefix'] ?? [];
              expect(listed.length).toBeGreaterThan(0);
              if (key !== prefix && !inside) expect(listed.some((p) => iamPatternMatches(p, key))).toBe(false);
            } else {
              expect(iamPatternMatches(resource, `arn:aws:s3:::td-data/${key}`)).toBe(inside);
              expect(iamPatternMatches(resource, `arn:aws:s3:::other-bucket/${prefix}/${key}`)).toBe(false);
            }
          }
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});

describe('an S3-compatible store (custom S3 endpoint): no STS there, its own credentials only once confirmed', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'STOREKEY0001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'store-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
  });
  const env = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:7480' };

  it("says so and asks; a yes sends the store's credentials as they are, without any STS call", async () => {
    const asked: unknown[] = [];
    const sent = await machineS3Credentials(
      input(LONG_TERM, { env, confirmStoreCredentials: async (exposure) => void asked.push(exposure) }),
    );
    expect(asked).toEqual([
      {
        runName: 'demo',
        destination: 'ana@10.0.0.5:22',
        endpoint: 'http://127.0.0.1:7480',
        accessKeyId: 'STOREKEY0001',
      },
    ]);
    expect(sent).toMatchObject({ accessKeyId: 'STOREKEY0001', secretAccessKey: 'store-secret' });
    expect(sts.calls()).toHaveLength(0);
  });

  it('a no (or nothing to ask with) sends nothing', async () => {
    const refusal = Object.assign(new Error('Not allowed in the TrainDeck dialog'), { code: 'CANCELLED' });
    await expect(
      machineS3Credentials(input(LONG_TERM, { env, confirmStoreCredentials: () => Promise.reject(refusal) })),
    ).rejects.toBe(refusal);
    await expect(machineS3Credentials(input(LONG_TERM, { env }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('its own credentials would be sent as they are'),
    });
  });
});

describe('the demo account (TRAINDECK_FAKE_AWS) mints fake scoped credentials, never calling AWS', () => {
  it('records the policy and duration it was asked for', async () => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: ['eu-west-1'] });
    const sent = await machineS3Credentials(input(LONG_TERM, { scoped: fake.ports().scopedCredentials }));
    expect(sent.accessKeyId).toMatch(/^ASIAFAKESCOPED/);
    expect(fake.scopedRequests).toEqual([
      expect.objectContaining({ policy: instancePolicyDocument('td-data', 'team/demo'), durationSeconds: 3 * 3600 }),
    ]);
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('credentialsDestination', () => {
  it('names one place for a new run and its re-push, whether or not the port is spelled out', () => {
    expect(credentialsDestination({ kind: 'ssh', address: 'ml@gpu-box' })).toBe('ml@gpu-box:22');
    expect(credentialsDestination({ kind: 'ssh', address: 'ml@gpu-box:22' })).toBe('ml@gpu-box:22');
    expect(credentialsDestination({ kind: 'ssh', address: 'ml@gpu-box:2222' })).toBe('ml@gpu-box:2222');
    expect(credentialsDestination({ kind: 'local' })).toBe('this computer (a local run)');
  });
});
