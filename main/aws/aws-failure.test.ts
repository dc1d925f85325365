import { DescribeInstancesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

import { asSentence, hasDoubledPeriod, joinSentences } from '../../shared/text/sentences';
import { withAwsCall } from './aws-call-context';
import { awsFailure, awsFailureError, describeAwsError } from './aws-errors';
import { awsError } from './fake/fake-error';
import { createEc2InventoryAdapter } from './sdk/ec2-inventory-adapter';

const call = { service: 'EC2', operation: 'DescribeInstances', region: 'eu-west-1' };

describe('sentences', () => {
  it('joins parts that already end with a full stop without doubling it (was "were found.. Nothing was created.")', () => {
    expect(joinSentences('No AWS credentials were found.', 'Nothing was created.')).toBe(
      'No AWS credentials were found. Nothing was created.',
    );
    expect(joinSentences('Preflight failed: a', undefined, '', 'Nothing was created')).toBe(
      'Preflight failed: a. Nothing was created.',
    );
  });

  it('property: joined sentences never hold a doubled full stop, and each part ends with one mark', () => {
    const part = fc.string({ maxLength: 20 }).map((s) => s.replace(/\./g, ' ').trim() + '.'.repeat(s.length % 3));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 5 }), (parts) => {
        const text = joinSentences(...parts);
        expect(hasDoubledPeriod(text)).toBe(false);
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(asSentence('Is it?')).toBe('Is it?');
  });
});

describe('awsFailure', () => {
  it('names service, operation, region, code and status; the fix of a denial is the IAM action', () => {
    const error = withAwsCall(
      Object.assign(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'), {
        $metadata: { httpStatusCode: 403 },
      }),
      call,
    );
    expect(awsFailure(error)).toEqual({
      kind: 'denied',
      ...call,
      status: 403,
      code: 'UnauthorizedOperation',
      message: 'EC2 DescribeInstances in eu-west-1 was denied (UnauthorizedOperation, HTTP 403).',
      fix: 'Allow ec2:DescribeInstances for these credentials in their IAM policy.',
    });
    expect(awsFailureError(error).code).toBe('FORBIDDEN');
  });

  it.each([
    // Was a network failure ("could not reach … Check the network connection"): its code looks like one.
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"],
    // Was "EC2 DescribeInstances in eu-west-1 failed (Error)".
    ['CERT_HAS_EXPIRED', 'certificate has expired'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'],
  ])('a refused certificate (%s) is said as one, with AWS_CA_BUNDLE in its fix', (code, message) => {
    const error = withAwsCall(Object.assign(new Error(message), { code }), {
      ...call,
      endpoint: 'https://ec2.internal.example',
      endpointSource: 'AWS_ENDPOINT_URL_EC2',
    });
    expect(awsFailure(error)).toEqual({
      kind: 'certificate',
      ...call,
      endpoint: 'https://ec2.internal.example',
      code,
      message: `The EC2 endpoint https://ec2.internal.example presented a TLS certificate this machine does not accept (${code}: ${message}), so DescribeInstances was not sent.`,
      fix: "If the endpoint, or a proxy that inspects TLS, uses a private certificate authority, point AWS_CA_BUNDLE at its PEM file; otherwise check that AWS_ENDPOINT_URL_EC2 (https://ec2.internal.example) names the host its certificate is for, and this machine's clock.",
    });
    expect(awsFailureError(error).code).toBe('PRECONDITION_FAILED');
  });

  it('a quota call answering 500 is a server failure, not a permission to grant (was "(SyntaxError) → Allow servicequotas:GetServiceQuota")', () => {
    const error = withAwsCall(
      Object.assign(new SyntaxError(`Unexpected token '<', "<html><bod"... is not valid JSON`), {
        $metadata: { httpStatusCode: 500 },
      }),
      { service: 'Service Quotas', operation: 'GetServiceQuota', region: 'us-east-1' },
    );
    const failure = awsFailure(error);
    expect(failure.kind).toBe('non-aws-body');
    expect(failure.message).toBe(
      'The Service Quotas endpoint of us-east-1 answered GetServiceQuota with HTTP 500 and an HTML page instead of an AWS response.',
    );
    expect(failure.fix).not.toMatch(/Allow/);
  });

  it('errors of the in-memory fake (no call context) keep their code in the sentence', () => {
    expect(describeAwsError(awsError('InvalidInstanceID.NotFound', 'The instance i-1 does not exist'))).toBe(
      'InvalidInstanceID.NotFound: The instance i-1 does not exist',
    );
  });

  it('property: every failure is one sentence with a fix, whatever the SDK threw', () => {
    const errorArb = fc.record({
      code: fc.constantFrom(
        'Throttling',
        'RequestLimitExceeded',
        'AccessDenied',
        'InternalError',
        'Unknown',
        'InvalidParameterValue',
        'SyntaxError',
        'TimeoutError',
        'Error',
      ),
      message: fc.constantFrom(
        '',
        'UnknownError',
        'Something went wrong.',
        'Bad value..',
        '@aws-sdk XML parse error: mismatched tags <hr> and </body>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      status: fc.option(fc.constantFrom(400, 403, 404, 429, 500, 503), { nil: undefined }),
      network: fc.option(fc.constantFrom('ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'), {
        nil: undefined,
      }),
      withCall: fc.boolean(),
      endpoint: fc.option(fc.constant('http://127.0.0.1:9000'), { nil: undefined }),
    });
    fc.assert(
      fc.property(errorArb, (shape) => {
        let error: Error = awsError(shape.code, shape.message);
        if (shape.status !== undefined) Object.assign(error, { $metadata: { httpStatusCode: shape.status } });
        if (shape.network) Object.assign(error, { code: shape.network });
        if (shape.withCall) {
          error = withAwsCall(error, {
            ...call,
            ...(shape.endpoint ? { endpoint: shape.endpoint, endpointSource: 'AWS_ENDPOINT_URL_EC2' } : {}),
          });
        }
        const failure = awsFailure(error);
        for (const text of [failure.message, failure.fix]) {
          expect(text.length).toBeGreaterThan(3);
          expect(hasDoubledPeriod(text), text).toBe(false);
          expect(text).toMatch(/[.?!:]$/);
          expect(text).not.toMatch(/\$response|Deserialization error|\n/);
        }
        if (shape.withCall) expect(failure.message).toContain('EC2');
      }),
      { seed: 42, numRuns: 400 },
    );
  });
});

describe('through an adapter (aws-sdk-client-mock call shapes)', () => {
  const ec2 = mockClient(EC2Client);
  afterEach(() => ec2.reset());

  it('a modelled SDK exception keeps its code and status', async () => {
    ec2.on(DescribeInstancesCommand).rejects(
      new EC2ServiceException({
        name: 'RequestLimitExceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 503 },
        message: 'Request limit exceeded.',
      }),
    );
    const adapter = createEc2InventoryAdapter(new EC2Client({ region: 'eu-west-1' }), undefined as never);
    const error = await adapter.listInstances().catch((e: unknown) => e);
    expect(awsFailure(error)).toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded', status: 503 });
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
  });
});
