import { createHash } from 'node:crypto';

import { TAG_CREATED_BY } from '../../../shared/domain/tags';
import { TypedError } from '../../../shared/ipc/result';
import type { InstanceProfileSpec } from '../../aws/ports/account-ports';

/** The tag that names what a TrainDeck instance role is for (checked when the role is reused). */
export const TAG_BUCKET_PREFIX = 'traindeck:bucket-prefix';

/** Characters IAM reads as wildcards (`*`, `?`) or policy variables (`${…}`): never in a prefix. */
export const IAM_SPECIAL_PREFIX_CHARACTERS = /[*?$]/;

/** The SSE-C condition every PutObject of TrainDeck meets (condition key from the S3 authorization reference). */
export const SSE_C_CONDITION = { StringEquals: { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' } };

/**
 * The IAM policy of a run's machine (the EC2 instance role, and the session policy of the
 * short-lived credentials an ssh-host or local run gets): list only the run's prefix, and
 * read/write/delete only the objects under it; a write only with SSE-C. No other bucket, no
 * other prefix, no other service. A prefix with `*`, `?` or `$` is refused (the run config's
 * schema refuses it first): IAM would read it as a wildcard or a variable and widen the grant.
 */
export function instancePolicyDocument(bucket: string, prefix: string): string {
  if (IAM_SPECIAL_PREFIX_CHARACTERS.test(prefix) || IAM_SPECIAL_PREFIX_CHARACTERS.test(bucket)) {
    throw new TypedError(
      'INVALID_REQUEST',
      `the S3 prefix "${prefix}" contains *, ? or $, which IAM reads as wildcards`,
      {
        fix: 'Use a prefix of letters, digits, "-", "_", "." and "/".',
      },
    );
  }
  const objects = prefix ? `arn:aws:s3:::${bucket}/${prefix}/*` : `arn:aws:s3:::${bucket}/*`;
  const listing = prefix ? { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } : undefined;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ListRunPrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
        ...(listing ? { Condition: listing } : {}),
      },
      {
        Sid: 'ReadDeleteRunPrefix',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: objects,
      },
      // Every object TrainDeck writes is encrypted with the user's key: a write without SSE-C is refused.
      {
        Sid: 'WriteRunPrefixSseC',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: objects,
        Condition: SSE_C_CONDITION,
      },
    ],
  });
}

/**
 * The role and profile for one bucket prefix. One per prefix (not per run): IAM is free,
 * and a new role takes seconds to be usable by EC2. The name says what it is for; the hash
 * keeps it unique and within IAM's 64 characters.
 */
export function instanceProfileSpec(bucket: string, prefix: string, createdBy: string): InstanceProfileSpec {
  if (!prefix) {
    throw new TypedError(
      'INVALID_REQUEST',
      'an EC2 run needs a storage prefix: its instance role would cover the whole bucket',
      {
        fix: 'Set storage.prefix, e.g. "runs/my-run".',
      },
    );
  }
  const hash = createHash('sha256').update(`${bucket}/${prefix}`).digest('hex').slice(0, 8);
  const name = `TrainDeck-${bucket.replace(/[^A-Za-z0-9+=,.@_-]/g, '-').slice(0, 40)}-${hash}`;
  return {
    roleName: name,
    profileName: name,
    policyName: 'traindeck-run-prefix',
    policyDocument: instancePolicyDocument(bucket, prefix),
    description: `TrainDeck instances: read/write s3://${bucket}/${prefix} only`.slice(0, 1000),
    tags: { [TAG_CREATED_BY]: createdBy, [TAG_BUCKET_PREFIX]: `${bucket}/${prefix}`.slice(0, 256) },
  };
}
