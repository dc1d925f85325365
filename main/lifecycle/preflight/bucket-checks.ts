import type { PreflightCheck } from '../../../shared/domain/preflight';
import type { RunConfig } from '../../../shared/run-config/schema';
import { awsErrorCode, awsFailure } from '../../aws/aws-errors';
import type { BucketPort } from '../../aws/ports/account-ports';
import type { CallOptions } from '../../aws/ports/ec2-types';
import type { SseKey } from '../../sync/sse-key';
import { awsCallCheck, check, skipped } from './check';

/** What the user can do about each bucket finding: the texts in one table, apart from the checks' logic. */
const BUCKET_FIXES = {
  create: (bucket: string, region: string) => `Create it: aws s3 mb s3://${bucket} --region ${region}`,
  denied: 'Allow s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket for these credentials.',
  setRegion: (actual: string) => `Set storage.region to "${actual}".`,
  otherRegion: (runRegion: string, actual: string) =>
    `Use a bucket in ${runRegion}, or set storage.region to "${actual}" to accept cross-region transfer ` +
    '(about $0.02/GB each way).',
  crossRegion: 'Cross-region transfer costs about $0.02/GB; a bucket in the run region is free to reach.',
  versioning: (bucket: string) =>
    `Suspend versioning (aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration ` +
    'Status=Suspended) or add a lifecycle rule expiring noncurrent versions.',
  versioningDenied: 'Allow s3:GetBucketVersioning to see whether old versions pile up.',
  sseCRefused:
    'Allow SSE-C on the bucket (S3 console → Properties → Default encryption → blocked encryption types) ' +
    'and s3:PutObject/s3:DeleteObject on the prefix.',
} as const;

/** Bucket reachable and in the expected region, versioning state, SSE-C allowed (probe write + delete). */
export async function bucketChecks(
  config: RunConfig,
  bucketAt: (region: string) => BucketPort,
  sseKey: SseKey,
  probeName: string,
  options: CallOptions,
): Promise<{ checks: PreflightCheck[]; bucketRegion?: string }> {
  const { bucket, prefix } = config.storage;
  const runRegion = config.aws.region;
  const expected = config.storage.region ?? runRegion;
  let actual: string;
  try {
    actual = await bucketAt(expected).bucketRegion(bucket, options);
  } catch (error) {
    const code = awsErrorCode(error);
    const fail =
      code === 'NotFound' || code === 'NoSuchBucket'
        ? check('bucket', 'Bucket', 'fail', `s3://${bucket} does not exist`, BUCKET_FIXES.create(bucket, expected))
        : code === 'Forbidden' || code.startsWith('AccessDenied')
          ? check('bucket', 'Bucket', 'fail', `no access to s3://${bucket} (${code})`, BUCKET_FIXES.denied)
          : awsCallCheck('bucket', 'Bucket', 'fail', error, { ...options, context: `s3://${bucket}` });
    return {
      checks: [
        fail,
        skipped('versioning', 'Versioning', 'the bucket is not reachable'),
        skipped('sse-c', 'SSE-C', 'the bucket is not reachable'),
      ],
    };
  }
  if (actual !== expected) {
    const fix = config.storage.region ? BUCKET_FIXES.setRegion(actual) : BUCKET_FIXES.otherRegion(runRegion, actual);
    return {
      checks: [
        check('bucket', 'Bucket', 'fail', `s3://${bucket} is in ${actual}, not ${expected}`, fix),
        skipped('versioning', 'Versioning', 'wrong bucket region'),
        skipped('sse-c', 'SSE-C', 'wrong bucket region'),
      ],
    };
  }
  const checks = [
    actual === runRegion
      ? check('bucket', 'Bucket', 'pass', `s3://${bucket} (${actual})`)
      : check(
          'bucket',
          'Bucket',
          'warn',
          `s3://${bucket} is in ${actual}, the instance in ${runRegion}`,
          BUCKET_FIXES.crossRegion,
        ),
  ];
  const port = bucketAt(actual);
  try {
    const versioning = await port.versioning(bucket, options);
    checks.push(
      versioning === 'off'
        ? check('versioning', 'Versioning', 'pass', 'off')
        : check(
            'versioning',
            'Versioning',
            'warn',
            `${versioning}: overwritten checkpoints and logs keep old versions, and they cost`,
            BUCKET_FIXES.versioning(bucket),
          ),
    );
  } catch (error) {
    checks.push(
      awsCallCheck('versioning', 'Versioning', 'warn', error, {
        ...options,
        context: 'could not read',
        deniedFix: BUCKET_FIXES.versioningDenied,
      }),
    );
  }
  const probeKey = `${prefix ? `${prefix}/` : ''}.traindeck-preflight/${probeName}`;
  try {
    await port.probeSseC(bucket, probeKey, sseKey.params(), options);
    checks.push(check('sse-c', 'SSE-C', 'pass', `write + delete with your key under s3://${bucket}/${prefix}`));
  } catch (error) {
    const failure = awsFailure(error, options);
    const refused = failure.kind === 'denied' || failure.kind === 'aws';
    checks.push(
      check(
        'sse-c',
        'SSE-C',
        'fail',
        refused
          ? `a write with your key was refused: ${failure.message}`
          : `the probe write failed: ${failure.message}`,
        refused ? BUCKET_FIXES.sseCRefused : failure.fix,
      ),
    );
  }
  return { checks, bucketRegion: actual };
}
