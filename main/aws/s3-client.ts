import { constants as cryptoConstants } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

import { TypedError } from '../../shared/ipc/result';
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
  const ca = caBundle(settings.env ?? process.env);
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  // The certificate's chain and name are always verified (NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn it off),
  // and no renegotiation is accepted (Node would not verify the certificate of a second handshake).
  const httpsAgent = new HttpsAgent({
    keepAlive: true,
    maxSockets,
    rejectUnauthorized: true,
    secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION,
    ...(ca ? { ca } : {}),
  });
  const idleTimeoutMs = pool.idleTimeoutMs ?? 30_000;
  const client = new S3Client({
    ...baseConfig('S3', settings),
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
    ...(ca ? { ca } : {}),
  });
  return annotateAwsCalls(client, 'S3', settings);
}

/**
 * The certificates of AWS_CA_BUNDLE (the AWS CLI's setting: a PEM file trusted instead of the usual
 * roots, as botocore hands it to OpenSSL alone, for an S3 endpoint behind a private certificate
 * authority), or undefined when unset; the SDK for JavaScript does not read it. NODE_EXTRA_CA_CERTS
 * (Node's own, added to the roots) works too when AWS_CA_BUNDLE is unset. A link is followed (as the
 * CLI does); only a regular file of at most CA_BUNDLE_MAX is read: a pipe or a device (/dev/zero)
 * would hold this synchronous read, made as the client is built, for ever.
 */
function caBundle(env: NodeJS.ProcessEnv): string[] | undefined {
  const path = env.AWS_CA_BUNDLE;
  if (!path) return undefined;
  const fix = "Point AWS_CA_BUNDLE at the PEM file of your S3 endpoint's certificate authority, or unset it.";
  let text: string;
  let fd: number | undefined;
  try {
    // Non-blocking: opening a pipe without a writer must not wait; it is refused just below.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new TypedError('INVALID_REQUEST', `AWS_CA_BUNDLE names ${path}, which is not a regular file.`, { fix });
    }
    if (stat.size > CA_BUNDLE_MAX) {
      const size = `${Math.round(stat.size / 2 ** 20)} MiB`;
      throw new TypedError(
        'INVALID_REQUEST',
        `AWS_CA_BUNDLE names ${path}, which is ${size}: far larger than a certificate bundle (at most ${CA_BUNDLE_MAX / 2 ** 20} MiB).`,
        { fix },
      );
    }
    text = readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof TypedError) throw error;
    const why = (error as { code?: string }).code ?? (error as Error).message;
    throw new TypedError('INVALID_REQUEST', `AWS_CA_BUNDLE names ${path}, which cannot be read (${why}).`, { fix });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  if (!certificates) {
    throw new TypedError('INVALID_REQUEST', `AWS_CA_BUNDLE names ${path}, which holds no PEM certificate.`, {
      fix: "Point AWS_CA_BUNDLE at the PEM file (-----BEGIN CERTIFICATE-----) of your S3 endpoint's certificate authority, or unset it.",
    });
  }
  return certificates;
}

/** The largest AWS_CA_BUNDLE read: every public root together is ~0.2 MiB. */
const CA_BUNDLE_MAX = 16 * 2 ** 20;
