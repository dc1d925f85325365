import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { APP_VERSION } from '../core/version';
import { endpointOverridesFromEnv, type AwsServiceId } from './endpoints';

/** Everything that decides how a client talks to AWS (or an AWS-compatible endpoint). */
export interface AwsSettings {
  region: string;
  /** A profile of ~/.aws; omitted means the SDK's default chain (AWS_PROFILE, env keys, SSO…). */
  profile?: string;
  /** Explicit credentials (tests, the executor with its instance role left to the chain). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Explicit endpoints per service; otherwise the SDK's standard AWS_ENDPOINT_URL[_<ID>] apply. */
  endpoints?: Partial<Record<AwsServiceId, string>>;
  /** Attempts per call, including the first (SDK standard retry: backoff with jitter, throttling aware). */
  maxAttempts?: number;
  env?: NodeJS.ProcessEnv;
}

/** Connection pool options of the S3 client: sized to the sync engine's concurrency. */
export interface S3PoolOptions {
  maxSockets?: number;
}

const DEFAULT_ATTEMPTS = 5;

function baseConfig(service: AwsServiceId, settings: AwsSettings) {
  const endpoint = settings.endpoints?.[service];
  return {
    region: settings.region,
    maxAttempts: settings.maxAttempts ?? DEFAULT_ATTEMPTS,
    retryMode: 'standard',
    customUserAgent: `traindeck/${APP_VERSION}`,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
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
  return new S3Client({
    ...baseConfig('S3', settings),
    forcePathStyle: hasCustomS3Endpoint(settings),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
      connectionTimeout: 10_000,
      requestTimeout: 120_000,
    }),
  });
}

/** EC2 client for one region. */
export const createEc2Client = (settings: AwsSettings) => new EC2Client(baseConfig('EC2', settings));
/** STS client (identity checks). */
export const createStsClient = (settings: AwsSettings) => new STSClient(baseConfig('STS', settings));
/** IAM client (the instance role and profile). */
export const createIamClient = (settings: AwsSettings) => new IAMClient(baseConfig('IAM', settings));
/** SSM client (public AMI parameters). */
export const createSsmClient = (settings: AwsSettings) => new SSMClient(baseConfig('SSM', settings));
/** CloudWatch client (instance metrics). */
export const createCloudWatchClient = (settings: AwsSettings) => new CloudWatchClient(baseConfig('CLOUDWATCH', settings));
/** Service Quotas client (vCPU limits). */
export const createServiceQuotasClient = (settings: AwsSettings) => new ServiceQuotasClient(baseConfig('SERVICE_QUOTAS', settings));
/** Elastic Load Balancing v2 client (the cost scanner lists and kill-all deletes load balancers). */
export const createElbv2Client = (settings: AwsSettings) => new ElasticLoadBalancingV2Client(baseConfig('ELASTIC_LOAD_BALANCING_V2', settings));
