import { createHash } from 'node:crypto';

import {
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

import { toStoreError } from './s3-errors';

/** The rule's id is derived from the prefix, so re-applying replaces it instead of piling up. */
export function tieringRuleId(prefix: string): string {
  return `traindeck-tiering-${createHash('sha256').update(prefix).digest('hex').slice(0, 12)}`;
}

/**
 * Adds (or replaces) one lifecycle rule for the run prefix: objects move to
 * INTELLIGENT_TIERING at once (for anything uploaded without it), and unfinished multipart
 * uploads are aborted after a day (they are billed and invisible). Other rules are kept:
 * S3 replaces the whole configuration on every put, so it is read first.
 */
export async function applyTieringLifecycle(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ ruleId: string; rules: number }> {
  const existing = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })).then(
    (out) => out.Rules ?? [],
    (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
      if (error.name === 'NoSuchLifecycleConfiguration' || error.$metadata?.httpStatusCode === 404) return [];
      throw toStoreError(error, 'bucket');
    },
  );
  const ruleId = tieringRuleId(prefix);
  const rule: LifecycleRule = {
    ID: ruleId,
    Status: 'Enabled',
    Filter: { Prefix: prefix ? `${prefix}/` : '' },
    Transitions: [{ Days: 0, StorageClass: 'INTELLIGENT_TIERING' }],
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  };
  const rules = [...existing.filter((r) => r.ID !== ruleId), rule];
  await client
    .send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }))
    .catch((error: unknown) => {
      throw toStoreError(error, 'bucket');
    });
  return { ruleId, rules: rules.length };
}
