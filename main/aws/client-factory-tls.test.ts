import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { awsFailure, awsFailureError } from './aws-errors';
import type { AwsSettings } from './client-factory';
import { type AwsQueryServer, startAwsQueryServer } from './testing/aws-query-server';
import { EVERY_CLIENT_FACTORY } from './testing/every-client-factory';
import { makeTestCertificates } from './testing/test-certificates';

// Invariant: every client factory trusts over HTTPS exactly what the S3 client trusts: AWS_CA_BUNDLE's
// certificates when it is set (as the AWS CLI applies it to every service), else Node's roots. An
// endpoint behind a private certificate authority (an EC2-compatible endpoint, a proxy that inspects
// TLS) is refused without the bundle, once (a certificate is no network failure: never retried), with
// a sentence naming the certificate and the fix; with the bundle, the same call is answered.

let server: AwsQueryServer;
let dir: string;
beforeAll(async () => {
  const certs = makeTestCertificates();
  dir = mkdtempSync(join(tmpdir(), 'traindeck-factory-tls-'));
  writeFileSync(join(dir, 'ca.pem'), certs.ca);
  server = await startAwsQueryServer({ regions: ['us-east-1'], tls: certs.valid });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const settingsWith = (env: NodeJS.ProcessEnv, maxAttempts?: number): AwsSettings => ({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDFACTORYTLS', secretAccessKey: 'factory-tls-secret' },
  // The query server answers every service but S3; S3's request gets its InvalidAction: an answer all the same.
  endpoints: { ...server.endpoints(), S3: server.endpoint },
  env,
  ...(maxAttempts ? { maxAttempts } : {}),
});

describe.each(EVERY_CLIENT_FACTORY)('$id over HTTPS from a private certificate authority', ({ call }) => {
  it('without AWS_CA_BUNDLE: refused once, as a certificate, with the fix', async () => {
    const connections = server.connections();
    const calls = server.calls().length;
    // The default attempts (5): a failure taken for the network's would be tried again.
    const error = await rejection(call(settingsWith({})));
    const failure = awsFailure(error);
    expect(failure).toMatchObject({ kind: 'certificate', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(failure.message).toMatch(
      /^The .+ endpoint https:\/\/127\.0\.0\.1:\d+ presented a TLS certificate this machine does not accept \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .+\), so \w+ was not sent\.$/,
    );
    expect(failure.fix).toMatch(/point AWS_CA_BUNDLE at its PEM file/);
    expect(awsFailureError(error)).toMatchObject({ code: 'PRECONDITION_FAILED', fix: failure.fix });
    expect(server.connections() - connections).toBe(1);
    expect(server.calls().length).toBe(calls);
  });

  it('with AWS_CA_BUNDLE naming that authority: the call reaches the service and is answered', async () => {
    const calls = server.calls().length;
    const outcome = await call(settingsWith({ AWS_CA_BUNDLE: join(dir, 'ca.pem') }, 1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(server.calls().length - calls).toBe(1);
    if (outcome !== undefined) {
      // An AWS answer (an error of the fake's own, or S3's InvalidAction), never a refused certificate.
      expect(awsFailure(outcome).kind).not.toBe('certificate');
      expect(outcome).toMatchObject({ $metadata: { httpStatusCode: expect.any(Number) } });
    }
  });
});
