import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { hasDoubledPeriod } from '../../shared/text/sentences';
import { type Fault, type FaultProxy, startFaultProxy } from '../sync/testing/fault-proxy';
import { awsFailure, awsFailureError } from './aws-errors';
import { createSdkAwsPorts } from './sdk/sdk-aws-ports';
import { type AwsQueryServer, startAwsQueryServer } from './testing/aws-query-server';

// The SDK's real HTTP path: clients from the client factory, pointed with the standard
// AWS_ENDPOINT_URL_<SERVICE> variables at a fault proxy in front of a tiny AWS-compatible server.
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
let server: AwsQueryServer;
let proxy: FaultProxy | undefined;
beforeEach(async () => {
  server = await startAwsQueryServer({ regions: ['eu-west-1', 'us-east-1'], vcpuQuota: 64 });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await proxy?.close();
  proxy = undefined;
  await server.close();
});

async function portsBehind(faults: Record<string, Fault>) {
  proxy = await startFaultProxy(server.endpoint, (request) => faults[request.operation] ?? 'pass');
  const endpoint = proxy.endpoint;
  for (const id of ['EC2', 'STS', 'SERVICE_QUOTAS', 'S3']) vi.stubEnv(`AWS_ENDPOINT_URL_${id}`, endpoint);
  return { endpoint, ports: createSdkAwsPorts({ region: 'us-east-1', credentials, maxAttempts: 1, env: process.env }) };
}

const failureOf = async (call: Promise<unknown>, signal?: AbortSignal) =>
  awsFailure(
    await call.then(
      () => undefined,
      (error: unknown) => error,
    ),
    { signal },
  );

