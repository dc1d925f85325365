import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

import { annotateAwsCalls } from './aws-call-context';
import { type AwsSettings, baseConfig } from './client-config';
import { endpointOverridesFromEnv } from './endpoints';
import { registerLeanPool } from './s3-lean-requests';

// Kept apart from the other clients so that code using S3 alone (sync, the executor) does not
// load EC2, IAM, SSM… at startup.

/** The SDK's logger, silenced: every failure reaches the user once, as our own sentence. */
const QUIET = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Connection pool options of the S3 client: sized to the sync engine's concurrency. */
export interface S3PoolOptions {
  maxSockets?: number;
  /** A connection silent this long (a stalled answer body too) is cut and its request fails; 30 s by default. */
  idleTimeoutMs?: number;
}

/** True when S3 is served somewhere other than AWS (then bucket names go in the path). */
export function hasCustomS3Endpoint(settings: AwsSettings): boolean {
  if (settings.endpoints?.S3) return true;
  return endpointOverridesFromEnv(settings.env ?? process.env).some((o) => o.service === 'S3' || o.service === 'ALL');
}

/**
 * S3 client that works on AWS and on S3-compatible servers alike: path-style addressing for
 * custom endpoints (virtual hosts do not resolve on localhost), and checksums only where S3
 * requires them (the SDK's default streams aws-chunked bodies with trailing checksums, which
 * Ceph RGW answers with 411; integrity is our own SHA-256 instead). Keep-alive agents are
 * sized to the caller's concurrency so parallel transfers do not queue for sockets.
 */
export function createS3Client(settings: AwsSettings, pool: S3PoolOptions = {}): S3Client {
  const maxSockets = pool.maxSockets ?? 50;
  // The SDK prints a multi-line Node-version notice once per process, on every CLI command: not
  // the user's concern here (the app pins its Node), and our own errors say what matters.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Every client's HTTPS trust (trusted-cas.ts), on agents of its own sized to the caller's concurrency.
  const { requestHandler: shared, ...base } = baseConfig('S3', settings);
  const trust = shared.httpsAgent;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets, ...trust });
  const idleTimeoutMs = pool.idleTimeoutMs ?? 30_000;
  const client = new S3Client({
    ...base,
    logger: QUIET,
    forcePathStyle: hasCustomS3Endpoint(settings),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent,
      httpsAgent,
      connectionTimeout: 10_000,
      requestTimeout: 120_000,
      // The request timeout only warns; without an idle limit a stalled body would wait forever.
      socketTimeout: idleTimeoutMs,
      // Its default logger is the console: a queue for sockets (expected at our concurrency) printed three lines each time.
      logger: QUIET,
    }),
  });
  // Even with a silent logger the SDK's logger middleware filters every input and output through
  // its schema (sensitive-field redaction): ~0.1 ms of CPU per request on small-file syncs, for nothing.
  client.middlewareStack.remove('loggerMiddleware');
  // The object store's lean small-object requests go over the same sockets, with the same idle limit.
  registerLeanPool(client, {
    httpAgent,
    httpsAgent,
    idleTimeoutMs,
    ...(settings.endpoints?.S3 ? { endpoint: settings.endpoints.S3 } : {}),
    ...(trust.ca ? { ca: trust.ca } : {}),
  });
  return annotateAwsCalls(client, 'S3', settings);
}
