import { createHash } from 'node:crypto';

import { TAG_CREATED_BY } from '../../../shared/domain/tags';
import type { InstanceProfileSpec } from '../../aws/ports/account-ports';

/**
 * The IAM policy of the instance: list only the run's prefix, and read/write/delete only the
 * objects under it. No other bucket, no other prefix, no other service.
 */
export function instancePolicyDocument(bucket: string, prefix: string): string {
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
        Sid: 'ReadWriteRunPrefix',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: objects,
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
  const hash = createHash('sha256').update(`${bucket}/${prefix}`).digest('hex').slice(0, 8);
  const name = `TrainDeck-${bucket.replace(/[^A-Za-z0-9+=,.@_-]/g, '-').slice(0, 40)}-${hash}`;
  return {
    roleName: name,
    profileName: name,
    policyName: 'traindeck-run-prefix',
    policyDocument: instancePolicyDocument(bucket, prefix),
    description: `TrainDeck instances: read/write s3://${bucket}/${prefix} only`.slice(0, 1000),
    tags: { [TAG_CREATED_BY]: createdBy, 'traindeck:bucket-prefix': `${bucket}/${prefix}`.slice(0, 256) },
  };
}