describe('the SDK path against an AWS-compatible endpoint', () => {
  it('answers through the proxy when no fault is planned', async () => {
    const { ports } = await portsBehind({});
    expect(await ports.regions.listEnabledRegions()).toEqual(['eu-west-1', 'us-east-1']);
    expect((await ports.identity.whoAmI()).account).toBe('123456789012');
    expect(await ports.quotas('us-east-1').vcpuQuota('L-1216C47A')).toEqual({ value: 64, source: 'applied' });
    expect(server.calls()).toEqual(['DescribeRegions', 'GetCallerIdentity', 'GetServiceQuota']);
  });

  it.each([
    ['EC2', 'DescribeRegions', (p: Ports) => p.regions.listEnabledRegions()],
    ['STS', 'GetCallerIdentity', (p: Ports) => p.identity.whoAmI()],
    ['Service Quotas', 'GetServiceQuota', (p: Ports) => p.quotas('us-east-1').vcpuQuota('L-1216C47A')],
    ['S3', 'GetBucketVersioning', (p: Ports) => p.bucket('us-east-1').versioning('data')],
  ])(
    'an HTML 500 from %s %s is a sentence naming the service, the call and the status, with a fix',
    async (service, operation, call) => {
      const key = service === 'S3' ? 'GET /data/' : operation;
      const { endpoint, ports } = await portsBehind({ [key]: { html: 500 } });
      const failure = await failureOf(call(ports));
      expect(failure).toMatchObject({ kind: 'non-aws-body', service, operation, region: 'us-east-1', status: 500 });
      expect(failure.message).toBe(
        `The ${service} endpoint ${endpoint} answered ${operation} with HTTP 500 and an HTML page instead of an AWS response.`,
      );
      const variable = `AWS_ENDPOINT_URL_${service === 'Service Quotas' ? 'SERVICE_QUOTAS' : service}`;
      expect(failure.fix).toContain(variable);
      expect(failure.message).not.toMatch(/XML parse|SyntaxError|\$response|Deserialization/);
    },
  );

  it('an HTML 500 to a HEAD (S3 HeadBucket: no body to parse) is named the same way', async () => {
    const { ports } = await portsBehind({ 'HEAD /data/': { html: 500 } });
    const failure = await failureOf(ports.bucket('us-east-1').bucketRegion('data'));
    expect(failure).toMatchObject({ kind: 'non-aws-body', service: 'S3', operation: 'HeadBucket', status: 500 });
  });

  it('throttling, a denial and a server error keep the AWS code and the status', async () => {
    const { ports } = await portsBehind({
      DescribeRegions: { status: 503, code: 'RequestLimitExceeded' },
      GetCallerIdentity: { status: 403, code: 'AccessDenied' },
      GetServiceQuota: { status: 500, code: 'ServiceException' },
    });
    const throttled = await failureOf(ports.regions.listEnabledRegions());
    expect(throttled).toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded', status: 503 });
    expect(throttled.message).toBe('EC2 DescribeRegions in us-east-1 was throttled (RequestLimitExceeded, HTTP 503).');
    const denied = await failureOf(ports.identity.whoAmI());
    expect(denied).toMatchObject({ kind: 'denied', code: 'AccessDenied', status: 403 });
    expect(denied.fix).toBe('Allow sts:GetCallerIdentity for these credentials in their IAM policy.');
    const quota = await failureOf(ports.quotas('us-east-1').vcpuQuota('L-1216C47A'));
    expect(quota).toMatchObject({
      kind: 'server',
      code: 'ServiceException',
      status: 500,
      operation: 'GetServiceQuota',
    });
    // The old report: "(SyntaxError) → Allow servicequotas:GetServiceQuota" for a 500.
    expect(quota.fix).not.toMatch(/Allow/);
  });

  it('a connection cut mid-call, a dead port and an unknown host are named as such', async () => {
    const { endpoint, ports } = await portsBehind({ DescribeRegions: 'reset' });
    const reset = await failureOf(ports.regions.listEnabledRegions());
    expect(reset).toMatchObject({ kind: 'reset', service: 'EC2', operation: 'DescribeRegions' });
    expect(reset.message).toBe(`The EC2 endpoint ${endpoint} cut the connection during DescribeRegions (ECONNRESET).`);

    vi.stubEnv('AWS_ENDPOINT_URL_STS', 'http://127.0.0.1:1');
    const refused = awsFailureError(
      await createSdkAwsPorts({ region: 'us-east-1', credentials, maxAttempts: 1 })
        .identity.whoAmI()
        .catch((error: unknown) => error),
    );
    expect(refused.message).toBe('The STS endpoint http://127.0.0.1:1 refused the connection (ECONNREFUSED).');
    expect(refused.fix).toBe('Start the service at http://127.0.0.1:1, or fix AWS_ENDPOINT_URL_STS.');
    expect(refused.code).toBe('UNAVAILABLE');

    vi.stubEnv('AWS_ENDPOINT_URL_STS', 'http://sts.traindeck-test.invalid');
    const dns = await failureOf(
      createSdkAwsPorts({ region: 'us-east-1', credentials, maxAttempts: 1 }).identity.whoAmI(),
    );
    expect(dns.kind).toBe('dns');
    expect(dns.message).toBe(
      'The STS endpoint http://sts.traindeck-test.invalid could not be found (ENOTFOUND): the host name does not resolve.',
    );
  });

  it('a held answer ends when the caller gives up, and says the call did not answer in time', async () => {
    const { ports } = await portsBehind({ DescribeRegions: { hold: 'response' } });
    const signal = AbortSignal.timeout(200);
    const failure = await failureOf(ports.regions.listEnabledRegions({ signal }), signal);
    expect(failure.kind).toBe('timeout');
    expect(failure.message).toMatch(/^The EC2 endpoint .* did not answer DescribeRegions in time\.$/);
  });

  it('no produced message or fix has a doubled period', async () => {
    const { ports } = await portsBehind({
      DescribeRegions: { html: 503 },
      GetCallerIdentity: { status: 400, code: 'ValidationError', message: 'The request was bad.' },
    });
    for (const failure of [
      await failureOf(ports.regions.listEnabledRegions()),
      await failureOf(ports.identity.whoAmI()),
    ]) {
      expect(hasDoubledPeriod(failure.message), failure.message).toBe(false);
      expect(hasDoubledPeriod(failure.fix), failure.fix).toBe(false);
    }
  });
});

type Ports = ReturnType<typeof createSdkAwsPorts>;
